"""Reports through the services: entry, validation, the review workflow, roll-ups, completeness."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from danvan.lib import periods
from danvan.org import services as org_services
from danvan.oversight.models import Oversight, OversightKind
from danvan.reporting import (
    definitions,
    rollups,
    selectors,
    selectors_completeness,
    services,
    services_levels,
)
from danvan.reporting.models import (
    Aggregation,
    Indicator,
    OrgRollup,
    Source,
    Submission,
    SubmissionStatus,
    Value,
)
from tests.conftest import _member, kind
from tests.reporting.conftest import TODAY

S1 = periods.parse("2026S1")


def start(form, org, actor=None, period="2026S1"):  # type: ignore[no-untyped-def]
    return services.submission_start(
        actor=actor, form=form, organization=org, period=period, today=TODAY
    )


def fill(submission, actor=None, **values):  # type: ignore[no-untyped-def]
    return services.submission_save(actor=actor, submission=submission, values=values)


GOOD = {
    "MEETINGS": "4",
    "PLANNED": "10",
    "DONE": "8",
    "SATISFACTION": "90",
    "SUPERVISIONS_TYPED": "0",
}


def submitted(form, org, actor=None, **overrides):  # type: ignore[no-untyped-def]
    submission = start(form, org, actor)
    fill(submission, actor, **{**GOOD, **overrides})
    return services.submission_submit(actor=actor, submission=submission)


# --- Values ----------------------------------------------------------------------------------


def test_values_of_the_wrong_type_or_out_of_range_are_refused(half_form, english) -> None:
    number = Indicator.objects.get(code="MEETINGS")
    percent = Indicator.objects.get(code="SATISFACTION")
    assert services.parse_value(number, "12,5") == (Decimal("12.5"), "")
    assert services.parse_value(number, " 1 200 ") == (Decimal(1200), "")
    assert services.parse_value(number, "") == (None, "")
    for raw, message in [
        ("abc", "Type a number"),
        ("1.23456", "At most 4 decimals"),
        ("1e5", "Type a number"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.parse_value(number, raw)
    with pytest.raises(ValidationError, match="At most 100"):
        services.parse_value(percent, "101")
    with pytest.raises(ValidationError, match="At least 0"):
        services.parse_value(percent, "-1")
    assert services.parse_value(number, "1,250") == (Decimal(1250), "")  # English grouping
    with translation.override("vi"):
        assert services.parse_value(number, "1.250") == (Decimal(1250), "")
        assert services.parse_value(number, "1.250,5") == (Decimal("1250.5"), "")
        assert services.parse_value(number, "12,5") == (Decimal("12.5"), "")
    count = definitions.indicator_create(
        actor=None, code="SESSIONS", name="Số buổi", decimal_places=0, min_value=Decimal(0)
    )
    with pytest.raises(ValidationError, match="whole number"):
        services.parse_value(count, "2.5")
    with pytest.raises(ValidationError, match="At least 0"):
        services.parse_value(count, "-3")
    yes_no = definitions.indicator_create(
        actor=None, code="HAS_PLAN", name="Có kế hoạch", value_type="yes_no"
    )
    assert services.parse_value(yes_no, "có") == (Decimal(1), "")
    with pytest.raises(ValidationError, match="yes or no"):
        services.parse_value(yes_no, "maybe")


def test_a_wrong_value_saves_nothing_of_the_batch(half_form, world, xa, english) -> None:
    submission = start(half_form, world.front_a, xa)
    with pytest.raises(ValidationError) as caught:
        fill(submission, xa, MEETINGS="5", SATISFACTION="150")
    assert "SATISFACTION" in caught.value.error_dict
    assert not Value.objects.filter(submission=submission).exists()
    with pytest.raises(ValidationError) as caught:
        fill(submission, xa, OV_SUPERVISIONS="3")
    assert "not a figure this form asks" in str(caught.value)
    fill(submission, xa, MEETINGS="5")
    assert Value.objects.get(submission=submission).number == 5


# --- Indicators and formulas ---------------------------------------------------------------


def test_formulas_with_unknown_codes_or_cycles_are_refused(half_form, english) -> None:
    with pytest.raises(ValidationError, match=r"Unknown indicator code.*NOPE"):
        definitions.indicator_create(
            actor=None, code="BAD", name="x", source=Source.FORMULA, formula="NOPE + 1"
        )
    with pytest.raises(ValidationError, match="not a valid expression"):
        definitions.indicator_create(
            actor=None, code="BAD", name="x", source=Source.FORMULA, formula="DONE +"
        )
    with pytest.raises(ValidationError, match="only indicator codes"):
        definitions.indicator_create(
            actor=None, code="BAD", name="x", source=Source.FORMULA, formula="__import__('os')"
        )
    first = definitions.indicator_create(
        actor=None, code="FIRST", name="a", source=Source.FORMULA, formula="DONE + 1"
    )
    definitions.indicator_create(
        actor=None, code="SECOND", name="b", source=Source.FORMULA, formula="FIRST * 2"
    )
    with pytest.raises(ValidationError, match="circle: FIRST → SECOND → FIRST"):
        definitions.indicator_update(actor=None, indicator=first, formula="SECOND - 1")
    with pytest.raises(ValidationError, match="circle"):
        definitions.indicator_update(actor=None, indicator=first, formula="FIRST + 1")
    with pytest.raises(ValidationError, match="already exists"):
        definitions.indicator_create(actor=None, code="done", name="again")


def test_only_top_level_leaders_define_indicators(half_form, world, tinh, lanhdao, xa) -> None:
    for refused in (tinh, xa):
        with pytest.raises(PermissionDenied):
            definitions.indicator_create(actor=refused, code="NEW_ONE", name="x")
    assert definitions.indicator_create(actor=lanhdao, code="NEW_ONE", name="x").pk


# --- Entry and submission ------------------------------------------------------------------


def test_a_report_opens_only_after_its_period_for_units_that_report(
    half_form, world, xa, english
) -> None:
    with pytest.raises(ValidationError, match="has not ended yet"):
        start(half_form, world.front_a, xa, period="2026S2")
    with pytest.raises(
        ValidationError, match="period is a half year: give a period such as 2026S1"
    ):
        start(half_form, world.front_a, xa, period="2026")
    with pytest.raises(ValidationError, match=r"not a valid|period"):
        start(half_form, world.front_a, xa, period="2026S9")
    youth = org_services.organization_create(
        actor=None,
        parent=world.party_a,
        name="Đoàn xã",
        kind=kind("mass_organization"),
        area=world.commune_a,
    )
    with pytest.raises(ValidationError, match="does not report"):
        start(half_form, youth, None)
    with pytest.raises(PermissionDenied):
        start(half_form, world.front_b, xa)
    first = start(half_form, world.front_a, xa)
    assert start(half_form, world.front_a, xa) == first  # one report per unit and period


def test_submit_blocks_on_errors_and_asks_a_comment_on_warnings(
    half_form, world, xa, tinh, english
) -> None:
    Oversight.objects.create(
        kind=OversightKind.SUPERVISION,
        title="Giám sát",
        lead=world.front_a,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 5),
        created_by=tinh,
    )
    submission = start(half_form, world.front_a, xa)
    fill(submission, xa, MEETINGS="4", PLANNED="10")
    with pytest.raises(ValidationError, match="Fill in: Done"):
        services.submission_submit(actor=xa, submission=submission)
    fill(submission, xa, DONE="12", SATISFACTION="80", SUPERVISIONS_TYPED="3")
    with pytest.raises(ValidationError) as caught:
        services.submission_submit(actor=xa, submission=submission)
    text = " ".join(caught.value.messages)
    assert "cannot exceed tasks planned" in text
    assert "explain this in a comment" in text
    fill(submission, xa, DONE="8")
    rule = half_form.rules.get(severity="warning")
    services.submission_save(
        actor=xa, submission=submission, comments={str(rule.pk): "Hai cuộc do Hội Nông dân chủ trì"}
    )
    services.submission_submit(actor=xa, submission=submission)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    derived = Value.objects.get(submission=submission, indicator__code="OV_SUPERVISIONS")
    assert derived.is_derived and derived.number == 1
    values = selectors.report_values(submission, selectors.form_layout(half_form))
    assert values["DONE_PCT"] == Decimal("80.00")
    with pytest.raises(ValidationError, match="cannot be changed"):
        fill(submission, xa, MEETINGS="5")


# --- Review ----------------------------------------------------------------------------------


def test_return_resubmit_approve_reopen_keep_the_rollups_exact(
    half_form, world, xa, tinh, lanhdao, english, django_capture_on_commit_callbacks
) -> None:
    meetings = Indicator.objects.get(code="MEETINGS")
    submission = submitted(half_form, world.front_a, xa, MEETINGS="4")
    with pytest.raises(ValidationError, match="what the unit should fix"):
        services.submission_return(actor=tinh, submission=submission, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(actor=tinh, submission=submission, comment="Thiếu số liệu")
    assert len(mail.outbox) == 1 and "Thiếu số liệu" in mail.outbox[0].body
    assert rollups.figure(meetings, world.commission, S1) is None
    fill(Submission.objects.get(pk=submission.pk), xa, MEETINGS="6")
    services.submission_submit(actor=xa, submission=submission)
    services.submission_approve(actor=tinh, submission=submission)
    assert rollups.figure(meetings, world.front_a, S1) == 6
    assert rollups.figure(meetings, world.commission, S1) == 6
    assert rollups.figure(meetings, world.province, S1) == 6  # the area scope too
    assert rollups.figure(meetings, world.commission, periods.parse("2026")) == 6
    assert rollups.figure(meetings, world.party_b, S1) is None
    with pytest.raises(ValidationError, match="already approved"):
        services.submission_approve(actor=lanhdao, submission=submission)
    with pytest.raises(ValidationError, match="cannot be changed"):
        fill(Submission.objects.get(pk=submission.pk), xa, MEETINGS="7")
    with pytest.raises(ValidationError, match="reason"):
        services.submission_reopen(actor=lanhdao, submission=submission, reason="")
    services.submission_reopen(actor=lanhdao, submission=submission, reason="Sai số liệu")
    assert (
        rollups.figure(meetings, world.commission, S1) == 0
        or rollups.figure(meetings, world.commission, S1) is None
    )
    acts = [
        (h.history_verb, h.history_change_reason)
        for h in Submission.history.filter(id=submission.pk)
    ]
    assert ("reopened", "Sai số liệu") in acts and ("approved", None) in acts
    fill(Submission.objects.get(pk=submission.pk), xa, MEETINGS="7")
    services.submission_submit(actor=xa, submission=submission)
    services.submission_approve(actor=tinh, submission=submission)
    assert rollups.figure(meetings, world.commission, S1) == 7


def test_who_may_review(half_form, world, xa, xa2, tinh, outsider, english) -> None:
    submission = submitted(half_form, world.front_a, xa)
    for refused in (xa, xa2, outsider):
        with pytest.raises(PermissionDenied):
            services.submission_approve(actor=refused, submission=submission)
    with pytest.raises(PermissionDenied):
        services.submission_save(actor=xa2, submission=submission, values={"MEETINGS": "1"})
    # the commune's Party committee reviews its Front; the province's specialist may too
    assert selectors.reviewing_organization(half_form, world.front_a) == world.party_a
    party_leader = _member(world.party_a, "bithu@example.vn", "leader")
    assert selectors.may_review(party_leader, submission)
    assert selectors.may_review(tinh, submission)
    assert not selectors.may_review(_member(world.party_b, "b@example.vn", "leader"), submission)


def test_a_parent_is_approved_once_the_reports_it_is_built_from_are_reviewed(
    half_form, world, xa, tinh, english
) -> None:
    child = submitted(half_form, world.front_a, xa)
    parent = submitted(half_form, world.party_a)
    with pytest.raises(ValidationError, match="Review the reports this one is built from"):
        services.submission_approve(actor=tinh, submission=parent)
    services.submission_approve(actor=tinh, submission=child)
    services.submission_approve(actor=tinh, submission=parent)
    meetings = Indicator.objects.get(code="MEETINGS")
    assert rollups.figure(meetings, world.party_a, S1) == 8  # its own 4 and its Front's 4
    with pytest.raises(ValidationError, match="reopen it first"):
        services.submission_reopen(actor=tinh, submission=child, reason="x")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_leaders_approving_together_count_once(half_form, world, xa, tinh, lanhdao) -> None:
    submission = submitted(half_form, world.front_a, xa)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            services.submission_approve(actor=user, submission=submission)
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (tinh, lanhdao)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    row = OrgRollup.objects.get(
        indicator__code="MEETINGS", organization=world.commission, period="2026S1"
    )
    assert (row.total, row.count) == (4 * 10_000, 1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_approvals_of_two_units_on_one_form_do_not_wait_for_each_other(half_form, world) -> None:
    """The review lock holds the report's row only: not the form's (every approval on the form
    would queue behind it) nor the unit's."""
    first = submitted(half_form, world.front_a)
    second = submitted(half_form, world.front_b)
    outcomes: list[str] = []

    def approve_second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            services.submission_approve(actor=None, submission=second)
            outcomes.append("approved")
        except OperationalError as exc:
            outcomes.append(f"waited: {exc}")
        finally:
            connections.close_all()

    with transaction.atomic():
        services._locked_for_review(None, first.pk)  # an approval of the first, under way
        other = threading.Thread(target=approve_second)
        other.start()
        other.join(timeout=10)
    assert outcomes == ["approved"]
    second.refresh_from_db()
    assert second.status == "approved"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_report_is_not_approved_over_one_being_submitted_below_it(half_form, world) -> None:
    """A submission below and an approval above wait for each other: the approval then sees
    the report below as submitted and refuses, instead of approving over it."""
    parent = submitted(half_form, world.party_a)
    child = start(half_form, world.front_a)
    fill(child, None, **GOOD)
    outcomes: list[str] = []

    def approve_parent() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
            with translation.override("en"):
                services.submission_approve(actor=None, submission=parent)
            outcomes.append("approved")
        except OperationalError:
            outcomes.append("waited")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    with transaction.atomic():
        services.submission_submit(actor=None, submission=child)  # not committed yet
        during = threading.Thread(target=approve_parent)
        during.start()
        during.join(timeout=10)
    after = threading.Thread(target=approve_parent)
    after.start()
    after.join(timeout=10)
    assert outcomes[0] == "waited"
    assert outcomes[1].startswith("Review the reports this one is built from first")
    parent.refresh_from_db()
    assert parent.status == "submitted"


