"""The reporting app's agenda sources (registered from `apps.py`): reports to fill and to review.

- Reports to fill: for each of the user's own units with the right to submit, each active form
  it reports on and each of the form's two latest periods whose reporting window has closed (as
  the reports page lists them), the report not yet submitted: not started, a draft, or returned.
  Due on the form's deadline, so a half-year report five months late shows five months late.
- Reports to review: submitted reports whose reviewing unit (the nearest unit above that
  reports on the same form, `selectors.reviewing_paths`) is one the user leads or is a
  specialist of. Due on the same deadline: the reviewer's own report on that form and period
  is built from them.

Both read a fixed number of queries. Reports to fill are the reports page's own rows
(`selectors.reports_to_fill`: the reporting rule for every form and period in one query); the
reports to review find their reviewers with `selectors.reviewing_paths`, one query for every
form and unit.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from danvan.lib import agenda, notify
from danvan.lib.agenda import Action, Item
from danvan.org.agenda import unit_paths
from danvan.org.models import Organization, Verb

from . import selectors
from .models import Form, Submission, SubmissionStatus

if TYPE_CHECKING:
    from danvan.accounts.models import User

MAX_REVIEWS = 300


_TO_DO = {
    "": (_("Fill in the report"), _("Fill in")),
    SubmissionStatus.DRAFT: (_("Finish and submit the report"), _("Fill in")),
    SubmissionStatus.RETURNED: (_("Correct the returned report and submit it"), _("Correct")),
}


def reports_to_fill(user: User, today: datetime.date) -> list[Item]:
    """The rows of the reports page (selectors.reports_to_fill) whose report waits for the
    unit: not started, a draft, or returned."""
    if not unit_paths(user, verb=Verb.SUBMIT):
        return []
    forms = list(Form.objects.active().prefetch_related("kinds").order_by("pk"))
    rows = selectors.reports_to_fill(user, forms, Organization.objects.visible_to(user), today)
    items = []
    for row in rows:
        form, unit, period, submission = row["form"], row["unit"], row["period"], row["submission"]
        status = submission.status if submission else ""
        if status not in _TO_DO:
            continue  # submitted or approved: nothing waits for the unit
        what, label = _TO_DO[status]
        if submission is not None:
            key = notify.key_of(submission)
            url = reverse("submission_detail", args=[submission.pk])
            action = Action(str(label), url)
        else:  # one click starts the report and opens it
            key = f"{notify.key_of(form)}:{unit.pk}:{period.code}"
            url = reverse("report_home") + f"#start-{form.pk}-{unit.pk}-{period.code}"
            fields = (
                ("form", str(form.pk)),
                ("organization", str(unit.pk)),
                ("period", period.code),
            )
            action = Action(str(label), reverse("submission_start"), "post", fields=fields)
        items.append(
            Item(
                key=key,
                kind="reporting.submission",
                what=str(what),
                title=f"{form.label} — {period.label()}",
                unit=unit.name,
                url=url,
                due_on=form.deadline(period),
                action=action,
            )
        )
    return items


def _review_what(submission: Submission) -> str:
    deadline = submission.form.deadline(submission.period_obj)
    submitted = timezone.localdate(submission.submitted_at) if submission.submitted_at else None
    late = (submitted - deadline).days if submitted else 0
    if late > 0:
        return ngettext(
            "Review the report, submitted %(days)d day late",
            "Review the report, submitted %(days)d days late",
            late,
        ) % {"days": late}
    return gettext("Review the report")


def reports_to_review(user: User, today: datetime.date) -> list[Item]:
    paths = unit_paths(user, roles=selectors.REVIEW_ROLES)
    if not paths:
        return []
    below = Q(pk__in=[])
    for path in paths:
        below |= Q(organization__path__startswith=path)
    submissions = list(
        selectors.submissions_for_user(user)
        .filter(below, status=SubmissionStatus.SUBMITTED)
        .prefetch_related("form__kinds")
        .order_by("submitted_at", "pk")[:MAX_REVIEWS]
    )
    if not submissions:
        return []
    reviewers = selectors.reviewing_paths([(s.form, s.organization) for s in submissions])
    mine = set(paths)
    items = []
    for submission in submissions:
        if reviewers[(submission.form_id, submission.organization_id)] not in mine:
            continue
        url = reverse("submission_detail", args=[submission.pk])
        items.append(
            Item(
                key=notify.key_of(submission),
                kind="reporting.review",
                what=_review_what(submission),
                title=f"{submission.form.label} — {submission.period_obj.label()}",
                unit=submission.organization.name,
                url=url,
                due_on=submission.form.deadline(submission.period_obj),
                action=Action(gettext("Review"), url),
            )
        )
    return items


def register() -> None:
    agenda.register("reporting.submission", _("Reports to fill in"), reports_to_fill)
    agenda.register("reporting.review", _("Reports to review"), reports_to_review)
