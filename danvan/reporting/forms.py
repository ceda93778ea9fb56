"""Forms of the reporting pages (reports themselves are typed in a page of their own)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.lib import figures as derived

from .definitions import INDICATOR_FIELDS
from .models import Indicator


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
