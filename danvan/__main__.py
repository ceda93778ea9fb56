"""The `danvan` console script: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.config.settings.base")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018  (reads the settings: the environment file's values)
    except ImproperlyConfigured as exc:
        # A value to correct in the environment: its message, not a page of traceback.
        sys.exit(f"danvan: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
