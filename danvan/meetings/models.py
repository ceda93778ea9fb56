"""Meetings: review conferences, online conferences with their bridge points, working sessions.

A meeting is hosted by a unit; its bridge points (điểm cầu) are units joining from their own
hall — the host's point among them — each with its chair (by title, never a person's name),
delegates expected and attending, a connection check and the attendance its own officers
confirm. Conclusions of the chair become follow-up tasks assigned to units with a due date.
Meetings are about units and issues: no list of named attendees is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.documents.models import Document
from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope
from danvan.programs.models import Program
from danvan.reporting.models import Form

if TYPE_CHECKING:
    from danvan.accounts.models import User


class Kind(models.TextChoices):
    INTERIM_REVIEW = "interim_review", _("Interim review conference")
    FINAL_REVIEW = "final_review", _("Final review conference")
    ONLINE = "online", _("Online conference")
    WORKING_SESSION = "working_session", _("Working session")
    SIGNING = "signing", _("Programme signing")
    THEMATIC = "thematic", _("Thematic conference")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Status(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting", "Scheduled")
    HELD = "held", pgettext_lazy("meeting", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user: User) -> MeetingQuerySet:
        """The one rule: a meeting is seen by whoever sees its host unit, one of its bridge
        points' units (a unit invited from outside the host's tree sees the meeting too) or a
        unit one of its conclusions is assigned to."""
        scope = ReportingScope.for_user(user)
        points = BridgePoint.objects.filter(scope.q("organization"), withdrawn_at__isnull=True)
        tasks = Conclusion.objects.filter(scope.q("organization"))
        return self.filter(
            scope.q("host")
            | Q(pk__in=points.values("meeting_id"))
            | Q(pk__in=tasks.values("meeting_id"))
        )


class Meeting(models.Model):
    host = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("host unit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    # The period the meeting reviews (a period code: "2026S1", "2026"), if it reviews one.
    period = models.CharField(_("period reviewed"), max_length=12, blank=True)
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme signed or reviewed"),
    )
    # The consolidated reports presented: the host's report of each form for the period.
    report_forms = models.ManyToManyField(
        Form, related_name="+", blank=True, verbose_name=_("reports presented")
    )
    documents = models.ManyToManyField(
        Document, related_name="+", blank=True, verbose_name=_("documents cited")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes (file)"), upload_to="meetings/minutes/%Y/", blank=True, max_length=300
    )
    chair_conclusion = models.TextField(_("conclusion of the chair"), blank=True)
    # iCalendar's SEQUENCE: raised by each change sent again to the invited units.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(
        bases=[VerbHistory], m2m_fields=[report_forms, documents], excluded_fields=["search_text"]
    )
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["starts_at"], name="meetings_meeting_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meetings_meeting_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.title} {self.place}")
        super().save(*args, **kwargs)

    @property
    def is_online(self) -> bool:
        return self.format in (Format.ONLINE, Format.HYBRID)


class AgendaItem(models.Model):
    """One item of the meeting's programme: its time, title and presenter (by title)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    starts_at = models.DateTimeField(_("time"))
    title = models.CharField(_("title"), max_length=300)
    presenter = models.CharField(
        _("presenter (title)"),
        max_length=200,
        blank=True,
        help_text=_("The office, not the person: «Trưởng Ban Dân vận Tỉnh ủy»."),
    )
    documents = models.ManyToManyField(
        Document, related_name="+", blank=True, verbose_name=_("documents")
    )
    attachment = models.FileField(
        _("file"), upload_to="meetings/items/%Y/", blank=True, max_length=300
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(bases=[VerbHistory], m2m_fields=[documents])

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class CheckResult(models.TextChoices):
    GOOD = "good", _("Good")
    POOR = "poor", _("Works, poor quality")
    FAILED = "failed", _("No connection")


class BridgePointQuerySet(models.QuerySet["BridgePoint"]):
    def active(self) -> BridgePointQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class BridgePoint(models.Model):
    """A unit's hall joining an online meeting: the host's own point or an invited one."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="points", verbose_name=_("meeting")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    # The area level of the unit, kept for the totals by level (province, commune…).
    level = models.CharField(_("level"), max_length=10, editable=False)
    is_host = models.BooleanField(_("host point"), default=False)
    # A unit outside the host's tree, invited as a guest by someone who sees it.
    is_guest = models.BooleanField(_("invited from outside"), default=False)
    place = models.CharField(_("place"), max_length=300, blank=True)
    chair = models.CharField(
        _("chair (title)"),
        max_length=200,
        blank=True,
        help_text=_("The office, not the person: «Phó Bí thư Thường trực Đảng ủy xã»."),
    )
    expected = models.PositiveIntegerField(_("delegates expected"), default=0)
    attending = models.PositiveIntegerField(_("delegates attending"), null=True, blank=True)
    attendance_note = models.CharField(_("note on attendance"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("attendance confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    checked_at = models.DateTimeField(_("connection checked"), null=True, blank=True)
    check_result = models.CharField(
        _("connection"), max_length=10, choices=CheckResult.choices, blank=True
    )
    check_note = models.CharField(_("note on the connection"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = BridgePointQuerySet.as_manager()

    class Meta:
        verbose_name = _("bridge point")
        verbose_name_plural = _("bridge points")
        ordering = ["-is_host", "level", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"], name="meetings_one_point_per_unit"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(is_host=True), name="meetings_one_host_point"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "level"], name="meetings_point_level")]

    def __str__(self) -> str:
        return str(self.organization)


class ConclusionStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("conclusion", "Cancelled")


class ConclusionQuerySet(models.QuerySet["Conclusion"]):
    def open(self) -> ConclusionQuerySet:
        return self.filter(status=ConclusionStatus.OPEN)


class Conclusion(models.Model):
    """A conclusion of the meeting turned into a follow-up task of a unit, due on a date."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="conclusions", verbose_name=_("meeting")
    )
    text = models.TextField(_("conclusion"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConclusionStatus.choices, default=ConclusionStatus.OPEN
    )
    result = models.TextField(_("what was done"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = ConclusionQuerySet.as_manager()

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="meetings_conclusion_done_on",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class MeetingReminder(models.Model):
    """The day-before reminder of a meeting, sent once (again if the meeting is moved)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    sequence = models.PositiveIntegerField(default=0)  # the meeting's version it was sent for
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sequence"], name="meetings_one_reminder_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.sequence}"


class ConclusionReminder(models.Model):
    """A reminder on a follow-up task already sent, so the daily job sends each one once."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # due_soon, overdue, escalated
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conclusion", "kind"], name="meetings_one_conclusion_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.conclusion_id}"


class FeedKey(models.Model):
    """The secret in a person's calendar feed address (calendar programs cannot sign in);
    renewing it turns the old address off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed"
    )
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed of {self.user_id}"
