"""Reads of practices: scoped lists, adoption figures, statistics and the public showcase."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Substr
from django.http import Http404

from danvan.lib import periods
from danvan.lib.text import fold
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope

from .models import (
    LEVEL_RANK,
    RECOGNISED_STATUSES,
    Field,
    Level,
    Practice,
    PracticeStatus,
    Recognition,
    RecognitionKind,
    Replication,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


def _search(practices: QuerySet[Practice], q: str) -> QuerySet[Practice]:
    for word in fold(q).split():
        practices = practices.filter(search_text__contains=word)
    return practices


def practices_for_user(
    user: User,
    *,
    q: str = "",
    field: str = "",
    kind: str = "",
    status: str = "",
    organization: Organization | None = None,
) -> QuerySet[Practice]:
    practices = _search(Practice.objects.visible_to(user), q)
    if field:
        practices = practices.filter(field=field)
    if kind:
        practices = practices.filter(kind=kind)
    if status:
        practices = practices.filter(status=status)
    if organization is not None:
        practices = practices.filter(organization__path__startswith=organization.path)
    return practices.select_related("organization", "area", "subfield").order_by(
        "-registered_on", "name"
    )


def get_practice_for_user(user: User, pk: int | str) -> Practice:
    try:
        return (
            Practice.objects.visible_to(user)
            .select_related("organization", "organization__kind", "area", "subfield")
            .get(pk=pk)
        )
    except (Practice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _reach_path() -> Any:
    """The materialised path of the organisation whose subtree a practice can spread in: the
    body whose decision set its present level (the highest level, the latest of equals, as
    `services._current_level`), or, before any recognition, the unit above the one that built
    it (the one that appraises it; a root unit stands for itself)."""
    rank = Case(
        *[When(level=level, then=Value(n)) for level, n in LEVEL_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    deciding = (
        Recognition.objects.filter(practice_id=OuterRef("pk"), kind=RecognitionKind.RECOGNITION)
        .annotate(rank=rank)
        .order_by("-rank", "-decided_on", "-pk")
        .values("decided_by__path")[:1]
    )
    step = Organization.steplen
    parent = Substr("organization__path", 1, Greatest(F("organization__depth") - 1, 1) * step)
    return Coalesce(Subquery(deciding, output_field=CharField()), parent)


def with_adoption(practices: QuerySet[Practice]) -> QuerySet[Practice]:
    """Each practice with `adopted_units` of `peer_units`, the same for every reader.

    `peer_units`: the active units of the practice organisation's kind within the subtree of
    the body that recognised it at its present level — before recognition, within the subtree
    of the unit above its own — other than the unit that built it. `adopted_units`: how many
    of those units recorded an adoption. Aggregates, so units the reader cannot open count
    too. Correlated subqueries in the one query, so a list costs no query per row.
    """
    practices = practices.annotate(reach_path=_reach_path())
    peer = {
        "dissolved_on__isnull": True,
        "kind_id": OuterRef("organization__kind_id"),
        "path__startswith": OuterRef("reach_path"),
    }
    peers = Organization.objects.filter(**peer).exclude(pk=OuterRef("organization_id"))
    count_peers = peers.order_by().values("kind_id").annotate(n=Count("pk")).values("n")
    adopters = (
        Replication.objects.filter(
            practice_id=OuterRef("pk"), **{f"organization__{k}": v for k, v in peer.items()}
        )
        .exclude(organization_id=OuterRef("organization_id"))
        .order_by()
        .values("practice_id")
        .annotate(n=Count("organization_id", distinct=True))
        .values("n")
    )
    return practices.annotate(
        adopted_units=Coalesce(Subquery(adopters, output_field=IntegerField()), 0),
        peer_units=Coalesce(Subquery(count_peers, output_field=IntegerField()), 0),
    )


def adoption(practice: Practice) -> dict[str, Any]:
    """'Adopted in X of Y units' (see `with_adoption`), the body whose subtree Y counts, and
    every adoption recorded."""
    annotated: Any = with_adoption(Practice.objects.filter(pk=practice.pk))
    adopted, units, path = annotated.values_list("adopted_units", "peer_units", "reach_path").get()
    replications = list(
        practice.replications.select_related("organization").prefetch_related("results")
    )
    within = Organization.objects.filter(path=path).first()
    return {"adopted": adopted, "units": units, "within": within, "replications": replications}


def not_yet_adopted(organization: Organization) -> QuerySet[Practice]:
    """Recognised practices this unit has neither built nor adopted."""
    return (
        Practice.objects.filter(status__in=RECOGNISED_STATUSES)
        .exclude(organization=organization)
        .exclude(replications__organization=organization)
        .select_related("organization")
        .order_by("name")
    )


def not_yet_adopted_in_area(area: Area) -> QuerySet[Practice]:
    """Recognised practices no unit of this area (or its sub-areas) built or adopted."""
    return (
        Practice.objects.filter(status__in=RECOGNISED_STATUSES)
        .exclude(organization__area__path__startswith=area.path)
        .exclude(replications__organization__area__path__startswith=area.path)
        .select_related("organization")
        .order_by("name")
    )


# --- Statistics ----------------------------------------------------------------------------


def statistics(org_paths: list[str], period: periods.Period) -> dict[str, Any]:
    """Figures for the subtrees of these organisations in a period, by field.

    registered: registered in the period; appraised: under appraisal or decided; recognised
    by level and commended: decisions in the period; replicated: adoptions in the period.
    """
    in_scope = Q()
    for path in org_paths:
        in_scope |= Q(organization__path__startswith=path)
    practices = Practice.objects.filter(in_scope)
    in_period = {"registered_on__gte": period.start, "registered_on__lte": period.end}
    rows: dict[str, dict[str, int]] = {f: _empty() for f in Field.values}
    for row in practices.filter(**in_period).values("field").annotate(n=Count("pk")):
        rows[row["field"]]["registered"] = row["n"]
    appraised = practices.filter(**in_period).exclude(status=PracticeStatus.REGISTERED)
    for row in appraised.values("field").annotate(n=Count("pk")):
        rows[row["field"]]["appraised"] = row["n"]
    decisions = Recognition.objects.filter(
        practice__in=practices, decided_on__gte=period.start, decided_on__lte=period.end
    )
    for field, kind, level, n in decisions.values_list("practice__field", "kind", "level").annotate(
        n=Count("pk")
    ):
        if kind == RecognitionKind.COMMENDATION:
            rows[field]["commended"] += n
        else:
            rows[field][f"recognised_{level}"] += n
    adoptions = Replication.objects.filter(
        practice__in=practices, adopted_on__gte=period.start, adopted_on__lte=period.end
    )
    for field, n in adoptions.values_list("practice__field").annotate(n=Count("pk")):
        rows[field]["replicated"] = n
    total = _empty()
    for figures in rows.values():
        for key, value in figures.items():
            total[key] += value
    by_area: dict[str, int] = {}
    for name, n in (
        practices.filter(**in_period).values_list("area__name").annotate(n=Count("pk")).order_by()
    ):
        by_area[name] = n
    return {"by_field": rows, "total": total, "registered_by_area": dict(sorted(by_area.items()))}


def practice_figures(scope: ReportingScope, period: periods.Period) -> dict[str, int]:
    """Practices of units in the scope registered, recognised (or commended) and replicated
    in the period: derived indicators for periodic reports. Three queries."""
    within = {"gte": period.start, "lte": period.end}
    registered = Practice.objects.filter(
        scope.q("organization"), registered_on__gte=within["gte"], registered_on__lte=within["lte"]
    ).count()
    recognised = Recognition.objects.filter(
        scope.q("practice__organization"),
        decided_on__gte=within["gte"],
        decided_on__lte=within["lte"],
    ).count()
    replicated = Replication.objects.filter(
        scope.q("organization"), adopted_on__gte=within["gte"], adopted_on__lte=within["lte"]
    ).count()
    return {"registered": registered, "recognised": recognised, "replicated": replicated}


def _empty() -> dict[str, int]:
    return {
        "registered": 0,
        "appraised": 0,
        **{f"recognised_{level}": 0 for level in Level.values},
        "commended": 0,
        "replicated": 0,
    }


# --- Public showcase -----------------------------------------------------------------------


def public_practices(
    *,
    q: str = "",
    field: str = "",
    area: int | None = None,
    level: str = "",
    year: int | None = None,
    kind: str = "",
) -> QuerySet[Practice]:
    """Recognised practices their units made public — nothing else, ever."""
    practices = _search(Practice.objects.public(), q)
    if field:
        practices = practices.filter(field=field)
    if kind:
        practices = practices.filter(kind=kind)
    if area is not None:
        root = Area.objects.filter(pk=area).first()
        practices = practices.filter(area__path__startswith=root.path) if root else practices.none()
    if level or year is not None:
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over the whole set.
        decisions = Recognition.objects.filter(practice=OuterRef("pk"))
        if level:
            decisions = decisions.filter(level=level)
        if year is not None:
            decisions = decisions.filter(decided_on__year=year)
        practices = practices.filter(Exists(decisions))
    return practices.select_related("organization", "area").order_by("-pk")


def get_public_practice(pk: int | str) -> Practice:
    try:
        return (
            Practice.objects.public().select_related("organization", "area", "subfield").get(pk=pk)
        )
    except (Practice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
