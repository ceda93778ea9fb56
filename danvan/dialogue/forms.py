"""Forms of the dialogue pages: a petition and each step of its handling, a reception session,
a dialogue and its commitments, a data subject request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.accounts.models import User
from danvan.lib.forms import MultipleFileField
from danvan.lib.pickers import (
    AreaPickerField,
    OrganizationMultiPickerField,
    OrganizationPickerField,
)
from danvan.org.forms import DateInput
from danvan.org.models import Area, Organization
from danvan.situation.forms import OffersConfirmation, TopicChoice, confirm_field
from danvan.situation.models import Level, Topic

from .models import (
    Channel,
    Complexity,
    Confirmation,
    Dialogue,
    DialogueKind,
    HostRole,
    PetitionChannel,
    PetitionKind,
    Reception,
    ReceptionKind,
    RequestKind,
)

MAX_COUNT = 1_000_000


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class ReceptionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%d/%m/%Y} — {obj.organization.name} — {obj.get_host_role_display()}"


class DialogueChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%d/%m/%Y} — {obj.title}"


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _text(label: Any, *, required: bool = True, rows: int = 3, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


# --- Petitions ------------------------------------------------------------------------------


class PetitionForm(forms.Form):
    organization = OrganizationPickerField(
        label=_("Handling unit"), queryset=Organization.objects.none()
    )
    area = AreaPickerField(
        label=_("Area"),
        queryset=Area.objects.none(),
        help_text=_("The commune or village the petition is about."),
    )
    topic = TopicChoice(label=_("Topic"), queryset=Topic.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    channel = forms.ChoiceField(label=_("Received through"), choices=PetitionChannel.choices[:4])
    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, initial=Complexity.NORMAL
    )
    remote_area = forms.BooleanField(label=_("Remote or disadvantaged area"), required=False)
    second_level = forms.BooleanField(label=_("Second-level settlement"), required=False)
    summary = forms.CharField(
        label=pgettext_lazy("petition", "Summary"),
        max_length=300,
        help_text=_("The matter in a sentence, without names or numbers of persons."),
    )
    text = _text(_("Text of the petition"), required=False, rows=5)
    received_on = _date(_("Received on"))
    reception = ReceptionChoice(
        label=_("Received at the reception session"),
        queryset=Reception.objects.none(),
        required=False,
    )
    dialogue = DialogueChoice(
        label=_("Raised at the dialogue"), queryset=Dialogue.objects.none(), required=False
    )
    name = forms.CharField(label=_("Petitioner's full name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    consent = forms.BooleanField(label=_("The petitioner consents"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    not_duplicate = forms.BooleanField(
        label=_("This is not a duplicate of the petitions above: record it"), required=False
    )

    PERSON = ("name", "phone", "email", "address", "id_number")

    def __init__(
        self,
        *args: Any,
        organizations: Any,
        areas: Any,
        topics: Any,
        receptions: Any,
        dialogues: Any,
        consent_text: str,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
        self.fields["reception"].queryset = receptions  # type: ignore[attr-defined]
        self.fields["dialogue"].queryset = dialogues  # type: ignore[attr-defined]
        self.fields["consent"].help_text = consent_text
        ticked = self.is_bound and self.data.get("not_duplicate") in ("on", "true", "True", "1")
        if not ticked:
            self.fields["not_duplicate"].widget = forms.HiddenInput()

    def offer_not_duplicate(self) -> None:
        self.fields["not_duplicate"].widget = forms.CheckboxInput()

    @property
    def not_duplicate_offered(self) -> bool:
        return isinstance(self.fields["not_duplicate"].widget, forms.CheckboxInput)

    def service_values(self) -> dict[str, Any]:
        """The cleaned data as `services.petition_create` takes it."""
        data = dict(self.cleaned_data)
        data.pop("not_duplicate", None)
        data["person"] = {key: data.pop(key) or "" for key in self.PERSON}
        if not any(data["person"].values()):
            data["person"] = {}
        return data


class CaseKindFields(forms.Form):
    """What sets the settlement's legal time, checked again when its clock starts."""

    complexity = forms.ChoiceField(
        label=_("Complexity"), choices=Complexity.choices, required=False
    )
    remote_area = forms.BooleanField(label=_("Remote or disadvantaged area"), required=False)
    second_level = forms.BooleanField(label=_("Second-level settlement"), required=False)

    def clean_complexity(self) -> str | None:
        return self.cleaned_data.get("complexity") or None  # not sent: kept


