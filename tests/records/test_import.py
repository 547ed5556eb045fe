"""The import spec derived from the declaration: the export re-imports and updates the same records
(natural key), bad rows get the services' messages naming row and column, all or nothing — and an
import does not overwrite a record edited after the upload was checked."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.facts.models import Fact
from kexie.facts.records import FACTS
from kexie.imports import services as imports
from kexie.imports.models import ImportBatch
from kexie.imports.specs import get_spec
from kexie.records import services
from kexie.records.forms import version_of
from tests.records.conftest import post_data


def _upload(access, user, content: bytes) -> ImportBatch:
    return imports.batch_upload(
        access=access,
        user=user,
        spec=get_spec("facts"),
        upload=SimpleUploadedFile("荣誉.xlsx", content),
        file_name="荣誉.xlsx",
    )


def _exported(client, **params) -> bytes:
    response = client.get(reverse("facts:export"), params)
    assert response.status_code == 200
    return response.content


def test_an_exported_list_reimports_as_updates_not_duplicates(login, make_fact, access_of, people):
    make_fact()
    make_fact(kind=Fact.Kind.FIRST, statement="全省率先建成科普e站", issuer="", level="", year=2022)
    content = _exported(login("county_filler"))
    batch = _upload(access_of("county_filler"), people["county_filler"], content)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    batch = imports.batch_commit(
        access=access_of("county_filler"), spec=get_spec("facts"), batch=batch, user=people["county_filler"]
    )
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert (batch.rows_created, batch.rows_updated) == (0, 2)
    assert Fact.objects.count() == 2


def _sheet(tmp_path, rows):
    from tests.imports.helpers import write_xlsx

    header = ["所属单位代码", "类别", "表述", "授予/发布单位", "级别", "年份", "来源"]
    return write_xlsx(tmp_path / "f.xlsx", rows, header=header, sheet="荣誉与排名").read_bytes()


def test_bad_rows_get_the_services_messages_and_nothing_is_written(tmp_path, access_of, people, tree):
    content = _sheet(
        tmp_path,
        [
            [tree["county"].code, "荣誉", "全国科普日优秀组织单位", "中国科协", "国家级", 2023, "通报"],
            [tree["county"].code, "荣誉", "省科普先进集体", "", "省级", 2023, "通报"],
            [tree["other_city"].code, "率先", "全省率先", "", "", 2023, "通报"],
            [tree["county"].code, "荣誉", "全国科普日优秀组织单位", "中国科协", "国家级", 2023, "通报"],
        ],
    )
    batch = _upload(access_of("county_filler"), people["county_filler"], content)
    assert batch.status == ImportBatch.Status.INVALID
    messages = {(e["row"], e.get("column")): e["message"] for e in batch.errors}
    assert messages[(3, "授予/发布单位")] == "荣誉须填写授予单位（如“中国科协”）。"
    assert "不在您的填报范围内" in messages[(4, "所属单位代码")]
    assert "与第2行重复" in messages[(5, None)]
    assert not Fact.objects.exists()


def test_an_import_refuses_to_overwrite_a_record_edited_after_the_upload_was_checked(
    tmp_path, access_of, people, tree, make_fact
):
    fact = make_fact()
    content = _sheet(
        tmp_path,
        [
            [
                tree["county"].code,
                "荣誉",
                "全国科普日优秀组织单位",
                "中国科学技术协会",
                "国家级",
                2023,
                "通报",
            ],
            [tree["county"].code, "率先", "全省率先建成科普e站", "", "", 2023, "通报"],
        ],
    )
    batch = _upload(access_of("county_filler"), people["county_filler"], content)
    assert batch.status == ImportBatch.Status.VALIDATED, batch.errors
    # someone else edits the record between the check and the confirmation
    services.record_update(
        declaration=FACTS,
        access=access_of("province_sysadmin"),
        actor=people["province_sysadmin"],
        record=fact,
        values=post_data(tree, org_unit=tree["county"], year=2023, rank=None, date=None, level="provincial"),
        version=version_of(FACTS, fact),
    )
    batch.refresh_from_db()
    batch = imports.batch_commit(
        access=access_of("county_filler"), spec=get_spec("facts"), batch=batch, user=people["county_filler"]
    )
    assert batch.status != ImportBatch.Status.COMMITTED
    [error] = batch.errors
    assert error["row"] == 2
    assert "在上传校验之后已被他人修改" in error["message"]
    assert "级别：国家级 → 省级" in error["message"]
    fact.refresh_from_db()
    assert (fact.level, fact.issuer) == ("provincial", "中国科协")
    assert Fact.objects.count() == 1  # the new row of the same file was not written either


def test_a_committed_import_rolls_back(tmp_path, access_of, people, tree, make_fact):
    fact = make_fact()
    content = _sheet(
        tmp_path,
        [
            [
                tree["county"].code,
                "荣誉",
                "全国科普日优秀组织单位",
                "中国科学技术协会",
                "国家级",
                2023,
                "通报",
            ],
            [tree["county"].code, "率先", "全省率先建成科普e站", "", "", 2023, "通报"],
        ],
    )
    spec = get_spec("facts")
    batch = _upload(access_of("county_filler"), people["county_filler"], content)
    batch = imports.batch_commit(
        access=access_of("county_filler"), spec=spec, batch=batch, user=people["county_filler"]
    )
    assert (batch.rows_created, batch.rows_updated) == (1, 1)
    assert Fact.objects.get(pk=fact.pk).issuer == "中国科学技术协会"
    imports.batch_rollback(
        access=access_of("county_filler"), spec=spec, batch=batch, user=people["county_filler"]
    )
    assert list(Fact.objects.values_list("statement", "issuer")) == [("全国科普日优秀组织单位", "中国科协")]
