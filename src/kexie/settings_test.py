"""Test settings: only what the tests need differs from kexie.settings."""

import os

os.environ.setdefault("DEBUG", "true")

from kexie.settings import *  # noqa: F403
from kexie.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_kexie_{os.getpid()}"}
# whitenoise warns on every request when STATIC_ROOT does not exist (a fresh clone has run no collectstatic)
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