# --- Completeness and reminders --------------------------------------------------------------


def test_completeness_board_and_reminders_to_the_late(
    half_form, world, xa, xa2, tinh, english, django_capture_on_commit_callbacks
) -> None:
    submitted(half_form, world.party_a)
    board = selectors_completeness.completeness(half_form, world.commission, S1)
    assert [c.organization for c in board.children] == [world.party_a, world.party_b]
    assert [c.state for c in board.children] == ["submitted", "missing"]
    assert board.children[0].on_time is False  # submitted today, after the deadline
    assert [c.organization for c in board.late(TODAY)] == [world.party_b]
    by_level = {r.level: r for r in board.levels}
    assert by_level["commune"].expected == 4 and by_level["commune"].submitted == 1
    party_b_officer = _member(world.party_b, "pb@example.vn", "reporter")
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services_levels.remind_late(
            actor=xa, form=half_form, organization=world.commission, period=S1
        )
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services_levels.remind_late(
            actor=tinh, form=half_form, organization=world.commission, period=S1, today=TODAY
        )
    assert reminded == 1
    assert [m.to for m in mail.outbox] == [[party_b_officer.email]]
    assert services_levels.send_late_reminders(today=TODAY) >= 1  # the Fronts, not yet reminded
    again = services_levels.send_late_reminders(today=TODAY)
    assert again == 0  # each once


