"""Reviews, My work, task edits and the files of a programme through the API."""

from __future__ import annotations

import datetime
import io
from typing import Any

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.programs import exports, reviews, services, services_tasks
from danvan.programs.models import Program, Review, Task
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import content, send

pytestmark = pytest.mark.django_db

API = "/api/v1"


def review_state(review: Review) -> tuple[Any, ...]:
    review.refresh_from_db()
    return (review.number, review.place, review.achievements, review.lessons,
            Review.objects.count(), review.history.count())  # type: ignore[attr-defined]  # fmt: skip


def test_an_interim_review_is_opened_edited_and_downloaded(world: World, tinh, program) -> None:  # type: ignore[no-untyped-def]
    client = bearer(tinh)
    url = f"{API}/programs/{program.pk}/reviews"
    opened = send(client, "post", url, {"kind": "interim", "period": "2025"})
    assert opened.status_code == 201, opened.content
    review = opened.json()
    assert review["program_id"] == program.pk and review["facts"]["period"] == "2025"
    assert review["place"] == world.province.name
    assert client.get(url).json()["items"][0]["id"] == review["id"]

    assert send(client, "post", url, {"kind": "interim", "period": "2025"}).status_code == 409
    assert send(client, "post", url, {"kind": "final", "period": "2025-2026"}).status_code == 409
    assert send(client, "post", url, {"kind": "annual", "period": "2025"}).status_code == 400
    assert send(client, "post", url, {"kind": "interim", "period": "2019"}).status_code == 400
    assert Review.objects.count() == 1

    edited = send(client, "patch", f"{API}/reviews/{review['id']}",
                  {"achievements": "Hoàn thành cơ bản các nhiệm vụ.", "place": "Vinh"})  # fmt: skip
    assert edited.status_code == 200
    assert (edited.json()["achievements"], edited.json()["place"]) == (
        "Hoàn thành cơ bản các nhiệm vụ.", "Vinh",
    )  # fmt: skip
    assert send(client, "patch", f"{API}/reviews/{review['id']}",
                {"lessons": None}).status_code == 422  # fmt: skip
    assert client.get(f"{API}/reviews/{review['id']}").json()["place"] == "Vinh"
    data = client.get(f"{API}/reviews/{review['id']}/docx").content
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Hoàn thành cơ bản các nhiệm vụ." in text


def test_a_draft_has_nothing_to_review(world: World, tinh, draft) -> None:  # type: ignore[no-untyped-def]
    response = send(bearer(tinh), "post", f"{API}/programs/{draft.pk}/reviews",
                    {"kind": "interim", "period": "2025"})  # fmt: skip
    assert response.status_code == 409 and not Review.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "xa2", "xa"])
def test_reviews_refused(world: World, tinh, program, who, request) -> None:  # type: ignore[no-untyped-def]
    review = reviews.review_open(actor=tinh, program=program, kind="interim", period="2025")
    client = Client() if who == "anonymous" else bearer(request.getfixturevalue(who))
    hidden = {"anonymous": 401, "outsider": 404, "xa2": 404, "xa": 200}[who]
    refused = {"anonymous": 401, "outsider": 404, "xa2": 404, "xa": 403}[who]
    before = review_state(review)
    assert client.get(f"{API}/programs/{program.pk}/reviews").status_code == hidden
    assert client.get(f"{API}/reviews/{review.pk}").status_code == hidden
    assert client.get(f"{API}/reviews/{review.pk}/docx").status_code == hidden
    writes = [
        send(client, "patch", f"{API}/reviews/{review.pk}", {"achievements": "Sửa"}),
        send(client, "post", f"{API}/programs/{program.pk}/reviews",
             {"kind": "interim", "period": "2026"}),
    ]  # fmt: skip
    assert [r.status_code for r in writes] == [refused, refused]
    assert review_state(review) == before


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page_size": 500}).status_code == 200
    return len(ctx.captured_queries)


def test_review_list_keeps_a_flat_query_count(  # type: ignore[no-untyped-def]
    world: World, tinh, program, django_assert_max_num_queries
) -> None:
    client, url = bearer(tinh), f"{API}/programs/{program.pk}/reviews"
    reviews.review_open(actor=tinh, program=program, kind="interim", period="2025")
    client.get(url)
    budget = _count(client, url)
    for year in ("2026", "2025S1", "2025S2", "2026S1", "2025Q1", "2025Q2"):
        reviews.review_open(actor=tinh, program=program, kind="interim", period=year)
    with django_assert_max_num_queries(budget):
        assert client.get(url, {"page_size": 500}).json()["count"] == 7


def _due_soon(world: World, tinh, program: Program, n: int) -> list[Task]:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    due = min(max(today, program.starts_on), program.ends_on)
    return [
        services_tasks.task_create(actor=tinh, content=content(program, 1), title=f"Việc {i}",
                             lead=world.front_a, due_on=due)[0]
        for i in range(n)
    ]  # fmt: skip


