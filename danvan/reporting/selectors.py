"""Reads of forms, reports, completeness and roll-ups, always through the user's scope."""

from __future__ import annotations

import datetime
import hashlib
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from danvan.lib import figures as derived
from danvan.lib import periods
from danvan.lib.records import one_or_404
from danvan.org import lineage
from danvan.org.models import (
    PERMISSIONS,
    Area,
    Organization,
    OrganizationKind,
    Role,
    Verb,
    scope_for,
)
from danvan.org.scopes import ReportingScope
from danvan.org.selectors import member_emails, user_can

from . import formulas, rollups
from .models import (
    Form,
    FormIndicator,
    Indicator,
    Narrative,
    Section,
    SectionKind,
    Source,
    Submission,
    SubmissionStatus,
    ValidationRule,
    Value,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

REVIEW_ROLES = (Role.ADMIN, Role.LEADER, Role.SPECIALIST)


# --- Who may do what -----------------------------------------------------------------------


def may_define(user: User) -> bool:
    """Indicators and forms are kept by the administrators and leaders of a top-level unit."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        Verb.ADMINISTER in PERMISSIONS[role] and len(path) == Organization.steplen
        for path, role, _area in scope_for(user).entries
    )


def may_fill(user: User, organization: Organization) -> bool:
    return user_can(user, Verb.SUBMIT, organization)


def may_review_for(user: User, reviewer: Organization) -> bool:
    """Leaders and specialists of the reviewing organisation (or of one above it)."""
    return _may_review_at(user, reviewer.path)


def _may_review_at(user: User, reviewer_path: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return scope_for(user).best_role_on(reviewer_path) in REVIEW_ROLES


def unit_officer_emails(organization_id: int) -> list[str]:
    """Who hears about a unit's reports (returned, reopened, late): its reporters, specialists
    and leaders."""
    return member_emails(organization_id, [Role.REPORTER, Role.SPECIALIST, Role.LEADER])


def may_edit_narrative(user: User, organization: Organization) -> bool:
    """The text of a level's consolidated report is kept by those who review for the level."""
    return may_review_for(user, organization)


def may_review(user: User, submission: Submission) -> bool:
    return _may_review_at(
        user, reviewing_organization(submission.form, submission.organization).path
    )


def reviewable(user: User, submissions: list[Submission]) -> list[Submission]:
    """The reports this user may review: one query, however many reports and forms."""
    if user.is_superuser:
        return list(submissions)
    reviewers = reviewing_paths([(s.form, s.organization) for s in submissions])
    scope = scope_for(user)
    return [
        s
        for s in submissions
        if scope.best_role_on(reviewers[(s.form_id, s.organization_id)]) in REVIEW_ROLES
    ]


# --- Forms ---------------------------------------------------------------------------------


def reporting_units(
    form: Form, period: periods.Period | None = None, within: Organization | None = None
) -> QuerySet[Organization]:
    """Organisations that report on the form (in the period, if given: those that existed)."""
    units = Organization.objects.filter(form.reporting_units_q())
    if within is not None:
        units = units.filter(path__startswith=within.path)
    if period is not None:
        units = units.filter(existed_in_q(period))
    else:
        units = units.filter(dissolved_on__isnull=True)
    return units


def _holding(
    units: QuerySet[Organization], conditions: Sequence[Q], *fields: str, narrowed: bool = False
) -> list[tuple[tuple[Any, ...], tuple[bool, ...]]]:
    """The units for which one of the conditions holds, each with its `fields` and which of the
    conditions hold for it: one query, the conditions as boolean columns (none needed for one
    condition). An empty condition holds for every unit. `narrowed`: the caller has already
    kept only the units it wants, and every row comes back, whichever conditions hold."""
    conditions = [condition or Q(pk__isnull=False) for condition in conditions]
    if not conditions:
        return []
    rows = units if narrowed else units.filter(reduce(operator.or_, conditions))
    if len(conditions) == 1 and not narrowed:
        return [(tuple(row), (True,)) for row in rows.values_list(*fields)]
    columns = {
        f"c{n}": ExpressionWrapper(condition, output_field=BooleanField())
        for n, condition in enumerate(conditions)
    }
    return [
        (row[: len(fields)], tuple(bool(on) for on in row[len(fields) :]))
        for row in rows.annotate(**columns).values_list(*fields, *columns)
    ]


# Which units report on which (form, period) is kept between requests (`lib.figures.kept`)
# until a unit, a kind of unit, an area or a form is written (registered by reporting's
# ready()): a report's own writes do not renew it.
REPORTING_UNITS_KEPT = "reporting_units"
REPORTING_UNITS_TABLES = (Organization, OrganizationKind, Area, Form)


def reporting_in(
    units: QuerySet[Organization],
    pairs: Sequence[tuple[Form, periods.Period]],
    *fields: str,
) -> list[tuple[dict[str, Any], set[tuple[int, str]]]]:
    """Each of these units that reports on one of the (form, period) pairs, with the `fields`
    (of the units and their areas) asked and the pairs it reports on: reporting_units' rule
    for every pair, worked out by the database in one query, not one a pair — and kept until
    a unit, a kind of unit, an area or a form changes (one query, the token, when kept).
    `units` is part of the key as SQL: choose them from those tables only (by id, by path),
    never through memberships or another table a change to which would not renew it."""
    if not pairs:
        return []
    sql, params = units.query.sql_with_params()
    key = repr((sql, params, fields, [(form.pk, period.code) for form, period in pairs]))
    return derived.kept(
        REPORTING_UNITS_KEPT,
        hashlib.blake2b(key.encode(), digest_size=16).hexdigest(),
        lambda: _reporting_in(units, pairs, fields),
    )


def _reporting_in(
    units: QuerySet[Organization],
    pairs: Sequence[tuple[Form, periods.Period]],
    fields: Sequence[str],
) -> list[tuple[dict[str, Any], set[tuple[int, str]]]]:
    """reporting_in, read: a unit reports on a pair when the form's rule holds for it and it
    existed in the period — a column for each form's rule and one for each period, paired
    here (Django builds each condition into SQL at some cost: a column a pair would build
    every rule and period again for each pair, and once more to filter)."""
    rules = {form.pk: form.reporting_units_q() or Q(pk__isnull=False) for form, _p in pairs}
    spans = {period.code: existed_in_q(period) for _form, period in pairs}
    found = _holding(
        units.filter(reduce(operator.or_, rules.values())),
        [*rules.values(), *spans.values()],
        *fields,
        narrowed=True,
    )
    column = {key: n for n, key in enumerate([*rules, *spans])}
    result = []
    for values, held in found:
        on = {
            (form.pk, period.code)
            for form, period in pairs
            if held[column[form.pk]] and held[column[period.code]]
        }
        if on:
            result.append((dict(zip(fields, values, strict=True)), on))
    return result


def existed_in_q(period: periods.Period) -> Q:
    """Organisations that existed during the period: begun (established, else their area
    valid) by its end, not dissolved before its start."""
    began = Q(established_on__lte=period.end) | Q(
        Q(area__valid_from__isnull=True) | Q(area__valid_from__lte=period.end),
        established_on__isnull=True,
    )
    return began & (Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start))


