"""Settings of the ESS Bretagne portal.

Every value comes from the environment through one django-environ ``env`` (12-factor), where a variable
left empty counts as unset. The defaults are safe for development (``make run``: SQLite, eager Celery,
console email); ``DEBUG=False`` selects the hardened production profile and refuses to start without
the variables production needs.
"""

import re
import sys
import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.client_ip import HEADER_NAME
from core.csp import tile_sources

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """django-environ's reader, where a variable set to an empty value counts as not set.

    `cp .env.example .env` leaves the optional variables empty (``CACHE_URL=``), and docker compose's
    ``env_file`` passes them on as empty strings: each must then take its default, exactly as if it
    were absent, whatever its type (an empty ``CACHE_URL`` once became an empty Redis URL).
    """

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        name = f"{self.prefix}{var}"
        if name in self.ENVIRON and not self.ENVIRON[name].strip():
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {name} environment variable")
            return self.parse_value(default, cast) if parse_default and default is not None else default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)


env = Env()
env.read_env(BASE_DIR / ".env", overwrite=False)


def _fail(message: str) -> None:
    """Stop start-up with one line naming the variable at fault (no traceback: the cause is configuration)."""
    sys.tracebacklimit = 0
    raise ImproperlyConfigured(message) from None


DEBUG = env.bool("DEBUG", default=True)
TESTING = "pytest" in sys.modules or env.bool("TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        _fail("SECRET_KEY is required when DEBUG is false: set the SECRET_KEY environment variable.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # django-leaflet for its assets, template tags and LEAFLET_CONFIG only. Its admin module imports
    # GeoDjango's GDAL bindings, so the admin's autodiscovery must not import it (see ess_portal.apps).
    "leaflet",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "core",
    "poles",
    "actors",
    "events",
    "reports",
    "accounts",
    "demo",
    "ess_portal",
]
# The admin site is registered with autodiscovery restricted to the project's own apps.
INSTALLED_APPS[0] = "ess_portal.apps.PortalAdminConfig"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.HttpCachingMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.BackOfficeSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Who made a change, for the organisations' history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ess_portal.urls"
WSGI_APPLICATION = "ess_portal.wsgi.application"

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.i18n",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "core.context_processors.portal",
]
# The public pages are Jinja2 templates (jinja2/, see core/jinja2.py): several times faster to
# render. The admin, the emails and the form widgets use Django's templates (templates/).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "core.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": CONTEXT_PROCESSORS,
        },
    },
]

# Database: an embedded SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
try:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # django-environ only warns on an unknown scheme
        DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
except UserWarning:  # its text would show the URL's password: say only what is wrong
    _fail(
        "DATABASE_URL is malformed: unknown database scheme (expected e.g. postgres://user:pass@host:5432/name)."
    )
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    _fail(f"DATABASE_URL is malformed ({exc}): expected e.g. postgres://user:pass@host:5432/name.")
if not DATABASES["default"].get("ENGINE", "").startswith("django.db.backends."):
    _fail(
        "DATABASE_URL is malformed: unknown database scheme (expected e.g. postgres://user:pass@host:5432/name)."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server must fail fast: /sante/ is polled every few seconds and must answer 503.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache. Unset (the embedded default): tasks run eagerly
# in-process and the cache lives in local memory.
REDIS_URL = env.str("REDIS_URL", default="")
# Every call to Redis (cache, rate limits, broker, /sante/) gives up after this many seconds, to connect
# and to read: a Redis that hangs without closing its connections delays mail, never a page.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "ess",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ess"}}
# The public site's caches (core.public_cache): the longest any cached page, map data or value
# derived from the data lives, and how long a process trusts the data version it last read (a row of
# the database).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
PUBLIC_CACHE_LOCAL_SECONDS = env.float("PUBLIC_CACHE_LOCAL_SECONDS", default=1.0)
# How long browsers, the reverse proxy and CDNs may keep an anonymous public page or the map data
# (Cache-Control: public, max-age): a change is visible through them within this delay.
PUBLIC_HTTP_MAX_AGE = env.int("PUBLIC_HTTP_MAX_AGE", default=30)

# Behind the TLS proxy: the header it sets to the client's address (e.g. X-Real-IP), read by the login
# lockout, the rate limits and the logs (core.client_ip). Unset: the connection address, and the
# header is ignored.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="").strip() or None
if CLIENT_IP_HEADER and not HEADER_NAME.fullmatch(CLIENT_IP_HEADER):
    _fail(f"CLIENT_IP_HEADER is malformed ({CLIENT_IP_HEADER!r}): expected a header name such as X-Real-IP.")
# Its predecessor, left set from an earlier release, would silently count the proxy again: say so.
if env.ENVIRON.get("RATELIMIT_IP_META_KEY", "").strip():
    _fail(
        "RATELIMIT_IP_META_KEY is no longer read: set CLIENT_IP_HEADER to the header the proxy sets "
        "(e.g. CLIENT_IP_HEADER=X-Real-IP) and remove RATELIMIT_IP_META_KEY."
    )

# The admin is the only place with accounts: a login whose ``next`` is refused (another host, say)
# lands on the admin index, not on Django's default /accounts/profile/ (which does not exist).
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)

