"""The people's situation: topics, situation notes and their follow-ups, area maps, alerts.

Notes describe issues and areas, never persons: there is no field for a person's name, number,
ethnicity, religion or opinion, and `privacy.py` flags text that looks like it names one.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.documents.models import Document
from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

if TYPE_CHECKING:
    from danvan.accounts.models import User


# --- Topics -------------------------------------------------------------------------------


class Topic(models.Model):
    """A topic of the people's situation, two levels (group and topic); data, not code.

    Codes are stable: the monthly report's figures are keyed by the groups' codes. A topic no
    longer used is retired (`is_active`), never deleted, so old notes keep their topic.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("situation topic")
        verbose_name_plural = _("situation topics")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name if (get_language() or "vi").startswith("vi") else self.name_en

    @property
    def group(self) -> Topic:
        """The top-level topic the counts and alerts are kept by."""
        return self.parent if self.parent_id else self  # type: ignore[return-value]

    @property
    def group_id(self) -> int:
        return self.parent_id or self.pk


# --- Notes --------------------------------------------------------------------------------


class Level(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WATCH = "watch", _("To watch")
    HOT_SPOT = "hot_spot", _("Hot spot")
    COMPLEX = "complex", _("Complex incident")


SERIOUS_LEVELS = (Level.HOT_SPOT, Level.COMPLEX)


class SourceKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    RECEPTION = "reception", _("Citizen reception")
    FIELD_VISIT = "field_visit", _("Field visit")
    MEDIA = "media", _("Press and social media")
    NETWORK = "network", _("Grassroots network")


class NoteStatus(models.TextChoices):
    FOLLOWING = "following", _("Following")
    RESOLVED = "resolved", _("Resolved")


class NoteQuerySet(models.QuerySet["Note"]):
    def visible_to(self, user: User) -> NoteQuerySet:
        """The one rule: a note is seen by whoever sees the unit that filed it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))

    def serious(self) -> NoteQuerySet:
        return self.filter(level__in=SERIOUS_LEVELS)


class Note(models.Model):
    """What a unit learned in the community: an issue in an area, on a topic, on a day."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    # The commune the area lies in (the area itself for a commune): what counts are kept by.
    commune = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        null=True,
        verbose_name=_("commune"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="notes", verbose_name=_("topic")
    )
    event_date = models.DateField(_("date of the event"))
    summary = models.CharField(pgettext_lazy("situation", "summary"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    people_concerned = models.PositiveIntegerField(
        _("people concerned (about)"), null=True, blank=True
    )
    level = models.CharField(
        pgettext_lazy("situation", "level"),
        max_length=10,
        choices=Level.choices,
        default=Level.NORMAL,
    )
    source = models.CharField(_("source"), max_length=15, choices=SourceKind.choices)
    actions = models.TextField(_("what was done"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.FOLLOWING
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    programs = models.ManyToManyField(
        Program, related_name="+", blank=True, verbose_name=_("coordination programmes")
    )
    oversights = models.ManyToManyField(
        Oversight, related_name="+", blank=True, verbose_name=_("inspections and supervisions")
    )
    documents = models.ManyToManyField(
        Document, related_name="+", blank=True, verbose_name=_("documents")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("filed by"),
    )
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(
        bases=[VerbHistory],
        m2m_fields=[programs, oversights, documents],
        excluded_fields=["search_text", "commune"],
    )
    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation note")
        verbose_name_plural = _("situation notes")
        ordering = ["-event_date", "-pk"]
        indexes = [
            models.Index(fields=["commune", "event_date"], name="situation_note_commune_day"),
            models.Index(fields=["level", "status"], name="situation_note_level_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="following", resolved_on__isnull=True)
                | models.Q(status="resolved", resolved_on__isnull=False),
                name="situation_note_resolved_on",
            )
        ]

    def __str__(self) -> str:
        return self.summary

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.summary} {self.details} {self.actions}")
        super().save(*args, **kwargs)

    @property
    def is_serious(self) -> bool:
        return self.level in SERIOUS_LEVELS


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, user: User) -> FollowUpQuerySet:
        """A follow-up is seen with its note."""
        return self.filter(ReportingScope.for_user(user).q("note__organization"))


class FollowUp(models.Model):
    """What happened next: a dated entry on a note, with the level it now stands at."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("note")
    )
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    level = models.CharField(
        pgettext_lazy("situation", "level"), max_length=10, choices=Level.choices
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["happened_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


def attachment_path(instance: Any, filename: str) -> str:
    return f"situation/{datetime.date.today():%Y/%m}/{filename}"  # noqa: DTZ011


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: User) -> AttachmentQuerySet:
        """An attachment is seen with its note."""
        return self.filter(ReportingScope.for_user(user).q("note__organization"))


class Attachment(models.Model):
    """A file kept with a note (minutes, a photo of a site, a press cutting)."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("note")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# --- Area maps ----------------------------------------------------------------------------


class AreaMapQuerySet(models.QuerySet["AreaMap"]):
    def visible_to(self, user: User) -> AreaMapQuerySet:
        """Boundaries are public geography: every signed-in user sees them."""
        return self.all() if user.is_authenticated else self.none()


class AreaMap(models.Model):
    """Where an area lies: a boundary (GeoJSON polygon, optional) or a point."""

    area = models.OneToOneField(
        Area, on_delete=models.PROTECT, related_name="situation_map", verbose_name=_("area")
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["boundary"])
    objects = AreaMapQuerySet.as_manager()

    class Meta:
        verbose_name = _("area map")
        verbose_name_plural = _("area maps")

    def __str__(self) -> str:
        return str(self.area)


# --- Alerts -------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    HOT_SPOT = "hot_spot", _("New hot spot or complex incident")
    SPREAD = "spread", _("Several communes in one week")
    SURGE = "surge", _("Surge against the usual level")
    BUILD_UP = "build_up", _("Slow build-up")
    OUTLIER = "outlier", _("Unusual among neighbouring areas")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: User) -> AlertQuerySet:
        """The one rule: an alert is seen by whoever sees the commission it was raised for."""
        return self.filter(ReportingScope.for_user(user).q("organization"))

    def live(self) -> AlertQuerySet:
        return self.exclude(status=AlertStatus.CLOSED)


class Alert(models.Model):
    """An early warning on an area and topic, with the numbers that raised it.

    `key` names what it is about (kind, area, topic, month or week, note), so the daily run
    raises each alert once and keeps its numbers current while the month runs.
    """

    key = models.CharField(max_length=120, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("commission"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AlertKind.choices)
    period = models.CharField(_("month"), max_length=10)
    note = models.ForeignKey(
        Note,
        on_delete=models.PROTECT,
        related_name="alerts",
        null=True,
        blank=True,
        verbose_name=_("note"),
    )
    explanation = models.JSONField(_("explanation"), default=dict)
    status = models.CharField(
        _("status"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_on = models.DateField(_("raised on"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("assigned to"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("what was done"), blank=True)
    notified_at = models.DateTimeField(_("leaders notified"), null=True, blank=True)

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["explanation", "key"])
    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["status", "raised_on"], name="situation_alert_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.area} — {self.topic}"
