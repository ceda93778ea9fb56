"""The period picker of the pickers (lib/pickers.py, which exports it): a period code chosen by
kind (year, 6 months, quarter, month, term) and value, named in words, in place of codes typed
by hand. See PeriodField."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from danvan.lib import periods
from danvan.lib.periods import PeriodType

KINDS = (PeriodType.YEAR, PeriodType.HALF, PeriodType.QUARTER, PeriodType.MONTH, PeriodType.TERM)
KIND_LABELS = {
    PeriodType.YEAR: pgettext_lazy("period kind", "Year"),
    PeriodType.HALF: pgettext_lazy("period kind", "6 months"),
    PeriodType.QUARTER: pgettext_lazy("period kind", "Quarter"),
    PeriodType.MONTH: pgettext_lazy("period kind", "Month"),
    PeriodType.TERM: pgettext_lazy("period kind", "Term"),
}
_PARTS = {PeriodType.YEAR: 1, PeriodType.HALF: 2, PeriodType.QUARTER: 4, PeriodType.MONTH: 12}
TERM_YEARS_BACK = 30  # a summary may look back decades (20 years of a resolution)
TERM_YEARS_AHEAD = 10


def term_label(period: periods.Period) -> str:
    """A period in the picker's words: Period.label («6 tháng đầu năm 2026», «Quý III năm
    2026», «Tháng 7 năm 2026»), and a term as one: «Nhiệm kỳ 2021–2025»."""
    if period.type != PeriodType.TERM:
        return period.label()
    return _("Term %(first)s–%(last)s") % {
        "first": period.start.year,
        "last": period.end.year,
    }


def _code(kind: PeriodType, year: int, part: int) -> str:
    return {
        PeriodType.YEAR: f"{year}",
        PeriodType.HALF: f"{year}S{part}",
        PeriodType.QUARTER: f"{year}Q{part}",
        PeriodType.MONTH: f"{year}{part:02d}",
    }[kind]


def _options_html(options: Iterable[tuple[str, str, bool]], chosen: str) -> str:
    """<option>s of (value, label, is now), the chosen one selected."""
    return "".join(
        f'<option value="{conditional_escape(value)}"'
        f"{' selected' if value == chosen else ''}{' data-now' if now else ''}>"
        f"{conditional_escape(label)}</option>"
        for value, label, now in options
    )


# (kinds, first year, last year, today, language): what a picker's calendar periods depend on
_Calendar = tuple[tuple[PeriodType, ...], int, int, datetime.date, str]


@functools.lru_cache(maxsize=64)
def _calendar(
    types: tuple[PeriodType, ...], first: int, last: int, today: datetime.date, language: str
) -> list[dict[str, Any]]:
    """The calendar periods of these kinds from year `first` to `last`, named in `language`
    (some 300 labels a picker, the same on every page of the day: made once a process)."""
    groups = []
    for kind in types:
        if kind == PeriodType.TERM:
            continue
        now = periods.from_date(today, kind).code
        options = []
        for year in range(first, last + 1):
            for part in range(1, _PARTS[kind] + 1):
                period = periods.parse(_code(kind, year, part))
                options.append((period.code, period.label(), period.code == now))
        groups.append({"kind": kind.value, "label": str(KIND_LABELS[kind]), "options": options})
    return groups


@functools.lru_cache(maxsize=256)
def _calendar_html(calendar: _Calendar, chosen: str) -> SafeString:
    """The calendar select's optgroups, written in Python: some 300 periods, which the template
    engine took 10 ms to write on every page with a period filter (made once a process)."""
    groups = _calendar(*calendar)
    return mark_safe(  # noqa: S308  (every value is escaped in _options_html)
        "".join(
            f'<optgroup label="{conditional_escape(group["label"])}" '
            f'data-kind="{conditional_escape(group["kind"])}">'
            f"{_options_html(group['options'], chosen)}</optgroup>"
            for group in groups
        )
    )


def _years_html(years: list[str], chosen: str) -> SafeString:
    return mark_safe(_options_html(((y, y, False) for y in years), chosen))  # noqa: S308


class PeriodWidget(forms.Widget):
    """Kind (year, 6 months, quarter, month, term) and value: a <select> of the periods of the
    kind, labelled in words («6 tháng đầu năm 2026»), or, for a term, its first and last year.
    The value select is named like the field, so a plain `name=2026S1` post works as before."""

    template_name = "includes/picker_period.html"

    def __init__(
        self,
        types: Sequence[PeriodType] = KINDS,
        years: tuple[int, int] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs)
        self.types = tuple(types)
        self.years = years

    def _calendar(self, current: periods.Period | None, today: datetime.date) -> _Calendar:
        first, last = self.years or (today.year - 10, today.year + 5)
        if current is not None and current.type != PeriodType.TERM:
            first, last = min(first, current.start.year), max(last, current.start.year)
        return (self.types, first, last, today, translation.get_language())

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        code = str(value or "").strip()
        try:
            current: periods.Period | None = periods.parse(code) if code else None
        except periods.PeriodError:
            current = None
        today = timezone.localdate()
        kind = current.type if current is not None and current.type in self.types else None
        kind = kind or self.types[0]
        term_years = list(range(today.year - TERM_YEARS_BACK, today.year + TERM_YEARS_AHEAD + 1))
        term_first = term_last = words = ""
        if current is not None and current.type == PeriodType.TERM:
            term_first, term_last = str(current.start.year), str(current.end.year)
            term_years = sorted({*term_years, current.start.year, current.end.year})
            words = term_label(current)
        own = context["widget"]["attrs"]
        element_id = own.get("id") or f"id_{name}"
        has_term = PeriodType.TERM in self.types
        calendar = [t for t in self.types if t != PeriodType.TERM]
        # The field's <label> and id name the period itself (the kind select has its own
        # label): the calendar period's select, or a term's first year when only terms are
        # offered.
        ids = {key: f"{element_id}_{key}" for key in ("kind", "value", "from", "to")}
        ids["value" if calendar else "from"] = element_id
        context["widget"]["period"] = {
            "ids": ids,
            "words": words,
            "term_words": _("Term %(first)s–%(last)s") % {"first": "{first}", "last": "{last}"},
            "kinds": [(t.value, KIND_LABELS[t]) for t in self.types],
            "kind": kind.value,
            "code": current.code if current is not None else code,
            "groups": _calendar(*self._calendar(current, today)) if calendar else [],
            "has_term": has_term,
            "term_years": [str(y) for y in term_years],
            "term_first": term_first,
            "term_last": term_last,
            "describedby": own.get("aria-describedby", ""),
            "invalid": "is-invalid" in own.get("class", ""),
        }
        shown = context["widget"]["period"]
        shown["calendar_options"] = (
            _calendar_html(self._calendar(current, today), shown["code"]) if calendar else ""
        )
        shown["from_options"] = _years_html(shown["term_years"], term_first)
        shown["to_options"] = _years_html(shown["term_years"], term_last)
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(f"{name}_kind") == PeriodType.TERM and (
            f"{name}_from" in data or f"{name}_to" in data
        ):
            first = str(data.get(f"{name}_from") or "").strip()
            last = str(data.get(f"{name}_to") or "").strip()
            return f"{first}-{last}" if first or last else ""
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_kind" not in data


class PeriodField(forms.CharField):
    """A period code («2026S1», «2026Q3», «202607», «2021-2025»), picked by kind and value."""

    def __init__(
        self,
        *,
        types: Iterable[PeriodType | str] | None = None,
        years: tuple[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        wanted = {PeriodType(t) for t in (types or KINDS)}
        self.types = tuple(t for t in KINDS if t in wanted)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", PeriodWidget(types=self.types, years=years))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        if not text:
            return ""
        if text.startswith("-") or text.endswith("-"):
            raise ValidationError(
                _("Give both the first and the last year of the term."), code="incomplete"
            )
        try:
            period = periods.parse(text)
        except periods.PeriodError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if period.type not in self.types:
            raise ValidationError(
                _("Choose a period of these kinds: %(kinds)s.")
                % {"kinds": ", ".join(str(KIND_LABELS[t]).lower() for t in self.types)},
                code="kind",
            )
        return period.code
