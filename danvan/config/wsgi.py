"""WSGI entry point: `danvan.config.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.production")
application = get_wsgi_application()
