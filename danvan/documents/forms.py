from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.lib.periods import PeriodType
from danvan.lib.pickers import DocumentPickerField, OrganizationPickerField, PeriodField
from danvan.org.forms import DateInput
from danvan.org.models import Organization

from .models import Document, DocumentKind


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    number = forms.CharField(
        label=pgettext_lazy("document", "Number"),
        max_length=60,
        help_text=_("As written on the document, e.g. 23-QĐ/TW."),
    )
    issuer = forms.CharField(
        label=_("Issuing body"),
        max_length=200,
        help_text=_("e.g. Bộ Chính trị, Ban Chấp hành Trung ương, Quốc hội, Chính phủ."),
    )
    issued_on = forms.DateField(label=_("Date issued"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=500)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, Word or an image; 20 MB at most.")
    )


class ReplaceForm(forms.Form):
    replaced_by = DocumentPickerField(
        label=_("Replaced by"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_("Leave empty to mark the document in force again."),
    )

    def __init__(self, *args: Any, choices: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["replaced_by"].queryset = choices  # type: ignore[attr-defined]


class SummaryOpenForm(forms.Form):
    organization = OrganizationPickerField(
        label=_("Summary by"),
        queryset=Organization.objects.none(),
        help_text=_("What its units did is compiled: programmes, inspections and supervisions."),
    )
    period = PeriodField(
        label=_("Years summed up"),
        types=(PeriodType.TERM, PeriodType.YEAR),
        help_text=_("A span of years, or one year."),
    )

    def __init__(self, *args: Any, organizations: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class ReviewDocumentForm(forms.Form):
    """The sections of a review document (see models.ReviewDocument), as a person writes them."""

    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    achievements = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    limitations = forms.CharField(
        label=_("Limitations and causes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    lessons = forms.CharField(
        label=_("Lessons"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    directions = forms.CharField(
        label=_("Directions for the next period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    @classmethod
    def of(cls, record: Any, data: Any = None) -> ReviewDocumentForm:
        """The form filled with what the record holds (and what was posted, if anything)."""
        return cls(data, initial={name: getattr(record, name) for name in cls.base_fields})


class SummaryForm(ReviewDocumentForm):
    pass
