"""Reads of plans, oversights and recommendations through the user's scope, and their figures."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from danvan.lib import periods
from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import Membership, Organization, Verb
from danvan.org.scopes import ReportingScope, per_scope, per_scope_rows
from danvan.org.selectors import organizations_user_may_edit, user_can

from .models import (
    Oversight,
    OversightKind,
    Plan,
    PlanItem,
    Recommendation,
    RecommendationStatus,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

FOLLOW_UP = ("open", "in_progress", "overdue", "done")


# --- Who may do what ------------------------------------------------------------------------
# The one place that says who may act; pages show their buttons by these, services refuse by
# them. The lead's officers (the edit verb on the lead) keep an oversight and what it asks; the
# addressee's officers answer what is asked of them.


def may_record_oversights(user: User) -> bool:
    """Whether the user may lead an oversight for some organisation (the «new» button)."""
    return organizations_user_may_edit(user).exists()


def may_record_oversight_for(user: User, lead: Organization) -> bool:
    return user_can(user, Verb.EDIT, lead)


def may_edit_oversight(user: User, oversight: Oversight) -> bool:
    return user_can(user, Verb.EDIT, oversight.lead)


def may_conclude_oversight(user: User, oversight: Oversight) -> bool:
    return may_edit_oversight(user, oversight)


def may_add_recommendation(user: User, oversight: Oversight) -> bool:
    return may_edit_oversight(user, oversight)


def may_edit_recommendation(user: User, recommendation: Recommendation) -> bool:
    """The lead's officers correct what the oversight asked."""
    return may_edit_oversight(user, recommendation.oversight)


def may_answer_recommendation(user: User, recommendation: Recommendation) -> bool:
    """The responsible organisation's officers answer; the lead's officers may update too."""
    return user_can(user, Verb.EDIT, recommendation.responsible) or may_edit_recommendation(
        user, recommendation
    )


def may_make_plans(user: User) -> bool:
    """Whether the user may make a plan for some organisation (the plan form)."""
    return organizations_user_may_edit(user).exists()


def may_make_plan_for(user: User, organization: Organization) -> bool:
    return user_can(user, Verb.EDIT, organization)


def may_edit_plan(user: User, plan: Plan) -> bool:
    """Adding and removing the plan's lines."""
    return user_can(user, Verb.EDIT, plan.organization)


# --- The seeds' figure -----------------------------------------------------------------------


@dataclass(frozen=True)
class OversightFigures:
    """«N inspections of M organisations»: N oversights, M distinct subject organisations."""

    inspections: int = 0
    inspected_organizations: int = 0
    supervisions: int = 0
    supervised_organizations: int = 0
    surveys: int = 0
    surveyed_organizations: int = 0
    recommendations: int = 0
    recommendations_done: int = 0
    recommendations_overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def oversight_figures(
    scope: ReportingScope, period: periods.Period, *, today: datetime.date | None = None
) -> OversightFigures:
    """The figures of one scope."""
    return oversight_figures_of([scope], period, today=today)[0]


def oversight_figures_of(
    scopes: Sequence[ReportingScope],
    period: periods.Period,
    *,
    today: datetime.date | None = None,
) -> list[OversightFigures]:
    """Oversights led within each scope that began in the period, and what they recommended.

    An oversight of three organisations counts once, and three organisations; M counts
    distinct organisations over the whole period, so a year is not the sum of its halves.
    Recommendations are judged as of the period's end (or today, while it runs).
    Two grouped queries, whatever the scopes. A derived indicator for periodic reports.
    """
    today = today or timezone.localdate()
    cutoff = min(today, period.end)
    by_kind = per_scope_rows(
        Oversight.objects.filter(starts_on__gte=period.start, starts_on__lte=period.end),
        scopes,
        "lead",
        "kind",
        n=Count("pk", distinct=True),
        m=Count("subjects", distinct=True),
    )
    done_by_cutoff = Q(done_on__isnull=False, done_on__lte=cutoff)
    recs = per_scope(
        Recommendation.objects.filter(
            oversight__starts_on__gte=period.start, oversight__starts_on__lte=period.end
        ),
        scopes,
        "oversight__lead",
        made=Count("pk"),
        done=Count("pk", filter=done_by_cutoff),
        overdue=Count("pk", filter=Q(due_on__lt=cutoff) & ~done_by_cutoff),
    )
    result: list[OversightFigures] = []
    for kinds, made in zip(by_kind, recs, strict=True):
        found = {row["kind"]: (row["n"], row["m"]) for row in kinds}
        inspections, inspected = found.get(OversightKind.INSPECTION, (0, 0))
        supervisions, supervised = found.get(OversightKind.SUPERVISION, (0, 0))
        surveys, surveyed = found.get(OversightKind.SURVEY, (0, 0))
        result.append(
            OversightFigures(
                inspections=inspections,
                inspected_organizations=inspected,
                supervisions=supervisions,
                supervised_organizations=supervised,
                surveys=surveys,
                surveyed_organizations=surveyed,
                recommendations=made["made"],
                recommendations_done=made["done"],
                recommendations_overdue=made["overdue"],
            )
        )
    return result


