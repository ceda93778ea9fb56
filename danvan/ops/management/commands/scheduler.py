"""`danvan scheduler`: queue the registered daily jobs once a day (no cron needed)."""

from __future__ import annotations

import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from danvan.ops import scheduler


class Command(BaseCommand):
    help = (
        "Queue each registered daily job (reminders, late reports, alerts, retention) once a day "
        "at DANVAN_DAILY_AT; safe to run on several servers at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one pass and exit.")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Seconds between passes (default 30)."
        )

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._loop(name, once=once, interval=interval)
        finally:  # in a test or a shell, the process goes on with its own handlers
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _loop(self, name: str, *, once: bool, interval: float) -> None:
        # Through the log, as each job queued is (ops/scheduler.py): with LOG_FORMAT=json every
        # line the scheduler writes is one JSON object, as the README's `jq` reads them.
        scheduler.logger.info(
            "scheduler %s: daily jobs at %s", name, f"{scheduler.daily_at():%H:%M}"
        )
        while self.running:
            scheduler.run_due(now=timezone.now(), scheduler=name)
            if once:
                return
            slept = 0.0
            while self.running and slept < interval:
                time.sleep(min(1.0, interval - slept))
                slept += 1.0
            # A connection idle through the sleep may have been dropped: the next pass opens
            # a fresh one if so (as Django does between requests).
            close_old_connections()