class AcceptForm(CaseKindFields):
    accepted_on = _date(_("Accepted on"))
    field_order = ["accepted_on", "complexity", "remote_area", "second_level", "handler"]
    handler = OfficerChoice(
        label=_("Officer handling it"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody yet —"),
    )

    def __init__(self, *args: Any, officers: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "accept_%s")
        super().__init__(*args, **kw)
        self.fields["handler"].queryset = officers  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    handler = OfficerChoice(label=_("Officer handling it"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kw)
        self.fields["handler"].queryset = officers  # type: ignore[attr-defined]


class ReferForm(CaseKindFields):
    referred_on = _date(_("Referred on"))
    competent_body = OrganizationPickerField(
        label=_("Competent body"), queryset=Organization.objects.none(), required=False
    )
    competent_body_name = forms.CharField(
        label=_("Or a body outside danvan"), max_length=250, required=False
    )
    reason = _text(_("Why it is referred"), required=False, rows=2, max_length=1000)
    field_order = [
        "referred_on", "competent_body", "competent_body_name", "complexity", "remote_area",
        "second_level", "reason",
    ]  # fmt: skip

    def __init__(self, *args: Any, bodies: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "refer_%s")
        super().__init__(*args, **kw)
        self.fields["competent_body"].queryset = bodies  # type: ignore[attr-defined]


class RefuseForm(forms.Form):
    refused_on = _date(_("Refused on"))
    reason = _text(_("Reason (the citizen is told)"), rows=2, max_length=2000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "refuse_%s")
        super().__init__(*args, **kw)


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(label=_("Working days added"), min_value=1, max_value=90)
    reason = _text(_("Reason for the extension"), rows=2, max_length=2000)
    decided_on = _date(_("Decided on"))

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "extend_%s")
        super().__init__(*args, **kw)


class SettleForm(OffersConfirmation, forms.Form):
    result = _text(_("Result of the settlement"), rows=4, max_length=5000)
    settled_on = _date(_("Settled on"))
    notice_sent_on = _date(_("Notice sent to the citizen on"), required=False)
    publish = forms.BooleanField(
        label=_("Publish the answer on the tracking page"),
        required=False,
        initial=True,
        help_text=_(
            "Published, the summary and the result are also read by everyone: in the public "
            "answers' feed and in Open311's list."
        ),
    )
    confirm_no_person = confirm_field()

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "settle_%s")
        super().__init__(*args, **kw)
        self._hide_confirmation(self.data if self.is_bound else None)


class ConfirmForm(forms.Form):
    confirmation = forms.ChoiceField(
        label=_("The citizen is"),
        choices=[c for c in Confirmation.choices if c[0]],
        widget=forms.RadioSelect,
    )
    confirmed_on = _date(_("Told on"))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kw)


class CloseForm(forms.Form):
    pass


class ReopenForm(forms.Form):
    reason = _text(_("Why it is reopened"), rows=2, max_length=1000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "reopen_%s")
        super().__init__(*args, **kw)


class AttachForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Files"),
        help_text=_("Papers the citizen brought later, or a body's letter about the case."),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "attach_%s")
        super().__init__(*args, **kw)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Tracking code of the petition to merge into"),
        max_length=20,
        help_text=_("This petition keeps its code, which then leads to the other one."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kw)


