"""The situation demo tells its story: three years of notes with the seasons, two hot spots,
border matters, this month's surge in Mường Xén caught by the warning, schematic maps, and the
monthly report that fills its figures from the notes. The whole demo is loaded once."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.lib.figures import sources
from danvan.org.models import Area, AreaLevel, Organization
from danvan.reporting import rollups
from danvan.reporting import selectors as reporting_selectors
from danvan.reporting import services as reporting_services
from danvan.reporting.models import Form, Indicator, Submission, SubmissionStatus
from danvan.situation import alerts, demo, demo_world, privacy, selectors
from danvan.situation.models import (
    SERIOUS_LEVELS,
    Alert,
    AlertKind,
    AlertStatus,
    AreaMap,
    Note,
    NoteStatus,
    Topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def today(django_db_setup: None, django_db_blocker) -> Iterator[datetime.date]:  # type: ignore[no-untyped-def]
    """The whole demo, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=io.StringIO())
        yield timezone.localdate()
        transaction.set_rollback(True)


def _month(day: datetime.date) -> periods.Period:
    return periods.from_date(day, periods.PeriodType.MONTH)


def _muong_xen() -> Area:
    return Area.objects.get(code="16813", level=AreaLevel.COMMUNE, valid_to__isnull=True)


def test_three_years_of_notes_with_the_seasons(today: datetime.date) -> None:
    notes = list(Note.objects.select_related("area", "organization__area", "topic__parent"))
    assert 600 <= len(notes) <= 1500
    months = {(n.event_date.year, n.event_date.month) for n in notes}
    assert len(months) >= 30
    assert min(n.event_date for n in notes) <= today - datetime.timedelta(days=30 * 30)
    assert max(n.event_date for n in notes) <= today

    def per_month(code: str, season: set[int]) -> tuple[float, float]:
        found = Counter(n.event_date.month for n in notes if n.topic.group.code == code
                        or n.topic.code == code)  # fmt: skip
        inside = sum(found[m] for m in season) / len(season)
        outside = sum(found[m] for m in set(range(1, 13)) - season) / (12 - len(season))
        return inside, outside

    autumn, rest = per_month("disaster", {9, 10, 11})
    assert autumn > 3 * rest, (autumn, rest)
    tet, rest = per_month("livelihood-prices", {12, 1, 2})
    assert tet > 2 * rest, (tet, rest)

    for note in notes:
        # The area of that time, filed by a unit whose area contains it.
        area = note.area
        assert area.valid_from is None or area.valid_from <= note.event_date, note.pk
        assert area.valid_to is None or note.event_date <= area.valid_to, note.pk
        assert area.path.startswith(note.organization.area.path), note.pk
        assert privacy.find_personal_data(f"{note.summary} {note.details} {note.actions}") == []
    before = [n for n in notes if n.event_date < demo_world.REFORM_DAY]
    assert before and all(n.area.valid_to == datetime.date(2025, 6, 30) for n in before)
    # The warning counts a merged commune's notes for the commune that replaced it.
    mapping = alerts.current_commune_ids(today)
    ta_ca = Area.objects.get(name="Xã Tà Cạ")
    assert mapping[ta_ca.pk] == _muong_xen().pk
    assert any(n.area_id == ta_ca.pk for n in before)


