"""Which units report on which form and period (selectors.reporting_in: the reports' home page
of every reporter, the completeness board) and which unit reviews a unit's report
(selectors.reviewing_organization: a report's page, its review, each approval), kept between
requests until a unit, an area or a form is written (lib/figures.kept) — and always what the
reporting rule says, pair by pair (selectors.reporting_units: the form's kinds and levels, the
unit's existence).

Cast: commune A's Fatherland Front reporter (`xa`) fills the six-month report while the
province's leader (`lanhdao`) changes who reports, dissolves a unit and moves an area's start.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.lib import periods
from danvan.org import areas
from danvan.org import services as org_services
from danvan.org.models import AreaLevel, Organization
from danvan.reporting import definitions, selectors, services, services_forms
from danvan.reporting.models import Form
from tests.conftest import World, kind
from tests.lib.test_figures_kept import _tables_read
from tests.reporting.test_services import GOOD, start

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _year_form() -> Form:
    """A yearly form for the communes' Party committees only (a kind and a level)."""
    return definitions.form_create(
        actor=None, code="year-party", name="Báo cáo năm của Đảng ủy xã", periodicity="year",
        kinds=[kind("party_committee")], area_levels=[AreaLevel.COMMUNE],
        sections=[{"title": "Năm", "indicators": ["MEETINGS"]}],
    )  # fmt: skip


def _pairs(half_form: Form, year_form: Form) -> list[tuple[Form, periods.Period]]:
    halves = [periods.parse(code) for code in ("2026S1", "2025S2", "2025S1")]
    years = [periods.parse(code) for code in ("2025", "2024")]
    return [*((half_form, p) for p in halves), *((year_form, p) for p in years)]


def _read(pairs: list[tuple[Form, periods.Period]]) -> dict[int, set[tuple[int, str]]]:
    return {
        row["pk"]: on for row, on in selectors.reporting_in(Organization.objects.all(), pairs, "pk")
    }


def _by_the_rule(pairs: list[tuple[Form, periods.Period]]) -> dict[int, set[tuple[int, str]]]:
    """The same, pair by pair, from the rule itself: nothing kept, nothing combined."""
    found: dict[int, set[tuple[int, str]]] = {}
    for form in {form.pk: form for form, _p in pairs}.values():
        form.refresh_from_db()
    for form, period in pairs:
        for pk in selectors.reporting_units(Form.objects.get(pk=form.pk), period).values_list(
            "pk", flat=True
        ):
            found.setdefault(pk, set()).add((form.pk, period.code))
    return found


def test_what_the_rule_says_and_kept_until_a_unit_an_area_or_a_form_changes(
    half_form, world: World, xa, lanhdao, client, django_assert_num_queries
) -> None:
    year_form = _year_form()
    pairs = _pairs(half_form, year_form)
    first = _read(pairs)
    assert first == _by_the_rule(pairs)
    # The communes' units began with the 2025 merger (their areas' start): not before.
    assert first[world.front_a.pk] == {(half_form.pk, "2026S1"), (half_form.pk, "2025S2")}
    assert first[world.party_a.pk] == {
        (half_form.pk, "2026S1"), (half_form.pk, "2025S2"), (year_form.pk, "2025"),
    }  # fmt: skip
    assert (year_form.pk, "2025") not in first[world.commission.pk]  # not a commune's
    with django_assert_num_queries(0):  # kept (the tokens are in memory in the tests)
        assert _read(pairs) == first

    # A report filled and submitted writes no unit, area or form: still kept.
    submission = start(half_form, world.front_a, xa)
    services.submission_save(actor=xa, submission=submission, values=GOOD)
    services.submission_submit(actor=xa, submission=submission)
    with django_assert_num_queries(0):
        assert _read(pairs) == first

    # A unit dissolved at the end of 2025 no longer reports in 2026.
    org_services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2025, 12, 31),
        successor=world.front_a,
    )  # fmt: skip
    now = _read(pairs)
    assert now == _by_the_rule(pairs)
    assert now[world.front_b.pk] == {(half_form.pk, "2025S2")}

    # An area's start moved earlier: its units reported before the merger too.
    areas.area_update(actor=None, area=world.commune_a, valid_from=datetime.date(2024, 1, 1))
    now = _read(pairs)
    assert now == _by_the_rule(pairs)
    assert (half_form.pk, "2025S1") in now[world.front_a.pk]
    assert (year_form.pk, "2024") in now[world.party_a.pk]

    # The form's kinds changed by the leader: the Fatherland Fronts no longer report on it.
    services_forms.form_update(
        actor=lanhdao, form=half_form,
        kinds=[kind("party_committee"), kind("mobilization_commission")],
    )  # fmt: skip
    now = _read(pairs)
    assert now == _by_the_rule(pairs)
    assert world.front_a.pk not in now

    # Inside a transaction that writes a unit it is read afresh, and not kept after a rollback.
    with transaction.atomic():
        org_services.organization_update(
            actor=None, org=world.party_b, kind=kind("fatherland_front")
        )
        assert world.party_b.pk not in _read(pairs)
        transaction.set_rollback(True)
    assert _read(pairs) == now == _by_the_rule(pairs)

    # The reporter's home page lists the report of the period the unit reports in.
    services_forms.form_update(actor=lanhdao, form=half_form, kinds=[kind("fatherland_front")])
    client.force_login(xa)
    page = client.get(reverse("report_home")).content.decode()
    assert reverse("submission_detail", args=[submission.pk]) in page


