"""The home page: the agenda first, and the scope's health read from where figures live."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from danvan.dashboard import selectors
from danvan.lib import agenda, periods
from danvan.lib.agenda import Item
from danvan.reporting import services

pytestmark = pytest.mark.django_db

FIGURES = {"indicators": ["MEETINGS", "DONE_PCT", "NOT_DEFINED"], "period_type": "half", "trend": 3}


def _approved(form, org, period: periods.Period, meetings: int) -> None:  # type: ignore[no-untyped-def]
    submission = services.submission_start(
        actor=None, form=form, organization=org, period=period.code
    )
    values = {
        "MEETINGS": meetings, "PLANNED": 10, "DONE": 5, "SATISFACTION": 80,
        "SUPERVISIONS_TYPED": 0,
    }  # fmt: skip
    services.submission_save(actor=None, submission=submission, values=values)
    services.submission_submit(actor=None, submission=submission)
    services.submission_approve(actor=None, submission=submission)


@override_settings(DANVAN_DASHBOARD=FIGURES)
def test_key_figures_come_from_the_roll_ups_with_the_period_before(
    half_form,
    world,
    tinh,
    xa,
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    now = selectors.dashboard_period(today)
    # The current half year's reports open when it ends: its typed figures are still empty.
    _approved(half_form, world.front_a, now.previous(), 7)
    _approved(half_form, world.front_b, now.previous(), 4)
    _approved(half_form, world.front_a, now.previous().previous(), 2)

    province = selectors.key_figures(world.commission, today)
    assert [p.code for p in province.spans] == [
        now.previous().previous().code, now.previous().code, now.code
    ]  # fmt: skip
    meetings, done_pct = province.figures  # an undefined code is skipped
    assert meetings.indicator.code == "MEETINGS"
    assert meetings.values == [2, 11, None]
    assert (meetings.current, meetings.previous, meetings.change) == (None, 11, None)
    assert done_pct.previous == 50

    commune = selectors.key_figures(world.front_a, today)
    assert commune.figures[0].previous == 7  # a commune reporter sees their own unit's work


@override_settings(DANVAN_DASHBOARD=FIGURES)
def test_a_leader_sees_the_scope_and_a_reporter_their_own_work(
    half_form,
    world,
    tinh,
    xa,
    as_user,
) -> None:  # type: ignore[no-untyped-def]
    _approved(
        half_form, world.front_a, selectors.dashboard_period(timezone.localdate()).previous(), 7
    )
    home = as_user(tinh).get("/").content.decode()
    assert 'hx-get="/home/scope/"' in home  # the cards follow the first paint
    assert 'id="reports-title"' not in home
    page = as_user(tinh).get("/home/scope/", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" not in html  # the fragment htmx swaps in
    assert selectors.leads(tinh, world.commission)
    for card in (
        "figures-title",
        "reports-title",
        "situation-title",
        "programmes-title",
        "areas-title",
    ):
        assert f'id="{card}"' in html
    assert "dv-dashboard-chart" in html

    mine = as_user(xa).get("/home/scope/", HTTP_HX_REQUEST="true").content.decode()
    assert not selectors.leads(xa, world.front_a)
    assert 'id="figures-title"' in mine
    assert 'id="reports-title"' not in mine and 'id="situation-title"' not in mine
    assert world.front_a.name in mine


def test_without_javascript_the_cards_are_a_page_of_their_own(tinh, as_user) -> None:  # type: ignore[no-untyped-def]
    home = as_user(tinh).get("/").content.decode()
    assert '<noscript><p class="mt-2 mb-0"><a href="/home/scope/">' in home
    page = as_user(tinh).get("/home/scope/").content.decode()
    assert "<html" in page and 'id="figures-title"' in page and 'href="/"' in page


def test_someone_without_a_unit_sees_the_agenda_only(outsider, as_user) -> None:  # type: ignore[no-untyped-def]
    html = as_user(outsider).get("/").content.decode()
    assert 'id="agenda-title"' in html and "/home/scope/" not in html
    assert as_user(outsider).get("/home/scope/", HTTP_HX_REQUEST="true").status_code == 404


def test_the_home_page_needs_a_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reports_below_count_the_children_and_the_late(
    half_form,
    world,
    tinh,
    xa,
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rows = selectors.reports_below(tinh, world.commission, today)
    assert [r.form for r in rows] == [half_form]
    row = rows[0]
    assert row.expected == 2  # the two communes' party committees report to the commission
    assert row.submitted == 0
    assert row.late == (2 if today > row.deadline else 0)
    assert f"org={world.commission.pk}" in row.url
    assert selectors.reports_below(xa, world.front_a, today) == []  # a reporter reviews nobody


def _fake_source(count: int):  # type: ignore[no-untyped-def]
    def fetch(user, today):  # type: ignore[no-untyped-def]
        return [
            Item(
                key=f"test.thing:{n}",
                kind="test.thing",
                what="Do it",
                title=f"Thing {n}",
                unit="Unit",
                url="/",
                due_on=today - datetime.timedelta(days=n),
            )
            for n in range(count)
        ]

    return fetch


@pytest.mark.parametrize("count", [1, 30])
def test_the_home_page_query_count_is_flat_in_the_number_of_items(
    count,
    world,
    tinh,
    as_user,
    django_assert_max_num_queries,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(
        agenda._SOURCES, "test.thing", agenda._Source("test.thing", "Things", _fake_source(count))
    )
    client = as_user(tinh)
    client.get("/")  # warm the per-process caches (topics, kinds)
    with django_assert_max_num_queries(40):
        html = client.get("/").content.decode()
    assert html.count('data-key="test.thing:') == min(count, 3)  # a few of each kind
    if count > 3:
        assert "/agenda/?kind=test.thing" in html  # and a link to the others of the kind


def test_the_agenda_page_shows_one_kind_on_request(world, tinh, as_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(
        agenda._SOURCES, "test.thing", agenda._Source("test.thing", "Things", _fake_source(12))
    )
    monkeypatch.setitem(
        agenda._SOURCES, "test.other", agenda._Source("test.other", "Others", _fake_other)
    )
    client = as_user(tinh)
    everything = client.get("/agenda/").content.decode()
    assert (
        everything.count('data-key="test.thing:') == 12 and 'data-key="test.other:1"' in everything
    )
    things = client.get("/agenda/?kind=test.thing").content.decode()
    assert things.count('data-key="test.thing:') == 12 and "test.other" not in things
    unknown = client.get("/agenda/?kind=nothing").content.decode()  # an unknown kind: all
    assert 'data-key="test.other:1"' in unknown


def _fake_other(user, today):  # type: ignore[no-untyped-def]
    return [
        Item(key="test.other:1", kind="test.other", what="Other", title="Other", unit="U", url="/")
    ]
