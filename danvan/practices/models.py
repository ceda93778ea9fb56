"""The "Dân vận khéo" movement: good-practice models and examples, appraised, recognised,
disseminated and replicated."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope

if TYPE_CHECKING:
    from danvan.accounts.models import User


class PracticeKind(models.TextChoices):
    MODEL = "model", _("Model")
    COLLECTIVE = "collective_example", _("Collective example")
    INDIVIDUAL = "individual_example", _("Individual example")


class Field(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    CULTURE_SOCIETY = "culture_society", _("Culture and society")
    DEFENCE_SECURITY = "defence_security", _("Defence and security")
    POLITICAL_SYSTEM = "political_system", _("Building the political system")


class PracticeStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    UNDER_APPRAISAL = "under_appraisal", _("Under appraisal")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    COMMENDED = "commended", _("Commended")


RECOGNISED_STATUSES = (PracticeStatus.RECOGNISED, PracticeStatus.COMMENDED)


class Level(models.TextChoices):
    COMMUNE = "commune", _("Commune level")
    PROVINCE = "province", _("Provincial level")
    CENTRAL = "central", _("Central level")


LEVEL_RANK = {Level.COMMUNE: 1, Level.PROVINCE: 2, Level.CENTRAL: 3}


class SubField(models.Model):
    """A managed list of sub-fields (site clearance, new rural areas, …)."""

    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    name = models.CharField(_("name (Vietnamese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("sub-field")
        verbose_name_plural = _("sub-fields")
        ordering = ["field", "order", "name"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name if (get_language() or "vi").startswith("vi") else self.name_en


class PracticeQuerySet(models.QuerySet["Practice"]):
    def visible_to(self, user: User) -> PracticeQuerySet:
        """The one rule: practices of the user's organisations, and every recognised one
        (recognised practices exist to be disseminated and replicated)."""
        if not user.is_authenticated:
            return self.none()
        recognised = Q(status__in=RECOGNISED_STATUSES)
        return self.filter(ReportingScope.for_user(user).q("organization") | recognised)

    def public(self) -> PracticeQuerySet:
        """What the public showcase may show: recognised, marked public by the owner."""
        return self.filter(status__in=RECOGNISED_STATUSES, is_public=True)


class Practice(models.Model):
    """A model (a way of working others can copy) or a typical example (a collective or a
    person who did it well)."""

    kind = models.CharField(_("kind"), max_length=30, choices=PracticeKind.choices)
    name = models.CharField(_("name"), max_length=300)
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    subfield = models.ForeignKey(
        SubField, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("sub-field")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    # The ten items units already fill in.
    situation = models.TextField(_("situation and reason"), blank=True)
    objectives = models.TextField(_("objectives and criteria"), blank=True)
    content_method = models.TextField(_("content and method"), blank=True)
    target_group = models.TextField(_("area and target group"), blank=True)
    forces = models.TextField(_("forces and their roles"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    budget_dong = models.BigIntegerField(
        _("budget (đồng)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    workdays = models.PositiveIntegerField(_("workdays"), null=True, blank=True)
    people_contribution_dong = models.BigIntegerField(
        _("contributions from the people (đồng)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    timeline = models.TextField(_("timeline and evaluation point"), blank=True)
    outputs = models.TextField(_("verifiable outputs"), blank=True)
    sustainability = models.TextField(_("sustainability and replicability"), blank=True)
    # An individual example names a person only with a recorded consent.
    person_name = models.CharField(_("person's name"), max_length=150, blank=True)
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PracticeStatus.choices,
        default=PracticeStatus.REGISTERED,
    )
    is_public = models.BooleanField(
        _("show on the public showcase"),
        default=False,
        help_text=_("Once recognised, the practice appears on the public showcase."),
    )
    # A practice appraised and not recognised: the body that decided and its document, as a
    # recognition keeps them (number and date when the decision has them).
    not_recognised_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("not recognised by"),
    )
    not_recognised_number = models.CharField(
        _("number of the decision not to recognise"), max_length=60, blank=True
    )
    not_recognised_on = models.DateField(
        _("date of the decision not to recognise"), null=True, blank=True
    )
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    search_text = models.CharField(max_length=600, editable=False, db_index=True, default="")

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["search_text"])
    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["-registered_on", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(self.name)[:600]
        super().save(*args, **kwargs)

    @property
    def is_recognised(self) -> bool:
        return self.status in RECOGNISED_STATUSES


class PracticeResult(models.Model):
    """A measured result (households out of poverty, m² of land donated, …) that can be summed."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="results", verbose_name=_("practice")
    )
    replication = models.ForeignKey(
        "Replication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("replication"),
    )
    metric = models.CharField(_("metric"), max_length=200)
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    value_before = models.DecimalField(
        _("value before"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=50)
    as_of = models.DateField(_("as of"))

    class Meta:
        verbose_name = _("measured result")
        verbose_name_plural = _("measured results")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value} {self.unit}"


def photo_path(instance: Any, filename: str) -> str:
    return f"practices/{instance.practice_id}/{filename}"


class PracticePhoto(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="photos", verbose_name=_("practice")
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name or ""


CRITERIA = [
    ("score_identity", _("Clear name and place")),
    ("score_leadership", _("Tied to the leadership of the Party committee or authority")),
    ("score_mobilisation", _("Mobilises many forces and is supported by the people")),
    ("score_urgency", _("Solves an urgent problem")),
    ("score_recognition", _("Recognised by the authority")),
    ("score_sustainability", _("Sustainable and replicable")),
]


def _score(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(10)])


class Appraisal(models.Model):
    """One appraisal-team member's scores (0–10) on the six criteria, with comments."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="appraisals", verbose_name=_("practice")
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("appraiser"),
    )
    score_identity = _score(CRITERIA[0][1])
    score_leadership = _score(CRITERIA[1][1])
    score_mobilisation = _score(CRITERIA[2][1])
    score_urgency = _score(CRITERIA[3][1])
    score_recognition = _score(CRITERIA[4][1])
    score_sustainability = _score(CRITERIA[5][1])
    comments = models.TextField(_("comments"), blank=True)
    appraised_on = models.DateField(_("date"))

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        constraints = [
            models.UniqueConstraint(fields=["practice", "appraiser"], name="one_appraisal_each")
        ]

    def __str__(self) -> str:
        return f"{self.practice} — {self.appraiser}"

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name, _label in CRITERIA)


class RecognitionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    COMMENDATION = "commendation", _("Commendation")


class Recognition(models.Model):
    """A decision recognising (or commending) a practice at a level; it can be raised later."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("practice")
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=RecognitionKind.choices,
        default=RecognitionKind.RECOGNITION,
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decision date"))
    decided_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A practice is recognised after an appraisal; without one, a leader records why.
    appraisal_waived_reason = models.TextField(
        _("why no appraisal was needed"),
        blank=True,
        help_text=_(
            "Only a leader of the deciding body recognises a practice without an appraisal."
        ),
    )

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.decision_number}"


class Replication(models.Model):
    """Another unit adopted the practice: when, what it adapted, and its own results."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="replications", verbose_name=_("practice")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("adopting unit")
    )
    adopted_on = models.DateField(_("adopted on"))
    adaptation = models.TextField(_("what was adapted"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("replication")
        verbose_name_plural = _("replications")
        ordering = ["-adopted_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organization"], name="one_adoption_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} ← {self.practice}"
