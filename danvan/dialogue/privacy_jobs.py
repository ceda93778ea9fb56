"""The daily personal-data upkeep: close what waited too long, erase what is past retention."""

from __future__ import annotations

import datetime

from . import services


def run(today: datetime.date | None = None) -> int:
    closed = services.close_unconfirmed(today=today)
    erased = services.erase_expired(today=today)
    return closed + erased
