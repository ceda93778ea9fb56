"""Petitions in: a tracking code at once, the petition checked, the petitioner's data kept
encrypted beside it with their consent, the files they sent checked. The workflow that follows
is in `services_petitions.py`; the same rules hold (keyword-only, one transaction, `may_…`
selectors, a ValidationError naming the field). `actor=None` is the system, or the citizen for
`petition_create(channel="public_form")`.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.lib.errors import Conflict
from danvan.lib.history import attributed
from danvan.lib.uploads import check_upload, safe_name
from danvan.org.models import Area, AreaLevel, Organization
from danvan.situation.models import Topic

from . import deadlines, privacy, selectors
from .models import (
    Complexity,
    Dialogue,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    Petitioner,
    PetitionKind,
    Reception,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User
from .services import _not_future, _raise, _refuse, _today

# Unambiguous letters and digits (no 0/O, 1/I/L): a code read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PERSONAL_FIELDS = ("name", "phone", "email", "address", "id_number")


# --- Petitions: intake ----------------------------------------------------------------------


def new_code() -> str:
    """«KN-», then 8 characters from 31 in two groups of four (KN-7K3M-Q9TD): about 8.5 × 10^11
    codes, not guessable."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"KN-{raw[:4]}-{raw[4:]}"


def new_public_id() -> str:
    """«DV» and 8 characters from 31, drawn like a code but never one (Open311's lists)."""
    return "DV" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(code: str) -> str:
    """What a citizen types (lower case, spaces, missing dashes) to the stored form."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    # Only a 10-character form carries the prefix: the 8 drawn characters may start with KN.
    if len(raw) == 10 and raw.startswith("KN"):
        raw = raw[2:]
    if len(raw) != 8:
        return ""
    return f"KN-{raw[:4]}-{raw[4:]}"


def _check_petition(petition: Petition, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if petition.kind not in PetitionKind.values:
        errors["kind"] = _("Choose petition, feedback, complaint or denunciation.")
    if petition.channel not in PetitionChannel.values:
        errors["channel"] = _("Choose how the petition came in.")
    if petition.complexity not in Complexity.values:
        errors["complexity"] = _("Choose ordinary or complex.")
    if not petition.summary.strip():
        errors["summary"] = _("Say in a sentence what the petition is about.")
    _not_future(errors, "received_on", petition.received_on, today)
    area = petition.area
    if area.level not in (AreaLevel.COMMUNE, AreaLevel.VILLAGE):
        errors["area"] = _("Choose the commune or village the petition is about.")
    elif not area.path.startswith(petition.organization.area.path):
        errors["area"] = _("%(area)s is outside the area of %(org)s.") % {
            "area": area.name, "org": petition.organization.name
        }  # fmt: skip
    if not petition.topic.is_active:
        errors["topic"] = _("The topic “%(topic)s” is retired; choose one in use.") % {
            "topic": petition.topic.label
        }
    _raise(errors)


def _petitioner(
    petition: Petition, person: dict[str, str], ids: list[str], phones: list[str], consent: bool
) -> Petitioner:
    unknown = set(person) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    data = {field: (person.get(field) or "").strip() for field in PERSONAL_FIELDS}
    if not data["id_number"] and ids:
        data["id_number"] = ids[0]
    if not data["phone"] and phones:
        data["phone"] = phones[0]
    errors: dict[str, str] = {}
    if data["id_number"] and not privacy.ID_NUMBER.fullmatch(data["id_number"]):
        errors["id_number"] = _("An ID number is 12 digits (or 9 on an old card).")
    if data["phone"] and not privacy.PHONE.fullmatch(data["phone"]):
        errors["phone"] = _("Give a Vietnamese telephone number, such as 0912 345 678.")
    if any(data.values()) and not consent:
        errors["consent"] = _("Personal data is kept only with the petitioner's consent.")
    _raise(errors)
    return Petitioner(
        petition=petition,
        consent_version=settings.DANVAN_CONSENT_VERSION if consent else "",
        consent_at=timezone.now() if consent else None,
        **data,
    )


@transaction.atomic
def petition_create(
    *,
    actor: User | None,
    organization: Organization,
    area: Area,
    topic: Topic,
    kind: str,
    channel: str,
    summary: str,
    text: str = "",
    received_on: datetime.date | None = None,
    complexity: str = Complexity.NORMAL,
    remote_area: bool = False,
    second_level: bool = False,
    reception: Reception | None = None,
    dialogue: Dialogue | None = None,
    person: dict[str, str] | None = None,
    consent: bool = False,
    attachments: Iterable[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Petition:
    """Record a petition and give its tracking code at once; the acceptance clock starts.

    ID and phone numbers typed into the summary or the text are masked there and kept only in
    the petitioner's encrypted fields.
    """
    today = today or _today()
    _refuse(actor, selectors.may_record_for(actor, organization) if actor else True,
            _("You may not record petitions for this unit."))  # fmt: skip
    summary_masked, ids_s, phones_s = privacy.take_identifiers(summary.strip())
    text_masked, ids_t, phones_t = privacy.take_identifiers(text.strip())
    received_on = received_on or today
    petition = Petition(
        organization=organization, area=area, topic=topic, kind=kind, channel=channel,
        complexity=complexity, remote_area=remote_area,
        second_level=second_level, summary=summary_masked, text=text_masked,
        reception=reception, dialogue=dialogue, received_on=received_on, created_by=actor,
    )  # fmt: skip
    _check_petition(petition, today)
    # Counted once the day is known good: from 31/12/9999 it would run past the calendar.
    petition.due_on = deadlines.add_working_days(received_on, deadlines.acceptance_days())
    if reception is not None and reception.organization_id != organization.pk:
        raise ValidationError({"reception": _("Choose a reception session of the same unit.")})
    if dialogue is not None and dialogue.organization_id != organization.pk:
        raise ValidationError({"dialogue": _("Choose a dialogue of the same unit.")})
    files = list(attachments)
    for upload in files:
        check_upload(upload)
    for _attempt in range(5):
        petition.code = new_code()
        petition.public_id = new_public_id()
        try:
            with transaction.atomic():
                attributed(petition, actor).save()
            break
        except IntegrityError:  # the same code drawn twice: draw again
            petition.pk = None
    else:  # pragma: no cover — 5 collisions in 8.5 × 10^11 (the code or the public id)
        raise Conflict(_("Could not give a tracking code; try again."))
    person = person or {}
    petitioner = _petitioner(petition, person, ids_s + ids_t, phones_s + phones_t, consent)
    petitioner.save()
    store_files(petition, files)
    return petition


def store_files(petition: Petition, files: list[UploadedFile]) -> list[PetitionAttachment]:
    """Keep the files (checked already by the caller) with the petition, under safe names."""
    stored = []
    for upload in files:
        name = safe_name(upload.name or "file")
        upload.name = name
        stored.append(PetitionAttachment.objects.create(petition=petition, file=upload, name=name))
    return stored