# Back-office accounts (accounts app). A second factor (TOTP, django-otp) is required of the regional
# team and superusers, and of coordinators when OTP_REQUIRED_FOR_COORDINATORS is on (production's default).
OTP_REQUIRED_FOR_COORDINATORS = env.bool("OTP_REQUIRED_FOR_COORDINATORS", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ESS Bretagne")
# A back-office session ends after this many seconds without a request (public sessions are unaffected).
ADMIN_IDLE_SECONDS = env.int("ADMIN_IDLE_SECONDS", default=2 * 3600)
# Days an invitation's link works; seconds a password-reset link works (Django's PASSWORD_RESET_TIMEOUT).
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_SECONDS", default=3600)
# "Mot de passe oublié ?" requests per client address (django-ratelimit rate).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")
# Days the audit log (back-office logins, exports of personal data) is kept.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

# Login protection (django-axes): lock a user name and address after repeated failures, for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Email: console by default; EMAIL_URL=smtp://user:pass@host:587/?tls=True in production.
try:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    _fail(f"EMAIL_URL is malformed ({exc}): expected e.g. smtp://user:pass@host:587/?tls=True.")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="ESS Bretagne <ne-pas-repondre@ess-bretagne.invalid>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", a) for a in env.list("ADMINS", default=[])]

# Celery: settings under the CELERY_ namespace, JSON only, the beat schedule here.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must fail fast when Redis is down or hangs: the outbox sweep sends the email later. Without
# a read timeout, a publish to a Redis that accepts connections and never answers waits for ever.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "ess_portal.heartbeat", "schedule": env.float("HEARTBEAT_SECONDS", default=60.0)},
    "send-due-emails": {"task": "events.send_due_emails", "schedule": 120.0},
    "send-due-account-emails": {"task": "accounts.send_due_emails", "schedule": 60.0},
    "send-due-proposal-emails": {"task": "actors.send_due_proposal_emails", "schedule": 60.0},
    "send-due-error-report-emails": {"task": "actors.send_due_error_report_emails", "schedule": 60.0},
    "purge-personal-data": {"task": "events.purge_personal_data", "schedule": crontab(hour=3, minute=17)},
    # Imports and report exports left waiting (broker down) or abandoned by a dead worker are requeued.
    "requeue-import-jobs": {"task": "actors.requeue_import_jobs", "schedule": 60.0},
    "requeue-report-jobs": {"task": "reports.requeue_report_jobs", "schedule": 60.0},
    "send-due-selfservice-emails": {"task": "actors.send_due_selfservice_emails", "schedule": 60.0},
    "freshness-checks": {"task": "actors.freshness_checks", "schedule": crontab(hour=9, minute=23)},
    "sync-memberships": {"task": "reports.sync_memberships", "schedule": crontab(hour=2, minute=41)},
}

# /sante/: anyone gets the status; the monitoring gets the details with "Authorization: Bearer <token>".
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# Registrations and reminders.
# The outbox: seconds a sweep keeps the emails it has claimed before another sweep may take them.
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=300)
REMINDER_OFFSETS_HOURS = env.list("REMINDER_OFFSETS_HOURS", cast=int, default=[24])
# Days after an event before its registrations are anonymised; also how long a proposer's name and
# address are kept after their proposal (events.services.personal_data).
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=365)
# Days the back-office login logs (django-axes: logins, failures) are kept.
LOGIN_RECORDS_RETENTION_DAYS = env.int("LOGIN_RECORDS_RETENTION_DAYS", default=90)
REGISTRATION_RATE = env.str("REGISTRATION_RATE", default="10/h")
REGISTRATION_PRIVACY_CONTACT = env.str("REGISTRATION_PRIVACY_CONTACT", default="dpo@ess-bretagne.invalid")

