"""Writes for the "Dân vận khéo" movement: register, appraise, recognise, replicate.

Keyword-only, one transaction each, the actor's permission checked here; bad input refused
with a ValidationError that names what to fix, and nothing partial saved.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed, save_if_changed, short_date
from danvan.lib.images import process_photo
from danvan.org.models import AreaLevel, Organization

from . import selectors
from .measures import clean_as_of, clean_number
from .models import (
    CRITERIA,
    LEVEL_RANK,
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


def _require(allowed: bool, message: str) -> None:
    """Refuse with the message unless the selector's rule allowed it."""
    if not allowed:
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


def _check_subfield(practice: Practice) -> None:
    """A sub-field belongs to one field: the practice's, or none."""
    subfield = practice.subfield
    if subfield is not None and subfield.field != practice.field:
        raise ValidationError(
            {"subfield": _("“%(subfield)s” is a sub-field of %(field)s, not of %(chosen)s.")
             % {"subfield": subfield, "field": subfield.get_field_display(),
                "chosen": practice.get_field_display()}}
        )  # fmt: skip


def _clean_result(row: dict[str, Any]) -> dict[str, Any]:
    """One measured result, checked against its columns before anything is saved."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, missing in (
        ("metric", _("Name what was measured.")),
        ("unit", _("Give the unit (households, m², km, đồng, …).")),
    ):
        text = str(row.get(key) or "").strip()
        limit: int = getattr(PracticeResult._meta.get_field(key), "max_length", 0)
        if not text:
            errors[key] = [missing]
        elif len(text) > limit:
            errors[key] = [_("Keep it to %(limit)s characters.") % {"limit": limit}]
        cleaned[key] = text
    for key in ("value", "value_before"):
        raw = row.get(key)
        if raw in (None, "") and key == "value_before":
            cleaned[key] = None
            continue
        try:
            cleaned[key] = clean_number(key, raw)
        except ValidationError as exc:
            errors[key] = exc.messages
    try:
        cleaned["as_of"] = clean_as_of(row.get("as_of"))
    except ValidationError as exc:
        errors["as_of"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def practice_register(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    name: str,
    field: str,
    results: list[dict[str, Any]] | None = None,
    registered_on: datetime.date | None = None,
    **fields: Any,
) -> Practice:
    """A unit registers a model or typical example, with its measured results (dated today,
    or earlier when a paper registration is entered late)."""
    _require(
        selectors.may_register_practice(actor, organization),
        _("You may not register practices for this unit."),
    )
    refuse_unknown_fields(fields, EDITABLE)
    if not organization.is_active:
        raise ValidationError({"organization": _("The organisation is dissolved.")})
    fields.setdefault("area", organization.area)
    registered_on = registered_on or timezone.localdate()
    if registered_on > timezone.localdate():
        raise ValidationError(
            {"registered_on": _("The registration date cannot be in the future.")}
        )
    practice = Practice(
        organization=organization,
        kind=kind,
        name=name.strip(),
        field=field,
        registered_on=registered_on,
        registered_by=actor,
        **fields,
    )
    _check_person(practice)
    _check_subfield(practice)
    practice.full_clean(exclude=["organization", "registered_by", "subfield", "area"])
    rows = [_clean_result(row) for row in results or []]
    attributed(practice, actor).save()
    for row in rows:
        PracticeResult.objects.create(practice=practice, **row)
    return practice


@transaction.atomic
def practice_update(*, actor: User, practice: Practice, **fields: Any) -> Practice:
    """The owning unit changes its record (the public flag too)."""
    _require(selectors.may_edit_practice(actor, practice), _("You may not change this practice."))
    refuse_unknown_fields(fields, EDITABLE)
    for key, value in fields.items():
        setattr(practice, key, value.strip() if isinstance(value, str) else value)
    _check_person(practice)
    _check_subfield(practice)
    practice.full_clean(exclude=["organization", "registered_by", "subfield", "area"])
    save_if_changed(practice, actor)
    return practice


@transaction.atomic
def result_add(
    *, actor: User, practice: Practice, replication: Replication | None = None, **row: Any
) -> PracticeResult:
    """A measured result of the practice, or of one unit's adoption of it."""
    allowed = (
        selectors.may_edit_replication(actor, replication)
        if replication
        else selectors.may_edit_practice(actor, practice)
    )
    _require(allowed, _("You may not add results here."))
    return PracticeResult.objects.create(
        practice=practice, replication=replication, **_clean_result(row)
    )


