"""Production: HTTPS behind a reverse proxy, secrets only from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, EMAIL_HOST, SILENCED_SYSTEM_CHECKS, env_bool, env_int, logging_config

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")

# deploy/danvan.env.example marks each value to replace with CHANGE_ME: a server started with
# one left would sign sessions, encrypt petitioners or seal backups with a published word.
PLACEHOLDER = "CHANGE_ME"
_secrets = ["SECRET_KEY", "DANVAN_FIELD_KEYS", "DANVAN_BACKUP_KEY", "DATABASE_URL",
            "DATABASE_REPLICA_URL"]  # fmt: skip
if os.environ.get("EMAIL_HOST"):
    _secrets.append("EMAIL_HOST_PASSWORD")
if _left := [name for name in _secrets if PLACEHOLDER in os.environ.get(name, "")]:
    raise ImproperlyConfigured(
        f"Replace {PLACEHOLDER} in {', '.join(_left)} (the environment file, e.g. "
        "/etc/danvan/danvan.env; README, «Deploying», step 6). Without an SMTP server, remove "
        "the EMAIL_ lines instead."
    )

DEBUG = False
# Background jobs run in `danvan worker`, not in the web process.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DANVAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
# The rate limits and the login throttle must count across the gunicorn workers (and servers):
# a cache in the database (its table is made by `danvan migrate`, ops/0002).
CACHES = {
    **CACHES,
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "danvan_cache",
    },
}
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"))
if not EMAIL_HOST:
    # No SMTP server: each e-mail is one log record (one JSON line), not raw text in the journal.
    # (DANVAN_EMAIL_CONFIGURED stays False, as base.py derived it: no EMAIL_HOST, no SMTP.)
    EMAIL_BACKEND = "danvan.lib.maillog.LogEmailBackend"
DANVAN_DEMO_SKIPS_2FA = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    # HSTS preload is a decision for the site's operator, not for the software.
    "security.W021",
]
