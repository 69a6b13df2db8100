"""Tawsim settings: one file, configured from the environment."""
from __future__ import annotations

import os
from pathlib import Path

import pghistory
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tawsim.database import database_config
from tawsim.secret_key import local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    return default if raw is None else [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("TAWSIM_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = local_secret_key(BASE_DIR / "var" / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS behind a reverse proxy (deploy/nginx.conf): the proxy terminates TLS and always
# sets X-Forwarded-Proto, so the header can be trusted. Off by default: served straight
# to clients, a client could send that header itself; and `make run` speaks plain HTTP
# on loopback, where secure cookies would never come back.
TAWSIM_HTTPS = env_bool("TAWSIM_HTTPS", False)
if TAWSIM_HTTPS:
    if not os.environ.get("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host name(s) when TAWSIM_HTTPS=1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS is opt-in: once a browser has seen it, the site cannot go back to plain HTTP.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, under ours (templates/django/forms: dir="auto" on text)
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "tawsim",
    "corpus",
    "annotate",
]

MIDDLEWARE = [
    "tawsim.middleware.RequestLogMiddleware",  # first, so it times (and logs) everything
    "tawsim.middleware.HealthCheckMiddleware",  # before anything validates the Host header
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "tawsim.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tawsim.middleware.ArabicFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tawsim.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
]

ROOT_URLCONF = "tawsim.urls"
WSGI_APPLICATION = "tawsim.wsgi.application"

# Widgets render through TEMPLATES, so templates/django/forms/widgets/ can add dir="auto".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config(BASE_DIR)}
# Persistent connections only where each connection belongs to one long-lived thread.
# gunicorn's sync workers serve one request at a time per process, so a process keeps one
# connection (deploy/gunicorn.conf.py sets CONN_MAX_AGE for them). A threaded server
# (runserver) starts a thread per request; each thread would keep its own connection
# until PostgreSQL's slots run out, so everywhere else connections close after a request.
# Health checks: a connection the server dropped (restart, idle timeout) is replaced at
# the start of the next request instead of failing it.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The interface speaks Arabic first; English is one click away.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("العربية")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One decimal separator on every page (tawsim/formats/ar/formats.py).
FORMAT_MODULE_PATH = ["tawsim.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
# Export jobs write their files here and the web server sends them: with workers and web
# servers on several hosts, a folder they all share (README, "Several hosts").
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
# WhiteNoise serves static files from the app's own processes: `collectstatic` (run by
# `make serve`) writes them compressed under content-hashed names, which WhiteNoise
# sends with a far-future, immutable cache header. With DEBUG (runserver), files are
# read from the source folders as they change.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy: scripts, styles, fonts and images from this site only; no
# inline script or style, no eval. A template that still needs an inline block marks it
# with nonce="{{ request.csp_nonce }}", which adds that request's nonce to the policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request then gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Refusals in one shape: 400 {"detail", "field"}, 409 {"detail", "version"}.
    "EXCEPTION_HANDLER": "annotate.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tawsim API",
    "DESCRIPTION": "Arabic entity and event annotation. Offsets are Unicode code points.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served by the app itself (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice fields are both called `kind`: give each enum its own name.
    "ENUM_NAME_OVERRIDES": {
        "SetKindEnum": "annotate.models.SetKind",
        "AttributeKindEnum": "corpus.models.AttributeType.Kind",
        "SuggestionKindEnum": "annotate.models.Suggestion.Kind",
        "SetStatusEnum": "annotate.models.SetStatus",
        "JobStatusEnum": "annotate.models.Job.Status",
        "RoleEnum": "corpus.models.Role",
    },
}

# History rows (django-pghistory) copy the tracked row's foreign keys as plain columns;
# history is read by object and by context (both indexed), never by those columns, and
# each needless index slows every bulk import.
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)

# Email carries the set-password links of new users; it is sent only when EMAIL_HOST is
# set (or another EMAIL_BACKEND, e.g. the console one, is chosen). Otherwise the link is
# shown to the staff user who made the account, who passes it on.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tawsim@localhost")

# Background jobs (pre-tagging, exports, agreement) go through Django's task framework;
# `manage.py db_worker` runs them. Tests swap in the immediate backend.
TASKS = {"default": {"BACKEND": os.environ.get("TAWSIM_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# `manage.py run_worker` beats every few seconds and holds a lease on each job it runs:
# a job whose worker died is queued again (or failed after the last attempt) once its
# lease runs out, so well within a minute. The worker waits out a database outage,
# retrying with back-off up to the maximum.
TAWSIM_WORKER_HEARTBEAT_SECONDS = env_int("TAWSIM_WORKER_HEARTBEAT_SECONDS", 5)
TAWSIM_JOB_LEASE_SECONDS = env_int("TAWSIM_JOB_LEASE_SECONDS", 30)
TAWSIM_JOB_MAX_ATTEMPTS = env_int("TAWSIM_JOB_MAX_ATTEMPTS", 3)
TAWSIM_WORKER_MAX_BACKOFF_SECONDS = env_int("TAWSIM_WORKER_MAX_BACKOFF_SECONDS", 30)

# Import limits: bad input gets a clear error rather than exhausting the server.
TAWSIM_MAX_DOCUMENT_CHARS = env_int("TAWSIM_MAX_DOCUMENT_CHARS", 1_000_000)
TAWSIM_MAX_UPLOAD_BYTES = env_int("TAWSIM_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
TAWSIM_MAX_ZIP_ENTRIES = env_int("TAWSIM_MAX_ZIP_ENTRIES", 50_000)
TAWSIM_MAX_UNZIPPED_BYTES = env_int("TAWSIM_MAX_UNZIPPED_BYTES", 1024**3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# camel-tools reads (and may try to download) its data catalogue: keep it in a folder
# the app controls, so nothing is fetched behind our back.
os.environ.setdefault("CAMELTOOLS_DATA", str(BASE_DIR / "var" / "camel_tools"))
# Folders a project admin may point the NER tagger at: loading a model runs its code,
# so the server's operator decides where models may come from.
TAWSIM_MODEL_DIRS = env_list("TAWSIM_MODEL_DIRS", [os.environ["CAMELTOOLS_DATA"], str(BASE_DIR / "var" / "models")])
# Installing camel-tools' NER model (`make models`, the pre-tagging page's button): the data
# catalogue to read (empty: the one camel_data reads) and the seconds any connection or read
# may wait before the attempt fails with a message.
TAWSIM_NER_CATALOGUE_URL = os.environ.get("TAWSIM_NER_CATALOGUE_URL", "")
TAWSIM_DOWNLOAD_TIMEOUT = env_int("TAWSIM_DOWNLOAD_TIMEOUT", 20)

# Pages shown when something goes wrong (Arabic and English, no technical details).
CSRF_FAILURE_VIEW = "tawsim.errors.csrf_failure"
# The worker counts as alive when its newest heartbeat is at most this old (GET /healthz).
TAWSIM_WORKER_HEARTBEAT_MAX_AGE = env_int("TAWSIM_WORKER_HEARTBEAT_MAX_AGE", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"()": "tawsim.log_handlers.CurrentStderrHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # One line per request (tawsim.middleware.RequestLogMiddleware); TAWSIM_REQUEST_LOG=0 hides them.
    "loggers": {
        "tawsim.requests": {"level": "INFO" if env_bool("TAWSIM_REQUEST_LOG", True) else "WARNING"},
    },
}
