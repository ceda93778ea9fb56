"""Upkeep: work that follows writes closely but not inside them, run by `danvan worker`.

An app registers a function in its AppConfig.ready() (the roll-ups' fold of approved reports:
`reporting.rollups.fold_pending`); the worker calls each one every `SECONDS` in a thread of
its own, between and beside the jobs it runs, so no job is queued per write. Without a worker
(the embedded default runs jobs in the request: `runs_in_worker()` is false) the writer does
the work itself, in its own transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger("danvan.upkeep")

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
SECONDS = 0.5

_JOBS: list[Callable[[], object]] = []
_WAITING: dict[str, Callable[[], int]] = {}


def register(
    function: Callable[[], object], *, waiting: tuple[str, Callable[[], int]] | None = None
) -> None:
    """`waiting`: (name, count of what is left to do), which /healthz reports under that name."""
    if function not in _JOBS:
        _JOBS.append(function)
    if waiting is not None:
        name, count = waiting
        _WAITING[name] = count


def waiting() -> dict[str, int]:
    """What each upkeep has left to do, by name: a number that keeps growing means the worker
    has stopped or cannot keep up."""
    return {name: count() for name, count in _WAITING.items()}


def jobs() -> list[Callable[[], object]]:
    return list(_JOBS)


def runs_in_worker() -> bool:
    """Whether background work is left to `danvan worker` (jobs queued in the database)."""
    return bool(settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND)


def run_once() -> None:
    """Each registered function once; one that fails is logged and tried again next time."""
    for function in _JOBS:
        try:
            function()
        except Exception:
            logger.exception("upkeep %s failed", getattr(function, "__qualname__", function))
