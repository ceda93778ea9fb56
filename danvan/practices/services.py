"""Writes for the "Dân vận khéo" movement: register, appraise, recognise, replicate.

Keyword-only, one transaction each, the actor's permission checked here; bad input refused
with a ValidationError that names what to fix, and nothing partial saved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.history import attributed
from danvan.lib.images import process_photo
from danvan.org.models import AreaLevel, Organization, Verb
from danvan.org.selectors import user_can

from .models import (
    CRITERIA,
    LEVEL_RANK,
    RECOGNISED_STATUSES,
    Appraisal,
    Level,
    Practice,
    PracticeKind,
    PracticePhoto,
    PracticeResult,
    PracticeStatus,
    Recognition,
    RecognitionKind,
    Replication,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

TEXT_FIELDS = [
    "situation", "objectives", "content_method", "target_group", "forces", "resources",
    "timeline", "outputs", "sustainability",
]  # fmt: skip
EDITABLE = {
    "kind", "name", "field", "subfield", "area", "started_on", "budget_dong", "workdays",
    "people_contribution_dong", "person_name", "consent_recorded_on", "is_public", *TEXT_FIELDS,
}  # fmt: skip


def _require(actor: User | None, verb: str, org: Organization, message: str) -> None:
    if actor is not None and not user_can(actor, verb, org):
        raise PermissionDenied(message)


def _check_person(practice: Practice) -> None:
    """An individual example names a person only with a recorded consent."""
    if practice.kind != PracticeKind.INDIVIDUAL:
        practice.person_name = ""
        practice.consent_recorded_on = None
        return
    if practice.person_name.strip() and practice.consent_recorded_on is None:
        raise ValidationError(
            {"consent_recorded_on": _("Record the person's consent before naming them.")}
        )
    if practice.is_public and practice.consent_recorded_on is None:
        raise ValidationError(
            {"is_public": _("An individual example is shown publicly only with the person's "
                            "recorded consent.")}
        )  # fmt: skip


def _clean_result(row: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    metric = str(row.get("metric") or "").strip()
    unit = str(row.get("unit") or "").strip()
    if not metric:
        errors["metric"] = _("Name what was measured.")
    if not unit:
        errors["unit"] = _("Give the unit (households, m², km, đồng, …).")
    values: dict[str, Decimal | None] = {}
    for key in ("value", "value_before"):
        raw = row.get(key)
        if raw in (None, "") and key == "value_before":
            values[key] = None
            continue
        try:
            number = Decimal(str(raw).replace(",", "."))
        except (InvalidOperation, ValueError):
            errors[key] = _("Enter a number.")
            continue
        if number < 0:
            errors[key] = _("A measured result cannot be negative.")
        values[key] = number
    as_of = row.get("as_of") or timezone.localdate()
    if errors:
        raise ValidationError(errors)
    return {"metric": metric, "unit": unit, "as_of": as_of, **values}


@transaction.atomic
def practice_register(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    name: str,
    field: str,
    results: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Practice:
    """A unit registers a model or typical example, with its measured results."""
    _require(actor, Verb.EDIT, organization, _("You may not register practices for this unit."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    if not organization.is_active:
        raise ValidationError({"organization": _("The organisation is dissolved.")})
    fields.setdefault("area", organization.area)
    practice = Practice(
        organization=organization,
        kind=kind,
        name=name.strip(),
        field=field,
        registered_on=timezone.localdate(),
        registered_by=actor,
        **fields,
    )
    _check_person(practice)
    practice.full_clean(exclude=["organization", "registered_by", "subfield", "area"])
    attributed(practice, actor).save()
    for row in results or []:
        PracticeResult.objects.create(practice=practice, **_clean_result(row))
    return practice


@transaction.atomic
def practice_update(*, actor: User, practice: Practice, **fields: Any) -> Practice:
    """The owning unit changes its record (the public flag too)."""
    _require(actor, Verb.EDIT, practice.organization, _("You may not change this practice."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
    for key, value in fields.items():
        setattr(practice, key, value.strip() if isinstance(value, str) else value)
    _check_person(practice)
    practice.full_clean(exclude=["organization", "registered_by", "subfield", "area"])
    attributed(practice, actor).save()
    return practice


@transaction.atomic
def result_add(
    *, actor: User, practice: Practice, replication: Replication | None = None, **row: Any
) -> PracticeResult:
    owner = replication.organization if replication else practice.organization
    _require(actor, Verb.EDIT, owner, _("You may not add results here."))
    return PracticeResult.objects.create(
        practice=practice, replication=replication, **_clean_result(row)
    )


@transaction.atomic
def photo_add(
    *, actor: User, practice: Practice, upload: UploadedFile, caption: str = ""
) -> PracticePhoto:
    """A photo, resized and stripped of its metadata (place, camera, time) before saving."""
    _require(actor, Verb.EDIT, practice.organization, _("You may not add photos here."))
    try:
        content = process_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    photo = PracticePhoto(practice=practice, caption=caption.strip()[:200])
    photo.image.save(content.name or "photo.jpg", content, save=False)
    photo.save()
    return photo


def _parent(org: Organization) -> Organization | None:
    return Organization.objects.parent_of(org)


def user_may_appraise(actor: User, practice: Practice) -> bool:
    """Appraisal is done from above: by officers of a higher unit, not the practice's own."""
    if actor.is_superuser:
        return True
    parent = _parent(practice.organization)
    return parent is not None and user_can(actor, Verb.EDIT, parent)


