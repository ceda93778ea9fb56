"""The registry of Party and State documents that programmes implement and inspections check."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope

if TYPE_CHECKING:
    from danvan.accounts.models import User


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DIRECTIVE = "directive", _("Directive")
    CONCLUSION = "conclusion", _("Conclusion")
    DECISION = "decision", _("Decision")
    REGULATION = "regulation", _("Regulation")
    GUIDANCE = "guidance", _("Guidance")
    PLAN = "plan", _("Plan")
    LAW = "law", _("Law")
    DECREE = "decree", _("Decree")
    CIRCULAR = "circular", _("Circular")


# The words agencies write before a number: «Quyết định số 23-QĐ/TW».
KIND_WORDS = {
    DocumentKind.RESOLUTION: "Nghị quyết",
    DocumentKind.DIRECTIVE: "Chỉ thị",
    DocumentKind.CONCLUSION: "Kết luận",
    DocumentKind.DECISION: "Quyết định",
    DocumentKind.REGULATION: "Quy định",
    DocumentKind.GUIDANCE: "Hướng dẫn",
    DocumentKind.PLAN: "Kế hoạch",
    DocumentKind.LAW: "Luật",
    DocumentKind.DECREE: "Nghị định",
    DocumentKind.CIRCULAR: "Thông tư",
}


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    REPLACED = "replaced", _("Replaced")


def number_key(number: str) -> str:
    """What makes two written numbers the same: «23-QĐ/TW» = «23 - qđ / TW»."""
    return re.sub(r"\s+", "", fold(number))


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User) -> DocumentQuerySet:
        """The one rule for documents: the registry is shared by everyone who signs in."""
        if user.is_authenticated and user.is_active:
            return self.all()
        return self.none()


def document_file_path(instance: Any, filename: str) -> str:
    return f"documents/{timezone.localdate():%Y}/{filename}"


class Document(models.Model):
    """A resolution, directive, decision, law… as issued, with its number as written."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(
        pgettext_lazy("document", "number"),
        max_length=60,
        help_text=_("As written on the document, e.g. 23-QĐ/TW."),
    )
    issuer = models.CharField(
        _("issuing body"), max_length=200, help_text=_("e.g. Bộ Chính trị, Chính phủ, Quốc hội.")
    )
    issued_on = models.DateField(_("date issued"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    file = models.FileField(_("file"), upload_to=document_file_path, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    number_key = models.CharField(max_length=60, editable=False, default="")
    issuer_key = models.CharField(max_length=200, editable=False, default="")
    search_text = models.CharField(max_length=800, editable=False, db_index=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(
        bases=[VerbHistory], excluded_fields=["number_key", "issuer_key", "search_text"]
    )
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "number_key"], name="document_number_unique_per_issuer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.number_key = number_key(self.number)[:60]
        self.issuer_key = fold(self.issuer)[:200]
        self.search_text = fold(f"{self.number} {self.title} {self.issuer}")[:800]
        super().save(*args, **kwargs)

    @property
    def citation(self) -> str:
        """How a report cites it: «Quyết định số 23-QĐ/TW ngày 20/6/2025 của Bộ Chính trị»."""
        text = f"{KIND_WORDS[DocumentKind(self.kind)]} số {self.number}"
        if self.issued_on:
            text += f" ngày {self.issued_on.day}/{self.issued_on.month}/{self.issued_on.year}"
        return f"{text} của {self.issuer}" if self.issuer else text


# The sections a person writes in a review document, in their order on the page and in the DOCX.
REVIEW_SECTIONS = ("number", "place", "achievements", "limitations", "lessons", "directions")


class ReviewDocument(models.Model):
    """A report that sums up a period: compiled figures, then the sections a person writes.

    A programme's interim review or end-of-term summary and a document's implementation
    summary are both one; each concrete model adds what it reviews.
    """

    period = models.CharField(_("period"), max_length=20)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    issued_on = models.DateField(_("date"))
    facts = models.JSONField(_("compiled figures"), default=dict, editable=False)
    achievements = models.TextField(_("achievements"), blank=True)
    limitations = models.TextField(_("limitations and causes"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    directions = models.TextField(_("directions for the next period"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class SummaryQuerySet(models.QuerySet["ImplementationSummary"]):
    def visible_to(self, user: User) -> SummaryQuerySet:
        """A summary is seen by whoever sees the organisation that writes it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))


class ImplementationSummary(ReviewDocument):
    """A review of how a document was carried out over some years, by one organisation's subtree."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="summaries", verbose_name=_("document")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["facts"])
    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("implementation summary")
        verbose_name_plural = _("implementation summaries")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.document.number} ({self.period}) — {self.organization}"
