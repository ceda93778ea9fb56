"""Forms of the meetings pages: a meeting, its agenda, its bridge points (invited, confirmed,
checked), its minutes and its conclusions. Times are typed in the site's time zone
(Asia/Ho_Chi_Minh), as `datetime-local` inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.documents.models import Document
from danvan.lib.pickers import DocumentMultiPickerField, OrganizationPickerField, PeriodField
from danvan.org.forms import DateInput
from danvan.org.models import AreaLevel, Organization, OrganizationKind
from danvan.programs.models import Program
from danvan.reporting.models import Form

from .models import CheckResult, Format, Kind
from .services import MAX_DELEGATES

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
CHAIR_HELP = _("The office, not the person: «Phó Bí thư Thường trực Đảng ủy xã».")


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date and time picker; the value is the site's local time."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=LOCAL_FORMAT, **kwargs)


def _when(label: Any, **kw: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=DateTimeLocalInput(), input_formats=[LOCAL_FORMAT], **kw
    )


def _text(label: Any, *, required: bool = True, rows: int = 3, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


def _delegates(label: Any, *, required: bool = True, **kw: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=MAX_DELEGATES, required=required, **kw
    )


def _chair() -> forms.CharField:
    return forms.CharField(
        label=_("Chair (title)"), max_length=200, required=False, help_text=CHAIR_HELP
    )


def _place() -> forms.CharField:
    return forms.CharField(label=pgettext_lazy("venue", "Place"), max_length=300, required=False)


class ProgramChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.term})" if obj.term else str(obj.title)


class KindChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


# --- The meeting ----------------------------------------------------------------------------


class MeetingForm(forms.Form):
    host = OrganizationPickerField(label=_("Host unit"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"), help_text=_("A meeting may last several days."))
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.IN_PERSON)
    place = forms.CharField(
        label=pgettext_lazy("venue", "Place"),
        max_length=300,
        required=False,
        help_text=_("The host's hall; each bridge point gives its own."),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "The link of the video conference service the host uses (any service). danvan does "
            "not carry the video: it keeps the link, the bridge points and their attendance."
        ),
    )
    period = PeriodField(
        label=_("Period reviewed"),
        required=False,
        help_text=_("The period a review conference looks back on, if it reviews one."),
    )
    program = ProgramChoice(
        label=_("Programme signed or reviewed"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    report_forms = forms.ModelMultipleChoiceField(
        label=_("Reports presented"),
        queryset=Form.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("The host's consolidated report of each form for the period reviewed."),
        template_name="meetings/_checks_field.html",
    )
    documents = DocumentMultiPickerField(
        label=_("Documents cited"), queryset=Document.objects.none(), required=False
    )
    host_chair = forms.CharField(
        label=_("Chair of the host's bridge point (title)"),
        max_length=200,
        required=False,
        help_text=_("Online or hybrid meetings only. The office, not the person."),
    )
    host_expected = _delegates(
        _("Delegates expected at the host's bridge point"), required=False, initial=0
    )
    reason = forms.CharField(
        label=_("Why it changes"),
        max_length=500,
        required=False,
        help_text=_("Kept in the history beside the fields that changed."),
    )

    M2M = ("report_forms", "documents")
    CREATE_ONLY = ("host", "host_chair", "host_expected")

    def __init__(
        self,
        *args: Any,
        hosts: Any,
        programs: Any,
        report_forms: Any,
        documents: Any,
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["report_forms"].queryset = report_forms  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        if editing:
            for name in self.CREATE_ONLY:
                del self.fields[name]
        else:
            del self.fields["reason"]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in self.M2M:
            data[name] = list(data[name])
        if "host_expected" in data:
            data["host_expected"] = data["host_expected"] or 0
        return data


class CancelForm(forms.Form):
    reason = _text(_("Why it is cancelled"), rows=2, max_length=1000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kw)


class MinutesForm(forms.Form):
    minutes = _text(
        _("Minutes"),
        required=False,
        rows=8,
        help_text=_("The minutes' text, or attach the signed file below (or both)."),
    )
    minutes_file = forms.FileField(label=_("Minutes (file)"), required=False)
    chair_conclusion = _text(_("Conclusion of the chair"), required=False, rows=5)


class AgendaItemForm(forms.Form):
    starts_at = _when(_("Time"))
    title = forms.CharField(label=_("Title"), max_length=300)
    presenter = forms.CharField(
        label=_("Presenter (title)"),
        max_length=200,
        required=False,
        help_text=_("The office, not the person: «Trưởng Ban Dân vận Tỉnh ủy»."),
    )
    documents = DocumentMultiPickerField(
        label=_("Documents"), queryset=Document.objects.none(), required=False
    )
    attachment = forms.FileField(
        label=_("File"), required=False, help_text=_("A report or slides presented.")
    )

    def __init__(self, *args: Any, documents: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]


# --- Bridge points --------------------------------------------------------------------------


class InviteForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=AreaLevel.choices, initial=AreaLevel.COMMUNE
    )
    kind = KindChoice(
        label=_("Kind of unit"),
        queryset=OrganizationKind.objects.none(),
        required=False,
        empty_label=_("— every kind —"),
    )
    expected = _delegates(_("Delegates expected at each point"), initial=0)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kw)
        self.fields["kind"].queryset = OrganizationKind.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )


class PointAddForm(forms.Form):
    organization = OrganizationPickerField(
        label=pgettext_lazy("organisation", "Unit"), queryset=Organization.objects.none()
    )
    guest = forms.BooleanField(
        label=_("A guest from outside the host's units"),
        required=False,
        help_text=_("Tick it to invite a unit that does not belong to the host's tree."),
    )
    place = _place()
    chair = _chair()
    expected = _delegates(_("Delegates expected"), initial=0)

    def __init__(self, *args: Any, units: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "point_%s")
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = units  # type: ignore[attr-defined]


class PointEditForm(forms.Form):
    place = _place()
    chair = _chair()
    expected = _delegates(_("Delegates expected"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ConfirmForm(forms.Form):
    attending = _delegates(_("Delegates attending"))
    attendance_note = forms.CharField(
        label=_("Note on attendance"),
        max_length=300,
        required=False,
        help_text=_("Needed when more delegates attend than were expected."),
    )
    expected = _delegates(_("Delegates expected"))
    place = _place()
    chair = _chair()

    def __init__(self, *args: Any, prefix_id: str = "confirm", **kw: Any) -> None:
        kw.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kw)


class CheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result of the connection check"),
        choices=CheckResult.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Say what did not work, so it can be fixed in time."),
    )

    def __init__(self, *args: Any, prefix_id: str = "check", **kw: Any) -> None:
        kw.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kw)


# --- Conclusions ----------------------------------------------------------------------------


class ConclusionForm(forms.Form):
    text = _text(_("Conclusion"), rows=3)
    organization = OrganizationPickerField(
        label=pgettext_lazy("task given to a unit", "Assigned to"),
        queryset=Organization.objects.none(),
        help_text=_("A unit of the host's tree or one of the bridge points."),
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args: Any, units: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "conclusion_%s")
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = units  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    result = _text(_("What was done"), rows=3)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), rows=2, max_length=1000)
