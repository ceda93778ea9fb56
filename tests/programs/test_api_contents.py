"""Main contents through the API: listed, added, edited, moved and removed while a draft."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.programs import services, services_tasks
from danvan.programs.models import Program, ProgramContent
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import content, send

pytestmark = pytest.mark.django_db

API = "/api/v1"


def rows(program: Program) -> list[tuple[Any, ...]]:
    return [(c.pk, c.number, c.title, c.description) for c in program.contents.all()]


def titles(client: Client, program: Program) -> list[str]:
    listed = client.get(f"{API}/programs/{program.pk}/contents").json()["items"]
    assert [c["number"] for c in listed] == list(range(1, len(listed) + 1))
    return [c["title"] for c in listed]


def test_contents_are_listed_added_edited_moved_and_removed(world: World, tinh, draft) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    listed = client.get(f"{API}/programs/{draft.pk}/contents").json()["items"]
    detail = client.get(f"{API}/programs/{draft.pk}").json()["contents"]
    assert [(c["id"], c["number"], c["title"]) for c in listed] == [
        (c["id"], c["number"], c["title"]) for c in detail
    ] == [(c.pk, c.number, c.title) for c in draft.contents.all()]  # fmt: skip

    added = send(client, "post", f"{API}/programs/{draft.pk}/contents",
                 {"titles": ["Bốn", "   ", "Năm"]})  # fmt: skip
    assert added.status_code == 201 and [c["number"] for c in added.json()] == [4, 5]
    assert send(client, "post", f"{API}/programs/{draft.pk}/contents",
                {"titles": [" "]}).status_code == 400  # fmt: skip

    two = content(draft, 2)
    edited = send(client, "patch", f"{API}/contents/{two.pk}", {"description": "Chi tiết"})
    assert edited.status_code == 200
    assert (edited.json()["title"], edited.json()["description"]) == ("Hai", "Chi tiết")
    assert send(client, "patch", f"{API}/contents/{two.pk}", {"title": None}).status_code == 422
    assert send(client, "patch", f"{API}/contents/{two.pk}", {"title": "  "}).status_code == 400

    one = content(draft, 1)
    moved = send(client, "post", f"{API}/contents/{one.pk}/move", {"direction": "down"})
    assert moved.status_code == 200 and moved.json()["number"] == 2
    assert titles(client, draft) == ["Hai", "Một", "Ba", "Bốn", "Năm"]
    top = send(client, "post", f"{API}/contents/{two.pk}/move", {"direction": "up"})
    assert top.status_code == 200 and top.json()["number"] == 1
    assert send(client, "post", f"{API}/contents/{two.pk}/move",
                {"direction": "left"}).status_code == 422  # fmt: skip

    three = content(draft, 3)
    assert client.delete(f"{API}/contents/{three.pk}").status_code == 204
    assert titles(client, draft) == ["Hai", "Một", "Bốn", "Năm"]
    assert ProgramContent.history.filter(history_user=tinh, history_verb="deleted").count() == 1


def test_a_content_with_tasks_is_kept(world: World, tinh, draft) -> None:  # type: ignore[no-untyped-def]
    services_tasks.task_create(
        actor=tinh, content=content(draft, 1), title="Việc", lead=world.party_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    before = rows(draft)
    response = bearer(tinh).delete(f"{API}/contents/{content(draft, 1).pk}")
    assert response.status_code == 409 and response.json()["detail"]
    assert rows(draft) == before


def test_contents_of_a_programme_in_force_are_fixed(world: World, tinh, program) -> None:  # type: ignore[no-untyped-def]
    client, first = bearer(tinh), content(program, 1)
    before = rows(program)
    assert send(client, "post", f"{API}/programs/{program.pk}/contents",
                {"titles": ["Mới"]}).status_code == 409  # fmt: skip
    assert send(client, "patch", f"{API}/contents/{first.pk}", {"title": "Đổi"}).status_code == 409
    assert send(client, "post", f"{API}/contents/{first.pk}/move",
                {"direction": "down"}).status_code == 409  # fmt: skip
    assert client.delete(f"{API}/contents/{first.pk}").status_code == 409
    assert rows(program) == before


@pytest.mark.parametrize("who", ["anonymous", "outsider", "xa2", "xa"])
def test_contents_refused(world: World, draft, who, request) -> None:  # type: ignore[no-untyped-def]
    client = Client() if who == "anonymous" else bearer(request.getfixturevalue(who))
    expected = {"anonymous": 401, "outsider": 404, "xa2": 404, "xa": 403}[who]
    first = content(draft, 1)
    before = rows(draft)
    listing = client.get(f"{API}/programs/{draft.pk}/contents").status_code
    assert listing == (200 if who == "xa" else expected)
    calls = [
        send(client, "post", f"{API}/programs/{draft.pk}/contents", {"titles": ["Mới"]}),
        send(client, "patch", f"{API}/contents/{first.pk}", {"title": "Đổi"}),
        send(client, "post", f"{API}/contents/{first.pk}/move", {"direction": "down"}),
        client.delete(f"{API}/contents/{first.pk}"),
    ]
    assert [r.status_code for r in calls] == [expected] * 4
    assert rows(draft) == before


def test_contents_list_and_detail_keep_a_flat_query_count(  # type: ignore[no-untyped-def]
    world: World, tinh, draft, django_assert_max_num_queries
) -> None:
    client = bearer(tinh)
    client.get(f"{API}/programs/{draft.pk}/contents")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    urls = [f"{API}/programs/{draft.pk}/contents", f"{API}/programs/{draft.pk}", f"{API}/programs"]
    at_three = [count(url) for url in urls]
    services.contents_add(actor=tinh, program=draft, titles=[f"Nội dung {i}" for i in range(60)])
    for url, budget in zip(urls, at_three, strict=True):
        with django_assert_max_num_queries(budget):
            assert client.get(url, {"page_size": 500}).status_code == 200
    assert client.get(urls[0], {"page_size": 500}).json()["count"] == 63
