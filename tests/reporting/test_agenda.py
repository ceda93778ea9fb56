"""The reporting app's agenda: reports a unit must fill in (late shown late), and those a
parent must review; each leaves when the work is done."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.lib import agenda
from danvan.lib.notify import key_of
from danvan.org.models import Organization, Role
from danvan.reporting import definitions, services
from danvan.reporting.agenda import reports_to_fill, reports_to_review
from danvan.reporting.models import Form, Submission
from tests.conftest import kind
from tests.factories import OrganizationFactory, member
from tests.reporting.conftest import TODAY

pytestmark = pytest.mark.django_db

GOOD = {"MEETINGS": "4", "PLANNED": "10", "DONE": "8", "SATISFACTION": "90"}
GOOD["SUPERVISIONS_TYPED"] = "0"
S1_DEADLINE = datetime.date(2026, 6, 24)  # the window closes on 14/06, then ten days
S2_2025_DEADLINE = datetime.date(2025, 12, 24)
DAY = datetime.timedelta(days=1)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def fill_keys(user: User) -> list[str]:
    items = agenda.for_user(fresh(user), TODAY, kinds=["reporting.submission"])
    return [i.key for i in items]


def not_started(form: Form, org: Organization, period: str) -> str:
    return f"{key_of(form)}:{org.pk}:{period}"


def submitted(form: Form, org: Organization, period: str = "2026S1") -> Submission:
    submission = services.submission_start(
        actor=None, form=form, organization=org, period=period, today=TODAY
    )
    services.submission_save(actor=None, submission=submission, values=GOOD)
    return services.submission_submit(actor=None, submission=submission)


def test_each_unit_fills_in_its_own_reports_the_latest_first(
    half_form, world, xa, xa2, tinh, outsider, english
):
    assert fill_keys(xa) == [
        not_started(half_form, world.front_a, "2025S2"),
        not_started(half_form, world.front_a, "2026S1"),
    ]
    items = agenda.for_user(fresh(xa), TODAY, kinds=["reporting.submission"])
    half = items[1]
    assert half.title == "Six-month report — First half of 2026"
    assert half.unit == world.front_a.name and half.what == "Fill in the report"
    assert half.due_on == S1_DEADLINE and half.days_late(TODAY) == 152  # five months late
    assert half.url == f"/reports/#start-{half_form.pk}-{world.front_a.pk}-2026S1"
    assert half.action is not None and half.action.label == "Fill in"
    assert half.action.method == "post" and half.action.url == "/reports/start/"
    assert dict(half.action.fields) == {
        "form": str(half_form.pk), "organization": str(world.front_a.pk), "period": "2026S1"
    }  # fmt: skip
    assert items[0].due_on == S2_2025_DEADLINE
    assert fill_keys(xa2) == [
        not_started(half_form, world.front_b, "2025S2"),
        not_started(half_form, world.front_b, "2026S1"),
    ]
    # The commission reports too, on its own: the communes' reports are not the specialist's.
    assert fill_keys(tinh) == [
        not_started(half_form, world.commission, "2025S2"),
        not_started(half_form, world.commission, "2026S1"),
    ]
    assert fill_keys(outsider) == []
    assert fill_keys(member(world.front_a, Role.VIEWER)) == []  # a viewer submits nothing


def test_a_report_started_then_submitted_leaves_and_returned_comes_back(
    half_form, world, xa, english, django_capture_on_commit_callbacks
):
    draft = services.submission_start(
        actor=xa, form=half_form, organization=world.front_a, period="2026S1", today=TODAY
    )
    items = agenda.for_user(fresh(xa), TODAY, kinds=["reporting.submission"])
    assert [i.key for i in items][1] == key_of(draft)
    assert items[1].what == "Finish and submit the report"
    assert items[1].url == f"/reports/{draft.pk}/"

    services.submission_save(actor=xa, submission=draft, values=GOOD)
    services.submission_submit(actor=xa, submission=draft)
    assert fill_keys(xa) == [not_started(half_form, world.front_a, "2025S2")]

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(actor=None, submission=draft, comment="Thiếu số liệu")
    returned = Notification.objects.get(user=xa, key=key_of(draft))
    items = agenda.for_user(fresh(xa), TODAY, kinds=["reporting.submission"])
    assert items[1].key == key_of(draft) and items[1].action is not None
    assert items[1].action.label == "Correct"

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_submit(actor=fresh(xa), submission=draft)
    returned.refresh_from_db()
    assert returned.read_at is not None  # the unit's «returned» message is settled
    assert key_of(draft) not in fill_keys(xa)


def test_the_unit_above_reviews_what_was_submitted(half_form, world, tinh, xa, english):
    reviewer_a = member(world.party_a, Role.SPECIALIST)
    reporter_a = member(world.party_a, Role.REPORTER)
    front_a = submitted(half_form, world.front_a)
    front_b = submitted(half_form, world.front_b)
    party_a = submitted(half_form, world.party_a)
    late = timezone.make_aware(datetime.datetime(2026, 7, 4, 9, 0))
    Submission.objects.filter(pk=front_a.pk).update(submitted_at=late)
    Submission.objects.filter(pk=party_a.pk).update(submitted_at=late - 10 * DAY)

    mine = reports_to_review(fresh(reviewer_a), TODAY)
    assert [i.key for i in mine] == [key_of(front_a)]
    assert mine[0].unit == world.front_a.name
    assert mine[0].url == f"/reports/{front_a.pk}/" and mine[0].due_on == S1_DEADLINE
    assert mine[0].what == "Review the report, submitted 10 days late"
    # The commission reviews the Party committees' reports, not the Fronts' below them.
    theirs = reports_to_review(fresh(tinh), TODAY)
    assert [i.key for i in theirs] == [key_of(party_a)]
    assert theirs[0].what == "Review the report"  # submitted on time
    assert reports_to_review(fresh(reporter_a), TODAY) == []
    assert reports_to_review(fresh(xa), TODAY) == []
    assert key_of(front_b) not in {i.key for i in reports_to_review(fresh(tinh), TODAY)}


def test_approving_takes_the_review_off(half_form, world, django_capture_on_commit_callbacks):
    reviewer = member(world.party_a, Role.LEADER)
    report = submitted(half_form, world.front_a)
    reminder = Notification.objects.create(
        user=reviewer, kind="report", title=str(report), key=key_of(report)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve(actor=fresh(reviewer), submission=report)
    assert reports_to_review(fresh(reviewer), TODAY) == []
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def other_forms(count: int) -> None:
    for n in range(count):
        definitions.form_create(
            actor=None,
            code=f"other-{n}",
            name=f"Báo cáo chuyên đề {n}",
            periodicity="half",
            kinds=[kind("fatherland_front")],
            sections=[{"title": "Kết quả", "indicators": ["MEETINGS"]}],
        )


def test_the_query_counts_do_not_grow(half_form, world, xa, django_assert_max_num_queries):
    user = fresh(xa)
    # scope, forms and kinds, units, which of them report when, reports
    with django_assert_max_num_queries(6):
        assert len(reports_to_fill(user, TODAY)) == 2
    other_forms(4)
    user = fresh(xa)
    with django_assert_max_num_queries(6):
        assert len(reports_to_fill(user, TODAY)) == 10

    reviewer = member(world.party_a, Role.SPECIALIST)
    submitted(half_form, world.front_a)
    user = fresh(reviewer)
    with django_assert_max_num_queries(4):  # scope, reports and their forms' kinds, units above
        assert len(reports_to_review(user, TODAY)) == 1
    for _n in range(9):
        front = OrganizationFactory.create(parent=world.party_a, area=world.commune_a)
        submitted(half_form, front)
    user = fresh(reviewer)
    with django_assert_max_num_queries(4):
        assert len(reports_to_review(user, TODAY)) == 10


def test_the_titles_follow_the_reader_language(half_form, xa):
    with translation.override("vi"):
        items = agenda.for_user(fresh(xa), TODAY, kinds=["reporting.submission"])
    assert items[1].title == "Báo cáo 6 tháng — 6 tháng đầu năm 2026"


def test_one_click_on_fill_in_starts_the_report_and_opens_it(
    half_form, world, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    html = as_user(xa).get("/agenda/").content.decode()
    assert 'action="/reports/start/"' in html
    assert f'name="organization" value="{world.front_a.pk}"' in html
    fields = {"form": half_form.pk, "organization": world.front_a.pk, "period": "2026S1"}
    response = as_user(xa).post("/reports/start/", fields)
    started = Submission.objects.get(form=half_form, organization=world.front_a, period="2026S1")
    assert response.status_code == 302 and response["Location"] == f"/reports/{started.pk}/"
    # xa2 cannot start commune A's report with the same fields: nothing is made.
    as_user(xa2).post("/reports/start/", {**fields, "period": "2025S2"})
    assert not Submission.objects.filter(organization=world.front_a, period="2025S2").exists()
