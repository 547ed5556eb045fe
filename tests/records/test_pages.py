"""The page edge and the generic pieces, through 荣誉与排名: unit picker, period filter, 400 for an
invalid form, domain errors mapped once, export that re-imports with the import's labels."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.facts.models import Fact
from kexie.facts.records import FACTS
from kexie.imports.specs import get_spec
from kexie.records.edge import status_for
from kexie.records.exports import import_columns
from tests.records.conftest import post_data


def test_the_unit_picker_finds_units_in_scope_by_name_or_code(login, tree):
    client = login("county_filler")
    by_name = client.get(
        reverse("records:units"), {"field": "org_unit", "action": "enter", "org_unit__q": "高河"}
    )
    assert "高河镇科协" in by_name.text
    by_code = client.get(
        reverse("records:units"),
        {"field": "org_unit", "action": "enter", "org_unit__q": tree["township"].code},
    )
    assert "高河镇科协" in by_code.text
    outside = client.get(
        reverse("records:units"), {"field": "org_unit", "action": "enter", "org_unit__q": "池州"}
    )
    assert "池州" not in outside.text.replace("没有找到“池州”", "")
    assert "没有找到“池州”" in outside.text


def test_picking_a_unit_renders_the_picker_with_it_and_refuses_one_outside(login, tree):
    client = login("county_filler")
    picked = client.get(
        reverse("records:unit_pick"), {"field": "org_unit", "action": "enter", "pk": tree["township"].pk}
    )
    assert f'value="{tree["township"].pk}"' in picked.text
    assert "已选：高河镇科协" in picked.text
    assert client.get(reverse("records:unit_pick"), {"pk": tree["other_city"].pk}).status_code == 404


def test_a_typed_code_or_name_chooses_the_unit_without_javascript(login, tree):
    client = login("county_filler")
    data = post_data(tree, org_unit="", org_unit__q=tree["township"].code)
    assert client.post(reverse("facts:create"), data).status_code == 302
    assert Fact.objects.get().org_unit == tree["township"]
    data = post_data(tree, org_unit="", org_unit__q="高河镇科协", statement="第二条")
    assert client.post(reverse("facts:create"), data).status_code == 302
    unknown = client.post(reverse("facts:create"), post_data(tree, org_unit="", org_unit__q="不存在的科协"))
    assert unknown.status_code == 400
    assert "找不到单位“不存在的科协”" in unknown.text


def test_an_invalid_form_answers_400_and_names_the_field(login, tree):
    response = login("county_filler").post(reverse("facts:create"), post_data(tree, year="二〇二三", kind=""))
    assert response.status_code == 400
    assert "年份应为整数" in response.text
    assert 'data-field="kind"' in response.text


def test_the_list_reads_typed_periods_and_the_unit_subtree(login, make_fact, tree):
    make_fact(date=None, year=2023)
    make_fact(statement="镇里的荣誉", org_unit=tree["township"], year=2022)
    client = login("county_filler")
    first_half = client.get(reverse("facts:list"), {"period": "2023年"})
    assert "全国科普日优秀组织单位" in first_half.text
    assert "镇里的荣誉" not in first_half.text
    plan = client.get(reverse("facts:list"), {"period": "十四五", "unit": tree["township"].pk})
    assert "镇里的荣誉" in plan.text
    assert "全国科普日优秀组织单位" not in plan.text
    bad = client.get(reverse("facts:list"), {"period": "2023年第五季度"})
    assert bad.status_code == 400
    assert "无法识别的期间“2023年第五季度”" in bad.text
    outside = client.get(reverse("facts:list"), {"unit": tree["other_city"].pk})
    assert "所选单位不在您的查看范围内" in outside.text


def test_domain_errors_map_to_statuses_in_one_place():
    assert status_for(DomainError("x")) == 400
    assert status_for(PermissionDeniedError()) == 403
    assert status_for(DomainError("x", code="conflict")) == 409


def test_the_export_has_the_import_columns_and_labels(login, make_fact):
    make_fact()
    make_fact(kind=Fact.Kind.RANKING, statement="全省第一名", rank=1, issuer="", level="", year=2021)
    response = login("county_viewer").get(reverse("facts:export"), {"kind": "ranking"})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    at = next(i for i, r in enumerate(rows) if "表述" in r)
    assert rows[1] == ["筛选条件：类别：排名"] + [""] * (len(rows[1]) - 1)
    header = [c for c in rows[at] if c != ""]
    assert header == [c.label for c in import_columns(FACTS)]
    assert header == [c.label for c in get_spec("facts").columns]
    assert rows[0][0].startswith("荣誉与排名（导出时间")
    data = [r for r in rows[at + 1 :] if any(r)]
    assert len(data) == 1
    assert data[0][header.index("表述")] == "全省第一名"
    assert data[0][header.index("类别")] == "排名"


def test_viewers_see_no_create_or_import_buttons_but_may_export(login, make_fact):
    make_fact()
    page = login("county_viewer").get(reverse("facts:list"))
    assert reverse("facts:export") in page.text
    assert reverse("facts:create") not in page.text
    assert login("county_viewer").get(reverse("facts:create")).status_code == 404


@pytest.mark.parametrize("name", ["list", "create", "export"])
def test_the_guard_sends_anonymous_users_to_login(client, name):
    response = client.get(reverse(f"facts:{name}"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