# --- Oversights ------------------------------------------------------------------------------


def oversights_for_user(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    year: int | None = None,
    lead: int | None = None,
    subject: int | None = None,
    document: int | None = None,
    plan: int | None = None,
    stage: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Oversight]:
    oversights = Oversight.objects.visible_to(user)
    for word in fold(q).split():  # title, conclusion number, lead, subjects, documents
        matching = Oversight.objects.filter(
            Q(search_text__contains=word)
            | Q(lead__search_name__contains=word)
            | Q(subjects__search_name__contains=word)
            | Q(documents__search_text__contains=word.replace(" ", ""))
        )
        oversights = oversights.filter(pk__in=matching.values("pk"))
    if kind:
        oversights = oversights.filter(kind=kind)
    if year:
        oversights = oversights.filter(starts_on__year=year)
    if lead is not None:
        oversights = oversights.filter(lead_id=lead)
    if subject is not None:
        oversights = oversights.filter(subjects__id=subject)
    if document is not None:
        oversights = oversights.filter(documents__id=document)
    if plan is not None:
        oversights = oversights.filter(plan_item__plan_id=plan)
    if stage:
        today = today or timezone.localdate()
        if stage == "concluded":
            oversights = oversights.filter(conclusion_on__isnull=False)
        elif stage == "planned":
            oversights = oversights.filter(conclusion_on__isnull=True, starts_on__gt=today)
        elif stage == "under_way":
            oversights = oversights.filter(conclusion_on__isnull=True, starts_on__lte=today)
    return (
        oversights.select_related("lead")
        .annotate(
            subject_count=Count("subjects", distinct=True),
            recommendation_count=Count("recommendations", distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )


def get_oversight_for_user(user: User, pk: int | str) -> Oversight:
    return one_or_404(
        Oversight.objects.visible_to(user).select_related(
            "lead", "lead__area", "plan_item", "plan_item__plan"
        ),
        pk,
    )


def oversight_subjects(oversight: Oversight) -> QuerySet[Organization]:
    return oversight.subjects.select_related("area").order_by("path")


def oversight_documents(oversight: Oversight) -> QuerySet[Any]:
    return oversight.documents.order_by("number")


def oversight_recommendations(oversight: Oversight) -> list[Recommendation]:
    """The oversight's recommendations, each knowing its oversight without another query."""
    recs = list(oversight.recommendations.select_related("responsible").order_by("number", "pk"))
    for rec in recs:
        rec.oversight = oversight
    return recs


def recommendation_history(oversight: Oversight) -> Any:
    """The historical records of every recommendation the oversight made (also removed ones)."""
    return Recommendation.history.filter(oversight_id=oversight.pk).select_related("history_user")


def subject_candidates(user: User) -> QuerySet[Organization]:
    """Organisations the user may name as subjects (the service checks the lead's scope)."""
    return Organization.objects.visible_to(user).active().select_related("area").order_by("path")


def in_lead_scope(lead: Organization, org: Organization) -> bool:
    """Whom a lead may inspect: its own subtree and the organisations located in its area."""
    return org.path.startswith(lead.path) or org.area.path.startswith(lead.area.path)


# --- Recommendations -------------------------------------------------------------------------


def recommendations_for_user(
    user: User,
    *,
    follow_up: str = "",
    responsible: int | None = None,
    oversight: int | None = None,
    addressed_to_me: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Recommendation]:
    today = today or timezone.localdate()
    recs = Recommendation.objects.visible_to(user)
    if follow_up == "overdue":
        recs = recs.overdue(today)
    elif follow_up == RecommendationStatus.DONE:
        recs = recs.filter(status=RecommendationStatus.DONE)
    elif follow_up in (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS):
        recs = recs.filter(status=follow_up, due_on__gte=today)
    if responsible is not None:
        recs = recs.filter(responsible_id=responsible)
    if oversight is not None:
        recs = recs.filter(oversight_id=oversight)
    if addressed_to_me:
        recs = recs.filter(responsible_id__in=my_organization_ids(user))
    # Still to do first (by due date), then those done, the latest first.
    return recs.select_related("responsible", "oversight", "oversight__lead").order_by(
        F("done_on").desc(nulls_first=True), "due_on", "pk"
    )


def my_organization_ids(user: User) -> list[int]:
    """The organisations the user is a member of (not their subtrees): «my organisations»."""
    return list(
        Membership.objects.active()
        .filter(user_id=user.pk)
        .values_list("organization_id", flat=True)
    )


def get_recommendation_for_user(user: User, pk: int | str) -> Recommendation:
    return one_or_404(
        Recommendation.objects.visible_to(user).select_related(
            "responsible", "oversight", "oversight__lead"
        ),
        pk,
    )


def follow_up_totals(recs: QuerySet[Recommendation], today: datetime.date) -> dict[str, int]:
    """How many are open, in progress, overdue and done — one query."""
    current = Q(due_on__gte=today)
    return recs.order_by().aggregate(
        open=Count("pk", filter=current & Q(status=RecommendationStatus.OPEN)),
        in_progress=Count("pk", filter=current & Q(status=RecommendationStatus.IN_PROGRESS)),
        overdue=Count("pk", filter=~current & ~Q(status=RecommendationStatus.DONE)),
        done=Count("pk", filter=Q(status=RecommendationStatus.DONE)),
    )


def follow_up_counts(recs: list[Recommendation], today: datetime.date) -> dict[str, int]:
    tally = Counter(r.follow_up(today) for r in recs)
    return {key: tally.get(key, 0) for key in FOLLOW_UP}


# --- Plans ---------------------------------------------------------------------------------


def plans_for_user(
    user: User, *, year: int | None = None, organization: int | None = None
) -> QuerySet[Plan]:
    plans = Plan.objects.visible_to(user)
    if year:
        plans = plans.filter(year=year)
    if organization is not None:
        plans = plans.filter(organization_id=organization)
    return (
        plans.select_related("organization")
        .annotate(
            item_count=Count("items", filter=Q(items__deleted_at__isnull=True), distinct=True)
        )
        .order_by("-year", "title")
    )


def get_plan_for_user(user: User, pk: int | str) -> Plan:
    return one_or_404(
        Plan.objects.visible_to(user).select_related("organization", "organization__area"), pk
    )


def plan_items_for_user(user: User) -> QuerySet[PlanItem]:
    """Lines of the plans the user sees (what an oversight may carry out)."""
    return PlanItem.objects.visible_to(user).select_related("plan", "plan__organization")


def get_plan_item_for_user(user: User, pk: int | str, *, removed_too: bool = False) -> PlanItem:
    """A line of a plan the user sees; 404 otherwise, like the plan itself. A removed line
    only with `removed_too` (to restore it)."""
    items = (PlanItem.all_objects if removed_too else PlanItem.objects).visible_to(user)
    return one_or_404(items.select_related("plan", "plan__organization"), pk)


def plan_items_history(plan: Plan) -> Any:
    """The historical records of the plan's lines, removed and restored ones too."""
    return PlanItem.history.filter(plan_id=plan.pk).select_related("history_user")


def plan_item_subjects(item: PlanItem) -> list[Organization]:
    return list(item.subjects.order_by("path"))


def plan_versus_done(plan: Plan, today: datetime.date) -> dict[str, Any]:
    """Each plan item with the oversights that carried it out, and its state; plus totals."""
    oversights = Oversight.objects.select_related("lead").order_by("starts_on", "pk")
    items = list(
        plan.items.prefetch_related(
            Prefetch("subjects", queryset=Organization.objects.order_by("path")),
            Prefetch("oversights", queryset=oversights),
        ).order_by("order", "pk")
    )
    totals: dict[str, Counter[str]] = {}
    for item in items:
        done = list(item.oversights.all())
        period = periods.parse(item.period)
        if any(o.conclusion_on for o in done):
            state = "done"
        elif done:
            state = "under_way"
        elif period.end < today:
            state = "missed"
        else:
            state = "not_started"
        item.state = state  # type: ignore[attr-defined]
        item.done = done  # type: ignore[attr-defined]
        totals.setdefault(item.kind, Counter())[state] += 1
    unplanned = (
        Oversight.objects.filter(lead=plan.organization)
        .filter(starts_on__year=plan.year, plan_item__isnull=True)
        .select_related("lead")
        .order_by("starts_on", "pk")
    )
    by_kind = []
    for value, label in OversightKind.choices:
        counts = totals.get(value, Counter())
        planned = sum(counts.values())
        by_kind.append(
            {
                "kind": value,
                "label": label,
                "planned": planned,
                "done": counts["done"],
                "under_way": counts["under_way"],
                "missed": counts["missed"],
                "not_started": counts["not_started"],
                "pct": round(100 * counts["done"] / planned) if planned else 0,
            }
        )
    return {
        "items": items,
        "by_kind": by_kind,
        "unplanned": list(unplanned[:20]),
        "unplanned_count": unplanned.count(),
    }
