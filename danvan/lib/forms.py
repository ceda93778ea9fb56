"""Forms every app shares: one rendering (Bootstrap classes, accessible errors), the import form."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class ImportForm(forms.Form):
    """The one field of every Excel import page."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))
