"""`danvan demo [--reset] [--if-empty]`: load the demo province (each app adds its own part)."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from danvan.org.demo import is_loaded


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


class Command(BaseCommand):
    help = "Load the demo province (Nghệ An) with its organisations and demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete all data first, then load the demo again."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo is already loaded."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"] and options["if_empty"]:
            raise CommandError("Choose --reset or --if-empty, not both.")
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
