"""The reporting pages' small things: the pivot chart does not mix scales, the completeness
board links each unit's report and shows «not sent» apart from «late», an overdue report is red
for its unit, and reminders say which late units have no one to remind."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from danvan.lib import periods
from danvan.org.models import Organization
from danvan.reporting import selectors, services
from danvan.reporting.models import Submission
from tests.conftest import _member
from tests.reporting.test_services import GOOD
from tests.reporting.test_web_api import PERIOD, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(as_user):  # type: ignore[no-untyped-def]
    """The pages in English, so the assertions read the English words."""

    def make(user):  # type: ignore[no-untyped-def]
        client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def _chart(page: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script id="pivot-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the page has no chart"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_the_pivot_chart_does_not_mix_scales(half_form, world, tinh, as_user) -> None:
    services.submission_approve(actor=None, submission=submitted(half_form, world.party_a))
    client = as_user(tinh)
    base = f"/reports/pivot/?form={half_form.pk}&node={world.commission.pk}&period={PERIOD}"
    mixed = client.get(base + "&indicator=MEETINGS&indicator=SATISFACTION").content.decode()
    chart = _chart(mixed)
    assert chart["normalised"] is True and 'id="pivot-normalised"' in mixed
    meetings, satisfaction = chart["series"]
    assert meetings["data"] == [100.0, None] and satisfaction["data"] == [100.0, None]
    assert meetings["shown"] == ["4", "—"] and satisfaction["shown"] == ["90", "—"]
    assert satisfaction["name"].endswith("(%)")
    same = _chart(client.get(base + "&indicator=MEETINGS&indicator=PLANNED").content.decode())
    assert same["normalised"] is False
    assert [s["data"] for s in same["series"]] == [[4.0, None], [10.0, None]]  # the figures


def _row(page: str, name: str) -> str:
    rows = page.split('<table class="table table-sm align-middle" id="children-table">')[1]
    return next(r for r in rows.split("<tr") if name in r)


def test_the_board_links_reports_and_tells_not_sent_from_late(
    half_form, world, tinh, as_user
) -> None:
    deadline = half_form.deadline(periods.parse(PERIOD))
    assert timezone.localdate() > deadline  # 2025S2 is past its deadline
    report = submitted(half_form, world.party_a)  # submitted today: after the deadline
    url = f"/reports/completeness/?form={half_form.pk}&org={world.commission.pk}&period={PERIOD}"
    page = as_user(tinh).get(url).content.decode()
    sent = _row(page, "Đảng ủy xã Mường Xén")
    assert f'href="/reports/{report.pk}/"' in sent  # the unit's report, from its row
    assert ">late<" in sent and "dv-overdue" not in sent  # sent, after the deadline
    missing = _row(page, "Đảng ủy xã Mỹ Lý")
    assert "dv-overdue" in missing and ">not sent<" in missing and ">late<" not in missing
    assert ">overdue<" in missing


def test_late_units_without_anyone_to_remind_are_named(
    half_form, world, tinh, as_user, django_capture_on_commit_callbacks
) -> None:
    client = as_user(tinh)
    url = f"/reports/completeness/?form={half_form.pk}&org={world.commission.pk}&period={PERIOD}"
    page = client.get(url).content.decode()
    warning = page.split('id="unreachable"')[1].split("</div>")[0]
    for unit in (world.party_a, world.party_b):
        assert f'href="/orgs/{unit.pk}/#members"' in warning  # the page to add an officer on
    _member(world.party_b, "pb@example.vn", "reporter")
    data = {"form": half_form.pk, "org": world.commission.pk, "period": PERIOD}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/reports/completeness/remind/", data, follow=True)
    page = answer.content.decode()
    assert "Reminders sent to 1 late unit(s)." in page
    assert "No officer with an e-mail address to remind at: Đảng ủy xã Mường Xén." in page
    warning = page.split('id="unreachable"')[1].split("</div>")[0]
    assert f"/orgs/{world.party_a.pk}/#members" in warning
    assert f"/orgs/{world.party_b.pk}/#members" not in warning  # it has an officer now


def test_an_overdue_report_is_red_for_its_unit(half_form, world, xa, as_user) -> None:
    today = timezone.localdate()
    rows = selectors.reports_to_fill(
        xa, [half_form], Organization.objects.filter(pk=world.front_a.pk), today
    )
    assert rows and all(r["overdue"] == (today > r["deadline"]) for r in rows)
    assert any(r["overdue"] for r in rows)  # 2025S2, not started, is past its deadline
    home = as_user(xa).get("/reports/").content.decode()
    assert home.count("dv-overdue") == sum(r["overdue"] for r in rows)
    draft = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    detail = as_user(xa).get(f"/reports/{draft.pk}/").content.decode()
    assert 'id="report-overdue"' in detail and "overdue" in detail
    services.submission_save(actor=None, submission=draft, values=GOOD)
    services.submission_submit(actor=None, submission=draft)  # late, but sent: no longer overdue
    assert 'id="report-overdue"' not in as_user(xa).get(f"/reports/{draft.pk}/").content.decode()
    assert (
        as_user(xa).get("/reports/").content.decode().count("dv-overdue")
        == sum(r["overdue"] for r in rows) - 1
    )


def test_units_and_periods_are_picked_not_typed(half_form, world, xa, tinh, as_user) -> None:
    url = f"/reports/completeness/?form={half_form.pk}&org={world.commission.pk}&period={PERIOD}"
    page = as_user(tinh).get(url).content.decode()
    picker = page.split('id="picker"')[1].split("</form>")[0]
    assert "data-dv-period" in picker and 'name="period_kind"' in picker  # the period picker
    assert f'<option value="{PERIOD}" selected' in picker  # only half years: this form's kind
    assert 'value="2025"' not in picker
    assert "Ủy ban MTTQ Việt Nam xã Mỹ Lý" in picker  # every unit in scope, not three levels
    home = as_user(xa).get("/reports/").content.decode()
    assert 'id="start-other"' in home and "data-dv-period" in home.split('id="start-other"')[1]
    # without a script, the unit's name typed in the box is found among the allowed ones
    client = as_user(xa)
    answer = client.post(
        "/reports/start/",
        {"form": half_form.pk, "organization": "mttq muong xen", "period": PERIOD},
    )
    report = Submission.objects.get(form=half_form, organization=world.front_a, period=PERIOD)
    assert answer.status_code == 302 and answer.url == f"/reports/{report.pk}/"
    other = client.post(
        "/reports/start/",
        {"form": half_form.pk, "organization": world.front_b.pk, "period": PERIOD},
    )
    assert other.status_code == 404  # a unit outside one's scope
    assert not Submission.objects.filter(organization=world.front_b).exists()
