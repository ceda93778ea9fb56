"""Writes to indicators, forms and reports.

Keyword-only, one transaction each, the actor's permission checked here, bad input refused
with a ValidationError that names what to fix. Approving and reopening a report change the
roll-ups in the same transaction, under a lock on the report: two leaders clicking together
approve it once.

State conflicts (a report already approved, not submitted, not editable…) raise
`danvan.lib.errors.Conflict`: the pages show its message, the API answers 409.

Two rules the records keep:

- A unit reports only for the periods in which it existed: from its organisation's
  `established_on`, else from its area's `valid_from` (a commune created by the 2025 merger
  reports from 2025S2); the time before is reported by its predecessors, whose `successor`
  link carries their history into it. `submission_start` refuses an earlier period, and the
  completeness board and the reminders do not count the unit as late for it.
- Approval order holds both ways. A parent is approved only once the reports it is built
  from are decided; and while the report of a unit above (for the same form and period) is
  approved, a report below it cannot be submitted, approved or reopened: that report must be
  reopened first, so an approved report never silently changes under its reviewer.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from danvan.lib import notify, numbers, periods
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed
from danvan.org.models import Organization

from . import rollups, selectors
from .models import (
    LARGEST,
    Form,
    Indicator,
    Severity,
    Source,
    Submission,
    SubmissionStatus,
    Value,
    ValueType,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Reports: entry ------------------------------------------------------------------------


def _period_for(form: Form, code: str, today: datetime.date) -> periods.Period:
    try:
        period = periods.parse(code)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if period.type != form.period_type:
        raise ValidationError(
            {
                "period": _("This form's period is a %(kind)s: give a period such as %(example)s.")
                % {
                    "kind": str(dict(Form.PERIODICITIES)[form.periodicity]).lower(),
                    "example": selectors.recent_periods(form, today, 1)[0].code,
                }
            }
        )
    if form.cutoff_end(period) >= today:
        raise ValidationError(
            {
                "period": _("%(period)s has not ended yet: its report opens after %(day)s.")
                % {
                    "period": period.label(),
                    "day": form.cutoff_end(period).strftime("%d/%m/%Y"),
                }
            }
        )
    return period


@transaction.atomic
def submission_start(
    *,
    actor: User | None,
    form: Form,
    organization: Organization,
    period: str,
    today: datetime.date | None = None,
) -> Submission:
    """The unit's report for the period: the one already started, or a new draft."""
    today = today or timezone.localdate()
    if actor is not None and not selectors.may_fill(actor, organization):
        raise PermissionDenied(_("Only the officers of this unit fill in its reports."))
    if not form.is_active:
        raise ValidationError({"form": _("This form is no longer in use.")})
    the_period = _period_for(form, period, today)
    began = selectors.unit_began(organization)
    if began is not None and began > the_period.end:
        raise ValidationError(
            {
                "period": _(
                    "%(org)s began on %(day)s: it reports from %(first)s on; the reports "
                    "before are its predecessors'."
                )
                % {
                    "org": organization.name,
                    "day": began.strftime("%d/%m/%Y"),
                    "first": periods.from_date(began, form.period_type).label(),
                }
            }
        )
    existing = Submission.objects.filter(
        form=form, organization=organization, period=the_period.code
    ).first()
    if existing:
        return existing
    unit = selectors.reporting_units(form, the_period).filter(pk=organization.pk).exists()
    if not unit:
        raise ValidationError(
            {
                "organization": _(
                    "%(org)s does not report on «%(form)s» (or did not exist in that period)."
                )
                % {"org": organization.name, "form": form.label}
            }
        )
    submission = Submission(form=form, organization=organization, period=the_period.code)
    try:
        with transaction.atomic():
            attributed(submission, actor).save()
    except IntegrityError:  # started at the same moment by a colleague
        return Submission.objects.get(form=form, organization=organization, period=the_period.code)
    return submission


_YES = {"1", "yes", "có", "co", "true", "x"}
_NO = {"0", "no", "không", "khong", "false"}


