"""Reads for accounts."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.lib.records import one_or_404

from .models import ApiToken, User


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


def account_with_email(email: str) -> User | None:
    """The account signing in with this address (addresses match whatever their case)."""
    return User.objects.filter(email__iexact=email.strip()).first()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def get_token_for_user(user: User, pk: int | str) -> ApiToken:
    """One of the user's own tokens; anyone else's answers 404, like one that does not exist."""
    return one_or_404(ApiToken.objects.filter(user_id=user.pk), pk)
