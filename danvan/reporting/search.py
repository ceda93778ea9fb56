"""The reporting app's search sources (registered from `apps.py`): report forms and reports.

Forms are the province's short, shared list of definitions (any signed-in officer opens one),
so their names are folded here rather than stored folded. A report is found by the words of
its form, its unit and its period, in either language: «bao cao 6 thang dau nam 2026 muong xen»
finds the first-half 2026 report of the units of Mường Xén; it is read through
`Submission.objects.visible_to`, so only the reports of the user's scope.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.lib import periods, search
from danvan.lib.search import Hit
from danvan.lib.text import fold

from .models import Form
from .selectors import submissions_for_user

if TYPE_CHECKING:
    from danvan.accounts.models import User

YEARS_BACK = 10  # reports older than this are found by their form and unit, not their period


def _folded_forms() -> list[tuple[Form, str]]:
    """The forms in use with their folded names and code: one read of a short table."""
    forms = Form.objects.active().only("code", "name", "name_en", "periodicity")
    return [(form, fold(f"{form.name} {form.name_en} {form.code}")) for form in forms]


def _ranked(text: str, words: list[str]) -> int:
    phrase = " ".join(words)
    return 0 if text.startswith(phrase) else 1 if f" {phrase}" in text else 2


def find_forms(user: User, words: list[str], limit: int) -> list[Hit]:
    found = [(form, text) for form, text in _folded_forms() if all(word in text for word in words)]
    found.sort(key=lambda pair: (_ranked(pair[1], words), pair[1]))
    return [
        Hit(
            title=form.label,
            url=reverse("form_detail", args=[form.pk]),
            subtitle=str(form.get_periodicity_display()),
        )
        for form, _text in found[:limit]
    ]


@functools.lru_cache(maxsize=4)
def _period_texts(first_year: int, last_year: int) -> dict[str, str]:
    """Each calendar period code of those years with its folded labels in both languages and
    its code: «2026S1» → «6 thang dau nam 2026 first half of 2026 2026s1»."""
    texts = {}
    for year in range(first_year, last_year + 1):
        codes = [f"{year}", f"{year}S1", f"{year}S2"]
        codes += [f"{year}Q{quarter}" for quarter in range(1, 5)]
        codes += [f"{year}{month:02d}" for month in range(1, 13)]
        for code in codes:
            period = periods.parse(code)
            texts[code] = fold(f"{period.label('vi')} {period.label('en')} {code}")
    return texts


def _word_matches(word: str, forms: list[tuple[Form, str]], period_texts: dict[str, str]) -> Q:
    """A report matches a word through its unit's name, its form or its period."""
    condition = Q(organization__search_name__contains=word)
    form_ids = [form.pk for form, text in forms if word in text]
    if form_ids:
        condition |= Q(form_id__in=form_ids)
    codes = [code for code, text in period_texts.items() if word in text]
    if codes:
        condition |= Q(period__in=codes)
    return condition


def find_reports(user: User, words: list[str], limit: int) -> list[Hit]:
    forms = _folded_forms()
    year = timezone.localdate().year
    period_texts = _period_texts(year - YEARS_BACK, year + 1)
    reports = submissions_for_user(user)
    for word in words:
        reports = reports.filter(_word_matches(word, forms, period_texts))
    # The latest year first (a code starts with it), then the reports last worked on.
    reports = reports.order_by(Left("period", 4).desc(), "-updated_at", "-pk")
    hits = []
    for report in reports[:limit]:
        try:
            period = periods.parse(report.period).label()
        except periods.PeriodError:
            period = report.period
        hits.append(
            Hit(
                title=f"{report.form.label} — {period}",
                url=reverse("submission_detail", args=[report.pk]),
                subtitle=f"{report.organization.name} · {report.get_status_display()}",
            )
        )
    return hits


def register() -> None:
    search.register("reporting.form", _("Report forms"), find_forms)
    search.register("reporting.submission", _("Reports"), find_reports)