@transaction.atomic
def appraisal_record(
    *, actor: User, practice: Practice, scores: dict[str, int], comments: str = ""
) -> Appraisal:
    """An appraisal-team member scores the six criteria (0–10); the practice is under appraisal."""
    if not user_may_appraise(actor, practice):
        raise PermissionDenied(_("Practices are appraised by a higher unit's officers."))
    if practice.status not in (PracticeStatus.REGISTERED, PracticeStatus.UNDER_APPRAISAL):
        raise ValidationError(_("This practice has already been decided on."))
    errors = {}
    for name, label in CRITERIA:
        value = scores.get(name)
        if not isinstance(value, int) or not 0 <= value <= 10:
            errors[name] = _("Score “%(criterion)s” from 0 to 10.") % {"criterion": label}
    if errors:
        raise ValidationError(errors)
    appraisal, _created = Appraisal.objects.update_or_create(
        practice=practice,
        appraiser=actor,
        defaults={**scores, "comments": comments.strip(), "appraised_on": timezone.localdate()},
    )
    if practice.status == PracticeStatus.REGISTERED:
        practice.status = PracticeStatus.UNDER_APPRAISAL
        attributed(practice, actor).save()
    return appraisal


def level_of(org: Organization) -> str:
    """The highest level an organisation can recognise at: its area's level."""
    area_level = org.area.level
    if area_level == AreaLevel.PROVINCE:
        return Level.PROVINCE
    return Level.COMMUNE


@transaction.atomic
def practice_decide(
    *,
    actor: User,
    practice: Practice,
    recognised: bool,
    decided_by: Organization,
    level: str = "",
    decision_number: str = "",
    decided_on: datetime.date | None = None,
    kind: str = RecognitionKind.RECOGNITION,
) -> Recognition | None:
    """Record a decision: recognised at a level (or raised, or commended), or not recognised."""
    _require(actor, Verb.EDIT, decided_by, _("You may not record decisions of this body."))
    if not user_may_appraise(actor, practice):
        raise PermissionDenied(_("Practices are recognised by a higher unit."))
    if not recognised:
        if practice.status in RECOGNISED_STATUSES:
            raise ValidationError(_("A recognised practice keeps its recognition."))
        practice.status = PracticeStatus.NOT_RECOGNISED
        attributed(practice, actor, _("Not recognised")).save()
        return None
    errors: dict[str, str] = {}
    if not decision_number.strip():
        errors["decision_number"] = _("Give the number of the recognition decision.")
    if level not in Level.values:
        errors["level"] = _("Choose the level of recognition.")
    elif (
        not (actor.is_superuser and level == Level.CENTRAL)
        and LEVEL_RANK[Level(level)] > LEVEL_RANK[Level(level_of(decided_by))]
    ):
        errors["level"] = _("%(body)s cannot recognise at %(level)s: that is above its own level.") % {
            "body": decided_by.name, "level": Level(level).label.lower()
        }  # fmt: skip
    decided_on = decided_on or timezone.localdate()
    if decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    current = [
        LEVEL_RANK[Level(r.level)]
        for r in practice.recognitions.filter(kind=RecognitionKind.RECOGNITION)
    ]
    if kind == RecognitionKind.RECOGNITION and current and LEVEL_RANK[Level(level)] <= max(current):
        raise ValidationError(
            {"level": _("Already recognised at this level or above; a new recognition must "
                        "raise the level.")}
        )  # fmt: skip
    if kind == RecognitionKind.COMMENDATION and not practice.is_recognised:
        raise ValidationError({"kind": _("A practice is commended after it is recognised.")})
    recognition = Recognition.objects.create(
        practice=practice,
        kind=kind,
        level=level,
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        decided_by=decided_by,
        recorded_by=actor,
    )
    practice.status = (
        PracticeStatus.COMMENDED if kind == RecognitionKind.COMMENDATION else
        PracticeStatus.COMMENDED if practice.status == PracticeStatus.COMMENDED else
        PracticeStatus.RECOGNISED
    )  # fmt: skip
    reason = _("%(what)s at %(level)s, decision %(number)s") % {
        "what": RecognitionKind(kind).label,
        "level": Level(level).label.lower(),
        "number": decision_number.strip(),
    }
    attributed(practice, actor, reason).save()
    return recognition


@transaction.atomic
def replication_record(
    *,
    actor: User,
    practice: Practice,
    organization: Organization,
    adopted_on: datetime.date,
    adaptation: str = "",
    results: list[dict[str, Any]] | None = None,
) -> Replication:
    """Another unit records that it adopted a recognised practice, with its own results."""
    _require(actor, Verb.EDIT, organization, _("You may not record adoptions for this unit."))
    if not practice.is_recognised:
        raise ValidationError(_("Only a recognised practice is replicated."))
    if organization.pk == practice.organization_id:
        raise ValidationError(
            {"organization": _("The unit that built the practice cannot adopt it.")}
        )
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The date cannot be in the future.")})
    if Replication.objects.filter(practice=practice, organization=organization).exists():
        raise ValidationError({"organization": _("This unit has already recorded its adoption.")})
    replication = Replication.objects.create(
        practice=practice,
        organization=organization,
        adopted_on=adopted_on,
        adaptation=adaptation.strip(),
        recorded_by=actor,
    )
    for row in results or []:
        PracticeResult.objects.create(
            practice=practice, replication=replication, **_clean_result(row)
        )
    return replication
