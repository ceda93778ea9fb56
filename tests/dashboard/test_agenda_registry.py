"""The agenda registry (`lib/agenda.py`) and the pages that show it: the order, every app's
sources, what xa is shown and not shown, one click to the answer, and flat query counts."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dashboard.models import Notification
from danvan.lib import agenda
from danvan.lib.agenda import Action, Item
from danvan.lib.notify import key_of
from danvan.org.models import Organization
from danvan.oversight import services as oversight_services
from danvan.oversight.models import Oversight, Recommendation
from danvan.programs import services as program_services
from danvan.programs import services_tasks
from danvan.programs.models import Program
from tests.conftest import World
from tests.factories import OversightFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 6, 1)


def item(key: str, due_on: datetime.date | None, title: str = "Việc") -> Item:
    return Item(key, "tests.thing", "Làm việc", title, "Đơn vị", "/tests/", due_on)


# --- The registry -------------------------------------------------------------------------------


def test_every_app_registers_its_sources() -> None:
    names = {name for name, _label in agenda.sources()}
    assert {
        "org.invitation",
        "programs.task",
        "oversight.recommendation",
        "reporting.submission",
        "reporting.review",
        "situation.alert",
        "dialogue.petition",
        "dialogue.not_satisfied",
        "dialogue.commitment",
        "dialogue.dialogue",
        "dialogue.datarequest",
    } <= names


def test_the_latest_first_then_the_soonest_then_the_undated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agenda, "_SOURCES", {})
    agenda.register(
        "tests.one",
        "One",
        lambda user, today: [
            item("t:soon", today + 3 * DAY),
            item("t:undated-b", None, "B"),
            item("t:late", today - 10 * DAY),
        ],
    )
    agenda.register(
        "tests.two",
        "Two",
        lambda user, today: [
            item("t:today", today),
            item("t:undated-a", None, "A"),
            item("t:late", today - 1 * DAY, "the same record again"),
            item("t:a-bit-late", today - 2 * DAY),
        ],
    )
    someone = SimpleNamespace(is_authenticated=True)
    found = agenda.for_user(someone, TODAY)
    assert [i.key for i in found] == [
        "t:late", "t:a-bit-late", "t:today", "t:soon", "t:undated-a", "t:undated-b",
    ]  # fmt: skip
    assert found[0].due_on == TODAY - 10 * DAY  # a key given twice: the first source's
    assert found[0].days_late(TODAY) == 10 and found[3].days_left(TODAY) == 3
    assert found[4].days_late(TODAY) == 0 and found[4].days_left(TODAY) is None
    two = agenda.for_user(someone, TODAY, kinds=["tests.two"])
    assert [i.key for i in two] == ["t:a-bit-late", "t:late", "t:today", "t:undated-a"]
    assert agenda.for_user(AnonymousUser(), TODAY) == []


# --- The pages ----------------------------------------------------------------------------------


def supervision(world: World, today: datetime.date) -> Oversight:
    oversight: Oversight = OversightFactory.create(
        lead=world.commission,
        subjects=[world.front_a, world.front_b],
        starts_on=today - 40 * DAY,
        ends_on=today - 30 * DAY,
    )
    return oversight


def recommend(
    oversight: Oversight, to: Organization, due_on: datetime.date, text: str = "Niêm yết"
) -> Recommendation:
    return oversight_services.recommendation_add(
        actor=None, oversight=oversight, text=text, responsible=to, due_on=due_on
    )


def programme(world: World, today: datetime.date) -> Program:
    program = program_services.program_create(
        actor=None, kind="coordination_programme", title="Chương trình phối hợp",
        lead=world.commission, parties=[world.front_a], starts_on=today - 200 * DAY,
        ends_on=today + 400 * DAY, contents=["Tuyên truyền"],
    )  # fmt: skip
    program_services.program_put_in_force(actor=None, program=program, signed_on=today - 100 * DAY)
    return program


def test_xa_sees_the_recommendation_answers_it_in_one_click_and_it_leaves(
    world, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    oversight = supervision(world, today)
    rec = recommend(oversight, world.front_a, today + 5 * DAY)
    theirs = recommend(oversight, world.front_b, today + 1 * DAY)
    client = as_user(xa)

    for page in ("/agenda/", "/"):
        html = client.get(page).content.decode()
        assert f'data-key="{key_of(rec)}"' in html
        assert f'data-key="{key_of(theirs)}"' not in html
    answer = f"/oversight/{oversight.pk}/?answer={rec.pk}#rec-{rec.pk}"
    assert f'href="{answer}"' in html

    detail = client.get(answer.split("#")[0])
    assert detail.status_code == 200
    assert f'action="/recommendations/{rec.pk}/respond/"' in detail.content.decode()
    assert '<details class="mt-2" open>' in detail.content.decode()  # the answer form is open
    response = client.post(
        f"/recommendations/{rec.pk}/respond/",
        {f"rec{rec.pk}-status": "done", f"rec{rec.pk}-response": "Đã niêm yết tại nhà văn hóa"},
    )
    assert response.status_code == 302
    assert f'data-key="{key_of(rec)}"' not in client.get("/agenda/").content.decode()

    html_b = as_user(xa2).get("/agenda/").content.decode()
    assert f'data-key="{key_of(theirs)}"' in html_b
    assert f'data-key="{key_of(rec)}"' not in html_b


def test_late_items_come_first_on_the_page(world, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    oversight = supervision(world, today)
    soon = recommend(oversight, world.front_a, today + 5 * DAY)
    content = programme(world, today).contents.get(number=1)
    [late] = services_tasks.task_create(
        actor=None, content=content, title="Báo cáo quý", lead=world.front_a, due_on=today - 4 * DAY
    )
    html = as_user(xa).get("/agenda/").content.decode()
    assert html.index(f'data-key="{key_of(late)}"') < html.index(f'data-key="{key_of(soon)}"')
    assert "list-group-item-danger" in html  # the late one is marked


def test_settling_marks_the_reminder_read(world, xa, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rec = recommend(supervision(world, today), world.front_a, today + 2 * DAY)
    reminder = Notification.objects.create(
        user=xa, kind="reminder", title=str(rec), url="/oversight/1/", key=key_of(rec)
    )
    other = Notification.objects.create(user=xa, kind="reminder", title="Khác", key="other:1")
    with django_capture_on_commit_callbacks(execute=True):
        oversight_services.recommendation_respond(
            actor=User.objects.get(pk=xa.pk), recommendation=rec, status="done", response="Xong"
        )
    reminder.refresh_from_db()
    other.refresh_from_db()
    assert reminder.read_at is not None
    assert other.read_at is None


def test_a_post_action_is_a_form_behind_a_confirmation(
    world, xa, as_user, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(agenda, "_SOURCES", {})
    action = Action("Xác nhận", "/tests/confirm/", "post", "Xác nhận việc này?")
    thing = Item(
        "tests.thing:1", "tests.thing", "Việc", "Việc thử", "Đơn vị", "/tests/1/", TODAY, action
    )
    agenda.register("tests.thing", "Việc", lambda user, today: [thing])
    html = as_user(xa).get("/agenda/").content.decode()
    assert 'action="/tests/confirm/"' in html
    assert 'data-confirm="Xác nhận việc này?"' in html


def test_the_whole_agenda_is_flat_in_the_number_of_items(
    world, xa, as_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    oversight = supervision(world, today)
    content = programme(world, today).contents.get(number=1)
    recommend(oversight, world.front_a, today - 1 * DAY)
    client = as_user(xa)
    client.get("/agenda/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert client.get("/agenda/").content.decode().count("data-key=") == 1

    for n in range(5):
        recommend(oversight, world.front_a, today + n * DAY, f"Kiến nghị {n}")
        services_tasks.task_create(
            actor=None, content=content, title=f"Nhiệm vụ {n}", lead=world.front_a,
            due_on=today - n * DAY,
        )  # fmt: skip
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/agenda/").content.decode().count("data-key=") == 11
