"""The meetings API: meetings, agenda, conclusions and the calendar feed (the bridge points are
in test_api_points.py) — who may, who is refused, and that a refusal saves nothing."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from danvan.accounts.models import User
from danvan.meetings import services
from danvan.meetings.models import (
    AgendaItem,
    BridgePoint,
    Conclusion,
    ConclusionStatus,
    Format,
    Kind,
    Meeting,
    Status,
)
from tests.conftest import World
from tests.org.test_api import bearer

from .conftest import at

pytestmark = pytest.mark.django_db
API = "/api/v1/meetings"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def snapshot(point: BridgePoint) -> tuple[Any, ...]:
    point.refresh_from_db()
    return (point.place, point.chair, point.expected, point.attending, point.confirmed_at)


@pytest.fixture
def payload(world: World) -> dict[str, Any]:
    return {
        "host_id": world.commission.pk,
        "kind": "final_review",
        "title": "Hội nghị trực tuyến tổng kết công tác dân vận năm",
        "starts_at": at(10, 8).isoformat(),
        "ends_at": at(10, 11, 30).isoformat(),
        "format": "online",
        "place": "Hội trường Tỉnh ủy",
        "video_url": "https://meet.example.vn/tong-ket",
        "period": "2026",
        "host_expected": 100,
        "host_chair": "Trưởng Ban Dân vận Tỉnh ủy",
    }


@pytest.fixture
def past(world: World, tinh: User) -> Meeting:
    """A working session of the commission held yesterday."""
    return services.meeting_create(
        actor=tinh, host=world.commission, kind=Kind.WORKING_SESSION,
        title="Làm việc với Ủy ban MTTQ tỉnh", starts_at=at(-1, 14), ends_at=at(-1, 16),
    )  # fmt: skip


def front_point(review: Meeting, world: World) -> BridgePoint:
    return review.points.get(organization=world.front_a)


# --- Meetings -------------------------------------------------------------------------------


def test_tinh_schedules_a_meeting_that_others_do_not_see(
    world: World, tinh: User, xa: User, outsider: User, payload: dict[str, Any]
) -> None:
    created = post(bearer(tinh), API, payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["host"] == {"id": world.commission.pk, "name": world.commission.name}
    assert (body["kind"], body["format"], body["status"]) == ("final_review", "online", "scheduled")
    assert datetime.datetime.fromisoformat(body["starts_at"]) == at(10, 8)
    assert body["url"] == f"/meetings/{body['id']}/" and body["ics_url"].endswith(".ics")
    assert body["agenda_items"] == [] and body["conclusions"] == 0 and body["may_manage"] is True
    host_line = body["totals"]["levels"]
    assert [(t["level"], t["points"], t["expected"], t["rate"]) for t in host_line] == [
        ("province", 1, 100, None)
    ]
    url = f"{API}/{body['id']}"
    assert bearer(tinh).get(url).json()["title"] == payload["title"]
    assert bearer(tinh).get(f"{url}/history").json()[0]["who"] == str(tinh)

    # Not invited, outside the scope, no such meeting, not signed in.
    assert bearer(xa).get(url).status_code == 404
    assert bearer(outsider).get(url).status_code == 404
    assert bearer(tinh).get(f"{API}/{body['id'] + 1000}").status_code == 404
    assert bearer(outsider).get(API).json()["count"] == 0
    assert bearer(xa).get(API).json()["count"] == 0
    assert Client().get(url).status_code == 401
    assert post(Client(), API, payload).status_code == 401


def test_a_time_without_an_offset_is_vietnam_time(tinh: User, payload: dict[str, Any]) -> None:
    naive = {**payload, "starts_at": "2030-03-05T08:00:00", "ends_at": "2030-03-05T10:00"}
    created = post(bearer(tinh), API, naive)
    assert created.status_code == 201, created.content
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime(2030, 3, 5, 1, 0, tzinfo=datetime.UTC)
    offset = {**payload, "starts_at": "2030-03-06T08:00:00Z", "ends_at": "2030-03-06T09:00:00Z"}
    assert post(bearer(tinh), API, offset).status_code == 201
    assert Meeting.objects.latest("pk").starts_at.hour == 8  # UTC, as written


def test_the_list_filters_and_its_queries_do_not_grow(
    world: World, tinh: User, review: Meeting, past: Meeting, django_assert_max_num_queries: Any
) -> None:
    client = bearer(tinh)

    def ids(query: str) -> list[int]:
        answer = client.get(f"{API}?{query}")
        assert answer.status_code == 200, answer.content
        return [m["id"] for m in answer.json()["items"]]

    assert ids("") == [review.pk, past.pk]
    assert ids("when=upcoming") == [review.pk]
    assert ids("when=past") == [past.pk]
    assert ids("kind=working_session") == [past.pk]
    assert ids("status=held") == []
    assert ids(f"host_id={world.commission.pk}") == [review.pk, past.pk]
    assert ids(f"year={timezone.localtime(past.starts_at).year}") and ids("year=1990") == []
    assert ids("q=MTTQ") == [past.pk]
    assert client.get(f"{API}?kind=party").status_code == 422
    assert client.get(f"{API}?host_id={world.front_a.pk + 1000}").status_code == 404

    with django_assert_max_num_queries(12) as few:
        assert client.get(API).json()["count"] == 2
    for day in range(3, 9):
        services.meeting_create(
            actor=tinh, host=world.party_a, kind=Kind.WORKING_SESSION, title=f"Giao ban {day}",
            starts_at=at(day, 8), ends_at=at(day, 9),
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(API).json()["count"] == 8


def test_the_host_changes_the_meeting_with_a_reason_and_others_are_refused(
    world: World, tinh: User, xa: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    url = f"{API}/{review.pk}"
    moved = patch(bearer(tinh), url, {"starts_at": at(7, 7, 30).isoformat(), "reason": "Họp sớm"})
    assert moved.status_code == 200, moved.content
    review.refresh_from_db()
    assert review.starts_at == at(7, 7, 30) and review.sequence == 1
    assert bearer(tinh).get(f"{url}/history").json()[0]["reason"] == "Họp sớm"

    # xa sees it through its point, but only the host's officers change it.
    assert bearer(xa).get(url).json()["may_manage"] is False
    refused = patch(bearer(xa), url, {"title": "Đã sửa"})
    assert refused.status_code == 403
    assert patch(bearer(tinh), url, {"title": None}).status_code == 422
    assert patch(bearer(tinh), url, {"program_id": None}).status_code == 200
    review.refresh_from_db()
    assert review.title != "Đã sửa" and review.title


def test_cancelling_keeps_the_meeting_with_its_reason(
    tinh: User, xa: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    url = f"{API}/{review.pk}"
    assert post(bearer(xa), f"{url}/cancel", {"reason": "Bận"}).status_code == 403
    assert post(bearer(tinh), f"{url}/cancel", {"reason": " "}).status_code == 400
    review.refresh_from_db()
    assert review.status == Status.SCHEDULED
    cancelled = post(bearer(tinh), f"{url}/cancel", {"reason": "Trùng lịch họp Tỉnh ủy"})
    assert cancelled.status_code == 200, cancelled.content
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == (
        "cancelled",
        "Trùng lịch họp Tỉnh ủy",
    )
    entry = bearer(tinh).get(f"{url}/history").json()[0]
    assert (entry["verb"], entry["reason"]) == ("cancelled", "Trùng lịch họp Tỉnh ủy")
    assert patch(bearer(tinh), url, {"title": "Khác"}).status_code == 409
    assert post(bearer(tinh), f"{url}/cancel", {"reason": "Lần nữa"}).status_code == 409


def test_minutes_wait_for_the_meeting_and_take_a_file(
    tinh: User, xa: User, review: Meeting, past: Meeting, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    early = post(bearer(tinh), f"{API}/{review.pk}/minutes", {"minutes": "Biên bản"})
    assert early.status_code == 409
    url = f"{API}/{past.pk}/minutes"
    assert post(bearer(tinh), url, {"minutes": " "}).status_code == 400
    held = post(bearer(tinh), url, {"minutes": "Biên bản buổi làm việc", "chair_conclusion": "Tốt"})
    assert held.status_code == 200, held.content
    assert (held.json()["status"], held.json()["minutes_file_url"]) == ("held", None)
    assert bearer(tinh).get(f"{url}/file").status_code == 404

    upload = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 bien ban", "application/pdf")
    sent = bearer(tinh).post(f"{url}/file", {"file": upload})
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert body["minutes"] == "Biên bản buổi làm việc" and body["chair_conclusion"] == "Tốt"
    download = bearer(tinh).get(body["minutes_file_url"])
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF")
    assert bearer(xa).get(body["minutes_file_url"]).status_code == 404


# --- Refusals that save nothing ---------------------------------------------------------------


def test_an_end_before_the_start_is_refused(tinh: User, payload: dict[str, Any]) -> None:
    backwards = {**payload, "ends_at": at(10, 7).isoformat()}
    refused = post(english(bearer(tinh)), API, backwards)
    assert refused.status_code == 400
    assert "end after it starts" in refused.json()["errors"]["ends_at"][0]
    bad_link = post(bearer(tinh), API, {**payload, "video_url": "meet example"})
    assert bad_link.status_code == 400 and "video_url" in bad_link.json()["errors"]
    unknown = post(bearer(tinh), API, {**payload, "document_ids": [999_999]})
    assert unknown.status_code == 400 and "document_ids" in unknown.json()["errors"]
    crowd = post(bearer(tinh), API, {**payload, "host_expected": -1})
    assert crowd.status_code == 400 and list(crowd.json()["errors"]) == ["host_expected"]
    assert not Meeting.objects.exists() and not BridgePoint.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        ("9999-12-31T20:00:00", "9999-12-31T23:00:00"),  # local time past datetime's range
        ("0001-01-01T00:00:00", "0001-01-01T03:00:00"),
        ("2101-01-05T08:00:00+07:00", "2101-01-05T11:00:00+07:00"),
    ],
)
def test_a_time_outside_the_known_years_is_refused(
    tinh: User, payload: dict[str, Any], starts_at: str, ends_at: str
) -> None:
    body = {**payload, "starts_at": starts_at, "ends_at": ends_at}
    refused = post(english(bearer(tinh)), API, body)
    assert refused.status_code == 400, refused.content  # the service's rule, as for the pages
    assert set(refused.json()["errors"]) == {"starts_at", "ends_at"}
    assert "between 1900 and 2100" in refused.json()["errors"]["starts_at"][0]
    odd = post(english(bearer(tinh)), API, {**payload, "starts_at": "2026-12-20T08:00:00+25:00"})
    assert odd.status_code == 422
    assert odd.json()["errors"]["starts_at"] == [
        "Enter a date and time as YYYY-MM-DDTHH:MM:SS+07:00."
    ]
    assert not Meeting.objects.exists()


def test_the_service_refuses_a_time_outside_the_known_years(
    world: World, tinh: User, payload: dict[str, Any]
) -> None:
    """The pages' form reaches the service without the API's schema: it refuses too."""
    far = timezone.make_aware(datetime.datetime(2150, 1, 5, 8))
    with pytest.raises(ValidationError) as refused:
        services.meeting_create(
            actor=tinh, host=world.commission, kind="thematic", title="Hội nghị",
            starts_at=far, ends_at=far + datetime.timedelta(hours=3), format="in_person",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"starts_at", "ends_at"}


def test_a_reporter_may_not_host_for_the_commission(
    world: World, xa: User, payload: dict[str, Any]
) -> None:
    assert post(bearer(xa), API, payload).status_code == 400  # the commission: not in xa's scope
    own = {**payload, "host_id": world.front_a.pk}
    assert post(bearer(xa), API, own).status_code == 201
    assert list(Meeting.objects.values_list("host", flat=True)) == [world.front_a.pk]


def test_a_point_outside_the_hosts_reach_is_refused(
    world: World, tinh: User, payload: dict[str, Any]
) -> None:
    commune = post(bearer(tinh), API, {**payload, "host_id": world.party_a.pk}).json()
    url = f"{API}/{commune['id']}/bridge-points"
    refused = post(english(bearer(tinh)), url, {"organization_id": world.front_b.pk})
    assert refused.status_code == 400
    assert "outside the reach" in refused.json()["errors"]["organization_id"][0]
    assert BridgePoint.objects.filter(meeting_id=commune["id"]).count() == 1  # the host's
    guest = post(bearer(tinh), url, {"organization_id": world.front_b.pk, "guest": True})
    assert guest.status_code == 201 and guest.json()["is_guest"] is True
    again = post(bearer(tinh), url, {"organization_id": world.front_b.pk, "guest": True})
    assert again.status_code == 400


def test_more_attending_than_expected_needs_a_note(
    world: World, xa: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    point = front_point(review, world)
    before = snapshot(point)
    url = f"{API}/{review.pk}/bridge-points/{point.pk}/confirm"
    refused = post(bearer(xa), url, {"attending": 35, "place": "Hội trường khác"})
    assert refused.status_code == 400 and "attendance_note" in refused.json()["errors"]
    assert snapshot(point) == before
    noted = post(bearer(xa), url, {"attending": 35, "attendance_note": "Thêm trưởng các thôn"})
    assert noted.status_code == 200 and noted.json()["attending"] == 35


def test_an_agenda_item_outside_the_meetings_time_is_refused(tinh: User, review: Meeting) -> None:
    url = f"{API}/{review.pk}/agenda-items"
    refused = post(bearer(tinh), url, {"starts_at": at(7, 13).isoformat(), "title": "Chiều"})
    assert refused.status_code == 400 and "starts_at" in refused.json()["errors"]
    assert not AgendaItem.objects.exists()


# --- The agenda -----------------------------------------------------------------------------


def test_the_host_keeps_the_agenda(tinh: User, xa: User, review: Meeting, fronts: Any) -> None:
    url = f"{API}/{review.pk}/agenda-items"
    added = post(
        bearer(tinh),
        url,
        {
            "starts_at": at(7, 8, 30).isoformat(),
            "title": "Báo cáo sơ kết",
            "presenter": "Phó Trưởng Ban",
        },
    )
    assert added.status_code == 201, added.content
    item = added.json()
    assert (item["title"], item["removed"], item["attachment_url"]) == (
        "Báo cáo sơ kết",
        False,
        None,
    )
    item_url = f"{url}/{item['id']}"
    assert (
        post(bearer(xa), url, {"starts_at": at(7, 9).isoformat(), "title": "X"}).status_code == 403
    )
    assert patch(bearer(xa), item_url, {"title": "Khác"}).status_code == 403

    outside = patch(bearer(tinh), item_url, {"starts_at": at(7, 12).isoformat()})
    assert outside.status_code == 400
    changed = patch(bearer(tinh), item_url, {"starts_at": at(7, 9).isoformat()})
    assert changed.status_code == 200
    assert changed.json()["title"] == "Báo cáo sơ kết"  # left out, kept
    assert datetime.datetime.fromisoformat(changed.json()["starts_at"]) == at(7, 9)
    detail = bearer(xa).get(f"{API}/{review.pk}").json()
    assert [i["id"] for i in detail["agenda_items"]] == [item["id"]]

    removed = post(bearer(tinh), f"{item_url}/remove", {})
    assert removed.status_code == 200 and removed.json()["removed"] is True
    assert bearer(tinh).get(url).json() == []
    assert patch(bearer(tinh), item_url, {"title": "Lại"}).status_code == 409
    assert bearer(tinh).get(f"{item_url}/history").json()[0]["verb"] == "removed"
    assert bearer(tinh).get(f"{url}/{item['id'] + 1000}/history").status_code == 404


def test_the_host_sends_an_agenda_items_file(
    tinh: User, xa: User, review: Meeting, fronts: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = f"{API}/{review.pk}/agenda-items"
    item = post(bearer(tinh), url, {"starts_at": at(7, 8, 30).isoformat(), "title": "Tham luận"})
    file_url = f"{url}/{item.json()['id']}/file"

    def pdf() -> SimpleUploadedFile:
        return SimpleUploadedFile("tham-luan.pdf", b"%PDF-1.4 tham luan", "application/pdf")

    assert bearer(xa).post(file_url, {"file": pdf()}).status_code == 403  # a bridge point's
    fake = SimpleUploadedFile("tham-luan.exe", b"MZ\x90\x00", "application/octet-stream")
    assert bearer(tinh).post(file_url, {"file": fake}).status_code == 400
    assert bearer(tinh).get(file_url).status_code == 404  # none yet
    sent = bearer(tinh).post(file_url, {"file": pdf()})
    assert sent.status_code == 200, sent.content
    assert sent.json()["attachment_url"] == file_url and sent.json()["title"] == "Tham luận"
    download = bearer(xa).get(file_url)  # whoever sees the meeting reads it
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF")
    history = bearer(tinh).get(f"{file_url.removesuffix('/file')}/history").json()
    assert [h["verb"] for h in history] == ["", ""]  # added, then its file: an edit
    post(bearer(tinh), f"{url}/{item.json()['id']}/remove", {})
    assert bearer(tinh).post(file_url, {"file": pdf()}).status_code == 409


# --- Conclusions ------------------------------------------------------------------------------


def test_a_conclusion_is_a_task_the_assigned_unit_reports_done(
    world: World, tinh: User, xa: User, xa2: User, review: Meeting, fronts: list[BridgePoint]
) -> None:
    url = f"{API}/{review.pk}/conclusions"
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    task = {"text": "Tổ chức đối thoại về giải phóng mặt bằng", "organization_id": world.front_a.pk}
    assert post(bearer(xa), url, {**task, "due_on": due}).status_code == 403
    early = post(bearer(tinh), url, {**task, "due_on": timezone.localdate().isoformat()})
    assert early.status_code == 400 and "due_on" in early.json()["errors"]
    assert not Conclusion.objects.exists()
    added = post(bearer(tinh), url, {**task, "due_on": due})
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["status"], body["organization"]["id"], body["overdue"]) == (
        "open",
        world.front_a.pk,
        False,
    )
    assert bearer(tinh).get(f"{API}/{review.pk}").json()["conclusions"] == 1
    one = f"{url}/{body['id']}"

    assert post(bearer(xa2), f"{one}/done", {"result": "Xong"}).status_code == 403
    assert post(bearer(xa), f"{one}/done", {"result": " "}).status_code == 400
    before = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()  # before it was given
    early_done = post(bearer(xa), f"{one}/done", {"result": "Xong", "done_on": before})
    assert early_done.status_code == 400 and list(early_done.json()["errors"]) == ["done_on"]
    assert Conclusion.objects.get().status == ConclusionStatus.OPEN
    done = post(bearer(xa), f"{one}/done", {"result": "Đã tổ chức ngày 10/12"})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["done_on"]) == (
        "done",
        timezone.localdate().isoformat(),
    )
    assert post(bearer(xa), f"{one}/done", {"result": "Lần nữa"}).status_code == 409
    assert bearer(xa).get(f"{API}/{review.pk}").json()["open_conclusions"] == 0

    assert post(bearer(xa), f"{one}/reopen", {"reason": "Chưa đạt"}).status_code == 403
    reopened = post(bearer(tinh), f"{one}/reopen", {"reason": "Chưa đủ hồ sơ"})
    assert (reopened.json()["status"], reopened.json()["done_on"]) == ("open", None)
    dropped = post(bearer(tinh), f"{one}/cancel", {"reason": "Không còn cần"})
    assert dropped.json()["status"] == "cancelled"
    history = bearer(xa).get(f"{one}/history").json()
    assert [(h["verb"], h["reason"]) for h in history[:3]] == [
        ("cancelled", "Không còn cần"), ("reopened", "Chưa đủ hồ sơ"), ("done", "")
    ]  # fmt: skip
    assert [c["id"] for c in bearer(xa).get(url).json()] == [body["id"]]


# --- The calendar feed ------------------------------------------------------------------------


def test_the_feed_holds_the_users_meetings_only(
    world: World, tinh: User, xa: User, outsider: User, review: Meeting, fronts: Any, past: Meeting
) -> None:
    own = services.meeting_create(
        actor=tinh, host=world.party_b, kind=Kind.ONLINE, title="Giao ban xã Mỹ Lý",
        starts_at=at(3, 8), ends_at=at(3, 9), format=Format.ONLINE,
    )  # fmt: skip
    answer = bearer(xa).get(f"{API}.ics")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(answer.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [review.title]
    assert events[0].decoded("dtstart") == review.starts_at

    everything = Calendar.from_ical(bearer(tinh).get(f"{API}.ics").content).walk("VEVENT")
    assert {str(e["summary"]) for e in everything} == {review.title, past.title, own.title}
    assert Calendar.from_ical(bearer(outsider).get(f"{API}.ics").content).walk("VEVENT") == []
    assert Client().get(f"{API}.ics").status_code == 401


def test_the_openapi_documents_every_meetings_operation(tinh: User) -> None:
    answer = bearer(tinh).get("/api/v1/openapi.json")
    assert answer.status_code == 200
    paths = answer.json()["paths"]
    feed = paths["/api/v1/meetings.ics"]["get"]["responses"]["200"]["content"]
    assert list(feed) == ["text/calendar"]
    assert set(paths["/api/v1/meetings/{meeting_id}/bridge-points/{point_id}"]) == {"get", "patch"}
    for action in ("confirm", "check", "withdraw"):
        assert (
            "post" in paths[f"/api/v1/meetings/{{meeting_id}}/bridge-points/{{point_id}}/{action}"]
        )
    for action in ("done", "reopen", "cancel"):
        assert (
            "post"
            in paths[f"/api/v1/meetings/{{meeting_id}}/conclusions/{{conclusion_id}}/{action}"]
        )
