"""Backup and restore of a whole kexie install: the database and the uploaded files, in one archive.

An archive is a gzip'd tar holding
  manifest.json      format, time, database method, applied migrations, and per table the row count and
                     a content hash; per file its size and SHA-256;
  database/…         one of: db.sqlite3 (SQLite's online backup API: a consistent copy while the site
                     runs), pg.dump (pg_dump's custom format, taken in the same snapshot the manifest's
                     hashes were computed in), data.json (Django's dumpdata, from the same snapshot:
                     portable between SQLite and PostgreSQL);
  media/…            every file under MEDIA_ROOT (attachments, the import archive).

The per-table hashes are computed through the ORM over every concrete column, so the same data gives the
same hash on either database: restore checks them after loading and says where they differ.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from kexie.core.errors import DomainError

FORMAT = "kexie-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DB_FILES = {"sqlite": "database/db.sqlite3", "pg_dump": "database/pg.dump", "json": "database/data.json"}
_CHUNK = 1024 * 1024


class BackupError(DomainError):
    """A backup or restore that cannot go on; the message is for the operator, in Chinese."""


# ---- content digest ---------------------------------------------------------------------------------


def _normal(value):
    """A representation that is the same for the same value read back from SQLite or PostgreSQL."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value else "NaN"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)


def _dumped_models():
    """Every table Django manages, once (auto-created many-to-many tables included)."""
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        yield model


def database_digest(using: str = DEFAULT_DB_ALIAS) -> dict[str, dict]:
    """Per table: the row count and a SHA-256 over every row (ordered by primary key, every concrete
    column). Also the applied migrations as a table of their own (app and name only)."""
    result: dict[str, dict] = {}
    for model in sorted(_dumped_models(), key=lambda m: m._meta.db_table):
        columns = [field.attname for field in model._meta.concrete_fields]
        order = ["pk"]
        if model._meta.auto_created:
            # A many-to-many table's own ids are not data: Django's fixtures do not keep them.
            columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            order = columns
        rows = model._base_manager.using(using).order_by(*order).values_list(*columns)
        digest = hashlib.sha256()
        count = 0
        for row in rows.iterator(chunk_size=2000):
            digest.update(json.dumps([_normal(v) for v in row], ensure_ascii=False).encode())
            digest.update(b"\n")
            count += 1
        result[model._meta.db_table] = {
            "model": model._meta.label,
            "rows": count,
            "sha256": digest.hexdigest(),
        }
    applied = sorted(MigrationRecorder(connections[using]).applied_migrations())
    digest = hashlib.sha256("\n".join(f"{app}.{name}" for app, name in applied).encode())
    result["django_migrations"] = {"model": "", "rows": len(applied), "sha256": digest.hexdigest()}
    return result


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        by_app.setdefault(app, []).append(name)
    return by_app


def media_digest(root: Path) -> list[dict]:
    files = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files.append(
                    {
                        "path": path.relative_to(root).as_posix(),
                        "bytes": path.stat().st_size,
                        "sha256": _sha256(path),
                    }
                )
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---- backup -----------------------------------------------------------------------------------------


@dataclasses.dataclass
class BackupResult:
    path: Path
    method: str
    tables: int
    rows: int
    files: int
    bytes: int

    def summary(self) -> str:
        return (
            f"已写入备份 {self.path}（{self.bytes / 1024 / 1024:.1f} MB，方式：{METHOD_NAMES[self.method]}）："
            f"数据表 {self.tables} 个，记录 {self.rows} 条，文件 {self.files} 个。"
        )


METHOD_NAMES = {
    "sqlite": "SQLite 在线备份",
    "pg_dump": "pg_dump",
    "json": "JSON 数据导出（可跨数据库恢复）",
}


def _vendor(using: str) -> str:
    return connections[using].vendor


