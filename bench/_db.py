"""Points Django at the dedicated bench database (never the development one) and migrates it.

The bench database holds synthetic data only and is wiped and refilled by bench.generate, so its name
must contain "bench": the default is the SQLite file var/bench.sqlite3; for PostgreSQL a database
such as kexie_bench, created here (psycopg, on the same server) when it is missing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{BASE_DIR / 'var' / 'bench.sqlite3'}"
URL_ENV = "KEXIE_BENCH_DATABASE_URL"


class NotABenchDatabase(RuntimeError):
    pass


def bench_url(database_url: str | None) -> str:
    url = database_url or os.environ.get(URL_ENV) or DEFAULT_URL
    name = dj_database_url.parse(url)["NAME"] or ""
    if "bench" not in Path(str(name)).name:
        raise NotABenchDatabase(
            f"refusing {url!r}: the bench database is wiped and refilled, its name must contain 'bench' "
            "(e.g. sqlite:///var/bench.sqlite3 or postgres://postgres@127.0.0.1:5432/kexie_bench)"
        )
    return url


def ensure_pg_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist; True when it was created."""
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if exists:
            return False
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(cfg["NAME"])
            )
        )
        return True


def setup(database_url: str | None, *, migrate: bool = True, say=print) -> str:
    """Configure Django for the bench database, create (PostgreSQL) and migrate it; returns the URL."""
    url = bench_url(database_url)
    engine = dj_database_url.parse(url)["ENGINE"]
    if engine.endswith("postgresql") and ensure_pg_database(url):
        say(f"created PostgreSQL database {dj_database_url.parse(url)['NAME']}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")

    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log, no debug cursor: the timings are of the queries alone
    if migrate:
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        say(f"migrated in {time.perf_counter() - started:.1f} s")
    return url


def describe() -> str:
    """ "sqlite 3.40.1 (var/bench.sqlite3)" or "postgresql 15.20 (kexie_bench)"."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"
