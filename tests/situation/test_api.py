"""The situation API: notes, follow-ups, alerts, counts and forecasts — who may, who is refused."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.org.models import Role
from danvan.situation import services
from danvan.situation.models import Alert, FollowUp, Level, Note, NoteStatus, Topic
from tests.conftest import World
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1"
# The API judges dates against the real day; the notes it files are dated a few days before.
TODAY = timezone.localdate()
EVENT = TODAY - datetime.timedelta(days=3)


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.patch(url, json.dumps(data), content_type="application/json")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def month(day: datetime.date) -> str:
    return f"{day.year}{day.month:02d}"


@pytest.fixture
def payload(world: World) -> dict[str, Any]:
    return {
        "organization": world.front_a.pk,
        "area": world.commune_a.pk,
        "topic": "land-clearance",
        "event_date": EVENT.isoformat(),
        "summary": "Bà con thôn 3 chưa đồng thuận mức bồi thường giải phóng mặt bằng",
        "details": "Hội nghị đối thoại tại nhà văn hóa thôn",
        "people_concerned": 40,
        "level": "watch",
        "source": "meeting",
    }


@pytest.fixture
def note(xa: User, file_note: Callable[..., Note]) -> Note:
    """A note xa filed, dated a few days before the real day."""
    return file_note(xa, event_date=EVENT, today=TODAY)


@pytest.fixture
def hot_spot(xa: User, lanhdao: User, file_note: Callable[..., Note]) -> Alert:
    """A hot spot xa filed, and the alert it raised for the commission."""
    made = file_note(
        xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT, summary="Tập trung đông người"
    )
    return Alert.objects.get(note=made)


# --- Topics -------------------------------------------------------------------------------


def test_topics_list_groups_and_their_topics(world: World, xa: User) -> None:
    Topic.objects.filter(code="land-disputes").update(is_active=False)
    topics = {t["code"]: t for t in bearer(xa).get(f"{API}/situation-topics").json()}
    assert topics["land"]["parent"] is None and topics["land-clearance"]["parent"] == "land"
    assert topics["land-clearance"]["name_en"] == "Site clearance"
    assert topics["land-disputes"]["active"] is False and topics["land"]["active"] is True
    assert Client().get(f"{API}/situation-topics").status_code == 401


# --- Notes --------------------------------------------------------------------------------


def test_xa_files_a_note_that_xa2_cannot_reach(
    world: World, xa: User, xa2: User, tinh: User, outsider: User, payload: dict[str, Any]
) -> None:
    created = post(bearer(xa), f"{API}/situation-notes", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["topic"], body["group"], body["status"]) == ("land-clearance", "land", "following")
    assert body["commune_id"] == world.commune_a.pk and body["people_concerned"] == 40
    assert body["follow_ups"] == [] and body["alert_ids"] == []  # «to watch» raises no alert
    url = f"{API}/situation-notes/{body['id']}"

    other = bearer(xa2)
    assert other.get(url).status_code == 404
    assert patch(other, url, {"summary": "Đã sửa"}).status_code == 404
    assert other.get(f"{url}/follow-ups").status_code == 404
    follow = {"happened_on": TODAY.isoformat(), "text": "Đã đối thoại"}
    assert post(other, f"{url}/follow-ups", follow).status_code == 404
    assert post(other, f"{url}/resolve", {"resolved_on": TODAY.isoformat()}).status_code == 404
    assert other.get(f"{url}/history").status_code == 404
    made = Note.objects.get()
    assert (made.summary, made.status) == (payload["summary"], NoteStatus.FOLLOWING)
    assert not FollowUp.objects.exists()

    assert bearer(outsider).get(f"{API}/situation-notes").json()["count"] == 0
    assert bearer(xa2).get(f"{API}/situation-notes").json()["count"] == 0
    assert Client().get(f"{API}/situation-notes").status_code == 401
    assert Client().get(url).status_code == 401
    listed = bearer(tinh).get(f"{API}/situation-notes").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert bearer(tinh).get(url).json()["summary"] == payload["summary"]


def test_the_note_list_filters(
    world: World, xa: User, tinh: User, file_note: Callable[..., Note], note: Note
) -> None:
    other = file_note(
        None,
        organization=world.front_b,
        area=world.commune_b,
        topic=Topic.objects.get(code="health"),
        event_date=EVENT,
        today=TODAY,
        summary="Trạm y tế thiếu thuốc",
        level=Level.WATCH,
    )
    client = bearer(tinh)

    def ids(**query: Any) -> set[int]:
        response = client.get(f"{API}/situation-notes", query)
        assert response.status_code == 200, response.content
        return {n["id"] for n in response.json()["items"]}

    assert ids() == {note.pk, other.pk}
    assert ids(area=world.commune_a.pk) == {note.pk}
    assert ids(area=world.province.pk) == {note.pk, other.pk}
    assert ids(topic="land") == {note.pk}  # a group includes its topics
    assert ids(topic="land-clearance") == {note.pk}
    assert ids(topic=str(Topic.objects.get(code="health").pk)) == {other.pk}
    assert ids(level="watch") == {other.pk}
    assert ids(status="following") == {note.pk, other.pk} and ids(status="resolved") == set()
    assert ids(period=month(EVENT)) == {note.pk, other.pk}
    assert ids(period=str(EVENT.year - 1)) == set()
    assert ids(organization=world.front_b.pk) == {other.pk}
    assert ids(q="tram y te thieu thuoc") == {other.pk}  # without diacritics
    assert ids(q="ĐỒNG THUẬN") == {note.pk}

    bad = english(client).get(f"{API}/situation-notes", {"period": "2026X9"})
    assert bad.status_code == 400 and "2026X9" in bad.json()["errors"]["period"][0]
    unknown = client.get(f"{API}/situation-notes", {"topic": "no-such-topic"})
    assert unknown.status_code == 400 and "topic" in unknown.json()["errors"]
    assert client.get(f"{API}/situation-notes", {"level": "urgent"}).status_code == 422
    # xa sees only commune A: commune B's area is outside the scope, like a missing one.
    assert bearer(xa).get(f"{API}/situation-notes", {"area": world.commune_b.pk}).status_code == 404
    # and so is commune B's Front, named as the unit filter: 404 too, not a field to correct.
    unit = bearer(xa).get(f"{API}/situation-notes", {"organization": world.front_b.pk})
    assert unit.status_code == 404


def test_the_list_does_not_grow_its_queries(
    xa: User, tinh: User, file_note: Callable[..., Note], django_assert_max_num_queries: Any
) -> None:
    for _ in range(2):
        file_note(xa, event_date=EVENT, today=TODAY)
    client = bearer(tinh)
    client.get(f"{API}/situation-notes")
    with django_assert_max_num_queries(12) as few:
        assert client.get(f"{API}/situation-notes").json()["count"] == 2
    for _ in range(10):
        file_note(xa, event_date=EVENT, today=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}/situation-notes").json()["count"] == 12


def test_a_text_naming_a_person_is_refused_until_confirmed(
    xa: User, payload: dict[str, Any]
) -> None:
    named = {**payload, "summary": "Hộ ông Nguyễn Văn Bình không chịu bàn giao mặt bằng"}
    refused = post(english(bearer(xa)), f"{API}/situation-notes", named)
    assert refused.status_code == 400
    assert "Nguyễn Văn Bình" in refused.json()["errors"]["summary"][0]
    assert "public offices and places" in refused.json()["errors"]["summary"][0]
    assert not Note.objects.exists()
    confirmed = post(bearer(xa), f"{API}/situation-notes", {**named, "confirm_no_person": True})
    assert confirmed.status_code == 201, confirmed.content
    url = f"{API}/situation-notes/{confirmed.json()['id']}/follow-ups"
    follow = {"happened_on": TODAY.isoformat(), "text": "Gọi số 0912 345 678 để hẹn"}
    refused = post(bearer(xa), url, follow)
    assert refused.status_code == 400 and "text" in refused.json()["errors"]
    assert post(bearer(xa), url, {**follow, "confirm_no_person": True}).status_code == 201


def test_bad_notes_are_refused_naming_the_field(
    world: World, xa: User, payload: dict[str, Any]
) -> None:
    client = english(bearer(xa))
    future = post(client, f"{API}/situation-notes", {**payload, "event_date": str(TODAY.replace(year=TODAY.year + 1))})  # fmt: skip
    assert future.status_code == 400
    assert "future" in future.json()["errors"]["event_date"][0]
    Topic.objects.filter(code="land-disputes").update(is_active=False)
    retired = post(client, f"{API}/situation-notes", {**payload, "topic": "land-disputes"})
    assert retired.status_code == 400 and "retired" in retired.json()["errors"]["topic"][0]
    unknown = post(client, f"{API}/situation-notes", {**payload, "topic": "nope"})
    assert unknown.status_code == 400 and "topic" in unknown.json()["errors"]
    theirs = post(client, f"{API}/situation-notes", {**payload, "organization": world.front_b.pk})
    assert theirs.status_code == 400 and "organization" in theirs.json()["errors"]
    elsewhere = post(client, f"{API}/situation-notes", {**payload, "area": world.commune_b.pk})
    assert elsewhere.status_code == 400 and "area" in elsewhere.json()["errors"]
    district = post(client, f"{API}/situation-notes", {**payload, "area": world.province.pk})
    assert district.status_code == 400 and "area" in district.json()["errors"]  # not in scope
    level = post(client, f"{API}/situation-notes", {**payload, "level": "urgent"})
    assert level.status_code == 400 and "level" in level.json()["errors"]
    links = post(client, f"{API}/situation-notes", {**payload, "programs": [999999]})
    assert links.status_code == 400 and "programs" in links.json()["errors"]
    long = post(client, f"{API}/situation-notes", {**payload, "summary": "x" * 301})
    assert long.status_code == 422
    assert not Note.objects.exists()


def test_a_viewer_may_not_file_a_note(world: World, payload: dict[str, Any]) -> None:
    viewer = member(world.commission, Role.VIEWER)
    refused = post(bearer(viewer), f"{API}/situation-notes", payload)
    assert refused.status_code == 403
    assert not Note.objects.exists()


def test_patch_follow_ups_resolve_reopen_and_history(
    world: World, xa: User, tinh: User, note: Note
) -> None:
    client = bearer(xa)
    url = f"{API}/situation-notes/{note.pk}"
    changed = patch(
        client,
        url,
        {"summary": "Bà con thôn 3 đề nghị xem lại đơn giá", "people_concerned": None,
         "reason": "Sai đơn giá"},
    )  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["summary"] == "Bà con thôn 3 đề nghị xem lại đơn giá"
    assert changed.json()["people_concerned"] is None
    assert patch(client, url, {"summary": None}).status_code == 422  # null keeps nothing
    assert patch(client, url, {"topic": "health"}).json()["group"] == "health"
    named = patch(client, url, {"details": "Bà Lò Thị Mai phản ánh"})
    assert named.status_code == 400 and "details" in named.json()["errors"]
    assert Note.objects.get().details == ""
    assert patch(client, url, {"details": "Bà Lò Thị Mai phản ánh",
                               "confirm_no_person": True}).status_code == 200  # fmt: skip
    # The reason goes into the history everyone who sees the note reads: checked the same way.
    told = patch(client, url, {"summary": "Đường sạt lở", "reason": "Theo ông Nguyễn Văn Hùng"})
    assert told.status_code == 400 and list(told.json()["errors"]) == ["reason"]
    assert Note.objects.get().summary != "Đường sạt lở"

    follow = post(client, f"{url}/follow-ups", {"happened_on": TODAY.isoformat(),
                                                "text": "Đã đối thoại lần 2", "level": "normal"})  # fmt: skip
    assert follow.status_code == 201 and follow.json()["note_id"] == note.pk
    early = post(client, f"{url}/follow-ups", {"happened_on": "2025-08-01", "text": "x"})
    assert early.status_code == 400 and "happened_on" in early.json()["errors"]
    listed = client.get(f"{url}/follow-ups").json()
    assert [f["text"] for f in listed] == ["Đã đối thoại lần 2"]
    assert client.get(url).json()["follow_ups"][0]["author"] == str(xa)

    assert post(client, f"{url}/reopen", {"reason": "x"}).status_code == 409
    resolved = post(client, f"{url}/resolve", {"resolved_on": TODAY.isoformat(),
                                               "actions": "Đã điều chỉnh đơn giá"})  # fmt: skip
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert post(client, f"{url}/resolve", {"resolved_on": TODAY.isoformat()}).status_code == 409
    named = post(client, f"{url}/reopen", {"reason": "SĐT 0912345678 báo sạt lở tiếp"})
    assert named.status_code == 400 and list(named.json()["errors"]) == ["reason"]
    assert Note.objects.get().status == "resolved"
    reopened = post(client, f"{url}/reopen", {"reason": "Bà con tiếp tục kiến nghị"})
    assert reopened.status_code == 200 and reopened.json()["resolved_on"] is None

    history = english(bearer(tinh)).get(f"{url}/history").json()
    verbs = [h["verb"] for h in history]
    assert verbs[:2] == ["reopened", "resolved"]
    assert "Sai đơn giá" in [h["reason"] for h in history]


def test_the_detail_shows_attachments_and_links(
    world: World, xa: User, xa2: User, note: Note, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%hop\n", content_type="application/pdf")
    services.attachment_add(actor=xa, note=note, upload=pdf)
    detail = bearer(xa).get(f"{API}/situation-notes/{note.pk}").json()
    (attached,) = detail["attachments"]
    assert attached["name"] == "bien-ban.pdf"
    assert attached["url"] == f"{API}/situation-attachments/{attached['id']}"
    assert detail["program_ids"] == [] and detail["document_ids"] == []
    download = bearer(xa).get(attached["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert bearer(xa2).get(attached["url"]).status_code == 404


# --- Alerts -------------------------------------------------------------------------------


def test_a_hot_spot_raises_an_alert_the_commission_handles(
    world: World,
    xa: User,
    tinh: User,
    lanhdao: User,
    payload: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = post(bearer(xa), f"{API}/situation-notes", {**payload, "level": "hot_spot"})
    assert created.status_code == 201
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [lanhdao.email]
    alert = Alert.objects.get()
    assert created.json()["alert_ids"] == []  # the commission's alert: not xa's to see

    reader = english(bearer(tinh))
    listed = reader.get(f"{API}/situation-alerts", {"status": "live"}).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["id"], item["kind"], item["status"]) == (alert.pk, "hot_spot", "open")
    assert item["note_id"] == created.json()["id"] and item["topic"] == "land"
    assert item["period"] == month(EVENT) and item["explanation"]["level"] == "hot_spot"
    assert "Xã Mường Xén" in item["text"] and "hot spot" in item["text"]
    assert reader.get(f"{API}/situation-alerts", {"status": "closed"}).json()["count"] == 0
    assert reader.get(f"{API}/situation-alerts", {"topic": "land-clearance"}).json()["count"] == 1
    assert reader.get(f"{API}/situation-alerts", {"topic": "health"}).json()["count"] == 0
    assert reader.get(f"{API}/situation-alerts", {"area": world.commune_b.pk}).json()["count"] == 0
    assert reader.get(f"{API}/situation-notes/{alert.note_id}").json()["alert_ids"] == [alert.pk]
    assert reader.get(f"{API}/situation-alerts/{alert.pk}").json()["text"] == item["text"]


def test_alert_refusals_and_the_handling(
    world: World, xa: User, tinh: User, lanhdao: User, hot_spot: Alert
) -> None:
    url = f"{API}/situation-alerts/{hot_spot.pk}"
    # xa filed the note but is outside the commission: the alert is not in xa's scope.
    assert bearer(xa).get(url).status_code == 404
    assert post(bearer(xa), f"{url}/acknowledge", {}).status_code == 404
    assert bearer(xa).get(f"{API}/situation-alerts").json()["count"] == 0
    reporter = member(world.commission, Role.REPORTER)
    assert bearer(reporter).get(url).status_code == 200  # sees it, may not handle it
    assert post(bearer(reporter), f"{url}/acknowledge", {}).status_code == 403
    assert post(bearer(reporter), f"{url}/close", {"outcome": "x"}).status_code == 403
    hot_spot.refresh_from_db()
    assert hot_spot.status == "open" and hot_spot.acknowledged_by is None
    assert Client().get(url).status_code == 401

    client = bearer(tinh)
    wrong = post(client, f"{url}/acknowledge", {"assigned_to": reporter.pk})
    assert wrong.status_code == 400 and "assigned_to" in wrong.json()["errors"]
    nobody = post(client, f"{url}/acknowledge", {"assigned_to": 0})  # not «nobody»: no such user
    assert nobody.status_code == 400 and "assigned_to" in nobody.json()["errors"]
    acknowledged = post(client, f"{url}/acknowledge", {"comment": "Đã nắm"})
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    assert post(client, f"{url}/acknowledge", {}).status_code == 409
    assigned = post(client, f"{url}/assign", {"assigned_to": lanhdao.pk, "comment": "Đồng chí"})
    assert assigned.status_code == 200 and assigned.json()["assigned_to"] == lanhdao.pk
    assert assigned.json()["assigned_to_name"] == str(lanhdao)
    nobody = post(client, f"{url}/assign", {"assigned_to": 999999})
    assert nobody.status_code == 400 and "assigned_to" in nobody.json()["errors"]
    empty = post(client, f"{url}/close", {"outcome": " "})
    assert empty.status_code == 400 and "outcome" in empty.json()["errors"]
    closed = post(client, f"{url}/close", {"outcome": "Đã đối thoại, bà con đồng thuận"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["outcome"] == "Đã đối thoại, bà con đồng thuận"
    assert post(client, f"{url}/close", {"outcome": "lại"}).status_code == 409
    assert post(client, f"{url}/assign", {"assigned_to": tinh.pk}).status_code == 409
    verbs = [h["verb"] for h in client.get(f"{url}/history").json()]
    assert verbs == ["closed", "assigned", "acknowledged", "alert_raised"]
    assert client.get(f"{API}/situation-alerts", {"status": "live"}).json()["count"] == 0
    assert client.get(f"{API}/situation-alerts", {"status": "bad"}).status_code == 422


def test_alert_list_queries_do_not_grow(
    world: World, xa: User, tinh: User, file_note: Callable[..., Note], django_assert_max_num_queries: Any
) -> None:  # fmt: skip
    def hot() -> None:
        file_note(xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT)

    hot()
    client = bearer(tinh)
    client.get(f"{API}/situation-alerts")
    with django_assert_max_num_queries(12) as few:
        assert client.get(f"{API}/situation-alerts").json()["count"] == 1
    for _ in range(6):
        hot()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}/situation-alerts").json()["count"] == 7


# --- Counts and forecasts ------------------------------------------------------------------


def test_counts_by_topic_area_and_month(world: World, tinh: User, xa2: User, note: Note) -> None:
    client = bearer(tinh)
    period = month(EVENT)

    def rows(**query: Any) -> list[dict[str, Any]]:
        response = client.get(f"{API}/situation-counts", {"period": period, **query})
        assert response.status_code == 200, response.content
        return response.json()["rows"]  # type: ignore[no-any-return]

    assert [(r["key"], r["count"]) for r in rows(by="topic")] == [("land", 1)]
    assert [(r["key"], r["count"]) for r in rows(by="area")] == [(world.commune_a.pk, 1)]
    assert [(r["key"], r["count"]) for r in rows(by="month")] == [(period, 1)]
    yearly = rows(by="month", period=str(EVENT.year))
    assert len(yearly) == 12 and sum(r["count"] for r in yearly) == 1
    scoped = client.get(f"{API}/situation-counts", {"scope": world.commune_b.pk, "period": period})
    assert scoped.json()["rows"] == [] and scoped.json()["scope"] == world.commune_b.pk
    whole = client.get(f"{API}/situation-counts", {"period": period}).json()
    assert whole["scope"] == world.province.pk  # tinh's highest unit's area
    assert bearer(xa2).get(f"{API}/situation-counts", {"period": period}).json()["rows"] == []

    assert client.get(f"{API}/situation-counts", {"scope": 999999}).status_code == 404
    assert bearer(xa2).get(f"{API}/situation-counts",
                           {"scope": world.commune_a.pk}).status_code == 404  # fmt: skip
    assert client.get(f"{API}/situation-counts", {"by": "village"}).status_code == 422
    bad = english(client).get(f"{API}/situation-counts", {"period": "2026Q5"})
    assert bad.status_code == 400 and "Q1, Q2, Q3 or Q4" in bad.json()["errors"]["period"][0]


def test_forecasts_say_short_for_a_short_history(
    world: World, tinh: User, outsider: User, file_note: Callable[..., Note]
) -> None:
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    file_note(None, event_date=last_month, today=TODAY)
    client = bearer(tinh)
    found = client.get(f"{API}/situation-forecasts", {"area": world.commune_a.pk}).json()
    assert found["area"] == world.commune_a.pk
    (land,) = found["forecasts"]  # only the groups with notes
    assert land["topic"] == "land" and land["short"] is True and land["needed"] == 24
    assert land["values"] == [] and len(land["next_months"]) == 3
    assert sum(land["history"]) == 1 and len(land["months"]) == len(land["history"])
    health = client.get(f"{API}/situation-forecasts", {"topic": "health"}).json()
    assert health["area"] == world.province.pk
    assert [f["topic"] for f in health["forecasts"]] == ["health"]
    assert health["forecasts"][0]["history"] == []
    unknown = client.get(f"{API}/situation-forecasts", {"topic": "nope"})
    assert unknown.status_code == 400 and "topic" in unknown.json()["errors"]
    assert client.get(f"{API}/situation-forecasts", {"area": 999999}).status_code == 404
    assert bearer(outsider).get(f"{API}/situation-forecasts").json()["forecasts"] == []
    assert Client().get(f"{API}/situation-forecasts").status_code == 401


def test_the_openapi_lists_a_notes_levels_and_sources(tinh: User) -> None:
    schemas = bearer(tinh).get(f"{API}/openapi.json").json()["components"]["schemas"]
    levels, sources = ["normal", "watch", "hot_spot", "complex"], [
        "meeting", "reception", "field_visit", "media", "network"
    ]  # fmt: skip
    for name in ("NoteOut", "NoteIn", "NotePatch"):
        assert schemas[name]["properties"]["level"]["enum"] == levels, name
        assert schemas[name]["properties"]["source"]["enum"] == sources, name
    assert schemas["NoteOut"]["properties"]["status"]["enum"] == ["following", "resolved"]
    assert schemas["FollowUpOut"]["properties"]["level"]["enum"] == levels
