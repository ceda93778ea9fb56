"""Writes to petitioners' personal data (Law 91/2025/QH15): showing it (logged), correcting and
erasing it, the retention job, the export log, and data subject requests on their legal clock.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.errors import Conflict, refuse_unknown_fields
from danvan.lib.history import attributed

from . import deadlines, privacy, selectors
from .models import (
    DataRequest,
    IdentityAccess,
    Petition,
    PetitionAttachment,
    Petitioner,
    RequestKind,
    RequestState,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User
from .services import _locked, _not_future, _raise, _today
from .services_intake import PERSONAL_FIELDS

# --- Personal data --------------------------------------------------------------------------


@transaction.atomic
def petitioner_reveal(*, actor: User, petition: Petition) -> Petitioner | None:
    """The petitioner's identity for an officer who may see it, each time logged; None when
    there is nothing to show (erased) — PermissionDenied for anyone else.

    A refusal is not written to `IdentityAccess`: the log lists the times personal data was
    shown, and a refused officer saw nothing (the refusal is a 403, in the server's log)."""
    if not selectors.may_see_identity(actor, petition):
        raise PermissionDenied(
            _("The petitioner's identity is shown only to the officers handling it.")
        )
    petitioner = Petitioner.objects.filter(petition=petition).first()
    if petitioner is None or petitioner.is_erased:
        return None
    IdentityAccess.objects.create(
        petition=petition, user=actor, purpose=IdentityAccess.Purpose.VIEW
    )
    return petitioner


@transaction.atomic
def petitioner_correct(*, actor: User, petition: Petition, **fields: str) -> Petitioner:
    refuse_unknown_fields(fields, PERSONAL_FIELDS)
    if not selectors.may_see_identity(actor, petition):
        raise PermissionDenied(
            _("The petitioner's identity is shown only to the officers handling it.")
        )
    petitioner = Petitioner.objects.select_for_update().get(petition=petition)
    if petitioner.is_erased:
        raise Conflict(_("The petitioner's data was erased."))
    for field, value in fields.items():
        setattr(petitioner, field, (value or "").strip())
    errors: dict[str, str] = {}
    if petitioner.id_number and not privacy.ID_NUMBER.fullmatch(petitioner.id_number):
        errors["id_number"] = _("An ID number is 12 digits (or 9 on an old card).")
    if petitioner.phone and not privacy.PHONE.fullmatch(petitioner.phone):
        errors["phone"] = _("Give a Vietnamese telephone number, such as 0912 345 678.")
    _raise(errors)
    petitioner.save()
    IdentityAccess.objects.create(
        petition=petition, user=actor, purpose=IdentityAccess.Purpose.CORRECT,
        detail=", ".join(sorted(fields)),
    )  # fmt: skip
    return petitioner


def _erase(petitioner: Petitioner, actor: User | None, reason: str) -> None:
    for field in PERSONAL_FIELDS:
        setattr(petitioner, field, "")
    petitioner.erased_at = timezone.now()
    petitioner.save()
    petition = petitioner.petition
    petition.text = ""
    petition.save(update_fields=["text"])
    _erase_files(petition)
    if actor is not None:
        IdentityAccess.objects.create(
            petition=petition, user=actor, purpose=IdentityAccess.Purpose.ERASE, detail=reason[:300]
        )


def _erase_files(petition: Petition) -> None:
    """The files the citizen sent (an ID card's photo, a letter) go with their data: the rows
    now, the files once the erasure is committed (a rolled-back one keeps them)."""
    names = [name for name in petition.attachments.values_list("file", flat=True) if name]
    petition.attachments.all().delete()
    storage = PetitionAttachment._meta.get_field("file").storage  # type: ignore[attr-defined]

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def petitioner_erase(*, actor: User | None, petition: Petition, reason: str) -> None:
    """Erase the person's data now (a request, or the retention job): the case stays."""
    if actor is not None and not selectors.may_handle_data_requests(actor, petition):
        raise PermissionDenied(_("Only an administrator erases personal data."))
    petitioner = Petitioner.objects.select_for_update().filter(petition=petition).first()
    if petitioner is None or petitioner.is_erased:
        raise Conflict(_("There is no personal data left to erase."))
    _erase(petitioner, actor, reason)


def erase_expired(*, today: datetime.date | None = None) -> int:
    """The retention job: erase the personal data of cases closed more than the set days ago.
    Returns how many petitioners were erased."""
    today = today or _today()
    limit = today - datetime.timedelta(days=settings.DANVAN_PETITIONER_RETENTION_DAYS)
    erased = 0
    expired = Petitioner.objects.filter(
        erased_at__isnull=True, petition__closed_on__isnull=False, petition__closed_on__lt=limit
    ).select_related("petition")
    for petitioner in expired.iterator(chunk_size=500):
        with transaction.atomic():
            _erase(petitioner, None, "retention")
        erased += 1
    return erased


def log_export(*, actor: User, petitions: int, personal: bool) -> None:
    """Every export of the petitions list is logged; with personal fields, as such."""
    IdentityAccess.objects.create(
        user=actor,
        purpose=IdentityAccess.Purpose.EXPORT,
        detail=f"{petitions} petitions{' with personal fields' if personal else ''}",
    )


# --- Data subject requests ------------------------------------------------------------------


@transaction.atomic
def data_request_create(
    *,
    actor: User | None,
    petition: Petition,
    kind: str,
    received_on: datetime.date,
    details: str = "",
    today: datetime.date | None = None,
) -> DataRequest:
    """Record a person's request about their data; it is acknowledged within 2 working days."""
    if actor is not None and not selectors.may_handle_data_requests(actor, petition):
        raise PermissionDenied(_("Data requests are handled by administrators."))
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose see, correct, erase or withdraw consent.")
    _not_future(errors, "received_on", received_on, today or _today())
    _raise(errors)
    request = DataRequest(
        petition=petition, kind=kind, received_on=received_on, details=details.strip(),
        acknowledge_due=deadlines.add_working_days(received_on, 2),
    )  # fmt: skip
    attributed(request, actor).save()
    return request


@transaction.atomic
def data_request_acknowledge(
    *, actor: User | None, request: DataRequest, acknowledged_on: datetime.date | None = None
) -> DataRequest:
    if actor is not None and not selectors.may_handle_data_requests(actor, request.petition):
        raise PermissionDenied(_("Data requests are handled by administrators."))
    request = _locked(request)
    if request.state != RequestState.RECEIVED:
        raise Conflict(_("This request is already acknowledged."))
    day = acknowledged_on or _today()
    if day < request.received_on:
        raise ValidationError({"acknowledged_on": _("It is acknowledged after it was received.")})
    request.acknowledged_on = day
    request.state = RequestState.ACKNOWLEDGED
    request.handled_by = actor
    attributed(request, actor, verb="acknowledged").save()
    return request


@transaction.atomic
def data_request_complete(
    *,
    actor: User | None,
    request: DataRequest,
    outcome: str,
    refuse: bool = False,
    corrections: dict[str, str] | None = None,
) -> DataRequest:
    """Do what was asked (erase, withdraw consent, correct, or answer a «see» request), or
    refuse with the reason; an erasure or withdrawal erases the person's data, the case stays."""
    if actor is not None and not selectors.may_handle_data_requests(actor, request.petition):
        raise PermissionDenied(_("Data requests are handled by administrators."))
    request = _locked(request)
    if request.state in (RequestState.DONE, RequestState.REFUSED):
        raise Conflict(_("This request is already closed."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done, or why it was refused.")})
    petition = request.petition
    if not refuse:
        petitioner = Petitioner.objects.select_for_update().filter(petition=petition).first()
        if request.kind in (RequestKind.ERASE, RequestKind.WITHDRAW):
            if petitioner is not None and not petitioner.is_erased:
                if request.kind == RequestKind.WITHDRAW:
                    petitioner.consent_withdrawn_at = timezone.now()
                _erase(petitioner, actor, outcome.strip())
        elif request.kind == RequestKind.CORRECT and corrections:
            if actor is None:
                raise PermissionDenied(_("Corrections are made by an officer."))
            petitioner_correct(actor=actor, petition=petition, **corrections)
    request.outcome = outcome.strip()
    request.done_on = _today()
    request.acknowledged_on = request.acknowledged_on or request.done_on
    request.state = RequestState.REFUSED if refuse else RequestState.DONE
    request.handled_by = actor
    attributed(request, actor, verb="closed").save()
    return request
