"""Forms of the report form editor: a form's settings, a section, an indicator on a section (an
existing one or a new one) and a validation rule. The services check and refuse; these forms
only read what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures as derived
from danvan.org.models import AreaLevel, OrganizationKind

from .models import (
    Aggregation,
    Form,
    Indicator,
    Operator,
    SectionKind,
    Severity,
    Source,
    ValueType,
)


class EditorForm(forms.Form):
    """Labels begin with a capital, as a model form's do (they are the models' field names)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class FormSettingsForm(EditorForm):
    code = forms.SlugField(
        label=_("code"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens; it cannot change later."),
    )
    name = forms.CharField(label=_("name (Vietnamese)"), max_length=300)
    name_en = forms.CharField(label=_("name (English)"), max_length=300, required=False)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    periodicity = forms.ChoiceField(label=_("periodicity"), choices=Form.PERIODICITIES)
    deadline_days = forms.IntegerField(
        label=_("days after the period's cut-off to report"), min_value=0, max_value=366
    )
    kinds = forms.ModelMultipleChoiceField(
        label=_("organisation kinds that report"),
        queryset=OrganizationKind.objects.filter(is_active=True).order_by("order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: every kind."),
    )
    area_levels = forms.MultipleChoiceField(
        label=_("levels that report"),
        choices=AreaLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: every level."),
    )
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args: Any, form: Form | None = None, **kwargs: Any) -> None:
        if form is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": form.code,
                    "name": form.name,
                    "name_en": form.name_en,
                    "description": form.description,
                    "periodicity": form.periodicity,
                    "deadline_days": form.deadline_days,
                    "kinds": list(form.kinds.all()),
                    "area_levels": form.level_list,
                    "is_active": form.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if form is not None:
            self.fields["code"].disabled = True
            # A retired kind that still reports on this form stays tickable.
            kinds = self.fields["kinds"]
            assert isinstance(kinds, forms.ModelMultipleChoiceField)
            kinds.queryset = OrganizationKind.objects.filter(
                Q(is_active=True) | Q(pk__in=form.kinds.values("pk"))
            ).order_by("order", "code")
        else:
            self.fields["deadline_days"].initial = 15


class SectionForm(EditorForm):
    title = forms.CharField(label=_("title (Vietnamese)"), max_length=300)
    title_en = forms.CharField(label=_("title (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=SectionKind.choices)
    help_text = forms.CharField(
        label=_("guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the units above the section."),
    )


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = f" ({obj.unit})" if obj.unit else ""
        return f"{obj.label}{unit} · {obj.code}"


class ItemAddForm(EditorForm):
    indicator = IndicatorChoiceField(
        label=_("indicator"), queryset=Indicator.objects.none(), empty_label="—"
    )
    required = forms.BooleanField(label=_("required to submit"), required=False, initial=True)

    def __init__(self, *args: Any, exclude: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, IndicatorChoiceField)
        field.queryset = Indicator.objects.filter(is_active=True).exclude(pk__in=exclude or [])


def derived_choices() -> list[tuple[str, Any]]:
    """The figures danvan derives from its records (lib/figures), labelled in the reader's
    language, grouped by the app that counts them."""
    return [("", "—"), *sorted(((s.key, s.label) for s in derived.sources()), key=lambda c: c[0])]


class NewIndicatorForm(EditorForm):
    """A new indicator, put on the section at once."""

    code = forms.CharField(
        label=_("code"),
        max_length=40,
        help_text=_("Capital letters, digits and underscores, e.g. MEETINGS_HELD."),
    )
    name = forms.CharField(label=_("name (Vietnamese)"), max_length=300)
    name_en = forms.CharField(label=_("name (English)"), max_length=300, required=False)
    unit = forms.CharField(
        label=_("unit"), max_length=50, required=False, help_text=_("e.g. cuộc, người, %")
    )
    value_type = forms.ChoiceField(label=_("value type"), choices=ValueType.choices)
    source = forms.ChoiceField(label=_("source"), choices=Source.choices)
    derived_key = forms.ChoiceField(
        label=_("derived from"),
        required=False,
        help_text=_("For a figure danvan counts from its own records."),
    )
    formula = forms.CharField(
        label=_("formula"),
        max_length=500,
        required=False,
        help_text=_("Over other indicators' codes, e.g. DONE / PLANNED * 100."),
    )
    aggregation = forms.ChoiceField(
        label=_("aggregation"), choices=Aggregation.choices, initial=Aggregation.SUM
    )
    decimal_places = forms.IntegerField(
        label=_("decimals allowed"), min_value=0, max_value=4, initial=0
    )
    required = forms.BooleanField(label=_("required to submit"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["derived_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = derived_choices()

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class RuleForm(EditorForm):
    left = forms.CharField(
        label=_("left side"), max_length=500, help_text=_("Indicator codes, numbers, + - * /.")
    )
    operator = forms.ChoiceField(label=_("operator"), choices=Operator.choices)
    right = forms.CharField(label=_("right side"), max_length=500)
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    message = forms.CharField(
        label=_("message (Vietnamese)"),
        max_length=300,
        help_text=_("What the unit reads when the rule fails."),
    )
    message_en = forms.CharField(label=_("message (English)"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)
