"""Writes to plans, oversights and recommendations.

Keyword-only, one transaction each, the actor's permission asked of the `may_…` selectors, bad
input refused with a ValidationError that names the field to fix. Each takes the records it
acts on as instances (`plan`, `plan_item`, `oversight`, `recommendation`), changes them in
place and returns them; a check on a record's state reads it under its row lock (`_locked`).
The composites behind a page's form and the API's PATCH (`oversight_update`,
`recommendation_update`) own their transaction: a refused part saves nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.models import Document
from danvan.lib import notify, periods
from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Organization

from . import selectors
from .models import (
    Oversight,
    OversightKind,
    Plan,
    PlanItem,
    Recommendation,
    RecommendationStatus,
)
from .selectors import in_lead_scope

if TYPE_CHECKING:
    from danvan.accounts.models import User


R = TypeVar("R", bound=Model)


def _refuse_unless(
    may: Callable[[User, Any], bool], actor: User | None, record: Any, message: str
) -> None:
    """Refuse unless the `may_…` selector allows the actor (no actor: the system, the demo)."""
    if actor is not None and not may(actor, record):
        raise PermissionDenied(message)


def _locked(record: R, *fields: str) -> R:
    """Hold the record's row until the transaction ends and read `fields` afresh, so a check
    on its state sees what a concurrent request has just written."""
    type(record)._default_manager.select_for_update().filter(pk=record.pk).exists()
    if fields:
        record.refresh_from_db(fields=list(fields))
    return record


def _check_kind(kind: str) -> None:
    if kind not in OversightKind.values:
        raise ValidationError({"kind": _("Choose inspection, supervision or thematic survey.")})


def _check_subjects(lead: Organization, subjects: list[Organization], field: str) -> None:
    for org in subjects:
        if not org.is_active:
            raise ValidationError({field: _("%(org)s is dissolved.") % {"org": org.name}})
        if not in_lead_scope(lead, org):
            raise ValidationError(
                {field: _("%(org)s is outside the scope of %(lead)s: a lead oversees its own "
                          "units and the organisations of its area.")
                 % {"org": org.name, "lead": lead.name}}
            )  # fmt: skip


# --- Plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: User | None, organization: Organization, year: int, title: str, note: str = ""
) -> Plan:
    _refuse_unless(
        selectors.may_make_plan_for,
        actor,
        organization,
        _("You may not make plans for this organisation."),
    )
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    if not periods.MIN_YEAR <= year <= periods.MAX_YEAR:
        raise ValidationError({"year": _("Enter a year such as 2026.")})
    # The organisation's row is the lock: two requests cannot both find the year free.
    Organization.objects.select_for_update().filter(pk=organization.pk).exists()
    if Plan.objects.filter(organization=organization, year=year).exists():
        raise Conflict(
            {"year": _("%(org)s already has a plan for %(year)s; add the items to it.")
             % {"org": organization.name, "year": year}}
        )  # fmt: skip
    plan = Plan(
        organization=organization, year=year, title=title.strip(), note=note, created_by=actor
    )
    attributed(plan, actor).save()
    return plan


def _item_period(plan: Plan, period: str) -> str:
    try:
        parsed = periods.parse(period.strip())
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if parsed.type == periods.PeriodType.TERM or parsed.start.year != plan.year:
        raise ValidationError(
            {"period": _("Give a month, quarter or half of %(year)s, e.g. %(year)sQ2.")
             % {"year": plan.year}}
        )  # fmt: skip
    return parsed.code


@transaction.atomic
def plan_item_add(
    *,
    actor: User | None,
    plan: Plan,
    kind: str,
    title: str,
    period: str,
    subjects: list[Organization] | None = None,
) -> PlanItem:
    """Add a line to the plan: what, whom, when."""
    _refuse_unless(selectors.may_edit_plan, actor, plan, _("You may not change this plan."))
    _check_kind(kind)
    if not title.strip():
        raise ValidationError({"title": _("Say what is to be inspected or supervised.")})
    code = _item_period(plan, period)
    _check_subjects(plan.organization, subjects or [], "subjects")
    order = (plan.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = attributed(
        PlanItem(plan=plan, kind=kind, title=title.strip(), period=code, order=order), actor
    )
    item.save()
    item.subjects.set(subjects or [])
    return item


def _locked_item(plan_item: PlanItem) -> PlanItem:
    """The item's row held, removed or not, with its removal read afresh: the lock both its
    removal and an oversight carrying it out take (_check_carries_out)."""
    PlanItem.all_objects.select_for_update().filter(pk=plan_item.pk).exists()
    plan_item.refresh_from_db(fields=["deleted_at"])
    return plan_item


@transaction.atomic
def plan_item_delete(*, actor: User | None, plan_item: PlanItem) -> PlanItem:
    """Take a line off the plan, softly: kept with its history, restorable (plan_item_restore)."""
    _refuse_unless(
        selectors.may_edit_plan, actor, plan_item.plan, _("You may not change this plan.")
    )
    if _locked_item(plan_item).deleted_at is not None:
        raise Conflict(_("This item is already removed from the plan."))
    if plan_item.oversights.exists():
        raise Conflict(_("Oversights carry out this item; it stays in the plan."))
    plan_item.deleted_at, plan_item.deleted_by = timezone.now(), actor
    attributed(plan_item, actor, verb="deleted").save()
    return plan_item


@transaction.atomic
def plan_item_restore(*, actor: User | None, plan_item: PlanItem) -> PlanItem:
    """Put a removed line back in the plan, in its place."""
    _refuse_unless(
        selectors.may_edit_plan, actor, plan_item.plan, _("You may not change this plan.")
    )
    if _locked_item(plan_item).deleted_at is None:
        raise Conflict(_("This item is in the plan."))
    plan_item.deleted_at, plan_item.deleted_by = None, None
    attributed(plan_item, actor, verb="restored").save()
    return plan_item


# --- Oversights ----------------------------------------------------------------------------


def _check_dates(
    starts_on: datetime.date | None, ends_on: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    if starts_on is None:
        raise ValidationError({"starts_on": _("Enter the day the oversight begins.")})
    if ends_on is None:
        raise ValidationError({"ends_on": _("Enter the day the oversight ends.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The oversight must end on or after it begins.")})
    return starts_on, ends_on


def _check_plan_item(lead: Organization, item: PlanItem | None) -> None:
    if item is not None and not lead.path.startswith(item.plan.organization.path):
        raise ValidationError(
            {"plan_item": _("This plan belongs to %(org)s, not to the lead or above it.")
             % {"org": item.plan.organization.name}}
        )  # fmt: skip


def _check_carries_out(
    item: PlanItem, starts_on: datetime.date, oversight: Oversight | None = None
) -> None:
    """The oversight begins within the item's period, and no other oversight carries it out."""
    if periods.is_valid(item.period):
        period = periods.parse(item.period)
        if not period.start <= starts_on <= period.end:
            raise ValidationError(
                {"starts_on": _("The plan item is for %(when)s (%(start)s – %(end)s); an "
                                "oversight beginning on %(day)s does not carry it out.")
                 % {"when": item.when, "start": short_date(period.start),
                    "end": short_date(period.end), "day": short_date(starts_on)}}
            )  # fmt: skip
    # The item's row is the lock: two requests cannot both find it free, nor it removed.
    if _locked_item(item).deleted_at is not None:
        raise ValidationError({"plan_item": _("This item was removed from the plan.")})
    others = Oversight.objects.filter(plan_item=item)
    if oversight is not None:
        others = others.exclude(pk=oversight.pk)
    taken = others.first()
    if taken is not None:
        raise Conflict(
            {"plan_item": _("Another oversight already carries out this plan item: %(title)s.")
             % {"title": taken.title}}
        )  # fmt: skip


