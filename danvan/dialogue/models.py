"""Dialogue with the people: citizen reception sessions, dialogues and their commitments,
petitions tracked to settlement on legal time, and the personal data a petition needs.

A petition's case (kind, topic, area, summary, dates, result) is the unit's record and stays for
good; the petitioner's identity (`Petitioner`) is the only personal data in the app, encrypted
at rest, excluded from history, and erased on schedule (`privacy.py`). Overdue is derived from
`due_on` and the state, never stored.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from encrypted_fields.fields import EncryptedTextField
from simple_history.models import HistoricalRecords

from danvan.lib.history import VerbHistory
from danvan.lib.text import fold
from danvan.org.models import Area, Organization
from danvan.org.scopes import ReportingScope
from danvan.situation.models import Note, Topic

if TYPE_CHECKING:
    from danvan.accounts.models import User


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BOTH = "both", _("In person and online")


class HostRole(models.TextChoices):
    """Whose duty the reception or dialogue is: the schedule rules are kept per head."""

    PARTY_SECRETARY = "party_secretary", _("Party committee secretary")
    COMMITTEE_CHAIR = "committee_chair", _("People's Committee chair")
    COUNCIL_CHAIR = "council_chair", _("People's Council chair")
    FRONT_CHAIR = "front_chair", _("Fatherland Front chair")
    OTHER = "other", _("Other leader")


# --- Reception sessions ---------------------------------------------------------------------


class ReceptionKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    AD_HOC = "ad_hoc", _("Ad hoc")


class ReceptionQuerySet(models.QuerySet["Reception"]):
    def visible_to(self, user: User) -> ReceptionQuerySet:
        """The one rule: a session is seen by whoever sees the unit whose head held it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))


class Reception(models.Model):
    """A citizen reception session (buổi tiếp công dân) held by a unit's head."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ReceptionKind.choices, default=ReceptionKind.REGULAR
    )
    held_on = models.DateField(_("date"))
    host_role = models.CharField(_("held by"), max_length=20, choices=HostRole.choices)
    host_name = models.CharField(_("name of the head"), max_length=150, blank=True)
    place = models.CharField(_("place"), max_length=250)
    citizens = models.PositiveIntegerField(_("citizens received"), default=0)
    cases = models.PositiveIntegerField(_("cases received"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = ReceptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen reception session")
        verbose_name_plural = _("citizen reception sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "held_on"], name="dialogue_rec_org_day")]

    def __str__(self) -> str:
        return f"{self.organization} {self.held_on:%d/%m/%Y}"


# --- Dialogues ------------------------------------------------------------------------------


class DialogueKind(models.TextChoices):
    DIRECT = "direct", _("The head's direct dialogue")
    CONFERENCE = "conference", _("Commune dialogue conference")
    THEMATIC = "thematic", _("Thematic dialogue")


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", _("Announced")
    HELD = "held", _("Held")
    PUBLISHED = "published", _("Results published")
    CANCELLED = "cancelled", _("Cancelled")


class DialogueQuerySet(models.QuerySet["Dialogue"]):
    def visible_to(self, user: User) -> DialogueQuerySet:
        """The one rule: a dialogue is seen by whoever sees the unit that holds it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))