def test_average_and_extremes_over_units(half_form, world, tinh) -> None:
    satisfaction = Indicator.objects.get(code="SATISFACTION")
    low = Indicator.objects.get(code="PLANNED")
    low.aggregation = Aggregation.MIN
    low.save()
    for org, pct, planned in ((world.front_a, "90", "10"), (world.front_b, "60", "12")):
        s = submitted(half_form, org, SATISFACTION=pct, PLANNED=planned)
        services.submission_approve(actor=tinh, submission=s)
    assert rollups.figure(satisfaction, world.commission, S1) == 75
    assert rollups.figure(low, world.commission, S1) == 10
    first = Submission.objects.get(organization=world.front_a)
    services.submission_reopen(actor=tinh, submission=first, reason="sửa")
    assert rollups.figure(low, world.commission, S1) == 12
    assert rollups.figure(satisfaction, world.commission, S1) == 60


def test_a_long_return_comment_is_kept_whole_in_the_history(half_form, world, tinh) -> None:
    """History reasons are people's words: no 100-character cut-off (PostgreSQL enforced it)."""
    submission = submitted(half_form, world.front_a)
    comment = "Đề nghị bổ sung số liệu về đối thoại và tiếp công dân. " * 6
    services.submission_return(actor=tinh, submission=submission, comment=comment)
    record = Submission.history.filter(id=submission.pk).first()
    assert record is not None
    assert record.history_verb == "returned"
    assert record.history_change_reason == comment.strip()
    assert len(record.history_change_reason) > 300


