"""The daily personal-data upkeep: close what waited too long, erase what is past retention."""

from __future__ import annotations

import datetime

from . import services_petitions, services_privacy


def run(today: datetime.date | None = None) -> int:
    closed = services_petitions.close_unconfirmed(today=today)
    erased = services_privacy.erase_expired(today=today)
    return closed + erased
