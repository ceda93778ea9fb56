"""Reads of programmes and tasks, through the user's scope, and the figures derived from them."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, QuerySet
from django.http import Http404

from danvan.lib import periods
from danvan.lib.history import HistoryEntry, history_for_many
from danvan.lib.records import one_or_404
from danvan.lib.text import fold
from danvan.org.models import Organization, Verb
from danvan.org.scopes import ReportingScope, per_scope
from danvan.org.selectors import organizations_user_may_edit, user_can

from .models import (
    Program,
    ProgramContent,
    ProgramParty,
    Review,
    Task,
    TaskStatus,
    TaskUpdate,
)

if TYPE_CHECKING:
    from danvan.accounts.models import User

TIMELINESS = ("done_on_time", "done_late", "overdue", "open", "cancelled")


# --- Who may do what -----------------------------------------------------------------------
# The role rules only; whether the programme's state allows the act is the services' Conflict.


def may_create_program(user: User) -> bool:
    return organizations_user_may_edit(user).exists()


def may_lead_program(user: User, lead: Organization) -> bool:
    """Draft a programme led by this agency."""
    return user_can(user, Verb.EDIT, lead)


def may_edit_program(user: User, program: Program) -> bool:
    """Change its details, parties, contents and tasks: the lead agency's staff."""
    return user_can(user, Verb.EDIT, program.lead)


def may_sign_program(user: User, program: Program) -> bool:
    return may_edit_program(user, program)


def may_reopen_program(user: User, program: Program) -> bool:
    """A leader of the lead agency."""
    return user_can(user, Verb.APPROVE, program.lead)


def may_end_program(user: User, program: Program) -> bool:
    return may_reopen_program(user, program)


def may_renew_program(user: User, program: Program) -> bool:
    return may_edit_program(user, program)


def may_edit_task(user: User, task: Task) -> bool:
    return may_edit_program(user, task.content.program)


def may_report_progress(user: User, task: Task) -> bool:
    """The officers of the organisation that leads the task."""
    return user_can(user, Verb.EDIT, task.lead)


def may_write_reviews(user: User, program: Program) -> bool:
    return may_edit_program(user, program)


def may_edit_review(user: User, review: Review) -> bool:
    return may_write_reviews(user, review.program)


# --- Programmes ----------------------------------------------------------------------------


def programs_for_user(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    party: int | None = None,
    term: str = "",
    overdue_on: datetime.date | None = None,
) -> QuerySet[Program]:
    programs = Program.objects.visible_to(user)
    for word in fold(q).split():
        programs = programs.filter(search_text__contains=word)
    if kind:
        programs = programs.filter(kind=kind)
    if status:
        programs = programs.filter(status=status)
    if party is not None:
        programs = programs.filter(parties__organization_id=party, parties__deleted_at__isnull=True)
    if term:
        programs = programs.filter(term=term)
    if overdue_on is not None:
        late = Task.objects.overdue(overdue_on).values("content__program_id")
        programs = programs.filter(pk__in=late)
    return programs.select_related("lead").order_by("-starts_on", "title")


def get_program_for_user(user: User, pk: int | str) -> Program:
    return one_or_404(
        Program.objects.visible_to(user).select_related("lead", "lead__area", "predecessor"), pk
    )


PROGRAM_PREFETCH = ("parties__organization", "documents", "contents")


def get_program_with_parts(user: User, pk: int | str) -> Program:
    """A programme with its parties, documents and contents, as the API answers it."""
    return one_or_404(Program.objects.visible_to(user).prefetch_related(*PROGRAM_PREFETCH), pk)


def program_parties(program: Program) -> QuerySet[ProgramParty]:
    return program.parties.select_related("organization", "organization__area")


def organization_choices(user: User, *, exclude: list[int] | None = None) -> Any:
    """Active organisations in the user's scope, to name as parties or supporting units."""
    return (
        Organization.objects.visible_to(user)
        .active()
        .exclude(pk__in=exclude or [])
        .select_related("area")
    )


def party_organizations(program: Program) -> QuerySet[Organization]:
    """The parties' organisations, as a task's lead is chosen among them."""
    return Organization.objects.filter(
        pk__in=program.parties.values("organization_id")
    ).select_related("area")


def program_party_organization(program: Program, pk: object) -> Organization | None:
    """One of the programme's parties (whoever's scope it lies in), or None."""
    return party_organizations(program).filter(pk=pk).first()


def get_content_for_user(user: User, pk: int | str, *, removed_too: bool = False) -> ProgramContent:
    """A main content of a programme the user may see; 404 otherwise. A removed one only with
    `removed_too` (to restore it)."""
    contents = (ProgramContent.all_objects if removed_too else ProgramContent.objects).visible_to(
        user
    )
    return one_or_404(contents.select_related("program", "program__lead"), pk)


