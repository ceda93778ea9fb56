"""The daily reminder jobs: each app registers its django-tasks task in AppConfig.ready()."""

from __future__ import annotations

from typing import Any

_JOBS: list[Any] = []


def register(task: Any) -> None:
    if task not in _JOBS:
        _JOBS.append(task)


def jobs() -> list[Any]:
    return list(_JOBS)