@transaction.atomic
def oversight_create(
    *,
    actor: User | None,
    kind: str,
    title: str,
    lead: Organization,
    subjects: list[Organization],
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    documents: list[Document] | None = None,
    team: str = "",
    findings: str = "",
    plan_item: PlanItem | None = None,
) -> Oversight:
    """Record an inspection, supervision or survey of one or more subject organisations."""
    _refuse_unless(
        selectors.may_record_oversight_for,
        actor,
        lead,
        _("You may not record oversights for this organisation."),
    )
    _check_kind(kind)
    if not title.strip():
        raise ValidationError({"title": _("Enter the title.")})
    if not lead.is_active:
        raise ValidationError({"lead": _("The lead organisation is dissolved.")})
    if not subjects:
        raise ValidationError({"subjects": _("Choose at least one subject organisation.")})
    _check_subjects(lead, subjects, "subjects")
    starts_on, ends_on = _check_dates(starts_on, ends_on)
    _check_plan_item(lead, plan_item)
    if plan_item is not None:
        _check_carries_out(plan_item, starts_on)
    oversight = attributed(
        Oversight(
            kind=kind,
            title=title.strip(),
            lead=lead,
            team=team.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            findings=findings.strip(),
            plan_item=plan_item,
            created_by=actor,
        ),
        actor,
    )
    oversight.save()
    oversight.subjects.set(subjects)
    oversight.documents.set(documents or [])
    return oversight


EDITABLE = {"kind", "title", "team", "starts_on", "ends_on", "findings", "plan_item"}


