from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.documents.models import Document
from danvan.lib.periods import PeriodType
from danvan.lib.pickers import (
    DocumentMultiPickerField,
    OrganizationMultiPickerField,
    OrganizationPickerField,
    PeriodField,
)
from danvan.org.forms import DateInput
from danvan.org.models import Organization

from .models import OversightKind, PlanItem, RecommendationStatus


class PlanItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} · {obj.title} ({obj.when})"


class OversightForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OversightKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    lead = OrganizationPickerField(label=_("Lead"), queryset=Organization.objects.none())
    plan_item = PlanItemChoice(
        label=_("Plan item"),
        queryset=PlanItem.objects.none(),
        required=False,
        help_text=_("The line of the annual plan it carries out; empty for an unplanned one."),
    )
    subjects = OrganizationMultiPickerField(
        label=_("Subject organisations"), queryset=Organization.objects.none()
    )
    documents = DocumentMultiPickerField(
        label=_("Documents checked"), queryset=Document.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    team = forms.CharField(
        label=_("Team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One member per line, by title and role — no personal files."),
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        leads: Any,
        subjects: Any,
        documents: Any,
        plan_items: Any,
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["subjects"].queryset = subjects  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        self.fields["plan_item"].queryset = plan_items  # type: ignore[attr-defined]
        if editing:
            del self.fields["lead"]


class ConcludeForm(forms.Form):
    conclusion_number = forms.CharField(label=_("Conclusion number"), max_length=60, required=False)
    conclusion_on = forms.DateField(label=_("Conclusion date"), widget=DateInput())
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusion_file = forms.FileField(label=_("Conclusion document"), required=False)
    # Set when the page offers «Correct the conclusion»: a second «Record» is refused.
    correcting = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = OrganizationPickerField(
        label=_("Responsible organisation"),
        queryset=Organization.objects.none(),
        help_text=_("The lead's own units and the organisations of its area."),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, responsible: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["responsible"].queryset = responsible  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    response = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlanForm(forms.Form):
    organization = OrganizationPickerField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organizations: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class PlanItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OversightKind.choices)
    title = forms.CharField(label=_("What"), max_length=500)
    period = PeriodField(
        label=_("When"),
        types=(PeriodType.MONTH, PeriodType.QUARTER, PeriodType.HALF, PeriodType.YEAR),
        help_text=_("A month, quarter or half of the plan's year, or the whole year."),
    )
    subjects = OrganizationMultiPickerField(
        label=_("Whom"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, subjects: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["subjects"].queryset = subjects  # type: ignore[attr-defined]
