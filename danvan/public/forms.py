"""Forms of the public pages: sending a petition, and the citizen's confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from danvan.dialogue import privacy
from danvan.dialogue.models import Confirmation, Petition, PetitionKind
from danvan.lib.forms import MultipleFileField
from danvan.org.models import Area
from danvan.situation.forms import TopicChoice
from danvan.situation.models import Topic

from . import routing
from .protection import HONEYPOT

MAX_FILES = 3
SUMMARY_MAX = Petition._meta.get_field("summary").max_length
TEXT_MAX = 20_000
COMMENT_MAX = 1_000

KIND_HELP = _(
    "Petition or feedback: the unit settles it and answers you. Complaints (khiếu nại) and "
    "denunciations (tố cáo) are recorded and referred to the body competent to settle them "
    "under the law. A complaint can be followed with its tracking code; a denunciation is kept "
    "confidential to protect you and is not shown on this site: that body informs you directly."
)


class CommuneChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PetitionForm(forms.Form):
    area = CommuneChoice(
        label=_("Commune or ward"),
        queryset=Area.objects.none(),
        help_text=_("Where the matter is. Your petition goes to that commune's Fatherland Front "
                    "committee (or its Party committee where there is none)."),
    )  # fmt: skip
    topic = TopicChoice(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        help_text=_("The field it concerns; choose the group «in general» if unsure."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=PetitionKind.choices,
        initial=PetitionKind.PETITION,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        help_text=KIND_HELP,
    )
    summary = forms.CharField(
        label=pgettext_lazy("petition", "Summary"),
        max_length=SUMMARY_MAX,
        help_text=_("One sentence: what you ask or report."),
    )
    text = forms.CharField(
        label=_("Details"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where and since when. Only the officers handling it read it."),
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("The law asks a petition to carry the sender's name, so it can be accepted."),
    )
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=30,
        required=False,
        help_text=_("So the officer handling it can call you to clarify or to give the answer."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("Optional: to send you the written answer."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("Where the written answer is sent, as the law requires; a village and "
                    "commune is enough."),
    )  # fmt: skip
    attachments = MultipleFileField(
        label=_("Documents or photos"),
        required=False,
        help_text=_("At most 3 files: PDF, Word, Excel, OpenDocument, JPEG or PNG."),
    )
    consent = forms.BooleanField(label="", required=True)
    # The honeypot: a person never sees it (hidden by CSS); a robot fills it in.
    website = forms.CharField(label=_("Website"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = routing.communes_receiving()  # type: ignore[attr-defined]
        self.fields["topic"].queryset = (  # type: ignore[attr-defined]
            Topic.objects.filter(is_active=True)
            .select_related("parent")
            .order_by("parent__order", "order", "code")
        )
        self.fields["consent"].label = privacy.consent_text(settings.DANVAN_CONSENT_VERSION)
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Send at most %(max)d files.") % {"max": MAX_FILES}, code="too_many"
            )
        return files

    @property
    def caught_robot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def person(self) -> dict[str, str]:
        return {f: self.cleaned_data.get(f) or "" for f in ("name", "phone", "email", "address")}


class ConfirmForm(forms.Form):
    confirmation = forms.ChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[
            (Confirmation.SATISFIED, Confirmation.SATISFIED.label),
            (Confirmation.NOT_SATISFIED, Confirmation.NOT_SATISFIED.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say what is still missing, if anything. Do not write personal details."),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        help_text=_("As given when you sent it, such as KN-7K3M-Q9TD."),
    )
