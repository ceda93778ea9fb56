"""Reporting periods identified by stable DHIS2-style codes such as 2022S1 or 202207."""

from __future__ import annotations

import calendar
import datetime
import enum
import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MIN_YEAR = 1900
MAX_YEAR = 2100
DEFAULT_CUTOFF_DAY = 15

EN_DASH = "\u2013"

_CODE_RE = re.compile(
    r"(?P<year>[0-9]{4})"
    r"(?:(?P<kind>[SsQq])(?P<index>[0-9]+)|(?P<month>[0-9]{2})|-(?P<last>[0-9]{4}))?",
    re.ASCII,
)

_ROMAN = ("I", "II", "III", "IV")
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def check_days(record: models.Model) -> None:
    """Refuse a record holding a day or a time outside the years danvan knows (MIN_YEAR to
    MAX_YEAR), naming each such field. A year typed 0001 or 9999 is a slip the date pickers let
    through, and deadlines counted from it run past the calendar's end. `lib.history.attributed`
    asks it of every record a person saves, so pages, the API and imports keep one calendar; a
    service that counts from a day before it saves asks it first."""
    errors = {
        field.name: _("%(field)s: give a day between %(min)s and %(max)s.")
        % {"field": capfirst(field.verbose_name), "min": MIN_YEAR, "max": MAX_YEAR}
        for field in record._meta.concrete_fields
        if isinstance(field, models.DateField)  # a DateTimeField is one too
        and isinstance(value := getattr(record, field.attname), datetime.date)
        and not MIN_YEAR <= _stored_year(value) <= MAX_YEAR
    }
    if errors:
        raise ValidationError(errors)


def _stored_year(value: datetime.date) -> int:
    """The year as the database keeps it: a time in UTC. Read in local time, 1900-01-01 00:00
    in Hà Nội (UTC+7:06:30 then) passed, was stored in 1899, and refused every later save."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        try:
            return value.astimezone(datetime.UTC).year
        except OverflowError:  # 0001-01-01 east of UTC, 9999-12-31 west of it
            return value.year
    return value.year


class PeriodError(ValueError):
    """A period code, period type or cut-off day that cannot be used."""


class PeriodType(enum.StrEnum):
    """The kinds of reporting period."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    TERM = "term"


# Lower rank = coarser; a term spans whole years, so it is coarser than a year.
_RANK = {
    PeriodType.TERM: 0,
    PeriodType.YEAR: 1,
    PeriodType.HALF: 2,
    PeriodType.QUARTER: 3,
    PeriodType.MONTH: 4,
}
_LENGTH_IN_MONTHS = {
    PeriodType.YEAR: 12,
    PeriodType.HALF: 6,
    PeriodType.QUARTER: 3,
    PeriodType.MONTH: 1,
}