@transaction.atomic
def photo_add(
    *, actor: User, practice: Practice, upload: UploadedFile, caption: str = ""
) -> PracticePhoto:
    """A photo, resized and stripped of its metadata (place, camera, time) before saving."""
    _require(selectors.may_edit_practice(actor, practice), _("You may not add photos here."))
    try:
        content = process_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    photo = PracticePhoto(practice=practice, caption=caption.strip()[:200])
    photo.image.save(content.name or "photo.jpg", content, save=False)
    photo.save()
    return photo


def _lock(practice: Practice) -> None:
    """Hold the practice's row for the transaction and read its status afresh, so two
    decisions taken at the same moment cannot both pass the checks."""
    practice.status = (
        Practice.objects.select_for_update().values_list("status", flat=True).get(pk=practice.pk)
    )


@transaction.atomic
def appraisal_record(
    *,
    actor: User,
    practice: Practice,
    scores: dict[str, int],
    comments: str = "",
    appraised_on: datetime.date | None = None,
) -> Appraisal:
    """An appraisal-team member scores the six criteria (0–10); the practice is under appraisal."""
    _require(
        selectors.may_appraise_practice(actor, practice),
        _("Practices are appraised by a higher unit's officers."),
    )
    _lock(practice)
    if practice.status not in (PracticeStatus.REGISTERED, PracticeStatus.UNDER_APPRAISAL):
        raise Conflict(_("This practice has already been decided on."))
    errors = {}
    for name, label in CRITERIA:
        value = scores.get(name)
        if not isinstance(value, int) or not 0 <= value <= 10:
            errors[name] = _("Score “%(criterion)s” from 0 to 10.") % {"criterion": label}
    appraised_on = appraised_on or timezone.localdate()
    if appraised_on > timezone.localdate():
        errors["appraised_on"] = _("The appraisal date cannot be in the future.")
    elif appraised_on < practice.registered_on:
        errors["appraised_on"] = _(
            "The appraisal cannot be dated before the practice was registered (%(date)s)."
        ) % {"date": short_date(practice.registered_on)}
    if errors:
        raise ValidationError(errors)
    appraisal = Appraisal.objects.filter(practice=practice, appraiser=actor).first()
    appraisal = appraisal or Appraisal(practice=practice, appraiser=actor)
    fields: dict[str, Any] = {**scores, "comments": comments.strip(), "appraised_on": appraised_on}
    for name, field_value in fields.items():
        setattr(appraisal, name, field_value)
    attributed(appraisal, actor, verb="appraised").save()
    if practice.status == PracticeStatus.REGISTERED:
        practice.status = PracticeStatus.UNDER_APPRAISAL
        attributed(practice, actor, verb="appraised").save()
    return appraisal


def level_of(org: Organization) -> str:
    """The highest level an organisation can recognise at: its area's level."""
    area_level = org.area.level
    if area_level == AreaLevel.PROVINCE:
        return Level.PROVINCE
    return Level.COMMUNE


def _require_decider(actor: User, practice: Practice, decided_by: Organization) -> None:
    if not selectors.may_decide_practice(actor, practice, decided_by):
        raise PermissionDenied(
            _("Practices are recognised by a higher unit.")
            if selectors.may_decide_for(actor, decided_by)
            else _("You may not record decisions of this body.")
        )


def _current_level(practice: Practice) -> Recognition | None:
    """The decision that set the practice's present level (the highest, the latest of equals)."""
    decisions = list(practice.recognitions.filter(kind=RecognitionKind.RECOGNITION))
    if not decisions:
        return None
    return max(decisions, key=lambda r: (LEVEL_RANK[Level(r.level)], r.decided_on, r.pk))


def _check_decision(
    *,
    practice: Practice,
    decided_by: Organization,
    actor: User,
    level: str,
    decision_number: str,
    decided_on: datetime.date,
    not_before: tuple[datetime.date, str] | None = None,
) -> None:
    """The number, the level the body may give, and the date (`_decision_date_error`)."""
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
    if date_error := _decision_date_error(practice, decided_on, not_before):
        errors["decided_on"] = date_error
    if errors:
        raise ValidationError(errors)


def _decision_date_error(
    practice: Practice,
    decided_on: datetime.date,
    not_before: tuple[datetime.date, str] | None = None,
) -> str:
    """Why a decision's date is wrong, or "": it follows the registration, the appraisal and
    `not_before` (the previous decision, named), and it is not in the future."""
    appraised = practice.appraisals.order_by("-appraised_on").values_list("appraised_on", flat=True)
    last_appraisal = appraised.first()
    error = ""
    if decided_on > timezone.localdate():
        error = _("The decision date cannot be in the future.")
    elif decided_on < practice.registered_on:
        error = _("The decision cannot be dated before the practice was registered (%(date)s).") % {
            "date": short_date(practice.registered_on)
        }
    elif last_appraisal is not None and decided_on < last_appraisal:
        error = _("The decision cannot be dated before the appraisal (%(date)s).") % {
            "date": short_date(last_appraisal)
        }
    elif not_before is not None and decided_on < not_before[0]:
        error = not_before[1] % {"date": short_date(not_before[0])}
    return str(error)


