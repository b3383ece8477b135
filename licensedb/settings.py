"""Settings for licensedb, read from environment variables.

Development needs nothing set: the site runs on a SQLite file in the project. Production sets
``LICENSEDB_ENV=production`` with a real ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and a
PostgreSQL ``DATABASE_URL``; see the README for every variable.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("LICENSEDB_ENV", "development").strip().lower() == "production"

DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when LICENSEDB_ENV=production.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "licensedb.views.csrf_failure"

INSTALLED_APPS = [
    "licensedb.apps.LicensedbConfig",
    "search.apps.SearchConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
]

# Order matters:
# - SecurityMiddleware first, so a plain-HTTP request is redirected before any other work;
# - WhiteNoise serves static files, already compressed (brotli and gzip) by collectstatic;
# - CORS before anything that may answer on its own (the guard's 400s, CommonMiddleware), so that
#   cross-origin clients can read those answers too;
# - GZip then compresses every page, JSON and CSV answer below it. It sits above everything that writes
#   a response body and below the SSL redirect; Django's GZipMiddleware pads each response with random
#   bytes against BREACH, and CSRF tokens are masked per response, so compressing pages that carry
#   them does not leak them;
# - the content security policy and X-Frame-Options go on every answer, the guard's too;
# - the request guard refuses NUL bytes and over-deep JSON before sessions or views see them.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "licensedb.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "licensedb.db_router.ReplicaMiddleware",
    "licensedb.api.middleware.ApiMiddleware",
    "licensedb.page_cache.PublicCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # locks out repeated failed logins (admin brute force)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LICENSEDB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LICENSEDB_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False

ROOT_URLCONF = "licensedb.urls"
# After an admin log-in whose `next` was refused (another site, say), land on the admin's index,
# not on Django's default /accounts/profile/, which this site does not have.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "licensedb.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "licensedb.wsgi.application"

CONN_MAX_AGE = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
# SQLite (make run, development): several gunicorn workers or threads write at once. Immediate
# transactions take the write lock when they begin, so a writer waits (up to the busy timeout) instead
# of failing with "database is locked" when it would upgrade a read lock; WAL lets readers go on
# while one writer writes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
# Read replicas: safe, anonymous requests read from DATABASE_REPLICA_URL (see licensedb/db_router.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=CONN_MAX_AGE, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["licensedb.db_router.ReplicaRouter"]

# Cache: per-process memory by default; CACHE_URL=redis://host:6379/0 shares it between app servers.
if os.environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "licensedb"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    warnings.filterwarnings("ignore", message="No directory at")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["licensedb.api.throttling.AnonymousThrottle", "licensedb.api.throttling.CuratorThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "licensedb.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "licensedb.api.schema.PublicAwareAutoSchema",  # no lock on public operations
    # JSON only: the browsable renderer needs inline scripts, which the content security policy forbids.
    # Browsable docs are Swagger UI at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "licensedb.api.middleware.exception_handler",
    # How many proxies add to X-Forwarded-For in front of the application (nginx: 1). Rate limits count
    # the client address the nearest proxy saw; with 0 they count the connection's own address, and a
    # client-sent X-Forwarded-For is never believed.
    "NUM_PROXIES": int(os.environ.get("LICENSEDB_PROXIES", "1" if PRODUCTION else "0")),
}
# Requests per minute (or "N/second", "N/hour"); read on every request, so tests and operators can change them.
LICENSEDB_THROTTLE = {
    "anon": os.environ.get("LICENSEDB_THROTTLE_ANON", "300/minute"),
    "curator": os.environ.get("LICENSEDB_THROTTLE_CURATOR", "2000/minute"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "licensedb API",
    "DESCRIPTION": "Licence terms of public video datasets, per intended use, with evidence.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "VerdictEnum": "licensedb.vocabulary.VerdictValue",
        "ResolutionStatusEnum": ["resolved", "ambiguous", "not_found", "invalid"],
        "DatasetStatusEnum": "licensedb.vocabulary.Status",
        "RouteEnum": ["release", "features", "hosted", "fetch"],
        "ModelKindEnum": "licensedb.vocabulary.ModelKind",
        "EntryKindEnum": ["dataset", "model"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "licensedb.api.schema.document_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Structured logs: one JSON object per line in production (LOG_FORMAT=json|text overrides).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- security ----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("DJANGO_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy: only our own scripts, styles and images; no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# CORS: the read API, the exports and POST /api/v1/check/ may be called from any origin (a notebook,
# another web app). No credentials: a cross-origin page never rides on a curator's session cookie;
# curators writing from elsewhere send their API token, which the page must already hold.
CORS_URLS_REGEX = r"^/(api/v1/|export/|datasets/[^/]+/(cite\.bib|croissant\.json)$|changes/feed/$)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "if-none-match", "if-modified-since", "user-agent",
                      "x-requested-with"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Disposition", "Link"]
CORS_PREFLIGHT_MAX_AGE = 86400

SITE_NAME = "licensedb"
# Search answers are cached per catalogue revision (any edit makes them obsolete); 0 turns it off.
SEARCH_CACHE_SECONDS = int(os.environ.get("LICENSEDB_SEARCH_CACHE_SECONDS", "300"))
# Anonymous pages and API answers, stored per catalogue revision (licensedb.page_cache); 0 turns it off.
LICENSEDB_PAGE_CACHE_SECONDS = int(os.environ.get("LICENSEDB_PAGE_CACHE_SECONDS", "600"))
# A search counts at most this many matches (total and facets); beyond it the counts say "1,000+" and
# the API's `approximate` is true, so a word found everywhere costs what a rarer one does. 0: no bound.
SEARCH_EXACT_COUNT_LIMIT = int(os.environ.get("LICENSEDB_SEARCH_EXACT_COUNT_LIMIT", "1000"))
# An index term found in at least this many documents keeps a list of its best-scoring ones
# (search.toplists), so a one-word search for it reads its first pages from an index instead of
# scoring every match; pages past the list's length are ranked in full as before. 0 turns it off.
SEARCH_TOP_LIST_MIN_DOCUMENTS = int(os.environ.get("LICENSEDB_SEARCH_TOP_LIST_MIN_DOCUMENTS", "2000"))
SEARCH_TOP_LIST_SIZE = 1000
