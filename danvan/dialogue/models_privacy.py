"""The personal data a petition needs, apart from the case (Law 91/2025/QH15): the petitioner,
encrypted at rest and without history; the log of each time it is shown or exported; data
subject requests. Registered with the app by `models.py`, which imports this module.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField
from simple_history.models import HistoricalRecords

from danvan.lib.history import VerbHistory

from .models import Petition

# --- Personal data --------------------------------------------------------------------------


class Petitioner(models.Model):
    """Who sent a petition: only what settlement needs, encrypted at rest, no history kept.

    Erased (`erased_at`) a set time after the case closes, or on the person's request; the case
    and its figures stay. A denouncer's identity is shown only to the assigned handler, and each
    time it is shown is logged (`IdentityAccess`).
    """

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, related_name="petitioner", verbose_name=_("petition")
    )
    name = EncryptedCharField(_("full name"), max_length=150, blank=True, null=True)
    phone = EncryptedCharField(_("telephone"), max_length=30, blank=True, null=True)
    email = EncryptedCharField(_("e-mail"), max_length=254, blank=True, null=True)
    address = EncryptedCharField(_("address"), max_length=300, blank=True, null=True)
    id_number = EncryptedCharField(_("ID number"), max_length=20, blank=True, null=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")

    def __str__(self) -> str:
        return str(_("Petitioner of %(code)s") % {"code": self.petition.code})

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class IdentityAccess(models.Model):
    """A log line each time a petitioner's identity is shown or exported."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        CORRECT = "correct", _("Corrected")
        ERASE = "erase", _("Erased")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.at:%Y-%m-%d %H:%M}"


class RequestKind(models.TextChoices):
    SEE = "see", _("See my data")
    CORRECT = "correct", _("Correct my data")
    ERASE = "erase", _("Erase my data")
    WITHDRAW = "withdraw", _("Withdraw consent")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class DataRequest(models.Model):
    """A data subject's request (see, correct, erase, withdraw consent), on its legal clock."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="data_requests",
        verbose_name=_("petition"),
    )  # fmt: skip
    kind = models.CharField(_("request"), max_length=10, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"))
    acknowledge_due = models.DateField(_("acknowledge by"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=15, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    details = models.TextField(_("what was asked"), blank=True)
    outcome = models.TextField(_("what was done"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
        blank=True,
    )  # fmt: skip

    history = HistoricalRecords(bases=[VerbHistory], excluded_fields=["details"])

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.petition.code} {self.get_kind_display()}"