def parse_value(indicator: Indicator, raw: Any) -> tuple[Decimal | None, str]:
    """(figure, text) from what was typed, or a ValidationError saying what is expected."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if indicator.value_type == ValueType.TEXT:
        return None, str(raw).strip()
    if indicator.value_type == ValueType.YES_NO:
        word = str(raw).strip().lower()
        if isinstance(raw, bool):
            return Decimal(int(raw)), ""
        if word in _YES:
            return Decimal(1), ""
        if word in _NO:
            return Decimal(0), ""
        raise ValidationError(_("Answer yes or no."))
    number = numbers.parse(raw)
    # Against the range first: a 400-digit figure would overflow the decimal context below.
    if abs(number) >= LARGEST:
        raise ValidationError(
            _("This number is too large: a figure must be less than %(largest)s.")
            % {"largest": numbers.shown(LARGEST, places=0)}
        )
    places = indicator.decimal_places
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(
            _("At most %(n)s decimals.") % {"n": places} if places else _("Type a whole number.")
        )
    low, high = indicator.bounds()
    if low is not None and number < low:
        raise ValidationError(_("At least %(low)s.") % {"low": numbers.plain(low)})
    if high is not None and number > high:
        raise ValidationError(_("At most %(high)s.") % {"high": numbers.plain(high)})
    return number, ""


def _require_editable(actor: User | None, submission: Submission) -> None:
    if actor is not None and not selectors.may_fill(actor, submission.organization):
        raise PermissionDenied(_("Only the officers of this unit fill in its reports."))
    if not submission.is_editable:
        raise Conflict(
            _("This report is %(status)s and cannot be changed.")
            % {"status": submission.get_status_display().lower()}
        )


@transaction.atomic
def submission_save(
    *,
    actor: User | None,
    submission: Submission,
    values: dict[str, Any] | None = None,
    narratives: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
) -> Submission:
    """Save what has been typed so far (partial work is kept); a wrong value saves nothing."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require_editable(actor, submission)
    layout = selectors.form_layout(submission.form)
    typed = {i.code: i for i in layout.indicators if i.source == Source.TYPED}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, tuple[Decimal | None, str]] = {}
    for code, raw in (values or {}).items():
        indicator = typed.get(code)
        if indicator is None:
            errors.setdefault(code, []).append(
                _("%(code)s is not a figure this form asks the unit to type.") % {"code": code}
            )
            continue
        try:
            parsed[code] = parse_value(indicator, raw)
        except ValidationError as exc:
            errors.setdefault(code, []).extend(exc.messages)
    sections = {str(s.pk) for s in layout.narratives}
    for key in narratives or {}:
        if str(key) not in sections:
            errors.setdefault("narratives", []).append(
                _("Unknown narrative section %(key)s.") % {"key": key}
            )
    rule_ids = {str(r.pk) for r in layout.rules if r.severity == Severity.WARNING}
    for key in comments or {}:
        if str(key) not in rule_ids:
            errors.setdefault("comments", []).append(_("Unknown warning %(key)s.") % {"key": key})
    if errors:
        raise ValidationError(errors)
    existing = {v.indicator_id: v for v in Value.objects.filter(submission=submission)}
    added: list[Value] = []
    changed: list[Value] = []
    for code, (number, text) in parsed.items():
        indicator = typed[code]
        value = existing.get(indicator.pk)
        if value is None:
            if number is None and not text:
                continue
            value = Value(submission=submission, indicator=indicator, number=number, text=text)
            added.append(attributed(value, actor))
        elif value.number != number or value.text != text:
            value.number, value.text = number, text
            changed.append(attributed(value, actor))
    # Each figure with its history entry, as its own save would write them (who, when, no
    # reason), in one statement for the figures and one for their history, however many.
    if added:
        bulk_create_with_history(added, Value)
    if changed:
        bulk_update_with_history(changed, Value, ["number", "text"])
    written = (submission.narratives, submission.warning_comments)
    if narratives:
        submission.narratives = {
            **submission.narratives,
            **{str(k): (v or "").strip() for k, v in narratives.items()},
        }
    if comments:
        submission.warning_comments = {
            **submission.warning_comments,
            **{str(k): (v or "").strip() for k, v in comments.items()},
        }
    if (submission.narratives, submission.warning_comments) != written:
        attributed(submission, actor).save()
    else:
        # Nothing of the report itself changed (its figures keep their own history): the time
        # of the save only, with no history entry, or a draft saved a hundred times would give
        # its history page a hundred empty entries to read and diff.
        submission.updated_at = timezone.now()
        Submission.objects.filter(pk=submission.pk).update(updated_at=submission.updated_at)
    return submission


