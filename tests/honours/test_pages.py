"""Award lists through the record layer (import all-or-nothing with precise messages, export that leaves
whole ID numbers out and re-imports unchanged), and scoping: a sibling county sees nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kexie.honours import services
from kexie.honours.models import Award, Level, Recipient
from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.people.models import Person
from tests.honours.conftest import ID_1, ID_2
from tests.imports.helpers import write_xlsx

HEADER = [
    "管理单位",
    "荣誉项目",
    "级别",
    "等次",
    "年度",
    "授予日期",
    "获奖对象",
    "获奖人",
    "身份证号",
    "工作单位",
    "团队成员",
    "文号",
]


def _row(tree, name, id_number="", **over):
    row = {
        "unit": tree["county"].code, "programme": "最美科技工作者", "level": "市级", "tier": "", "year": 2023,
        "day": dt.date(2023, 5, 30), "kind": "个人", "name": name, "id": id_number, "employer": "怀宁县人民医院",
        "members": "", "doc": "宜科协发〔2023〕15号",
    } | over  # fmt: skip
    return list(row.values())


def _upload(tmp_path, staff, acc, rows, name="获奖名单.xlsx", who="county_filler"):
    content = write_xlsx(tmp_path / name, rows, header=HEADER, sheet="获奖名单").read_bytes()
    return imports.batch_upload(
        access=acc(who), user=staff[who], spec=get_spec("honour_awards"),
        upload=SimpleUploadedFile(name, content), file_name=name,
    )  # fmt: skip


def _commit(batch, staff, acc, who="county_filler"):
    return imports.batch_commit(access=acc(who), spec=get_spec("honour_awards"), batch=batch, user=staff[who])


def test_an_award_list_imports_persons_once_and_keeps_only_masked_ids(tmp_path, tree, staff, acc):
    rows = [
        _row(tree, "张三", ID_1),
        _row(tree, "李四", ID_2, programme="省青年科技奖", level="省级", day=dt.date(2023, 9, 1),
             doc="皖科协发〔2023〕40号"),
        _row(tree, "怀宁科普志愿队", kind="团队", programme="科普工作先进集体和个人", members="赵一、钱二", id=""),
    ]  # fmt: skip
    batch = _upload(tmp_path, staff, acc, rows)
    # the preview shows the sensitive 证件号码 column masked, never the whole number (issue #11)
    assert "3408**********123X" in str(batch.preview)
    assert ID_1 not in str(batch.preview)
    batch = _commit(batch, staff, acc)
    assert (batch.rows_created, batch.rows_updated) == (3, 0), batch.errors
    zhang = Award.objects.get(recipient_name="张三")
    assert zhang.recipient_id == "3408**********123X"
    assert zhang.person.id_masked == "3408**********123X"
    assert Recipient.objects.filter(award__recipient_name="怀宁科普志愿队").count() == 2
    # a second list naming 张三 again (another honour) finds the same person
    again = [_row(tree, "张三", ID_1, programme="优秀科技工作者", doc="宜科协发〔2023〕16号")]
    _commit(_upload(tmp_path, staff, acc, again, "第二批.xlsx"), staff, acc)
    assert Person.objects.filter(name="张三").count() == 1
    assert Award.objects.filter(person=zhang.person).count() == 2


def test_bad_rows_are_refused_naming_row_and_column_and_nothing_is_written(tmp_path, tree, staff, acc):
    rows = [
        _row(tree, "张三", ID_1),  # fine
        _row(tree, "李四", "340822198505051231"),  # wrong check character
        _row(tree, "王五", level="国家级"),  # wait: 最美 exists at 国家级 — but the document is missing
        _row(tree, "赵六", day=dt.date(2099, 1, 1), year=2099),  # in the future
        _row(tree, "孙七", programme="不存在的奖"),
        _row(tree, "周八", unit=tree["other_county"].code),  # outside the scope
    ]
    rows[2][-1] = ""
    batch = _upload(tmp_path, staff, acc, rows)
    assert batch.status == ImportBatch.Status.INVALID
    by_row = {e["row"]: e for e in batch.errors}
    assert 2 not in by_row
    assert by_row[3]["message"] == "证件号码校验位不正确，请核对后重新输入。"
    assert by_row[3]["column"] == "证件号码"
    assert "请填写表彰文件的文号" in by_row[4]["message"]
    assert by_row[4]["column"] == "文号"
    assert "还没有到" in by_row[5]["message"]
    assert "不存在的奖" in by_row[6]["message"]
    assert "不在您的填报范围内" in by_row[7]["message"]
    assert not Award.objects.exists()
    assert not Person.objects.exists()


def test_the_export_leaves_whole_ids_out_and_reimports_unchanged(tmp_path, tree, staff, acc, login):
    _commit(_upload(tmp_path, staff, acc, [_row(tree, "张三", ID_1)]), staff, acc)
    content = login("county_filler").get(reverse("honours:export")).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    flat = "".join(str(c) for row in sheet for c in row)
    assert ID_1 not in flat
    assert "3408**********123X" in flat
    batch = imports.batch_upload(
        access=acc("county_filler"), user=staff["county_filler"], spec=get_spec("honour_awards"),
        upload=SimpleUploadedFile("导出.xlsx", content), file_name="导出.xlsx",
    )  # fmt: skip
    batch = _commit(batch, staff, acc)
    assert (batch.rows_created, batch.rows_updated) == (0, 1), batch.errors
    assert Person.objects.count() == 1
    assert Award.objects.get().person.id_masked == "3408**********123X"


@pytest.fixture
def county_award(tree, staff, acc, programme):
    return services.award_create(
        access=acc("county_filler"),
        actor=staff["county_filler"],
        data=services.AwardData(
            org_unit=tree["county"], programme=programme("zuimei"), level=Level.MUNICIPAL, year=2023,
            awarded_on=dt.date(2023, 5, 30), recipient_name="张三", recipient_id=ID_1, document_no="宜科协发〔2023〕15号",
        ),
    )  # fmt: skip


def test_no_page_shows_a_whole_id_number(county_award, login):
    client = login("county_filler")
    for url in (reverse("honours:list"), reverse("honours:detail", args=[county_award.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert ID_1 not in page.text
    assert "3408**********123X" in page.text  # the detail shows the mask


def test_a_sibling_county_sees_nothing(county_award, make_round, nominate, login, staff, tree):
    from kexie.orgs.models import Role
    from tests.factories import make_user

    make_user("county2_viewer", tree["county2"], Role.VIEWER)
    nomination = nominate(make_round(), "李四")
    from django.test import Client

    sibling = Client()
    sibling.force_login(staff["county2_filler"])
    assert sibling.get(reverse("honours:detail", args=[county_award.pk])).status_code == 404
    assert sibling.get(reverse("nominations:detail", args=[nomination.pk])).status_code == 404
    assert "张三" not in sibling.get(reverse("honours:list")).text
    assert "李四" not in sibling.get(reverse("nominations:list")).text
    assert "张三" not in sibling.get(reverse("honours:export")).content.decode("latin-1")
    export = CalamineWorkbook.from_filelike(io.BytesIO(sibling.get(reverse("honours:export")).content))
    assert "张三" not in str(export.get_sheet_by_index(0).to_python())
    # the city sees both
    city = login("city_admin")
    assert city.get(reverse("honours:detail", args=[county_award.pk])).status_code == 200
    assert "李四" in city.get(reverse("nominations:list")).text
    # and a county user cannot open the city's round page (it nominates through the form's list)
    assert (
        login("county_filler").get(reverse("honour_rounds:detail", args=[nomination.round_id])).status_code
        == 404
    )
    form = login("county_filler").get(reverse("nominations:create"))
    assert nomination.round.title in form.text


def test_an_admin_adds_a_local_programme_the_subtree_uses(login, tree, staff, acc):
    from kexie.honours.models import Programme

    page = login("city_admin").get(reverse("honours:programmes"))
    assert page.status_code == 200
    assert "最美科技工作者" in page.text
    assert "增设本地荣誉项目" in page.text
    posted = login("city_admin").post(
        reverse("honours:programmes"),
        {"name": "安庆市优秀青年科技人才", "code": "aq_youth", "levels": ["municipal"], "recipients": "individual",
         "quota": "10", "no_repeat": "on"},
    )  # fmt: skip
    assert posted.status_code == 302
    local = Programme.objects.get(code="aq_youth")
    assert (local.org_unit, local.levels, local.quota, local.no_repeat) == (
        tree["city"],
        ["municipal"],
        10,
        True,
    )
    # the county below may use it, the other city may not
    assert "安庆市优秀青年科技人才" in login("county_filler").get(reverse("honours:programmes")).text
    assert "安庆市优秀青年科技人才" not in login("outsider").get(reverse("honours:programmes")).text
    # a duplicate name is refused on the form, a filler cannot add one
    again = login("city_admin").post(
        reverse("honours:programmes"),
        {"name": "最美科技工作者", "code": "x1", "levels": ["municipal"], "recipients": "individual"},
    )
    assert again.status_code == 400
    assert "已有名为“最美科技工作者”的荣誉项目" in again.text
    assert "增设本地荣誉项目" not in login("county_filler").get(reverse("honours:programmes")).text
    assert login("county_filler").post(reverse("honours:programmes"), {"name": "x"}).status_code == 403


def test_the_dashboard_card_links_each_figure_and_respects_the_scope(county_award, login, tree):
    from urllib.parse import urlsplit

    card = login("city_admin").get(
        reverse("honours:dashboard_card"), {"unit": tree["city"].pk, "period": "2023"}
    )
    assert card.status_code == 200
    assert 'data-testid="honours-card"' in card.text
    link = next(a for a in card.text.split('href="')[1:] if 'data-indicator="honour_awards"' in a).split('"')[
        0
    ]
    assert urlsplit(link.replace("&amp;", "&")).path == "/honours/"
    listed = login("city_admin").get(link.replace("&amp;", "&"))
    assert "张三" in listed.text
    assert login("city_admin").get(reverse("honours:dashboard_card"), {"period": "2022"}).content == b""
    outside = login("outsider").get(
        reverse("honours:dashboard_card"), {"unit": tree["city"].pk, "period": "2023"}
    )
    assert outside.status_code == 404
    assert 'data-testid="honours-card-slot"' in login("city_admin").get("/analytics/?period=2023").text


def test_a_rounds_nominations_are_listed_from_its_page_for_the_city_and_the_province(
    make_round, nominate, login
):
    r = make_round()
    nominate(r, "李四")
    for who in ("city_admin", "province_sysadmin"):
        page = login(who).get(reverse("nominations:list"), {"round": r.pk})
        assert page.status_code == 200, who
        assert "李四" in page.text
    assert login("city_admin").get(reverse("honour_rounds:detail", args=[r.pk])).status_code == 200
