"""The API of one's own things: /me/agenda, /me/notifications, /me/notification-preferences."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dashboard.models import Notification, Preference
from danvan.lib import agenda, notify
from danvan.oversight import services as oversight_services
from tests.conftest import World
from tests.org.test_api import bearer, post


def made(user: User, title: str, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user, kind="reminder", title=title, url="/oversight/1/", key="x:1",
        read_at=timezone.now() if read else None,
    )  # fmt: skip


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, json.dumps(data), content_type="application/json")


# --- Agenda ----------------------------------------------------------------------------------


def test_the_agenda_is_the_agenda_pages_list(
    world: World, tinh: User, xa: User, xa2: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    supervision = oversight_services.oversight_create(
        actor=tinh, kind="supervision", title="Giám sát quy chế dân chủ", lead=world.commission,
        subjects=[world.front_a], starts_on=today - datetime.timedelta(days=40),
        ends_on=today - datetime.timedelta(days=30),
    )  # fmt: skip
    oversight_services.recommendation_add(
        actor=tinh, oversight=supervision, text="Niêm yết công khai", responsible=world.front_a,
        due_on=today - datetime.timedelta(days=3),
    )  # fmt: skip
    # A source of one's own, to see every field of an item, with a POST action.
    monkeypatch.setattr(agenda, "_SOURCES", dict(agenda._SOURCES))

    def mine(user: User, day: datetime.date) -> list[agenda.Item]:
        if user != xa:
            return []
        action = agenda.Action("Xác nhận", "/tests/confirm/", "post", "Chắc chắn?")
        return [agenda.Item("tests.thing:1", "tests.thing", "Xác nhận việc", "Việc thử",
                            "Ủy ban MTTQ", "/tests/1/", day + datetime.timedelta(days=5), action)]  # fmt: skip

    agenda.register("tests.thing", "Việc thử", mine)

    response = bearer(xa).get("/api/v1/me/agenda")
    assert response.status_code == 200
    items = response.json()
    assert [i["key"] for i in items] == [i.key for i in agenda.for_user(xa, today)]
    late = next(i for i in items if i["kind"] == "oversight.recommendation")
    assert late["days_late"] == 3 and late["due_on"] == str(today - datetime.timedelta(days=3))
    assert late["action"]["method"] == "get"
    thing = next(i for i in items if i["key"] == "tests.thing:1")
    assert thing == {
        "key": "tests.thing:1", "kind": "tests.thing", "what": "Xác nhận việc",
        "title": "Việc thử", "unit": "Ủy ban MTTQ", "url": "/tests/1/",
        "due_on": str(today + datetime.timedelta(days=5)), "days_late": 0,
        "action": {"label": "Xác nhận", "url": "/tests/confirm/", "method": "post",
                   "confirm": "Chắc chắn?", "fields": {}},
    }  # fmt: skip
    assert bearer(xa2).get("/api/v1/me/agenda").json() == []  # not their unit, not their source
    assert Client().get("/api/v1/me/agenda").status_code == 401


# --- Notifications ---------------------------------------------------------------------------


def test_the_list_is_ones_own_paged_and_filtered(
    xa: User, xa2: User, django_assert_max_num_queries: Any
) -> None:
    made(xa, "Đã đọc", read=True)
    made(xa, "Chưa đọc")
    made(xa2, "Của xa2")
    client = bearer(xa)
    with django_assert_max_num_queries(6) as few:
        everything = client.get("/api/v1/me/notifications").json()
    queries = len(few.captured_queries)  # read now: the next request clears the log
    assert everything["count"] == 2
    assert [n["title"] for n in everything["items"]] == ["Chưa đọc", "Đã đọc"]  # newest first
    first = everything["items"][0]
    assert set(first) >= {"id", "kind", "kind_label", "title", "body", "url", "created_at"}
    assert first["read_at"] is None and first["url"] == "/oversight/1/"
    unread = client.get("/api/v1/me/notifications?unread=true").json()
    assert [n["title"] for n in unread["items"]] == ["Chưa đọc"]

    Notification.objects.bulk_create(
        [Notification(user=xa, kind="report", title=f"Báo cáo {i}") for i in range(40)]
    )
    with django_assert_max_num_queries(queries):
        paged = client.get("/api/v1/me/notifications?page=2&page_size=10").json()
    assert paged["count"] == 42 and len(paged["items"]) == 10
    assert Client().get("/api/v1/me/notifications").status_code == 401


def test_mark_one_read_only_ones_own(xa: User, xa2: User) -> None:
    mine = made(xa, "Của tôi")
    theirs = made(xa2, "Của xa2")
    client = bearer(xa)
    refused = post(client, f"/api/v1/me/notifications/{theirs.pk}/read", {})
    assert refused.status_code == 404  # type: ignore[attr-defined]
    assert post(Client(), f"/api/v1/me/notifications/{mine.pk}/read", {}).status_code == 401  # type: ignore[attr-defined]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None

    done = post(client, f"/api/v1/me/notifications/{mine.pk}/read", {})
    assert done.status_code == 200  # type: ignore[attr-defined]
    assert done.json()["read_at"] is not None  # type: ignore[attr-defined]
    mine.refresh_from_db()
    read_at = mine.read_at
    assert read_at is not None
    post(client, f"/api/v1/me/notifications/{mine.pk}/read", {})  # again: no change
    mine.refresh_from_db()
    assert mine.read_at == read_at


def test_mark_all_read(xa: User, xa2: User) -> None:
    made(xa, "Một")
    made(xa, "Hai")
    made(xa, "Đã đọc", read=True)
    theirs = made(xa2, "Của xa2")
    assert post(Client(), "/api/v1/me/notifications/read-all", {}).status_code == 401  # type: ignore[attr-defined]
    response = post(bearer(xa), "/api/v1/me/notifications/read-all", {})
    assert response.json() == {"marked": 2}  # type: ignore[attr-defined]
    assert not Notification.objects.filter(user=xa, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Preferences -----------------------------------------------------------------------------


def test_preferences_read_and_set(xa: User, xa2: User, english: None) -> None:
    client = bearer(xa)
    url = "/api/v1/me/notification-preferences"
    defaults = client.get(url).json()
    assert [p["kind"] for p in defaults] == list(notify.KINDS)
    assert {p["channel"] for p in defaults} == {"email"}

    changed = put(client, url, [{"kind": "reminder", "channel": "digest"},
                                {"kind": "alert", "channel": "off"}])  # fmt: skip
    assert changed.status_code == 200
    channels = {p["kind"]: p["channel"] for p in changed.json()}
    assert (channels["reminder"], channels["alert"], channels["report"]) == (
        "digest",
        "off",
        "email",
    )
    assert not Preference.objects.filter(user=xa2).exists()

    unknown = put(client, url, [{"kind": "report", "channel": "in_app"},
                                {"kind": "pigeon", "channel": "email"}])  # fmt: skip
    assert unknown.status_code == 400 and "kind" in unknown.json()["errors"]
    wrong = put(client, url, [{"kind": "report", "channel": "fax"}])
    assert wrong.status_code == 422
    assert put(Client(), url, [{"kind": "report", "channel": "in_app"}]).status_code == 401
    assert Client().get(url).status_code == 401
    # Refused as a whole: the valid part was not saved either.
    assert Preference.objects.filter(user=xa, kind="report").exists() is False
