"""Reads of practices: scoped lists, who may do what, adoption figures, statistics and the
public showcase."""

from __future__ import annotations

from collections.abc import Sequence
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

from danvan.lib import periods
from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import PERMISSIONS, Area, Organization, Verb, scope_for
from danvan.org.scopes import ReportingScope, per_scope
from danvan.org.selectors import organizations_user_may_edit, user_can

from .models import (
    LEVEL_RANK,
    RECOGNISED_STATUSES,
    Appraisal,
    Field,
    Level,
    Practice,
    PracticePhoto,
    PracticeResult,
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
    return one_or_404(
        Practice.objects.visible_to(user).select_related(
            "organization", "organization__kind", "area", "subfield", "not_recognised_by"
        ),
        pk,
    )


# --- Who may do what: each rule once, for the pages, the API and the services ---------------


def registering_units(user: User) -> QuerySet[Organization]:
    """The active units the user may register practices (and record adoptions) for."""
    return organizations_user_may_edit(user)


def may_register_practice(user: User, organization: Organization | None = None) -> bool:
    """For this unit; without one, for any unit at all (the page then offers the form)."""
    if organization is None:
        return registering_units(user).exists()
    return user_can(user, Verb.EDIT, organization)


def may_edit_practice(user: User, practice: Practice) -> bool:
    """The owning unit changes its record, its results and its photos."""
    return user_can(user, Verb.EDIT, practice.organization)


def may_edit_replication(user: User, replication: Replication) -> bool:
    """The adopting unit adds the results of its adoption."""
    return user_can(user, Verb.EDIT, replication.organization)


def may_appraise_practice(user: User, practice: Practice) -> bool:
    """Appraisal is done from above: by officers of a higher unit, not the practice's own."""
    if user.is_superuser:
        return True
    parent = Organization.objects.parent_of(practice.organization)
    return parent is not None and user_can(user, Verb.EDIT, parent)


def may_see_appraisals(user: User, practice: Practice) -> bool:
    """The scores are for the owning unit and for those who appraise it."""
    return may_edit_practice(user, practice) or may_appraise_practice(user, practice)


def may_decide_for(user: User, body: Organization) -> bool:
    """Whether the user may record the decisions of this body."""
    return user_can(user, Verb.EDIT, body)


def may_decide_practice(
    user: User, practice: Practice, decided_by: Organization | None = None
) -> bool:
    """Recognition, a raised level, a commendation or a refusal come from a higher unit —
    and, with `decided_by`, from a body whose decisions the user may record."""
    if decided_by is not None and not may_decide_for(user, decided_by):
        return False
    return may_appraise_practice(user, practice)


def may_waive_appraisal(user: User, body: Organization | None = None) -> bool:
    """Recognising without an appraisal is a leader's call (leader or administrator) of the
    deciding body; without one, whether the user leads any unit (the form then offers it)."""
    if body is not None:
        return user_can(user, Verb.APPROVE, body)
    return user.is_superuser or any(
        Verb.APPROVE in PERMISSIONS[role] for _path, role, _area in scope_for(user).entries
    )


def adopting_units(user: User, practice: Practice) -> QuerySet[Organization]:
    """The units the user may record an adoption for: theirs, other than the one that built it."""
    return registering_units(user).exclude(pk=practice.organization_id)


def may_replicate_practice(
    user: User, practice: Practice, organization: Organization | None = None
) -> bool:
    """Whether the user may record that this unit (without one: any of theirs) adopted it."""
    if organization is None:
        return adopting_units(user, practice).exists()
    return user_can(user, Verb.EDIT, organization)


def practice_actions(user: User, practice: Practice) -> dict[str, bool]:
    """What the practice's page and its API offer this user, given the practice's state."""
    may_appraise = may_appraise_practice(user, practice)
    undecided = practice.status in (PracticeStatus.REGISTERED, PracticeStatus.UNDER_APPRAISAL)
    return {
        "owner": may_edit_practice(user, practice),
        "may_appraise": may_appraise and undecided,
        "may_decide": may_appraise,
        "may_replicate": practice.is_recognised and may_replicate_practice(user, practice),
        "may_see_appraisals": may_see_appraisals(user, practice),
    }


# --- A practice's own records --------------------------------------------------------------


def practice_results(practice: Practice) -> QuerySet[PracticeResult]:
    """The practice's own measured results (an adoption's are with the adoption)."""
    return practice.results.filter(replication__isnull=True)


def practice_photos(practice: Practice) -> QuerySet[PracticePhoto]:
    return practice.photos.all()


def practice_recognitions(practice: Practice) -> QuerySet[Recognition]:
    return practice.recognitions.select_related("decided_by")


def appraisals_for_user(user: User, practice: Practice) -> list[Appraisal]:
    """The appraisers' scores, to those who may see them; nothing to anyone else."""
    if not may_see_appraisals(user, practice):
        return []
    return list(practice.appraisals.select_related("appraiser"))


def adoption_count(practice: Practice) -> int:
    return practice.replications.count()


def replications_for_user(user: User, *, practice: int | None = None) -> QuerySet[Replication]:
    """Adoptions of the practices the user may read."""
    replications = Replication.objects.filter(
        practice__in=Practice.objects.visible_to(user)
    ).prefetch_related("results")
    if practice is not None:
        replications = replications.filter(practice_id=practice)
    return replications.order_by("-adopted_on", "pk")


def get_replication_for_user(user: User, pk: int | str) -> Replication:
    return one_or_404(
        Replication.objects.filter(practice__in=Practice.objects.visible_to(user)).select_related(
            "practice", "organization"
        ),
        pk,
    )


def get_photo_for_user(user: Any, pk: int | str) -> PracticePhoto:
    """A photo: anyone's for a practice on the public showcase, otherwise only within the
    scope (an anonymous visitor sees the showcase's only)."""
    readable = Q(practice__in=Practice.objects.public())
    if user.is_authenticated:
        readable |= Q(practice__in=Practice.objects.visible_to(user))
    return one_or_404(PracticePhoto.objects.filter(readable).select_related("practice"), pk)


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


def statistics(scope: ReportingScope, period: periods.Period) -> dict[str, Any]:
    """Figures for the practices of units in the scope in a period, by field.

    registered: registered in the period; appraised: under appraisal or decided; recognised
    by level and commended: decisions in the period; replicated: adoptions in the period.
    """
    practices = Practice.objects.filter(scope.q("organization"))
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
    """The figures of one scope."""
    return practice_figures_of([scope], period)[0]


def practice_figures_of(
    scopes: Sequence[ReportingScope], period: periods.Period
) -> list[dict[str, int]]:
    """Practices of units in each scope registered, recognised (or commended) and replicated
    in the period: derived indicators for periodic reports. Three grouped queries, whatever the
    scopes."""
    within = {"gte": period.start, "lte": period.end}
    registered = per_scope(
        Practice.objects.filter(registered_on__gte=within["gte"], registered_on__lte=within["lte"]),
        scopes,
        "organization",
        registered=Count("pk"),
    )
    recognised = per_scope(
        Recognition.objects.filter(decided_on__gte=within["gte"], decided_on__lte=within["lte"]),
        scopes,
        "practice__organization",
        recognised=Count("pk"),
    )
    replicated = per_scope(
        Replication.objects.filter(adopted_on__gte=within["gte"], adopted_on__lte=within["lte"]),
        scopes,
        "organization",
        replicated=Count("pk"),
    )
    return [{**registered[i], **recognised[i], **replicated[i]} for i in range(len(scopes))]


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
    return one_or_404(
        Practice.objects.public().select_related("organization", "area", "subfield"), pk
    )
