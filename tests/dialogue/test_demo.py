"""The dialogue demo tells its story: a year of reception sessions with a few heads behind,
the dialogues (two conferences, one urgent, one announced), about 300 petitions in every state
with units answering on time more or less often, xa's petition due this week, and the
half-year report deriving its dialogue figures. Loaded once for the module, with the demos it
stands on (the organisations, the report forms, the situation notes), in the command's order."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.models import User
from danvan.dialogue import board, deadlines, demo, scorecard, selectors
from danvan.dialogue.figures import dialogue_figures
from danvan.dialogue.models import (
    Commitment,
    CommitmentStatus,
    Confirmation,
    DataRequest,
    Dialogue,
    DialogueKind,
    DialogueStatus,
    Extension,
    Petition,
    Petitioner,
    PetitionKind,
    PetitionState,
    Reception,
    RequestState,
)
from danvan.lib import agenda, periods
from danvan.org.demo import DEMO_COMMUNES
from danvan.org.management.commands.demo import _demo_modules
from danvan.org.models import Organization
from danvan.org.scopes import ReportingScope
from danvan.reporting import demo as reporting_demo
from danvan.reporting import rollups
from danvan.reporting import selectors as reporting_selectors
from danvan.reporting.models import Form, Indicator, Source, Submission, SubmissionStatus, Value
from danvan.situation.models import SERIOUS_LEVELS

pytestmark = pytest.mark.django_db

NEEDED = (
    "danvan.org.demo",
    "danvan.reporting.demo",
    "danvan.situation.demo",
    "danvan.dialogue.demo",
)


@pytest.fixture(scope="module")
def today(django_db_setup: None, django_db_blocker) -> Iterator[datetime.date]:  # type: ignore[no-untyped-def]
    """The demos the dialogue story stands on, in the command's order, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        for module in _demo_modules():
            if module.__name__ in NEEDED:
                module.load(io.StringIO())
        yield timezone.localdate()
        transaction.set_rollback(True)


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@demo.danvan.vn")


def _org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def test_the_command_loads_dialogue_after_reporting_and_situation(today: datetime.date) -> None:
    names = [m.__name__ for m in _demo_modules()]
    assert "danvan.dialogue.demo" in names
    order = [names.index(n) for n in NEEDED]
    assert order == sorted(order)


def test_about_300_petitions_in_every_state(today: datetime.date) -> None:
    petitions = Petition.objects.all()
    year_ago = today - datetime.timedelta(days=365)
    recent = petitions.filter(received_on__gte=year_ago)
    assert 280 <= recent.count() <= 360
    assert max(p.received_on for p in petitions) <= today
    assert set(petitions.values_list("state", flat=True)) == set(PetitionState.values)
    assert set(petitions.values_list("kind", flat=True)) == set(PetitionKind.values)
    # Across the demo communes, most from the Kỳ Sơn border communes.
    communes = set(recent.values_list("organization__area__code", flat=True))
    assert set(DEMO_COMMUNES) <= communes | {"40"}
    muong_xen = recent.filter(area__code="16813").count()
    assert muong_xen > recent.filter(area__code="16690").count() * 2

    overdue = petitions.overdue(today)
    assert overdue.filter(state=PetitionState.RECEIVED).exists()  # acceptance overdue
    assert overdue.filter(state__in=[PetitionState.ACCEPTED, PetitionState.IN_PROGRESS]).exists()
    assert overdue.count() < 20  # some, not a backlog
    in_progress = petitions.filter(state=PetitionState.IN_PROGRESS)
    assert in_progress.count() >= 4 and all(p.handler_id for p in in_progress)

    referred = petitions.filter(state=PetitionState.REFERRED)
    assert referred and all(p.competent_body_label for p in referred)
    assert all(p.kind in (PetitionKind.COMPLAINT, PetitionKind.DENUNCIATION) for p in referred)
    refused = petitions.filter(state=PetitionState.REFUSED)
    assert refused and all(p.refusal_reason and p.closed_on for p in refused)

    settled = [p for p in petitions if p.settled_on is not None]
    assert all(p.result for p in settled)
    late = [p for p in settled if not p.settled_on_time]
    assert late and len(late) < len(settled) / 5
    closed = petitions.filter(state=PetitionState.CLOSED)
    assert closed.filter(confirmation=Confirmation.SATISFIED).exists()
    assert closed.filter(confirmation=Confirmation.NOT_SATISFIED).exists()
    assert closed.filter(confirmation=Confirmation.NONE).exists()  # closed by the daily job


