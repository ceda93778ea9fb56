"""Reads for accounts."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.lib.records import one_or_404

from .models import ApiToken, SecurityEvent, User


def requires_two_factor(user: User) -> bool:
    """Admins and leaders (and superusers) must use a second factor; demo accounts may skip."""
    if not user.is_authenticated:
        return False
    if settings.DANVAN_DEMO_SKIPS_2FA and user.is_demo:
        return False
    if user.is_superuser:
        return True
    return user.active_memberships().filter(role__in=settings.DANVAN_2FA_REQUIRED_ROLES).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    """How many of the user's single-use recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def users_with_two_factor(user_ids: list[int]) -> set[int]:
    """Which of these users have a confirmed authenticator, in one query."""
    return set(
        TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list(
            "user_id", flat=True
        )
    )


def security_events_of(user: User, limit: int = 20) -> list[SecurityEvent]:
    """The user's own sign-in security log, newest first."""
    return list(SecurityEvent.objects.of_users([user.pk])[:limit])


def two_factor_resets_of(user_ids: list[int], limit: int = 50) -> list[SecurityEvent]:
    """Resets of these users' two-factor sign-in (who, whom, when, why), newest first."""
    resets = SecurityEvent.objects.of_users(user_ids).filter(
        kind=SecurityEvent.Kind.TWO_FACTOR_RESET
    )
    return list(resets[:limit])


def account_with_email(email: str) -> User | None:
    """The account signing in with this address (addresses match whatever their case)."""
    return User.objects.filter(email__iexact=email.strip()).first()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def get_token_for_user(user: User, pk: int | str) -> ApiToken:
    """One of the user's own tokens; anyone else's answers 404, like one that does not exist."""
    return one_or_404(ApiToken.objects.filter(user_id=user.pk), pk)
