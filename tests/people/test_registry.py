"""The person registry on the record layer: entry, duplicates (form and import), PIPL masking and the
logged reveal, exports, scoping."""

import io
import logging

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from kexie.imports import services as import_services
from kexie.imports.specs import get_spec
from kexie.people.models import Person, PersonalDataAccess, Role
from kexie.people.services import person_find_or_create
from tests.imports.helpers import write_xlsx
from tests.people.conftest import valid_id

ID_A = valid_id("34082219800101001")
ID_B = valid_id("34082219850505002")
PHONE = "13812345678"


@pytest.fixture
def zhang(access_of, people, tree):
    return person_find_or_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        name="张三",
        id_number=ID_A,
        phone=PHONE,
        org_unit=tree["county"],
        role=Role.EXPERT,
        employer="怀宁县农科所",
    )


def _create_form(tree, **over):
    data = {
        "org_unit": tree["county"].pk,
        "name": "李四",
        "id_masked": ID_B,
        "phone": "13900001111",
        "roles": [Role.SCI_WORKER, Role.VOLUNTEER],
        "gender": "female",
        "title_level": "senior",
    }
    data.update(over)
    return data


def _xlsx_rows(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_a_filler_enters_a_person_and_no_page_shows_the_id_number(login, tree, caplog):
    caplog.set_level(logging.DEBUG)
    client = login("county_filler")
    response = client.post(reverse("people:create"), _create_form(tree))
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="李四")
    assert set(person.roles.values_list("role", flat=True)) == {Role.SCI_WORKER, Role.VOLUNTEER}
    pages = [
        client.get(reverse("people:list")),
        client.get(reverse("people:detail", args=[person.pk])),
        client.get(reverse("people:edit", args=[person.pk])),
        client.get(reverse("people:export")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert ID_B not in page.content.decode() if page["Content-Type"].startswith("text") else True
    detail = pages[1].content.decode()
    assert person.id_masked in detail
    assert "139****1111" in detail
    assert "13900001111" not in detail
    assert "13900001111" not in pages[0].content.decode()
    assert ID_B not in caplog.text
    export = _xlsx_rows(pages[3].content)
    assert ID_B not in repr(export)
    assert "手机号码" not in export[1] + export[2] + export[0]  # no phone column by default
    assert "13900001111" not in repr(export)


def test_a_duplicate_id_number_is_refused_with_a_link(login, tree, zhang):
    client = login("county_filler")
    response = client.post(reverse("people:create"), _create_form(tree, name="张叁", id_masked=ID_A))
    assert response.status_code == 400
    html = response.content.decode()
    link = reverse("people:detail", args=[zhang.pk])
    assert f'证件号码与已登记的 <a href="{link}">张三（怀宁县农科所）</a>相同。' in html
    assert Person.objects.count() == 1


def test_editing_keeps_the_id_unless_a_new_one_is_typed(login, tree, zhang):
    client = login("county_filler")
    form = client.get(reverse("people:edit", args=[zhang.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="张三", employer="怀宁县农业农村局", org_unit=tree["county"].pk)
    response = client.post(reverse("people:edit", args=[zhang.pk]), data)
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.employer == "怀宁县农业农村局"
    assert zhang.id_masked == ID_A[:4] + "*" * 10 + ID_A[-4:]
    assert zhang.phone == PHONE  # the edit form carries no phone
    data.update(id_masked="3408**********9999")
    response = client.post(
        reverse("people:edit", args=[zhang.pk]), data | {"_version": zhang.updated_at.isoformat()}
    )
    assert "请填写完整的18位证件号码" in response.content.decode()


def test_the_keeping_units_admin_reveals_the_phone_with_a_reason_and_it_is_logged(
    login, zhang, people, caplog
):
    caplog.set_level(logging.INFO)
    admin = login("county_admin")
    detail = admin.get(reverse("people:detail", args=[zhang.pk])).content.decode()
    assert "138****5678" in detail
    assert PHONE not in detail
    assert "查看完整号码" in detail
    url = reverse("people:reveal_phone", args=[zhang.pk])
    refused = admin.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "请填写查看事由" in refused.content.decode()
    assert not PersonalDataAccess.objects.exists()
    shown = admin.post(url, {"reason": "联系参加院士专家座谈"})
    assert shown.status_code == 200
    assert PHONE in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.person, entry.field, entry.reason) == (
        people["county_admin"],
        zhang,
        "phone",
        "联系参加院士专家座谈",
    )
    log_page = admin.get(reverse("people:access_log")).content.decode()
    assert "联系参加院士专家座谈" in log_page
    assert "张三" in log_page
    assert PHONE not in log_page
    assert ID_A not in log_page
    assert PHONE not in caplog.text
    assert ID_A not in caplog.text
    assert "personal data access" in caplog.text


@pytest.mark.parametrize("name", ["county_filler", "city_admin", "outsider", "county_viewer"])
def test_nobody_else_sees_the_whole_phone(login, zhang, name):
    client = login(name)
    assert client.get(reverse("people:reveal_phone", args=[zhang.pk])).status_code == 404
    assert (
        client.post(reverse("people:reveal_phone", args=[zhang.pk]), {"reason": "好奇一下"}).status_code
        == 404
    )
    assert not PersonalDataAccess.objects.exists()
    detail = client.get(reverse("people:detail", args=[zhang.pk]))
    if detail.status_code == 200:
        assert PHONE not in detail.content.decode()
        assert "查看完整号码</a>" not in detail.content.decode()


def test_the_access_log_is_for_admins_and_scoped(login, zhang, people):
    PersonalDataAccess.objects.create(
        user=people["county_admin"], person=zhang, field="phone", reason="核对号码事由"
    )
    assert login("county_filler").get(reverse("people:access_log")).status_code == 404
    assert "核对号码事由" in login("city_admin").get(reverse("people:access_log")).content.decode()
    assert "核对号码事由" not in login("outsider").get(reverse("people:access_log")).content.decode()


def test_an_admin_exports_phones_only_when_ticked_and_it_is_logged(login, zhang, people):
    admin = login("county_admin")
    choice = admin.get(reverse("people:export"))
    assert choice.status_code == 200
    assert "包含完整手机号码" in choice.content.decode()
    plain = admin.post(reverse("people:export"), {})
    rows = _xlsx_rows(plain.content)
    assert PHONE not in repr(rows)
    assert not PersonalDataAccess.objects.exists()
    no_reason = admin.post(reverse("people:export"), {"include_phone": "on", "reason": ""})
    assert no_reason.status_code == 400
    assert not PersonalDataAccess.objects.exists()
    full = admin.post(reverse("people:export"), {"include_phone": "on", "reason": "通知座谈会"})
    rows = _xlsx_rows(full.content)
    assert PHONE in repr(rows)
    assert ID_A not in repr(rows)
    assert PersonalDataAccess.objects.get().field == "phone_export"
    # a city admin exports the county's people: numbers of people it does not keep stay masked
    rows = _xlsx_rows(
        login("city_admin").post(reverse("people:export"), {"include_phone": "on", "reason": "汇总"}).content
    )
    assert PHONE not in repr(rows)
    assert "138****5678" in repr(rows)


def test_a_filler_cannot_export_phones(login, zhang):
    response = login("county_filler").post(
        reverse("people:export"), {"include_phone": "on", "reason": "想要"}
    )
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_scoping_hides_people_of_other_units(login, zhang, caplog):
    outsider = login("outsider")
    assert outsider.get(reverse("people:detail", args=[zhang.pk])).status_code == 404
    assert "张三" not in outsider.get(reverse("people:list")).content.decode()
    rows = _xlsx_rows(outsider.post(reverse("people:export"), {}).content)
    assert "张三" not in repr(rows)
    sibling = login("township_filler")
    assert sibling.get(reverse("people:edit", args=[zhang.pk])).status_code == 404
    assert "scope denial" in caplog.text


def test_list_filters_by_role(login, zhang, access_of, people, tree):
    person_find_or_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        name="王五",
        org_unit=tree["county"],
        role=Role.VOLUNTEER,
    )
    client = login("county_viewer")
    experts = client.get(reverse("people:list"), {"role": "expert"}).content.decode()
    assert "张三" in experts
    assert "王五" not in experts
    volunteers = client.get(reverse("people:list"), {"role": "volunteer"}).content.decode()
    assert "王五" in volunteers
    assert "张三" not in volunteers


def test_import_names_the_row_and_column_of_a_duplicate(access_of, people, tree, zhang, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    header = ["建档单位代码", "姓名", "证件号码", "手机号码", "工作单位"]
    path = write_xlsx(
        tmp_path / "人员.xlsx",
        [["340822", "李四", ID_B, "13900001111", "某学校"], ["340822", "张叁", ID_A, "", "某医院"]],
        header=header,
        sheet="人员",
    )
    spec = get_spec("people")
    with path.open("rb") as fh:
        batch = import_services.batch_upload(
            access=access_of("county_filler"),
            user=people["county_filler"],
            spec=spec,
            upload=fh,
            file_name="人员.xlsx",
        )
    errors = [e for e in batch.errors if e["row"] == 3 and e["column"] == "证件号码"]
    assert errors, batch.errors
    assert "证件号码与已登记的 张三（怀宁县农科所）相同" in errors[0]["message"]
    assert ID_A not in repr(batch.errors)
    assert ID_A not in caplog.text
    assert Person.objects.count() == 1


def test_an_export_reimports_as_updates(access_of, people, tree, zhang, login, tmp_path):
    content = login("county_filler").get(reverse("people:export")).content
    path = tmp_path / "导出.xlsx"
    path.write_bytes(content)
    spec = get_spec("people")
    with path.open("rb") as fh:
        batch = import_services.batch_upload(
            access=access_of("county_filler"),
            user=people["county_filler"],
            spec=spec,
            upload=fh,
            file_name="导出.xlsx",
        )
    assert not batch.errors, batch.errors
    batch = import_services.batch_commit(access=access_of("county_filler"), spec=spec, batch=batch)
    assert Person.objects.count() == 1
    zhang.refresh_from_db()
    assert zhang.phone == PHONE  # the export had no phone column: the stored number stays


def test_a_filler_replaces_the_phone_without_seeing_either_number(login, zhang):
    client = login("county_filler")
    response = client.post(reverse("people:phone_set", args=[zhang.pk]), {"phone": "139 0000 2222"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.phone == "13900002222"
    detail = client.get(reverse("people:detail", args=[zhang.pk])).content.decode()
    assert "139****2222" in detail
    assert "13900002222" not in detail  # nor in the history's diffs
    assert PHONE not in detail
    bad = client.post(reverse("people:phone_set", args=[zhang.pk]), {"phone": "12345"})
    assert bad.status_code == 400
    assert "手机号码应为以1开头的11位数字" in bad.content.decode()
    assert (
        login("county_viewer").post(reverse("people:phone_set", args=[zhang.pk]), {"phone": ""}).status_code
        == 404
    )


def test_roles_are_added_and_removed_but_never_all(login, zhang):
    client = login("county_filler")
    client.post(reverse("people:role_add", args=[zhang.pk]), {"role": "volunteer", "since": "2024-03-01"})
    assert set(zhang.roles.values_list("role", flat=True)) == {"expert", "volunteer"}
    client.post(reverse("people:role_remove", args=[zhang.pk]), {"role": "expert"})
    assert set(zhang.roles.values_list("role", flat=True)) == {"volunteer"}
    refused = client.post(reverse("people:role_remove", args=[zhang.pk]), {"role": "volunteer"})
    assert refused.status_code == 400
    assert "每个人员至少要有一种身份" in refused.content.decode()
    assert (
        login("outsider").post(reverse("people:role_add", args=[zhang.pk]), {"role": "student"}).status_code
        == 404
    )
