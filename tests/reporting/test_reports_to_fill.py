"""The reports list's rows (selectors.reports_to_fill): for each form, each recent period and
each of the user's own units, a row exactly where the reporting rule (reporting_units) says the
unit reports — read in a fixed number of queries, however many forms are in use; and each
report's reviewer (selectors.reviewing_paths), found for every form and unit in one query.

Cast: `multi`, a reporter of the provincial commission, commune A's Party committee, its
Fatherland Front, `late_unit` (a Front branch founded in the second half of 2025) and
`veterans` (a mass organisation, which only the monthly form names: it names no kind)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danvan.org import services as org_services
from danvan.org.models import Organization, Role
from danvan.reporting import definitions, selectors, selectors_completeness, services
from danvan.reporting.models import Form, Submission
from tests.conftest import kind
from tests.factories import MembershipFactory, member
from tests.reporting.test_services import GOOD

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 20)  # the half years 2025S2 and 2025S1 are closed; 2025 too


def _form(code: str, periodicity: str, kinds: list[str], levels: list[str] | None) -> Form:
    return definitions.form_create(
        actor=None,
        code=code,
        name=f"Báo cáo {code}",
        periodicity=periodicity,
        kinds=[kind(k) for k in kinds],
        area_levels=levels,
        sections=[{"title": "Kết quả", "indicators": ["MEETINGS"]}],
    )


@pytest.fixture
def forms(half_form) -> list[Form]:  # type: ignore[no-untyped-def]
    yearly = _form("year-report", "year", ["party_committee"], ["commune"])
    quarterly = _form("quarter-report", "quarter", ["mobilization_commission"], None)
    everyone = _form("month-report", "month", [], None)  # no kind, no level: every unit
    return [half_form, yearly, quarterly, everyone]


@pytest.fixture
def late_unit(world) -> Organization:  # type: ignore[no-untyped-def]
    return org_services.organization_create(
        actor=None, parent=world.party_a, name="Chi hội Cựu chiến binh xã Mường Xén",
        kind=kind("fatherland_front"), area=world.commune_a,
        established_on=datetime.date(2025, 9, 1),
    )  # fmt: skip


@pytest.fixture
def veterans(world) -> Organization:  # type: ignore[no-untyped-def]
    """A kind no form but the monthly one names."""
    return org_services.organization_create(
        actor=None, parent=world.party_a, name="Hội Cựu chiến binh xã Mường Xén",
        kind=kind("mass_organization"), area=world.commune_a,
    )  # fmt: skip


@pytest.fixture
def multi(world, late_unit, veterans):  # type: ignore[no-untyped-def]
    user = member(world.commission, Role.REPORTER, email="multi@example.vn")
    for unit in (world.party_a, world.front_a, late_unit, veterans):
        MembershipFactory.create(organization=unit, role=Role.REPORTER, user=user)
    return user


def _expected(user, forms, units) -> set[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    """(form, unit, period) by the reporting rule itself, one query per form and period."""
    own = set(units.values_list("pk", flat=True))
    return {
        (form.pk, pk, period.code)
        for form in forms
        for period in selectors.recent_periods(form, TODAY, 2)
        for pk in selectors.reporting_units(form, period)
        .filter(pk__in=own)
        .values_list("pk", flat=True)
    }


def test_rows_follow_the_reporting_rule(world, forms, multi, late_unit, veterans) -> None:
    units = Organization.objects.filter(
        pk__in=[world.commission.pk, world.party_a.pk, world.front_a.pk, late_unit.pk, veterans.pk]
    )
    started = services.submission_start(
        actor=None, form=forms[0], organization=world.front_a, period="2025S2"
    )
    # the forms that all name kinds (the units are those of one of their rules), then with
    # the form that names none (every unit)
    for chosen in (forms[:3], forms):
        rows = selectors.reports_to_fill(multi, chosen, units, TODAY)
        got = {(r["form"].pk, r["unit"].pk, r["period"].code) for r in rows}
        assert got == _expected(multi, chosen, units)
        assert (veterans.pk in {u for _f, u, _p in got}) == (chosen == forms)
    # what the rule says here, in words: the communes began with the reform (2025-07-01)
    assert (forms[0].pk, world.front_a.pk, "2025S2") in got
    assert (forms[0].pk, world.front_a.pk, "2025S1") not in got  # its commune did not exist
    assert (forms[0].pk, late_unit.pk, "2025S2") in got  # founded within the half year
    assert (forms[1].pk, world.party_a.pk, "2025") in got  # a commune's Party committee
    assert not any(f == forms[1].pk and u != world.party_a.pk for f, u, _p in got)
    assert {u for f, u, _p in got if f == forms[2].pk} == {world.commission.pk}
    assert {u for f, u, _p in got if f == forms[3].pk} == {u.pk for u in units}
    assert {f for f, u, _p in got if u == veterans.pk} == {forms[3].pk}
    # the report begun is on its row, and only there
    with_report = [r for r in rows if r["submission"] is not None]
    assert [(r["form"], r["unit"], r["period"].code) for r in with_report] == [
        (forms[0], world.front_a, "2025S2")
    ]
    assert with_report[0]["submission"] == started


def test_the_queries_do_not_grow_with_the_forms(world, forms, multi, late_unit) -> None:
    units = Organization.objects.filter(pk__in=[world.party_a.pk, world.front_a.pk])
    listed = list(Form.objects.active().prefetch_related("kinds").order_by("pk"))  # as the page
    assert listed == forms
    selectors.reports_to_fill(multi, listed, units, TODAY)  # the user's roles, read once
    counts = []
    for chosen in (listed[:1], listed):
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.reports_to_fill(multi, chosen, units, TODAY)
        assert rows
        counts.append(len(queries))
    assert counts[0] == counts[1] == 3  # the units, which of them report when, the reports


def test_the_page_reads_the_forms_once_for_its_select(client, world, forms, multi) -> None:
    """The «another period» form offers every form in use, read once (a required model choice
    with no empty choice read them twice to write its select: FormChoiceField); the rows'
    forms are the other read."""
    client.force_login(multi)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("report_home")).content.decode()
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "reporting_form"' in q["sql"]]
    assert len(reads) == 2
    select = page.split('id="start-form"')[1].split("</select>")[0]
    offered = [(int(pk), name) for pk, name in re.findall(r'value="(\d+)"[^>]*>([^<]+)<', select)]
    assert offered == [(f.pk, str(f)) for f in Form.objects.active()]
    assert {pk for pk, _name in offered} == {f.pk for f in forms}


def test_the_boards_trend_counts_the_units_the_rule_names(
    world, half_form, late_unit, veterans, django_assert_num_queries
) -> None:
    """The completeness board's trend: for each period, the units reporting_units names below
    the commission, by level, with their reports — in two queries for the four periods.
    Dissolved units count in the periods they existed in."""
    org_services.organization_create(
        actor=None,
        parent=world.commission,
        name="Ủy ban MTTQ huyện Kỳ Sơn",
        kind=kind("fatherland_front"),
        area=world.old_district,
        established_on=datetime.date(2020, 1, 1),
        dissolved_on=datetime.date(2025, 6, 30),
    )  # fmt: skip  (with its district, at the reform)
    started = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period="2025S2"
    )
    services.submission_save(actor=None, submission=started, values=GOOD)
    services.submission_submit(actor=None, submission=started)
    recent = selectors.recent_periods(half_form, TODAY, 4)
    prefetch_related_objects([half_form], "kinds")  # as the board's view does
    with django_assert_num_queries(2):  # the periods' reports, the periods' units
        trend = selectors_completeness.completeness_over_periods(
            half_form, world.commission, recent
        )
    submitted = {(s.organization_id, s.period): s for s in Submission.objects.all()}
    for period, rates in trend:
        units = (
            selectors.reporting_units(half_form, period, within=world.commission)
            .exclude(pk=world.commission.pk)
            .values_list("pk", "area__level")
        )
        expected = selectors_completeness._level_rates(
            ((level, submitted.get((pk, period.code))) for pk, level in units),
            half_form.deadline(period),
        )
        assert rates == expected
    counted = {
        period.code: {r.level: (r.expected, r.submitted) for r in rates} for period, rates in trend
    }
    assert counted == {
        # front and Party committee of two communes, the branch founded in 2025S2; one sent
        "2025S2": {"commune": (5, 1)},
        "2025S1": {"district": (1, 0)},  # the old district's front, dissolved on its last day
        "2024S2": {"district": (1, 0)},
        "2024S1": {"district": (1, 0)},
    }


def test_each_reports_reviewer_is_the_nearest_unit_above_on_its_form_in_one_query(
    forms, late_unit, veterans
) -> None:
    """selectors.reviewing_paths for every form and unit at once, against the rule walked up the
    tree unit by unit: the nearest unit above that reports on the form, else the top."""
    prefetch_related_objects(forms, "kinds")
    units = list(Organization.objects.order_by("path"))
    pairs = [(form, unit) for form in forms for unit in units]
    with CaptureQueriesContext(connection) as queries:
        found = selectors.reviewing_paths(pairs)
    assert len(queries) == 1
    for form, unit in pairs:
        step = Organization.steplen
        prefixes = [unit.path[:end] for end in range(step, len(unit.path), step)]
        above = list(Organization.objects.filter(path__in=prefixes).order_by("-depth"))
        reporting = [  # the units above that report on the form, the nearest first
            o
            for o in above
            if Organization.objects.filter(form.reporting_units_q(), pk=o.pk).exists()
        ]
        expected = (reporting or above[-1:] or [unit])[0].path
        assert found[(form.pk, unit.pk)] == expected, (form.code, unit.name)
    differs = [u for u in units if len({found[(f.pk, u.pk)] for f in forms}) > 1]
    assert late_unit in differs and veterans in differs
    for form in forms:  # one form at a time (a review's own check) gives the same
        alone = selectors.reviewing_paths([(form, unit) for unit in units])
        assert alone == {key: path for key, path in found.items() if key[0] == form.pk}
    assert selectors.reviewing_paths([]) == {}
