"""Photos and documents attached to an activity (the record layer's attachments, slots 照片 and 附件 by
file type): checked by their bytes, size-limited, stored under MEDIA_ROOT with a random name and
served only through the scoped view; the former /activities/attachments/<id>/ URLs still lead there."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from kexie.activities import services
from kexie.activities.models import Activity
from kexie.activities.records import ACTIVITIES
from kexie.core import uploads
from kexie.core.errors import DomainError, PermissionDeniedError
from kexie.records import services as record_services
from kexie.records.models import Attachment
from tests.factories import make_activity

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 200
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def office(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for name in members:
            zf.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = office("word/document.xml")
XLSX = office("xl/workbook.xml")


@pytest.fixture
def activity(tree):
    return make_activity(tree["county"], "怀宁县科普讲座", dt.date(2024, 9, 21))


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(access_of, people, activity, name, content, who="county_filler"):
    return record_services.attachment_add(
        declaration=ACTIVITIES,
        access=access_of(who),
        actor=people[who],
        record=activity,
        slot="",  # by its type: a photo or a document
        upload=upload(name, content),
    )


def url(attachment, *rest: str) -> str:
    return f"/activities/{attachment.object_id}/attachments/{attachment.pk}/" + "".join(rest)


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("现场.jpg", JPEG, "photo", "image/jpeg"),
        ("现场.JPEG", JPEG, "photo", "image/jpeg"),
        ("合影.png", PNG, "photo", "image/png"),
        ("海报.webp", WEBP, "photo", "image/webp"),
        ("方案.pdf", PDF, "document", "application/pdf"),
        ("总结.docx", DOCX, "document", uploads.DOCX),
        ("签到表.xlsx", XLSX, "document", uploads.XLSX),
    ],
)
def test_accepted_types_are_stored_with_a_random_name(
    access_of, people, activity, name, content, kind, content_type
):
    attachment = add(access_of, people, activity, name, content)
    assert (attachment.slot, attachment.mime_type, attachment.original_name) == (kind, content_type, name)
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.read_bytes() == content
    assert Path(name).stem not in attachment.file.name
    assert attachment.file.name.startswith("records/")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        pytest.param("病毒.exe", b"MZ" + b"\x00" * 100, "不支持“.exe”文件", id="executable"),
        pytest.param("无扩展名", JPEG, "不支持“无扩展名”文件", id="no-extension"),
        pytest.param("照片.jpg", b"just some text pretending", "内容不是有效的", id="text-renamed-to-jpg"),
        pytest.param(
            "方案.pdf", b"<html><script>alert(1)</script>", "内容不是有效的", id="html-renamed-to-pdf"
        ),
        pytest.param("照片.png", JPEG, "内容是 JPEG 文件", id="jpeg-named-png"),
        pytest.param("总结.docx", PDF, "内容是 PDF 文件", id="pdf-named-docx"),
        pytest.param(
            "宏.docx", office("word/document.xml", "word/vbaProject.bin"), "含有宏", id="macro-document"
        ),
        pytest.param("包.xlsx", b"PK\x03\x04" + b"\x00" * 50, "内容不是有效的", id="broken-zip"),
        pytest.param("压缩包.docx", office("readme.txt"), "内容不是有效的", id="zip-not-office"),
        pytest.param("空.jpg", b"", "空文件", id="empty"),
    ],
)
def test_wrong_types_are_refused_by_their_bytes(access_of, people, activity, name, content, fragment):
    with pytest.raises(DomainError, match=fragment):
        add(access_of, people, activity, name, content)
    assert not Attachment.objects.exists()


def test_files_over_10_mb_are_refused(access_of, people, activity):
    big = JPEG + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(DomainError, match="每个附件不能超过 10 MB"):
        add(access_of, people, activity, "大照片.jpg", big)
    assert not Attachment.objects.exists()


def test_exactly_10_mb_is_accepted(access_of, people, activity):
    exact = JPEG + b"\x00" * (10 * 1024 * 1024 - len(JPEG))
    assert add(access_of, people, activity, "刚好.jpg", exact).size == 10 * 1024 * 1024


def test_a_path_in_the_file_name_is_dropped(access_of, people, activity):
    attachment = add(access_of, people, activity, "..\\..\\etc\\现场.jpg", JPEG)
    assert attachment.original_name == "现场.jpg"


@pytest.mark.parametrize("who", ["county_viewer", "outsider", "county_admin"])
def test_only_fillers_of_the_subtree_may_attach(access_of, people, activity, who):
    with pytest.raises(PermissionDeniedError):
        add(access_of, people, activity, "现场.jpg", JPEG, who=who)


def test_the_upload_page_reports_refusals_and_keeps_good_files(activity, login):
    client = login("county_filler")
    response = client.post(
        f"/activities/{activity.pk}/attachments/",
        {"file": [upload("现场.jpg", JPEG), upload("病毒.exe", b"MZ")]},
        follow=True,
    )
    body = response.content.decode()
    assert "已上传1个文件：现场.jpg" in body
    assert "不支持“.exe”文件" in body
    assert list(Attachment.objects.values_list("object_id", "original_name")) == [(activity.pk, "现场.jpg")]


def test_files_are_served_only_through_the_scoped_view(access_of, people, activity, login):
    attachment = add(access_of, people, activity, "方案.pdf", PDF)
    response = login("county_viewer").get(url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert login("outsider").get(url(attachment)).status_code == 404
    assert login("county_filler").get(f"/media/{attachment.file.name}").status_code == 404
    # the former URL of the file leads to it, for those who may see it only
    former = login("county_viewer").get(f"/activities/attachments/{attachment.pk}/")
    assert (former.status_code, former["Location"]) == (307, url(attachment))
    assert login("outsider").get(f"/activities/attachments/{attachment.pk}/").status_code == 404


def test_photos_are_shown_inline(access_of, people, activity, login):
    attachment = add(access_of, people, activity, "现场.jpg", JPEG)
    response = login("county_filler").get(url(attachment))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deleting_an_attachment_removes_its_file(
    access_of, people, activity, login, django_capture_on_commit_callbacks
):
    attachment = add(access_of, people, activity, "现场.jpg", JPEG)
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert login("outsider").post(url(attachment, "delete/")).status_code == 404
    assert login("county_viewer").post(url(attachment, "delete/")).status_code == 404
    assert login("outsider").post(f"/activities/attachments/{attachment.pk}/delete/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = login("county_filler").post(url(attachment, "delete/"))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert not stored.exists()


def test_undoing_an_activity_deletion_brings_its_attachments_back(access_of, people, activity, login):
    kept = add(access_of, people, activity, "现场.jpg", JPEG)
    removed = add(access_of, people, activity, "错传.pdf", PDF)
    filler = access_of("county_filler")
    record_services.attachment_delete(
        declaration=ACTIVITIES,
        access=filler,
        actor=people["county_filler"],
        record=activity,
        attachment=removed,
    )
    pk = activity.pk
    services.activity_delete(access=filler, actor=people["county_filler"], activity=activity)
    client = login("county_filler")
    assert client.get(url(kept)).status_code == 404  # reached only through the activity
    assert (Path(settings.MEDIA_ROOT) / kept.file.name).exists()  # kept on disk for the undo
    services.activity_restore(access=filler, actor=people["county_filler"], pk=pk)
    Activity.objects.get(pk=pk)
    assert list(Attachment.objects.values_list("pk", "original_name")) == [(kept.pk, "现场.jpg")]
    response = client.get(url(kept))
    assert b"".join(response.streaming_content) == JPEG
