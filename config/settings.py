"""Sillage settings: one file, driven by environment variables (see README, "Configuration").

SILLAGE_ENV selects safe defaults: "development" (the default, used by `make run`),
"test" (pytest) or "production" (refuses to start without a real SECRET_KEY and hosts).
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Under pytest the test profile is the default (pytest-django imports these settings before
# the root conftest.py can set the variable); an explicit SILLAGE_ENV always wins.
SILLAGE_ENV = env.str("SILLAGE_ENV", default="test" if "pytest" in sys.modules else "development")
if SILLAGE_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("SILLAGE_ENV must be development, test or production.")
PRODUCTION = SILLAGE_ENV == "production"

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET or "insecure" in SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

DEBUG = env.bool("DEBUG", default=SILLAGE_ENV == "development")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list this site's host names in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "ninja",
    "sillage.accounts",
    "sillage.feedback",
    "sillage.pulse",
    "sillage.insights",
    "sillage.textai",
    "sillage.cases",
    "sillage.workshops",
    "sillage.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sillage.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
# Requests that carry no session (sillage/wsgi.py): the JSON API, called by other systems with a
# bearer token, and the public survey pages and widget, which customers reach by token and
# which set no cookie and keep no CSRF token. They skip the middleware for sessions, CSRF,
# sign-in, flash messages, htmx and allauth (about a tenth of recording one answer), and keep
# the security headers, the language from Accept-Language, X-Frame-Options and the CSP. Never
# list a path here whose forms rely on the CSRF check (the unsubscribe page, for one).
STATELESS_PATH_PREFIXES = ("/api/", "/s/", "/w/")
STATELESS_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
                "django.template.context_processors.i18n",
                "sillage.accounts.context_processors.navigation",
            ],
        },
    }
]

# Database: SQLite in WAL mode by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'sillage.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers queued on a lock file (sillage/db/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "sillage.db.sqlite3"
    # Tests: an in-memory database per process, as for Django's own engine name (which
    # pytest-django's parallel runs recognise; it would give this one a file).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
        # timeout instead of failing with "database is locked" on lock upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    # Persistent connections: 237 req/s without them against 1,900 with (ARCHITECTURE.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Prepared statements: a statement run 5 times on a connection is planned once
        # (psycopg's server-side binding). Planning was most of PostgreSQL's work for an API
        # call (bench/README.md). DATABASE_PREPARED_STATEMENTS=0 behind a pooler in
        # transaction mode that cannot keep them (PgBouncer before 1.21).
        if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
            DATABASES["default"].setdefault("OPTIONS", {}).update(
                {"server_side_binding": True, "prepare_threshold": 5}
            )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if SILLAGE_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "sillage.accounts.adapters.InviteOnlyAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = False if SILLAGE_ENV == "test" else {}

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "sillage_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
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

# Email: console in development, locmem in tests, EMAIL_URL (smtp://user:pass@host:port) in
# production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if SILLAGE_ENV == "development" else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sillage <no-reply@sillage.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks: run inline unless a worker is configured (TASKS_BACKEND=database, then
# `python manage.py db_worker`).
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.backend.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env.str("TASKS_BACKEND", default="immediate")]}}
# Responses recorded one call at a time reach rollups, text analysis and alert rules in one
# pass per window of this many seconds (per server process), not one by one. With a worker,
# alerts follow within about this delay plus the worker's polling interval, dashboards within
# SILLAGE_ROLLUP_INTERVAL more at most.
SILLAGE_FOLLOW_UP_DELAY = env.float("SILLAGE_FOLLOW_UP_DELAY", default=1.0)
# With a worker, a day's rollups are recomputed at most once per this many seconds (per
# worker process): a busy day costs one recompute per interval, not one per pass. A day whose
# recompute takes longer than a twentieth of it waits twenty times that duration (at most a
# minute) instead.
SILLAGE_ROLLUP_INTERVAL = env.float("SILLAGE_ROLLUP_INTERVAL", default=5.0)

# Security: production hardening; `manage.py check --deploy` is clean with SILLAGE_ENV=production.
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 100

# Cache: per-process memory by default. With several gunicorn workers or machines, set a shared
# cache (CACHE_URL=redis://127.0.0.1:6379/1, or dbcache://sillage_cache after
# `manage.py createcachetable`) so that rate limits count across workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Public survey pages: anti-abuse settings.
SILLAGE_SURVEY_MIN_SECONDS = env.int("SILLAGE_SURVEY_MIN_SECONDS", default=3)
SILLAGE_PUBLIC_RATE_LIMIT = env.str("SILLAGE_PUBLIC_RATE_LIMIT", default="20/600")
SILLAGE_PROXY_COUNT = env.int("SILLAGE_PROXY_COUNT", default=0)
