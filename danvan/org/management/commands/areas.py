"""`danvan areas load [--province CODE …]` and `danvan areas import FILE.csv`."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from danvan.org.area_import import ImportError_, areas_import_csv, areas_load_current


class Command(BaseCommand):
    help = "Load today's administrative units, or import historical ones from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load today's provinces and communes (offline).")
        load.add_argument(
            "--province", action="append", default=[], help="Province code, e.g. 40 (repeatable)."
        )
        imp = sub.add_parser("import", help="Import areas from a CSV file (all rows or none).")
        imp.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                result = areas_load_current(province_codes=options["province"] or None)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            self.stdout.write(
                f"{result.created} created, {result.updated} renamed, {result.unchanged} unchanged."
            )
            return
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            count = areas_import_csv(actor=None, text=text)
        except ImportError_ as exc:
            for line, message in exc.rows:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(f"Nothing imported: {len(exc.rows)} bad row(s).") from None
        self.stdout.write(f"{count} areas imported.")
