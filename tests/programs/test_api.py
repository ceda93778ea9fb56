"""The programmes API: scoped lists, creation, progress, and the users who must be refused."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from danvan.programs import services_tasks
from danvan.programs.models import TaskUpdate
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import content

pytestmark = pytest.mark.django_db


def post(client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_programmes_are_scoped(world: World, program, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    assert [p["id"] for p in bearer(xa).get("/api/v1/programs").json()["items"]] == [program.pk]
    assert bearer(xa2).get("/api/v1/programs").json()["count"] == 0
    assert bearer(xa2).get(f"/api/v1/programs/{program.pk}").status_code == 404


def test_filters(world: World, program, tinh) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    assert client.get("/api/v1/programs", {"kind": "twinning"}).json()["count"] == 0
    assert client.get("/api/v1/programs", {"status": "in_force"}).json()["count"] == 1
    assert client.get("/api/v1/programs", {"party": world.front_a.pk}).json()["count"] == 1
    assert client.get("/api/v1/programs", {"party": world.front_b.pk}).json()["count"] == 0
    assert client.get("/api/v1/programs", {"term": "2025-2026"}).json()["count"] == 1
    services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Cũ", lead=world.front_a,
        due_on=datetime.date(2025, 2, 1),
    )  # fmt: skip
    assert client.get("/api/v1/programs", {"overdue": True}).json()["count"] == 1
    overdue = client.get("/api/v1/tasks", {"overdue": True}).json()
    assert overdue["count"] == 1 and overdue["items"][0]["overdue"] is True


def test_create_programme_and_recurring_task(world: World, tinh) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    response = post(client, "/api/v1/programs", {
        "kind": "twinning", "title": "Kết nghĩa", "lead_id": world.commission.pk,
        "party_ids": [world.front_a.pk], "term": "2026", "contents": ["Giúp dân"],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    program = response.json()
    assert [p["organization_id"] for p in program["parties"]] == [
        world.commission.pk,
        world.front_a.pk,
    ]
    from danvan.programs.models import ProgramContent

    content_id = ProgramContent.objects.get(program_id=program["id"]).pk
    response = post(client, "/api/v1/tasks", {
        "content_id": content_id, "title": "Báo cáo quý", "lead_id": world.front_a.pk,
        "recurrence": "quarterly",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    assert [t["period"] for t in response.json()] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def test_bad_task_input_is_a_readable_400(world: World, tinh, program) -> None:  # type: ignore[no-untyped-def]
    response = post(bearer(tinh), "/api/v1/tasks", {
        "content_id": content(program, 1).pk, "title": "X", "lead_id": world.front_b.pk,
        "due_on": "2025-05-01",
    })  # fmt: skip
    assert response.status_code == 400
    assert "lead" in response.json()["errors"]


def test_progress_by_the_party_and_refusals(world: World, tinh, xa, program) -> None:  # type: ignore[no-untyped-def]
    (mine,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    (theirs,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc khác", lead=world.party_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    client = bearer(xa)
    ok = post(client, "/api/v1/task-updates", {"task_id": mine.pk, "text": "Đã làm", "percent": 40})
    assert ok.status_code == 201 and ok.json()["percent"] == 40
    refused = post(
        client, "/api/v1/task-updates", {"task_id": theirs.pk, "text": "x", "percent": 10}
    )
    assert refused.status_code == 403
    bad = post(client, "/api/v1/task-updates", {"task_id": mine.pk, "text": "x", "percent": 150})
    assert bad.status_code == 422 and "percent" in bad.json()["errors"]
    assert TaskUpdate.objects.count() == 1
    listed = client.get("/api/v1/task-updates", {"task": mine.pk}).json()
    assert [u["text"] for u in listed["items"]] == ["Đã làm"]


def test_contents_of_a_programme_in_force_cannot_be_patched(world: World, tinh, program) -> None:  # type: ignore[no-untyped-def]
    response = bearer(tinh).patch(
        f"/api/v1/programs/{program.pk}",
        json.dumps({"title": "Đổi"}),
        content_type="application/json",
    )
    assert response.status_code == 409


def test_task_list_keeps_a_flat_query_count(world: World, tinh, program) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    client.get("/api/v1/tasks")

    def grow(n: int) -> None:
        for i in range(n):
            services_tasks.task_create(
                actor=tinh, content=content(program, 1), title=f"Việc {i}", lead=world.front_a,
                due_on=datetime.date(2025, 6, 1),
            )  # fmt: skip

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"page_size": 500}).status_code == 200
        return len(ctx.captured_queries)

    grow(10)
    tasks_at_ten, programs_at_ten = count("/api/v1/tasks"), count("/api/v1/programs")
    grow(190)
    assert count("/api/v1/tasks") == tasks_at_ten
    assert count("/api/v1/programs") == programs_at_ten