@transaction.atomic(durable=True)
def oversight_update(
    *,
    actor: User | None,
    oversight: Oversight,
    subjects: list[Organization] | None = None,
    documents: list[Document] | None = None,
    conclusion_on: datetime.date | None = None,
    conclusion_number: str | None = None,
    conclusion: str | None = None,
    **fields: Any,
) -> Oversight:
    """Change an oversight as one act, for the page's form and the API's PATCH alike: its
    fields, subjects and documents, then its conclusion (recorded, or corrected, when any of
    `conclusion_on`, `conclusion_number`, `conclusion` is given; an empty one keeps what is
    recorded). One transaction: a refused part leaves the oversight as it was."""
    if fields or subjects is not None or documents is not None:
        _refuse_unless(
            selectors.may_edit_oversight, actor, oversight, _("You may not change this oversight.")
        )
        _change(actor, oversight, subjects=subjects, documents=documents, fields=fields)
    if conclusion_on is not None or conclusion_number is not None or conclusion is not None:
        _refuse_unless(
            selectors.may_conclude_oversight,
            actor,
            oversight,
            _("You may not change this oversight."),
        )
        _conclude(
            actor,
            oversight,
            conclusion_on=conclusion_on or oversight.conclusion_on,
            conclusion_number=conclusion_number or oversight.conclusion_number,
            conclusion=conclusion or oversight.conclusion,
            correcting=True,
        )
    return oversight


def _change(
    actor: User | None,
    oversight: Oversight,
    *,
    subjects: list[Organization] | None,
    documents: list[Document] | None,
    fields: dict[str, Any],
) -> None:
    refuse_unknown_fields(fields, EDITABLE)
    before = (oversight.plan_item_id, oversight.starts_on)
    for name, value in fields.items():
        setattr(oversight, name, value.strip() if isinstance(value, str) else value)
    _check_kind(oversight.kind)
    if not oversight.title:
        raise ValidationError({"title": _("Enter the title.")})
    _check_dates(oversight.starts_on, oversight.ends_on)
    _check_plan_item(oversight.lead, oversight.plan_item)
    # Checked on a change only, so an older record can still be edited in other respects.
    changed = before != (oversight.plan_item_id, oversight.starts_on)
    if oversight.plan_item is not None and changed:
        _check_carries_out(oversight.plan_item, oversight.starts_on, oversight)
    if oversight.conclusion_on and oversight.conclusion_on < oversight.starts_on:
        raise ValidationError(
            {"starts_on": _("The conclusion is dated %(day)s; the oversight began before it.")
             % {"day": short_date(oversight.conclusion_on)}}
        )  # fmt: skip
    if subjects is not None:
        if not subjects:
            raise ValidationError({"subjects": _("Choose at least one subject organisation.")})
        _check_subjects(oversight.lead, subjects, "subjects")
    save_if_changed(oversight, actor)
    if subjects is not None:
        oversight.subjects.set(subjects)
    if documents is not None:
        oversight.documents.set(documents)


@transaction.atomic
def oversight_conclude(
    *,
    actor: User | None,
    oversight: Oversight,
    conclusion_on: datetime.date | None,
    conclusion_number: str = "",
    conclusion: str = "",
    findings: str | None = None,
    conclusion_file: UploadedFile | None = None,
    correcting: bool = False,
) -> Oversight:
    """Record the conclusion (number, date, text, file) once; `correcting` changes it later.

    A second «record» would overwrite the first unseen, so it is refused unless the caller
    says it corrects (the page's «Correct the conclusion», the API's PATCH).
    """
    _refuse_unless(
        selectors.may_conclude_oversight, actor, oversight, _("You may not change this oversight.")
    )
    _conclude(
        actor,
        oversight,
        conclusion_on=conclusion_on,
        conclusion_number=conclusion_number,
        conclusion=conclusion,
        findings=findings,
        conclusion_file=conclusion_file,
        correcting=correcting,
    )
    return oversight


def _conclude(
    actor: User | None,
    oversight: Oversight,
    *,
    conclusion_on: datetime.date | None,
    conclusion_number: str,
    conclusion: str,
    findings: str | None = None,
    conclusion_file: UploadedFile | None = None,
    correcting: bool,
) -> None:
    concluded_on = _locked(oversight, "conclusion_on").conclusion_on
    if concluded_on is not None and not correcting:
        raise Conflict(
            _("This oversight was already concluded on %(day)s; correct the conclusion instead.")
            % {"day": short_date(concluded_on)}
        )
    if conclusion_on is None:
        raise ValidationError({"conclusion_on": _("Enter the date of the conclusion.")})
    if conclusion_on < oversight.starts_on:
        raise ValidationError(
            {"conclusion_on": _("The conclusion cannot be dated before the oversight began "
                                "(%(day)s).") % {"day": short_date(oversight.starts_on)}}
        )  # fmt: skip
    if conclusion_on > timezone.localdate():
        raise ValidationError({"conclusion_on": _("The date cannot be in the future.")})
    if not conclusion.strip() and not conclusion_file:
        raise ValidationError({"conclusion": _("Write the conclusion, or attach the document.")})
    if conclusion_file is not None:
        try:
            check_upload(conclusion_file)
        except ValidationError as exc:
            raise ValidationError({"conclusion_file": exc.messages}) from None
        oversight.conclusion_file.save(
            safe_name(conclusion_file.name or "conclusion"), conclusion_file, save=False
        )
    oversight.conclusion_on = conclusion_on
    oversight.conclusion_number = conclusion_number.strip()
    oversight.conclusion = conclusion.strip()
    if findings is not None:
        oversight.findings = findings.strip()
    # Concluding is the act; correcting a recorded conclusion is a change like any other.
    attributed(oversight, actor, verb="" if concluded_on else "concluded").save()