class NoteLinkForm(forms.Form):
    note = forms.IntegerField(
        label=_("Number of an existing situation note"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_(
            "Leave empty to file a new note from this petition (the issue, not the person)."
        ),
    )
    level = forms.ChoiceField(
        label=_("Level of the new note"), choices=Level.choices, initial=Level.NORMAL
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kw)


# --- Receptions and dialogues ---------------------------------------------------------------


class ReceptionForm(forms.Form):
    organization = OrganizationPickerField(
        label=pgettext_lazy("organisation", "Unit"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReceptionKind.choices)
    held_on = _date(_("Date"))
    host_role = forms.ChoiceField(label=_("Held by"), choices=HostRole.choices)
    host_name = forms.CharField(label=_("Name of the head"), max_length=150, required=False)
    place = forms.CharField(label=pgettext_lazy("venue", "Place"), max_length=250)
    citizens = forms.IntegerField(
        label=_("Citizens received"), min_value=0, max_value=MAX_COUNT, initial=0
    )
    cases = forms.IntegerField(
        label=_("Cases received"), min_value=0, max_value=MAX_COUNT, initial=0
    )
    notes = _text(pgettext_lazy("reception", "Notes"), required=False, rows=3)

    def __init__(self, *args: Any, organizations: Any, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if editing:
            del self.fields["organization"]


class DialogueForm(forms.Form):
    organization = OrganizationPickerField(
        label=pgettext_lazy("organisation", "Unit"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DialogueKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = _date(_("Date of the dialogue"))
    announced_on = _date(_("Announced on"))
    urgent = forms.BooleanField(label=_("Urgent (announced late on purpose)"), required=False)
    urgent_reason = forms.CharField(label=_("Why it is urgent"), max_length=300, required=False)
    host_role = forms.ChoiceField(label=_("Host"), choices=HostRole.choices)
    host_name = forms.CharField(label=_("Name of the host"), max_length=150, required=False)
    co_hosts = OrganizationMultiPickerField(
        label=_("Co-hosts"), queryset=Organization.objects.none(), required=False
    )
    place = forms.CharField(label=pgettext_lazy("venue", "Place"), max_length=250, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)

    def __init__(
        self, *args: Any, organizations: Any, co_hosts: Any, editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["co_hosts"].queryset = co_hosts  # type: ignore[attr-defined]
        if editing:  # a dialogue stays with the unit that holds it
            del self.fields["organization"]


class HoldForm(forms.Form):
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=MAX_COUNT)
    issues_raised = _text(_("Issues the people raised"), rows=4)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "hold_%s")
        super().__init__(*args, **kw)


class PublishForm(forms.Form):
    results = _text(_("Results to publish"), rows=4)
    published_on = _date(_("Published on"))

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "publish_%s")
        super().__init__(*args, **kw)


class CancelForm(forms.Form):
    reason = _text(_("Why it is cancelled"), rows=2, max_length=1000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kw)


class CommitmentForm(forms.Form):
    text = _text(_("What was committed"), rows=2)
    responsible = OrganizationPickerField(
        label=_("Agency responsible"), queryset=Organization.objects.none(), required=False
    )
    responsible_name = forms.CharField(
        label=_("Or an agency outside danvan"), max_length=250, required=False
    )
    due_on = _date(_("Due"))

    def __init__(self, *args: Any, agencies: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "commit_%s")
        super().__init__(*args, **kw)
        self.fields["responsible"].queryset = agencies  # type: ignore[attr-defined]


class KeepForm(forms.Form):
    done_on = _date(_("Kept on"))
    evidence = _text(_("Evidence"), rows=2, help_text=_("A decision, a report, a photo…"))


class NotKeptForm(forms.Form):
    reason = _text(_("Why it was not kept"), rows=2, max_length=1000)


# --- Data subject requests ------------------------------------------------------------------


class DataRequestForm(forms.Form):
    code = forms.CharField(label=_("Tracking code of the petition"), max_length=20)
    kind = forms.ChoiceField(label=_("Request"), choices=RequestKind.choices)
    received_on = _date(_("Received on"))
    details = _text(_("What was asked"), required=False, rows=2)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "request_%s")
        super().__init__(*args, **kw)


class AcknowledgeForm(forms.Form):
    acknowledged_on = _date(_("Acknowledged on"))


class CompleteForm(forms.Form):
    outcome = _text(_("What was done"), rows=2, max_length=2000)
    name = forms.CharField(label=_("Corrected full name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Corrected telephone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Corrected e-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Corrected address"), max_length=300, required=False)
    id_number = forms.CharField(label=_("Corrected ID number"), max_length=20, required=False)

    CORRECTABLE = ("name", "phone", "email", "address", "id_number")

    def __init__(self, *args: Any, correcting: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if not correcting:
            for key in self.CORRECTABLE:
                del self.fields[key]

    def corrections(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in self.CORRECTABLE if self.cleaned_data.get(k)}


class RefuseRequestForm(forms.Form):
    outcome = _text(_("Why it is refused"), rows=2, max_length=2000)
