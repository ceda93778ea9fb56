"""Reads from a PostgreSQL streaming replica for the pages that may lag a little behind.

With DATABASE_REPLICA_URL set, `DATABASES["replica"]` exists and DANVAN_READ_REPLICA names
it; the views wrapped in `reads_from_replica` (the pivot, the public scorecard and showcase)
send their reads there while every write, and every other page, stays on the primary. Without
a replica nothing changes.

A replica that does not answer is not a failed page: the view reads from the primary, a warning
is logged, and the replica is left alone for RETRY_SECONDS before it is tried again (a host
that is down would otherwise cost every such request its connect timeout). /healthz names it
(`ops/health.py`). The replica's persistent connection is checked at its first use in a request
(CONN_HEALTH_CHECKS, settings), so a connection the replica dropped is replaced, not failed on.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("danvan.replica")
_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)
F = TypeVar("F", bound=Callable[..., Any])
RETRY_SECONDS = 30.0
_down_until = 0.0  # this process's: monotonic time before which the replica is not tried


def replica_alias() -> str | None:
    """The alias reads go to inside `replica_reads`, or None when there is no replica."""
    alias = settings.DANVAN_READ_REPLICA
    return alias if alias and alias in settings.DATABASES else None


def reading_replica() -> bool:
    """Whether this code's reads go to the replica now (inside `replica_reads`)."""
    return _on_replica.get() and replica_alias() is not None


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def answers(alias: str) -> bool:
    """Whether the replica can be read now: its connection is usable or can be opened (one
    round trip at most, once a request); False without trying while it is resting."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        _down_until = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "the read replica does not answer (%s): reading from the primary for %d s",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            RETRY_SECONDS,
        )
        return False
    return True


def reads_from_replica(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        alias = replica_alias()
        if alias is None or not answers(alias):
            return view(*args, **kwargs)
        with replica_reads():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()  # a TemplateResponse's queries run here too
            return response

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _on_replica.get():
            return replica_alias()
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        # An object read from the replica is still saved on the primary.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == replica_alias():
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # A real replica takes schema and rows from the primary and is never migrated; a test
        # replica gets the schema only (data migrations write through the default connection).
        if db == settings.DANVAN_READ_REPLICA_ALIAS and model_name is None:
            return False
        return None