def _pg_env(using: str) -> dict[str, str]:
    """libpq environment for pg_dump/pg_restore from Django's connection settings (no password on the
    command line)."""
    from django.db.backends.postgresql.client import DatabaseClient

    conn = connections[using]
    sd = conn.settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(sd, [])
    env = dict(env or {})
    options = sd.get("OPTIONS", {})
    if sd.get("NAME"):
        env["PGDATABASE"] = str(sd["NAME"])
    if options.get("service") and not sd.get("NAME"):
        env["PGSERVICE"] = options["service"]
    if sd.get("USER"):
        env["PGUSER"] = str(sd["USER"])
    if sd.get("HOST"):
        env["PGHOST"] = str(sd["HOST"])
    if sd.get("PORT"):
        env["PGPORT"] = str(sd["PORT"])
    return {**os.environ, **env}


def pg_tool(name: str, using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The path of pg_dump/pg_restore when installed and not older than the server, else None."""
    path = shutil.which(name)
    if not path:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    try:
        major = int(out.split()[-1].split(".")[0])
    except (IndexError, ValueError):
        return None
    server_major = connections[using].pg_version // 10000
    return path if major >= server_major else None


def create_backup(target: Path, *, fmt: str = "native", using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT to `target` (a file, or a directory to put a
    dated file in). `fmt` "native" uses SQLite's backup API or pg_dump (JSON when pg_dump is missing or
    older than the server); "json" always writes dumpdata's portable JSON."""
    if fmt not in {"native", "json"}:
        raise BackupError(f"未知的备份格式“{fmt}”：可选 native 或 json。")
    target = Path(target)
    if target.is_dir():
        target = target / f"kexie-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    if not target.parent.is_dir():
        raise BackupError(f"备份目录 {target.parent} 不存在。")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".kexie-backup-", dir=target.parent) as tmp_name:
        tmp = Path(tmp_name)
        vendor = _vendor(using)
        if vendor == "sqlite":
            method, db_file, tables, migrations = _snapshot_sqlite(tmp, fmt, using)
        elif vendor == "postgresql":
            method, db_file, tables, migrations = _snapshot_postgresql(tmp, fmt, using)
        else:
            raise BackupError(f"不支持备份 {vendor} 数据库：kexie 支持 SQLite 与 PostgreSQL。")
        # Files after the database: a file uploaded meanwhile is kept too (an unreferenced extra is
        # harmless, a missing one is not).
        media = media_digest(media_root)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": vendor,
                "method": method,
                "file": DB_FILES[method],
                "bytes": db_file.stat().st_size,
                "sha256": _sha256(db_file),
            },
            "migrations": migrations,
            "tables": tables,
            "media": media,
        }
        partial = target.with_name(target.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(db_file, arcname=DB_FILES[method], recursive=False)
                for item in media:
                    tar.add(media_root / item["path"], arcname=MEDIA_PREFIX + item["path"], recursive=False)
            os.chmod(partial, 0o600)  # the archive holds password hashes and personal data
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(
        path=target,
        method=method,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(media),
        bytes=target.stat().st_size,
    )


def _snapshot_sqlite(tmp: Path, fmt: str, using: str):
    """In one read transaction (a snapshot in WAL mode: writers go on meanwhile): the manifest figures,
    then a copy with SQLite's online backup API in a single step on the same connection, which reads the
    same snapshot; or dumpdata, also inside that transaction."""
    import sqlite3

    conn = connections[using]
    if conn.in_atomic_block:
        raise BackupError("备份不能在事务中进行。")
    conn.ensure_connection()
    raw = conn.connection
    raw.execute("BEGIN DEFERRED")
    try:
        tables = database_digest(using)
        migrations = applied_migrations(using)
        if fmt == "json":
            out = tmp / "data.json"
            _dumpdata(out, using)
            return "json", out, tables, migrations
        copy = tmp / "db.sqlite3"
        with contextlib.closing(sqlite3.connect(copy)) as dest:
            raw.backup(dest, pages=-1)
        return "sqlite", copy, tables, migrations
    finally:
        raw.execute("COMMIT")


def _snapshot_postgresql(tmp: Path, fmt: str, using: str):
    """In one REPEATABLE READ transaction: the manifest figures, then pg_dump on the same snapshot
    (pg_export_snapshot), or dumpdata inside the transaction itself."""
    conn = connections[using]
    if conn.in_atomic_block:
        raise BackupError("备份不能在事务中进行。")
    dump_tool = pg_tool("pg_dump", using) if fmt == "native" else None
    with transaction.atomic(using=using):
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        tables = database_digest(using)
        migrations = applied_migrations(using)
        if dump_tool:
            out = tmp / "pg.dump"
            result = subprocess.run(  # noqa: S603 - fixed arguments, libpq environment
                [
                    dump_tool,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(out),
                ],
                env=_pg_env(using),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
            return "pg_dump", out, tables, migrations
        out = tmp / "data.json"
        _dumpdata(out, using)
        return "json", out, tables, migrations


def _dumpdata(out: Path, using: str) -> None:
    serializers.register_serializer("kexie_json", "kexie.ops.serializers")
    call_command(
        "dumpdata",
        database=using,
        output=str(out),
        format="kexie_json",
        all=True,  # the base manager: no custom manager may hide rows
        verbosity=0,
    )


# ---- restore ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class RestoreResult:
    method: str
    tables: int
    rows: int
    files: int
    verified: bool
    migrated: bool

    def summary(self) -> str:
        check = (
            "逐表核对记录数与内容校验值：全部一致。"
            if self.verified
            else "备份之后 kexie 有新的数据库迁移，已迁移到当前版本（因此不再逐表核对）。"
        )
        return (
            f"已恢复（方式：{METHOD_NAMES[self.method]}）：数据表 {self.tables} 个，记录 {self.rows} 条，"
            f"文件 {self.files} 个。{check}"
        )


def read_manifest(archive: Path) -> dict:
    if not Path(archive).is_file():
        raise BackupError(f"找不到备份文件 {archive}。")
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{archive} 不是 kexie 备份文件，或已损坏（{exc}）。") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{archive} 不是本版本 kexie 能读取的备份（格式 {manifest.get('format')} {manifest.get('version')}）。"
        )
    return manifest


def existing_data(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """What an install already holds: users, org units, uploaded files (zero everywhere = empty)."""
    from kexie.accounts.models import User
    from kexie.orgs.models import OrgUnit

    found = {}
    tables = set(connections[using].introspection.table_names())
    for label, model in (("用户", User), ("组织机构", OrgUnit)):
        found[label] = model._base_manager.using(using).count() if model._meta.db_table in tables else 0
    found["上传文件"] = len(media_digest(Path(settings.MEDIA_ROOT)))
    return found


def restore_backup(archive: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Restore an archive into this install. Refuses an install that holds data unless `force`, then
    replaces all of it. After loading, brings the schema up to this version (migrate) and, when no
    migration was needed, compares every table with the manifest."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    conn = connections[using]
    if conn.in_atomic_block:
        raise BackupError("恢复不能在事务中进行。")
    method = manifest["database"]["method"]
    if method in {"sqlite", "pg_dump"} and manifest["database"]["vendor"] != conn.vendor:
        raise BackupError(
            f"此备份是 {manifest['database']['vendor']} 的原生格式，不能恢复到 {conn.vendor} 数据库。"
            "要在 SQLite 与 PostgreSQL 之间迁移，请用 manage.py backup --format json 重新备份。"
        )
    unknown = _unknown_migrations(manifest["migrations"])
    if unknown:
        raise BackupError(
            "此备份来自更新版本的 kexie（含本版本没有的数据库迁移："
            + "、".join(unknown[:5])
            + "）。请先把 kexie 升级到不低于备份时的版本，再恢复。"
        )
    found = existing_data(using)
    if any(found.values()) and not force:
        held = "、".join(f"{label} {n} 个" for label, n in found.items() if n)
        raise BackupError(
            f"当前系统不是空的（已有{held}）：恢复会删除并覆盖全部现有数据与上传文件。"
            "确认要覆盖时，请加 --force 再运行。"
        )
    with tempfile.TemporaryDirectory(prefix="kexie-restore-") as tmp_name:
        tmp = Path(tmp_name)
        db_file, media_dir = _extract(archive, manifest, tmp)
        if method == "sqlite":
            _restore_sqlite(db_file, using)
        elif method == "pg_dump":
            _restore_pg_dump(db_file, using)
        else:
            _restore_json(db_file, manifest["migrations"], using)
        _replace_media(media_dir)
    migrated = _migrate_to_current(using)
    if not migrated:
        _verify(manifest["tables"], using)
    return RestoreResult(
        method=method,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=len(manifest["media"]),
        verified=not migrated,
        migrated=migrated,
    )


def _unknown_migrations(by_app: dict[str, list[str]]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in by_app.items() for name in names if (app, name) not in known]


def _extract(archive: Path, manifest: dict, tmp: Path) -> tuple[Path, Path]:
    """Extract into `tmp`, checking every file against the manifest (size and SHA-256) and refusing any
    member outside the declared layout."""
    expected = {MEDIA_PREFIX + f["path"]: f for f in manifest["media"]}
    db_name = manifest["database"]["file"]
    expected[db_name] = manifest["database"]
    media_dir = tmp / "media"
    media_dir.mkdir()
    seen = set()
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            entry = expected.get(member.name)
            if entry is None or not member.isfile():
                raise BackupError(f"备份中有清单之外的内容“{member.name}”：文件可能被改动，已停止恢复。")
            dest = tmp / member.name
            if tmp.resolve() not in dest.resolve().parents:
                raise BackupError(f"备份中的路径“{member.name}”不安全，已停止恢复。")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, _CHUNK)
            if dest.stat().st_size != entry["bytes"] or _sha256(dest) != entry["sha256"]:
                raise BackupError(f"备份中的“{member.name}”与清单的校验值不符：文件已损坏，已停止恢复。")
            seen.add(member.name)
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"备份不完整，缺少：{'、'.join(missing[:5])}。")
    return tmp / db_name, media_dir


def _restore_sqlite(db_file: Path, using: str) -> None:
    import sqlite3

    conn = connections[using]
    conn.ensure_connection()
    with contextlib.closing(sqlite3.connect(db_file)) as src:
        src.backup(conn.connection)


def _restore_pg_dump(db_file: Path, using: str) -> None:
    tool = pg_tool("pg_restore", using)
    if tool is None:
        raise BackupError(
            "此备份由 pg_dump 生成，需要不低于数据库服务器版本的 pg_restore（postgresql-client）。"
        )
    _drop_all_tables(using)
    connections[using].close()
    result = subprocess.run(  # noqa: S603 - fixed arguments, libpq environment
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _pg_env(using)["PGDATABASE"],
            str(db_file),
        ],
        env=_pg_env(using),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")


def _drop_all_tables(using: str) -> None:
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for table in conn.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {conn.ops.quote_name(table)} CASCADE")


def _restore_json(db_file: Path, migrations: dict[str, list[str]], using: str) -> None:
    """Bring the schema to exactly the backup's migrations, empty every table (no post-migrate
    signals: the content types and permissions come from the backup with their ids), load."""
    conn = connections[using]
    executor = MigrationExecutor(conn)
    applied = {(app, name) for app, names in migrations.items() for name in names}
    graph = executor.loader.graph
    targets = [
        node
        for node in sorted(applied)
        if not any(
            child.key in applied and child.key[0] == node[0] for child in graph.node_map[node].children
        )
    ]
    executor.migrate(targets)
    tables = [
        m._meta.db_table for m in _dumped_models() if m._meta.db_table in conn.introspection.table_names()
    ]
    with transaction.atomic(using=using):
        conn.ops.execute_sql_flush(
            conn.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        )
        # Loading must not add history rows of its own (simple-history records many-to-many changes
        # even for raw saves): the backup's history tables come back as they were.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(db_file), database=using, verbosity=0)


def _replace_media(extracted: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    for child in root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in extracted.iterdir():
        shutil.move(str(child), root / child.name)


def _migrate_to_current(using: str) -> bool:
    """Apply what this version adds; True when something had to be applied."""
    conn = connections[using]
    executor = MigrationExecutor(conn)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return False
    call_command("migrate", database=using, interactive=False, verbosity=0)
    return True


def _verify(expected: dict[str, dict], using: str) -> None:
    actual = database_digest(using)
    wrong = []
    for table, want in expected.items():
        got = actual.get(table)
        if got is None or got["rows"] != want["rows"] or got["sha256"] != want["sha256"]:
            rows = got["rows"] if got else "无此表"
            wrong.append(f"{table}（应有 {want['rows']} 条，现为 {rows}）")
    if wrong:
        raise BackupError("恢复后核对不一致：" + "；".join(wrong[:10]) + "。")