def test_my_work_lists_what_my_organisation_leads(  # type: ignore[no-untyped-def]
    world: World, tinh, xa, xa2, program, django_assert_max_num_queries
) -> None:
    tasks = _due_soon(world, tinh, program, 2)
    client = bearer(xa)
    assert [t["id"] for t in client.get(f"{API}/my-work").json()["items"]] == [t.pk for t in tasks]
    assert bearer(xa2).get(f"{API}/my-work").json()["count"] == 0
    assert Client().get(f"{API}/my-work").status_code == 401
    budget = _count(client, f"{API}/my-work")
    _due_soon(world, tinh, program, 40)
    with django_assert_max_num_queries(budget):
        assert client.get(f"{API}/my-work", {"page_size": 500}).json()["count"] == 42


def test_task_edit_by_the_lead_agency_only(world: World, tinh, xa, xa2, program) -> None:  # type: ignore[no-untyped-def]
    (task,) = _due_soon(world, tinh, program, 1)
    url = f"{API}/tasks/{task.pk}"
    assert send(bearer(xa2), "patch", url, {"title": "Đổi"}).status_code == 404
    assert send(bearer(xa), "patch", url, {"title": "Đổi"}).status_code == 403
    assert send(bearer(tinh), "patch", url, {"title": None}).status_code == 422
    task.refresh_from_db()
    assert task.title == "Việc 0"
    edited = send(bearer(tinh), "patch", url, {"title": "Đổi", "status": "cancelled"})
    assert edited.status_code == 200 and edited.json()["status"] == "cancelled"


def test_tasks_of_an_ended_programme_are_kept(world: World, tinh, lanhdao, program) -> None:  # type: ignore[no-untyped-def]
    (task,) = _due_soon(world, tinh, program, 1)
    services.program_end(actor=lanhdao, program=program)
    url = f"{API}/tasks/{task.pk}"
    assert send(bearer(tinh), "patch", url, {"title": "Đổi"}).status_code == 409
    assert send(bearer(tinh), "post", f"{API}/tasks", {
        "content_id": content(program, 1).pk, "title": "Mới", "lead_id": world.front_a.pk,
        "due_on": str(task.due_on),
    }).status_code == 409  # fmt: skip
    assert Task.objects.count() == 1


def test_excel_out_and_in(world: World, tinh, xa, xa2, program) -> None:  # type: ignore[no-untyped-def]
    _due_soon(world, tinh, program, 2)
    sheet = bearer(xa).get(f"{API}/programs/{program.pk}/tasks.xlsx")
    assert sheet.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(sheet.content)).active.max_row >= 3
    assert bearer(xa2).get(f"{API}/programs/{program.pk}/tasks.xlsx").status_code == 404
    assert bearer(xa).get(f"{API}/programs/template.xlsx").status_code == 200

    empty = services.program_create(
        actor=tinh, kind="twinning", title="Nhập từ Excel", lead=world.commission,
        parties=[world.front_a], term="2026",
    )  # fmt: skip
    url = f"{API}/programs/{empty.pk}/import"

    def upload(client: Client, data: bytes) -> Any:
        return client.post(url, {"file": SimpleUploadedFile("mau.xlsx", data)})

    template = exports.import_template()
    assert upload(bearer(xa2), template).status_code == 404
    assert upload(bearer(xa), template).status_code == 403
    bad = upload(bearer(tinh), b"not a workbook")
    assert bad.status_code == 400 and bad.json()["errors"]["file"]
    assert not empty.contents.exists()
    done = upload(bearer(tinh), template)
    assert done.status_code == 200, done.content
    assert done.json()["imported"] > 0 and empty.contents.count() == 1
    in_force = bearer(tinh).post(
        f"{API}/programs/{program.pk}/import", {"file": SimpleUploadedFile("m.xlsx", template)}
    )
    assert in_force.status_code == 409
    assert program.contents.count() == 3
    assert send(bearer(tinh), "post", f"{API}/programs/{program.pk}/import").status_code == 422


def test_signed_file_and_attachments(world: World, tinh, xa, xa2, draft) -> None:  # type: ignore[no-untyped-def]
    assert bearer(tinh).get(f"{API}/programs/{draft.pk}/signed-file").status_code == 404
    pdf = SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    services.program_put_in_force(
        actor=tinh, program=draft, signed_on=datetime.date(2025, 1, 15), signed_file=pdf
    )
    signed = bearer(xa).get(f"{API}/programs/{draft.pk}/signed-file")
    assert signed.status_code == 200 and b"".join(signed.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert bearer(xa2).get(f"{API}/programs/{draft.pk}/signed-file").status_code == 404

    (task,) = _due_soon(world, tinh, draft, 1)
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%b\n", content_type="application/pdf")
    update = services_tasks.task_report_progress(
        actor=xa, task=task, text="Đã họp", percent=50, reported_on=draft.starts_on, attachment=pdf
    )
    url = f"{API}/task-updates/{update.pk}/attachment"
    assert bearer(tinh).get(url).status_code == 200
    assert bearer(xa2).get(url).status_code == 404
    assert Client().get(url).status_code == 401
