"""`danvan restore FILE [--yes] [--force]`: bring an archive back into an empty install."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from danvan.ops.backup import stopping_cleanly
from danvan.ops.backup_restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `danvan backup` into an empty install of the same danvan version "
        "(database and media), then check every table's row count against the archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive (.tar.gz or .tar.gz.enc).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database and the media even when they are not empty.",
        )
        parser.add_argument(
            "--accept-unreadable-personal-data",
            action="store_true",
            help=(
                "Restore even though the archive's petitioner data is encrypted with keys this "
                "install does not have: those fields stay unreadable."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not options["yes"] and not self._confirm(path, options["force"]):
            raise CommandError("Restore cancelled (add --yes to run it without asking).")
        with stopping_cleanly():
            result = restore_backup(
                path=path,
                force=options["force"],
                unreadable_ok=options["accept_unreadable_personal_data"],
                say=lambda line: self.stderr.write(line),
            )
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path.name} (danvan {manifest['danvan_version']}, "
                f"{manifest['engine']}, made {manifest['created_at']}): "
                f"{result.tables} tables, {result.rows} rows, "
                f"{result.files} media files ({result.media_bytes} bytes); "
                "every table's row count matches the archive."
            )
        )

    def _confirm(self, path: Path, force: bool) -> bool:
        if not sys.stdin.isatty():
            return False
        what = "REPLACE the database and the media" if force else "restore into this install"
        answer = input(f"Restore {path.name}: {what}? Type 'yes' to go on: ")
        return answer.strip().lower() == "yes"
