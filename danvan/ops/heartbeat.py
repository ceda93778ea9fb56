"""Heartbeats: a process kind or an event says "now", /healthz reads how long ago."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from .models import Heartbeat


def beat(name: str, detail: dict[str, Any] | None = None) -> None:
    """One UPDATE when the row exists (every beat but the first)."""
    fields = {"at": timezone.now(), "detail": detail or {}}
    if not Heartbeat.objects.filter(name=name).update(**fields):
        Heartbeat.objects.update_or_create(name=name, defaults=fields)


def last(name: str) -> Heartbeat | None:
    return Heartbeat.objects.filter(name=name).first()


def all_beats() -> dict[str, Heartbeat]:
    return {beat.name: beat for beat in Heartbeat.objects.all()}


def age(beat: Heartbeat | None, now: datetime.datetime | None = None) -> int | None:
    """Seconds since `beat`, or None when there was none."""
    if beat is None:
        return None
    return max(0, int(((now or timezone.now()) - beat.at).total_seconds()))
