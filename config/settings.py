"""chibo settings: one file, driven by environment variables.

SQLite (WAL) by default; PostgreSQL 15 through DATABASE_URL=postgres://...
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("CHIBO_DEBUG", False)
SECRET_KEY = os.environ.get("CHIBO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
ALLOWED_HOSTS = os.environ.get("CHIBO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CHIBO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "chibo.core",
    "chibo.accounts",
    "chibo.organizations",
    "chibo.members",
    "chibo.committees",
    "chibo.criteria",
    "chibo.training",
    "chibo.targets",
    "chibo.plans",
    "chibo.meetings",
    "chibo.admissions",
    "chibo.congresses",
    "chibo.reorg",
    "chibo.ratings",
    "chibo.reports",
    "chibo.api",
    "chibo.workbook",
    "chibo.demo",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that it compresses what every other middleware made (pages; static files that
    # have no compressed copy on disk).
    "chibo.core.middleware.CompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "chibo.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chibo.accounts.middleware.SessionRefreshMiddleware",
    "chibo.core.middleware.LanguageMiddleware",
    "chibo.core.middleware.TreeReadsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chibo.accounts.middleware.RequireOTPMiddleware",
    "chibo.accounts.middleware.RequirePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "chibo.accounts.context_processors.nav",
            ],
            "builtins": ["chibo.core.templatetags.vn"],
        },
    }
]
# Django's default cache, and apart from it the {% cache %} fragments of base.html (the
# navigation): the same for every user with the same links, they outlive a cache.clear() of the
# default (the test suite clears it before each test) and cost no query.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template_fragments",
    },
}

_default_sqlite = (
    f"sqlite:///{os.environ.get('CHIBO_SQLITE_PATH', BASE_DIR / 'var' / 'chibo.sqlite3')}"
)
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids
        # "database is locked" when a read transaction upgrades to a write.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CHIBO_TEST_SQLITE", "")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CHIBO_CONN_MAX_AGE", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the user's roles with the user (sessions signed in with ModelBackend
    # before it came stay valid: listed below).
    "chibo.accounts.backends.ScopeBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Passwords known to more than one person (the demo's, chibo.demo.data.DEFAULT_PASSWORD): a
# sign-in with one is told to change it at once.
CHIBO_SHARED_PASSWORDS = ["chibo-demo-2023"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions expire: 8 hours of inactivity at most, and when the browser closes. The expiry moves
# with the user's requests, one session write a minute at most
# (chibo.accounts.middleware.SessionRefreshMiddleware), not one per request.
SESSION_COOKIE_AGE = int(os.environ.get("CHIBO_SESSION_SECONDS", str(8 * 3600)))
SESSION_REFRESH_SECONDS = 60
SESSION_ENGINE = "chibo.accounts.sessions"  # Django's database sessions, read quicker
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# CHIBO_SECURE_COOKIES=1: the site is served over HTTPS only (README, production). Then the
# cookies are secure, browsers are told to come back over HTTPS only (HSTS, a year by default)
# and a plain-HTTP request is redirected; behind nginx that needs CHIBO_BEHIND_PROXY=1 (below),
# or every request would look like plain HTTP and redirect forever.
HTTPS_ONLY = env_bool("CHIBO_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = int(os.environ.get("CHIBO_HSTS_SECONDS", "31536000" if HTTPS_ONLY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHIBO_HSTS_SUBDOMAINS", True)
# "preload" only consents to the browsers' preload list; nothing is listed unless submitted.
SECURE_HSTS_PRELOAD = env_bool("CHIBO_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("CHIBO_SSL_REDIRECT", HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]

# Content-Security-Policy (Django's own middleware): scripts, styles, images and fonts from
# chibo's origin only; no inline script or style, no plugin, no framing, forms post to chibo.
# The one inline style is the standalone 500 page's, allowed by its hash.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, "'sha256-CaGbQi/qq2FyL1VofrY29N/qJtgCX3QABRlKrwj3YC4='"],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Browser features chibo never uses, turned off for its pages (chibo.core.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("CHIBO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True

# Behind nginx (TLS terminated there): trust its X-Forwarded-Proto and, for the lockout,
# the client address it forwards. Leave off when clients connect directly.
if env_bool("CHIBO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

OTP_TOTP_ISSUER = "chibo"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/yyyy in every form and page, the admin included (config/formats/<lang>/formats.py)
FORMAT_MODULE_PATH = "config.formats"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("CHIBO_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Serve straight from the app folders unless collectstatic built a manifest (production).
WHITENOISE_USE_FINDERS = not env_bool("CHIBO_MANIFEST_STATIC", False)

# Uploads: spreadsheets of a district fit comfortably; anything larger is refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CHIBO_IMPORT_MAX_ROWS = int(os.environ.get("CHIBO_IMPORT_MAX_ROWS", "20000"))
CHIBO_IMPORT_MAX_BYTES = 10 * 1024 * 1024
# The whole workbook (chibo.workbook): a district's history is tens of MB; each sheet has its
# own row limit (chibo/workbook/schema.py).
CHIBO_WORKBOOK_MAX_BYTES = int(os.environ.get("CHIBO_WORKBOOK_MAX_MB", "200")) * 1024 * 1024
CHIBO_WORKBOOK_MAX_XML_BYTES = 4 * 1024 * 1024 * 1024

# Long work (a workbook import) runs as a task of Django's tasks framework, stored in the
# database (django-tasks-db) and run by `manage.py db_worker`, which `make run` and
# `chibo serve` start beside the web server.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CHIBO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Meeting materials (PDF, DOCX, XLSX, ODT, JPEG, PNG); a larger upload is stopped while it is
# read (chibo.meetings.materials.MaterialSizeLimit) and answered with a message.
CHIBO_MATERIAL_MAX_BYTES = int(os.environ.get("CHIBO_MATERIAL_MAX_MB", "20")) * 1024 * 1024

MAILERS = {
    "default": {
        # Served over HTTPS (production): SMTP through CHIBO_EMAIL_HOST (default localhost:25,
        # the server's own mail relay); otherwise mail is printed on the console.
        "BACKEND": os.environ.get(
            "CHIBO_EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if HTTPS_ONLY
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            k: v
            for k, v in {
                "host": os.environ.get("CHIBO_EMAIL_HOST"),
                "port": int(os.environ["CHIBO_EMAIL_PORT"])
                if os.environ.get("CHIBO_EMAIL_PORT")
                else None,
                "username": os.environ.get("CHIBO_EMAIL_USER"),
                "password": os.environ.get("CHIBO_EMAIL_PASSWORD"),
                "use_tls": env_bool("CHIBO_EMAIL_TLS", False) or None,
            }.items()
            if v is not None
        },
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHIBO_LOG_LEVEL", "WARNING")},
}
