"""The unit and area pickers' choices kept between requests (lib/pickers.py, lib/figures.kept):
written as Django writes a select, read once until a unit or an area is written, and never
another user's choices or another language's words.

Cast: the provincial specialist (`tinh`) sees the province's units; commune A's Front reporter
(`xa`) sees their own unit only.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django import forms
from django.utils import translation

from danvan.lib import picker_select, pickers
from danvan.org import services
from danvan.org.models import Organization
from tests.conftest import World
from tests.factories import OrganizationFactory
from tests.lib.test_pickers import UnitsForm, options


class OptionalUnitForm(forms.Form):
    unit = pickers.OrganizationPickerField(queryset=Organization.objects.none(), required=False)

    def __init__(self, *args: Any, allowed: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = allowed  # type: ignore[attr-defined]


def _as_django_writes_it(bound: forms.BoundField) -> str:
    """The select through Django's own options (ChoiceWidget.optgroups, create_option), which
    the kept choices skip."""
    widget = bound.field.widget
    assert isinstance(widget, pickers.PickerSelect)
    attrs = bound.build_widget_attrs({"class": "dv-picker-select"})
    if bound.auto_id:
        attrs["id"] = bound.auto_id
    context = forms.Select.get_context(widget, bound.html_name, bound.value(), attrs)
    return str(picker_select.select_html(context["widget"]))


def _select(html: str) -> str:
    found = re.search(r"<select .*?</select>", html, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", ["none", "one", "two"])
def test_the_kept_select_is_written_as_django_writes_it(world: World, chosen: str) -> None:
    OrganizationFactory.create(name='Hội "Cựu chiến binh" & <Thanh niên>', area=world.commune_a)
    allowed = Organization.objects.all()
    picks = {"none": [], "one": [world.front_a.pk], "two": [world.party_a.pk, world.front_a.pk]}
    initial = {"unit": (picks[chosen] or [None])[0], "units": picks[chosen]}
    for form in (UnitsForm(initial=initial, allowed=allowed), OptionalUnitForm(allowed=allowed)):
        for name in form.fields:
            bound = form[name]
            kept = _select(str(bound))
            assert kept == _as_django_writes_it(bound)
            assert "&quot;Cựu chiến binh&quot; &amp; &lt;Thanh niên&gt;" in kept
            selected = re.findall(r'<option value="([^"]*)"[^>]* selected>', kept)
            if name == "units":
                assert selected == [str(pk) for pk in picks[chosen]]
            elif isinstance(form, UnitsForm) and picks[chosen]:
                assert selected == [str(picks[chosen][0])]
            else:
                assert selected == [""]  # nothing chosen: the empty choice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kept_until_a_unit_is_written(world: World, django_assert_num_queries: Any) -> None:
    allowed = Organization.objects.filter(path__startswith=world.commission.path)
    first = str(UnitsForm(allowed=allowed)["unit"])
    assert "Đảng ủy xã Mường Xén" in first
    with django_assert_num_queries(0):  # kept: the tokens are in memory in the tests
        assert str(UnitsForm(allowed=allowed)["unit"]) == first

    services.organization_update(actor=None, org=world.party_a, name="Đảng ủy xã Mường Xén mới")
    renamed = str(UnitsForm(allowed=allowed)["unit"])
    assert 'data-label="Đảng ủy xã Mường Xén mới"' in renamed

    # Its area renamed (the detail each choice shows), by a plain save outside the services.
    world.commune_a.name = "Xã Mường Xén (đổi tên)"
    world.commune_a.save()
    assert 'data-detail="Xã Mường Xén (đổi tên)"' in str(UnitsForm(allowed=allowed)["unit"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_scope_and_language_keeps_its_own(world: World, tinh: Any, xa: Any) -> None:
    old = OrganizationFactory.create(
        parent=world.commission, area=world.commune_b, name="Hội Nông dân xã cũ"
    )
    services.organization_dissolve(actor=None, org=old, dissolved_on=datetime.date(2025, 6, 30))
    wide = Organization.objects.visible_to(tinh)
    narrow = Organization.objects.visible_to(xa)
    assert len(options(str(UnitsForm(allowed=wide)["unit"]), "unit")) == 1 + wide.count()
    assert options(str(UnitsForm(allowed=narrow)["unit"]), "unit") == ["", str(world.front_a.pk)]

    with translation.override("en"):
        english = str(UnitsForm(allowed=wide)["unit"])
    with translation.override("vi"):
        vietnamese = str(UnitsForm(allowed=wide)["unit"])
    assert "dissolved on 30/06/2025" in english
    assert "đã giải thể ngày 30/06/2025" in vietnamese
