"""Situation notes as a source of references to documents (the document's page, summaries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.documents.references import Reference, ReferenceSource, SummarySection
from danvan.lib import periods
from danvan.org.scopes import ReportingScope

from .models import Note

if TYPE_CHECKING:
    from danvan.accounts.models import User
    from danvan.documents.models import Document


def references(user: User, document: Document) -> list[Reference]:
    notes = (
        Note.objects.visible_to(user)
        .filter(documents=document)
        .select_related("area", "topic")
        .order_by("-event_date", "-pk")
    )
    return [
        Reference(
            title=note.summary,
            url=reverse("situation_note", args=[note.pk]),
            day=note.event_date,
            detail=f"{note.area.name} · {note.topic.label} · {note.get_level_display()}",
        )
        for note in notes[:50]
    ]


def summarize(document: Document, org_paths: list[str], period: periods.Period) -> SummarySection:
    """Notes on the issues the document concerns, by level."""
    scope = ReportingScope(org_paths=tuple(org_paths))
    cited = Note.objects.filter(
        scope.q("organization"),
        documents=document,
        event_date__gte=period.start,
        event_date__lte=period.end,
    )
    by_level = dict(cited.order_by().values_list("level").annotate(n=Count("pk")))
    rows = [
        [str(label), by_level.get(value, 0)]
        for value, label in Note._meta.get_field("level").choices  # type: ignore[union-attr]
    ]
    lines = [
        f"{n.event_date:%d/%m/%Y} — {n.area.name}: {n.summary}"
        for n in cited.select_related("area").order_by("event_date", "pk")[:30]
    ]
    return SummarySection(
        label=_("People's situation"),
        count=cited.count(),
        headers=[_("Level"), _("Notes")],
        rows=rows,
        lines=lines,
    )


SOURCE = ReferenceSource(
    key="situation",
    label=gettext_lazy("People's situation"),
    references=references,
    summarize=summarize,
    list_url=lambda document: f"{reverse('situation_notes')}?document={document.pk}",
)
