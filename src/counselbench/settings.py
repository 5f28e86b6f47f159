"""Counselbench settings: one module, every value from the environment (see README, Configuration).

Zero setup means SQLite, the database task backend and the console mail backend; production sets
SECRET_KEY, SITE_URL (https) and DATABASE_URL. A malformed value is an error at start, never a
silent default.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """A boolean that is not one of the usual spellings is a configuration error, not False."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(Path.cwd() / "var")))

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE), "
            "or DEBUG=true for local use."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

# The public address of this deployment. Its scheme decides whether cookies are Secure and HTTPS
# is enforced; its host is allowed; links in emails are built from it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be an absolute http(s) URL")
HTTPS = _site.scheme == "https"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_site.hostname, "127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before allauth, so its layout templates are overridden by ours.
    "counselbench.core",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "counselbench.access",
    "counselbench.accounts",
    "counselbench.organizations",
    "counselbench.talent",
    "counselbench.selfaudit",
    "counselbench.engagements",
    "counselbench.matters",
    "counselbench.billing",
    "counselbench.trust",
    "counselbench.intake",
    "counselbench.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "counselbench.access.middleware.SessionTimeoutMiddleware",
    "counselbench.access.middleware.ActorMiddleware",
    "counselbench.core.middleware.DomainErrorMiddleware",
    "counselbench.core.middleware.SingleQueryValuesMiddleware",
    # API writes sent with an Idempotency-Key run once (core.idempotency).
    "counselbench.core.idempotency.IdempotencyMiddleware",
    # Axes must be last: it turns a lockout recorded during sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "counselbench.urls"
WSGI_APPLICATION = "counselbench.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "counselbench.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'counselbench.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent app servers queue
    # instead of failing with "database is locked"; WAL lets readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT-compiling a query takes longer than running any query this app makes; with it on,
    # the matching query's plan cost crosses jit_above_cost and pays ~5-20 ms for nothing.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# Persistent connections (both databases): a new connection per request costs more than the
# request itself (for SQLite it also re-runs the pragmas above).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -----------------------------------------------------------------------
TASK_BACKEND = env.str("TASK_BACKEND", default="database")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASK_BACKEND=redis needs REDIS_URL")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASK_BACKEND={TASK_BACKEND!r}: use database (default), redis or immediate"
    )
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username/IP pair before a password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 5.0 (V6.2): at least 8 characters, long passphrases allowed, checked against a list of
# common/breached passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {
        "NAME": "counselbench.accounts.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 1024},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
ACCOUNT_ADAPTER = "counselbench.accounts.adapters.AccountAdapter"
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
# Failed sign-ins are throttled by axes (below); allauth's own counter would be a second one.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Counselbench"

AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURES", default=5)
# Cool-off, never a permanent lock, and keyed on username + IP: an attacker elsewhere cannot lock a
# real user out of their own machine, and a locked pair opens again by itself.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "counselbench.accounts.throttling.username_from_request"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
AXES_VERBOSE = False

# --- Sessions -------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_HOURS", default=12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Security headers -----------------------------------------------------------------------
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", False)
# Preloading commits the whole domain and its subdomains to HTTPS in browsers, for months, and is
# hard to undo: a per-deployment decision (HSTS_PRELOAD=true), so its reminder is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Counselbench <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "counselbench.core.staticfiles.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Documents (matters.crypto) -------------------------------------------------------------
# Matter documents are encrypted at rest with AES-256-GCM. DOCUMENT_KEYS lists the master keys as
# "id:base64-of-32-bytes" separated by commas (or DOCUMENT_KEYS_FILE); DOCUMENT_KEY_ID names the
# one new files use (default: the last listed). Without DOCUMENT_KEYS a key derived from
# SECRET_KEY is used (id "sk"), so a fresh install works; `check --deploy` warns about it, and
# `counselbench rotate-document-keys` moves every file to a real key once one is set.
DOCUMENT_KEYS = env_secret("DOCUMENT_KEYS", default="") or ""
DOCUMENT_KEY_ID = env.str("DOCUMENT_KEY_ID", default="")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=25) * 1024 * 1024
# "filesystem" (DATA_DIR/documents) or "s3" (django-storages; configure it with its AWS_* settings,
# see docs/documents.md).
DOCUMENT_STORAGE = env.str("DOCUMENT_STORAGE", default="filesystem")
if DOCUMENT_STORAGE == "filesystem":
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "documents")},
    }
