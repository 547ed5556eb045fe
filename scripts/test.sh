#!/usr/bin/env bash
# Sets up the test tools and runs the whole suite: ruff, then pytest on SQLite and on PostgreSQL.
#   Under CI=true a missing PostgreSQL fails the run; locally that pass is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
say() { printf '\033[1;34m[kexie]\033[0m %s\n' "$*"; }
export PYTHONPATH=src

say "ruff check / ruff format --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

say "pytest on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "$@"

PG_URL="${KEXIE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/kexie}"
pg_up() { .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg, psycopg.sql, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PY
}
if ! pg_up 2>/dev/null && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
  say "启动 PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi
if pg_up; then
  say "pytest on PostgreSQL ($PG_URL, throwaway test database)"
  status=0
  DATABASE_URL="$PG_URL" .venv/bin/python -m pytest --create-db "$@" || status=$?
  # A browser test's server thread can keep a connection open past teardown; drop what is left over.
  .venv/bin/python - "$PG_URL" <<'PY'
import sys, psycopg, psycopg.sql, dj_database_url
cfg = dj_database_url.parse(sys.argv[1])
with psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], dbname="postgres", autocommit=True) as conn:
    for (name,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_kexie\\_%'").fetchall():
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))
PY
  [ "$status" = 0 ] || exit "$status"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true 但无法连接 PostgreSQL（$PG_URL）：PostgreSQL 测试必须运行" >&2
  exit 1
else
  say "跳过 PostgreSQL 测试：无法连接 $PG_URL（设置 KEXIE_TEST_PG_URL 指向可用的服务器）"
fi