class Dialogue(models.Model):
    """A dialogue of a head with the people: announced, held, its results published."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DialogueKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    host_role = models.CharField(_("host"), max_length=20, choices=HostRole.choices)
    host_name = models.CharField(_("name of the host"), max_length=150, blank=True)
    co_hosts = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("co-hosts")
    )
    place = models.CharField(_("place"), max_length=250, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.IN_PERSON
    )
    announced_on = models.DateField(_("announced on"))
    urgent = models.BooleanField(_("urgent (announced late on purpose)"), default=False)
    urgent_reason = models.CharField(_("why it is urgent"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    issues_raised = models.TextField(_("issues raised"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DialogueStatus.choices, default=DialogueStatus.PLANNED
    )
    results = models.TextField(_("results published"), blank=True)
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(bases=[VerbHistory], m2m_fields=[co_hosts])
    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "held_on"], name="dialogue_dlg_org_day")]

    def __str__(self) -> str:
        return self.title

    @property
    def publish_due(self) -> datetime.date:
        """Results are published within the set number of days after the dialogue (the last
        day the calendar holds, for a date typed near its end: the lists stay readable)."""
        try:
            return self.held_on + datetime.timedelta(days=settings.DANVAN_DIALOGUE["publish_days"])
        except OverflowError:
            return datetime.date.max

    @property
    def publication_late(self) -> bool:
        if self.status in (DialogueStatus.PLANNED, DialogueStatus.CANCELLED):
            return False
        day = self.published_on or timezone.localdate()
        return day > self.publish_due


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    NOT_KEPT = "not_kept", _("Not kept")


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def visible_to(self, user: User) -> CommitmentQuerySet:
        """A commitment is seen with its dialogue."""
        return self.filter(ReportingScope.for_user(user).q("dialogue__organization"))


class Commitment(models.Model):
    """What a host promised at a dialogue: who answers for it, by when, and the evidence."""

    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("dialogue")
    )
    text = models.TextField(_("commitment"))
    responsible = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("agency responsible"),
    )
    responsible_name = models.CharField(
        _("agency responsible (outside body)"), max_length=250, blank=True
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    done_on = models.DateField(_("kept on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    history = HistoricalRecords(bases=[VerbHistory])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def responsible_label(self) -> str:
        return str(self.responsible) if self.responsible_id else self.responsible_name


class CommitmentReminder(models.Model):
    """Which reminders were sent for a commitment (each kind once per due date)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "due_on"], name="dialogue_commitment_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind} {self.due_on}"


# --- Petitions ------------------------------------------------------------------------------


class PetitionKind(models.TextChoices):
    PETITION = "petition", _("Petition")
    FEEDBACK = "feedback", _("Feedback")
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")


# Complaints and denunciations are recorded and referred to the competent body, not settled here.
REFERRED_KINDS = (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION)


class PetitionChannel(models.TextChoices):
    RECEPTION = "reception", _("Citizen reception")
    DIALOGUE = "dialogue", _("Dialogue")
    LETTER = "letter", _("Letter")
    HOTLINE = "hotline", _("Hotline")
    PUBLIC_FORM = "public_form", _("Public form")
    API = "api", _("API")


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred")
    REFUSED = "refused", _("Refused")
    IN_PROGRESS = "in_progress", _("In progress")
    SETTLED = "settled", _("Settled")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another")


# States in which the unit still owes an answer, and so can be overdue.
OPEN_STATES = (
    PetitionState.RECEIVED,
    PetitionState.ACCEPTED,
    PetitionState.IN_PROGRESS,
    PetitionState.REFERRED,
)
# States whose result the tracking page shows.
ANSWERED_STATES = (PetitionState.SETTLED, PetitionState.CLOSED)


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    COMPLEX = "complex", _("Complex")


class Confirmation(models.TextChoices):
    NONE = "", _("Not yet")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class PetitionQuerySet(models.QuerySet["Petition"]):
    def visible_to(self, user: User) -> PetitionQuerySet:
        """The one rule: a petition is seen by whoever sees the unit handling it."""
        return self.filter(ReportingScope.for_user(user).q("organization"))

    def open(self) -> PetitionQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: datetime.date) -> PetitionQuerySet:
        return self.filter(state__in=OPEN_STATES, due_on__lt=today)


