#!/usr/bin/env bash
# Sets up kexie on its embedded default (SQLite + demo data) and serves it on http://127.0.0.1:8000,
# with a background task worker (large imports, PDF rendering) that stops when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh main
export DJANGO_SETTINGS_MODULE=kexie.settings PYTHONPATH=src
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo --if-empty --no-logins
.venv/bin/python manage.py demo_logins

# django-tasks-db worker for every queue (default, imports, reports); its output goes to var/worker.log
mkdir -p var
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload >>var/worker.log 2>&1 &
worker=$!
stop_worker() { kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
trap stop_worker EXIT
trap 'exit 130' INT TERM
echo "task worker started (pid $worker, log var/worker.log)"

.venv/bin/python manage.py runserver "${KEXIE_ADDR:-127.0.0.1:8000}"
