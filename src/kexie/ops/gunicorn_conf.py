"""gunicorn settings for kexie (`gunicorn -c python:kexie.ops.gunicorn_conf kexie.wsgi`).

Used by scripts/run.sh and the systemd unit in docs/部署.md. Every value can be changed through the
environment (KEXIE_ADDR, KEXIE_WEB_WORKERS, KEXIE_WEB_THREADS, KEXIE_WEB_TIMEOUT, KEXIE_ACCESS_LOG).
"""

import os

# A production server runs with DEBUG off unless the environment says otherwise, explicitly. With
# DEBUG off kexie.settings refuses to start without a real SECRET_KEY.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")

bind = [os.environ.get("KEXIE_ADDR", "127.0.0.1:8000")]
# Processes × threads = requests served at once. The default suits a 2-core machine; raise the
# workers with the cores (about 2 per core). Threads share a process's memory; each has its own
# database connection.
workers = int(os.environ.get("KEXIE_WEB_WORKERS", "3"))
threads = int(os.environ.get("KEXIE_WEB_THREADS", "4"))
worker_class = "gthread"
# Large exports and in-request imports can take a while; PDFs and big imports run in the task worker.
timeout = int(os.environ.get("KEXIE_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("KEXIE_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("KEXIE_GUNICORN_LOG_LEVEL", "info")
proc_name = "kexie"
# gunicorn ≥ 25 opens a control socket at a fixed per-user path by default: two servers of one user
# (a second checkout, the tests) would fight over it. kexie does not use it.
control_socket_disable = True
# The response header is "Server: gunicorn" (no version number): gunicorn.SERVER carries none.
