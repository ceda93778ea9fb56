"""`danvan demo [--reset] [--if-empty]`: load the demo province (each app adds its own part)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from danvan.org.demo import is_loaded

# Names that reach the install from this machine only.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver", ".localhost"}


def _demo_modules() -> list[Any]:
    """Each danvan app's `demo` module, ground floor first (the INSTALLED_APPS order)."""
    modules = []
    for config in apps.get_app_configs():
        if config.name.startswith("danvan."):
            try:
                modules.append(import_module(f"{config.name}.demo"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    return modules


def public_hosts() -> list[str]:
    """The names in ALLOWED_HOSTS by which others reach this install (a server's)."""
    return [
        host
        for host in settings.ALLOWED_HOSTS
        if host not in LOCAL_HOSTS and not host.endswith(".localhost")
    ]


class Command(BaseCommand):
    help = "Load the demo province (Nghệ An) with its organisations and demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete all data first, then load the demo again."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo is already loaded."
        )
        parser.add_argument(
            "--on-public-host",
            action="store_true",
            help="Load it although ALLOWED_HOSTS names a server (a training server): every demo "
            "account's password is published.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"] and options["if_empty"]:
            raise CommandError("Choose --reset or --if-empty, not both.")
        hosts = public_hosts()
        if hosts and not options["on_public_host"]:
            raise CommandError(
                f"This install answers to {', '.join(hosts)}: the demo's accounts share a "
                "published password"
                + (", and --reset deletes all data" if options["reset"] else "")
                + ". Load the demo on a trial machine, or pass --on-public-host for a training "
                "server. Nothing was changed."
            )
        modules = _demo_modules()
        if is_loaded() and not options["reset"]:
            if options["if_empty"]:
                self.stdout.write("The demo is already loaded.")
                return
            raise CommandError("The demo is already loaded; use --reset to rebuild it.")
        with transaction.atomic():
            if options["reset"]:
                for module in reversed(modules):
                    module.reset()
            for module in modules:
                self.stdout.write(f"Loading {module.__name__} …")
                module.load(self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded. Sign in as tinh@demo.danvan.vn (password danvan-demo)."
            )
        )
