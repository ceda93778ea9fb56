"""Writes for accounts: API tokens and two-factor devices."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.lib.errors import Conflict
from danvan.lib.history import attributed

from .models import ApiToken, User, hash_token


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as the tool that uses it.")})
    longest = ApiToken._meta.get_field("name").max_length or 0
    if len(name) > longest:
        raise ValidationError(
            {"name": _("Keep the name to %(n)d characters at most.") % {"n": longest}}
        )
    raw = ApiToken.generate_raw()
    token = attributed(ApiToken(user=user, name=name, key_hash=hash_token(raw), hint=raw[:8]), user)
    token.save()
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken, strict: bool = False) -> ApiToken:
    """Revoke one's own token. A second revocation is a no-op, or with `strict` a Conflict.

    The profile page takes a second click as done; the API answers 409.
    """
    if token.user_id != user.pk:
        raise ValidationError(_("This token is not yours."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        if strict:
            raise Conflict(_("This token is already revoked."))
        return token
    token.revoked_at = timezone.now()
    attributed(token, user, verb="revoked").save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> User | None:
    """The active user owning this active token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def totp_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device to scan; replaces an earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, code: str) -> TOTPDevice:
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ValidationError({"code": _("The code is wrong or has expired; try the next one.")})
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device
