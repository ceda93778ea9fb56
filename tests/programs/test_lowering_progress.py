"""Lowering the progress of a task that is done needs a confirmation and a reason, kept in history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from danvan.programs import services_tasks
from danvan.programs.models import Program, Task, TaskStatus, TaskUpdate
from tests.conftest import World
from tests.org.test_api import bearer
from tests.programs.conftest import content, send

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 5, 20)


@pytest.fixture
def done(world: World, tinh, xa, program: Program) -> Task:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Hội nghị đối thoại", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    services_tasks.task_report_progress(
        actor=xa, task=task, text="Xong", percent=100, reported_on=DAY
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    return task


def snapshot(task: Task) -> tuple[Any, ...]:
    task.refresh_from_db()
    return (task.status, task.percent, task.done_on, TaskUpdate.objects.count(),
            task.history.count())  # type: ignore[attr-defined]  # fmt: skip


def test_lowering_a_done_task_is_refused_without_confirmation_and_reason(xa, done) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(done)
    with pytest.raises(ValidationError) as refused:
        services_tasks.task_report_progress(actor=xa, task=done, text="Làm lại", percent=60)
    assert set(refused.value.message_dict) == {"confirm_lower", "reason"}
    with pytest.raises(ValidationError) as no_reason:
        services_tasks.task_report_progress(
            actor=xa, task=done, text="Làm lại", percent=60, confirm_lower=True, reason="  "
        )
    assert set(no_reason.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as unconfirmed:
        services_tasks.task_report_progress(
            actor=xa, task=done, text="Làm lại", percent=60, reason="Biên bản chưa đủ"
        )
    assert set(unconfirmed.value.message_dict) == {"confirm_lower"}
    with pytest.raises(ValidationError):  # out of done at 100 percent is lowering too
        services_tasks.task_report_progress(
            actor=xa, task=done, text="Chưa xong", percent=100, status="in_progress"
        )
    assert snapshot(done) == before


def test_confirmed_lowering_keeps_the_reason_in_history(xa, done) -> None:  # type: ignore[no-untyped-def]
    services_tasks.task_report_progress(
        actor=xa, task=done, text="Phải tổ chức lại", percent=60, reported_on=DAY,
        confirm_lower=True, reason="Biên bản hội nghị chưa đủ chữ ký",
    )  # fmt: skip
    done.refresh_from_db()
    assert (done.status, done.percent, done.done_on) == (TaskStatus.IN_PROGRESS, 60, None)
    latest = done.history.first()  # type: ignore[attr-defined]
    assert latest.history_user == xa
    # The act as its verb, the reason as typed, the percentages as the field's change.
    assert latest.history_verb == "progress_lowered"
    assert latest.history_change_reason == "Biên bản hội nghị chưa đủ chữ ký"
    assert (latest.prev_record.percent, latest.percent) == (100, 60)


def test_the_task_page_shows_the_lowering_its_reason_and_who(xa, as_user, done) -> None:  # type: ignore[no-untyped-def]
    services_tasks.task_report_progress(
        actor=xa, task=done, text="Phải tổ chức lại", percent=60, reported_on=DAY,
        confirm_lower=True, reason="Biên bản hội nghị chưa đủ chữ ký",
    )  # fmt: skip
    client = as_user(xa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("task_detail", args=[done.pk])).content.decode()
    history = page[page.index('id="history"') :]
    entry = history[: history.index("</li>")]
    assert "progress lowered" in entry and str(xa) in entry
    assert "Biên bản hội nghị chưa đủ chữ ký" in entry
    assert "<del>100</del> → 60" in entry
    assert "Progress lowered from" not in page


def test_no_confirmation_is_asked_when_nothing_done_goes_down(
    world: World, tinh, xa, program, done
) -> None:  # type: ignore[no-untyped-def]
    services_tasks.task_report_progress(actor=xa, task=done, text="Bổ sung ảnh", percent=100)
    (open_task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 2), title="Việc đang làm", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    services_tasks.task_report_progress(actor=xa, task=open_task, text="Nửa", percent=50)
    services_tasks.task_report_progress(actor=xa, task=open_task, text="Ước lại", percent=30)
    open_task.refresh_from_db()
    done.refresh_from_db()
    assert (open_task.percent, done.percent, done.status) == (30, 100, TaskStatus.DONE)
    latest = done.history.first()  # type: ignore[attr-defined]
    assert not latest.history_change_reason and not latest.history_verb


def test_the_api_asks_for_confirm_lower_and_reason(xa, xa2, done) -> None:  # type: ignore[no-untyped-def]
    body = {"task_id": done.pk, "text": "Làm lại", "percent": 40}
    before = snapshot(done)
    assert send(Client(), "post", "/api/v1/task-updates", body).status_code == 401
    assert send(bearer(xa2), "post", "/api/v1/task-updates", body).status_code == 404
    refused = send(bearer(xa), "post", "/api/v1/task-updates", body)
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"confirm_lower", "reason"}
    assert snapshot(done) == before

    body |= {"confirm_lower": True, "reason": "Kết quả chưa được nghiệm thu"}
    accepted = send(bearer(xa), "post", "/api/v1/task-updates", body)
    assert accepted.status_code == 201 and accepted.json()["percent"] == 40
    done.refresh_from_db()
    assert done.status == TaskStatus.IN_PROGRESS
    latest = done.history.first()  # type: ignore[attr-defined]
    assert (latest.history_verb, latest.history_change_reason) == (
        "progress_lowered",
        "Kết quả chưa được nghiệm thu",
    )


def test_the_page_asks_only_when_a_done_task_goes_down(
    world: World, tinh, xa, program, done, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(xa)
    page = client.get(f"/tasks/{done.pk}/").content.decode()
    assert 'name="confirm_lower"' in page and 'name="reason"' in page
    (open_task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 2), title="Việc khác", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    other = client.get(f"/tasks/{open_task.pk}/").content.decode()
    assert 'name="confirm_lower"' not in other and 'name="reason"' not in other


def test_the_page_keeps_what_was_typed_when_refused(xa, done, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(xa)
    before = snapshot(done)
    refused = client.post(f"/tasks/{done.pk}/", {
        "text": "Phải họp lại với các hộ dân", "percent": 70, "reported_on": "2025-05-21",
        "reason": "Còn hộ chưa đồng thuận",
    })  # fmt: skip
    assert refused.status_code == 200
    form = refused.context["form"]
    assert "confirm_lower" in form.errors and "reason" not in form.errors
    body = refused.content.decode()
    assert "Phải họp lại với các hộ dân" in body and "Còn hộ chưa đồng thuận" in body
    assert 'value="70"' in body
    assert snapshot(done) == before

    confirmed = client.post(f"/tasks/{done.pk}/", {
        "text": "Phải họp lại với các hộ dân", "percent": 70, "reported_on": "2025-05-21",
        "reason": "Còn hộ chưa đồng thuận", "confirm_lower": "on",
    })  # fmt: skip
    assert confirmed.status_code == 302
    done.refresh_from_db()
    assert (done.percent, done.status) == (70, TaskStatus.IN_PROGRESS)
    assert "Còn hộ chưa đồng thuận" in client.get(f"/tasks/{done.pk}/").content.decode()
