"""`danvan worker`: run the background jobs (django-tasks-db's worker) with a heartbeat, and the
apps' upkeep (`lib.upkeep`: the roll-ups' fold) every half second beside them."""

from __future__ import annotations

import logging
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from danvan.lib import upkeep
from danvan.ops import heartbeat

logger = logging.getLogger("danvan.worker")
DATABASE_BACKEND = upkeep.DATABASE_BACKEND
BEAT_SECONDS = 30


def _beat_forever(worker_id: str) -> None:
    while True:
        try:
            close_old_connections()
            heartbeat.beat("worker", {"worker": worker_id})
        except Exception:  # a missed beat must not stop the worker; /healthz shows the gap
            logger.exception("worker heartbeat failed")
        finally:
            connection.close()
        time.sleep(BEAT_SECONDS)


def _upkeep_forever() -> None:
    while True:
        close_old_connections()
        upkeep.run_once()  # logs what fails; the next pass tries again
        time.sleep(upkeep.SECONDS)


class Command(db_worker.Command):
    help = (
        "Run the background jobs queued in the database (all queues), writing a heartbeat, "
        "and the apps' upkeep beside them."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # The backend is checked in handle(), with a message that says what to set.
        for action in parser._actions:
            if action.dest == "backend_name":
                action.type = str

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASKS.get(options["backend_name"], {}).get("BACKEND", "")
        if backend != DATABASE_BACKEND:
            raise CommandError(
                f"Jobs run in the web process with {backend or 'no backend'}; "
                f"set DANVAN_TASKS_BACKEND={DATABASE_BACKEND} (the production default) "
                "to run them in `danvan worker`."
            )
        if options.get("queue_name") == "default":
            options["queue_name"] = "*"
        threading.Thread(
            target=_beat_forever, args=(options["worker_id"],), name="heartbeat", daemon=True
        ).start()
        threading.Thread(target=_upkeep_forever, name="upkeep", daemon=True).start()
        super().handle(*args, **options)
