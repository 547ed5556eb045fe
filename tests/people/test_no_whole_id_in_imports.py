"""Issue #11: no whole ID number (nor a phone) anywhere in the import pipeline or a re-shown form.

For each import that takes a 证件号码 column (people, honour awards, the volunteer roster) a file with
whole numbers and rows that fail is driven through the pages: upload, batch page (preview, errors,
correction form), correcting a cell and retyping an ID number, commit, the rollback page and the
batch list. No response, no stored JSON of the import tables, not the archived file's bytes and no
log line holds a whole number; the retyped number and the rest still arrive (committed, masked).
"""

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.honours.models import Award
from kexie.imports.models import ImportBatch, ImportBatchRecord
from kexie.imports.sensitive import Scrubber, mask, seal_bytes, seal_text, unseal_bytes, unseal_text
from kexie.imports.specs import get_spec
from kexie.people.models import Person, Role
from kexie.people.services import person_find_or_create
from kexie.volunteers import services as volunteer_services
from kexie.volunteers.models import TeamMember
from tests.imports.helpers import write_xlsx
from tests.people.conftest import valid_id

ID_OK = valid_id("34082219800101001")  # a whole, valid number in the file
ID_RETYPED = valid_id("34082219850505002")  # typed into the correction form
ID_WRONG = ID_RETYPED[:-1] + ("0" if ID_RETYPED[-1] != "0" else "1")  # wrong check character
PHONE = "13812345678"
SECRETS = (ID_OK, ID_RETYPED, ID_WRONG, PHONE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files are archived under MEDIA_ROOT: keep them out of the project's var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} shown in {where}"


def _stored_json(batch: ImportBatch) -> str:
    batch.refresh_from_db()
    records = list(ImportBatchRecord.objects.filter(batch=batch).values("before"))
    return repr(
        [batch.errors, batch.notices, batch.preview, batch.corrections, batch.corrections_log, records]
    )


def _drive(client, key: str, content: bytes, fixes: dict, caplog) -> ImportBatch:
    """Upload, check every page and what is stored, correct `fixes` ({(row, column key): text}),
    commit; returns the committed batch."""
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse("imports:upload", args=[key]), {"file": SimpleUploadedFile("名单.xlsx", content)}
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.INVALID, batch.errors
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="fix-form"' in page
    assert "不回显" in page
    assert mask(ID_OK) in page  # the preview shows the mask
    _no_secret(page, "the batch page of a failing import")
    archive = Path(batch.stored_file).read_bytes()
    _no_secret(archive.decode("latin-1"), "the archived file")
    assert content in (archive, unseal_bytes(archive))  # the file itself is still kept (sealed)
    _no_secret(_stored_json(batch), "the stored batch")
    sensitive_inputs = re.findall(r'<input[^>]*name="fix-\d+-(\w+)"[^>]*value=""[^>]*placeholder', page)
    assert sensitive_inputs, "a sensitive cell is offered empty, to be retyped"

    data = {f"fix-{row}-{col}": text for (row, col), text in fixes.items()}
    response = client.post(reverse("imports:fix", args=[batch.pk]), data)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    _no_secret(client.get(reverse("imports:batch", args=[batch.pk])).content.decode(), "the re-checked batch")
    stored = _stored_json(batch)
    _no_secret(stored, "the saved corrections")
    assert mask(ID_RETYPED) in stored  # the correction log names the retyped number by its mask

    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    for url in (
        reverse("imports:batch", args=[batch.pk]),
        reverse("imports:rollback", args=[batch.pk]),
        reverse("imports:batches"),
        reverse("imports:upload", args=[key]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _no_secret(response.content.decode(), url)
    _no_secret(_stored_json(batch), "the committed batch")
    _no_secret(Path(batch.stored_file).read_bytes().decode("latin-1"), "the archived file")
    _no_secret(caplog.text, "the log")
    return batch


def _sheet(tmp_path, key: str, rows: list[dict]) -> bytes:
    """An .xlsx with the spec's own column labels, rows given by column key."""
    columns = [c for c in get_spec(key).columns if any(c.key in r for r in rows)]
    lines = [[r.get(c.key, "") for c in columns] for r in rows]
    return write_xlsx(
        tmp_path / f"{key}.xlsx", lines, header=[c.label for c in columns], sheet="名单"
    ).read_bytes()


@pytest.mark.django_db
def test_a_people_import_never_shows_or_stores_a_whole_id_number(tmp_path, tree, login, caplog):
    rows = [
        {"org_unit": tree["county"].code, "name": "张三", "id_masked": ID_OK, "phone": PHONE,
         "birth_date": "1980年13月"},
        {"org_unit": tree["county"].code, "name": "李四", "id_masked": ID_WRONG},
    ]  # fmt: skip
    batch = _drive(
        login("county_filler"),
        "people",
        _sheet(tmp_path, "people", rows),
        {(2, "birth_date"): "1980-01-01", (3, "id_masked"): ID_RETYPED},
        caplog,
    )
    assert batch.rows_created == 2
    zhang, li = Person.objects.get(name="张三"), Person.objects.get(name="李四")
    assert (zhang.id_masked, li.id_masked) == (mask(ID_OK), mask(ID_RETYPED))
    assert zhang.phone == PHONE  # the phone arrives whole where it belongs, shown nowhere


@pytest.mark.django_db
def test_an_update_keeps_the_previous_phone_sealed_and_rollback_restores_it(
    tmp_path, tree, login, access_of, people
):
    zhang = person_find_or_create(
        access=access_of("county_filler"), actor=people["county_filler"], name="张三", id_number=ID_OK,
        phone=PHONE, org_unit=tree["county"], role=Role.EXPERT, employer="怀宁县农科所",
    )  # fmt: skip
    client = login("county_filler")
    row = {
        "org_unit": tree["county"].code,
        "name": "张三",
        "id_masked": zhang.id_masked,
        "phone": "13900001111",
    }
    content = _sheet(tmp_path, "people", [row])
    client.post(
        reverse("imports:upload", args=["people"]), {"file": SimpleUploadedFile("更新.xlsx", content)}
    )
    batch = ImportBatch.objects.latest("pk")
    client.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.status, batch.rows_updated) == (ImportBatch.Status.COMMITTED, 1), batch.errors
    assert PHONE not in _stored_json(batch)
    zhang.refresh_from_db()
    assert zhang.phone == "13900001111"
    client.post(reverse("imports:rollback", args=[batch.pk]))
    zhang.refresh_from_db()
    assert zhang.phone == PHONE  # the sealed previous value came back


@pytest.mark.django_db
def test_an_award_import_never_shows_or_stores_a_whole_id_number(tmp_path, tree, login, caplog):
    base = {
        "org_unit": tree["county"].code, "programme": "最美科技工作者", "level": "市级", "year": 2023,
        "awarded_on": dt.date(2023, 5, 30), "kind": "个人", "recipient_employer": "怀宁县人民医院",
        "document_no": "宜科协发〔2023〕15号",
    }  # fmt: skip
    spec = get_spec("honour_awards")
    keys = {c.key for c in spec.columns}
    assert {"recipient_name", "recipient_id"} <= keys, sorted(keys)
    rows = [
        base | {"recipient_name": "张三", "recipient_id": ID_OK, "level": "不存在的级别"},
        base | {"recipient_name": "李四", "recipient_id": ID_WRONG},
    ]
    rows = [{k: v for k, v in r.items() if k in keys} for r in rows]
    batch = _drive(
        login("county_filler"),
        "honour_awards",
        _sheet(tmp_path, "honour_awards", rows),
        {(2, "level"): "市级", (3, "recipient_id"): ID_RETYPED},
        caplog,
    )
    assert batch.rows_created == 2
    assert Award.objects.get(recipient_name="李四").recipient_id == mask(ID_RETYPED)


@pytest.mark.django_db
def test_a_roster_import_never_shows_or_stores_a_whole_id_number(
    tmp_path, tree, login, people, access_of, caplog
):
    team = volunteer_services.team_create(
        access=access_of("county_filler"),
        actor=people["county_filler"],
        data=volunteer_services.TeamData(
            org_unit=tree["county"],
            name="怀宁县科技志愿服务大队",
            kind="association",
            flagged_on=dt.date(2022, 3, 5),
        ),
    )
    rows = [
        {"team": team.name, "name": "张明", "id_masked": ID_OK, "joined_on": dt.date(2020, 1, 1)},
        {"team": team.name, "name": "李华", "id_masked": ID_WRONG, "joined_on": dt.date(2023, 3, 5)},
    ]
    batch = _drive(
        login("county_filler"),
        "volunteer_members",
        _sheet(tmp_path, "volunteer_members", rows),
        {(2, "joined_on"): "2023-03-05", (3, "id_masked"): ID_RETYPED},
        caplog,
    )
    assert batch.rows_created == 2
    assert TeamMember.objects.get(name="李华").id_masked == mask(ID_RETYPED)


@pytest.mark.django_db
def test_a_refused_person_form_does_not_echo_the_number(login, tree, access_of, people, caplog):
    person_find_or_create(
        access=access_of("county_filler"), actor=people["county_filler"], name="张三", id_number=ID_OK,
        org_unit=tree["county"], role=Role.EXPERT,
    )  # fmt: skip
    client = login("county_filler")
    data = {
        "org_unit": tree["county"].pk, "name": "张叁", "id_masked": ID_OK, "roles": [Role.SCI_WORKER],
        "gender": "female", "title_level": "senior",
    }  # fmt: skip
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "证件号码与已登记的" in html  # refused as a duplicate …
    assert "出于个人信息保护，证件号码不回显，请重新输入" in html  # … and asked again, not echoed
    assert ID_OK not in html
    wrong = client.post(reverse("people:create"), data | {"id_masked": ID_WRONG, "name": "王五"})
    assert wrong.status_code == 400
    assert ID_WRONG not in wrong.content.decode()
    assert ID_OK not in caplog.text
    assert ID_WRONG not in caplog.text
    edit = client.get(reverse("people:edit", args=[Person.objects.get(name="张三").pk])).content.decode()
    assert mask(ID_OK) in edit  # the stored mask is still shown on edit (kept unless retyped)


def test_a_seal_round_trips_and_refuses_tampering():
    assert unseal_text(seal_text(ID_OK)) == ID_OK
    assert ID_OK not in seal_text(ID_OK)
    assert seal_text(ID_OK) != seal_text(ID_OK)
    sealed = bytearray(seal_bytes(b"abc"))
    sealed[-1] ^= 1
    with pytest.raises(Exception, match="损坏"):
        unseal_bytes(bytes(sealed))
    assert (mask(ID_OK), mask(PHONE), mask("3408**********123X")) == (
        ID_OK[:4] + "*" * 10 + ID_OK[-4:],
        "138****5678",
        "3408**********123X",
    )


def test_a_message_quoting_a_sensitive_cell_shows_it_masked():
    scrub = Scrubber(frozenset({"id"}))
    scrub.remember({"id": ID_OK.lower(), "name": "张三"})
    assert scrub(f"“{ID_OK}”与第3行重复；张三") == f"“{mask(ID_OK)}”与第3行重复；张三"
