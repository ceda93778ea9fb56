"""Numbers in the reader's notation: «1.250,5» in Vietnamese, «1,250.5» in English.

One place reads what people type and writes what they read: report figures, money in đồng,
counts. `parse` takes a typed figure, `shown` writes one for reading (thousands grouped),
`typed` writes one back into an input (no grouping, the reader's decimal mark).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

_DECIMAL_RE = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# Thousands grouped as people write them: «1.250» or «1.250,5» in Vietnamese, «1,250» or
# «1,250.5» in English. A single separator followed by other than three digits is a decimal.
_GROUPED = {
    "vi": (re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"), ".", ","),
    "en": (re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"), ",", "."),
}


def _language(language: str | None = None) -> str:
    return "en" if (language or get_language() or "vi").startswith("en") else "vi"


def _ungroup(text: str) -> str:
    """Drop thousands separators in the active language's notation; decimals keep a point."""
    pattern, group, decimal = _GROUPED[_language()]
    if pattern.match(text):
        return text.replace(group, "").replace(decimal, ".")
    return text


def parse(raw: Any) -> Decimal:
    """A finite Decimal from what was typed (or sent as a JSON number), else a ValidationError."""
    if isinstance(raw, bool):
        raise ValidationError(_("Type a number."))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValidationError(_("Type a number."))
        if raw == 0 and math.copysign(1, raw) < 0:
            # JSON's -1e-400 arrives as -0.0: a figure too small to keep, not a zero.
            raise ValidationError(
                _("This number is too small: type 0 or a figure of at most four decimals.")
            )
        return Decimal(repr(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValidationError(_("Type a number."))
        return raw
    text = _ungroup(str(raw).strip().replace(" ", "").replace("\u00a0", ""))
    if not _DECIMAL_RE.match(text):
        raise ValidationError(_("Type a number (decimals with a comma or a point)."))
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValidationError(_("Type a number.")) from exc


def shown(value: Decimal | int | str | None, places: int = 2, language: str | None = None) -> str:
    """A figure for reading: thousands grouped, at most `places` decimals; «—» when none.

    `language` fixes the notation (official Word reports are always Vietnamese); by default
    it is the reader's.
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    number = Decimal(value)
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        number = number.quantize(step)
    text = f"{number.normalize():,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if _language(language) == "en" else text.translate(str.maketrans(",.", ".,"))


def typed(value: Any) -> str:
    """A figure as it goes back into an input: no grouping, the reader's decimal mark."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value) if _language() == "en" else plain(value).replace(".", ",")
    return str(value)


def plain(number: Decimal) -> str:
    """Digits and a decimal point, no exponent: «1250.5»."""
    return format(number.normalize(), "f")