@functools.total_ordering
@dataclass(frozen=True, order=False, eq=False)
class Period:
    """A reporting period: its canonical code, type and inclusive calendar range."""

    code: str
    type: PeriodType
    start: datetime.date
    end: datetime.date

    @property
    def sort_key(self) -> tuple[datetime.date, int, int]:
        """Key that puts a period before the periods it contains."""
        return (self.start, -self.end.toordinal(), _RANK[self.type])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.code == other.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __str__(self) -> str:
        return self.label()

    @property
    def index(self) -> int:
        """Position within the year (1-based) for halves, quarters and months; 1 otherwise."""
        if self.type == PeriodType.TERM:
            return 1
        return (self.start.month - 1) // _LENGTH_IN_MONTHS[self.type] + 1

    def contains(self, other: Period) -> bool:
        """Whether other's calendar range lies within this period's."""
        return self.start <= other.start and other.end <= self.end

    def children(self, type: PeriodType) -> list[Period]:
        """The periods of a finer type that make up this period, in order."""
        if _RANK[PeriodType(type)] <= _RANK[self.type]:
            raise PeriodError(
                _("A %(type)s period cannot be divided into %(child)s periods.")
                % {"type": self.type, "child": type}
            )
        result = [from_date(self.start, type)]
        while result[-1].end < self.end:
            result.append(result[-1].next())
        return result

    def parent(self, type: PeriodType) -> Period:
        """The enclosing period of a coarser calendar type."""
        type = PeriodType(type)
        if type == PeriodType.TERM or _RANK[type] >= _RANK[self.type]:
            raise PeriodError(
                _("A %(type)s period has no enclosing %(parent)s period.")
                % {"type": self.type, "parent": type}
            )
        return from_date(self.start, type)

    def next(self) -> Period:
        """The following period of the same type (a term moves by its own length)."""
        if self.type == PeriodType.TERM:
            length = self.end.year - self.start.year + 1
            return _term(self.start.year + length, self.end.year + length)
        return from_date(self.end + datetime.timedelta(days=1), self.type)

    def previous(self) -> Period:
        """The preceding period of the same type (a term moves by its own length)."""
        if self.type == PeriodType.TERM:
            length = self.end.year - self.start.year + 1
            return _term(self.start.year - length, self.end.year - length)
        return from_date(self.start - datetime.timedelta(days=1), self.type)

    def label(self, lang: str | None = None) -> str:
        """Human-readable name in Vietnamese or English (default: the active language)."""
        vietnamese = (lang or get_language() or "").lower().startswith("vi")
        year = self.start.year
        if self.type == PeriodType.YEAR:
            return f"Năm {year}" if vietnamese else str(year)
        if self.type == PeriodType.HALF:
            if vietnamese:
                return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {year}"
            return f"{'First' if self.index == 1 else 'Second'} half of {year}"
        if self.type == PeriodType.QUARTER:
            if vietnamese:
                return f"Quý {_ROMAN[self.index - 1]} năm {year}"
            return f"Q{self.index} {year}"
        if self.type == PeriodType.MONTH:
            if vietnamese:
                return f"Tháng {self.start.month} năm {year}"
            return f"{_EN_MONTHS[self.start.month - 1]} {year}"
        span = f"{year}{EN_DASH}{self.end.year}"
        return f"Giai đoạn {span}" if vietnamese else span

    def short_label(self, lang: str | None = None) -> str:
        """A few characters for a chart's axis: «6T đầu 2025», «H1 2025», «Quý II/2026»."""
        vietnamese = (lang or get_language() or "").lower().startswith("vi")
        year = self.start.year
        if self.type == PeriodType.HALF:
            if vietnamese:
                return f"6T {'đầu' if self.index == 1 else 'cuối'} {year}"
            return f"H{self.index} {year}"
        if self.type == PeriodType.QUARTER:
            return f"Quý {_ROMAN[self.index - 1]}/{year}" if vietnamese else f"Q{self.index} {year}"
        if self.type == PeriodType.MONTH:
            return f"T{self.start.month}/{year}" if vietnamese else f"{self.start.month}/{year}"
        if self.type == PeriodType.YEAR:
            return str(year)
        return f"{year}{EN_DASH}{self.end.year}"

    def reporting_window(
        self, cutoff_day: int | None = None
    ) -> tuple[datetime.date, datetime.date]:
        """Inclusive date range whose activity is reported under this period."""
        day = _cutoff_day(cutoff_day)
        if day == 1:
            return self.start, self.end
        # Reports close on the cut-off day, so late-month activity counts towards the next month.
        first = (self.start - datetime.timedelta(days=1)).replace(day=day)
        last = self.end.replace(day=day) - datetime.timedelta(days=1)
        return first, last


def _invalid(message: str, code: str) -> PeriodError:
    """Build the error for a bad code, with the accepted forms appended."""
    forms = _("Use 2022, 2022S1, 2022S2, 2022Q3, 202207 or 2021-2025.")
    return PeriodError(f"{message % {'code': code, 'min': MIN_YEAR, 'max': MAX_YEAR}} {forms}")


