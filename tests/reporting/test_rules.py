"""The rules reports keep: a unit reports only while it existed; approval order both ways."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from danvan.lib import periods
from danvan.lib.errors import Conflict
from danvan.org import areas as org_areas
from danvan.org import services as org_services
from danvan.org.models import Organization
from danvan.reporting import rollups, selectors, selectors_completeness, services, services_levels
from danvan.reporting.models import Indicator, Reminder, Submission, SubmissionStatus
from tests.conftest import _member, kind
from tests.org.test_api import bearer
from tests.reporting.conftest import TODAY
from tests.reporting.test_services import GOOD, fill, start, submitted
from tests.reporting.test_web_api import as_user, post_json  # noqa: F401 — the English pages

pytestmark = pytest.mark.django_db
BEFORE = periods.parse("2025S1")  # the half year before the 2025 communes
FIRST = periods.parse("2025S2")  # their first


# --- a. A unit reports only for periods in which it existed ---------------------------------


def _old_front(world) -> Organization:  # type: ignore[no-untyped-def]
    """The Front of the commune merged into Mường Xén: dissolved when the new one began."""
    old_commune = org_areas.area_create(
        actor=None,
        parent=world.old_district,
        code="16814",
        name="Thị trấn Mường Xén",
        level="commune",
        valid_to=datetime.date(2025, 6, 30),
    )
    return org_services.organization_create(
        actor=None,
        parent=world.commission,
        name="Ủy ban MTTQ thị trấn Mường Xén (cũ)",
        kind=kind("fatherland_front"),
        area=old_commune,
        dissolved_on=datetime.date(2025, 6, 30),
        successor=world.front_a,
    )


def test_a_unit_files_no_report_for_a_period_before_it_began(half_form, world, xa, english) -> None:
    with pytest.raises(ValidationError) as caught:
        start(half_form, world.front_a, xa, period=BEFORE.code)
    message = " ".join(caught.value.messages)
    assert "began on 01/07/2025" in message and "from Second half of 2025" in message
    assert not Submission.objects.exists()
    assert start(half_form, world.front_a, xa, period=FIRST.code).period == FIRST.code
    # its own founding date counts before its area's
    Organization.objects.filter(pk=world.front_b.pk).update(
        established_on=datetime.date(2026, 1, 1)
    )
    world.front_b.refresh_from_db()
    with pytest.raises(ValidationError, match="began on 01/01/2026"):
        start(half_form, world.front_b, None, period=FIRST.code)
    # the province's commission, whose area has no start date, reports for the old half year
    assert start(half_form, world.commission, None, period=BEFORE.code).pk


def test_its_predecessor_reports_the_time_before(half_form, world, english) -> None:
    old = _old_front(world)
    assert start(half_form, old, None, period=BEFORE.code).pk
    with pytest.raises(ValidationError, match="did not exist in that period"):
        start(half_form, old, None, period=FIRST.code)
    assert set(selectors.reporting_units(half_form, BEFORE)) == {world.commission, old}


def test_the_board_and_the_reminders_do_not_count_it_late(
    half_form, world, tinh, english, django_capture_on_commit_callbacks
) -> None:
    _member(world.party_b, "pb@example.vn", "reporter")
    before = selectors_completeness.completeness(half_form, world.commission, BEFORE)
    assert before.children == [] and before.late(TODAY) == []
    assert sum(r.expected for r in before.levels) == 0
    with django_capture_on_commit_callbacks(execute=True):
        reminded = services_levels.remind_late(
            actor=tinh, form=half_form, organization=world.commission, period=BEFORE, today=TODAY
        )
    assert reminded == 0 and not mail.outbox and not Reminder.objects.exists()
    after = selectors_completeness.completeness(half_form, world.commission, FIRST)
    assert [c.organization for c in after.late(TODAY)] == [world.party_a, world.party_b]


def test_the_page_and_the_api_refuse_it_alike(half_form, world, xa, as_user) -> None:  # noqa: F811
    data = {"form": half_form.pk, "organization": world.front_a.pk, "period": BEFORE.code}
    response = as_user(xa).post("/reports/start/", data, follow=True)
    assert "began on 01/07/2025" in response.content.decode()
    body = {"form_id": half_form.pk, "organization_id": world.front_a.pk, "period": BEFORE.code}
    refused = post_json(bearer(xa), "/api/v1/submissions", body)
    assert refused.status_code == 400 and "01/07/2025" in refused.json()["errors"]["period"][0]
    assert not Submission.objects.exists()


def test_home_offers_no_report_before_the_unit_began(half_form, world, xa, as_user) -> None:  # noqa: F811
    newest, older = selectors.recent_periods(half_form, timezone.localdate(), 2)
    Organization.objects.filter(pk=world.front_a.pk).update(established_on=newest.start)
    page = as_user(xa).get("/reports/").content.decode()
    assert f'id="start-{half_form.pk}-{world.front_a.pk}-{newest.code}"' in page
    assert f'id="start-{half_form.pk}-{world.front_a.pk}-{older.code}"' not in page


# --- b. Approval order holds both ways ----------------------------------------------------


@pytest.fixture
def parent_approved(half_form, world, tinh):  # type: ignore[no-untyped-def]
    """The commune Party committee's report approved while its Front's is still a draft."""
    child = start(half_form, world.front_a, None)
    fill(child, None, **GOOD)
    parent = submitted(half_form, world.party_a)
    services.submission_approve(actor=tinh, submission=parent)
    return parent, Submission.objects.get(pk=child.pk)


def _unchanged(submission: Submission, status: str) -> None:
    submission.refresh_from_db()
    assert submission.status == status
    meetings = Indicator.objects.get(code="MEETINGS")
    assert rollups.figure(meetings, submission.organization, periods.parse("2026S1")) in (
        None,
        0,
    )


def test_a_child_cannot_be_submitted_approved_or_reopened_under_an_approved_parent(
    half_form, world, xa, tinh, english, parent_approved
) -> None:
    parent, child = parent_approved
    with pytest.raises(Conflict, match=r"Đảng ủy xã Mường Xén's report.*reopen it first"):
        services.submission_submit(actor=xa, submission=child)
    _unchanged(child, SubmissionStatus.DRAFT)
    # a report sent up before the rule: not approved either
    Submission.objects.filter(pk=child.pk).update(status=SubmissionStatus.SUBMITTED)
    with pytest.raises(Conflict, match="reopen it first"):
        services.submission_approve(actor=tinh, submission=child)
    _unchanged(child, SubmissionStatus.SUBMITTED)
    # the parent reopened, the child goes through, then the parent again
    services.submission_reopen(actor=tinh, submission=parent, reason="Bổ sung xã")
    services.submission_approve(actor=tinh, submission=child)
    services.submission_submit(actor=None, submission=parent)
    services.submission_approve(actor=tinh, submission=parent)
    with pytest.raises(Conflict, match="reopen it first"):
        services.submission_reopen(actor=tinh, submission=child, reason="Sai")
    child.refresh_from_db()
    assert child.status == SubmissionStatus.APPROVED


def test_any_approved_report_above_counts_not_only_the_nearest(
    half_form, world, tinh, english
) -> None:
    child = submitted(half_form, world.front_a)
    services.submission_approve(actor=tinh, submission=child)
    top = submitted(half_form, world.commission)
    services.submission_approve(actor=tinh, submission=top)  # Party committee: no report
    with pytest.raises(Conflict, match="Ban Dân vận Tỉnh ủy Nghệ An's report"):
        services.submission_reopen(actor=tinh, submission=child, reason="Sai")
    assert Submission.objects.get(pk=child.pk).status == SubmissionStatus.APPROVED


def test_the_pages_refuse_it_with_the_message(
    half_form,
    world,
    xa,
    tinh,
    as_user,  # noqa: F811
    parent_approved,
) -> None:
    _parent, child = parent_approved
    values = {f"v_{k}": v for k, v in GOOD.items()}
    response = as_user(xa).post(
        f"/reports/{child.pk}/save/", {**values, "action": "submit"}, follow=True
    )
    assert "reopen it first" in response.content.decode()
    _unchanged(child, SubmissionStatus.DRAFT)
    Submission.objects.filter(pk=child.pk).update(status=SubmissionStatus.SUBMITTED)
    response = as_user(tinh).post(f"/reports/{child.pk}/approve/", follow=True)
    assert "reopen it first" in response.content.decode()
    _unchanged(child, SubmissionStatus.SUBMITTED)


def test_the_api_answers_409_and_changes_nothing(
    half_form, world, xa, tinh, parent_approved
) -> None:
    parent, child = parent_approved
    refused = post_json(bearer(xa), f"/api/v1/submissions/{child.pk}/submit", {})
    assert refused.status_code == 409 and "Đảng ủy xã Mường Xén" in refused.json()["detail"]
    _unchanged(child, SubmissionStatus.DRAFT)
    Submission.objects.filter(pk=child.pk).update(status=SubmissionStatus.SUBMITTED)
    reviewer = bearer(tinh)
    assert post_json(reviewer, f"/api/v1/submissions/{child.pk}/approve", {}).status_code == 409
    _unchanged(child, SubmissionStatus.SUBMITTED)
    reopened = post_json(reviewer, f"/api/v1/submissions/{parent.pk}/reopen", {"reason": "Sửa"})
    assert reopened.status_code == 200
    approved = post_json(reviewer, f"/api/v1/submissions/{child.pk}/approve", {})
    assert approved.json()["status"] == "approved"
    # other state conflicts answer 409 too
    again = post_json(reviewer, f"/api/v1/submissions/{child.pk}/return", {"comment": "x"})
    assert again.status_code == 409
    saved = post_json(bearer(xa), f"/api/v1/submissions/{child.pk}/submit", {})
    assert saved.status_code == 409
