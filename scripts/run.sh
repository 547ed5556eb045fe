#!/usr/bin/env bash
# Sets up kexie on its embedded default (SQLite + demo data) and serves it on http://127.0.0.1:8000
# with the production server (gunicorn, static files by whitenoise, DEBUG off), plus a background task
# worker (large imports, PDF rendering) that stops when the server stops.
#   DEBUG=true bash scripts/run.sh    Django's development server instead, with debug pages and reload
#   KEXIE_ADDR=127.0.0.1:8001 …       another address; DATABASE_URL, MEDIA_ROOT … as in README
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh main
export DJANGO_SETTINGS_MODULE=kexie.settings PYTHONPATH=src
export DEBUG="${DEBUG:-false}"
debug=false
case "${DEBUG,,}" in 1 | true | yes | on) debug=true ;; esac
mkdir -p var

if [ "$debug" = false ]; then
  # DEBUG off needs a real secret: made once, kept in var/ (git-ignored, readable by this user only).
  if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
    if [ ! -s var/secret_key ]; then
      (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key)
    fi
    export SECRET_KEY_FILE="$PWD/var/secret_key"
  fi
  # This is the demo on the loopback address over plain HTTP: no HTTPS redirect or secure-only cookies,
  # and the demo data (published passwords) is allowed. A real deployment follows docs/部署.md.
  export KEXIE_HTTPS="${KEXIE_HTTPS:-false}" KEXIE_ALLOW_DEMO="${KEXIE_ALLOW_DEMO:-true}"
fi

.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo --if-empty --no-logins
.venv/bin/python manage.py demo_logins
if [ "$debug" = false ]; then
  # Hashed, compressed copies of the static files (app files and the allowlisted npm files in
  # static/vendor) for whitenoise; skipped when no source file changed since the last run.
  static_root="${STATIC_ROOT:-staticfiles}"
  sources="$({ find static src/kexie -path '*static/*' -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum requirements/main.txt; } | sha256sum)"
  stamp="$static_root $sources"
  if [ "$(cat var/collectstatic.sha 2>/dev/null)" != "$stamp" ] || [ ! -f "$static_root/staticfiles.json" ]; then
    .venv/bin/python manage.py collectstatic --noinput -v 0
    echo "$stamp" >var/collectstatic.sha
  fi
fi

# django-tasks-db worker for every queue (default, imports, reports); its output goes to var/worker.log
.venv/bin/python manage.py db_worker --queue-name '*' --no-reload >>var/worker.log 2>&1 &
worker=$!
stop_worker() { kill "$worker" 2>/dev/null && wait "$worker" 2>/dev/null || true; }
trap stop_worker EXIT
trap 'exit 130' INT TERM
echo "task worker started (pid $worker, log var/worker.log)"

addr="${KEXIE_ADDR:-127.0.0.1:8000}"
if [ "$debug" = true ]; then
  echo "DEBUG on: Django's development server on http://$addr"
  .venv/bin/python manage.py runserver "$addr"
else
  echo "serving on http://$addr (gunicorn, DEBUG off; DEBUG=true bash scripts/run.sh for the development server)"
  KEXIE_ADDR="$addr" .venv/bin/gunicorn -c python:kexie.ops.gunicorn_conf kexie.wsgi
fi
