from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danvan.documents.forms import ReviewDocumentForm
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

from .models import ProgramContent, ProgramKind, Recurrence, ReviewKind, TaskStatus


class ProgramForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgramKind.choices)
    title = forms.CharField(label=_("Title"), max_length=400)
    code = forms.CharField(label=_("Code"), max_length=60, required=False)
    term = PeriodField(
        label=_("Term"),
        types=(PeriodType.TERM,),
        required=False,
        help_text=_("Its first and last year; or leave it empty and give the dates."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    documents = DocumentMultiPickerField(
        label=_("Documents implemented"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_(
            "The Party or State documents this programme carries out, from the registry "
            "(Documents)."
        ),
    )
    lead = OrganizationPickerField(label=_("Lead agency"), queryset=Organization.objects.none())
    parties = OrganizationMultiPickerField(
        label=_("Other parties"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("The lead agency is always a party."),
    )
    contents = forms.CharField(
        label=_("Main contents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One content per line; they are numbered in this order."),
    )

    def __init__(
        self, *args: Any, leads: Any, parties: Any, documents: Any, editing: bool = False, **kw: Any
    ):
        super().__init__(*args, **kw)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]
        self.fields["parties"].queryset = parties  # type: ignore[attr-defined]
        if editing:
            for name in ("lead", "parties", "contents"):
                del self.fields[name]


class PartyForm(forms.Form):
    """Who signed for each party; parties to remove; organisations to add."""

    def __init__(self, *args: Any, parties: Any, candidates: Any, lead: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for party in parties:
            self.fields[f"party_{party.pk}"] = forms.CharField(
                label=_("%(org)s — signed by (title)") % {"org": party.organization.name},
                required=False,
                max_length=200,
                initial=party.signatory_title,
            )
            if party.organization_id != lead.pk:
                self.fields[f"remove_{party.pk}"] = forms.BooleanField(
                    label=_("Remove %(org)s from the parties") % {"org": party.organization.name},
                    required=False,
                )
        self.fields["add"] = OrganizationMultiPickerField(
            label=_("Add parties"), queryset=candidates, required=False
        )


class ContentsForm(forms.Form):
    titles = forms.CharField(
        label=_("New main contents"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One content per line; they are added at the end, numbered in order."),
    )


class ContentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=400)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    signed_file = forms.FileField(
        label=_("Signed document"),
        required=False,
        help_text=_("PDF or Word, at most 20 MB."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RenewForm(forms.Form):
    term = PeriodField(label=_("Next term"), types=(PeriodType.TERM,))


class TaskForm(forms.Form):
    content: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Main content"), queryset=ProgramContent.objects.none()
    )
    title = forms.CharField(label=_("What to do"), max_length=500)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = OrganizationPickerField(label=_("Lead (a party)"), queryset=Organization.objects.none())
    supporting = OrganizationMultiPickerField(
        label=_("Supporting organisations"), queryset=Organization.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    recurrence = forms.ChoiceField(
        label=_("Or recurring"),
        choices=Recurrence.choices,
        required=False,
        help_text=_("A recurring task gets one occurrence per period of the term, each due at "
                    "the period's end."),
    )  # fmt: skip

    def __init__(self, *args: Any, contents: Any, parties: Any, supporting: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["content"].queryset = contents  # type: ignore[attr-defined]
        self.fields["lead"].queryset = parties  # type: ignore[attr-defined]
        self.fields["supporting"].queryset = supporting  # type: ignore[attr-defined]


class TaskEditForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=500)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Set from the progress")), *TaskStatus.choices],
        required=False,
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word, Excel or a picture, at most 20 MB."),
    )
    confirm_lower = forms.BooleanField(
        label=_("I confirm that the progress of this task, which is done, goes down"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for lowering the progress"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only to report less than 100 percent on a task that is done."),
    )

    def __init__(self, *args: Any, task_done: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if not task_done:  # nothing to lower: the confirmation is not asked for
            del self.fields["confirm_lower"]
            del self.fields["reason"]


class ReviewOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewKind.choices)
    period = PeriodField(
        label=_("Period"),
        types=(PeriodType.YEAR, PeriodType.HALF, PeriodType.TERM),
        help_text=_("A year or a half year for an interim review, or the term for the summary."),
    )


class ReviewForm(ReviewDocumentForm):
    """A programme's review: its results are called achievements."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["achievements"].label = _("Achievements")
        self.fields["directions"].widget.attrs["rows"] = 4
