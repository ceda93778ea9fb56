"""Checks of a measured result's number and date against the columns that keep them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib import numbers

from .models import PracticeResult

EARLIEST_RESULT = datetime.date(1900, 1, 1)
# The column holds 18 digits, 2 after the point, but SQLite keeps a decimal as a floating-point
# number, exact to about 15 digits: a 16-digit value can come back rounded up past the column
# and break every page that reads it. 15 digits before the point read back exactly enough.
WHOLE_DIGITS = 15


def clean_number(key: str, raw: Any) -> Decimal:
    """A finite, non-negative number that fits its column (the column's own validation) and
    reads back on every database (at most WHOLE_DIGITS digits before the point)."""
    number = numbers.parse(raw)
    if number < 0:
        raise ValidationError(_("A measured result cannot be negative."))
    column: Any = PracticeResult._meta.get_field(key)
    codes: set[str | None] = set()
    try:
        column.clean(number, None)
    except ValidationError as exc:
        codes = {error.code for error in exc.error_list}
    if "max_decimal_places" in codes:
        raise ValidationError(
            _("Give at most %(places)s digits after the decimal point.")
            % {"places": column.decimal_places}
        )
    if codes or number >= 10**WHOLE_DIGITS:
        raise ValidationError(
            _("The number is too large: at most %(digits)s digits before the decimal point.")
            % {"digits": WHOLE_DIGITS}
        )
    return number


def clean_as_of(raw: Any) -> datetime.date:
    """The day a result was measured: not in the future, not before 1900."""
    today = timezone.localdate()
    if raw in (None, ""):
        return today
    try:
        day = PracticeResult._meta.get_field("as_of").to_python(raw)
    except ValidationError:
        day = None
    if not isinstance(day, datetime.date):
        raise ValidationError(_("Enter a date."))
    if day > today:
        raise ValidationError(_("A result cannot be measured in the future."))
    if day < EARLIEST_RESULT:
        raise ValidationError(
            _("The date is too early: a result is dated %(year)s or later.")
            % {"year": EARLIEST_RESULT.year}
        )
    return day
