"""Programme rules: bad input refused with a message, nothing partial saved."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.lib import periods
from danvan.programs import reviews, selectors, services, services_tasks
from danvan.programs.models import Program, ProgramStatus, Task, TaskStatus, TaskUpdate
from tests.conftest import World
from tests.programs.conftest import content

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_task_lead_must_be_a_party(world: World, tinh, program: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        services_tasks.task_create(
            actor=tinh, content=content(program, 1), title="Việc", lead=world.front_b,
            due_on=datetime.date(2025, 6, 1),
        )  # fmt: skip
    assert "not a party" in exc.value.message_dict["lead"][0]
    assert not Task.objects.exists()


def test_due_date_must_fall_within_the_term(world: World, tinh, program: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        services_tasks.task_create(
            actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
            due_on=datetime.date(2027, 1, 1),
        )  # fmt: skip
    assert "within the term" in exc.value.message_dict["due_on"][0]


def test_recurrence_needs_a_term(world: World, tinh) -> None:
    dated = services.program_create(
        actor=tinh, kind="action_programme", title="Kế hoạch", lead=world.commission,
        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31),
    )  # fmt: skip
    (c,) = services.contents_add(actor=tinh, program=dated, titles=["Nội dung"])
    with pytest.raises(ValidationError) as exc:
        services_tasks.task_create(
            actor=tinh, content=c, title="Báo cáo", lead=world.commission, recurrence="monthly"
        )
    assert "needs a programme with a term" in exc.value.message_dict["recurrence"][0]


def test_monthly_recurrence_makes_one_occurrence_per_month(
    world: World, tinh, program: Program
) -> None:
    tasks = services_tasks.task_create(
        actor=tinh, content=content(program, 3), title="Báo cáo tháng", lead=world.front_a,
        recurrence="monthly",
    )  # fmt: skip
    assert len(tasks) == 24
    assert tasks[0].period == "202501" and tasks[0].due_on == datetime.date(2025, 1, 31)
    assert tasks[1].due_on == datetime.date(2025, 2, 28)
    assert tasks[-1].due_on == datetime.date(2026, 12, 31)
    assert len({t.series for t in tasks}) == 1


def test_progress_percent_outside_0_100_is_refused(world: World, tinh, xa, program) -> None:
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    for bad in (-1, 101, 150):
        with pytest.raises(ValidationError, match="0 to 100"):
            services_tasks.task_report_progress(actor=xa, task=task, text="x", percent=bad)
    assert not TaskUpdate.objects.exists()


def test_a_party_reports_its_own_tasks_only(world: World, tinh, xa, program) -> None:
    (theirs,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc của Đảng ủy xã", lead=world.party_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services_tasks.task_report_progress(actor=xa, task=theirs, text="x", percent=10)


def test_contents_of_a_programme_in_force_change_only_after_a_leaders_reopening(
    world: World, tinh, lanhdao, program
) -> None:
    with pytest.raises(ValidationError, match="only while it is a draft"):
        services.contents_add(actor=tinh, program=program, titles=["Mới"])
    with pytest.raises(PermissionDenied):
        services.program_reopen(actor=tinh, program=program, reason="Bổ sung")
    with pytest.raises(ValidationError, match="Say why"):
        services.program_reopen(actor=lanhdao, program=program, reason=" ")
    services.program_reopen(actor=lanhdao, program=program, reason="Bổ sung nội dung")
    services.contents_add(actor=tinh, program=program, titles=["Mới"])
    assert program.contents.count() == 4
    reason = Program.history.filter(id=program.pk).order_by("-history_date").first()
    assert "Bổ sung nội dung" in reason.history_change_reason


def test_disguised_upload_is_refused_and_nothing_saved(world: World, tinh, xa, program) -> None:
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError):
        services_tasks.task_report_progress(
            actor=xa, task=task, text="Đã làm", percent=50, attachment=fake
        )
    task.refresh_from_db()
    assert task.percent == 0 and not TaskUpdate.objects.exists()


def test_progress_sets_status_and_done_date(world: World, tinh, xa, program) -> None:
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    services_tasks.task_report_progress(
        actor=xa, task=task, text="Bắt đầu", percent=30, reported_on=datetime.date(2025, 5, 1)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.done_on is None
    services_tasks.task_report_progress(
        actor=xa, task=task, text="Xong", percent=100, reported_on=datetime.date(2025, 6, 3)
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_on == datetime.date(2025, 6, 3)
    assert task.timeliness(datetime.date(2026, 1, 1)) == "done_late"


def test_renew_copies_parties_and_contents(world: World, tinh, lanhdao, program) -> None:
    with pytest.raises(ValidationError, match="once its term has ended"):
        services.program_renew(actor=tinh, program=program, term="2027-2031")
    with pytest.raises(PermissionDenied):
        services.program_end(actor=tinh, program=program)  # a leader ends the term
    services.program_end(actor=lanhdao, program=program)
    new = services.program_renew(actor=tinh, program=program, term="2027-2031")
    assert new.status == ProgramStatus.DRAFT and new.predecessor == program
    assert [c.title for c in new.contents.all()] == ["Tuyên truyền", "Dân chủ cơ sở", "Báo cáo"]
    assert {p.organization for p in new.parties.all()} == {
        world.commission,
        world.party_a,
        world.front_a,
    }


def test_bad_term_code_is_refused(world: World, tinh) -> None:
    with pytest.raises(ValidationError) as exc:
        services.program_create(
            actor=tinh, kind="coordination_programme", title="X", lead=world.commission,
            term="2021-2020",
        )  # fmt: skip
    assert "2021-2020" in exc.value.message_dict["term"][0]


def test_reporter_cannot_draft_for_the_commission(world: World, xa) -> None:
    with pytest.raises(PermissionDenied):
        services.program_create(
            actor=xa, kind="coordination_programme", title="X", lead=world.commission,
            term="2025-2026",
        )  # fmt: skip


def test_reminders_go_once_to_the_right_people(
    world: World, tinh, lanhdao, xa, program, django_capture_on_commit_callbacks
) -> None:
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc cần nhắc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 10),
    )  # fmt: skip

    def run(day: datetime.date) -> list[list[str]]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services_tasks.send_task_reminders(today=day)
        return [m.to for m in mail.outbox]

    assert run(datetime.date(2025, 6, 2)) == []
    assert run(datetime.date(2025, 6, 3)) == [["xa@example.vn"]]  # 7 days before
    assert "Việc cần nhắc" in mail.outbox[0].body and f"/tasks/{task.pk}/" in mail.outbox[0].body
    assert run(datetime.date(2025, 6, 3)) == []  # once
    assert run(datetime.date(2025, 6, 11)) == [["xa@example.vn"]]  # the day after
    assert run(datetime.date(2025, 6, 25)) == [["lanhdao@example.vn"]]  # 15 days: escalated
    assert run(datetime.date(2025, 6, 26)) == []


# --- Figures on a fixed clock ---------------------------------------------------------------


@pytest.mark.usefixtures("program")
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.lists(
        st.tuples(st.integers(0, 729), st.sampled_from(["none", "early", "late", "cancel"]),
                  st.booleans()),
        min_size=1, max_size=12,
    ),
    today_offset=st.integers(0, 760),
)  # fmt: skip
def test_per_party_figures_match_a_brute_force_count(
    world: World, tinh, plan, today_offset
) -> None:
    program = Program.objects.get()
    Task.objects.all().delete()
    start = datetime.date(2025, 1, 1)
    today = start + datetime.timedelta(days=today_offset)
    expected: dict[int, dict[str, int]] = {}
    for due_offset, outcome, by_front in plan:
        due = start + datetime.timedelta(days=due_offset)
        lead = world.front_a if by_front else world.party_a
        (task,) = services_tasks.task_create(
            actor=tinh, content=content(program, 1), title="t", lead=lead, due_on=due
        )
        if outcome in ("early", "late"):
            task.status, task.done_on = (
                TaskStatus.DONE,
                due + datetime.timedelta(days=-1 if outcome == "early" else 1),
            )
        elif outcome == "cancel":
            task.status = TaskStatus.CANCELLED
        task.save()
        if outcome == "early":
            state = "done_on_time"
        elif outcome == "late":
            state = "done_late"
        elif outcome == "cancel":
            state = "cancelled"
        else:
            state = "overdue" if due < today else "open"
        row = expected.setdefault(lead.pk, {})
        row[state] = row.get(state, 0) + 1
    figures = selectors.program_progress(program, today)["by_party"]
    for lead_id, states in expected.items():
        for state in ("done_on_time", "done_late", "overdue", "open", "cancelled"):
            assert figures[lead_id][state] == states.get(state, 0)


def test_review_facts_count_the_period_only(world: World, tinh, xa, program) -> None:
    a, b, c = (
        services_tasks.task_create(
            actor=tinh, content=content(program, 1), title=f"Việc {i}", lead=world.front_a,
            due_on=day,
        )[0]
        for i, day in enumerate(
            [datetime.date(2025, 3, 1), datetime.date(2025, 9, 1), datetime.date(2026, 3, 1)]
        )
    )  # fmt: skip
    services_tasks.task_report_progress(
        actor=xa, task=a, text="Xong sớm", percent=100, reported_on=datetime.date(2025, 2, 20)
    )
    services_tasks.task_report_progress(
        actor=xa, task=b, text="Xong muộn", percent=100, reported_on=datetime.date(2025, 9, 15)
    )
    facts = selectors.compile_review_facts(
        program, periods.parse("2025"), today=datetime.date(2026, 5, 1)
    )
    assert facts["totals"]["due"] == 2
    assert facts["totals"]["done_on_time"] == 1 and facts["totals"]["done_late"] == 1
    front = next(r for r in facts["by_party"] if r["party"] == world.front_a.name)
    assert front["due"] == 2
    assert [u["text"] for u in facts["updates"]] == ["Xong sớm", "Xong muộn"]
    assert c.due_on.year == 2026


def test_recurrence_coarser_than_the_term_is_refused_not_a_crash(world: World, tinh) -> None:
    one_year = services.program_create(
        actor=tinh, kind="action_programme", title="Kế hoạch năm", lead=world.commission,
        term="2026", contents=["Nội dung"],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="too short"):
        services_tasks.task_create(
            actor=tinh, content=one_year.contents.get(), title="Báo cáo",
            lead=world.commission, recurrence="yearly",
        )  # fmt: skip


def test_dates_must_lie_within_the_term(world: World, tinh) -> None:
    with pytest.raises(ValidationError, match="within the term"):
        services.program_create(
            actor=tinh, kind="action_programme", title="X", lead=world.commission,
            term="2021-2026", starts_on=datetime.date(2020, 7, 1),
        )  # fmt: skip
    assert not Program.objects.filter(title="X").exists()


def test_creation_with_a_bad_content_saves_nothing(world: World, tinh) -> None:
    with pytest.raises(ValidationError):
        services.program_create(
            actor=tinh, kind="action_programme", title="Nguyên khối", lead=world.commission,
            term="2026", contents=["Tốt", "x" * 401],
        )  # fmt: skip
    assert not Program.objects.filter(title="Nguyên khối").exists()


def test_a_progress_report_cannot_cancel_backdate_or_half_finish(world, tinh, xa, program) -> None:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="lead agency cancels"):
        services_tasks.task_report_progress(
            actor=xa, task=task, text="x", percent=0, status="cancelled"
        )
    with pytest.raises(ValidationError, match="100 percent"):
        services_tasks.task_report_progress(
            actor=xa, task=task, text="x", percent=10, status="done"
        )
    with pytest.raises(ValidationError, match="before the programme began"):
        services_tasks.task_report_progress(
            actor=xa, task=task, text="x", percent=100, reported_on=datetime.date(2019, 1, 1)
        )
    assert not TaskUpdate.objects.exists()


def test_an_ended_programme_is_kept_as_it_was(world, tinh, lanhdao, xa, program) -> None:  # type: ignore[no-untyped-def]
    (task,) = services_tasks.task_create(
        actor=tinh, content=content(program, 1), title="Việc", lead=world.front_a,
        due_on=datetime.date(2025, 6, 1),
    )  # fmt: skip
    services.program_end(actor=lanhdao, program=program)
    with pytest.raises(ValidationError, match="has ended"):
        services_tasks.task_update(actor=tinh, task=task, title="Đổi")
    with pytest.raises(ValidationError, match="in force"):
        services_tasks.task_report_progress(actor=xa, task=task, text="x", percent=50)


def test_reviews_final_only_after_the_end_and_one_per_period(world, tinh, lanhdao, program) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="once the term has ended"):
        reviews.review_open(actor=tinh, program=program, kind="final", period="2025-2026")
    reviews.review_open(actor=tinh, program=program, kind="interim", period="2025")
    with pytest.raises(ValidationError, match="exists already"):
        reviews.review_open(actor=tinh, program=program, kind="interim", period="2025")
    services.program_end(actor=lanhdao, program=program)
    reviews.review_open(actor=tinh, program=program, kind="final", period="2025-2026")
    program.refresh_from_db()
    assert program.status == ProgramStatus.REVIEWED


def test_one_reminder_email_lists_all_of_a_persons_tasks(
    world, tinh, xa, program, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    for title in ("Việc một", "Việc hai"):
        services_tasks.task_create(
            actor=tinh, content=content(program, 1), title=title, lead=world.front_a,
            due_on=datetime.date(2025, 6, 10),
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services_tasks.send_task_reminders(today=datetime.date(2025, 6, 5))
    assert len(mail.outbox) == 1
    assert "Việc một" in mail.outbox[0].body and "Việc hai" in mail.outbox[0].body


def test_reminders_command_runs_the_background_job(
    world, tinh, xa, program, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command
    from django.utils import timezone

    # The programme is in force; a task due in 3 days needs a reminder today.
    today = timezone.localdate()
    if not program.starts_on <= today + datetime.timedelta(days=3) <= program.ends_on:
        Program.objects.filter(pk=program.pk).update(
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=60),
        )
        program.refresh_from_db()
    Task.objects.create(
        content=content(program, 1), title="Sắp đến hạn", lead=world.front_a,
        due_on=today + datetime.timedelta(days=3),
    )  # fmt: skip
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reminders", stdout=out)
    assert "SUCCESSFUL" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["xa@example.vn"]]