def test_extended_reopened_merged_and_linked(today: datetime.date) -> None:
    extensions = Extension.objects.select_related("petition")
    assert 3 <= extensions.count() <= 20
    for extension in extensions:
        assert extension.reason and extension.new_due > extension.previous_due
        assert extension.decided_on <= min(today, extension.previous_due)
    assert any(e.petition.is_open and e.petition.due_on == e.new_due for e in extensions)

    (reopened,) = Petition.objects.filter(reopened__gt=0)
    assert reopened.is_open and reopened.confirmation == Confirmation.NONE
    entry = reopened.history.filter(history_verb="reopened").get()  # type: ignore[attr-defined]
    assert "1998" in entry.history_change_reason
    # Extended in each settlement, by more together than one settlement may be: each counts apart.
    rounds = [(e.cycle, e.working_days) for e in reopened.extensions.order_by("decided_on")]
    assert rounds == [(0, 10), (1, 25)]

    (merged,) = Petition.objects.filter(state=PetitionState.MERGED)
    assert merged.merged_into is not None and merged.merged_into.is_open
    assert merged.merged_into.area == merged.area and merged.merged_into.topic == merged.topic

    linked = Petition.objects.filter(note__isnull=False).select_related("note", "dialogue")
    assert linked.count() >= 3
    for petition in linked:
        assert petition.note is not None and petition.note.level in SERIOUS_LEVELS
        assert petition.note.area == petition.area  # the road incident in Mường Xén
        assert petition.dialogue is not None and petition.dialogue.urgent


def test_xa_has_a_petition_due_this_week_and_one_to_accept(today: datetime.date, as_user) -> None:  # type: ignore[no-untyped-def]
    xa, xa2 = _user("xa"), _user("xa2")
    mine = selectors.petitions_for_user(xa, state=PetitionState.IN_PROGRESS).filter(handler=xa)
    due_now = [p for p in mine if today < p.due_on <= today + datetime.timedelta(days=4)]
    assert len(due_now) == 1
    petition = due_now[0]
    assert deadlines.is_working_day(petition.due_on)
    # The due date is the law's: the settlement days counted from acceptance.
    days = deadlines.settlement_days(
        petition.kind, petition.complexity, remote_area=petition.remote_area
    )
    assert petition.accepted_on is not None
    assert deadlines.add_working_days(petition.accepted_on, days) == petition.due_on
    assert "•••" in (petition.text or "")  # the telephone typed in the text is masked
    waiting = selectors.petitions_for_user(xa, state=PetitionState.RECEIVED)
    assert waiting.filter(due_on__gte=today).exists()

    page = as_user(xa).get(reverse("dialogue_petition", args=[petition.pk]))
    assert page.status_code == 200
    assert petition.code in page.content.decode()
    refused: Client = as_user(xa2)
    assert refused.get(reverse("dialogue_petition", args=[petition.pk])).status_code == 404
    assert not selectors.petitions_for_user(xa2).filter(pk=petition.pk).exists()


