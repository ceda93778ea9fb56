"""Early warning on the database: histories of notes filed over many months, the daily run
(`alerts.compute_alerts`) and the alerts it raises — surges, the spread rule, outliers among
sibling communes — their numbers, their words, and the e-mail to the leaders (once)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from danvan.accounts.models import User
from danvan.org.models import Area
from danvan.situation import alerts, warning
from danvan.situation.models import Alert, AlertKind, AlertStatus, Note, Topic
from tests.conftest import World
from tests.factories import AreaFactory
from tests.situation.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
FileNote = Callable[..., Note]
# TODAY is 3 December 2026: the run judges November (the last whole month) and December.
JUDGED = "202611"


# The thresholds these histories are built for, whatever the defaults are tuned to: the test
# compares the alert's numbers with the statistics on the same thresholds.
THRESHOLDS = {
    "k": 3.0,
    "baseline_months": 12,
    "guard_months": 1,
    "sigma_floor": 1.0,
    "min_count": 3,
    "seasonal_after": 24,
    "historical_k": 3.0,
    "historical_years": 5,
    "outlier_z": 3.5,
    "outlier_min_areas": 5,
    "spread_communes": 3,
}


@pytest.fixture(autouse=True)
def thresholds(settings: Any) -> None:
    settings.DANVAN_WARNING = THRESHOLDS


def months(first: D, last: D) -> list[D]:
    """The first days of the months first..last."""
    found, day = [], first.replace(day=1)
    while day <= last:
        found.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return found


def fill(
    file_note: FileNote, world: World, area: Area, counts: dict[D, int], **fields: Any
) -> None:
    """File `counts[month]` notes on the area in each month (by the system, for the province's
    commission, so an old commune of the old district can be filed on too)."""
    for month, n in counts.items():
        for i in range(n):
            file_note(
                None,
                organization=world.commission,
                area=area,
                event_date=month.replace(day=2 + i % 20),
                **fields,
            )


@pytest.fixture
def ears_history(world: World, file_note: FileNote) -> list[int]:
    """Commune A from July 2025 (17 months): usually 1–3 notes a month on land, 9 in November
    2026. Returns the series by hand, oldest first, November last."""
    series = [2, 2, 2] + [1, 2, 3] * 4 + [2, 9]
    fill(
        file_note,
        world,
        world.commune_a,
        dict(zip(months(D(2025, 7, 1), D(2026, 11, 1)), series, strict=True)),
    )
    return series


@pytest.fixture
def long_history(world: World, old_commune: Area, file_note: FileNote) -> list[int]:
    """Two years and more: the old commune (merged into commune A on 1 July 2025) from October
    2024, commune A after; 9 notes in November 2026. The series by hand, November last."""
    before = [4, 5, 4, 3, 2, 3, 2, 3, 3]  # October 2024 … June 2025, the old commune
    after = [2, 1, 2, 2, 1, 3, 2, 1, 2, 3, 2, 2, 1, 2, 1, 2, 9]  # July 2025 … November 2026
    old_months = months(D(2024, 10, 1), D(2025, 6, 1))
    new_months = months(D(2025, 7, 1), D(2026, 11, 1))
    fill(file_note, world, old_commune, dict(zip(old_months, before, strict=True)))
    fill(file_note, world, world.commune_a, dict(zip(new_months, after, strict=True)))
    return before + after


def land() -> Topic:
    return Topic.objects.get(code="land")


def expected(series: list[int], **extra: Any) -> dict[str, Any]:
    finding = warning.surge(series, warning.Thresholds.from_settings())
    assert finding is not None
    return {**finding.as_dict(), "month": JUDGED, "history": len(series) - 1, **extra}


# --- Surges ---------------------------------------------------------------------------------


def test_a_surge_raises_one_alert_with_the_numbers_of_the_statistics(
    world: World,
    lanhdao: User,
    tinh: User,
    ears_history: list[int],
    english: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        new = alerts.compute_alerts(today=TODAY)
    (alert,) = new
    assert list(Alert.objects.all()) == [alert]
    assert (alert.kind, alert.area, alert.topic, alert.period) == (
        AlertKind.SURGE,
        world.commune_a,
        land(),
        JUDGED,
    )
    assert alert.organization == world.commission == alerts.commission_for(world.commune_a)
    assert (alert.status, alert.raised_on, alert.note) == (AlertStatus.OPEN, TODAY, None)
    assert alert.explanation == expected(ears_history)
    assert alert.explanation["method"] == "ears"
    assert (alert.explanation["observed"], alert.explanation["baseline"]) == (9, 2)
    assert alerts.explain(alert) == (
        "Xã Mường Xén: 9 notes on land, site clearance, compensation and resettlement in "
        "November 2026, usual 2 ± 1 (the 12 months before); the warning level is 5."
    )
    assert [m.to for m in mail.outbox] == [[lanhdao.email]]
    # The e-mail is in the site's language, whatever the language of the run that raised it.
    assert "Xã Mường Xén: 9 ghi nhận về đất đai" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.compute_alerts(today=TODAY) == []  # raised once
        assert alerts.compute_alerts(today=TODAY + datetime.timedelta(days=5)) == []
    assert Alert.objects.count() == 1 and len(mail.outbox) == 1


def test_a_live_alert_keeps_its_numbers_current(
    world: World, ears_history: list[int], file_note: FileNote
) -> None:
    (alert,) = alerts.compute_alerts(today=TODAY)
    fill(file_note, world, world.commune_a, {D(2026, 11, 1): 2})
    assert alerts.compute_alerts(today=TODAY) == []
    alert.refresh_from_db()
    assert alert.explanation == expected([*ears_history[:-1], 11])
    assert alert.explanation["observed"] == 11


def test_the_merged_communes_notes_count_for_its_successor(
    world: World, old_commune: Area, long_history: list[int], english: None
) -> None:
    assert alerts.current_commune_ids(TODAY)[old_commune.pk] == world.commune_a.pk
    (alert,) = alerts.compute_alerts(today=TODAY)
    # Two years of history: the same months of earlier years, October 2024 from the old commune.
    assert alert.explanation == expected(long_history)
    assert alert.explanation["method"] == "historical"
    reference = [long_history[i] for i in (0, 1, 2, 12, 13, 14)]  # Oct–Dec 2024 and 2025
    assert alert.explanation["baseline"] == round(sum(reference) / 6, 2)
    assert alert.area == world.commune_a  # never the old commune
    assert "in the same months of earlier years (6 months)" in alerts.explain(alert)


def test_five_years_of_history_reach_the_historical_limits(
    world: World, old_commune: Area, file_note: FileNote, settings: Any
) -> None:
    # As the defaults are tuned: EARS until five years, then the same months of five years.
    settings.DANVAN_WARNING = {**THRESHOLDS, "seasonal_after": 60, "historical_years": 5}
    old_months = months(D(2021, 10, 1), D(2025, 6, 1))  # 45 months of the old commune
    new_months = months(D(2025, 7, 1), D(2026, 11, 1))  # 17 months of commune A
    before = [1 + (i % 3 == 0) for i in range(len(old_months))]
    after = [1 + (i % 3 == 0) for i in range(len(new_months) - 1)] + [9]
    fill(file_note, world, old_commune, dict(zip(old_months, before, strict=True)))
    fill(file_note, world, world.commune_a, dict(zip(new_months, after, strict=True)))
    series = before + after
    assert len(series) - 1 == 61  # October 2021 … November 2026
    (alert,) = alerts.compute_alerts(today=TODAY)
    assert alert.explanation == expected(series)
    assert (alert.explanation["method"], alert.explanation["reference"]) == ("historical", 15)


def test_a_run_limited_to_an_area(world: World, old_commune: Area, long_history: list[int]) -> None:
    assert alerts.compute_alerts(today=TODAY, area=world.commune_b) == []
    # Limited to commune A, the history of the commune it replaced still counts.
    (alert,) = alerts.compute_alerts(today=TODAY, area=world.commune_a)
    assert alert.explanation == expected(long_history)


def test_no_surge_without_enough_history_or_notes(world: World, file_note: FileNote) -> None:
    fill(file_note, world, world.commune_a, {D(2026, 10, 1): 1, D(2026, 11, 1): 9})
    assert alerts.compute_alerts(today=TODAY) == []  # two months are no baseline


# --- The spread rule ------------------------------------------------------------------------


def test_notes_from_three_communes_in_one_week_raise_one_spread_alert(
    world: World,
    commune_c: Area,
    lanhdao: User,
    file_note: FileNote,
    english: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monday = D(2026, 11, 30)  # the week of TODAY
    file_note(None, area=world.commune_a, event_date=monday)
    file_note(None, organization=world.front_b, area=world.commune_b, event_date=TODAY)
    # The same commune twice, another group, another week: none of them makes a third.
    file_note(None, area=world.commune_a, event_date=TODAY)
    health = Topic.objects.get(code="health")
    file_note(None, organization=world.commission, area=commune_c, topic=health, event_date=TODAY)
    file_note(None, organization=world.commission, area=commune_c, event_date=D(2026, 11, 20))
    assert alerts.compute_alerts(today=TODAY) == []

    disputes = Topic.objects.get(code="land-disputes")  # the same group as site clearance
    file_note(None, organization=world.commission, area=commune_c, topic=disputes,
              event_date=TODAY)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = alerts.compute_alerts(today=TODAY)
    assert (alert.kind, alert.area, alert.topic, alert.organization) == (
        AlertKind.SPREAD,
        world.province,
        land(),
        world.commission,
    )
    assert alert.explanation["communes"] == sorted(["Xã Mường Xén", "Xã Mỹ Lý", "Xã Bắc Lý"])
    assert (alert.explanation["observed"], alert.explanation["threshold"]) == (3, 3)
    assert alert.explanation["week_start"] == "2026-11-30"
    said = alerts.explain(alert)
    assert said.startswith("Nghệ An: notes on land, site clearance") and "3 communes" in said
    assert "30/11/2026–06/12/2026" in said
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.compute_alerts(today=TODAY) == []
    assert len(mail.outbox) == 1


# --- Outliers among sibling communes --------------------------------------------------------


@pytest.fixture
def five_communes(world: World, commune_c: Area) -> list[Area]:
    more: list[Area] = [AreaFactory.create(parent=world.province) for _ in range(2)]
    return [world.commune_a, world.commune_b, commune_c, *more]


def test_a_commune_far_above_its_siblings_is_an_outlier(
    world: World, five_communes: list[Area], file_note: FileNote, english: None
) -> None:
    november = D(2026, 11, 1)
    fill(file_note, world, world.commune_a, {november: 8})
    fill(file_note, world, five_communes[2], {november: 1})
    (alert,) = alerts.compute_alerts(today=TODAY)
    values = {area.pk: 0 for area in five_communes}
    values[world.commune_a.pk], values[five_communes[2].pk] = 8, 1
    finding = warning.outliers(values, warning.Thresholds.from_settings())[world.commune_a.pk]
    assert (alert.kind, alert.area, alert.period) == (AlertKind.OUTLIER, world.commune_a, JUDGED)
    assert alert.explanation == {**finding.as_dict(), "month": JUDGED, "siblings": 5}
    assert "far more than its neighbouring communes" in alerts.explain(alert)
    assert "of 5 communes" in alerts.explain(alert)


def test_four_communes_are_too_few_to_compare(
    world: World, commune_c: Area, file_note: FileNote
) -> None:
    AreaFactory.create(parent=world.province)
    fill(file_note, world, world.commune_a, {D(2026, 11, 1): 8})
    assert alerts.compute_alerts(today=TODAY) == []


def test_a_run_limited_to_a_commune_still_compares_it_with_its_real_siblings(
    world: World, five_communes: list[Area], file_note: FileNote
) -> None:
    november = D(2026, 11, 1)
    fill(file_note, world, world.commune_a, {november: 8})
    fill(file_note, world, world.commune_b, {november: 8})
    # Two communes alike are no outlier, nationally or when the run is limited to one of them.
    assert alerts.compute_alerts(today=TODAY, area=world.commune_a) == []
    assert alerts.compute_alerts(today=TODAY) == []


def test_a_hot_spot_alert_in_words(world: World, file_note: FileNote, english: None) -> None:
    note = file_note(None, level="complex", summary="Bà con tập trung đông tại công trường")
    alert = Alert.objects.get(note=note)
    assert alerts.explain(alert) == (
        "Xã Mường Xén: a new complex incident on land, site clearance, compensation and "
        "resettlement — «Bà con tập trung đông tại công trường» (01/12/2026)."
    )


# --- The daily job --------------------------------------------------------------------------


def test_the_daily_job_is_registered_and_runs_the_early_warning(
    world: World, commune_c: Area, file_note: FileNote
) -> None:
    from django.utils import timezone

    from danvan.lib import reminders
    from danvan.situation import tasks

    assert tasks.compute_alerts in reminders.jobs()
    today = timezone.localdate()  # the job judges the real day
    file_note(None, area=world.commune_a, event_date=today, today=today)
    file_note(None, organization=world.front_b, area=world.commune_b, event_date=today,
              today=today)  # fmt: skip
    file_note(None, organization=world.commission, area=commune_c, event_date=today,
              today=today)  # fmt: skip
    assert tasks.compute_alerts.enqueue().return_value == 1
    assert Alert.objects.get().kind == AlertKind.SPREAD
    assert tasks.compute_alerts.enqueue().return_value == 0
