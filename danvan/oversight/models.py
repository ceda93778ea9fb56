"""Inspection and supervision: annual plans, oversights of subject organisations, recommendations."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.documents.models import Document
from danvan.lib import periods
from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope

if TYPE_CHECKING:
    from danvan.accounts.models import User


class OversightKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SUPERVISION = "supervision", _("Supervision")
    SURVEY = "survey", _("Thematic survey")


# --- Annual plans ---------------------------------------------------------------------------


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User) -> PlanQuerySet:
        """A plan is seen by whoever sees the organisation that made it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))


class Plan(models.Model):
    """An organisation's inspection and supervision plan for a year."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("oversight plan")
        verbose_name_plural = _("oversight plans")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class PlanItemQuerySet(models.QuerySet["PlanItem"]):
    def visible_to(self, user: User) -> PlanItemQuerySet:
        """A line of a plan is seen with its plan."""
        return self.filter(ReportingScope.for_user(user).q("plan__organization"))


class PlanItemManager(models.Manager["PlanItem"]):
    """The lines in the plan. A removed line is kept (for its undo and its history) and read
    only through `PlanItem.all_objects`; plan.items, lists, forms and the API never see it."""

    def get_queryset(self) -> PlanItemQuerySet:
        return PlanItemQuerySet(self.model, using=self._db).filter(deleted_at__isnull=True)

    def visible_to(self, user: User) -> PlanItemQuerySet:
        return self.get_queryset().visible_to(user)


class PlanItem(models.Model):
    """One line of a plan: what is inspected or supervised, whom, and when."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OversightKind.choices)
    title = models.CharField(_("what"), max_length=500)
    subjects = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("whom")
    )
    period = models.CharField(
        _("when"),
        max_length=20,
        help_text=_("A period of the plan's year: 2026Q2, 2026S1, 202605."),
    )
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

    history = HistoricalRecords(bases=[VerbHistory], m2m_fields=[subjects])
    objects = PlanItemManager()
    all_objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def when(self) -> str:
        """The period as people say it: «Quý I năm 2026», «Tháng 12 năm 2026»."""
        return periods.parse(self.period).label() if periods.is_valid(self.period) else self.period


# --- Oversights -----------------------------------------------------------------------------


class OversightQuerySet(models.QuerySet["Oversight"]):
    def visible_to(self, user: User) -> OversightQuerySet:
        """The one rule: its lead, a subject or a recommendation's addressee is in the user's scope."""
        scope = ReportingScope.for_user(user)
        if not scope.org_paths:
            return self.none()
        subjects = Oversight.subjects.through.objects.filter(
            scope.q("organization"), oversight=OuterRef("pk")
        )
        addressed = Recommendation.objects.filter(scope.q("responsible"), oversight=OuterRef("pk"))
        return self.filter(scope.q("lead") | Q(Exists(subjects)) | Q(Exists(addressed)))


class Oversight(models.Model):
    """One inspection, supervision or thematic survey of one or more organisations."""

    kind = models.CharField(_("kind"), max_length=20, choices=OversightKind.choices)
    title = models.CharField(_("title"), max_length=500)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="oversights",
        verbose_name=_("plan item"),
    )
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead")
    )
    team = models.TextField(
        _("team"),
        blank=True,
        help_text=_("One member per line, by title and role, e.g. «Phó Trưởng ban — trưởng đoàn»."),
    )
    subjects = models.ManyToManyField(
        Organization, related_name="+", verbose_name=_("subject organisations")
    )
    documents = models.ManyToManyField(
        Document, related_name="oversights", blank=True, verbose_name=_("documents checked")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    findings = models.TextField(_("findings"), blank=True)
    conclusion_number = models.CharField(_("conclusion number"), max_length=60, blank=True)
    conclusion_on = models.DateField(_("conclusion date"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    conclusion_file = models.FileField(
        _("conclusion document"), upload_to="oversight/conclusions/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    history = HistoricalRecords(
        bases=[VerbHistory], m2m_fields=[subjects, documents], excluded_fields=["search_text"]
    )
    objects = OversightQuerySet.as_manager()

    class Meta:
        verbose_name = _("oversight")
        verbose_name_plural = _("oversights")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="oversight_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(f"{self.title} {self.conclusion_number}")[:600]
        super().save(*args, **kwargs)

    def stage(self, today: datetime.date | None = None) -> str:
        """planned, under_way or concluded — derived from the dates and the conclusion."""
        today = today or timezone.localdate()
        if self.conclusion_on:
            return "concluded"
        return "planned" if self.starts_on > today else "under_way"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recommendation", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def visible_to(self, user: User) -> RecommendationQuerySet:
        """Seen with its oversight (which its addressee sees too)."""
        return self.filter(oversight__in=Oversight.objects.visible_to(user))

    def open(self) -> RecommendationQuerySet:
        return self.exclude(status=RecommendationStatus.DONE)

    def overdue(self, today: datetime.date) -> RecommendationQuerySet:
        return self.open().filter(due_on__lt=today)


class Recommendation(models.Model):
    """What an oversight asks an organisation to do, by a date; overdue is derived."""

    oversight = models.ForeignKey(
        Oversight,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("oversight"),
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("recommendation"))
    responsible = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible organisation"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["oversight", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != RecommendationStatus.DONE and self.due_on < today

    def follow_up(self, today: datetime.date | None = None) -> str:
        """open, in_progress, done or overdue — what the follow-up board shows."""
        return "overdue" if self.is_overdue(today) else self.status


class RecommendationReminder(models.Model):
    """A reminder already e-mailed, so the daily job sends each one once."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20)  # due_soon, overdue, escalated
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "kind"], name="one_recommendation_reminder_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.recommendation}"
