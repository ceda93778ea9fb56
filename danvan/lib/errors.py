"""Errors services raise that the pages and the API both understand."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What a request hears when a number in it is beyond what the database can store or look up.
NUMBER_OUT_OF_RANGE = _("A number in the request is outside the range this field accepts.")


class Conflict(ValidationError):
    """The record is not in a state that allows this action (already signed, already approved…).

    Pages show it like any validation message; the API answers 409.
    """


def refuse_unknown_fields(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """A service's `**fields` name only what it may change; anything else is a 400, not a
    silent write or a TypeError."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(
            gettext("Unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}
        )