def test_a_draft_saved_again_and_again_writes_history_only_when_the_report_changes(
    half_form, world, xa
) -> None:
    """Each save of a draft used to write an entry of the report's history with nothing in it
    to show; its page read and compared them all. The figures keep their own history."""
    submission = start(half_form, world.front_a, xa)
    assert submission.history.count() == 1  # created
    before = Submission.objects.get(pk=submission.pk).updated_at
    for _ in range(3):
        fill(submission, xa, **GOOD)
    assert submission.history.count() == 1
    assert Submission.objects.get(pk=submission.pk).updated_at > before
    meetings = Value.objects.get(submission=submission, indicator__code="MEETINGS")
    assert meetings.number == 4 and meetings.history.count() == 1  # written once, then unchanged
    fill(submission, xa, MEETINGS="5")
    assert meetings.history.count() == 2 and submission.history.count() == 1
    section = selectors.form_layout(half_form).narratives[0]
    for _ in range(2):
        services.submission_save(
            actor=xa, submission=submission, narratives={str(section.pk): "Đã đối thoại 4 lần."}
        )
    assert submission.history.count() == 2  # the narrative once: the second save changed nothing
    record = submission.history.first()
    assert record.history_user == xa and record.narratives == {
        str(section.pk): "Đã đối thoại 4 lần."
    }


