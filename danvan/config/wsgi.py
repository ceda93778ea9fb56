"""WSGI entry point: `danvan.config.wsgi:application`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from danvan.ops import warmup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.production")
application = get_wsgi_application()
# What start-up loaded (Django, the apps, the URLs, the translations, the templates) lives as
# long as the process: freeze it, so the garbage collector stops rescanning it during requests
# (a full collection over it added about 60 ms to one request in four dozen of a busy page; see
# the scorecard in bench/RESULTS.md). What the first requests would load lazily is loaded first
# (danvan/ops/warmup.py).
warmup.load()
gc.collect()
gc.freeze()