def unit_began(organization: Organization) -> datetime.date | None:
    """When the unit began to report: its organisation's founding, else its area's start."""
    return organization.established_on or organization.area.valid_from


def reviewing_paths(pairs: Sequence[tuple[Form, Organization]]) -> dict[tuple[int, int], str]:
    """{(form id, organisation id): path of the unit that reviews the organisation's report on
    the form}: the nearest organisation above that reports on the same form (its report is built
    from this one); where none does, the top of the tree; the top unit reviews its own report.
    One query for any number of forms and organisations (a column for each form's rule)."""
    step = Organization.steplen
    above = {o.path[:end] for _form, o in pairs for end in range(step, len(o.path), step)}
    forms = {form.pk: form for form, _o in pairs}
    reporting: dict[int, set[str]] = {pk: set() for pk in forms}
    if above:
        for (path,), held in _holding(
            Organization.objects.filter(path__in=above),
            [form.reporting_units_q() for form in forms.values()],
            "path",
        ):
            for pk, on in zip(forms, held, strict=True):
                if on:
                    reporting[pk].add(path)
    result = {}
    for form, o in pairs:
        prefixes = [o.path[:end] for end in range(len(o.path) - step, 0, -step)]
        nearest = next((p for p in prefixes if p in reporting[form.pk]), None)
        result[(form.pk, o.pk)] = nearest or (prefixes[-1] if prefixes else o.path)
    return result


