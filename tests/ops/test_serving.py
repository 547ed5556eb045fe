"""Production serving: the documented production settings pass `check --deploy`; the real gunicorn
server (started as scripts/run.sh and the systemd unit start it) runs with DEBUG off, serves the hashed
static files through whitenoise, kexie's Chinese error pages and no server version; SQLite writers
wait for each other instead of failing."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PROD_SECRET = "kexie-test-" + "Zq8#wX2!vB7$nM4%" * 3  # long and varied enough for check --deploy

only_sqlite_pass = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="runs its own SQLite file in a subprocess, whatever the suite's database: once (SQLite pass) is enough",
)


def _env(tmp_path: Path, **extra) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KEXIE_", "SECURE_"))}
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "BEHIND_TLS_PROXY",
        "CSRF_TRUSTED_ORIGINS",
        "DB_CONN_MAX_AGE",
        "MEDIA_ROOT",
        "STATIC_ROOT",
    ):
        keep.pop(name, None)
    return (
        keep
        | {
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "kexie.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kexie.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "STATIC_ROOT": str(tmp_path / "static"),
        }
        | extra
    )


def _manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@only_sqlite_pass
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = _env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=PROD_SECRET,
        DATABASE_URL="postgres://kexie@127.0.0.1:5432/kexie",  # not connected to: no database checks
        ALLOWED_HOSTS="kexie.example.org",
        CSRF_TRUSTED_ORIGINS="https://kexie.example.org",
        BEHIND_TLS_PROXY="true",
        DB_CONN_MAX_AGE="60",
    )
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@only_sqlite_pass
def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    env = _env(tmp_path, DEBUG="false", SECRET_KEY=PROD_SECRET, KEXIE_HTTPS="false")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers={"Host": "kexie.example.org", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with kexie's config, DEBUG not set at all (the config makes it off), the production
    settings of docs/部署.md behind a TLS proxy, static files collected as scripts/run.sh does."""
    tmp_path = tmp_path_factory.mktemp("server")
    env = _env(
        tmp_path,
        SECRET_KEY=PROD_SECRET,
        ALLOWED_HOSTS="kexie.example.org",
        BEHIND_TLS_PROXY="true",
        KEXIE_WEB_WORKERS="1",
        KEXIE_WEB_THREADS="2",
        KEXIE_ACCESS_LOG="",
    )
    # No migrate: the pages asked for here (login form, error pages, static files) read no table.
    result = _manage(env | {"DEBUG": "false"}, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn with kexie's config
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "python:kexie.ops.gunicorn_conf", "kexie.wsgi"],
        env=env | {"KEXIE_ADDR": f"127.0.0.1:{port}"},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:  # bounded wait for the port to answer
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.1)
    yield {"port": port, "static_root": tmp_path / "static"}
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


HTTPS = {"X-Forwarded-Proto": "https"}


@only_sqlite_pass
def test_real_server_runs_production_settings(server):
    port = server["port"]
    response, _ = _get(port, "/accounts/login/")  # plain HTTP from the proxy: sent to HTTPS
    assert response.status == 301
    assert response.getheader("Location") == "https://kexie.example.org/accounts/login/"

    response, body = _get(port, "/accounts/login/", HTTPS)
    assert response.status == 200
    assert response.getheader("Server") == "gunicorn"  # no version number
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    cookies = response.headers.get_all("Set-Cookie")
    assert cookies
    assert all("; Secure" in cookie for cookie in cookies)
    assert "no-store" in response.getheader("Cache-Control")
    html = body.decode()
    assert "登录" in html

    # the page links the hashed, compressed copy that whitenoise serves for a year
    manifest = json.loads((server["static_root"] / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/tabler/tabler.min.css"]
    assert f"/static/{hashed}" in html
    response, body = _get(port, f"/static/{hashed}", {**HTTPS, "Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Server") == "gunicorn"


@only_sqlite_pass
def test_real_server_answers_with_the_chinese_error_pages_not_debug_pages(server):
    response, body = _get(server["port"], "/no-such-page/", HTTPS)
    assert response.status == 404
    html = body.decode()
    assert "页面不存在" in html
    assert "Django" not in html
    assert "URLconf" not in html  # no DEBUG page listing the URL patterns

    response, body = _get(server["port"], "/accounts/login/", {**HTTPS, "Host": "attacker.example"})
    assert response.status == 400
    assert "请求有误" in body.decode()


SQLITE_WRITERS = r"""
import threading, django
django.setup()
from django.db import connection, transaction, close_old_connections
with connection.cursor() as c:
    c.execute("CREATE TABLE t (n INTEGER)")
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
errors, holding = [], threading.Event()
def slow_writer():
    try:
        with transaction.atomic():
            connection.cursor().execute("INSERT INTO t VALUES (0)")
            holding.set()
            threading.Event().wait(0.5)  # keep the write lock while the others start
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
def writer(i):
    holding.wait(5)
    try:
        for j in range(20):
            with transaction.atomic():
                cursor = connection.cursor()
                cursor.execute("SELECT count(*) FROM t")
                cursor.execute("INSERT INTO t VALUES (%s)", [i * 100 + j])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=slow_writer)] + [threading.Thread(target=writer, args=(i,)) for i in range(1, 7)]
for t in threads: t.start()
for t in threads: t.join()
print(errors, connection.cursor().execute("SELECT count(*) FROM t").fetchone()[0])
"""


@only_sqlite_pass
def test_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    """Seven writers at once, one holding the lock for half a second: with kexie's SQLite settings
    (WAL, BEGIN IMMEDIATE, busy timeout) none fails with "database is locked", no write is lost."""
    result = subprocess.run(  # noqa: S603
        [PYTHON, "-c", SQLITE_WRITERS],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", str(1 + 6 * 20)]


@only_sqlite_pass
def test_sqlite_backup_api_copies_the_snapshot_of_the_open_read_transaction(tmp_path):
    """What `manage.py backup` relies on for SQLite (kexie.ops.backup._snapshot_sqlite): inside one read
    transaction it computes the manifest, then copies with the backup API on the same connection; a
    write committed by another process in between is in neither, so the two agree."""
    import sqlite3

    db = tmp_path / "snap.sqlite3"
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("PRAGMA journal_mode=WAL")
    reader.execute("CREATE TABLE t (n INTEGER)")
    reader.execute("INSERT INTO t VALUES (1)")
    writer = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN DEFERRED")
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)  # the manifest's view
    writer.execute("INSERT INTO t VALUES (2)")  # committed meanwhile, not blocked
    copy = sqlite3.connect(":memory:")
    reader.backup(copy, pages=-1)
    reader.execute("COMMIT")
    assert copy.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (2,)
    for conn in (reader, writer, copy):
        conn.close()