def test_the_dialogues(today: datetime.date) -> None:
    publish_days = datetime.timedelta(days=10)
    conferences = list(Dialogue.objects.filter(kind=DialogueKind.CONFERENCE).order_by("held_on"))
    assert len(conferences) == 2
    published, held = conferences
    for conference in conferences:
        assert (conference.held_on - conference.announced_on).days >= 7
        assert conference.organization.kind.code == "government"
        assert conference.co_hosts.count() == 2
    assert published.status == DialogueStatus.PUBLISHED
    assert published.published_on is not None
    assert published.published_on - published.held_on <= publish_days
    commitments = list(published.commitments.all())
    assert 3 <= len(commitments) <= 4
    statuses = [c.status for c in commitments]
    assert (
        statuses.count(CommitmentStatus.KEPT) >= 1
        and statuses.count(CommitmentStatus.NOT_KEPT) == 1
    )
    assert all(c.evidence for c in commitments if c.status != CommitmentStatus.OPEN)
    assert [c for c in commitments if c.status == CommitmentStatus.OPEN and c.due_on < today]
    assert held.status == DialogueStatus.HELD and held.publication_late

    (urgent,) = Dialogue.objects.filter(urgent=True)
    assert urgent.kind == DialogueKind.THEMATIC and (urgent.held_on - urgent.announced_on).days == 3
    assert "Quốc lộ 7" in urgent.urgent_reason and urgent.status == DialogueStatus.PUBLISHED
    (coming,) = Dialogue.objects.filter(status=DialogueStatus.PLANNED)
    assert today < coming.held_on <= today + datetime.timedelta(days=28)
    assert (coming.held_on - coming.announced_on).days >= 7 and coming.announced_on <= today
    assert (
        Dialogue.objects.filter(kind=DialogueKind.DIRECT, status=DialogueStatus.PUBLISHED).count()
        >= 8
    )
    assert Commitment.objects.filter(status=CommitmentStatus.KEPT).count() >= 5


def test_the_schedule_shows_a_few_heads_behind(today: datetime.date) -> None:
    tinh = _user("tinh")
    assert Reception.objects.filter(held_on__gt=today).count() == 0
    year = (today.replace(day=1) - datetime.timedelta(days=1)).year  # last month's
    heads = board.schedule(tinh, year, today=today)
    behind = {(h.organization.name, h.host_role) for h in heads if h.months_behind}
    assert behind == {
        ("Ủy ban nhân dân xã Na Loi", "committee_chair"),
        ("Đảng ủy xã Nậm Cắn", "party_secretary"),
        ("Ủy ban nhân dân xã Tương Dương", "committee_chair"),
    }
    assert len(heads) > 100  # every commune's Party secretary and the demo communes' chairs
    assert heads[0].behind  # those behind come first
    province = next(
        h for h in heads if h.organization.name == "Đảng ủy Ủy ban nhân dân tỉnh Nghệ An"
    )
    assert province.required == 1 and not province.behind


def test_the_public_ranking_tells_units_apart(today: datetime.date) -> None:
    """Like the 1022 ranking: Mỹ Lý answers nearly always on time, Na Loi often late."""
    commission = Organization.objects.get(depth=1)
    current = periods.from_date(today, periods.PeriodType.HALF)
    counts: dict[str, list[int]] = {}
    for period in (current.previous().previous(), current.previous(), current):  # the year
        for line in scorecard.by_unit(ReportingScope.of(commission), period):
            settled_on_time = counts.setdefault(line.name, [0, 0])
            settled_on_time[0] += line.settled
            settled_on_time[1] += line.on_time

    def share(name: str) -> float:
        settled, on_time = counts[name]
        assert settled >= 8, name
        return on_time / settled

    my_ly, muong_xen, na_loi = (
        share(f"Ủy ban nhân dân xã {name}") for name in ("Mỹ Lý", "Mường Xén", "Na Loi")
    )
    assert my_ly >= 0.9 and my_ly > muong_xen > na_loi and 0.55 <= na_loi <= 0.8


def test_the_half_year_report_derives_the_dialogue_figures(today: datetime.date) -> None:
    form = Form.objects.get(code=reporting_demo.SIX_MONTH)
    keys = {
        "RECEPTION_DAYS": "dialogue.reception_days",
        "DIALOGUES": "dialogue.dialogues_held",
        "COMMITMENTS_KEPT": "dialogue.commitments_kept",
        "PETITIONS_RECEIVED": "dialogue.petitions_received",
        "PETITIONS_SETTLED": "dialogue.petitions_settled",
        "PETITIONS_SETTLED_ON_TIME": "dialogue.petitions_settled_on_time",
    }
    layout = reporting_selectors.form_layout(form)
    on_form = {i.code: i for i in layout.indicators}
    for code, key in keys.items():
        assert on_form[code].source == Source.DERIVED and on_form[code].derived_key == key
    assert on_form["PETITIONS_SETTLED_PCT"].source == Source.FORMULA
    assert not Value.objects.filter(indicator__code__in=list(keys)).exists()  # nothing typed

    half = periods.from_date(today, periods.PeriodType.HALF).previous()
    commission = Organization.objects.get(depth=1)
    expected = dialogue_figures(ReportingScope.of(commission), half)
    for code, key in keys.items():
        figure = rollups.figure(Indicator.objects.get(code=code), commission, half)
        assert figure == expected[key.split(".")[1]] > 0, code

    # The approved reports read them live: the dialogue demo ran after they were approved.
    approved = Submission.objects.filter(
        form=form, period=half.code, status=SubmissionStatus.APPROVED,
        organization__kind__code="party_committee",
        organization__area__code__in=DEMO_COMMUNES,
    ).select_related("organization")  # fmt: skip
    assert approved
    received = []
    for submission in approved:
        values = reporting_selectors.report_values(submission, layout)
        mine = dialogue_figures(ReportingScope.of(submission.organization), half)
        assert values["PETITIONS_RECEIVED"] == mine["petitions_received"]
        assert values["RECEPTION_DAYS"] == mine["reception_days"] > 0
        received.append(mine["petitions_received"])
    assert sum(received) > 0