def test_border_notes_in_the_border_communes(today: datetime.date) -> None:
    border = Note.objects.filter(topic__code="border").select_related("area", "organization")
    assert border.count() >= 30
    assert all(note.area.is_border or note.area.level == "village" for note in border)
    filers = {note.organization.name for note in border}
    assert {"Đồn Biên phòng Mỹ Lý", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Nghệ An"} <= filers
    bienphong = User.objects.get(email="bienphong@demo.danvan.vn")
    assert border.filter(created_by=bienphong).exists()


def test_two_hot_spots_one_resolved_one_followed(today: datetime.date) -> None:
    serious = list(Note.objects.filter(level__in=SERIOUS_LEVELS).select_related("topic__parent"))
    resolved = [n for n in Note.objects.filter(status=NoteStatus.RESOLVED) if n.follow_ups.exists()]
    assert len(resolved) == 1
    calmed = resolved[0]
    assert calmed.resolved_on is not None and calmed.resolved_on <= today
    assert "rọ đá" in calmed.actions
    levels = [f.level for f in calmed.follow_ups.order_by("happened_on")]
    assert levels[-1] == "normal" and len(levels) >= 3  # it calmed down step by step
    calmed_alerts = list(Alert.objects.filter(note=calmed))
    assert calmed_alerts and all(
        a.status == AlertStatus.CLOSED and a.outcome for a in calmed_alerts
    )

    assert len(serious) == 1  # the one still followed
    followed = serious[0]
    assert followed.status == NoteStatus.FOLLOWING
    assert followed.area == _muong_xen() and followed.topic.group.code == "land"
    assert followed.follow_ups.count() >= 3
    *grew, handled = Alert.objects.filter(note=followed).order_by("pk")
    assert [a.explanation["level"] for a in [*grew, handled]] == ["hot_spot", "complex"]
    assert all(a.status == AlertStatus.CLOSED for a in grew)
    lanhdao = User.objects.get(email="lanhdao@demo.danvan.vn")
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    assert handled.status == AlertStatus.ACKNOWLEDGED
    assert (handled.acknowledged_by, handled.assigned_to) == (lanhdao, tinh)


def test_the_surge_this_month_in_muong_xen_is_caught(today: datetime.date) -> None:
    land = Topic.objects.get(code="land")
    commune = _muong_xen()
    month = _month(today)
    alert = Alert.objects.get(
        area=commune, topic=land, period=month.code, kind__in=[AlertKind.SURGE, AlertKind.BUILD_UP]
    )
    e = alert.explanation
    assert e["observed"] >= 9 and e["observed"] > e["threshold"]
    assert e["baseline"] <= 2.5  # against a usual one or two a month
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    assert alert in selectors.alerts_for_user(tinh, status="live")
    sentence = alerts.explain(alert)
    assert "Xã Mường Xén" in sentence and str(int(e["observed"])) in sentence

    counts = alerts.counts(Note.objects.all(), last=alerts.month_index(today))
    series = counts.of(commune.pk, land.pk)
    assert series[-1] == e["observed"]
    assert sorted(series[:-4])[len(series[:-4]) // 2] <= 2  # the usual: a median of one or two
    # Older alerts were closed with what was done; nothing older than two months is left open.
    assert Alert.objects.filter(status=AlertStatus.CLOSED).exclude(outcome="").exists()
    assert not Alert.objects.live().filter(raised_on__lt=today - datetime.timedelta(days=60))


def test_schematic_maps(today: datetime.date) -> None:
    maps = list(AreaMap.objects.select_related("area"))
    shapes = [m for m in maps if m.boundary]
    assert len(shapes) >= 10 and len(maps) - len(shapes) >= 3
    for found in shapes:
        ring = (found.boundary or {})["coordinates"][0]
        assert ring[0] == ring[-1]
        lon, lat = ring[0]
        assert 103.5 < lon < 106 and 18.5 < lat < 20  # in Nghệ An
    assert "SCHEMATIC" in (demo.__doc__ or "")


def test_the_monthly_form_derives_its_figures(today: datetime.date) -> None:
    form = Form.objects.get(code=demo.MONTHLY)
    assert form.name == "Báo cáo tình hình nhân dân" and form.periodicity == "month"
    layout = reporting_selectors.form_layout(form)
    keys = {i.derived_key for i in layout.indicators if i.source == "derived"}
    situation = {s.key for s in sources() if s.group == "situation"}
    assert keys == situation and len(keys) == 19
    assert [s.title for s in layout.narratives] == [vi for vi, _en in demo.NARRATIVES]
    last = _month(today).previous()
    assert form.deadline(last) > last.end  # due after the month
    # The two months before last are approved and rolled up; last month's are arriving.
    approved = Submission.objects.filter(form=form, status=SubmissionStatus.APPROVED)
    assert {s.period for s in approved} == {last.previous().code, last.previous().previous().code}
    assert Submission.objects.filter(form=form, period=last.code, status="submitted").exists()
    # The province's figure (the pivot's) is live: every note of the month, counted once.
    earlier = last.previous()
    commission = Organization.objects.get(depth=1)
    in_month = Note.objects.filter(event_date__gte=earlier.start, event_date__lte=earlier.end)
    indicator = Indicator.objects.get(code="SIT_NOTES")
    assert rollups.figure(indicator, commission, earlier) == in_month.count() > 20


def test_xa_opens_last_months_report_and_finds_the_notes_counted(
    today: datetime.date, as_user
) -> None:  # type: ignore[no-untyped-def]
    xa = User.objects.get(email="xa@demo.danvan.vn")
    front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    form = Form.objects.get(code=demo.MONTHLY)
    last = _month(today).previous()
    assert not Submission.objects.filter(form=form, organization=front, period=last.code)
    client: Client = as_user(xa)
    home = client.get("/reports/").content.decode()
    assert f'id="start-{form.pk}-{front.pk}-{last.code}"' in home
    response = client.post(
        "/reports/start/", {"form": form.pk, "organization": front.pk, "period": last.code}
    )
    submission = Submission.objects.get(form=form, organization=front, period=last.code)
    assert response.status_code == 302
    page = client.get(f"/reports/{submission.pk}/").content.decode()
    notes = Note.objects.filter(
        organization__path__startswith=front.path,
        event_date__gte=last.start,
        event_date__lte=last.end,
    )
    shown = re.search(r'id="v_SIT_NOTES"[^>]*>([^<]*)<', page)
    assert shown is not None and int(shown.group(1)) == notes.count() > 0
    values = reporting_selectors.report_values(submission, reporting_selectors.form_layout(form))
    assert values["SIT_NOTES"] == notes.count()
    assert values["SIT_TOPIC_LAND"] == notes.filter(topic__parent__code="land").count() > 0
    assert values["SIT_OPEN"] == 1  # the incident still followed
    # Nothing to type: the report can be sent as it is.
    reporting_services.submission_submit(actor=xa, submission=submission)


def test_reset_removes_it_and_load_tells_the_same_story(today: datetime.date) -> None:
    def story() -> list[tuple[str, str, str, str]]:
        return list(
            Note.objects.order_by(
                "event_date", "summary", "organization__name", "area__code"
            ).values_list("event_date", "area__code", "summary", "organization__name")
        )

    before = story()
    six_month = Form.objects.exclude(code=demo.MONTHLY).count()
    demo.reset()
    assert not Note.objects.exists() and not Alert.objects.exists()
    assert not AreaMap.objects.exists() and not Form.objects.filter(code=demo.MONTHLY).exists()
    assert Form.objects.count() == six_month  # the other forms stay
    demo.load(io.StringIO())
    assert story() == before
