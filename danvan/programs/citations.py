"""Programmes as a source of references to documents (the document page, implementation summaries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.documents.references import Reference, ReferenceSource, SummarySection
from danvan.lib import periods
from danvan.org.scopes import ReportingScope

from .models import Program, ProgramParty
from .selectors import counts, program_tasks

if TYPE_CHECKING:
    from danvan.accounts.models import User
    from danvan.documents.models import Document


def references(user: User, document: Document) -> list[Reference]:
    programs = (
        Program.objects.visible_to(user)
        .filter(documents=document)
        .select_related("lead")
        .order_by("-starts_on", "title")
    )
    return [
        Reference(
            title=p.title,
            url=reverse("program_detail", args=[p.pk]),
            day=p.starts_on,
            detail=f"{p.get_kind_display()} · {p.term or p.starts_on.year} · "
            f"{p.get_status_display()} · {p.lead.name}",
        )
        for p in programs
    ]


def summarize(document: Document, org_paths: list[str], period: periods.Period) -> SummarySection:
    """Programmes citing the document with a party in the subtree and a term in the period."""
    in_scope = ReportingScope(org_paths=tuple(org_paths)).q("organization")
    parties = ProgramParty.objects.filter(in_scope, program=OuterRef("pk"))
    programs = (
        Program.objects.filter(Exists(parties), documents=document)
        .filter(starts_on__lte=period.end, ends_on__gte=period.start)
        .select_related("lead")
        .order_by("starts_on", "title")
    )
    today = timezone.localdate()
    as_of = min(today, period.end)
    rows, lines = [], []
    for program in programs:
        tasks = [t for t in program_tasks(program) if period.start <= t.due_on <= period.end]
        figures = counts(tasks, as_of)
        due = figures["total"] - figures["cancelled"]
        rows.append(
            [
                program.title,
                program.term or str(program.starts_on.year),
                program.get_status_display(),
                due,
                figures["done_on_time"],
                figures["done_late"],
                figures["overdue"] + figures["open"],
            ]
        )
        lines.append(
            _("%(title)s (%(term)s, led by %(lead)s): %(done)d of %(due)d tasks done on time.")
            % {
                "title": program.title,
                "term": program.term or program.starts_on.year,
                "lead": program.lead.name,
                "done": figures["done_on_time"],
                "due": due,
            }
        )
    return SummarySection(
        label=_("Programmes"),
        count=len(rows),
        headers=[
            _("Programme"),
            _("Term"),
            _("Status"),
            _("Tasks due"),
            _("On time"),
            _("Late"),
            _("Not done"),
        ],
        rows=rows,
        lines=lines,
    )


SOURCE = ReferenceSource(
    key="programs",
    label=gettext_lazy("Programmes"),
    references=references,
    summarize=summarize,
)
