"""Writes for accounts: API tokens, two-factor devices and recovery codes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.lib.errors import Conflict
from danvan.lib.history import attributed

from .models import ApiToken, SecurityEvent, User, hash_token

RECOVERY_CODE_COUNT = 10


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
    """Revoke one's own token — or, a superuser in the admin, anyone's (a lost laptop). A second
    revocation is a no-op, or with `strict` a Conflict. A revoked token stays revoked.

    The profile page takes a second click as done; the API answers 409.
    """
    if token.user_id != user.pk and not user.is_superuser:
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


@transaction.atomic(durable=True)
def two_factor_turn_on(*, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the scanned device and make the first recovery codes, both or neither; the codes
    are returned once, to be shown to their owner, and never again."""
    totp_confirm(device=device, code=code)
    SecurityEvent.objects.create(
        user=device.user, actor=device.user, kind=SecurityEvent.Kind.TWO_FACTOR_ON
    )
    return recovery_codes_create(user=device.user)


def format_recovery_code(token: str) -> str:
    """«abcd-efgh»: two halves are easier to copy by hand."""
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


def _normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """Ten new single-use recovery codes; the earlier ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(_("Turn on two-factor authentication first."))
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    tokens: list[str] = []
    while len(tokens) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in tokens:
            tokens.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODES_NEW)
    return [format_recovery_code(t) for t in tokens]


def recovery_code_use(*, user: User, code: str) -> StaticDevice:
    """Spend one recovery code in place of the authenticator's code.

    Not one transaction on purpose: a wrong code's count (the device's throttling, which makes
    each next try wait longer) must stay saved when the code is refused.
    """
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    token = _normalise_recovery_code(code)
    if device is not None and not device.verify_is_allowed()[0]:
        raise ValidationError({"code": _("Too many wrong codes: wait a minute, then try again.")})
    if device is None or not token or not device.verify_token(token):
        raise ValidationError({"code": _("This recovery code is wrong or has already been used.")})
    SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODE_USED)
    return device


@transaction.atomic
def two_factor_reset(*, actor: User, user: User, reason: str, detail: str = "") -> SecurityEvent:
    """Remove the person's authenticator and recovery codes, so that they set up anew at their
    next sign-in, and log who did it and why.

    Whether the actor may is the caller's to decide: a leader or administrator of one of the
    person's organisations (`org.services.member_two_factor_reset`), which this floor cannot see.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, e.g. how the person lost their phone.")})
    if actor.pk == user.pk:
        raise PermissionDenied(
            _("You cannot reset your own two-factor sign-in: ask another leader or administrator.")
        )
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(_("%(name)s has no two-factor device to reset.") % {"name": user})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return SecurityEvent.objects.create(
        user=user,
        actor=actor,
        kind=SecurityEvent.Kind.TWO_FACTOR_RESET,
        reason=reason,
        detail=detail[:250],
    )