def _check_year(year: int) -> None:
    """Raise PeriodError unless year is within the supported range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(
            _("Periods must fall between %(min)s and %(max)s; %(year)s is outside that range.")
            % {"min": MIN_YEAR, "max": MAX_YEAR, "year": year}
        )


def _calendar_period(type: PeriodType, year: int, index: int) -> Period:
    """The index-th (1-based) period of a calendar type within a year."""
    _check_year(year)
    months = _LENGTH_IN_MONTHS[type]
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    start = datetime.date(year, first_month, 1)
    end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    code = {
        PeriodType.YEAR: f"{year}",
        PeriodType.HALF: f"{year}S{index}",
        PeriodType.QUARTER: f"{year}Q{index}",
        PeriodType.MONTH: f"{year}{index:02d}",
    }[type]
    return Period(code, type, start, end)


def _term(first_year: int, last_year: int) -> Period:
    """The term running from the start of first_year to the end of last_year."""
    _check_year(first_year)
    _check_year(last_year)
    return Period(
        f"{first_year}-{last_year}",
        PeriodType.TERM,
        datetime.date(first_year, 1, 1),
        datetime.date(last_year, 12, 31),
    )


def parse(code: str) -> Period:
    """Parse a period code (surrounding whitespace ignored, s/q accepted in lower case)."""
    if not isinstance(code, str):
        raise _invalid(_("«%(code)s» is not a valid period code."), repr(code))
    text = code.strip()
    match = _CODE_RE.fullmatch(text)
    if match is None:
        raise _invalid(_("«%(code)s» is not a valid period code."), text)
    year = int(match["year"])
    last = int(match["last"]) if match["last"] else None
    if not MIN_YEAR <= year <= MAX_YEAR or (last is not None and not MIN_YEAR <= last <= MAX_YEAR):
        raise _invalid(
            _("«%(code)s» is not a valid period code: years must be between %(min)s and %(max)s."),
            text,
        )
    kind = (match["kind"] or "").upper()
    if kind == "S":
        if match["index"] not in ("1", "2"):
            raise _invalid(
                _("«%(code)s» is not a valid period code: a half year is S1 or S2."), text
            )
        return _calendar_period(PeriodType.HALF, year, int(match["index"]))
    if kind == "Q":
        if match["index"] not in ("1", "2", "3", "4"):
            raise _invalid(
                _("«%(code)s» is not a valid period code: a quarter is Q1, Q2, Q3 or Q4."), text
            )
        return _calendar_period(PeriodType.QUARTER, year, int(match["index"]))
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise _invalid(_("«%(code)s» is not a valid period code: a month is 01 to 12."), text)
        return _calendar_period(PeriodType.MONTH, year, month)
    if last is not None:
        if last <= year:
            raise _invalid(
                _(
                    "«%(code)s» is not a valid period code: "
                    "a term's first year must be before its last year."
                ),
                text,
            )
        return _term(year, last)
    return _calendar_period(PeriodType.YEAR, year, 1)


def is_valid(code: str) -> bool:
    """Whether code parses as a period code."""
    try:
        parse(code)
    except PeriodError:
        return False
    return True


def from_date(d: datetime.date, type: PeriodType) -> Period:
    """The calendar period of the given type (not TERM) that contains d."""
    type = PeriodType(type)
    if type == PeriodType.TERM:
        raise PeriodError(_("A term cannot be derived from a date; parse its code instead."))
    index = (d.month - 1) // _LENGTH_IN_MONTHS[type] + 1
    return _calendar_period(type, d.year, index)


def _cutoff_day(cutoff_day: int | None) -> int:
    """The explicit cut-off day, else the DANVAN_REPORTING_CUTOFF_DAY setting, validated."""
    day = (
        getattr(settings, "DANVAN_REPORTING_CUTOFF_DAY", DEFAULT_CUTOFF_DAY)
        if cutoff_day is None
        else cutoff_day
    )
    # Day 29+ does not exist in every month, so windows would not tile.
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise PeriodError(
            _("The reporting cut-off day must be a whole number from 1 to 28, not %(day)s.")
            % {"day": day}
        )
    return day


def reporting_period_for(
    d: datetime.date, type: PeriodType, cutoff_day: int | None = None
) -> Period:
    """The period of the given type (not TERM) whose reporting window holds d."""
    day = _cutoff_day(cutoff_day)
    if day > 1 and d.day >= day:
        # On or after the cut-off, d already belongs to next month's reports.
        d = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return from_date(d, type)
