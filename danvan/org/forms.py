from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib.pickers import AreaMultiPickerField, AreaPickerField, OrganizationPickerField

from .models import Area, AreaLevel, Organization, OrganizationKind, Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AreaForm(forms.Form):
    code = forms.CharField(label=_("Official code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=AreaLevel.choices)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    population = forms.IntegerField(
        label=_("Population"), required=False, min_value=0, max_value=200_000_000
    )
    ethnic_minority_pct = forms.DecimalField(
        label=_("Ethnic minority share (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    is_border = forms.BooleanField(label=_("Border area"), required=False)
    successors = AreaMultiPickerField(
        label=_("Successors"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("The units this one was merged into; they must exist the day after it ends."),
    )

    def __init__(self, *args: Any, successor_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if successor_choices is not None:
            self.fields["successors"].queryset = successor_choices  # type: ignore[attr-defined]


class AreaImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, columns as described below; at most 5 MB.")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as CSV UTF-8.")
            ) from None


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=250)
    abbreviation = forms.CharField(label=_("Abbreviation"), max_length=50, required=False)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=OrganizationKind.objects.all())
    area = AreaPickerField(label=_("Area"), queryset=Area.objects.none())
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput())

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["kind"].queryset = OrganizationKind.objects.filter(is_active=True)  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    parent = OrganizationPickerField(label=_("New parent"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class DissolveForm(forms.Form):
    dissolved_on = forms.DateField(label=_("Dissolved on"), widget=DateInput())
    successor = OrganizationPickerField(
        label=_("Successor"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The organisation that takes over its work, if it was merged."),
    )

    def __init__(self, *args: Any, successors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors  # type: ignore[attr-defined]


class SuccessorForm(forms.Form):
    successor = OrganizationPickerField(
        label=_("Successor"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty if no organisation took over its work."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=255,
        required=False,
        help_text=_("Kept in the history, e.g. the decision that merged it."),
    )

    def __init__(self, *args: Any, successors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors  # type: ignore[attr-defined]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.REPORTER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