def test_no_personal_data_in_clear(today: datetime.date) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone, address, email, erased_at FROM dialogue_petitioner")
        rows = cursor.fetchall()
        cursor.execute("SELECT text FROM dialogue_petition WHERE text IS NOT NULL AND text <> ''")
        texts = [row[0] for row in cursor.fetchall()]
    assert len(rows) == Petition.objects.count()
    stored = [value for row in rows for value in row[:4] if value]
    assert stored and all(value.startswith("gAAAAA") for value in stored)  # Fernet tokens
    assert texts and all(text.startswith("gAAAAA") for text in texts)
    raw = " ".join(stored + texts)

    people = Petitioner.objects.exclude(name="").exclude(name__isnull=True)
    assert people.count() > 250
    for person in people:  # placeholders no one bears: «Lô Văn A», 09xx 000 xxx
        assert re.fullmatch(r"\S+ (Văn|Thị|Bá) [A-Y]", person.name or ""), person.name
        assert re.fullmatch(r"09\d\d 000 \d{3}", person.phone or ""), person.phone
        assert person.name not in raw and person.phone not in raw
    assert people.filter(consent_at__isnull=True).count() == 0


def test_old_cases_erased_and_a_request_acknowledged(today: datetime.date) -> None:
    erased = Petitioner.objects.filter(erased_at__isnull=False).select_related("petition")
    assert erased.count() >= 5
    for petitioner in erased:
        petition = petitioner.petition
        assert petition.closed_on is not None
        assert (today - petition.closed_on).days > 730
        assert not petitioner.name and not petitioner.phone and not petition.text
        assert petition.summary and petition.result  # the case stays
    (request,) = DataRequest.objects.select_related("petition__petitioner", "handled_by")
    assert request.state == RequestState.ACKNOWLEDGED and request.acknowledged_on == today
    assert request.acknowledged_on <= request.acknowledge_due
    assert request.petition.state == PetitionState.CLOSED
    assert not request.petition.petitioner.is_erased  # to be done: acknowledged, not yet erased
    assert request.handled_by == _user("admin")


def test_reset_removes_it_and_load_tells_the_same_story(today: datetime.date) -> None:
    def story() -> list[tuple[object, ...]]:
        return list(
            Petition.objects.order_by(
                "received_on", "summary", "organization__name", "state"
            ).values_list(
                "received_on", "organization__name", "summary", "state", "due_on", "settled_on"
            )
        )

    before = story()
    receptions = Reception.objects.count()
    demo.reset()
    assert not Petition.objects.exists() and not Reception.objects.exists()
    assert not Dialogue.objects.exists() and not Petitioner.objects.exists()
    demo.load(io.StringIO())
    assert story() == before and Reception.objects.count() == receptions


def test_xa_is_told_a_citizen_is_not_satisfied(today: datetime.date) -> None:
    xa = _user("xa")
    [item] = agenda.for_user(xa, today, kinds=["dialogue.not_satisfied"])
    petition = Petition.objects.get(pk=int(item.key.split(":")[1]))
    assert petition.handler == xa and petition.confirmed_on == today - datetime.timedelta(days=3)
    assert "ốm đau" in (petition.history.first().history_change_reason or "")  # what they said
