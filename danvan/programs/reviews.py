"""Writes to programme reviews: an interim review or the end-of-term summary, opened with the
period's figures compiled, then written section by section (documents' review document)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.documents.services import review_document_update
from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.lib.history import attributed

from .models import Program, ProgramStatus, Review, ReviewKind
from .selectors import compile_review_facts, may_edit_review, may_write_reviews
from .services import require

if TYPE_CHECKING:
    from danvan.accounts.models import User


@transaction.atomic
def review_open(
    *, actor: User, program: Program, kind: str, period: str, place: str = ""
) -> Review:
    """Compile the period's facts into an editable draft review."""
    require(may_write_reviews(actor, program), _("You may not write reviews of this programme."))
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": _("Choose interim review or end-of-term summary.")})
    try:
        parsed = periods.parse(period)
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    if parsed.end < program.starts_on or parsed.start > program.ends_on:
        raise ValidationError({"period": _("The period lies outside the programme's term.")})
    if program.status == ProgramStatus.DRAFT:
        raise Conflict(_("A draft programme has nothing to review yet."))
    if kind == ReviewKind.FINAL and program.status == ProgramStatus.IN_FORCE:
        raise Conflict({"kind": _("The end-of-term summary is written once the term has ended.")})
    if program.reviews.filter(kind=kind, period=parsed.code).exists():
        raise Conflict(
            {"period": _("A review of this kind for %(period)s exists already; open it instead.")
             % {"period": parsed.code}}
        )  # fmt: skip
    facts = compile_review_facts(program, parsed, today=timezone.localdate())
    review = Review(
        program=program,
        kind=kind,
        period=parsed.code,
        place=place or program.lead.area.name,
        issued_on=timezone.localdate(),
        facts=facts,
        achievements=_achievements_draft(facts),
        created_by=actor,
    )
    attributed(review, actor).save()
    if kind == ReviewKind.FINAL and program.status == ProgramStatus.ENDED:
        program.status = ProgramStatus.REVIEWED
        attributed(program, actor).save()  # the history shows the status: reviewed
    return review


def _achievements_draft(facts: dict[str, Any]) -> str:
    """A first paragraph from the figures, and the parties' own reports, for the editor."""
    totals = facts["totals"]
    lines = [
        _(
            "In %(period)s the parties had %(due)d tasks due: %(on_time)d done on time, "
            "%(late)d done late, %(open)d still open (%(overdue)d of them overdue)."
        )
        % {
            "period": facts["period_phrase"],
            "due": totals["due"],
            "on_time": totals["done_on_time"],
            "late": totals["done_late"],
            "open": totals["open"] + totals["overdue"],
            "overdue": totals["overdue"],
        }
    ]
    for update in facts["updates"][:30]:
        lines.append(f"- {update['party']}: {update['text']}")
    return "\n".join(lines)


@transaction.atomic
def review_update(*, actor: User, review: Review, **sections: str) -> Review:
    require(may_edit_review(actor, review), _("You may not edit this review."))
    review_document_update(actor=actor, record=review, **sections)
    return review
