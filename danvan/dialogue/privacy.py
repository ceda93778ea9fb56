"""Personal data in petitions (Law 91/2025/QH15 on personal data protection, Decree 356/2025).

What the app keeps of a person is `Petitioner` (encrypted, no history). The citizen's text may
still carry an ID number or a phone number: at intake they are moved into the petitioner's
encrypted fields and masked in the text, so no page, export or API ever shows them. The consent
text is versioned; the version a citizen agreed to is stored with the time.

Encryption at rest and key rotation
-----------------------------------
`Petitioner`'s fields and `Petition.text` are django-fernet-encrypted-fields: each value is a
Fernet token («gAAAA…») under a key derived from `SECRET_KEY` (and `SECRET_KEY_FALLBACKS`)
and one salt of `SALT_KEY`, which settings build from `DANVAN_FIELD_KEYS` (comma-separated,
newest first). A value is written under the first key and read under any, so rotating is:

1. generate a key (`python -c "import secrets; print(secrets.token_urlsafe(32))"`) and put it
   first: `DANVAN_FIELD_KEYS=<new>,<old>`; restart;
2. run `danvan rotate_field_keys`: it re-encrypts every stored value under the new key, in
   batches, and stops without writing anything it cannot read;
3. remove the old key from `DANVAN_FIELD_KEYS`; restart.

Changing `SECRET_KEY` works the same way with the old one in `SECRET_KEY_FALLBACKS`. A value no
key opens is returned by the library as its raw token, never as the text: keep every key that
wrote a stored value until the command has run. Erased values are stored as NULL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedFieldMixin

# A citizen identity card (12 digits) or an old identity card (9 digits), standing alone: not
# part of a longer number nor of a grouped one («1.500.000», «12,5»), but masked before the
# comma or full stop that ends a clause.
ID_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])(\d{12}|\d{9})(?!\d)(?![.,]\d)")
# A Vietnamese phone number: 0 or +84 then 9 digits, spaces or dots allowed between groups.
PHONE = re.compile(r"(?<![\d])(?:\+84|0)(?:[ .]?\d){9}(?![\d])")
MASK = "•••"

CONSENT_TEXT = {
    "2026-01": _(
        "I agree that the units handling my petition use my name, telephone, e-mail and "
        "address only to settle it and to tell me the result. They are kept encrypted, seen "
        "only by the officers handling it, never published, and erased after the case is "
        "closed. I may ask to see, correct or erase them, or withdraw this consent."
    ),
}


def consent_text(version: str) -> str:
    return str(CONSENT_TEXT[version])


def take_identifiers(text: str) -> tuple[str, list[str], list[str]]:
    """The text with ID and phone numbers masked, the ID numbers found, the phones found."""
    ids = ID_NUMBER.findall(text)
    phones = [m.group(0) for m in PHONE.finditer(text)]
    masked = PHONE.sub(MASK, text)
    masked = ID_NUMBER.sub(MASK, masked)
    return masked, ids, phones


def mask(text: str) -> str:
    return take_identifiers(text)[0]


# --- Keys -----------------------------------------------------------------------------------

KEY_SETTINGS = {"SALT_KEY", "SECRET_KEY", "SECRET_KEY_FALLBACKS"}


def encrypted_fields() -> Iterator[tuple[Any, list[Any]]]:
    """Each model of danvan with encrypted fields, and those fields."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)]
        if fields:
            yield model, fields


def forget_keys() -> None:
    """Drop the keys the encrypted fields derived and cached, so they derive them again from
    the settings (the library caches them per field for the life of the process)."""
    for _model, fields in encrypted_fields():
        for field in fields:
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in KEY_SETTINGS:
        forget_keys()
