"""Fast settings for the test suite."""

from .base import *  # noqa: F403
from .base import CACHES, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The figures' tokens in memory too: a write's renewal costs no queries the tests count (the
# database's table is tested in tests/lib/test_figures_kept.py).
CACHES = {
    **CACHES,
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figure_tokens": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True
SITE_URL = "http://testserver"
# The replica routing is off unless a test turns it on (tests/ops/test_replica.py).
DANVAN_READ_REPLICA = ""
