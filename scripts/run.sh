#!/usr/bin/env bash
# Sets up kexie on its embedded default (SQLite + demo data) and serves it on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh main
export DJANGO_SETTINGS_MODULE=kexie.settings PYTHONPATH=src
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo --if-empty
.venv/bin/python manage.py demo_logins
exec .venv/bin/python manage.py runserver "${KEXIE_ADDR:-127.0.0.1:8000}"
