"""The situation pages: the board, notes, alerts, an area and its map — who may, who is refused."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.org.models import AreaLevel, Role
from danvan.situation.models import Alert, AreaMap, Attachment, FollowUp, Level, Note
from tests.conftest import World
from tests.factories import AreaFactory, DocumentFactory, OrganizationFactory, member

pytestmark = pytest.mark.django_db
# The pages judge dates against the real day; the notes they file are dated a few days before.
TODAY = timezone.localdate()
EVENT = TODAY - datetime.timedelta(days=3)
NAMED = "Hộ ông Nguyễn Văn Tám không đồng ý mức bồi thường"


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def month(day: datetime.date) -> str:
    return f"{day.year}{day.month:02d}"


@pytest.fixture
def form(world: World, land: Any) -> dict[str, Any]:
    return {
        "organization": world.front_a.pk,
        "area": world.commune_a.pk,
        "topic": land.pk,
        "event_date": EVENT.isoformat(),
        "summary": "Bà con thôn 3 chưa đồng thuận mức bồi thường giải phóng mặt bằng",
        "details": "Hội nghị đối thoại tại nhà văn hóa thôn",
        "people_concerned": "40",
        "level": "watch",
        "source": "meeting",
    }


@pytest.fixture
def note(xa: User, file_note: Callable[..., Note]) -> Note:
    return file_note(xa, event_date=EVENT, today=TODAY)


@pytest.fixture
def hot_spot(xa: User, lanhdao: User, file_note: Callable[..., Note]) -> Alert:
    made = file_note(
        xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT, summary="Tập trung đông người"
    )
    return Alert.objects.get(note=made)


# --- Notes --------------------------------------------------------------------------------


def test_xa_files_a_note_that_others_cannot_reach(
    world: World, xa: User, xa2: User, outsider: User, as_user: Any, form: dict[str, Any]
) -> None:
    page = as_user(xa).get("/situation/notes/new/")
    assert page.status_code == 200 and 'name="confirm_no_person"' in page.text
    assert 'type="checkbox" name="confirm_no_person"' not in page.text  # not offered yet
    response = as_user(xa).post("/situation/notes/new/", form)
    made = Note.objects.get()
    assert response.status_code == 302 and response.url == f"/situation/notes/{made.pk}/"
    assert (made.organization, made.area, made.level, made.people_concerned) == (
        world.front_a, world.commune_a, "watch", 40,
    )  # fmt: skip
    assert made.created_by == xa
    detail = as_user(xa).get(f"/situation/notes/{made.pk}/")
    assert detail.status_code == 200 and form["summary"] in detail.text
    assert f"/situation/notes/{made.pk}/edit/" in detail.text

    for url in (f"/situation/notes/{made.pk}/", f"/situation/notes/{made.pk}/edit/"):
        assert as_user(xa2).get(url).status_code == 404
        assert as_user(outsider).get(url).status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert as_user(xa2).post(f"/situation/notes/{made.pk}/edit/", form).status_code == 404
    assert form["summary"] not in as_user(xa2).get("/situation/notes/").text
    assert as_user(outsider).get("/situation/notes/new/").status_code == 403
    assert as_user(outsider).post("/situation/notes/new/", form).status_code == 403
    # xa2 may file for commune B's Front only: commune A's Front is not a choice.
    refused = as_user(xa2).post("/situation/notes/new/", form)
    assert refused.status_code == 200 and Note.objects.count() == 1


def test_a_text_naming_a_person_is_refused_then_confirmed(
    xa: User, as_user: Any, form: dict[str, Any]
) -> None:
    client = english(as_user(xa))
    refused = client.post("/situation/notes/new/", {**form, "summary": NAMED})
    assert refused.status_code == 200 and not Note.objects.exists()
    assert "seems to identify a private person" in refused.text
    assert 'type="checkbox" name="confirm_no_person"' in refused.text
    assert "The text names only public offices and places" in refused.text
    confirmed = client.post(
        "/situation/notes/new/", {**form, "summary": NAMED, "confirm_no_person": "on"}
    )
    assert confirmed.status_code == 302 and Note.objects.get().summary == NAMED


def test_a_bad_date_is_shown_on_its_field(xa: User, as_user: Any, form: dict[str, Any]) -> None:
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    page = english(as_user(xa)).post("/situation/notes/new/", {**form, "event_date": tomorrow})
    assert page.status_code == 200 and not Note.objects.exists()
    assert 'id="id_event_date_error"' in page.text and "cannot be in the future" in page.text


def test_tinh_edits_with_a_reason_and_only_the_change_is_kept(
    world: World, note: Note, tinh: User, as_user: Any, form: dict[str, Any]
) -> None:
    client = as_user(tinh)
    data = {**form, "summary": note.summary, "level": "normal", "people_concerned": ""}
    data["details"] = note.details
    unchanged = client.post(f"/situation/notes/{note.pk}/edit/", data)
    assert unchanged.status_code == 302
    assert note.history.count() == 1  # nothing changed, nothing written
    changed = client.post(
        f"/situation/notes/{note.pk}/edit/",
        {**data, "people_concerned": "120", "reason": "Số liệu của UBND xã"},
    )
    assert changed.status_code == 302
    note.refresh_from_db()
    assert note.people_concerned == 120
    assert note.history.first().history_change_reason == "Số liệu của UBND xã"  # type: ignore[union-attr]
    assert "Số liệu của UBND xã" in client.get(f"/situation/notes/{note.pk}/").text


def test_follow_up_to_hot_spot_raises_an_alert_resolve_and_reopen(
    note: Note, xa: User, tinh: User, lanhdao: User, as_user: Any
) -> None:
    client = as_user(xa)
    url = f"/situation/notes/{note.pk}/follow-ups/"
    named = client.post(url, {"happened_on": TODAY.isoformat(), "text": NAMED, "level": "watch"})
    assert named.status_code == 200 and not FollowUp.objects.exists()
    assert 'type="checkbox" name="confirm_no_person"' in named.text
    response = client.post(
        url,
        {"happened_on": TODAY.isoformat(), "text": "Bà con tập trung đông", "level": "hot_spot"},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.level == "hot_spot" and FollowUp.objects.get().text == "Bà con tập trung đông"
    alert = Alert.objects.get(note=note)
    assert alert.kind == "hot_spot" and alert.status == "open"
    assert (
        f"/situation/alerts/{alert.pk}/" in as_user(tinh).get(f"/situation/notes/{note.pk}/").text
    )
    assert f"/situation/alerts/{alert.pk}/" not in client.get(f"/situation/notes/{note.pk}/").text

    early = client.post(
        f"/situation/notes/{note.pk}/resolve/",
        {"resolved_on": (note.event_date - datetime.timedelta(days=1)).isoformat()},
    )
    assert early.status_code == 200 and 'id="id_resolved_on_error"' in early.text
    resolved = client.post(
        f"/situation/notes/{note.pk}/resolve/",
        {"resolved_on": TODAY.isoformat(), "actions": "Đối thoại, giải thích chính sách"},
    )
    assert resolved.status_code == 302
    note.refresh_from_db()
    assert note.status == "resolved" and "Đối thoại" in note.actions
    blank = client.post(f"/situation/notes/{note.pk}/reopen/", {"reason": ""})
    assert blank.status_code == 200 and Note.objects.get().status == "resolved"
    named = client.post(f"/situation/notes/{note.pk}/reopen/", {"reason": NAMED})
    assert named.status_code == 200 and Note.objects.get().status == "resolved"
    assert 'type="checkbox" name="confirm_no_person"' in named.text  # offered once refused
    client.post(f"/situation/notes/{note.pk}/reopen/", {"reason": "Bà con lại khiếu nại"})
    note.refresh_from_db()
    assert note.status == "following" and note.resolved_on is None
    history = client.get(f"/situation/notes/{note.pk}/").text
    assert "Bà con lại khiếu nại" in history


def test_a_page_left_open_says_the_note_was_resolved_or_reopened_meanwhile(
    note: Note, xa: User, as_user: Any
) -> None:
    """Two tabs: the note resolved in one, the other posts «resolve» (with or without a day) or,
    after a reopening, «reopen»; the form is no longer on the page, so the word is above it."""
    stale, current = english(as_user(xa)), as_user(xa)
    current.post(f"/situation/notes/{note.pk}/resolve/", {"resolved_on": TODAY.isoformat()})
    for body in ({"resolved_on": ""}, {"resolved_on": TODAY.isoformat()}):
        again = stale.post(f"/situation/notes/{note.pk}/resolve/", body, follow=True)
        assert again.redirect_chain == [(f"/situation/notes/{note.pk}/", 302)]
        assert "This note is already resolved." in again.text
    current.post(f"/situation/notes/{note.pk}/reopen/", {"reason": "Bà con lại khiếu nại"})
    twice = stale.post(f"/situation/notes/{note.pk}/reopen/", {"reason": ""}, follow=True)
    assert "Only a resolved note can be reopened." in twice.text
    assert Note.objects.get().status == "following" and note.history.count() == 3  # type: ignore[attr-defined]


def test_attachments_upload_download_remove(note: Note, xa: User, xa2: User, as_user: Any) -> None:
    client = as_user(xa)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    assert (
        client.post(f"/situation/notes/{note.pk}/attachments/", {"upload": pdf}).status_code == 302
    )
    found = Attachment.objects.get()
    download = client.get(f"/situation/attachments/{found.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert as_user(xa2).get(f"/situation/attachments/{found.pk}/").status_code == 404
    assert as_user(xa2).post(f"/situation/attachments/{found.pk}/remove/").status_code == 404
    assert client.get(f"/situation/attachments/{found.pk}/remove/").status_code == 405
    assert client.post(f"/situation/attachments/{found.pk}/remove/").status_code == 302
    found.refresh_from_db()
    assert found.removed_at is not None  # kept, taken off the note
    assert client.get(f"/situation/attachments/{found.pk}/").status_code == 404
    assert "bien-ban.pdf" not in client.get(f"/situation/notes/{note.pk}/").text


def test_a_viewer_sees_the_note_but_has_no_forms(world: World, note: Note, as_user: Any) -> None:
    viewer = member(world.front_a, Role.VIEWER)
    client = as_user(viewer)
    page = client.get(f"/situation/notes/{note.pk}/")
    assert page.status_code == 200 and "follow-up-form" not in page.text
    assert client.get(f"/situation/notes/{note.pk}/edit/").status_code == 403
    response = client.post(
        f"/situation/notes/{note.pk}/follow-ups/",
        {"happened_on": TODAY.isoformat(), "text": "x", "level": "complex"},
    )
    assert response.status_code == 403 and not FollowUp.objects.exists()


def test_the_list_filters_and_keeps_its_queries(
    world: World,
    xa: User,
    xa2: User,
    tinh: User,
    as_user: Any,
    file_note: Callable[..., Note],
    django_assert_max_num_queries: Any,
) -> None:
    water = file_note(xa, event_date=EVENT, today=TODAY, summary="Nước thải trại lợn gây ô nhiễm")
    other = file_note(
        xa2, organization=world.front_b, area=world.commune_b, event_date=EVENT, today=TODAY,
        level=Level.WATCH, summary="Giá phân bón tăng",
    )  # fmt: skip
    document: Document = DocumentFactory.create()
    water.documents.add(document)
    client = as_user(tinh)

    def summaries(**query: Any) -> list[str]:
        page = client.get("/situation/notes/", query)
        assert page.status_code == 200
        return [n.summary for n in page.context["page"]]

    assert len(summaries()) == 2
    assert summaries(q="nuoc thai") == [water.summary]  # no diacritics needed
    assert summaries(area=world.commune_b.pk, level="watch") == [other.summary]
    assert summaries(area=world.commune_a.pk, level="watch") == []
    assert summaries(document=document.pk) == [water.summary]
    assert summaries(period=month(EVENT), org=world.front_b.pk) == [other.summary]
    assert summaries(status="resolved") == []
    assert client.get("/situation/notes/", {"area": 99999999}).status_code == 404
    bad = client.get("/situation/notes/", {"period": "2026Q7"})
    assert bad.status_code == 200 and len(bad.context["page"]) == 2 and bad.context["period_error"]
    assert as_user(xa2).get("/situation/notes/", {"area": world.commune_a.pk}).status_code == 404

    with django_assert_max_num_queries(30) as few:
        client.get("/situation/notes/")
    for _ in range(8):
        file_note(xa, event_date=EVENT, today=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/situation/notes/").context["page"]) == 10


# --- Alerts -------------------------------------------------------------------------------


def test_tinh_handles_an_alert_through_the_pages(
    world: World, hot_spot: Alert, tinh: User, lanhdao: User, as_user: Any
) -> None:
    client = english(as_user(tinh))
    url = f"/situation/alerts/{hot_spot.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Xã Mường Xén: a new hot spot on" in page.text and "Tập trung đông người" in page.text
    assert 'id="acknowledge-form"' in page.text and 'id="alert-numbers"' in page.text
    assert lanhdao.full_name in page.text  # offered as an assignee
    listed = client.get("/situation/alerts/")
    assert "Xã Mường Xén: a new hot spot" in listed.text

    assert client.post(f"{url}acknowledge/", {"comment": "Đã nắm"}).status_code == 302
    hot_spot.refresh_from_db()
    assert hot_spot.status == "acknowledged" and hot_spot.acknowledged_by == tinh
    outsider_pick = client.post(f"{url}assign/", {"assigned_to": 999999})
    assert (
        outsider_pick.status_code == 200 and 'id="assign_assigned_to_error"' in outsider_pick.text
    )
    assert client.post(f"{url}assign/", {"assigned_to": lanhdao.pk}).status_code == 302
    hot_spot.refresh_from_db()
    assert hot_spot.assigned_to == lanhdao
    empty = client.post(f"{url}close/", {"outcome": ""})
    assert empty.status_code == 200 and Alert.objects.get().status == "acknowledged"
    assert client.post(f"{url}close/", {"outcome": "Đã đối thoại"}).status_code == 302
    hot_spot.refresh_from_db()
    assert (hot_spot.status, hot_spot.outcome) == ("closed", "Đã đối thoại")
    closed = client.get(url)
    assert 'id="close-form"' not in closed.text and "Đã đối thoại" in closed.text
    assert "Xã Mường Xén" not in client.get("/situation/alerts/").text  # live only
    assert "Xã Mường Xén" in client.get("/situation/alerts/", {"status": "closed"}).text


def test_alert_refusals(world: World, hot_spot: Alert, xa: User, as_user: Any) -> None:
    url = f"/situation/alerts/{hot_spot.pk}/"
    # xa filed the note but is outside the commission: the alert is not in xa's scope.
    assert as_user(xa).get(url).status_code == 404
    assert as_user(xa).post(f"{url}acknowledge/", {}).status_code == 404
    reporter = member(world.commission, Role.REPORTER)
    page = as_user(reporter).get(url)
    assert page.status_code == 200 and 'id="acknowledge-form"' not in page.text
    assert as_user(reporter).post(f"{url}acknowledge/", {}).status_code == 403
    assert as_user(reporter).post(f"{url}close/", {"outcome": "x"}).status_code == 403
    hot_spot.refresh_from_db()
    assert hot_spot.status == "open" and hot_spot.acknowledged_by is None
    assert Client().get(url).status_code == 302


# --- The board and an area --------------------------------------------------------------


def test_the_board_shows_counts_and_the_alert_sentence(
    world: World, hot_spot: Alert, note: Note, tinh: User, xa2: User, as_user: Any
) -> None:
    client = english(as_user(tinh))
    page = client.get("/situation/", {"period": month(EVENT)})
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert (row.key, row.total) == (world.commune_a.pk, 2)
    assert "Xã Mường Xén: a new hot spot on" in page.text
    assert f"/situation/areas/{world.commune_a.pk}/" in page.text
    assert "Tập trung đông người" in page.text  # the open hot spot
    assert "<polyline" in page.text
    assert "No area in this table has a map yet" in page.text
    drilled = client.get("/situation/", {"area": world.commune_a.pk, "period": month(EVENT)})
    assert drilled.status_code == 200 and f"?area={world.province.pk}" in drilled.text
    # The notes filed on the commune itself (it has no villages) make the table's first row.
    (own,) = drilled.context["rows"]
    assert (own.label, own.total, own.trend) == ("Xã Mường Xén as a whole", 2, [])
    assert drilled.context["grand_total"] == 2
    assert client.get("/situation/", {"period": "nonsense"}).status_code == 200
    other = as_user(xa2).get("/situation/", {"period": month(EVENT)})
    assert other.context["rows"] == [] and "Tập trung" not in other.text
    assert as_user(xa2).get("/situation/", {"area": world.commune_a.pk}).status_code == 404
    assert Client().get("/situation/").status_code == 302


def test_a_commune_board_has_its_villages_and_its_own_notes(
    world: World, xa: User, as_user: Any, file_note: Callable[..., Note]
) -> None:
    village = AreaFactory(parent=world.commune_a, name="Bản Huồi Khe", level=AreaLevel.VILLAGE)
    file_note(xa, event_date=EVENT, today=TODAY)
    file_note(xa, area=village, event_date=EVENT, today=TODAY)
    file_note(xa, area=village, event_date=EVENT, today=TODAY)
    page = as_user(xa).get("/situation/", {"period": month(EVENT)})  # xa's board: commune A
    assert page.context["scope"] == world.commune_a
    rows = [(row.key, row.total, row.drill) for row in page.context["rows"]]
    assert rows == [(world.commune_a.pk, 1, False), (village.pk, 2, False)]
    assert page.context["grand_total"] == 3 and "Bản Huồi Khe" in page.text


def test_the_board_draws_a_map_where_an_area_has_one(
    world: World, note: Note, tinh: User, as_user: Any
) -> None:
    AreaMap.objects.create(area=world.commune_a, latitude=19.4, longitude=104.1)
    page = as_user(tinh).get("/situation/", {"period": month(EVENT)})
    assert 'id="situation-map-data"' in page.text
    assert page.context["map_data"]["points"][0]["value"] == [104.1, 19.4, 1]


def test_the_board_queries_do_not_grow_with_the_notes(
    world: World,
    xa: User,
    tinh: User,
    as_user: Any,
    file_note: Callable[..., Note],
    django_assert_max_num_queries: Any,
) -> None:
    file_note(xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT)
    client = as_user(tinh)
    period = {"period": month(EVENT)}
    with django_assert_max_num_queries(40) as few:
        client.get("/situation/", period)
    for _ in range(6):
        file_note(xa, event_date=EVENT, today=TODAY, level=Level.HOT_SPOT)
        file_note(xa, event_date=EVENT - datetime.timedelta(days=40), today=TODAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/situation/", period)
    assert page.context["grand_total"] == 7 and page.context["hot_spot_count"] == 7


def test_the_area_page_says_when_history_is_short(
    world: World, xa: User, tinh: User, outsider: User, as_user: Any, file_note: Callable[..., Note]
) -> None:
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    file_note(xa, event_date=last_month, today=TODAY)
    page = english(as_user(tinh)).get(f"/situation/areas/{world.commune_a.pk}/")
    assert page.status_code == 200
    assert "History is too short to forecast: 1 months, 24 needed." in page.text
    (chart,) = page.context["chart_data"]
    assert chart["code"] == "land" and chart["short"] is True and chart["history"] == [1]
    assert 'id="situation-charts-data"' in page.text
    assert 'id="edit-map"' not in page.text  # a specialist does not keep the maps
    viet = as_user(tinh).get(f"/situation/areas/{world.commune_a.pk}/")
    assert "24" in viet.text and viet.context["charts"]
    assert as_user(outsider).get(f"/situation/areas/{world.commune_a.pk}/").status_code == 404


def test_the_area_page_forecasts_a_long_history(
    world: World, tinh: User, as_user: Any, file_note: Callable[..., Note]
) -> None:
    old = AreaFactory(parent=world.province, name="Xã Tà Cạ", valid_from=None)
    front = OrganizationFactory(parent=world.commission, area=old)
    first = TODAY.replace(day=1)
    for back in range(1, 27):
        day = first
        for _ in range(back):
            day = (day - datetime.timedelta(days=1)).replace(day=1)
        for _ in range(1 + back % 3):
            file_note(
                None, organization=front, area=old, event_date=day.replace(day=10), today=TODAY
            )
    page = english(as_user(tinh)).get(f"/situation/areas/{old.pk}/")
    (chart,) = page.context["chart_data"]
    assert chart["short"] is False and len(chart["values"]) == 3
    assert len(chart["history"]) == 24 and chart["history_months"] == 26
    assert "too short" not in page.text and "Likely range" in page.text


# --- Maps ---------------------------------------------------------------------------------


def _square(side: float = 0.05, points: int = 5) -> dict[str, Any]:
    ring = [[104.1, 19.4], [104.1 + side, 19.4], [104.1 + side, 19.4 + side], [104.1, 19.4 + side]]
    ring += [[104.1, 19.4 + side * (1 - i / points)] for i in range(1, max(points - 4, 1))]
    ring.append([104.1, 19.4])
    return {"type": "Polygon", "coordinates": [ring]}


def test_the_map_page_saves_a_polygon_and_refuses_a_point(
    world: World, lanhdao: User, tinh: User, xa: User, as_user: Any, settings: Any
) -> None:
    url = f"/situation/areas/{world.commune_a.pk}/map/"
    assert as_user(tinh).get(url).status_code == 403  # a specialist
    assert as_user(xa).get(url).status_code == 403
    assert as_user(xa).get(f"/situation/areas/{world.commune_b.pk}/map/").status_code == 404
    client = english(as_user(lanhdao))
    assert client.get(url).status_code == 200
    point = {"type": "Point", "coordinates": [104.1, 19.4]}
    refused = client.post(url, {"boundary": json.dumps(point)})
    assert refused.status_code == 200 and "Polygon or MultiPolygon" in refused.text
    assert not AreaMap.objects.exists()
    settings.DANVAN_MAX_BOUNDARY_POINTS = 20
    too_big = client.post(url, {"boundary": json.dumps(_square(points=40))})
    assert too_big.status_code == 200 and "simplify it to 20 or fewer" in too_big.text
    assert not AreaMap.objects.exists()
    upload = SimpleUploadedFile("xa.geojson", json.dumps(_square()).encode())
    saved = client.post(url, {"boundary_file": upload, "latitude": "19.42", "longitude": "104.12"})
    assert saved.status_code == 302
    found = AreaMap.objects.get(area=world.commune_a)
    assert found.boundary["type"] == "Polygon" and float(found.latitude) == 19.42  # type: ignore[arg-type, index]
    again = client.get(url)
    assert 'id="situation-map-preview-data"' in again.text
    half = client.post(url, {"latitude": "19.5"})
    assert half.status_code == 200 and "both the latitude and the longitude" in half.text
    area_page = client.get(f"/situation/areas/{world.commune_a.pk}/")
    assert 'id="edit-map"' in area_page.text