def test_a_save_writes_its_figures_and_their_history_in_two_statements_however_many(
    half_form, world, xa
) -> None:
    """The figures typed first are inserted, those changed later updated — each kind in one
    statement, with one more for their history entries, which say who saved each figure (the
    history page reads them as if each had been saved alone)."""
    submission = start(half_form, world.front_a, xa)

    def writes(**values: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            fill(submission, xa, **values)
        return [
            q["sql"].split(" (")[0].split(" SET")[0]
            for q in captured.captured_queries
            if q["sql"].startswith(("INSERT", "UPDATE")) and "reporting_submission" not in q["sql"]
        ]

    assert writes(**GOOD) == [
        'INSERT INTO "reporting_value"', 'INSERT INTO "reporting_historicalvalue"'
    ]  # fmt: skip
    assert writes(MEETINGS="5", PLANNED="12", DONE="9") == [
        'UPDATE "reporting_value"', 'INSERT INTO "reporting_historicalvalue"'
    ]  # fmt: skip
    assert writes(MEETINGS="5") == []  # unchanged: nothing written
    figures = {v.indicator.code: v for v in Value.objects.filter(submission=submission)}
    assert {code: v.number for code, v in figures.items()} == {
        "MEETINGS": 5, "PLANNED": 12, "DONE": 9, "SATISFACTION": 90, "SUPERVISIONS_TYPED": 0,
    }  # fmt: skip
    entries = [
        (h.history_type, h.number, h.history_user, h.history_change_reason)
        for h in figures["PLANNED"].history.order_by("history_id")
    ]
    assert entries == [("+", 10, xa, None), ("~", 12, xa, None)]
    assert figures["SATISFACTION"].history.count() == 1
