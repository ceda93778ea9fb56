"""Coordination programmes: a term, parties, numbered main contents, tasks, progress, reviews."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.documents.models import ReviewDocument
from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope

if TYPE_CHECKING:
    from danvan.accounts.models import User


class ProgramKind(models.TextChoices):
    COORDINATION_PROGRAMME = "coordination_programme", _("Coordination programme")
    COORDINATION_REGULATION = "coordination_regulation", _("Coordination regulation")
    TWINNING = "twinning", _("Twinning agreement")
    ACTION_PROGRAMME = "action_programme", _("Action programme")
    STEERING_PLAN = "steering_plan", _("Steering committee plan")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")
    REVIEWED = "reviewed", _("Reviewed")


def a_party_in_scope(user: User, program: str) -> Exists:
    """The one rule for programmes and what hangs under them: one of the programme's parties
    lies in the user's scope. `program` is the path from the filtered model to the programme."""
    in_scope = ReportingScope.for_user(user).q("organization")
    return Exists(ProgramParty.objects.filter(in_scope, program=OuterRef(program)))


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, user: User) -> ProgramQuerySet:
        return self.filter(a_party_in_scope(user, "pk"))


class Program(models.Model):
    """A programme or regulation agencies sign for a term, on numbered main contents."""

    kind = models.CharField(_("kind"), max_length=30, choices=ProgramKind.choices)
    title = models.CharField(_("title"), max_length=400)
    code = models.CharField(_("code"), max_length=60, blank=True)
    term = models.CharField(
        _("term"), max_length=20, blank=True, help_text=_("A period code such as 2021-2026.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    documents = models.ManyToManyField(
        "documents.Document",
        related_name="programs",
        blank=True,
        verbose_name=_("documents implemented"),
        help_text=_("The Party or State documents this programme carries out."),
    )
    # What was typed before documents had a registry, where no number could be read from it.
    documents_note = models.TextField(_("documents (as typed before the registry)"), blank=True)
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead agency")
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_file = models.FileField(_("signed document"), upload_to="programs/signed/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("previous term"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")

    history = HistoricalRecords(
        bases=[VerbHistory], excluded_fields=["search_text"], m2m_fields=[documents]
    )
    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="program_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Diacritic-free, so "ket nghia" finds "Kết nghĩa" on SQLite and PostgreSQL alike.
        self.search_text = fold(f"{self.title} {self.code}")[:500]
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        """Contents and tasks change freely only while the programme is a draft."""
        return self.status == ProgramStatus.DRAFT


class PartyManager(models.Manager["ProgramParty"]):
    """The programme's parties. A party removed from a draft is kept (one row per organisation,
    revived if it is named again) and read only through `ProgramParty.all_objects`."""

    def get_queryset(self) -> models.QuerySet[ProgramParty]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class ProgramParty(models.Model):
    """An organisation that signed the programme, with the title of the person who signed."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="parties", verbose_name=_("programme")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    signatory_title = models.CharField(_("signed by (title)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    deleted_at = models.DateTimeField(_("removed"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    history = HistoricalRecords(bases=[VerbHistory])
    objects = PartyManager()
    all_objects: models.Manager[ProgramParty] = models.Manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organization"], name="one_party_per_org")
        ]

    def __str__(self) -> str:
        return str(self.organization)


class ContentQuerySet(models.QuerySet["ProgramContent"]):
    def visible_to(self, user: User) -> ContentQuerySet:
        return self.filter(a_party_in_scope(user, "program"))


class ContentManager(models.Manager["ProgramContent"]):
    """The programme's contents. A removed one is kept with its old number (for its undo and
    its history) and read only through `ProgramContent.all_objects`."""

    def get_queryset(self) -> ContentQuerySet:
        return ContentQuerySet(self.model, using=self._db).filter(deleted_at__isnull=True)

    def visible_to(self, user: User) -> ContentQuerySet:
        return self.get_queryset().visible_to(user)


class ProgramContent(models.Model):
    """A numbered main content (nội dung chủ yếu) of a programme."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="contents", verbose_name=_("programme")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    deleted_at = models.DateTimeField(_("removed"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )

    history = HistoricalRecords(bases=[VerbHistory])
    objects = ContentManager()
    all_objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("main content")
        verbose_name_plural = _("main contents")
        ordering = ["number"]
        constraints = [
            # Numbers run 1..n over the contents in the programme; a removed one keeps its own.
            models.UniqueConstraint(
                fields=["program", "number"],
                condition=Q(deleted_at__isnull=True),
                name="content_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Recurrence(models.TextChoices):
    NONE = "", _("Once (a due date)")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")
    TERM = "term", _("Once over the term")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: User) -> TaskQuerySet:
        return self.filter(a_party_in_scope(user, "content__program"))

    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> TaskQuerySet:
        return self.open().filter(due_on__lt=today)


class Task(models.Model):
    """One task, or one occurrence of a recurring task, with its own due date."""

    content = models.ForeignKey(
        ProgramContent, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("content")
    )
    title = models.CharField(_("what to do"), max_length=500)
    description = models.TextField(_("details"), blank=True)
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead")
    )
    supporting = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("supporting organisations")
    )
    recurrence = models.CharField(
        _("recurrence"), max_length=20, choices=Recurrence.choices, blank=True
    )
    period = models.CharField(
        _("period"), max_length=20, blank=True, help_text=_("The period of this occurrence.")
    )
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["series"])
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})" if self.period else self.title

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Overdue is derived from the due date, never stored."""
        today = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.due_on < today

    def timeliness(self, today: datetime.date | None = None) -> str:
        """done_on_time, done_late, overdue, open or cancelled."""
        today = today or timezone.localdate()
        if self.status == TaskStatus.CANCELLED:
            return "cancelled"
        if self.status == TaskStatus.DONE:
            return "done_on_time" if self.done_on and self.done_on <= self.due_on else "done_late"
        return "overdue" if self.due_on < today else "open"


def attachment_path(instance: Any, filename: str) -> str:
    return f"programs/updates/{timezone.localdate():%Y/%m}/{filename}"


class TaskUpdateQuerySet(models.QuerySet["TaskUpdate"]):
    def visible_to(self, user: User) -> TaskUpdateQuerySet:
        return self.filter(a_party_in_scope(user, "task__content__program"))


class TaskUpdate(models.Model):
    """A progress report on a task: what was done, how far, when, by whom."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("task")
    )
    text = models.TextField(_("what was done"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    reported_on = models.DateField(_("date"))
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = TaskUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} — {self.percent}%"


class ReviewKind(models.TextChoices):
    INTERIM = "interim", _("Interim review")
    FINAL = "final", _("End-of-term summary")


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, user: User) -> ReviewQuerySet:
        return self.filter(a_party_in_scope(user, "program"))


class Review(ReviewDocument):
    """An interim (yearly) review or the end-of-term summary of a programme."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReviewKind.choices)

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["facts"])
    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} — {self.program}"


class TaskReminder(models.Model):
    """A reminder already e-mailed, so the daily job sends each one once."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)  # due_soon, overdue, escalated
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.task}"