elif DOCUMENT_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DOCUMENT_S3_BUCKET"),
            "endpoint_url": env.str("DOCUMENT_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured(f"DOCUMENT_STORAGE={DOCUMENT_STORAGE!r}: use filesystem or s3")

# --- Conflict checks (matters.conflicts): a name pair scoring at least this (0–100) is a hit.
CONFLICT_MATCH_THRESHOLD = env.int("CONFLICT_MATCH_THRESHOLD", default=88)
if not 50 <= CONFLICT_MATCH_THRESHOLD <= 100:
    raise ImproperlyConfigured("CONFLICT_MATCH_THRESHOLD must be from 50 to 100")

# --- Access alerts (matters.services.alerts) --------------------------------------------------
ACCESS_ALERT_DOWNLOADS_PER_HOUR = env.int("ACCESS_ALERT_DOWNLOADS_PER_HOUR", default=20)
ACCESS_ALERT_DENIED_PER_10_MINUTES = env.int("ACCESS_ALERT_DENIED_PER_10_MINUTES", default=5)

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The public intake and booking pages speak English and Spanish (intake/locale/); the firm's own
# pages are in English.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "intake" / "locale"]

# --- Request size ---------------------------------------------------------------------------
# A time export may be up to 5 MB (csv_import.MAX_BYTES), and its text comes back in the body of
# the import's confirmation (form-encoded on the page, JSON-escaped in the API): room for both.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

# --- API ----------------------------------------------------------------------------------
# Per-caller request rates (N/s, N/m, N/h); over the rate the API answers 429.
API_RATE_ANONYMOUS = env.str("API_RATE_ANONYMOUS", default="60/m")
API_RATE_AUTHENTICATED = env.str("API_RATE_AUTHENTICATED", default="1200/m")
NINJA_PAGINATION_CLASS = "counselbench.core.pagination.PagePagination"
# How long an Idempotency-Key's stored response is replayed (at least 24 hours).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=48)
if IDEMPOTENCY_KEY_HOURS < 24:
    raise ImproperlyConfigured("IDEMPOTENCY_KEY_HOURS must be at least 24")

# --- Money ----------------------------------------------------------------------------------
# The invoice reminder schedule, in days from the due date (negative: before it).
INVOICE_REMINDER_DAYS = tuple(
    env.list("INVOICE_REMINDER_DAYS", cast=int, default=[-3, 0, 7, 30, 60])
)
# Trust records are kept this many years after the matter closes (ABA Model Rule 1.15(a): five).
TRUST_RETENTION_YEARS = env.int("TRUST_RETENTION_YEARS", default=5)
if TRUST_RETENTION_YEARS < 5:
    raise ImproperlyConfigured("TRUST_RETENTION_YEARS must be at least 5 (ABA Model Rule 1.15)")

# --- Intake and reception (PRODUCT §2.7) ---------------------------------------------------
# Public intake submissions per client address (the firm's own limit is on its intake profile).
INTAKE_RATE_IP = env.str("INTAKE_RATE_IP", default="10/h")
# A person takes longer than this to fill the form; faster is a bot.
INTAKE_MIN_FILL_SECONDS = env.int("INTAKE_MIN_FILL_SECONDS", default=3)
# Each process keeps a firm's public-page profile this long (0: read it on every request). A
# change saved in the settings pages shows at once in that process and within this in the others.
INTAKE_PUBLIC_CACHE_SECONDS = env.int("INTAKE_PUBLIC_CACHE_SECONDS", default=5)
# Telephony webhook: events older (or newer) than this many seconds are refused as replays.
CALL_EVENT_WINDOW_SECONDS = env.int("CALL_EVENT_WINDOW_SECONDS", default=300)
# Appointment reminders go out this many hours before the consultation.
APPOINTMENT_REMINDER_HOURS = env.int("APPOINTMENT_REMINDER_HOURS", default=24)

# --- Invitations and tokens -----------------------------------------------------------------
INVITATION_MAX_AGE = timedelta(days=env.int("INVITATION_DAYS", default=7))

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Talent bench: how long passed vetting steps count before a professional must be re-verified,
# and how many accepted rates a segment needs before they move rate suggestions.
VETTING_VALID_DAYS = env.int("VETTING_VALID_DAYS", default=365)
RATE_BLEND_MINIMUM = env.int("RATE_BLEND_MINIMUM", default=5)
