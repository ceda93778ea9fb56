"""Periodic reports: indicators, forms (data sets), submissions, values and live roll-ups."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.lib import periods
from danvan.lib.history import VerbHistory
from danvan.org.models import Area, AreaLevel, Organization, OrganizationKind
from danvan.org.scopes import ReportingScope

if TYPE_CHECKING:
    from danvan.accounts.models import User

# Roll-up tables keep figures as integers in ten-thousandths, so sums are exact in SQL on
# SQLite and PostgreSQL alike (a value has at most four decimals).
SCALE = 10_000
CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
code_validator = RegexValidator(
    CODE_RE,
    _("A code is capital letters, digits and underscores, starting with a letter (at most 40)."),
)


def _localized(vi: str, en: str) -> str:
    return en if (get_language() or "vi").startswith("en") and en else vi


class ValueType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    YES_NO = "yes_no", _("Yes/no")
    TEXT = "text", _("Text")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "average", _("Average")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    LAST = "last", _("Last")
    NONE = "none", _("Not aggregated")


class Source(models.TextChoices):
    TYPED = "typed", _("Typed by the unit")
    DERIVED = "derived", _("Derived from records")
    FORMULA = "formula", _("Formula")


class Indicator(models.Model):
    """A figure a form asks for: typed by the unit, derived from records, or a formula."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.NUMBER
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.TYPED
    )
    derived_key = models.CharField(_("derived from"), max_length=60, blank=True)
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    min_value = models.DecimalField(
        _("smallest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    decimal_places = models.PositiveSmallIntegerField(
        _("decimals allowed"),
        default=4,
        validators=[MaxValueValidator(4)],
        help_text=_("0 for counts (whole numbers), up to 4."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    @property
    def label(self) -> str:
        return _localized(self.name, self.name_en)

    @property
    def is_numeric(self) -> bool:
        return self.value_type != ValueType.TEXT

    @property
    def rolls_up(self) -> bool:
        return self.is_numeric and self.aggregation != Aggregation.NONE

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        low, high = self.min_value, self.max_value
        if self.value_type == ValueType.PERCENT:
            low = Decimal(0) if low is None else low
            high = Decimal(100) if high is None else high
        if self.value_type == ValueType.YES_NO:
            return Decimal(0), Decimal(1)
        return low, high


def level_labels(area_levels: str) -> list[str]:
    """«commune,district» as the levels' names in the reader's language."""
    names = dict(AreaLevel.choices)
    return [str(names.get(v.strip(), v.strip())) for v in area_levels.split(",") if v.strip()]


class FormQuerySet(models.QuerySet["Form"]):
    def active(self) -> FormQuerySet:
        return self.filter(is_active=True)


class Form(models.Model):
    """A data set: sections of indicators and narrative, who reports, how often, by when."""

    PERIODICITIES = [
        (periods.PeriodType.HALF.value, _("Half year")),
        (periods.PeriodType.YEAR.value, _("Year")),
        (periods.PeriodType.QUARTER.value, _("Quarter")),
        (periods.PeriodType.MONTH.value, _("Month")),
    ]

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    periodicity = models.CharField(_("periodicity"), max_length=10, choices=PERIODICITIES)
    kinds = models.ManyToManyField(
        OrganizationKind,
        blank=True,
        related_name="+",
        verbose_name=_("organisation kinds that report"),
        help_text=_("Empty: every kind."),
    )
    area_levels = models.CharField(
        _("levels that report"),
        max_length=100,
        blank=True,
        help_text=_("Area levels, comma separated (province, district, commune); empty: all."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("days after the period's cut-off to report"), default=15
    )
    is_active = models.BooleanField(_("in use"), default=True)

    objects = FormQuerySet.as_manager()
    history = HistoricalRecords(bases=[VerbHistory], m2m_fields=[kinds])

    class Meta:
        ordering = ["name"]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self.name, self.name_en)

    @property
    def level_list(self) -> list[str]:
        return [v.strip() for v in self.area_levels.split(",") if v.strip()]

    @property
    def level_labels(self) -> list[str]:
        return level_labels(self.area_levels)

    @property
    def period_type(self) -> periods.PeriodType:
        return periods.PeriodType(self.periodicity)

    def reporting_units_q(self) -> Q:
        """Organisations that must report on this form (kinds and levels; active or not)."""
        condition = Q()
        kind_ids = [k.pk for k in self.kinds.all()]  # prefetched where forms are listed
        if kind_ids:
            condition &= Q(kind_id__in=kind_ids)
        if self.level_list:
            condition &= Q(area__level__in=self.level_list)
        return condition

    def cutoff_end(self, period: periods.Period) -> datetime.date:
        """The last day of the period's reporting window (reports close on the cut-off day)."""
        return period.reporting_window()[1]

    def deadline(self, period: periods.Period) -> datetime.date:
        return self.cutoff_end(period) + datetime.timedelta(days=self.deadline_days)


class SectionKind(models.TextChoices):
    INDICATORS = "indicators", _("Indicators")
    NARRATIVE = "narrative", _("Narrative")


class Section(models.Model):
    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="sections", verbose_name=_("form")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=12, choices=SectionKind.choices, default=SectionKind.INDICATORS
    )
    title = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    help_text = models.TextField(_("guidance"), blank=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        ordering = ["form", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localized(self.title, self.title_en)


class FormIndicator(models.Model):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required to submit"), default=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name = _("indicator on a form")
        verbose_name_plural = _("indicators on a form")
        constraints = [
            models.UniqueConstraint(fields=["section", "indicator"], name="reporting_item_once")
        ]

    def __str__(self) -> str:
        return self.indicator.code


class Operator(models.TextChoices):
    LT = "<", "<"
    LE = "<=", "≤"
    EQ = "==", "="
    NE = "!=", "≠"
    GE = ">=", "≥"
    GT = ">", ">"


class Severity(models.TextChoices):
    ERROR = "error", _("Error: blocks submission")
    WARNING = "warning", _("Warning: needs a comment")


class ValidationRule(models.Model):
    """`left operator right` over indicator codes; a typed figure may be checked against a derived one."""

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="rules", verbose_name=_("form")
    )
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=500)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    message = models.CharField(_("message (Vietnamese)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        ordering = ["form", "pk"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"

    @property
    def label(self) -> str:
        return _localized(self.message, self.message_en)


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def visible_to(self, user: User) -> SubmissionQuerySet:
        """A report is seen by whoever sees the organisation that files it (and those above)."""
        return self.filter(ReportingScope.for_user(user).q("organization"))


class Submission(models.Model):
    """One organisation's report on one form for one period."""

    form = models.ForeignKey(
        Form, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("form")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    period = models.CharField(_("period"), max_length=12)
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    narratives = models.JSONField(_("narrative sections"), default=dict, blank=True)
    warning_comments = models.JSONField(_("comments on warnings"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()
    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-period", "organization__path"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "organization", "period"], name="reporting_one_report"
            )
        ]
        indexes = [models.Index(fields=["form", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.form} · {self.organization} · {self.period}"

    @property
    def period_obj(self) -> periods.Period:
        return periods.parse(self.period)

    @property
    def is_editable(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)

    def on_time(self) -> bool | None:
        if not self.submitted_at:
            return None
        from django.utils import timezone

        return timezone.localdate(self.submitted_at) <= self.form.deadline(self.period_obj)


class Value(models.Model):
    """A figure or a text of a report; derived figures are kept as they were when submitted."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="values", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    number = models.DecimalField(_("figure"), max_digits=20, decimal_places=4, null=True)
    text = models.TextField(_("text"), blank=True)
    is_derived = models.BooleanField(_("derived"), default=False)

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="reporting_value_once")
        ]
        indexes = [models.Index(fields=["indicator", "submission"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.number if self.number is not None else self.text}"


class NarrativeQuerySet(models.QuerySet["Narrative"]):
    def visible_to(self, user: User) -> NarrativeQuerySet:
        return self.filter(ReportingScope.for_user(user).q("organization"))


class Narrative(models.Model):
    """The text of a level's consolidated report, condensed from its units' reports and edited
    by its specialists before the DOCX or PDF is built: {narrative section id: text}."""

    form = models.ForeignKey(
        Form, on_delete=models.PROTECT, related_name="+", verbose_name=_("form")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    period = models.CharField(_("period"), max_length=12)
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )

    objects = NarrativeQuerySet.as_manager()
    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("consolidated report text")
        verbose_name_plural = _("consolidated report texts")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "organization", "period"], name="reporting_one_narrative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.organization} · {self.period}"


class Rollup(models.Model):
    """The approved figures of an indicator for a period, added up at one node of a tree."""

    # No index of its own: the primary key (indicator, node, period) starts with it, and every
    # index is one more write per ancestor on each approval (hence no `id` column either).
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.CharField(max_length=12)
    total = models.BigIntegerField(default=0)  # in SCALE units
    count = models.IntegerField(default=0)
    min_value = models.BigIntegerField(null=True)
    max_value = models.BigIntegerField(null=True)

    class Meta:
        abstract = True


class OrgRollup(Rollup):
    # The key is the primary key: no id column, one index fewer to write per ancestor row.
    pk = models.CompositePrimaryKey("indicator", "organization", "period")
    # Indexed by (organization, period) below: a pivot reads a few periods of many nodes.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            # Covering (PostgreSQL): a pivot's rows come from the index alone.
            models.Index(
                fields=["organization", "period"],
                include=["indicator", "total", "count", "min_value", "max_value"],
                name="reporting_org_rollup_node",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.organization_id}/{self.period}"


class AreaRollup(Rollup):
    pk = models.CompositePrimaryKey("indicator", "area", "period")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["area", "period"],
                include=["indicator", "total", "count", "min_value", "max_value"],
                name="reporting_area_rollup_node",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.area_id}/{self.period}"


class PendingFold(models.Model):
    """An approved report whose figures are not yet added to the roll-up rows: the worker folds
    it in batches (`rollups.fold_pending`); until then the readers add its figures themselves."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.submission_id)


class Reminder(models.Model):
    """A reminder sent to a unit whose report is late (the daily job sends each once)."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=12)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["form", "period", "organization"])]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.organization_id}/{self.period}"


class ReportExport(models.Model):
    """A consolidated report being built in the background, and its file when done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=12)
    file_format = models.CharField(max_length=4)  # docx or pdf
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(null=True, editable=False)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.form_id}/{self.organization_id}/{self.period}.{self.file_format}"

    def filename(self) -> str:
        return f"{self.form.code}-{self.period}.{self.file_format}"


# What Value.number holds (20 digits, 4 after the point) less two digits: the roll-ups keep
# sums in ten-thousandths in a 64-bit integer, which must still hold many units' figures.
_NUMBER_FIELD = Value._meta.get_field("number")
LARGEST = Decimal(10) ** (_NUMBER_FIELD.max_digits - _NUMBER_FIELD.decimal_places - 2)  # type: ignore[union-attr,operator]