# --- Recommendations -----------------------------------------------------------------------


def _check_recommendation(
    oversight: Oversight,
    text: str,
    responsible: Organization | None,
    due_on: datetime.date | None,
) -> tuple[Organization, datetime.date]:
    if not text.strip():
        raise ValidationError({"text": _("Write the recommendation.")})
    if responsible is None:
        raise ValidationError(
            {"responsible": _("Name the organisation responsible for carrying it out.")}
        )
    if due_on is None:
        raise ValidationError({"due_on": _("Give the date by which it must be carried out.")})
    if due_on < oversight.starts_on:
        raise ValidationError(
            {"due_on": _("The due date is before the oversight began (%(day)s).")
             % {"day": short_date(oversight.starts_on)}}
        )  # fmt: skip
    _check_subjects(oversight.lead, [responsible], "responsible")
    return responsible, due_on


@transaction.atomic
def recommendation_add(
    *,
    actor: User | None,
    oversight: Oversight,
    text: str,
    responsible: Organization | None,
    due_on: datetime.date | None,
) -> Recommendation:
    _refuse_unless(
        selectors.may_add_recommendation, actor, oversight, _("You may not change this oversight.")
    )
    responsible, due_on = _check_recommendation(oversight, text, responsible, due_on)
    number = (oversight.recommendations.aggregate(n=Max("number"))["n"] or 0) + 1
    recommendation = attributed(
        Recommendation(
            oversight=oversight,
            number=number,
            text=text.strip(),
            responsible=responsible,
            due_on=due_on,
        ),
        actor,
    )
    recommendation.save()
    return recommendation


@transaction.atomic(durable=True)
def recommendation_update(
    *,
    actor: User | None,
    recommendation: Recommendation,
    text: str | None = None,
    responsible: Organization | None = None,
    due_on: datetime.date | None = None,
    status: str | None = None,
    response: str | None = None,
) -> Recommendation:
    """Change a recommendation as one act, for the page's form and the API's PATCH alike.

    The lead's officers correct what it asks (`text`, `responsible`, `due_on`; an empty one
    keeps what it said, and the history keeps the old words); the addressee's officers record
    its follow-up (`status`, `response`) as `recommendation_respond` does. One transaction:
    a refused part leaves the recommendation as it was.
    """
    if text is not None or responsible is not None or due_on is not None:
        _refuse_unless(
            selectors.may_edit_recommendation,
            actor,
            recommendation,
            _("You may not change this oversight."),
        )
        checked_responsible, checked_due_on = _check_recommendation(
            recommendation.oversight,
            text or recommendation.text,
            responsible or recommendation.responsible,
            due_on or recommendation.due_on,
        )
        recommendation.text = (text or recommendation.text).strip()
        recommendation.responsible = checked_responsible
        recommendation.due_on = checked_due_on
        save_if_changed(recommendation, actor)
    if status is not None or response is not None:
        recommendation_respond(
            actor=actor,
            recommendation=recommendation,
            status=status or recommendation.status,
            response=response or "",
        )
    return recommendation


@transaction.atomic
def recommendation_respond(
    *, actor: User | None, recommendation: Recommendation, status: str, response: str = ""
) -> Recommendation:
    """The responsible organisation reports how far it has carried the recommendation out."""
    _refuse_unless(
        selectors.may_answer_recommendation,
        actor,
        recommendation,
        _("Only the responsible organisation's officers answer this recommendation."),
    )
    rec = _locked(recommendation, "status", "done_on", "response")
    if status not in RecommendationStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status == RecommendationStatus.DONE and not response.strip() and not rec.response:
        raise ValidationError({"response": _("Say what was done.")})
    if status == RecommendationStatus.DONE:
        if rec.status != RecommendationStatus.DONE or rec.done_on is None:
            rec.done_on = timezone.localdate()
    else:
        rec.done_on = None
    rec.status = status
    if response.strip():
        rec.response = response.strip()
    # The answer's words are in the record itself (its change shows with the entry), and
    # the reason column holds 100 characters: the act is the verb, no label as a reason.
    attributed(rec, actor, verb="answered").save()
    notify.settle(notify.key_of(rec))
    return rec
