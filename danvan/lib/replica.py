"""Reads from a PostgreSQL streaming replica for the pages that may lag a second behind.

With DATABASE_REPLICA_URL set, `DATABASES["replica"]` exists and DANVAN_READ_REPLICA names
it; the views wrapped in `reads_from_replica` (the national pivot, the public pages) send
their reads there while every write, and every other page, stays on the primary. Without a
replica nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_on_replica: ContextVar[bool] = ContextVar("on_replica", default=False)
F = TypeVar("F", bound=Callable[..., Any])


def replica_alias() -> str | None:
    """The alias reads go to inside `replica_reads`, or None when there is no replica."""
    alias = settings.DANVAN_READ_REPLICA
    return alias if alias and alias in settings.DATABASES else None


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


def reads_from_replica(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
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
