"""The refusals services share (lib/errors.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from danvan.lib.errors import Conflict, refuse_unknown_fields


def test_a_service_refuses_fields_it_does_not_change() -> None:
    refuse_unknown_fields({"title": "x"}, {"title", "code"})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        refuse_unknown_fields({"title": "x", "owner": 1, "id": 2}, {"title"})
    assert refused.value.messages == ["Unknown fields: id, owner"]


def test_a_conflict_is_a_validation_error_for_the_pages() -> None:
    assert issubclass(Conflict, ValidationError)