def test_the_rule_read_for_many_forms_and_periods_at_once_matches_each_pair(
    half_form, world: World
) -> None:
    """A form with no kinds nor levels (every unit), one with a kind and a level, periods
    of two kinds, units that began and ended at different times: each (unit, pair) as the rule
    read for that pair alone says."""
    year_form = _year_form()
    everyone = definitions.form_create(
        actor=None, code="quarter-all", name="Báo cáo quý", periodicity="quarter",
        sections=[{"title": "Quý", "indicators": ["MEETINGS"]}],
    )  # fmt: skip
    org_services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 2, 15), successor=None
    )
    late = org_services.organization_create(
        actor=None, parent=world.party_a, name="Hội Nông dân xã Mường Xén",
        kind=kind("fatherland_front"), area=world.commune_a,
        established_on=datetime.date(2026, 5, 1),
    )  # fmt: skip
    pairs = [
        *_pairs(half_form, year_form),
        *((everyone, periods.parse(code)) for code in ("2026Q2", "2026Q1", "2025Q3", "2025Q2")),
    ]
    caches["figures"].clear()
    found = _read(pairs)
    assert found == _by_the_rule(pairs)
    assert found[late.pk] == {(half_form.pk, "2026S1"), (everyone.pk, "2026Q2")}
    assert (everyone.pk, "2026Q1") in found[world.front_b.pk]
    assert (everyone.pk, "2026Q2") not in found[world.front_b.pk]
    assert found[world.commission.pk] >= {(everyone.pk, "2025Q2"), (half_form.pk, "2025S1")}


def _reviewer_by_the_rule(form: Form, unit: Organization) -> str:
    """The reviewing unit's path from the rule itself, nothing kept."""
    form, unit = Form.objects.get(pk=form.pk), Organization.objects.get(pk=unit.pk)
    return selectors.reviewing_paths([(form, unit)])[(form.pk, unit.pk)]


def test_who_reviews_a_report_is_kept_until_a_unit_or_a_form_changes(
    half_form, world: World, xa, lanhdao, client, django_assert_num_queries
) -> None:
    """Asked by a report's page, its review and each approval: kept with who reports on which
    form, and always what the rule says."""
    submission = start(half_form, world.front_a, xa)
    reviewer = selectors.reviewing_organization(half_form, world.front_a)
    assert reviewer == world.party_a  # the nearest unit above reporting on the form
    assert reviewer.path == _reviewer_by_the_rule(half_form, world.front_a)
    with django_assert_num_queries(0):  # kept (the tokens are in memory in the tests)
        assert selectors.reviewing_organization(half_form, world.front_a) == world.party_a

    # The commune's Party committee no longer reports on the form: the province reviews.
    services_forms.form_update(
        actor=lanhdao, form=half_form,
        kinds=[kind("fatherland_front"), kind("mobilization_commission")],
    )  # fmt: skip
    reviewer = selectors.reviewing_organization(half_form, world.front_a)
    assert reviewer == world.commission
    assert reviewer.path == _reviewer_by_the_rule(half_form, world.front_a)

    # The reviewing unit renamed: the reporter's page names it as it is now.
    org_services.organization_update(
        actor=None, org=world.commission, name="Ban Dân vận Tỉnh ủy (đổi tên)"
    )
    client.force_login(xa)
    page = client.get(reverse("submission_detail", args=[submission.pk])).content.decode()
    assert "Ban Dân vận Tỉnh ủy (đổi tên)" in page


def test_it_reads_only_the_tables_it_is_kept_for(half_form, world: World) -> None:
    """Read from a table outside REPORTING_UNITS_TABLES (or their many-to-many tables), it
    would be kept past a write to it."""
    tables = set(connection.introspection.table_names())
    kept_for = {model._meta.db_table for model in selectors.REPORTING_UNITS_TABLES}
    assert kept_for == {"org_organization", "org_organizationkind", "org_area", "reporting_form"}
    pairs = _pairs(Form.objects.get(pk=half_form.pk), _year_form())
    caches["figures"].clear()
    with CaptureQueriesContext(connection) as captured:
        selectors.reporting_in(
            Organization.objects.filter(pk=world.front_a.pk), pairs, "pk", "area__level"
        )
        selectors.reviewing_organization(pairs[0][0], world.front_a)
    read: set[Any] = set().union(
        *(_tables_read(q["sql"], tables) for q in captured.captured_queries)
    )
    assert read and read <= kept_for | {"reporting_form_kinds"}