def get_removed_party_for_user(user: User, pk: int | str) -> ProgramParty:
    """A party removed from a programme the user may see; 404 otherwise."""
    parties = ProgramParty.all_objects.filter(
        deleted_at__isnull=False, program__in=Program.objects.visible_to(user)
    )
    return one_or_404(parties.select_related("program", "organization"), pk)


def removed_party_of(program: Program, organization_id: int) -> ProgramParty:
    """The organisation's removed party row in a programme already read through the scope."""
    parties = ProgramParty.all_objects.filter(program=program, deleted_at__isnull=False)
    found = parties.filter(organization_id=organization_id).select_related("organization").first()
    if found is None:
        raise Http404
    return found


def program_contents(program: Program) -> QuerySet[ProgramContent]:
    return program.contents.order_by("number")


def program_contents_with_tasks(program: Program) -> list[ProgramContent]:
    tasks = Task.objects.select_related("lead").order_by("due_on", "pk")
    return list(program.contents.prefetch_related(Prefetch("tasks", queryset=tasks)))


def program_tasks(program: Program) -> QuerySet[Task]:
    return (
        Task.objects.filter(content__program=program)
        .select_related("lead", "content")
        .order_by("content__number", "due_on", "pk")
    )


def program_updates(program: Program, limit: int = 30) -> QuerySet[TaskUpdate]:
    return (
        TaskUpdate.objects.filter(task__content__program=program)
        .select_related("task", "task__lead", "author")
        .order_by("-reported_on", "-pk")[:limit]
    )


def program_reviews(program: Program) -> QuerySet[Review]:
    return program.reviews.order_by("-issued_on", "-pk")


def counts(tasks: list[Task], today: datetime.date) -> dict[str, int]:
    """How many tasks are done on time, done late, overdue, open and cancelled."""
    tally = Counter(task.timeliness(today) for task in tasks)
    result = {key: tally.get(key, 0) for key in TIMELINESS}
    result["total"] = len(tasks)
    result["done"] = result["done_on_time"] + result["done_late"]
    return result


def with_percentages(row: dict[str, int]) -> dict[str, Any]:
    """Shares of the non-cancelled tasks, for progress bars."""
    base = row["total"] - row["cancelled"]
    shares = {
        f"{key}_pct": round(100 * row[key] / base) if base else 0
        for key in ("done_on_time", "done_late", "overdue", "open")
    }
    return {**row, **shares}


def program_progress(program: Program, today: datetime.date) -> dict[str, Any]:
    """Progress per content and per party (one query for the tasks)."""
    tasks = list(program_tasks(program))
    by_content: dict[int, list[Task]] = {}
    by_party: dict[int, list[Task]] = {}
    for task in tasks:
        by_content.setdefault(task.content_id, []).append(task)
        by_party.setdefault(task.lead_id, []).append(task)
    return {
        "total": with_percentages(counts(tasks, today)),
        "by_content": {k: with_percentages(counts(v, today)) for k, v in by_content.items()},
        "by_party": {k: with_percentages(counts(v, today)) for k, v in by_party.items()},
    }


def timeline(program: Program, today: datetime.date) -> list[dict[str, Any]]:
    """Tasks by due month, stacked by state, for every month of the term (to scale)."""
    months: dict[str, Counter[str]] = {}
    for task in program_tasks(program):
        key = task.due_on.strftime("%Y-%m")
        months.setdefault(key, Counter())[task.timeliness(today)] += 1
    if not months:
        return []
    keys = []
    year, month = program.starts_on.year, program.starts_on.month
    while (year, month) <= (program.ends_on.year, program.ends_on.month):
        keys.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    empty: Counter[str] = Counter()
    return [
        {"month": key, **{k: months.get(key, empty).get(k, 0) for k in TIMELINESS}} for key in keys
    ]


def program_structure_history(program: Program) -> list[HistoryEntry]:
    """Changes to the parties and main contents, newest first."""
    contents = ProgramContent.history.filter(program_id=program.pk).select_related("history_user")
    parties = ProgramParty.history.filter(program_id=program.pk).select_related(
        "history_user", "organization"
    )
    entries = history_for_many(ProgramContent, contents, subject=lambda r: f"{r.number}. {r.title}")
    entries += history_for_many(ProgramParty, parties, subject=lambda r: r.organization.name)
    return sorted(entries, key=lambda e: e.when, reverse=True)[:50]


# --- Tasks ---------------------------------------------------------------------------------


