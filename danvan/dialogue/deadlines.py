"""Legal time limits in working days: Saturdays, Sundays and Vietnam's public holidays (Tết,
Hùng Kings, 30/4, 1/5, National Day, and the days the government moves) do not count.

The holidays come from the `holidays` library (its Vietnam calendar is kept up to date with the
government's substitutions); the day counts are settings (`DANVAN_PETITION_DAYS`), because Law
136/2025/QH15 leaves the details to a decree. Pure functions, no database.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays
from django.conf import settings

from .models import Complexity, PetitionKind


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """The year's days off and its Saturdays worked in exchange for a day off (the government
    moves a working day to bridge a holiday, e.g. Saturday 22/8/2026 for Monday 31/8/2026).

    The neighbouring years are built too: a swap can cross the new year (2/1/2015 for
    27/12/2014), and the library records it with the year of the day off.
    """
    calendar = holidays.country_holidays("VN", years=(year - 1, year, year + 1))
    days_off = frozenset(day for day in calendar if day.year == year)
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, worked


def _holidays(year: int) -> frozenset[datetime.date]:
    return _calendar(year)[0]


def is_working_day(day: datetime.date) -> bool:
    days_off, worked = _calendar(day.year)
    if day in worked:
        return True
    return day.weekday() < 5 and day not in days_off


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day on which `days` working days counted from the day after `start` run out.

    Zero days is `start` itself, moved to the next working day if it is not one.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
        return day
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def rules() -> dict[str, int]:
    return settings.DANVAN_PETITION_DAYS


def acceptance_days() -> int:
    return rules()["accept"]


def settlement_days(
    kind: str, complexity: str, *, remote_area: bool = False, second_level: bool = False
) -> int:
    """Working days to settle from acceptance, by kind, complexity, remote area and level."""
    r = rules()
    complex_ = complexity == Complexity.COMPLEX
    if kind == PetitionKind.DENUNCIATION:
        return r["denunciation"]
    if second_level:
        if remote_area:
            return r["second_remote"]
        return r["second_complex"] if complex_ else r["second"]
    if remote_area:
        return r["remote_complex"] if complex_ else r["remote"]
    return r["complex"] if complex_ else r["ordinary"]


def max_extension_days(kind: str, complexity: str, *, remote_area: bool = False) -> int:
    """The most working days an extension may add in total."""
    r = rules()
    if kind == PetitionKind.DENUNCIATION:
        return r["denunciation_extension"] * 2  # extended at most twice, 30 days each
    if remote_area or complexity == Complexity.COMPLEX:
        return r["extension_complex"]
    return r["extension"]
