"""manage.py backup / restore: the round trip gives back every record and every file, on SQLite and
PostgreSQL, in the native format and in the portable JSON one; a non-empty install and a damaged archive
are refused in Chinese."""

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from kexie.accounts.models import User
from kexie.activities.models import Activity
from kexie.ops import backup as ops_backup
from kexie.orgs.models import OrgUnit, Role
from kexie.records.models import Attachment
from tests.factories import make_activity, make_user, standard_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def _populate(media_root: Path):
    tree = standard_tree()
    filler = make_user("county_filler", tree["county"], Role.FILLER, email="f@example.org")
    make_user("city_admin", tree["city"], Role.ADMIN)
    lecture = make_activity(
        tree["county"], "“科技之春”科普讲座", dt.date(2024, 3, 5), participants=1234, target_groups=("youth",)
    )
    make_activity(tree["township"], "农技培训 =1+2", dt.date(2025, 9, 20), activity_type="training")
    photo = Attachment(
        content_type=ContentType.objects.get_for_model(Activity),
        object_id=lecture.pk,
        slot="photos",
        original_name="现场照片.png",
        size=6,
        mime_type="image/png",
        uploaded_by=filler,
    )
    photo.file.save("现场照片.png", ContentFile(b"\x89PNG\r\n"), save=True)
    (media_root / "imports" / "2025").mkdir(parents=True)
    (media_root / "imports" / "2025" / "批次-1.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)


def _state(media_root: Path):
    return ops_backup.database_digest(), ops_backup.media_digest(media_root)


def _wipe(media_root: Path):
    """An empty install: migrated tables with only what migrations put there, no uploaded files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()


def _backup(tmp_path: Path, *args) -> Path:
    out = io.StringIO()
    call_command("backup", str(tmp_path), *args, stdout=out)
    assert "已写入备份" in out.getvalue()
    return Path(out.getvalue().strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["native", "json"])
def test_round_trip_gives_back_every_record_and_file(fmt, media_root, tmp_path):
    _populate(media_root)
    before = _state(media_root)
    archive = _backup(tmp_path, "--format", fmt)

    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and personal data inside
    manifest = ops_backup.read_manifest(archive)
    assert manifest["tables"] == before[0]  # the manifest describes exactly what was there
    assert manifest["media"] == before[1]
    expected_method = {"json": "json", "native": "sqlite"}[fmt]
    if fmt == "native" and connection.vendor == "postgresql":
        expected_method = "pg_dump" if ops_backup.pg_tool("pg_dump") else "json"
    assert manifest["database"]["method"] == expected_method
    assert any(t["model"] == "activities.Activity" and t["rows"] == 2 for t in before[0].values())
    assert len(before[1]) == 2

    _wipe(media_root)
    assert not any(ops_backup.existing_data().values())
    assert _state(media_root) != before

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "全部一致" in out.getvalue()
    assert _state(media_root) == before
    lecture_pk = Activity.objects.get(title="“科技之春”科普讲座").pk
    restored = Activity.objects.get(title="农技培训 =1+2")
    assert restored.org_unit.name == "高河镇科协"
    photo = Attachment.objects.get()
    assert photo.file.read() == b"\x89PNG\r\n"
    assert photo.content_type.model_class() is Activity
    assert photo.object_id == lecture_pk
    assert User.objects.get(username="county_filler").check_password("pw-for-tests-1")


def test_restore_refuses_an_install_with_data_unless_forced(media_root, tmp_path):
    _populate(media_root)
    before = _state(media_root)
    archive = _backup(tmp_path)
    make_user("late_user", OrgUnit.objects.get(code="340822"), Role.VIEWER)
    (media_root / "later.txt").write_text("uploaded after the backup")

    with pytest.raises(
        CommandError, match=r"当前系统不是空的（已有用户 3 个、组织机构 8 个、上传文件 3 个）.*--force"
    ):
        call_command("restore", str(archive))
    assert User.objects.filter(username="late_user").exists()  # nothing was touched

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert _state(media_root) == before
    assert not User.objects.filter(username="late_user").exists()
    assert not (media_root / "later.txt").exists()


def _rewrite(archive: Path, dest: Path, *, manifest=None, replace: dict[str, bytes] | None = None) -> Path:
    """A copy of `archive` with its manifest and/or some members changed."""
    with tarfile.open(archive) as src, tarfile.open(dest, "w:gz") as out:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == ops_backup.MANIFEST and manifest is not None:
                data = json.dumps(manifest).encode()
            elif replace and member.name in replace:
                data = replace[member.name]
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return dest


def test_damaged_or_foreign_archives_are_refused_before_anything_changes(media_root, tmp_path):
    _populate(media_root)
    archive = _backup(tmp_path)
    manifest = ops_backup.read_manifest(archive)
    _wipe(media_root)

    tampered = _rewrite(
        archive, tmp_path / "t.tar.gz", replace={"media/imports/2025/批次-1.xlsx": b"changed"}
    )
    with pytest.raises(CommandError, match=r"“media/imports/2025/批次-1.xlsx”与清单的校验值不符"):
        call_command("restore", str(tampered))

    newer = json.loads(json.dumps(manifest))
    newer["migrations"]["activities"].append("9999_from_the_future")
    with pytest.raises(CommandError, match=r"更新版本的 kexie.*activities\.9999_from_the_future"):
        call_command("restore", str(_rewrite(archive, tmp_path / "n.tar.gz", manifest=newer)))

    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是 kexie 备份文件"):
        call_command("restore", str(not_a_backup))

    assert not OrgUnit.objects.exists()  # none of the refusals loaded anything
    assert ops_backup.media_digest(media_root) == []


def test_native_archive_of_one_database_is_refused_by_the_other(media_root, tmp_path):
    archive = _backup(tmp_path)
    manifest = ops_backup.read_manifest(archive)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["database"].update(vendor=other, method="sqlite" if other == "sqlite" else "pg_dump")
    with pytest.raises(CommandError, match="--format json"):
        call_command("restore", str(_rewrite(archive, tmp_path / "x.tar.gz", manifest=manifest)))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pg_dump fallback exists only on PostgreSQL"
)
def test_without_a_usable_pg_dump_the_backup_falls_back_to_json(media_root, tmp_path, monkeypatch):
    """No pg_dump installed, or one older than the server: the archive is still written, as JSON."""
    _populate(media_root)
    monkeypatch.setattr(ops_backup, "pg_tool", lambda name, using="default": None)
    archive = _backup(tmp_path)
    manifest = ops_backup.read_manifest(archive)
    assert manifest["database"]["method"] == "json"
    assert manifest["database"]["file"] == "database/data.json"
    assert manifest["tables"] == ops_backup.database_digest()
