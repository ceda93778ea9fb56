"""Forms of the situation pages: a note, its follow-ups and resolution, alerts, an area's map."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.lib.pickers import AreaPickerField, DocumentMultiPickerField, OrganizationPickerField
from danvan.org.forms import DateInput
from danvan.org.models import Area, Organization
from danvan.oversight.models import Oversight
from danvan.programs.models import Program

from .models import Level, SourceKind, Topic

MULTI_HELP = _("Hold Ctrl (or ⌘) to choose several.")
CONFIRM_LABEL = _("The text names only public offices and places")
CONFIRM_HELP = _(
    "Tick this only if what was flagged is not a private person (for example «Chủ tịch UBND "
    "xã», a street or a school named after a hero)."
)


class _GroupedTopics(ModelChoiceIterator):
    """Topics under their group: a group with topics is an <optgroup> (the group itself first,
    for a note on the group as a whole); a group without topics is a plain option."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        topics = list(self.queryset)
        children: dict[int, list[Topic]] = defaultdict(list)
        for topic in topics:
            if topic.parent_id is not None:
                children[topic.parent_id].append(topic)
        groups = [t for t in topics if t.parent_id is None]
        seen = {g.pk for g in groups}
        # A topic in use whose group is retired still shows, under its group's name.
        orphans = {t.parent_id: t.parent for t in topics if t.parent_id and t.parent_id not in seen}
        for group in groups:
            if children[group.pk]:
                general = (self.field.prepare_value(group), _("%(group)s — in general") % {
                    "group": group.label
                })  # fmt: skip
                yield (group.label, [general, *(self.choice(t) for t in children[group.pk])])
            else:
                yield self.choice(group)
        for parent_id, parent in orphans.items():
            yield (parent.label if parent else "", [self.choice(t) for t in children[parent_id]])


class TopicChoice(forms.ModelChoiceField):
    iterator = _GroupedTopics

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class ProgramsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class OversightsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} · {obj.title}"


class OffersConfirmation:
    """A form with a `confirm_no_person` box that shows only once the privacy check refused
    the text: it is an answer to what the check found, not a box to tick in advance."""

    fields: dict[str, forms.Field]

    def _hide_confirmation(self, data: Any) -> None:
        # Still shown, ticked, when the form comes back for another reason.
        ticked = data is not None and data.get("confirm_no_person") in ("on", "true", "True", "1")
        if not ticked:
            self.fields["confirm_no_person"].widget = forms.HiddenInput()

    def offer_confirmation(self) -> None:
        self.fields["confirm_no_person"].widget = forms.CheckboxInput()

    @property
    def confirmation_offered(self) -> bool:
        return isinstance(self.fields["confirm_no_person"].widget, forms.CheckboxInput)


def confirm_field() -> forms.BooleanField:
    return forms.BooleanField(label=CONFIRM_LABEL, required=False, help_text=CONFIRM_HELP)


class NoteForm(OffersConfirmation, forms.Form):
    organization = OrganizationPickerField(
        label=pgettext_lazy("organisation", "Unit"), queryset=Organization.objects.none()
    )
    area = AreaPickerField(
        label=_("Area"),
        queryset=Area.objects.none(),
        help_text=_("The commune or village where it happens."),
    )
    topic = TopicChoice(label=_("Topic"), queryset=Topic.objects.none())
    event_date = forms.DateField(label=_("Date of the event"), widget=DateInput())
    summary = forms.CharField(
        label=pgettext_lazy("situation", "Summary"),
        max_length=300,
        help_text=_("The issue in a sentence, about the matter and the place — not about persons."),
    )
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    people_concerned = forms.IntegerField(
        label=_("People concerned (about)"), required=False, min_value=0, max_value=10_000_000
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("situation", "Level"), choices=Level.choices, initial=Level.NORMAL
    )
    source = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices)
    actions = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    programs = ProgramsChoice(
        label=_("Coordination programmes"),
        queryset=Program.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=MULTI_HELP,
    )
    oversights = OversightsChoice(
        label=_("Inspections and supervisions"),
        queryset=Oversight.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=MULTI_HELP,
    )
    documents = DocumentMultiPickerField(
        label=_("Documents"), queryset=Document.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Why it changes"),
        required=False,
        max_length=500,
        help_text=_("Kept in the history beside the fields that changed."),
    )
    confirm_no_person = confirm_field()

    def __init__(
        self,
        *args: Any,
        organizations: Any,
        areas: Any,
        topics: Any,
        programs: Any,
        oversights: Any,
        documents: Any,
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
        self.fields["programs"].queryset = programs  # type: ignore[attr-defined]
        self.fields["oversights"].queryset = oversights  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        if not editing:
            del self.fields["reason"]
        self._hide_confirmation(self.data if self.is_bound else None)


class FollowUpForm(OffersConfirmation, forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    level = forms.ChoiceField(
        label=_("Level now"),
        choices=Level.choices,
        help_text=_("A hot spot or a complex incident raises an alert to the commission."),
    )
    confirm_no_person = confirm_field()

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._hide_confirmation(self.data if self.is_bound else None)


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())
    actions = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(OffersConfirmation, forms.Form):
    reason = forms.CharField(
        label=_("Why it is reopened"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_no_person = confirm_field()

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._hide_confirmation(self.data if self.is_bound else None)


class AttachmentForm(forms.Form):
    upload = forms.FileField(label=_("File"))


class NotesImportForm(OffersConfirmation, forms.Form):
    organization = OrganizationPickerField(
        label=_("Unit filing the notes"), queryset=Organization.objects.none()
    )
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    confirm_no_person = confirm_field()

    def __init__(self, *args: Any, organizations: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self._hide_confirmation(self.data if self.is_bound else None)


class AssigneeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AcknowledgeForm(forms.Form):
    assigned_to = AssigneeChoice(
        label=_("Give it to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody yet —"),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, *args: Any, assignees: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "acknowledge_%s")  # two forms on one page: distinct ids
        super().__init__(*args, **kw)
        self.fields["assigned_to"].queryset = assignees  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assigned_to = AssigneeChoice(label=_("Give it to"), queryset=User.objects.none())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)

    def __init__(self, *args: Any, assignees: Any, **kw: Any) -> None:
        kw.setdefault("auto_id", "assign_%s")  # two forms on one page: distinct ids
        super().__init__(*args, **kw)
        self.fields["assigned_to"].queryset = assignees  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    outcome = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))


class AreaMapForm(forms.Form):
    boundary_file = forms.FileField(
        label=_("Boundary file (GeoJSON)"),
        required=False,
        help_text=_("A .geojson or .json file with one Polygon or MultiPolygon."),
    )
    boundary = forms.CharField(
        label=_("Or paste the GeoJSON"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=8, decimal_places=5,
        min_value=-90, max_value=90,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=8, decimal_places=5,
        min_value=-180, max_value=180,
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or neither."))
        return data
