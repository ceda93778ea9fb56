"""Writes to the text of a level's consolidated report.

The consolidated report starts from its units' narratives condensed (`report.condense`); the
level's specialists edit that text in the app and keep it, with its history, and the DOCX and
PDF print the kept text. Sending a part empty drops the kept text of that part: the report goes
back to the units' texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from danvan.lib import periods
from danvan.lib.history import attributed
from danvan.org.models import Organization

from . import selectors
from .models import Form, Narrative, SectionKind

if TYPE_CHECKING:
    from danvan.accounts.models import User

LONGEST_TEXT = 50_000


@transaction.atomic
def narrative_save(
    *,
    actor: User | None,
    form: Form,
    organization: Organization,
    period: str,
    texts: dict[str, str],
    reason: str = "",
) -> Narrative:
    """Keep the edited text of the consolidated report's parts ({narrative section id: text})."""
    if actor is not None and not selectors.may_edit_narrative(actor, organization):
        raise PermissionDenied(
            _("Only the leaders and specialists of this unit edit its consolidated report.")
        )
    try:
        the_period = periods.parse((period or "").strip())
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if the_period.type != form.period_type:
        raise ValidationError(
            {"period": _("This form is reported by %(kind)s.") % {
                "kind": str(dict(Form.PERIODICITIES)[form.periodicity]).lower()
            }}
        )  # fmt: skip
    sections = {
        str(pk)
        for pk in form.sections.filter(kind=SectionKind.NARRATIVE).values_list("pk", flat=True)
    }
    errors: dict[str, list[str]] = {}
    for key, text in texts.items():
        if str(key) not in sections:
            errors.setdefault("texts", []).append(
                _("Unknown narrative section %(key)s.") % {"key": key}
            )
        elif len(text or "") > LONGEST_TEXT:
            errors.setdefault(f"texts.{key}", []).append(
                _("At most %(n)s characters.") % {"n": LONGEST_TEXT}
            )
    if errors:
        raise ValidationError(errors)
    lookup = {"form": form, "organization": organization, "period": the_period.code}
    narrative = Narrative.objects.select_for_update().filter(**lookup).first()
    if narrative is not None:
        return _keep(actor, narrative, texts, reason)
    try:
        with transaction.atomic():
            return _keep(actor, Narrative(**lookup), texts, reason)
    except IntegrityError:  # kept at the same moment by a colleague: add to theirs
        narrative = Narrative.objects.select_for_update().get(**lookup)
        return _keep(actor, narrative, texts, reason)


def _keep(
    actor: User | None, narrative: Narrative, texts: dict[str, str], reason: str
) -> Narrative:
    kept = dict(narrative.texts)
    for key, text in texts.items():
        cleaned = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
        if cleaned:
            kept[str(key)] = cleaned
        else:
            kept.pop(str(key), None)
    if narrative.pk is not None and kept == narrative.texts:
        return narrative  # the same text kept again: nothing changed, no history entry
    narrative.texts = kept
    narrative.updated_by = actor
    attributed(narrative, actor, (reason or "").strip()).save()
    return narrative
