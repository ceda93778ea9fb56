"""Forms of the reporting pages (reports themselves are typed in a page of their own)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures as derived
from danvan.lib.periods import PeriodType
from danvan.lib.pickers import OrganizationPickerField, PeriodField
from danvan.org.models import Organization

from .definitions import INDICATOR_FIELDS
from .models import Form, Indicator

CALENDAR = (PeriodType.HALF, PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", *INDICATOR_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "formula": _("Over other indicators' codes, e.g. DONE / PLANNED * 100."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["derived_key"] = forms.ChoiceField(
            label=_("derived from"),
            required=False,
            choices=[("", "—"), *[(s.key, s.label) for s in derived.sources()]],
        )
        if self.instance.pk:
            self.fields["code"].disabled = True
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
            )
            field.widget.attrs.setdefault("class", css)

    def validate_unique(self) -> None:
        """The service checks the code, with its own message."""


class _ReadOnce(forms.models.ModelChoiceIterator):
    """Reads the queryset once, however often the widget asks (a required select with no empty
    choice asks twice: for its first choice, then for all; each a query)."""

    def __iter__(self) -> Any:
        if not hasattr(self, "read"):
            self.read = list(super().__iter__())
        yield from self.read


class FormChoiceField(forms.ModelChoiceField):
    """The choice of a form at the top of the reports' pages."""

    iterator = _ReadOnce


class LevelForm(forms.Form):
    """The choice at the top of a level's pages (completeness, consolidated report): a form, a
    unit in the user's scope and a period of the form's kind, picked rather than typed."""

    form = FormChoiceField(
        label=_("Form"), queryset=Form.objects.none(), empty_label=None, to_field_name="pk"
    )
    org = OrganizationPickerField(label=_("Reporting unit"), queryset=Organization.objects.none())
    period = PeriodField(label=_("Period"), types=CALENDAR)

    def __init__(
        self, *args: Any, forms_in_use: Any, organizations: Any, form: Form | None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "p-%s")
        super().__init__(*args, **kwargs)
        choice = self.fields["form"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = forms_in_use
        unit = self.fields["org"]
        assert isinstance(unit, OrganizationPickerField)
        unit.queryset = organizations.select_related("area")
        if form is not None:  # only the periods this form is reported by
            self.fields["period"] = PeriodField(label=_("Period"), types=(form.period_type,))


class StartForm(forms.Form):
    """«Another period»: open a unit's report for any period that has ended."""

    form = FormChoiceField(label=_("Form"), queryset=Form.objects.none(), empty_label=None)
    organization = OrganizationPickerField(
        label=_("Reporting unit"), queryset=Organization.objects.none()
    )
    period = PeriodField(label=_("Period"), types=CALENDAR)

    def __init__(self, *args: Any, forms_in_use: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "start-%s")
        super().__init__(*args, **kwargs)
        choice = self.fields["form"]
        assert isinstance(choice, forms.ModelChoiceField)
        choice.queryset = forms_in_use
        unit = self.fields["organization"]
        assert isinstance(unit, OrganizationPickerField)
        unit.queryset = units.select_related("area")
