"""Errors services raise that the pages and the API both understand."""

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The record is not in a state that allows this action (already signed, already approved…).

    Pages show it like any validation message; the API answers 409.
    """
