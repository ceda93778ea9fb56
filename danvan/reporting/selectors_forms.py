"""Reads of the report form editor: the forms with their sizes, one section, indicator or rule
(404 when missing), the layout of a form as a unit fills it in, and a form's whole history.

Forms are the province's shared definitions: every signed-in user reads them; who may change
them is `selectors.may_define`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from danvan.lib import figures as derived
from danvan.lib.history import HistoryEntry, history_for, history_for_many

from .models import Form, FormIndicator, Section, SectionKind, Source, ValidationRule
from .selectors import FormLayout


def forms_overview() -> QuerySet[Form]:
    """Every form, those in use first, with its numbers of sections, indicators and rules."""
    return (
        Form.objects.annotate(
            section_count=Count("sections", distinct=True),
            indicator_count=Count("sections__items", distinct=True),
            rule_count=Count("rules", filter=Q(rules__is_active=True), distinct=True),
        )
        .prefetch_related("kinds")
        .order_by("-is_active", "name")
    )


def _one(queryset: QuerySet[Any], pk: int | str) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_section(pk: int | str) -> Section:
    section: Section = _one(Section.objects.select_related("form"), pk)
    return section


def get_item(pk: int | str) -> FormIndicator:
    item: FormIndicator = _one(
        FormIndicator.objects.select_related("section__form", "indicator"), pk
    )
    return item


def get_rule(pk: int | str) -> ValidationRule:
    rule: ValidationRule = _one(ValidationRule.objects.select_related("form"), pk)
    return rule


def readable(formula: str, labels: dict[str, str]) -> str:
    """A formula with indicator names instead of codes: «Số kiến nghị đã giải quyết / …»."""
    import re

    return re.sub(r"[A-Z][A-Z0-9_]*", lambda m: labels.get(m.group(0), m.group(0)), formula)


def preview_sections(layout: FormLayout) -> list[dict[str, Any]]:
    """The form as a unit sees it when it opens a new report: every section in order, each
    figure empty, derived and calculated ones saying where they come from."""
    labels = {i.code: i.label for i in layout.indicators}
    return [
        {
            "section": section,
            "text": "",
            "rows": [
                {
                    "item": item,
                    "indicator": item.indicator,
                    "value": None,
                    "shown": "—",
                    "raw": "",
                    "records_url": "",
                    "stored": None,
                    "derived_label": derived.get(item.indicator.derived_key).label  # type: ignore[union-attr]
                    if item.indicator.source == Source.DERIVED
                    and derived.get(item.indicator.derived_key)
                    else "",
                    "formula_text": readable(item.indicator.formula, labels)
                    if item.indicator.formula
                    else "",
                    "error": False,
                }
                for item in items
            ]
            if section.kind == SectionKind.INDICATORS
            else [],
        }
        for section, items in layout.sections
    ]


def form_history(form: Form, limit: int = 60) -> list[HistoryEntry]:
    """Every change to the form, its sections, the indicators on them and its rules, newest
    first, each line naming the part it changed."""
    section_ids = list(Section.history.filter(form_id=form.pk).values_list("id", flat=True))
    titles = dict(
        Section.history.filter(id__in=section_ids)
        .order_by("history_date")
        .values_list("id", "title")
    )
    entries = [
        *history_for(form, limit=limit),
        *history_for_many(
            Section,
            Section.history.filter(form_id=form.pk).select_related("history_user"),
            subject=lambda r: r.title,
            limit=limit,
        ),
        *history_for_many(
            FormIndicator,
            FormIndicator.history.filter(section_id__in=section_ids).select_related(
                "history_user", "indicator"
            ),
            subject=lambda r: f"{titles.get(r.section_id, '')} · {r.indicator.code}",
            limit=limit,
        ),
        *history_for_many(
            ValidationRule,
            ValidationRule.history.filter(form_id=form.pk).select_related("history_user"),
            subject=lambda r: f"{r.left} {r.operator} {r.right}",
            limit=limit,
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
