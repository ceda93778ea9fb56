"""Heartbeats: a process kind or an event says "now", /healthz reads how long ago."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from .models import Heartbeat


def beat(name: str, detail: dict[str, Any] | None = None) -> None:
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail or {}}
    )


def last(name: str) -> Heartbeat | None:
    return Heartbeat.objects.filter(name=name).first()


def age_seconds(name: str, now: datetime.datetime | None = None) -> int | None:
    """Seconds since the last beat of `name`, or None when it never beat."""
    found = last(name)
    if found is None:
        return None
    return max(0, int(((now or timezone.now()) - found.at).total_seconds()))
