"""Settings shared by every environment, read from the environment.

The embedded default is one machine: SQLite and media under DANVAN_DATA_DIR (./var).
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from danvan.lib.logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the danvan package
PROJECT_DIR = BASE_DIR.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """A whole number from the environment; a wrong one stops every command with its name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_time(name: str, default: str) -> str:
    """A time of day, "HH:MM" (24-hour), from the environment."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ImproperlyConfigured(f"{name} must be a time as HH:MM (e.g. 06:00), not {value!r}.")
    return value


DATA_DIR = Path(os.environ.get("DANVAN_DATA_DIR", PROJECT_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# The keys in use before SECRET_KEY changed, comma-separated: sessions, links and the encrypted
# petitioner fields signed or derived under them stay readable (README «Rotating the field keys»).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "danvan.config.views.csrf_failure"  # in the user's language

INSTALLED_APPS = [
    "danvan.config.admin_site.AdminConfig",  # the Django admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # single-use recovery codes
    "axes",
    "csp",
    "ninja",
    "simple_history",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    # danvan, ground floor first: `danvan demo` loads each app's demo in this order.
    "danvan.accounts",
    "danvan.ops",
    "danvan.org",
    "danvan.documents",
    "danvan.programs",
    "danvan.practices",
    "danvan.oversight",
    "danvan.reporting",
    "danvan.situation",
    "danvan.meetings",
    "danvan.dialogue",
    "danvan.public",
    "danvan.dashboard",
]

MIDDLEWARE = [
    "danvan.lib.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "danvan.lib.middleware.LanguageMiddleware",
    "danvan.lib.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "danvan.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "danvan.config.urls"
WSGI_APPLICATION = "danvan.config.wsgi.application"
FORM_RENDERER = "danvan.lib.forms.FormRenderer"

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
                "danvan.config.context_processors.navigation",
                "danvan.dashboard.context.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'danvan.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
# A read replica (PostgreSQL streaming replication): the pages wrapped in
# danvan.lib.replica.reads_from_replica (the pivot, the public scorecard and showcase) read from it.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(  # DANVAN_READ_REPLICA_ALIAS
        replica_url,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A connection the replica dropped is replaced at its first use in a request, and a
        # replica that is down is given up quickly: its pages read the primary (lib/replica.py).
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 3
DANVAN_READ_REPLICA_ALIAS = "replica"
DANVAN_READ_REPLICA = DANVAN_READ_REPLICA_ALIAS  # "" turns the routing off
DATABASE_ROUTERS = ["danvan.lib.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "danvan.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["danvan.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail: printed to the console unless an SMTP host is given.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Whether e-mail really leaves the server: when not, an inviter is told to pass the
# invitation's link on themselves (it is shown to them once, with a "Copy link" button).
DANVAN_EMAIL_CONFIGURED = EMAIL_BACKEND not in {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "danvan <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails (invitations, password reset) are built on this address.
SITE_URL = os.environ.get("SITE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")

# Security headers that hold in every mode; production.py adds the HTTPS ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Login throttling (django-axes): 5 failures lock the e-mail and address for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Two-factor: required for these roles (and superusers). Demo accounts skip it
# while this is on; production.py turns it off.
DANVAN_2FA_REQUIRED_ROLES = ["admin", "leader"]
DANVAN_DEMO_SKIPS_2FA = env_bool("DANVAN_DEMO_SKIPS_2FA", True)
DANVAN_DEMO_EMAIL_DOMAIN = "demo.danvan.vn"
OTP_TOTP_ISSUER = "danvan"

DANVAN_INVITATION_DAYS = 7
# Reporting periods: the day of the month on which a reporting window starts
# (15: the first half year runs 15/12 of the year before to 14/6). 1 = calendar.
DANVAN_REPORTING_CUTOFF_DAY = env_int("DANVAN_REPORTING_CUTOFF_DAY", 15)

# Background jobs (django-tasks): run in-process by default; with
# DANVAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend `danvan worker` runs them (the production
# default; it writes the heartbeat /healthz reads, which django-tasks-db's `db_worker` does not).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DANVAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Caches. The default (django-ratelimit's counts) is the process's memory here, the database in
# production. Derived figures (lib/figures.py) are kept in each process between requests, under
# tokens every process shares in a table of the database (made by `danvan migrate`, ops/0003),
# which a write to what they count renews.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "figure_tokens": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "danvan_figure_tokens",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}

# Production processes (danvan.ops): `danvan serve` binds DANVAN_BIND with DANVAN_WEB_WORKERS
# gunicorn workers (0: two per core plus one) and trusts X-Forwarded-* from these addresses;
# `danvan scheduler` queues the daily jobs at DANVAN_DAILY_AT (local time). /healthz says
# "degraded" when the worker or scheduler has been silent, or the last backup is old, past these.
DANVAN_BIND = os.environ.get("DANVAN_BIND", "127.0.0.1:8000")
DANVAN_WEB_WORKERS = env_int("DANVAN_WEB_WORKERS", 0)
DANVAN_FORWARDED_ALLOW_IPS = os.environ.get("DANVAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
DANVAN_DAILY_AT = env_time("DANVAN_DAILY_AT", "06:00")
DANVAN_HEALTH = {
    "worker_seconds": 300,
    "scheduler_seconds": 300,
    # 0: backups are made by other means (snapshots, pg_basebackup); /healthz does not judge them.
    "backup_hours": env_int("DANVAN_BACKUP_MAX_AGE_HOURS", 36),
    # A read replica further behind the primary than this is named (its pages show old figures).
    "replica_lag_seconds": env_int("DANVAN_REPLICA_MAX_LAG_SECONDS", 300),
}
# Backups (`danvan backup`, `danvan restore`): where the archives go, how many are kept, and the
# key that encrypts them (none: not encrypted).
DANVAN_BACKUP_DIR = Path(os.environ.get("DANVAN_BACKUP_DIR", DATA_DIR / "backups"))
DANVAN_BACKUP_KEEP = env_int("DANVAN_BACKUP_KEEP", 14)
DANVAN_BACKUP_KEY = os.environ.get("DANVAN_BACKUP_KEY", "")

# Programme task reminders: days before a due date, days after it, days overdue before
# the lead agency's leaders are told, and which roles receive them.
DANVAN_REMINDER_DAYS_BEFORE = env_int("DANVAN_REMINDER_DAYS_BEFORE", 7)
DANVAN_REMINDER_DAYS_AFTER = env_int("DANVAN_REMINDER_DAYS_AFTER", 1)
DANVAN_ESCALATION_DAYS = env_int("DANVAN_ESCALATION_DAYS", 15)
DANVAN_REMINDER_ROLES = ["leader", "specialist", "reporter"]
DANVAN_ESCALATION_ROLES = ["leader"]
# "Due soon" on My work: this many days ahead.
DANVAN_DUE_SOON_DAYS = 30
# The people's situation: early-warning thresholds (danvan/situation/warning.py, Thresholds),
# as JSON in the environment, e.g. DANVAN_WARNING='{"k": 2.5, "min_count": 4}'; keys left out
# keep their defaults. The largest GeoJSON boundary accepted for one area, in points.
DANVAN_WARNING: dict[str, float] = json.loads(os.environ.get("DANVAN_WARNING", "{}") or "{}")
DANVAN_MAX_BOUNDARY_POINTS = 20_000
DANVAN_MAX_UPLOAD_BYTES = env_int("DANVAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# Dialogue and petitions (danvan/dialogue). Legal time limits in working days, as settings because
# Law 136/2025/QH15 leaves the details to a decree; JSON in the environment overrides any key,
# e.g. DANVAN_PETITION_DAYS='{"ordinary": 20}'.
DANVAN_PETITION_DAYS: dict[str, int] = {
    "accept": 10,  # to accept, refer or refuse, from receipt
    "ordinary": 30,  # to settle from acceptance
    "complex": 45,
    "remote": 45,  # remote or disadvantaged areas
    "remote_complex": 60,
    "second": 45,  # second-level settlement
    "second_complex": 60,
    "second_remote": 70,
    "denunciation": 30,  # extended at most twice by `denunciation_extension`
    "denunciation_extension": 30,
    "extension": 15,  # the most an extension may add in total, ordinary cases
    "extension_complex": 30,  # complex cases and remote areas
    "auto_close": 30,  # calendar days a settled petition waits for the citizen's confirmation
    "not_satisfied": 15,  # calendar days a rejected answer stays on the handler's agenda
    **json.loads(os.environ.get("DANVAN_PETITION_DAYS", "{}") or "{}"),
}
# Dialogues: announced at least `announce_days` ahead (unless urgent), results published within
# `publish_days`; each commune holds `conferences_per_year` dialogue conferences.
DANVAN_DIALOGUE: dict[str, int] = {
    "announce_days": 7,
    "publish_days": 10,
    "conferences_per_year": 1,
    **json.loads(os.environ.get("DANVAN_DIALOGUE", "{}") or "{}"),
}
# The home page's key figures: indicator codes of the periodic reports (roll-ups and derived
# figures), the kind of period they are shown for ("year", "half", "quarter" or "month") and how
# many periods the trend shows. Codes no form defines are skipped.
DANVAN_DASHBOARD: dict[str, Any] = {
    "indicators": [
        "PETITIONS_RECEIVED",
        "PETITIONS_SETTLED_PCT",
        "DIALOGUES",
        "RECEPTION_DAYS",
        "DVK_RECOGNISED",
        "OV_RECOMMENDATIONS_DONE",
        "PEOPLE_REACHED",
        "PROPAGANDA_SESSIONS",
    ],
    "period_type": "half",
    "trend": 4,
    **json.loads(os.environ.get("DANVAN_DASHBOARD", "{}") or "{}"),
}
# Citizen reception: days a month each head receives citizens, per area level and head.
DANVAN_RECEPTION_SCHEDULE: dict[str, dict[str, int]] = json.loads(
    os.environ.get("DANVAN_RECEPTION_SCHEDULE", "")
    or '{"commune": {"party_secretary": 2, "committee_chair": 2}, "province": {"party_secretary": 1}}'
)
# Personal data of petitioners (Law 91/2025/QH15): erased this many days after a case closes;
# the consent text's version; the public form's limit per address.
DANVAN_PETITIONER_RETENTION_DAYS = env_int("DANVAN_PETITIONER_RETENTION_DAYS", 730)
DANVAN_CONSENT_VERSION = "2026-01"
DANVAN_PUBLIC_PETITION_RATE = os.environ.get("DANVAN_PUBLIC_PETITION_RATE", "5/h")


# The keys the petitioners' fields are encrypted with (django-fernet-encrypted-fields derives
# each from SECRET_KEY and one of these): comma-separated, newest first; an older key stays
# listed until every record is re-saved (`danvan rotate_field_keys`). Without the variable a
# key is generated once and kept in the data folder, beside the secret key.
def _field_keys() -> list[str]:
    if keys := env_list("DANVAN_FIELD_KEYS", ""):
        return keys
    key_file = DATA_DIR / "field_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32))
        key_file.chmod(0o600)
    return [key_file.read_text().strip()]


SALT_KEY = _field_keys()
# django-ratelimit counts in the default cache; the embedded default is one process, so the
# in-memory cache is shared by every request it serves (production sets a shared cache).
RATELIMIT_VIEW = "danvan.public.views.rate_limited"
# Behind the proxy every request comes from it: both count by the visitor's X-Real-IP.
RATELIMIT_IP_META_KEY = "danvan.lib.requestlog.client_ip"
AXES_CLIENT_IP_CALLABLE = "danvan.lib.requestlog.client_ip"
SILENCED_SYSTEM_CHECKS = [
    "django_ratelimit.E003",
    "django_ratelimit.W001",
    # The roll-ups' covering index (INCLUDE) is PostgreSQL's; SQLite builds it without the
    # extra columns, which is all a one-province install needs.
    "models.W040",
]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_MAX_PER_PAGE_SIZE = 500  # django-ninja's name: a larger page_size gives this many


LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO"))

# History reasons are people's own words (a reopening reason, a return comment): no 100-character
# cut-off, which PostgreSQL would enforce with an error.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
