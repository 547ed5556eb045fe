"""Settings come from the environment and refuse unsafe production configurations."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env):
    code = "import kexie.settings as s; print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.DATABASES['default']['ENGINE'])"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        env=clean | {"PYTHONPATH": str(ROOT / "src")} | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_defaults_are_local_sqlite_in_chinese_and_shanghai_time():
    result = _load_settings()
    assert result.stdout.split() == ["True", "Asia/Shanghai", "zh-hans", "django.db.backends.sqlite3"]


def test_refuses_to_start_without_debug_and_with_the_default_secret():
    result = _load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_with_a_secret_and_postgres_url():
    result = _load_settings(DEBUG="false", SECRET_KEY="x" * 50, DATABASE_URL="postgres://u@db:5432/kexie")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "Asia/Shanghai", "zh-hans", "django.db.backends.postgresql"]


def test_demo_data_is_off_in_production():
    code = "import kexie.settings as s; print(s.KEXIE_ALLOW_DEMO)"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=clean | {"PYTHONPATH": str(ROOT / "src"), "DEBUG": "0", "SECRET_KEY": "y" * 50},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
