"""The figures the monthly situation report derives from the notes, so a unit types only the
narrative: notes by level and by topic group, hot spots open at the period's end, resolved."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures, periods
from danvan.org.scopes import ReportingScope, per_scope, per_scope_rows

from .models import SERIOUS_LEVELS, Level, Note, NoteStatus
from .topics import TOPICS

BY_LEVEL = {
    "notes": _("Situation notes"),
    "notes_watch": _("Notes to watch"),
    "notes_hot_spot": _("Hot spots"),
    "notes_complex": _("Complex incidents"),
    "hot_spots_open": _("Hot spots and complex incidents still followed"),
    "resolved": _("Issues resolved"),
}
# One figure per starting topic group, keyed by its stable code (topics.py).
BY_TOPIC = {
    "topic_land": _("Notes on land, site clearance, compensation and resettlement"),
    "topic_environment": _("Notes on environment and pollution"),
    "topic_livelihood": _("Notes on prices, jobs and livelihood"),
    "topic_welfare": _("Notes on social policy and welfare"),
    "topic_health": _("Notes on health"),
    "topic_education": _("Notes on education"),
    "topic_order": _("Notes on public order"),
    "topic_administration": _("Notes on administrative procedures and cadres' conduct"),
    "topic_ethnic": _("Notes on ethnic minority areas"),
    "topic_religion": _("Notes on religious activities in public life"),
    "topic_border": _("Notes on the border area"),
    "topic_disaster": _("Notes on natural disasters"),
    "topic_other": _("Notes on other issues"),
}
assert set(BY_TOPIC) == {f"topic_{code}" for code, *_rest in TOPICS}
FIGURES = {**BY_LEVEL, **BY_TOPIC}


def situation_figures(scope: ReportingScope, period: periods.Period) -> dict[str, int | Decimal]:
    """The figures of one scope."""
    return situation_figures_of([scope], period)[0]


def situation_figures_of(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int | Decimal]]:
    """Notes filed by units in each scope with an event in the period. Two queries, whatever
    the scopes: the counts in one grouped aggregate, the topic groups in one GROUP BY."""
    notes = Note.objects.all()
    in_period = Q(event_date__gte=period.start, event_date__lte=period.end)
    counts = per_scope(
        notes,
        scopes,
        "organization",
        notes=Count("pk", filter=in_period),
        notes_watch=Count("pk", filter=in_period & Q(level=Level.WATCH)),
        notes_hot_spot=Count("pk", filter=in_period & Q(level=Level.HOT_SPOT)),
        notes_complex=Count("pk", filter=in_period & Q(level=Level.COMPLEX)),
        # Open at the period's end: filed by then, and not resolved by then.
        hot_spots_open=Count(
            "pk",
            filter=Q(level__in=SERIOUS_LEVELS, event_date__lte=period.end)
            & (Q(status=NoteStatus.FOLLOWING) | Q(resolved_on__gt=period.end)),
        ),
        resolved=Count("pk", filter=Q(resolved_on__gte=period.start, resolved_on__lte=period.end)),
    )
    by_group = per_scope_rows(
        notes.filter(in_period).annotate(
            group=Coalesce(F("topic__parent__code"), F("topic__code"))
        ),
        scopes,
        "organization",
        "group",
        n=Count("pk"),
    )
    result: list[dict[str, int | Decimal]] = []
    for found, groups in zip(counts, by_group, strict=True):
        found.update(dict.fromkeys(BY_TOPIC, 0))
        for row in groups:
            key = f"topic_{row['group']}"
            if key in BY_TOPIC:
                found[key] = row["n"]
        result.append(found)
    return result


def _records_url(org_id: int | None, period: periods.Period) -> str:
    query = {"period": period.code, **({"org": org_id} if org_id else {})}
    return f"{reverse('situation_notes')}?{urlencode(query)}"


def register() -> None:
    figures.register_group(
        "situation", situation_figures_of, _records_url, FIGURES, reads=["situation"]
    )
