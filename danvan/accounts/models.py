"""People who sign in, and their personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.lib.history import VerbHistory


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An officer who signs in with an e-mail address."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("May sign in to the Django admin.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        # Vietnamese officers are addressed by their full name in formal contexts.
        return self.full_name or self.email

    def active_memberships(self) -> Any:
        """The user's current roles, with their organisations (the reverse of Membership.user)."""
        return (
            self.memberships.active()  # type: ignore[attr-defined]
            .select_related("organization", "organization__area", "organization__kind")
            .order_by("organization__path")
        )

    @property
    def is_demo(self) -> bool:
        return self.email.endswith("@" + settings.DANVAN_DEMO_EMAIL_DOMAIN)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token for the REST API; only its hash is stored."""

    PREFIX = "dv_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    # Who revoked a token, and when, is kept; the key's hash and each use are not.
    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SecurityEventQuerySet(models.QuerySet["SecurityEvent"]):
    def of_users(self, user_ids: list[int]) -> SecurityEventQuerySet:
        return self.filter(user_id__in=user_ids).select_related("user", "actor")


class SecurityEvent(models.Model):
    """A line in a person's sign-in security log: two-factor turned on, recovery codes made or
    used, devices reset by a leader. Written once, never changed: the log is its own history."""

    class Kind(models.TextChoices):
        TWO_FACTOR_ON = "two_factor_on", _("Two-factor sign-in turned on")
        RECOVERY_CODES_NEW = "recovery_codes_new", _("New recovery codes made")
        RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="security_events",
        verbose_name=_("user"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    # Where the person acting did it from, e.g. the organisation whose member page it was.
    detail = models.CharField(_("detail"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"