@transaction.atomic
def submission_submit(*, actor: User | None, submission: Submission) -> Submission:
    """Send the report up: every required figure typed, no error rule failing, a comment on
    each failing warning. Derived figures are kept as they are at this moment."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require_editable(actor, submission)
    _require_nothing_approved_above(submission)
    layout = selectors.form_layout(submission.form)
    values = selectors.report_values(submission, layout)
    problems: dict[str, list[str]] = {}
    missing = [
        item.indicator
        for _s, items in layout.sections
        for item in items
        if item.required
        and item.indicator.source == Source.TYPED
        and values.get(item.indicator.code) in (None, "")
    ]
    if missing:
        problems.setdefault("values", []).append(
            _("Fill in: %(names)s.") % {"names": "; ".join(i.label for i in missing)}
        )
    for result in selectors.check_rules(layout, values):
        rule = result.rule
        if rule.severity == Severity.ERROR:
            problems.setdefault("values", []).append(rule.label)
        elif not submission.warning_comments.get(str(rule.pk), "").strip():
            # Keyed as the API takes the comment: {"comments": {"<rule id>": "…"}}.
            problems.setdefault(f"comments.{rule.pk}", []).append(
                _("%(message)s — explain this in a comment to submit.") % {"message": rule.label}
            )
    if problems:
        raise ValidationError(problems)
    by_code = {i.code: i for i in layout.indicators}
    existing = {v.indicator_id: v for v in Value.objects.filter(submission=submission)}
    for code, indicator in by_code.items():
        if indicator.source != Source.DERIVED:
            continue
        number = values.get(code)
        value = existing.get(indicator.pk) or Value(
            submission=submission, indicator=indicator, is_derived=True
        )
        value.number = number if isinstance(number, Decimal) else None
        value.is_derived = True
        attributed(value, actor).save()
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = actor
    attributed(submission, actor, verb="submitted").save()
    notify.settle(notify.key_of(submission))
    return submission


@transaction.atomic(durable=True)
def submission_save_and_submit(
    *,
    actor: User | None,
    submission: Submission,
    values: dict[str, Any] | None = None,
    narratives: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
) -> Submission:
    """Save what was typed and send the report up, in one transaction: a refusal saves nothing."""
    if values or narratives or comments:
        submission = submission_save(
            actor=actor,
            submission=submission,
            values=values,
            narratives=narratives,
            comments=comments,
        )
    return submission_submit(actor=actor, submission=submission)


# --- Reports: review -----------------------------------------------------------------------


def _locked_for_review(actor: User | None, submission_id: int) -> Submission:
    try:
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("form", "organization")
            .get(pk=submission_id)
        )
    except Submission.DoesNotExist as exc:
        raise ValidationError(_("This report does not exist.")) from exc
    if actor is not None and not selectors.may_review(actor, submission):
        raise PermissionDenied(
            _("Only the leaders and specialists of the unit above review this report.")
        )
    return submission


def _already(submission: Submission) -> Conflict:
    if submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        return Conflict(
            _("This report is %(status)s: only a submitted report can be approved or returned.")
            % {"status": submission.get_status_display().lower()}
        )
    who = submission.reviewed_by.full_name if submission.reviewed_by else ""
    return Conflict(
        _("This report is already %(status)s%(who)s: nothing was changed.")
        % {
            "status": submission.get_status_display().lower(),
            "who": f" ({who})" if who else "",
        }
    )


@transaction.atomic
def submission_approve(*, actor: User | None, submission: Submission) -> Submission:
    """Approve a submitted report: it is locked and its figures count in every figure at once
    (queued for the worker to fold into the roll-up rows, read meanwhile from the queue)."""
    submission = _locked_for_review(actor, submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise _already(submission)
    around = selectors.neighbours(submission)
    if around.pending_below:
        raise Conflict(
            _("Review the reports this one is built from first: %(units)s.")
            % {"units": "; ".join(s.organization.name for s in around.pending_below[:10])}
        )
    _refuse_approved_above(around.approved_above)
    submission.status = SubmissionStatus.APPROVED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor
    submission.review_comment = ""
    attributed(submission, actor, verb="approved").save()
    rollups.queue(submission)
    notify.settle(notify.key_of(submission))
    return submission


@transaction.atomic
def submission_return(*, actor: User | None, submission: Submission, comment: str) -> Submission:
    """Send a submitted report back to its unit with a comment saying what to fix."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what the unit should fix.")})
    submission = _locked_for_review(actor, submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise _already(submission)
    submission.status = SubmissionStatus.RETURNED
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor
    submission.review_comment = comment.strip()
    attributed(submission, actor, comment.strip(), verb="returned").save()
    transaction.on_commit(lambda: _notify_unit(submission, "returned"))
    return submission


@transaction.atomic
def submission_reopen(*, actor: User | None, submission: Submission, reason: str) -> Submission:
    """Unlock an approved report for correction: its figures leave the roll-ups until it is
    approved again, and the reason stays in its history."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    submission = _locked_for_review(actor, submission.pk)
    if submission.status != SubmissionStatus.APPROVED:
        raise Conflict(_("Only an approved report can be reopened."))
    _require_nothing_approved_above(submission)
    submission.status = SubmissionStatus.RETURNED
    submission.reopen_reason = reason.strip()
    submission.review_comment = reason.strip()
    submission.reviewed_at = timezone.now()
    submission.reviewed_by = actor
    attributed(submission, actor, reason.strip(), verb="reopened").save()
    rollups.withdraw(submission)
    transaction.on_commit(lambda: _notify_unit(submission, "reopened"))
    return submission


def _require_nothing_approved_above(submission: Submission) -> None:
    """Approval order, downwards: an approved report above is reopened before one below moves."""
    _hold_reports_above(submission)
    _refuse_approved_above(selectors.neighbours(submission, below=False).approved_above)


def _hold_reports_above(submission: Submission) -> None:
    """Share-lock the reports above this one (same form and period, whatever their status)
    until the transaction ends, on PostgreSQL. An approval takes its own report's row for
    update, so a report below that is being submitted or reopened and an approval above wait
    for each other and each checks what the other committed: a report is never approved over
    one below that was just submitted. Shared, so reports of sibling units move together; the
    waits only ever go upwards, so they cannot form a cycle. SQLite writes one at a time."""
    if connection.vendor != "postgresql":
        return
    above = selectors.paths_above(submission.organization)
    if not above:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.id FROM {Submission._meta.db_table} s "  # noqa: S608  (table names)
            f"JOIN {Organization._meta.db_table} o ON o.id = s.organization_id "
            "WHERE s.form_id = %s AND s.period = %s AND o.path = ANY(%s) "
            "ORDER BY o.path FOR SHARE OF s",
            [submission.form_id, submission.period, above],
        )


def _refuse_approved_above(above: Submission | None) -> None:
    if above is not None:
        raise Conflict(
            _("%(org)s's report, built from this one, is approved: reopen it first.")
            % {"org": above.organization.name}
        )


def _notify_unit(submission: Submission, event: str) -> None:
    emails = selectors.unit_officer_emails(submission.organization_id)
    if not emails:
        return
    context = {"submission": submission, "event": event, "site_url": settings.SITE_URL}
    with override(settings.LANGUAGE_CODE):  # the site's language, whoever reviewed it
        subject = render_to_string("reporting/email/review_subject.txt", context).strip()
        body = render_to_string("reporting/email/review.txt", context)
        link = notify.Link(str(submission), "", notify.key_of(submission))
    notify.deliver([notify.Message(subject, body, emails, "report", [link])])