def _record(
    *,
    actor: User,
    practice: Practice,
    kind: str,
    level: str,
    decision_number: str,
    decided_on: datetime.date,
    decided_by: Organization,
    status: str,
    verb: str,
    appraisal_waived_reason: str = "",
) -> Recognition:
    """The decision and the practice's new status, both in history with the act; the reason
    is the leader's own why-no-appraisal, if any (the decision itself is in the record)."""
    recognition = Recognition(
        practice=practice,
        kind=kind,
        level=level,
        decision_number=decision_number.strip(),
        decided_on=decided_on,
        decided_by=decided_by,
        recorded_by=actor,
        appraisal_waived_reason=appraisal_waived_reason,
    )
    reason = appraisal_waived_reason[:100]
    attributed(recognition, actor, reason, verb=verb).save()
    practice.status = status
    attributed(practice, actor, reason, verb=verb).save()
    return recognition


@transaction.atomic
def practice_recognise(
    *,
    actor: User,
    practice: Practice,
    decided_by: Organization,
    level: str,
    decision_number: str,
    decided_on: datetime.date | None = None,
    appraisal_waived_reason: str = "",
) -> Recognition:
    """Recognise a practice at a level: after an appraisal, or with a leader's reason why
    none was needed."""
    _require_decider(actor, practice, decided_by)
    _lock(practice)
    if practice.is_recognised:
        raise Conflict(_("This practice is already recognised; raise its level instead."))
    waived = appraisal_waived_reason.strip()
    if practice.appraisals.exists():
        if waived:
            raise ValidationError(
                {"appraisal_waived_reason": _("The practice has been appraised: leave the reason "
                                              "for doing without an appraisal empty.")}
            )  # fmt: skip
    elif not waived:
        raise Conflict(
            {"appraisal_waived_reason": _("The practice has not been appraised yet. Record the "
                                          "appraisal first, or a leader of the deciding body "
                                          "records why none is needed.")}
        )  # fmt: skip
    elif not selectors.may_waive_appraisal(actor, decided_by):
        raise PermissionDenied(
            _("Only a leader of %(body)s may recognise a practice without an appraisal.")
            % {"body": decided_by.name}
        )
    decided_on = decided_on or timezone.localdate()
    _check_decision(
        practice=practice, decided_by=decided_by, actor=actor, level=level,
        decision_number=decision_number, decided_on=decided_on,
    )  # fmt: skip
    return _record(
        actor=actor, practice=practice, kind=RecognitionKind.RECOGNITION, level=level,
        decision_number=decision_number, decided_on=decided_on, decided_by=decided_by,
        status=PracticeStatus.RECOGNISED, verb="recognised", appraisal_waived_reason=waived,
    )  # fmt: skip


@transaction.atomic
def practice_raise_level(
    *,
    actor: User,
    practice: Practice,
    decided_by: Organization,
    level: str,
    decision_number: str,
    decided_on: datetime.date | None = None,
) -> Recognition:
    """Raise a recognised practice to a higher level, by a decision dated on or after the
    previous one."""
    _require_decider(actor, practice, decided_by)
    _lock(practice)
    current = _current_level(practice)
    if not practice.is_recognised or current is None:
        raise Conflict(_("Only a recognised practice can have its level raised."))
    rank = LEVEL_RANK[Level(current.level)]
    if rank == max(LEVEL_RANK.values()):
        raise Conflict(_("This practice is recognised at the highest level; there is nothing "
                         "to raise."))  # fmt: skip
    if level in Level.values and LEVEL_RANK[Level(level)] <= rank:
        raise ValidationError(
            {"level": _("Already recognised at %(level)s: choose a higher level.")
             % {"level": Level(current.level).label.lower()}}
        )  # fmt: skip
    decided_on = decided_on or timezone.localdate()
    _check_decision(
        practice=practice, decided_by=decided_by, actor=actor, level=level,
        decision_number=decision_number, decided_on=decided_on,
        not_before=(current.decided_on, _("A raised level is dated on or after the previous "
                                          "decision (%(date)s).")),
    )  # fmt: skip
    return _record(
        actor=actor, practice=practice, kind=RecognitionKind.RECOGNITION, level=level,
        decision_number=decision_number, decided_on=decided_on, decided_by=decided_by,
        status=practice.status, verb="raised",
    )  # fmt: skip


