"""In-app notifications (the bell) and each person's choice of how to be told, per kind."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from danvan.lib.notify import KINDS


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the application only")
    EMAIL = "email", _("In the application and by e-mail at once")
    DIGEST = "digest", _("In the application and in one daily digest e-mail")
    OFF = "off", _("Off")


DEFAULT_CHANNEL = Channel.EMAIL

KIND_CHOICES = [(code, label) for code, label in KINDS.items()]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: object) -> NotificationQuerySet:
        """A person's notifications are their own, nobody else's (administrators included)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a person was told: what, about which record, when, and whether they read it.

    Not kept in history: a notification is a message, not a record of the work; it goes when
    the person's account is deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("record"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Waiting for the daily digest e-mail (the person chose the digest for this kind).
    digest_pending = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="dash_notif_unread"),
            models.Index(
                fields=["digest_pending"],
                condition=models.Q(digest_pending=True),
                name="dash_notif_digest",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a person wants to be told of one kind; without a row, the default channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="dash_pref_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}"
