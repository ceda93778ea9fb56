"""Oversight writes and the seeds' figure: N oversights of M distinct organisations."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.lib import periods
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope
from danvan.oversight import reminders, selectors, services
from danvan.oversight.models import Oversight, Recommendation, RecommendationStatus
from tests.conftest import World
from tests.oversight.conftest import Units

pytestmark = pytest.mark.django_db

D = datetime.date


def oversight(lead: Organization, subjects: list[Organization], start: D, kind: str = "inspection",
              actor=None) -> Oversight:  # type: ignore[no-untyped-def]  # fmt: skip
    return services.oversight_create(
        actor=actor, kind=kind, title=f"{kind} {start}", lead=lead, subjects=subjects,
        starts_on=start, ends_on=start + datetime.timedelta(days=14),
    )  # fmt: skip


YEAR_END = D(2026, 12, 31)


def figures(scope: ReportingScope, code: str, today: D = YEAR_END):  # type: ignore[no-untyped-def]
    return selectors.oversight_figures(scope, periods.parse(code), today=today)


def test_n_and_m_per_half_for_the_year_and_for_nested_scopes(world: World, units: Units) -> None:
    w, u = world, units
    oversight(w.commission, [w.party_a, w.front_a, u.ppc_a], D(2026, 2, 10))
    oversight(w.commission, [w.front_a, w.party_b], D(2026, 5, 1))
    oversight(w.commission, [u.ppc_a, u.ppc_b], D(2026, 3, 3), kind="supervision")
    oversight(w.commission, [u.ppc_b], D(2026, 6, 25))  # runs into July: counted where it began
    oversight(w.commission, [w.party_a, w.front_b], D(2026, 8, 1))
    oversight(w.party_a, [w.front_a], D(2026, 9, 1))  # the commune's own, inside the province
    oversight(w.commission, [w.front_b], D(2025, 12, 20))  # the year before
    province = ReportingScope.of(w.commission)

    first, second, year = (figures(province, c) for c in ("2026S1", "2026S2", "2026"))
    assert (first.inspections, first.inspected_organizations) == (3, 5)
    assert (first.supervisions, first.supervised_organizations) == (1, 2)
    assert (second.inspections, second.inspected_organizations) == (2, 3)
    # Halves add up for N; M counts each organisation once over the year (not 5 + 3).
    assert (year.inspections, year.inspected_organizations) == (5, 6)
    assert (year.supervisions, year.supervised_organizations) == (1, 2)

    commune = ReportingScope.of(w.party_a)
    assert (figures(commune, "2026S1").inspections, figures(commune, "2026S2").inspections) == (
        0,
        1,
    )
    assert figures(commune, "2026").inspected_organizations == 1
    # An area scope counts the leads located in it: the same as the commune's Party committee.
    assert figures(ReportingScope.of(w.commune_a), "2026") == figures(commune, "2026")
    assert figures(ReportingScope.of(w.party_b), "2026").inspections == 0


def test_recommendations_made_done_and_overdue_as_of_the_period_end(world: World) -> None:
    first = oversight(world.commission, [world.party_a, world.party_b], D(2026, 2, 1))
    make = lambda org, due: services.recommendation_add(  # noqa: E731
        actor=None, oversight=first, text="Khắc phục", responsible=org, due_on=due
    )
    done_early = make(world.party_a, D(2026, 4, 30))
    late = make(world.party_b, D(2026, 5, 31))
    make(world.party_a, D(2026, 10, 31))  # due in the second half, still open
    Recommendation.objects.filter(pk=done_early.pk).update(status="done", done_on=D(2026, 4, 1))
    Recommendation.objects.filter(pk=late.pk).update(status="done", done_on=D(2026, 8, 1))
    scope = ReportingScope.of(world.commission)
    half = figures(scope, "2026S1")
    assert (half.recommendations, half.recommendations_done, half.recommendations_overdue) == (
        3, 1, 1,
    )  # fmt: skip
    year = figures(scope, "2026", today=D(2026, 11, 23))
    assert (year.recommendations_done, year.recommendations_overdue) == (2, 1)


def test_figures_take_two_queries_whatever_the_size(world: World, units: Units,
                                                     django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    for day in range(1, 20):
        oversight(world.commission, [world.party_a, units.ppc_b], D(2026, 3, day))
    with django_assert_num_queries(2):
        figures(ReportingScope.of(world.commission), "2026")


def test_bad_input_is_refused_with_a_message(world: World, units: Units, tinh, english) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="outside the scope"):
        oversight(world.party_a, [world.front_b], D(2026, 3, 1))  # another commune
    with pytest.raises(ValidationError, match="at least one subject"):
        oversight(world.commission, [], D(2026, 3, 1))
    with pytest.raises(ValidationError, match="end on or after"):
        services.oversight_create(
            actor=None, kind="inspection", title="x", lead=world.commission,
            subjects=[world.party_a], starts_on=D(2026, 3, 1), ends_on=D(2026, 2, 1),
        )  # fmt: skip
    done = oversight(world.commission, [world.party_a], D(2026, 3, 1))
    with pytest.raises(ValidationError, match="before the oversight began"):
        services.oversight_conclude(
            actor=tinh, oversight=done, conclusion_on=D(2026, 2, 28), conclusion="Tốt"
        )
    with pytest.raises(ValidationError, match="responsible"):
        services.recommendation_add(
            actor=tinh, oversight=done, text="x", responsible=None, due_on=D(2026, 6, 1)
        )
    with pytest.raises(ValidationError, match="date by which"):
        services.recommendation_add(
            actor=tinh, oversight=done, text="x", responsible=world.party_a, due_on=None
        )
    assert Recommendation.objects.count() == 0


def test_who_may_write(world: World, units: Units, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        oversight(world.commission, [world.party_a], D(2026, 3, 1), actor=xa)
    with pytest.raises(PermissionDenied):
        oversight(world.commission, [world.party_a], D(2026, 3, 1), actor=outsider)
    made = oversight(world.commission, [world.front_a], D(2026, 3, 1), actor=tinh)
    rec = services.recommendation_add(
        actor=tinh, oversight=made, text="Sửa quy chế", responsible=world.front_a,
        due_on=D(2026, 6, 1),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # another commune's officer
        services.recommendation_respond(actor=xa2, recommendation=rec, status="done", response="x")
    with pytest.raises(PermissionDenied):  # the subject answers, it does not add
        services.recommendation_add(
            actor=xa, oversight=made, text="x", responsible=world.front_a, due_on=D(2026, 6, 1)
        )
    answered = services.recommendation_respond(
        actor=xa, recommendation=rec, status="done", response="Đã sửa"
    )
    assert answered.status == RecommendationStatus.DONE and answered.done_on is not None
    assert answered.history.first().history_user == xa  # type: ignore[union-attr]


def test_conclusion_and_history(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    made = oversight(world.commission, [world.party_a], D(2026, 3, 1), actor=tinh)
    services.oversight_conclude(
        actor=tinh, oversight=made, conclusion_on=D(2026, 3, 20), conclusion_number="15-TB",
        conclusion="Thực hiện tốt",
    )  # fmt: skip
    made.refresh_from_db()
    assert made.stage(D(2026, 4, 1)) == "concluded"
    concluded = made.history.first()  # type: ignore[union-attr]
    # The act is the verb; no translated label is stored as a reason.
    assert (concluded.history_verb, concluded.history_change_reason) == ("concluded", None)
    assert concluded.history_user == tinh
    with pytest.raises(ValidationError):  # dates cannot move after the conclusion
        services.oversight_update(actor=tinh, oversight=made, starts_on=D(2026, 3, 25),
                                  ends_on=D(2026, 3, 30))  # fmt: skip


def test_plan_versus_done(world: World, tinh, english) -> None:  # type: ignore[no-untyped-def]
    plan = services.plan_create(actor=tinh, organization=world.commission, year=2026, title="KH")
    add = lambda kind, period: services.plan_item_add(  # noqa: E731
        actor=tinh,
        plan=plan,
        kind=kind,
        title=f"{kind} {period}",
        period=period,
        subjects=[world.party_a],
    )
    done_item, running_item, missed_item, later_item = (
        add("inspection", "2026Q1"), add("inspection", "2026Q2"), add("supervision", "2026Q1"),
        add("supervision", "202612"),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="of 2026"):
        add("inspection", "2027Q1")
    finished = services.oversight_create(
        actor=tinh, kind="inspection", title="KT", lead=world.commission,
        subjects=[world.party_a], starts_on=D(2026, 2, 1), ends_on=D(2026, 2, 5),
        plan_item=done_item,
    )  # fmt: skip
    services.oversight_conclude(
        actor=tinh, oversight=finished, conclusion_on=D(2026, 2, 20), conclusion="Tốt"
    )
    services.oversight_create(
        actor=tinh, kind="inspection", title="KT2", lead=world.commission,
        subjects=[world.party_a], starts_on=D(2026, 5, 1), ends_on=D(2026, 5, 5),
        plan_item=running_item,
    )  # fmt: skip
    oversight(world.commission, [world.party_b], D(2026, 7, 1))  # unplanned
    oversight(world.party_a, [world.front_a], D(2026, 7, 2))  # a commune's own: not the plan's
    progress = selectors.plan_versus_done(plan, D(2026, 11, 23))
    assert {i.pk: i.state for i in progress["items"]} == {  # type: ignore[attr-defined]
        done_item.pk: "done", running_item.pk: "under_way", missed_item.pk: "missed",
        later_item.pk: "not_started",
    }  # fmt: skip
    inspections = next(r for r in progress["by_kind"] if r["kind"] == "inspection")
    assert (inspections["planned"], inspections["done"], inspections["pct"]) == (2, 1, 50)
    assert progress["unplanned_count"] == 1
    with pytest.raises(ValidationError):  # an item carried out stays in the plan
        services.plan_item_delete(actor=tinh, plan_item=done_item)
    services.plan_item_delete(actor=tinh, plan_item=later_item)


def test_reminders_go_to_the_responsible_then_escalate(world: World, tinh, xa,
                                                       django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    made = oversight(world.commission, [world.front_a], D(2026, 3, 1), actor=tinh)
    services.recommendation_add(
        actor=tinh, oversight=made, text="Báo cáo", responsible=world.front_a,
        due_on=D(2026, 4, 10),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_recommendation_reminders(today=D(2026, 4, 5)) == 1
    assert mail.outbox[-1].to == ["xa@example.vn"]
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_recommendation_reminders(today=D(2026, 4, 6)) == 0  # once only
    from tests.conftest import _member

    _member(world.commission, "truongban@example.vn", "leader")
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_recommendation_reminders(today=D(2026, 5, 1))
    assert sent == 2  # overdue to the Front, escalated to the commission's leader
    assert {m.to[0] for m in mail.outbox[-2:]} == {"xa@example.vn", "truongban@example.vn"}
