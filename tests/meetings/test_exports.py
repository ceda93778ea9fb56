"""Meetings in Excel: the list of meetings and a meeting's bridge points open with openpyxl,
hold the rows the reader sees (filters kept), and nothing outside the reader's scope."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from danvan.accounts.models import User
from danvan.meetings import services, services_points
from danvan.meetings.exports import MEETING_HEADERS, POINT_HEADERS
from danvan.meetings.models import BridgePoint, CheckResult, Kind, Meeting
from tests.conftest import World

from .conftest import at

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_list_of_meetings_in_excel(
    world: World, tinh: User, xa: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    services_points.point_confirm(
        actor=xa, point=BridgePoint.objects.get(meeting=review, organization=world.front_a),
        attending=28,
    )  # fmt: skip
    session = services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION, title="Làm việc với xã",
        starts_at=at(2, 14), ends_at=at(2, 16),
    )  # fmt: skip
    rows = _rows(as_user(tinh).get("/meetings/", {"format": "xlsx"}))
    assert rows[0] == MEETING_HEADERS
    by_title = {r[3]: r for r in rows[1:]}
    assert set(by_title) == {review.title, session.title}
    online = by_title[review.title]
    assert online[4] == world.commission.name and online[8] == "6 tháng cuối năm 2026"
    assert (online[9], online[10]) == (3, 1)  # points, confirmed
    assert online[0].strftime("%H:%M") == "08:00"  # the local wall-clock time
    assert by_title[session.title][9] is None  # in person: no points
    only = _rows(as_user(tinh).get("/meetings/", {"format": "xlsx", "kind": "working_session"}))
    assert [r[3] for r in only[1:]] == [session.title]
    # xa sees the review (his front is a point), not the commission's working session.
    assert [r[3] for r in _rows(as_user(xa).get("/meetings/?format=xlsx"))[1:]] == [review.title]


def test_the_bridge_points_in_excel(
    world: World, tinh: User, xa: User, outsider: User, review: Meeting, fronts: Any, as_user: Any
) -> None:
    point = BridgePoint.objects.get(meeting=review, organization=world.front_a)
    point = services_points.point_confirm(
        actor=xa, point=point, attending=33, attendance_note="Thêm đại biểu thôn bản"
    )
    services_points.point_check(actor=xa, point=point, result="good")
    url = f"/meetings/{review.pk}/points/"
    rows = _rows(as_user(tinh).get(url, {"format": "xlsx"}))
    assert rows[0] == POINT_HEADERS
    assert [r[0] for r in rows[1:]] == [
        world.commission.name, world.front_a.name, world.front_b.name,
    ]  # fmt: skip
    host, front_a, front_b = rows[1:]
    assert (host[2], host[5], host[4]) == ("Điểm cầu chính", 120, "Trưởng Ban Dân vận Tỉnh ủy")
    assert front_a[1] == "Cấp xã" and front_a[5:8] == [30, 33, "Thêm đại biểu thôn bản"]
    with translation.override("vi"):
        good = str(CheckResult.GOOD.label)
    assert front_a[10] == good and front_a[8] is not None
    assert front_b[6] is None and front_b[8] is None  # not confirmed yet
    confirmed = _rows(as_user(tinh).get(url, {"format": "xlsx", "state": "confirmed"}))
    assert [r[0] for r in confirmed[1:]] == [world.front_a.name]
    assert as_user(outsider).get(url, {"format": "xlsx"}).status_code == 404
