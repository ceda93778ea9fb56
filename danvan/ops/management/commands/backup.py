"""`danvan backup [--output DIR]`: one archive of the database and the media, then rotation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from danvan.ops.backup import create_backup, stopping_cleanly


class Command(BaseCommand):
    help = (
        "Write one archive (database dump, media, manifest) into DANVAN_BACKUP_DIR, encrypted "
        "when DANVAN_BACKUP_KEY is set; keep the newest DANVAN_BACKUP_KEEP archives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Folder for the archive (default DANVAN_BACKUP_DIR)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with stopping_cleanly():
            result = create_backup(output_dir=options["output"])
        for path in result.deleted:
            self.stderr.write(f"rotated out {path.name}")
        self.stdout.write(str(result.path))
