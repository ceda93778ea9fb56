"""Oversights as a source of references to documents (the document page, implementation summaries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danvan.documents.references import Reference, ReferenceSource, SummarySection
from danvan.lib import periods
from danvan.org.scopes import ReportingScope

from .models import Oversight, OversightKind

if TYPE_CHECKING:
    from danvan.accounts.models import User
    from danvan.documents.models import Document


def references(user: User, document: Document) -> list[Reference]:
    oversights = (
        Oversight.objects.visible_to(user)
        .filter(documents=document)
        .select_related("lead")
        .annotate(subject_count=Count("subjects", distinct=True))
        .order_by("-starts_on", "-pk")
    )
    return [
        Reference(
            title=o.title,
            url=reverse("oversight_detail", args=[o.pk]),
            day=o.starts_on,
            detail=_("%(kind)s by %(lead)s, %(count)d organisations")
            % {"kind": o.get_kind_display(), "lead": o.lead.name, "count": o.subject_count},
        )
        for o in oversights
    ]


def summarize(document: Document, org_paths: list[str], period: periods.Period) -> SummarySection:
    """Per year: oversights that checked the document, the organisations, the recommendations."""
    scope = ReportingScope(org_paths=tuple(org_paths))
    cited = Oversight.objects.filter(
        scope.q("lead"),
        documents=document,
        starts_on__gte=period.start,
        starts_on__lte=period.end,
    )
    years = sorted({d.year for d in cited.values_list("starts_on", flat=True)})
    rows = []
    for year in years:
        figures = _cited_figures(document, scope, periods.parse(str(year)), period)
        rows.append(
            [
                str(year),
                figures["inspections"],
                figures["supervisions"],
                figures["surveys"],
                figures["organizations"],
                figures["recommendations"],
                figures["recommendations_done"],
            ]
        )
    concluded = cited.filter(conclusion_on__isnull=False).select_related("lead")
    lines = [
        f"{o.get_kind_display()} «{o.title}» ({o.lead.name}, {o.conclusion_on:%d/%m/%Y}): "
        f"{o.conclusion[:300]}".rstrip(": ")
        for o in concluded.order_by("conclusion_on", "pk")[:30]
    ]
    return SummarySection(
        label=_("Inspections and supervisions"),
        count=cited.count(),
        headers=[
            _("Year"),
            _("Inspections"),
            _("Supervisions"),
            _("Surveys"),
            _("Organisations"),
            _("Recommendations"),
            _("Done"),
        ],
        rows=rows,
        lines=lines,
    )


def _cited_figures(
    document: Document, scope: ReportingScope, year: periods.Period, period: periods.Period
) -> dict[str, int]:
    """One year's counts of the oversights citing the document, clipped to the period."""
    oversights = Oversight.objects.filter(
        scope.q("lead"),
        documents=document,
        starts_on__gte=max(year.start, period.start),
        starts_on__lte=min(year.end, period.end),
    )
    kinds = dict(oversights.order_by().values_list("kind").annotate(n=Count("pk", distinct=True)))
    organizations = oversights.aggregate(m=Count("subjects", distinct=True))["m"]
    recs = oversights.aggregate(
        n=Count("recommendations", distinct=True),
    )["n"]
    done = oversights.filter(recommendations__status="done").aggregate(
        n=Count("recommendations", distinct=True)
    )["n"]
    return {
        "inspections": kinds.get(OversightKind.INSPECTION, 0),
        "supervisions": kinds.get(OversightKind.SUPERVISION, 0),
        "surveys": kinds.get(OversightKind.SURVEY, 0),
        "organizations": organizations,
        "recommendations": recs,
        "recommendations_done": done,
    }


SOURCE = ReferenceSource(
    key="oversights",
    label=gettext_lazy("Inspections and supervisions"),
    references=references,
    summarize=summarize,
    list_url=lambda document: f"{reverse('oversight_list')}?document={document.pk}",
)
