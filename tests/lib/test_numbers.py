"""Numbers read and written in the reader's notation (lib/numbers.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from danvan.lib import numbers


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("vi", "1.250", Decimal(1250)),
        ("vi", "1.250,5", Decimal("1250.5")),
        ("vi", "12,5", Decimal("12.5")),
        ("en", "1,250", Decimal(1250)),
        ("en", "1,250.5", Decimal("1250.5")),
        ("en", "12.5", Decimal("12.5")),
        ("vi", " 1 200 ", Decimal(1200)),
        ("vi", 7, Decimal(7)),
        ("vi", 0.5, Decimal("0.5")),
    ],
)
def test_parse_reads_the_readers_notation(language: str, typed: object, expected: Decimal) -> None:
    with translation.override(language):
        assert numbers.parse(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "1,2,3", float("inf"), float("nan"), True, "1e5"])
def test_parse_refuses_what_is_not_a_number(typed: object) -> None:
    with pytest.raises(ValidationError):
        numbers.parse(typed)


def test_shown_groups_thousands_for_the_reader() -> None:
    with translation.override("vi"):
        assert numbers.shown(Decimal("15000000")) == "15.000.000"
        assert numbers.shown(Decimal("1250.567")) == "1.250,57"
        assert numbers.shown(None) == "—"
    with translation.override("en"):
        assert numbers.shown(15000000) == "15,000,000"
        assert numbers.shown(Decimal("1250.5")) == "1,250.5"
        assert numbers.shown(Decimal("1250.5"), language="vi") == "1.250,5"


def test_typed_goes_back_into_an_input_without_grouping() -> None:
    with translation.override("vi"):
        assert numbers.typed(Decimal("1250.50")) == "1250,5"
    with translation.override("en"):
        assert numbers.typed(Decimal("1250.50")) == "1250.5"
    assert numbers.typed(None) == ""


def test_the_template_filter_shows_money_in_dong() -> None:
    with translation.override("vi"):
        out = Template("{% load danvan %}{{ amount|number:0 }}").render(
            Context({"amount": 15000000})
        )
    assert out == "15.000.000"
