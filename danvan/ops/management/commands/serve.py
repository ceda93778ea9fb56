"""`danvan serve`: the production web server (gunicorn), one command for systemd and containers."""

from __future__ import annotations

import os
import shlex
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """Gunicorn's rule of thumb: two per core, plus one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 2 * (cores or 1) + 1


def gunicorn_argv(*, bind: str, workers: int, reload_code: bool = False) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "danvan.config.wsgi:application",
        "--name=danvan",
        "--config=python:danvan.ops.gunicorn_conf",
        f"--bind={bind}",
        f"--workers={workers}",
        # SIGHUP reloads the code with new workers while the old ones finish their requests.
        "--graceful-timeout=30",
        "--timeout=60",
        "--keep-alive=5",
        # A worker is replaced after this many requests, so no slow leak grows for ever.
        "--max-requests=5000",
        "--max-requests-jitter=500",
        f"--forwarded-allow-ips={settings.DANVAN_FORWARDED_ALLOW_IPS}",
        # The access log is danvan's own: one JSON line per request (danvan.lib.requestlog);
        # gunicorn's messages go the same way (ops/gunicorn_conf.py).
    ]
    if reload_code:
        argv.append("--reload")
    return argv


class Command(BaseCommand):
    help = (
        "Serve danvan in production with gunicorn: workers from the CPU count, one JSON log "
        "line per request, graceful reload on SIGHUP."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.DANVAN_BIND, help="host:port or unix:PATH")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.DANVAN_WEB_WORKERS or default_workers(),
            help="Worker processes (default DANVAN_WEB_WORKERS, else 2 × cores + 1).",
        )
        parser.add_argument(
            "--print", action="store_true", help="Print the gunicorn command instead of running it."
        )

    def handle(self, *args: Any, bind: str, workers: int, print: bool, **options: Any) -> None:
        argv = gunicorn_argv(bind=bind, workers=workers)
        if print:
            self.stdout.write(shlex.join(argv))
            return
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 — gunicorn becomes this process (systemd's MAINPID)
