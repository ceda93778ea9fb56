"""Writes to a person's calendar feed address: its secret key, made once and renewed on demand.

The key stands in for signing in (calendar programs cannot), so it is long and random
(`secrets.token_urlsafe`), and renewing it turns the old address off at once.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction

from .models import FeedKey

if TYPE_CHECKING:
    from danvan.accounts.models import User

KEY_BYTES = 32  # 43 characters in the address


def _new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


@transaction.atomic
def feed_key_get_or_create(*, user: User) -> FeedKey:
    """The person's feed key, made the first time they ask for their address."""
    found, _created = FeedKey.objects.get_or_create(user=user, defaults={"key": _new_key()})
    return found


@transaction.atomic
def feed_key_renew(*, user: User) -> FeedKey:
    """A new key for the person's feed: the old address stops working."""
    found, created = FeedKey.objects.select_for_update().get_or_create(
        user=user, defaults={"key": _new_key()}
    )
    if not created:
        found.key = _new_key()
        found.save(update_fields=["key", "created_at"])
    return found