# The legal notice (/mentions-legales/) and the accessibility statement (/accessibilite/).
LEGAL_PUBLISHER = env.str(
    "LEGAL_PUBLISHER", default="Réseau des pôles ESS de Bretagne (association loi 1901)"
)
LEGAL_PUBLISHER_ADDRESS = env.str("LEGAL_PUBLISHER_ADDRESS", default="Adresse du siège à renseigner")
LEGAL_PUBLISHER_ID = env.str("LEGAL_PUBLISHER_ID", default="")
LEGAL_DIRECTOR = env.str("LEGAL_DIRECTOR", default="Le ou la présidente de l’association")
LEGAL_HOST = env.str("LEGAL_HOST", default="Hébergeur à renseigner (nom, adresse, téléphone)")
LEGAL_CONTACT_EMAIL = env.str("LEGAL_CONTACT_EMAIL", default="contact@ess-bretagne.invalid")
ACCESSIBILITY_STATUS = env.str("ACCESSIBILITY_STATUS", default="partial")
if ACCESSIBILITY_STATUS not in ("non", "partial", "full"):
    _fail(f"ACCESSIBILITY_STATUS is malformed ({ACCESSIBILITY_STATUS!r}): expected non, partial or full.")
ACCESSIBILITY_AUDIT_DATE = env.str("ACCESSIBILITY_AUDIT_DATE", default="")
if ACCESSIBILITY_AUDIT_DATE and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", ACCESSIBILITY_AUDIT_DATE):
    _fail(f"ACCESSIBILITY_AUDIT_DATE is malformed ({ACCESSIBILITY_AUDIT_DATE!r}): expected YYYY-MM-DD.")
ACCESSIBILITY_AUDIT_METHOD = env.str("ACCESSIBILITY_AUDIT_METHOD", default="")
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = env.bool("RATELIMIT_FAIL_OPEN", default=True)
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Public "Proposer une organisation" form: submissions per client address (django-ratelimit rate).
PROPOSAL_RATE = env.str("PROPOSAL_RATE", default="5/h")
# The directory keeping itself true (README, "Configuration"): self-service links (rate, hours) and
# reviews (days), the yearly freshness check and the stale flag (days), logos (MB, pixels), error reports.
SELFSERVICE_RATE = env.str("SELFSERVICE_RATE", default="5/h")
SELFSERVICE_LINK_HOURS = env.int("SELFSERVICE_LINK_HOURS", default=72)
SELFSERVICE_REVIEW_DAYS = env.int("SELFSERVICE_REVIEW_DAYS", default=30)
FRESHNESS_CHECK_DAYS = env.int("FRESHNESS_CHECK_DAYS", default=365)
FRESHNESS_STALE_DAYS = env.int("FRESHNESS_STALE_DAYS", default=548)
LOGO_MAX_MB = env.int("LOGO_MAX_MB", default=5)
LOGO_MAX_PIXELS = env.int("LOGO_MAX_PIXELS", default=25_000_000)
ERROR_REPORT_RATE = env.str("ERROR_REPORT_RATE", default="5/h")
# Public map data and open-data downloads: GET requests per client address.
API_RATE = env.str("API_RATE", default="300/m")
if not re.fullmatch(r"\d+/\d*[smhd]?", API_RATE):
    _fail(f"API_RATE is malformed ({API_RATE!r}): expected a django-ratelimit rate such as 300/m.")

# Maps: django-leaflet draws every map; tiles come from a URL set here.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env.str(
    "MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>',
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (48.15, -2.9),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})],
    "ATTRIBUTION_PREFIX": '<a href="https://leafletjs.com">Leaflet</a>',
    "PLUGINS": {
        "markercluster": {
            "css": [
                "vendor/leaflet.markercluster/dist/MarkerCluster.css",
                "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css",
            ],
            "js": "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
            "auto-include": True,
        },
    },
}

# Logs go to stdout: plain text in development, one JSON object per line in production (LOG_FORMAT).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "client_ip": {"()": "core.client_ip.ClientAddressLogFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["client_ip"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
    },
}

# Security headers, on every response and in development too, so that the tests and the browser tests
# see what production sends (README, "Security headers").
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}
# django-csp 4. No inline script or style: pages load static/js and static/css only; the one inline
# script (django-leaflet's map tag on an event page) carries the request's nonce. Map tiles are
# allowed from the host of MAP_TILES_URL. Only the embeddable map may be framed (see
# core.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_sources(MAP_TILES_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients), say so
    # with TRUST_PROXY_SSL_HEADER=True; trusting the header without such a proxy lets anyone pose as HTTPS.
    if env.bool("TRUST_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers poll /sante/ over plain HTTP inside the private network.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# The organisations' history (django-simple-history): readable in the admin, never reverted from it
# (a change goes through the form and its checks; actors.admin_history).
SIMPLE_HISTORY_REVERT_DISABLED = True