def reviewing_organization(form: Form, organization: Organization) -> Organization:
    """The unit that reviews this organisation's reports on the form (see reviewing_paths),
    kept between requests with who reports on which form (a report's page, its review and
    each approval ask it: three queries, one when kept)."""

    def read() -> Organization:
        path = reviewing_paths([(form, organization)])[(form.pk, organization.pk)]
        return Organization.objects.get(path=path)

    return derived.kept(REPORTING_UNITS_KEPT, f"reviewer:{form.pk}:{organization.pk}", read)


def forms_for_user(user: User) -> list[Form]:
    return list(Form.objects.active().prefetch_related("kinds"))


def get_form(pk: int | str) -> Form:
    try:
        return Form.objects.get(pk=pk)
    except (Form.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@dataclass
class FormLayout:
    """A form's sections with their indicators, in order, and its rules."""

    form: Form
    sections: list[tuple[Section, list[FormIndicator]]]
    rules: list[ValidationRule]

    @property
    def indicators(self) -> list[Indicator]:
        return [item.indicator for _s, items in self.sections for item in items]

    @property
    def narratives(self) -> list[Section]:
        return [s for s, _items in self.sections if s.kind == SectionKind.NARRATIVE]


# The tables a layout is read from: a write to one of them renews the layouts' token (apps.py).
LAYOUT_TABLES = [Section, FormIndicator, Indicator, ValidationRule]


def form_layout(form: Form) -> FormLayout:
    """The form's sections with their indicators, and its active rules: read on every report
    page and save, so kept between requests until a write to the tables it is read from
    (lib/figures.kept)."""
    sections, rules = derived.kept("form_layout", str(form.pk), lambda: _read_layout(form.pk))
    for section, items in sections:  # the caller's form, not a copy kept with them
        section.form = form
        for item in items:
            item.section = section
    for rule in rules:
        rule.form = form
    return FormLayout(form, sections, rules)


def _read_layout(
    form_id: int,
) -> tuple[list[tuple[Section, list[FormIndicator]]], list[ValidationRule]]:
    sections = list(Section.objects.filter(form_id=form_id).order_by("order", "pk"))
    items: dict[int, list[FormIndicator]] = defaultdict(list)
    for item in (
        FormIndicator.objects.filter(section__form_id=form_id)
        .select_related("indicator")
        .order_by("section__order", "order", "pk")
    ):
        items[item.section_id].append(item)
    rules = list(ValidationRule.objects.filter(form_id=form_id, is_active=True).order_by("pk"))
    return [(s, items[s.pk]) for s in sections], rules


# --- Reports -------------------------------------------------------------------------------


def submissions_for_user(user: User) -> QuerySet[Submission]:
    return Submission.objects.visible_to(user).select_related("form", "organization")


def get_submission_for_user(user: User, pk: int | str) -> Submission:
    return one_or_404(
        Submission.objects.visible_to(user).select_related(
            "form", "organization__area", "submitted_by", "reviewed_by"
        ),
        pk,
    )


def unit_scope(organization: Organization) -> ReportingScope:
    """What a unit's own derived figures count: its subtree."""
    return ReportingScope.of(organization)


def saved_values(submission: Submission) -> dict[int, Value]:
    """The report's saved values by indicator id."""
    return {v.indicator_id: v for v in Value.objects.filter(submission=submission)}


def report_values(
    submission: Submission,
    layout: FormLayout,
    *,
    calculator: derived.Calculator | None = None,
    extra_codes: frozenset[str] = frozenset(),
    stored: dict[int, Value] | None = None,
) -> dict[str, Decimal | str | None]:
    """Every figure of a report by code: typed as saved, derived (live while the report can be
    edited, as submitted afterwards) and formulas; plus indicators its rules refer to.
    `stored`: the report's saved values by indicator id, if the caller has read them."""
    calculator = calculator or derived.Calculator()
    wanted = {i.code: i for i in layout.indicators}
    codes = set(extra_codes)
    for rule in layout.rules:
        codes |= formulas.codes(rule.left) | formulas.codes(rule.right)
    missing = codes - set(wanted)
    if missing:
        wanted.update({i.code: i for i in Indicator.objects.filter(code__in=missing)})
    by_code = rollups.with_dependencies(wanted.values())
    if stored is None:
        stored = saved_values(submission)
    period = submission.period_obj
    scope = unit_scope(submission.organization)
    live = submission.is_editable
    values: dict[str, Any] = {}
    for code, ind in by_code.items():
        value = stored.get(ind.pk)
        if ind.source == Source.TYPED:
            values[code] = (value.number if ind.is_numeric else value.text) if value else None
        elif ind.source == Source.DERIVED:
            if value is not None and value.is_derived and not live:
                values[code] = value.number
            else:
                values[code] = calculator.value(ind.derived_key, scope, period)
    for code, ind in by_code.items():
        if ind.source == Source.FORMULA:
            numeric = {k: v for k, v in values.items() if not isinstance(v, str)}
            values[code] = rollups.evaluate_formula(ind, by_code, numeric)
    return values


@dataclass
class RuleResult:
    rule: ValidationRule
    left: Decimal | None
    right: Decimal | None

    @property
    def failed(self) -> bool:
        if self.left is None or self.right is None:
            return False
        left, right = self.left, self.right
        return not {
            "<": left < right,
            "<=": left <= right,
            "==": left == right,
            "!=": left != right,
            ">=": left >= right,
            ">": left > right,
        }[self.rule.operator]


def check_rules(layout: FormLayout, values: dict[str, Any]) -> list[RuleResult]:
    """The rules that fail on these figures (a rule with a missing side waits)."""
    numeric = {k: v for k, v in values.items() if not isinstance(v, str)}
    results = [
        RuleResult(
            rule, formulas.evaluate(rule.left, numeric), formulas.evaluate(rule.right, numeric)
        )
        for rule in layout.rules
    ]
    return [r for r in results if r.failed]


def kept_narrative(
    form: Form, organization: Organization, period: periods.Period
) -> Narrative | None:
    """The consolidated report's text the level keeps for the period, if it has edited it."""
    return Narrative.objects.filter(
        form=form, organization=organization, period=period.code
    ).first()


def recent_periods(form: Form, today: datetime.date, count: int = 6) -> list[periods.Period]:
    """The latest periods of the form's kind whose reporting window has closed, newest first."""
    current = periods.from_date(today, form.period_type)
    out: list[periods.Period] = []
    p = current
    while len(out) < count:
        if form.cutoff_end(p) < today:
            out.append(p)
        p = p.previous()
    return out


def paths_above(organization: Organization) -> list[str]:
    """The paths of the organisation's ancestors, from the top."""
    return lineage.prefixes(organization.path, Organization.steplen)[:-1]


@dataclass(frozen=True)
class Neighbours:
    """The reports of the same form and period around one report that decide whether it may
    move: approval goes downwards, so a report waits for those below it to be decided, and an
    approved report above is reopened before one below changes."""

    pending_below: list[Submission]  # awaiting review below it (the first 20 by path)
    approved_above: Submission | None  # the nearest approved report above it


PENDING_SHOWN = 20


def neighbours(submission: Submission, *, below: bool = True) -> Neighbours:
    """The reports around this one that block it (below=False: only the one above), in one
    query. Ordered by path, a unit's ancestors come before it and its descendants after."""
    organization = submission.organization
    path = organization.path
    above = paths_above(organization)
    if not above and not below:
        return Neighbours([], None)
    wanted = Q(status=SubmissionStatus.APPROVED, organization__path__in=above) if above else Q()
    if below:
        wanted |= Q(status=SubmissionStatus.SUBMITTED, organization__path__startswith=path) & ~Q(
            organization=organization
        )
    rows = list(
        Submission.objects.filter(wanted, form=submission.form_id, period=submission.period)
        .select_related("organization")
        .order_by("organization__path")[: len(above) + PENDING_SHOWN]
    )
    ancestors = [s for s in rows if s.organization.depth < organization.depth]
    return Neighbours(
        pending_below=[s for s in rows if s.organization.depth > organization.depth][
            :PENDING_SHOWN
        ],
        approved_above=max(ancestors, key=lambda s: s.organization.depth, default=None),
    )


# --- Reports to fill and to review (roll-ups and pivots: selectors_pivot.py) ------------


def reports_to_fill(
    user: User, forms: list[Form], units: QuerySet[Organization], today: datetime.date
) -> list[dict[str, Any]]:
    """The home page's rows: each of the user's own units' reports of the recent periods
    (`forms` with their kinds prefetched, as forms_for_user gives them).

    Only the units (of `units`) the user belongs to with the right to submit have rows
    («Another period» reaches those below), and a unit only for the periods in which it existed.
    """
    own_paths = {
        path for path, role, _area in scope_for(user).entries if Verb.SUBMIT in PERMISSIONS[role]
    }
    mine_only = list(units.filter(path__in=own_paths).order_by("path")[:300])
    recent = {form.pk: recent_periods(form, today, 2) for form in forms}
    reporting: dict[tuple[int, str], set[int]] = defaultdict(set)
    if mine_only:
        for row, pairs in reporting_in(
            Organization.objects.filter(pk__in=[u.pk for u in mine_only]),
            [(form, period) for form in forms for period in recent[form.pk]],
            "pk",
        ):
            for pair in pairs:
                reporting[pair].add(row["pk"])
    units_of = {
        form.pk: set().union(*(reporting[(form.pk, p.code)] for p in recent[form.pk]))
        for form in forms
    }
    wanted = [
        Q(form=form, period__in=[p.code for p in recent[form.pk]], organization_id__in=ids)
        for form in forms
        if (ids := units_of[form.pk])
    ]
    existing = {
        (s.form_id, s.organization_id, s.period): s
        for s in (Submission.objects.filter(reduce(operator.or_, wanted)) if wanted else [])
    }
    rows = []
    for form in forms:
        for unit in [u for u in mine_only if u.pk in units_of[form.pk]][:50]:
            for period in recent[form.pk]:
                if unit.pk in reporting[(form.pk, period.code)]:
                    submission = existing.get((form.pk, unit.pk, period.code))
                    rows.append(
                        {
                            "form": form,
                            "unit": unit,
                            "period": period,
                            "deadline": form.deadline(period),
                            "submission": submission,
                            "overdue": today > form.deadline(period)
                            and not (submission and submission.submitted_at),
                        }
                    )
    return rows


def waiting_for_review(user: User) -> list[Submission]:
    """Submitted reports the user reviews, oldest first (at most 100)."""
    return reviewable(
        user,
        list(
            submissions_for_user(user)
            .filter(status=SubmissionStatus.SUBMITTED)
            .select_related("form")
            .prefetch_related("form__kinds")
            .order_by("submitted_at")[:100]
        ),
    )