class Petition(models.Model):
    """A petition or feedback of the people, from intake to the citizen's confirmation."""

    code = models.CharField(_("tracking code"), max_length=20, unique=True, editable=False)
    # The name Open311 lists give it (DV + 8 drawn characters): not the code, which lets its
    # holder confirm the answer, nor the row's number, whose gaps would count the petitions
    # that are never public (denunciations).
    public_id = models.CharField(_("public id"), max_length=12, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    kind = models.CharField(_("kind"), max_length=15, choices=PetitionKind.choices)
    channel = models.CharField(_("channel"), max_length=15, choices=PetitionChannel.choices)
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.NORMAL
    )
    remote_area = models.BooleanField(_("remote or disadvantaged area"), default=False)
    second_level = models.BooleanField(_("second-level settlement"), default=False)
    summary = models.CharField(pgettext_lazy("petition", "summary"), max_length=300)
    # The citizen's own words: sensitive, so encrypted like the identity.
    text = EncryptedTextField(_("text of the petition"), blank=True, null=True)
    reception = models.ForeignKey(
        Reception, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("reception session"),
    )  # fmt: skip
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("dialogue"),
    )  # fmt: skip
    received_on = models.DateField(_("received on"))
    state = models.CharField(
        _("state"), max_length=15, choices=PetitionState.choices, default=PetitionState.RECEIVED
    )
    # The deadline of the current stage: acceptance, then settlement (extended if decided).
    due_on = models.DateField(_("due"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    settle_due = models.DateField(_("settlement due (by law)"), null=True, blank=True)
    competent_body = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("competent body"),
    )  # fmt: skip
    competent_body_name = models.CharField(
        _("competent body (outside danvan)"), max_length=250, blank=True
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("officer handling it"),
    )  # fmt: skip
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    referred_on = models.DateField(_("referred on"), null=True, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    notice_sent_on = models.DateField(_("notice sent on"), null=True, blank=True)
    published = models.BooleanField(_("answer published"), default=False)
    confirmation = models.CharField(
        _("citizen's confirmation"), max_length=15, choices=Confirmation.choices, blank=True,
        default=Confirmation.NONE,
    )  # fmt: skip
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates",
        verbose_name=_("merged into"),
    )  # fmt: skip
    note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("situation note"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["search_text", "text"])
    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "received_on"], name="dialogue_pet_org_day"),
            models.Index(fields=["state", "due_on"], name="dialogue_pet_state_due"),
            models.Index(fields=["area", "received_on"], name="dialogue_pet_area_day"),
            models.Index(fields=["settled_on"], name="dialogue_pet_settled"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = fold(self.summary)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    @property
    def settled_on_time(self) -> bool | None:
        """Whether the answer came by the settlement deadline (as extended); None while open."""
        if self.settled_on is None or self.settle_due is None:
            return None
        return self.settled_on <= self.due_on

    @property
    def competent_body_label(self) -> str:
        return str(self.competent_body) if self.competent_body_id else self.competent_body_name

    @property
    def is_denunciation(self) -> bool:
        return self.kind == PetitionKind.DENUNCIATION


class Extension(models.Model):
    """A decision extending a petition's settlement deadline, with its reason."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("petition")
    )
    decided_on = models.DateField(_("decided on"))
    working_days = models.PositiveSmallIntegerField(_("working days added"))
    previous_due = models.DateField(_("previous deadline"))
    new_due = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    # Which settlement it extended: 0 the first, n the one after the petition's nth reopening.
    # The law's maximum counts the current round's extensions only (`Petition.reopened`).
    cycle = models.PositiveSmallIntegerField(_("settlement round"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = HistoricalRecords(bases=[VerbHistory])

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.petition.code} → {self.new_due:%d/%m/%Y}"


class PetitionReminder(models.Model):
    """Which reminders were sent for a petition (each kind once per deadline)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "kind", "due_on"], name="dialogue_petition_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.due_on}"


def attachment_path(instance: Any, filename: str) -> str:
    return f"dialogue/{datetime.date.today():%Y/%m}/{filename}"  # noqa: DTZ011


class PetitionAttachment(models.Model):
    """A file sent with a petition (checked like every upload); seen with the petition."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("petition")
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# The personal data kept beside a petition lives in its own module (imported last, as it
# refers to Petition): Django registers its models with this app.
from .models_privacy import (  # noqa: E402, F401
    DataRequest,
    IdentityAccess,
    Petitioner,
    RequestKind,
    RequestState,
)