def tasks_for_user(
    user: User,
    *,
    program: int | None = None,
    lead: int | None = None,
    status: str = "",
    overdue_on: datetime.date | None = None,
    due_before: datetime.date | None = None,
) -> QuerySet[Task]:
    tasks = Task.objects.visible_to(user)
    if program is not None:
        tasks = tasks.filter(content__program_id=program)
    if lead is not None:
        tasks = tasks.filter(lead_id=lead)
    if status:
        tasks = tasks.filter(status=status)
    if overdue_on is not None:
        tasks = tasks.overdue(overdue_on)
    if due_before is not None:
        tasks = tasks.filter(due_on__lte=due_before)
    return tasks.select_related("lead", "content", "content__program").order_by("due_on", "pk")


def get_task_for_user(user: User, pk: int | str) -> Task:
    return one_or_404(
        Task.objects.visible_to(user).select_related(
            "lead", "content", "content__program", "content__program__lead"
        ),
        pk,
    )


def task_updates(task: Task) -> QuerySet[TaskUpdate]:
    return task.updates.select_related("author").order_by("-reported_on", "-pk")


def updates_for_user(user: User, *, task: int | None = None) -> QuerySet[TaskUpdate]:
    updates = TaskUpdate.objects.visible_to(user)
    if task is not None:
        updates = updates.filter(task_id=task)
    return updates.select_related("author", "task").order_by("-reported_on", "-pk")


def get_update_for_user(user: User, pk: int | str) -> TaskUpdate:
    return one_or_404(updates_for_user(user), pk)


def my_work(user: User, today: datetime.date) -> QuerySet[Task]:
    """Open tasks led by the user's organisations (and their units): overdue or due soon."""
    soon = today + datetime.timedelta(days=settings.DANVAN_DUE_SOON_DAYS)
    tasks = Task.objects.open().filter(
        ReportingScope.for_user(user).q("lead"),
        due_on__lte=soon,
        content__program__status="in_force",
    )
    return tasks.select_related("lead", "content", "content__program").order_by("due_on", "pk")


def get_review_for_user(user: User, pk: int | str) -> Review:
    return one_or_404(
        Review.objects.visible_to(user).select_related(
            "program", "program__lead", "program__lead__area", "created_by"
        ),
        pk,
    )


# --- Review facts --------------------------------------------------------------------------


def compile_review_facts(
    program: Program, period: periods.Period, *, today: datetime.date
) -> dict[str, Any]:
    """The figures of a period: tasks due then, how they stand, per party and per content."""
    tasks = [t for t in program_tasks(program) if period.start <= t.due_on <= period.end]
    # Judge as of the period's end (or today, if the period is still running).
    as_of = min(today, period.end + datetime.timedelta(days=1))
    parties = {p.organization_id: p.organization.name for p in program_parties(program)}
    contents = {c.pk: c for c in program.contents.all()}
    by_party: dict[int, list[Task]] = {}
    by_content: dict[int, list[Task]] = {}
    for task in tasks:
        by_party.setdefault(task.lead_id, []).append(task)
        by_content.setdefault(task.content_id, []).append(task)
    updates = (
        TaskUpdate.objects.filter(
            task__content__program=program,
            reported_on__gte=period.start,
            reported_on__lte=period.end,
        )
        .select_related("task", "task__lead")
        .order_by("reported_on", "pk")
    )

    def row(items: list[Task]) -> dict[str, int]:
        figures = counts(items, as_of)
        figures["due"] = figures["total"] - figures["cancelled"]
        return figures

    return {
        "period": period.code,
        "period_label": period.label("vi"),
        # The label inside a sentence: «trong năm 2025», «trong 6 tháng đầu năm 2025».
        "period_phrase": period.label("vi")[:1].lower() + period.label("vi")[1:],
        "as_of": as_of.isoformat(),
        "as_of_label": as_of.strftime("%d/%m/%Y"),
        "totals": row(tasks),
        "by_party": [
            {"party": name, **row(by_party.get(org_id, []))} for org_id, name in parties.items()
        ],
        "by_content": [
            {"number": c.number, "content": c.title, **row(by_content.get(pk, []))}
            for pk, c in sorted(contents.items(), key=lambda item: item[1].number)
        ],
        "updates": [
            {
                "date": u.reported_on.isoformat(),
                "party": u.task.lead.name,
                "task": u.task.title,
                "percent": u.percent,
                "text": u.text,
            }
            for u in updates
        ],
    }


def tasks_done_on_time_of(scopes: Sequence[ReportingScope], period: periods.Period) -> list[int]:
    """Tasks led within each scope, due in the period and done by their due date: a derived
    figure for periodic reports. One grouped query, whatever the scopes."""
    found = per_scope(
        Task.objects.filter(
            due_on__gte=period.start,
            due_on__lte=period.end,
            status=TaskStatus.DONE,
            done_on__lte=F("due_on"),
        ),
        scopes,
        "lead",
        n=Count("pk"),
    )
    return [row["n"] for row in found]