@transaction.atomic
def practice_commend(
    *,
    actor: User,
    practice: Practice,
    decided_by: Organization,
    level: str,
    decision_number: str,
    decided_on: datetime.date | None = None,
) -> Recognition:
    """Commend a recognised practice, by a decision dated on or after its recognition."""
    _require_decider(actor, practice, decided_by)
    _lock(practice)
    first = practice.recognitions.filter(kind=RecognitionKind.RECOGNITION).order_by("decided_on")
    recognised = first.first()
    if not practice.is_recognised or recognised is None:
        raise Conflict(_("A practice is commended after it is recognised."))
    decided_on = decided_on or timezone.localdate()
    _check_decision(
        practice=practice, decided_by=decided_by, actor=actor, level=level,
        decision_number=decision_number, decided_on=decided_on,
        not_before=(recognised.decided_on, _("A commendation is dated on or after the "
                                             "recognition (%(date)s).")),
    )  # fmt: skip
    return _record(
        actor=actor, practice=practice, kind=RecognitionKind.COMMENDATION, level=level,
        decision_number=decision_number, decided_on=decided_on, decided_by=decided_by,
        status=PracticeStatus.COMMENDED, verb="commended",
    )  # fmt: skip


@transaction.atomic
def practice_not_recognise(
    *,
    actor: User,
    practice: Practice,
    decided_by: Organization,
    decision_number: str = "",
    decided_on: datetime.date | None = None,
) -> None:
    """Record that the practice was appraised and not recognised: by which body, and by which
    decision when there is one (its number and date are kept as a recognition's are)."""
    _require_decider(actor, practice, decided_by)
    _lock(practice)
    if practice.is_recognised:
        raise Conflict(_("A recognised practice keeps its recognition."))
    if practice.status == PracticeStatus.NOT_RECOGNISED:
        raise Conflict(_("This practice is already recorded as not recognised."))
    if decided_on is not None and (date_error := _decision_date_error(practice, decided_on)):
        raise ValidationError({"decided_on": date_error})
    practice.status = PracticeStatus.NOT_RECOGNISED
    practice.not_recognised_by = decided_by
    practice.not_recognised_number = decision_number.strip()
    practice.not_recognised_on = decided_on
    attributed(practice, actor, verb="not_recognised").save()


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
    appraisal_waived_reason: str = "",
) -> Recognition | None:
    """The page's one decision form: not recognised, recognised (or, once recognised, the
    level raised), or commended — each by its own service."""
    decision: dict[str, Any] = {
        "actor": actor, "practice": practice, "decided_by": decided_by, "level": level,
        "decision_number": decision_number, "decided_on": decided_on,
    }  # fmt: skip
    if not recognised:
        practice_not_recognise(
            actor=actor, practice=practice, decided_by=decided_by,
            decision_number=decision_number, decided_on=decided_on,
        )  # fmt: skip
        return None
    if kind == RecognitionKind.COMMENDATION:
        return practice_commend(**decision)
    if kind != RecognitionKind.RECOGNITION:
        raise ValidationError({"kind": _("Choose recognition or commendation.")})
    if practice.is_recognised and not appraisal_waived_reason.strip():
        return practice_raise_level(**decision)
    return practice_recognise(**decision, appraisal_waived_reason=appraisal_waived_reason)


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
    _require(
        selectors.may_replicate_practice(actor, practice, organization),
        _("You may not record adoptions for this unit."),
    )
    if not practice.is_recognised:
        raise Conflict(_("Only a recognised practice is replicated."))
    if organization.pk == practice.organization_id:
        raise ValidationError(
            {"organization": _("The unit that built the practice cannot adopt it.")}
        )
    recognised = (
        practice.recognitions.filter(kind=RecognitionKind.RECOGNITION)
        .order_by("decided_on")
        .values_list("decided_on", flat=True)
        .first()
    )
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("The date cannot be in the future.")})
    if recognised is not None and adopted_on < recognised:
        raise ValidationError(
            {"adopted_on": _("A unit adopts a practice once it is recognised: date the adoption "
                             "on or after the recognition decision (%(date)s).")
             % {"date": short_date(recognised)}}
        )  # fmt: skip
    if Replication.objects.filter(practice=practice, organization=organization).exists():
        raise Conflict({"organization": _("This unit has already recorded its adoption.")})
    rows = [_clean_result(row) for row in results or []]
    replication = Replication(
        practice=practice,
        organization=organization,
        adopted_on=adopted_on,
        adaptation=adaptation.strip(),
        recorded_by=actor,
    )
    attributed(replication, actor, verb="replicated").save()
    for row in rows:
        PracticeResult.objects.create(practice=practice, replication=replication, **row)
    return replication
