from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib.pickers import OrganizationPickerField
from danvan.org.forms import DateInput
from danvan.org.models import Organization

from .models import CRITERIA, Field, Level, PracticeKind, PracticeResult, SubField

_value: Any = PracticeResult._meta.get_field("value")
# A result's number as its column keeps it; the service checks the same.
RESULT_NUMBER = {"max_digits": _value.max_digits, "decimal_places": _value.decimal_places}


class SubFieldSelect(forms.Select):
    """Each sub-field's option names its field (`data-field`), so that the page offers only
    those of the chosen field (static/danvan/dependent_select.js)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        instance = getattr(option["value"], "instance", None)
        if isinstance(instance, SubField):
            option["attrs"]["data-field"] = instance.field
        return option


class PracticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PracticeKind.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    field = forms.ChoiceField(label=_("Field"), choices=Field.choices)
    subfield = forms.ModelChoiceField(
        label=_("Sub-field"),
        queryset=SubField.objects.filter(is_active=True),
        required=False,
        widget=SubFieldSelect(attrs={"data-filter-by": "id_field"}),
    )
    organization = OrganizationPickerField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput())
    situation = forms.CharField(
        label=_("1. Situation and reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("2. Objectives and criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    content_method = forms.CharField(
        label=_("3. Content and method"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_group = forms.CharField(
        label=_("4. Area and target group"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    forces = forms.CharField(
        label=_("5. Forces and their roles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resources = forms.CharField(
        label=_("6. Resources"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget_dong = forms.IntegerField(label=_("Budget (đồng)"), required=False, min_value=0)
    workdays = forms.IntegerField(label=_("Workdays"), required=False, min_value=0)
    people_contribution_dong = forms.IntegerField(
        label=_("Contributions from the people (đồng)"), required=False, min_value=0
    )
    timeline = forms.CharField(
        label=_("7. Timeline and evaluation point"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outputs = forms.CharField(
        label=_("8. Verifiable outputs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sustainability = forms.CharField(
        label=_("9. Sustainability and replicability"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    person_name = forms.CharField(
        label=_("Person's name (individual examples)"), max_length=150, required=False
    )
    consent_recorded_on = forms.DateField(
        label=_("Consent recorded on"),
        required=False,
        widget=DateInput(),
        help_text=_("A person is named, and shown publicly, only with their recorded consent."),
    )
    is_public = forms.BooleanField(
        label=_("Show on the public showcase once recognised"), required=False
    )
    metric = forms.CharField(label=_("10. Measured result: what"), max_length=200, required=False)
    value = forms.DecimalField(label=_("Value"), required=False, **RESULT_NUMBER)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)

    def __init__(self, *args: Any, organizations: Any, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if editing:
            for name in ("organization", "metric", "value", "unit"):
                del self.fields[name]


class AppraisalForm(forms.Form):
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, label in CRITERIA:
            self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=10)
        self.order_fields([name for name, _label in CRITERIA] + ["comments"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("recognition", _("Recognise (or raise the level)")),
            ("commendation", _("Commend")),
            ("not_recognised", _("Not recognised")),
        ],
    )
    decided_by = OrganizationPickerField(
        label=_("Decided by"), queryset=Organization.objects.none()
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Level.choices], required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    appraisal_waived_reason = forms.CharField(
        label=_("Why no appraisal was needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leaders only, and only to recognise a practice that has not been appraised."),
    )

    def __init__(self, *args: Any, bodies: Any, may_waive: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["decided_by"].queryset = bodies  # type: ignore[attr-defined]
        if not may_waive:
            del self.fields["appraisal_waived_reason"]


class ReplicationForm(forms.Form):
    organization = OrganizationPickerField(
        label=_("Adopting unit"), queryset=Organization.objects.none()
    )
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DateInput())
    adaptation = forms.CharField(
        label=_("What was adapted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    metric = forms.CharField(label=_("Result: what"), max_length=200, required=False)
    value_before = forms.DecimalField(label=_("Before"), required=False, **RESULT_NUMBER)
    value = forms.DecimalField(label=_("After"), required=False, **RESULT_NUMBER)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)

    def __init__(self, *args: Any, units: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = units  # type: ignore[attr-defined]


class ResultForm(forms.Form):
    metric = forms.CharField(label=_("What"), max_length=200)
    value = forms.DecimalField(label=_("Value"), **RESULT_NUMBER)
    unit = forms.CharField(label=_("Unit"), max_length=50)
    as_of = forms.DateField(label=_("As of"), widget=DateInput())


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"), help_text=_("JPEG or PNG; resized, its place and camera data removed.")
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
