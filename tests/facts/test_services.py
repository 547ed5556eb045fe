"""Recording facts: rules with precise Chinese messages, scope, history, and the source document."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.facts import services
from kexie.facts.models import Fact

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _macro_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<x/>")
        zf.writestr("word/vbaProject.bin", "macro")
    return buffer.getvalue()


def test_it_records_an_honour_with_its_history(make_fact, people):
    fact = make_fact()
    assert fact.pk
    assert fact.kind == Fact.Kind.HONOUR
    assert fact.created_by == people["county_filler"]
    record = fact.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        people["county_filler"],
        "登记",
    )


def test_it_takes_the_year_from_the_date(make_fact):
    fact = make_fact(year=None, date=dt.date(2022, 9, 18))
    assert fact.year == 2022


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"statement": "  "}, "statement", "请填写表述。"),
        ({"statement": "获奖\u202e"}, "statement", "表述含有不可见的控制字符"),
        ({"statement": "奖" * 301}, "statement", "表述不能超过300个字（现有301个）。"),
        ({"source": ""}, "source", "请填写来源。"),
        ({"kind": "prize"}, "kind", "请选择类别"),
        ({"issuer": ""}, "issuer", "荣誉须填写授予单位"),
        ({"level": ""}, "level", "荣誉须选择级别。"),
        ({"level": "world"}, "level", "级别只能是国家级、省级、市级或县级。"),
        ({"year": None}, "year", "请填写年份"),
        ({"year": 1900}, "year", "年份应在1949年到"),
        ({"year": dt.date.today().year + 1}, "year", "年份应在1949年到"),
        ({"date": dt.date.today() + dt.timedelta(days=2)}, "date", "还没有到"),
        ({"year": 2021, "date": dt.date(2022, 3, 1)}, "year", "日期是2022年，但年份填的是2021年"),
        ({"rank": 3}, "rank", "只有“排名”类事实填写名次"),
        ({"kind": Fact.Kind.RANKING, "rank": None}, "rank", "排名须填写名次"),
        ({"kind": Fact.Kind.RANKING, "rank": 0}, "rank", "名次应为正整数"),
    ],
)
def test_it_refuses_bad_input_with_a_precise_message(make_fact, over, field, message):
    with pytest.raises(DomainError) as exc:
        make_fact(**over)
    assert exc.value.field == field
    assert message in exc.value.message
    assert not Fact.objects.exists()


def test_a_ranking_and_a_first_need_no_issuer(make_fact):
    ranking = make_fact(
        kind=Fact.Kind.RANKING, statement="全国科技工作者日活动浏览量全国第9名", rank=9, issuer=""
    )
    first = make_fact(kind=Fact.Kind.FIRST, statement="在全省率先出台指导意见", issuer="", level="")
    assert (ranking.rank, first.rank, first.level) == (9, None, "")


def test_it_refuses_units_outside_the_callers_subtree_or_role(make_fact, tree):
    with pytest.raises(PermissionDeniedError):
        make_fact(org_unit=tree["other_city"])
    with pytest.raises(PermissionDeniedError):
        make_fact(org_unit=tree["city"])  # above the county filler
    with pytest.raises(PermissionDeniedError):
        make_fact(who="county_viewer")  # may view, not enter
    assert not Fact.objects.exists()


def test_it_stores_the_source_document_checked_by_its_bytes(make_fact):
    fact = make_fact(source_upload=_upload("表彰通报.pdf", PDF))
    assert (fact.source_name, fact.source_size, fact.source_content_type) == (
        "表彰通报.pdf",
        len(PDF),
        "application/pdf",
    )
    assert Path(fact.source_file.name).suffix == ".pdf"
    assert "表彰" not in fact.source_file.name
    assert default_storage.open(fact.source_file.name).read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("通报.pdf", JPEG, "扩展名是.pdf，但内容是 JPEG 文件"),
        ("通报.exe", PDF, "不支持“.exe”文件"),
        ("通报.docx", _macro_docx(), "含有宏"),
        ("空.pdf", b"", "是空文件"),
    ],
)
def test_it_refuses_bad_source_files_and_writes_nothing(make_fact, name, content, message):
    with pytest.raises(DomainError) as exc:
        make_fact(source_upload=_upload(name, content))
    assert message in exc.value.message
    assert not Fact.objects.exists()
    assert not (Path(default_storage.location) / "facts").exists()


def test_it_refuses_an_oversized_source_file(make_fact, monkeypatch):
    from kexie.core import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(DomainError) as exc:
        make_fact(source_upload=_upload("大文件.pdf", PDF + b"0" * 200))
    assert "过大" in exc.value.message


def test_update_replaces_the_source_file_and_deletes_the_old_one(
    make_fact, access_of, people, fact_data, django_capture_on_commit_callbacks
):
    fact = make_fact(source_upload=_upload("旧.pdf", PDF))
    old = fact.source_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.fact_update(
            access=access_of("county_filler"),
            actor=people["county_filler"],
            fact=fact,
            data=fact_data(
                statement="全国科普日优秀组织单位（第二次）", source_upload=_upload("证书.jpg", JPEG)
            ),
        )
    fact.refresh_from_db()
    assert fact.source_name == "证书.jpg"
    assert fact.source_content_type == "image/jpeg"
    assert not default_storage.exists(old)
    assert default_storage.exists(fact.source_file.name)
    latest = fact.history.first()
    assert (latest.history_type, latest.history_change_reason) == ("~", "修改")


def test_update_can_remove_the_source_file(
    make_fact, access_of, people, fact_data, django_capture_on_commit_callbacks
):
    fact = make_fact(source_upload=_upload("旧.pdf", PDF))
    old = fact.source_file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.fact_update(
            access=access_of("county_filler"),
            actor=people["county_filler"],
            fact=fact,
            data=fact_data(remove_source_file=True),
        )
    fact.refresh_from_db()
    assert not fact.source_file
    assert fact.source_name == ""
    assert not default_storage.exists(old)


def test_update_may_not_move_a_fact_out_of_scope(make_fact, access_of, people, fact_data, tree):
    fact = make_fact()
    with pytest.raises(PermissionDeniedError):
        services.fact_update(
            access=access_of("county_filler"),
            actor=people["county_filler"],
            fact=fact,
            data=fact_data(org_unit=tree["other_county"]),
        )
    fact.refresh_from_db()
    assert fact.org_unit == tree["county"]


def test_delete_keeps_history_and_removes_the_file(
    make_fact, access_of, people, django_capture_on_commit_callbacks
):
    fact = make_fact(source_upload=_upload("旧.pdf", PDF))
    stored, pk = fact.source_file.name, fact.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.fact_delete(access=access_of("county_filler"), actor=people["county_filler"], fact=fact)
    assert not Fact.objects.filter(pk=pk).exists()
    assert not default_storage.exists(stored)
    assert [r.history_type for r in Fact.history.filter(id=pk).order_by("history_date")] == ["+", "-"]


def test_delete_is_refused_out_of_scope(make_fact, access_of, people):
    fact = make_fact()
    with pytest.raises(PermissionDeniedError):
        services.fact_delete(access=access_of("township_filler"), actor=people["township_filler"], fact=fact)
    assert Fact.objects.filter(pk=fact.pk).exists()
