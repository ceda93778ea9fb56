"""The picker fields validate as the model choice fields they replace; the period field parses and
refuses codes as lib.periods does; the widgets render a select that works without a script."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.core.exceptions import BadRequest
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils import translation
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan.documents.models import Document
from danvan.lib import picker_select, pickers
from danvan.lib.periods import PeriodType
from danvan.lib.pickers import (
    AreaPickerField,
    DocumentMultiPickerField,
    OrganizationMultiPickerField,
    OrganizationPickerField,
    PeriodField,
)
from danvan.org.models import Area, Organization
from tests.conftest import World
from tests.factories import DocumentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


class UnitsForm(forms.Form):
    unit = OrganizationPickerField(queryset=Organization.objects.none())
    units = OrganizationMultiPickerField(queryset=Organization.objects.none(), required=False)

    def __init__(self, *args: Any, allowed: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = allowed  # type: ignore[attr-defined]
        self.fields["units"].queryset = allowed  # type: ignore[attr-defined]


class PlainForm(forms.Form):
    """The fields the pickers replace, for comparison."""

    unit = forms.ModelChoiceField(queryset=Organization.objects.none())
    units = forms.ModelMultipleChoiceField(queryset=Organization.objects.none(), required=False)

    def __init__(self, *args: Any, allowed: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = allowed  # type: ignore[attr-defined]
        self.fields["units"].queryset = allowed  # type: ignore[attr-defined]


def commune_a(world: World) -> Any:
    return Organization.objects.filter(pk__in=[world.party_a.pk, world.front_a.pk])


def both(data: Any, allowed: Any) -> tuple[UnitsForm, PlainForm]:
    return UnitsForm(data, allowed=allowed), PlainForm(data, allowed=allowed)


def test_a_picker_cleans_to_the_same_objects_as_the_model_choice_fields(world: World) -> None:
    data = QueryDict(mutable=True)
    data["unit"] = str(world.front_a.pk)
    data.setlist("units", [str(world.party_a.pk), str(world.front_a.pk)])
    picker, plain = both(data, commune_a(world))
    assert picker.is_valid() and plain.is_valid()
    assert picker.cleaned_data["unit"] == plain.cleaned_data["unit"] == world.front_a
    assert set(picker.cleaned_data["units"]) == set(plain.cleaned_data["units"])
    assert set(picker.cleaned_data["units"]) == {world.party_a, world.front_a}


def test_a_key_outside_the_queryset_is_refused_with_the_same_errors(world: World) -> None:
    data = QueryDict(mutable=True)
    data["unit"] = str(world.front_b.pk)  # commune B's Front, not among the allowed choices
    data.setlist("units", [str(world.front_a.pk), str(world.front_b.pk)])
    picker, plain = both(data, commune_a(world))
    assert not picker.is_valid() and not plain.is_valid()
    assert picker.errors == plain.errors
    assert picker.has_error("unit", "invalid_choice") and picker.has_error(
        "units", "invalid_choice"
    )


def test_an_empty_required_picker_is_refused_like_the_model_field(world: World) -> None:
    picker, plain = both({}, commune_a(world))
    assert not picker.is_valid() and picker.errors == plain.errors
    assert picker.has_error("unit", "required")
    empty, _plain = both({"unit": str(world.front_a.pk)}, commune_a(world))
    assert empty.is_valid() and list(empty.cleaned_data["units"]) == []


def test_without_a_script_a_name_typed_is_found_among_the_allowed_choices(world: World) -> None:
    form = UnitsForm({"unit": "mttq muong xen"}, allowed=commune_a(world))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == world.front_a

    several = UnitsForm({"unit": "muong xen"}, allowed=commune_a(world))
    assert not several.is_valid() and "Có nhiều lựa chọn khớp" in str(several.errors["unit"])

    elsewhere = UnitsForm(
        {"unit": "mttq my ly"}, allowed=commune_a(world)
    )  # commune B: not allowed
    assert not elsewhere.is_valid() and "Không có lựa chọn hợp lệ nào khớp" in str(
        elsewhere.errors["unit"]
    )


def test_without_a_script_several_names_are_typed_with_semicolons(world: World) -> None:
    data = QueryDict(mutable=True)
    data["unit"] = str(world.front_a.pk)
    data.setlist("units", ["Đảng ủy xã Mường Xén; MTTQ Mường Xén"])
    form = UnitsForm(data, allowed=commune_a(world))
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["units"]) == {world.party_a, world.front_a}


def test_the_last_value_posted_is_the_choice_and_an_empty_one_is_ignored(world: World) -> None:
    # A long list without a script posts the select (the chosen one) and the text box.
    data = QueryDict(f"unit={world.front_a.pk}&unit=")
    assert UnitsForm(data, allowed=commune_a(world)).is_valid()
    typed = QueryDict(f"unit={world.front_a.pk}&unit=dang+uy+muong+xen")
    form = UnitsForm(typed, allowed=commune_a(world))
    assert form.is_valid() and form.cleaned_data["unit"] == world.party_a


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_the_widget_renders_the_allowed_choices_and_signs_them_for_the_lookup(
    world: World,
) -> None:
    html = str(UnitsForm(allowed=commune_a(world))["unit"])
    assert "data-dv-picker" in html and 'data-lookup="/orgs/pick/"' in html
    assert 'role="combobox"' in html and 'role="listbox"' in html
    assert options(html, "unit") == ["", str(world.party_a.pk), str(world.front_a.pk)]
    assert 'data-detail="Xã Mường Xén"' in html  # each choice with its area
    token = re.search(r'data-limit-to="([^"]+)"', html)
    assert token is not None
    assert pickers.allowed_pks(token.group(1), "org.organization") == {
        world.party_a.pk,
        world.front_a.pk,
    }
    assert "<noscript>" not in html  # a short list: the select is the no-script control


def test_a_long_list_renders_only_the_chosen_ones_and_a_box_for_names(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pickers, "SELECT_LIMIT", 1)
    form = UnitsForm(initial={"unit": world.front_a.pk}, allowed=commune_a(world))
    html = str(form["unit"])
    assert options(html, "unit") == ["", str(world.front_a.pk)]
    assert "<noscript>" in html and 'name="unit" id="id_unit_typed"' in html


def test_choices_are_in_vietnamese_alphabetical_order(world: World) -> None:
    for name in ("Hội Nông dân xã Bình", "Hội Nông dân xã Bích", "Hội Nông dân xã Bạch"):
        OrganizationFactory.create(name=name, area=world.commune_a)
    allowed = Organization.objects.filter(name__startswith="Hội Nông dân").order_by("path")
    html = str(UnitsForm(allowed=allowed)["units"])
    names = re.findall(r'data-label="(Hội Nông dân xã [^"]+)"', html)
    assert names == ["Hội Nông dân xã Bạch", "Hội Nông dân xã Bích", "Hội Nông dân xã Bình"]


def test_area_and_document_pickers_label_their_choices(world: World) -> None:
    class Form(forms.Form):
        area = AreaPickerField(queryset=Area.objects.all())
        documents = DocumentMultiPickerField(queryset=Document.objects.all())

    decision = DocumentFactory.create(number="23-QĐ/TW", title="Quy định về dân vận")
    html = str(Form(initial={"documents": [decision.pk]}).as_div())
    assert "Xã Mường Xén (16813, 01/07/2025–…)" in html  # the code and dates tell areas apart
    assert 'data-lookup="/areas/pick/"' in html and 'data-lookup="/documents/pick/"' in html
    assert "23-QĐ/TW — Quy định về dân vận" in html
    form = Form({"area": str(world.commune_b.pk), "documents": [str(decision.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"] == world.commune_b
    assert list(form.cleaned_data["documents"]) == [decision]


# --- The allowed set's token ------------------------------------------------------------------


def test_the_token_carries_the_keys_as_ranges_and_refuses_alterations() -> None:
    keys = {1, 2, 3, 7, 10, 11, 400}
    token = pickers.limit_token("org.organization", keys)
    assert pickers.allowed_pks(token, "org.organization") == keys
    assert pickers.allowed_pks("", "org.organization") is None
    with pytest.raises(BadRequest):
        pickers.allowed_pks(token, "org.area")  # made for another model
    with pytest.raises(BadRequest):
        pickers.allowed_pks(token[:-2] + "xx", "org.organization")
    thousand = pickers.limit_token("org.organization", range(1, 1001))
    assert len(thousand) < 120  # consecutive keys stay short in a URL


# --- The period field ---------------------------------------------------------------------


class PeriodForm(forms.Form):
    period = PeriodField()
    term = PeriodField(types=(PeriodType.TERM,), required=False)
    when = PeriodField(types=(PeriodType.MONTH, PeriodType.QUARTER), required=False)


def test_the_period_field_keeps_the_canonical_code() -> None:
    form = PeriodForm({"period": "2026s1", "term": "2021-2025", "when": "2026Q3"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"period": "2026S1", "term": "2021-2025", "when": "2026Q3"}


@pytest.mark.parametrize("code", ["2026S3", "2026Q5", "202613", "2025-2021", "hai nghìn"])
def test_the_period_field_refuses_what_does_not_parse(code: str, english: None) -> None:
    form = PeriodForm({"period": code})
    assert not form.is_valid() and form.has_error("period", "invalid")
    assert "not a valid period code" in str(form.errors["period"])


def test_the_period_field_refuses_a_kind_it_does_not_offer(english: None) -> None:
    form = PeriodForm({"period": "2026", "term": "2026", "when": "2026S1"})
    assert not form.is_valid()
    assert form.has_error("term", "kind") and form.has_error("when", "kind")
    assert "quarter, month" in str(form.errors["when"])


def test_the_calendar_made_once_a_process_follows_the_language_and_the_choice() -> None:
    """The period picker's 300 options are made once a process (lib/period_picker.py): per
    language, with the chosen one selected on each page."""
    form = PeriodForm({"period": "2026S1"})
    with translation.override("vi"):
        vietnamese = str(form["period"])
    with translation.override("en"):
        english = str(form["period"])
    with translation.override("vi"):
        again = str(PeriodForm({"period": "2025S2"})["period"])

    def option(code: str, attrs: str, label: str) -> str:  # «data-now» marks today's period
        return f'<option value="{code}"{attrs}(?: data-now)?>{label}</option>'

    assert re.search(option("2026S1", " selected", "6 tháng đầu năm 2026"), vietnamese)
    assert re.search(option("2026S1", " selected", "First half of 2026"), english)
    assert re.search(option("2026S1", "", "6 tháng đầu năm 2026"), again)
    assert re.search(option("2025S2", " selected", "6 tháng cuối năm 2025"), again)


def test_a_term_is_posted_as_its_first_and_last_year() -> None:
    data = {
        "period_kind": "term",
        "period_from": "2021",
        "period_to": "2025",
        "period": "2026S1",  # the hidden calendar select still posts; the kind decides
        "term_kind": "term",
        "term_from": "2026",
        "term_to": "2031",
    }
    form = PeriodForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["period"] == "2021-2025" and form.cleaned_data["term"] == "2026-2031"

    half = PeriodForm({**data, "period_kind": "half", "term_from": "", "term_to": ""})
    assert half.is_valid() and half.cleaned_data["period"] == "2026S1"
    assert half.cleaned_data["term"] == ""

    missing = PeriodForm({**data, "period_to": ""})
    assert not missing.is_valid() and missing.has_error("period", "incomplete")


def test_the_period_picker_names_the_periods_in_words() -> None:
    form = PeriodForm(initial={"period": "2026S1", "term": "2021-2025"})
    with translation.override("vi"):
        html = str(form["period"])
        term = str(form["term"])
    assert '<option value="2026S1" selected>6 tháng đầu năm 2026</option>' in html
    assert ">Quý III năm 2026</option>" in html and ">Tháng 7 năm 2026</option>" in html
    assert 'name="period_kind"' in html and 'name="period_from"' in html
    # One kind only: no kind to choose; the term's years are the controls, the first one
    # taking the field's id (its label's target).
    assert 'type="hidden" name="term_kind" class="dv-period-kind" value="term"' in term
    assert 'name="term_from" id="id_term"' in term
    assert '<option value="2021" selected>' in term and '<option value="2025" selected>' in term
    assert "Tháng 7" not in term and 'name="term"' not in term


def test_the_kinds_offered_are_those_of_types() -> None:
    html = str(PeriodForm()["when"])
    kind = re.search(r'<select name="when_kind".*?</select>', html, re.S)
    assert kind is not None
    assert re.findall(r'<option value="(\w+)"', kind.group(0)) == ["quarter", "month"]
    assert 'data-kind="month"' in html and 'data-kind="quarter"' in html
    assert 'data-kind="year"' not in html and 'name="when_from"' not in html


_ATTR_VALUES = st.one_of(
    st.text(max_size=12),
    st.booleans(),
    st.none(),
    st.integers(),
    st.text(max_size=12).map(mark_safe),
)


@hsettings(max_examples=200, derandomize=True, deadline=None)
@given(st.dictionaries(st.sampled_from(["data-label", "id", "selected", "disabled", "class",
                                        "data-detail", "a<b", 'q"']), _ATTR_VALUES))  # fmt: skip
def test_the_options_attributes_are_written_as_django_writes_them(attrs: dict[str, Any]) -> None:
    """The picker writes its options' attributes without format_html (lib.picker_select.attributes):
    the very text of Django's flatatt, escapes and order included."""
    assert picker_select.attributes(attrs) == flatatt(attrs)
