"""Legal time limits in working days over Vietnam's calendar: Tết 2027 (the `holidays` library
gives 04–10/02/2027: 29 Tết on Thursday 4 to mùng 5 on Wednesday 10), Hùng Kings, 30/4–1/5
(1/5/2027 is a Saturday, observed on Monday 3/5), 2/9 and the swapped days (Saturday
22/8/2026 worked for Monday 31/8/2026)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from danvan.dialogue import deadlines, services_petitions
from danvan.dialogue.models import Complexity, PetitionKind, PetitionState

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2027, 2, 3), True),  # Wednesday before Tết
        (D(2027, 2, 4), False),  # 29 Tết
        (D(2027, 2, 5), False),  # New Year's Eve
        (D(2027, 2, 8), False),
        (D(2027, 2, 10), False),  # mùng 5
        (D(2027, 2, 11), True),  # back to work
        (D(2027, 4, 16), False),  # Hùng Kings
        (D(2027, 4, 30), False),
        (D(2027, 5, 3), False),  # 1/5 on a Saturday, observed on Monday
        (D(2027, 9, 2), False),
        (D(2027, 9, 3), False),
        (D(2026, 8, 22), True),  # a Saturday worked in exchange for 31/8
        (D(2026, 8, 31), False),
        (D(2026, 8, 29), False),  # an ordinary Saturday
        (D(2014, 12, 27), True),  # a swap across the new year (for 2/1/2015)
        (D(2015, 1, 2), False),
        (D(2026, 12, 3), True),
    ],
)
def test_the_calendar(day: datetime.date, working: bool) -> None:
    assert deadlines.is_working_day(day) is working


def test_acceptance_over_tet() -> None:
    # Thursday 28/01/2027: 29/1, 1–3/2 count, Tết 4–10/2 does not, then 11/2 to 18/2.
    assert deadlines.acceptance_days() == 10
    assert deadlines.add_working_days(D(2027, 1, 28), 10) == D(2027, 2, 18)
    # A plain count would have said 07/02.
    assert D(2027, 1, 28) + datetime.timedelta(days=10) < D(2027, 2, 18)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2027, 4, 20), 30, D(2027, 6, 3)),  # over 30/4 and the observed 3/5
        (D(2027, 8, 16), 45, D(2027, 10, 20)),  # over 2–3/9
        (D(2026, 8, 17), 60, D(2026, 11, 11)),  # the worked Saturday 22/8 counts; 31/8–2/9 do not
        (D(2026, 12, 3), 70, D(2027, 3, 19)),  # over 1/1 and Tết
        (D(2027, 2, 6), 0, D(2027, 2, 11)),  # zero days from a holiday: the next working day
        (D(2027, 2, 3), 0, D(2027, 2, 3)),
    ],
)
def test_settlement_dates(start: datetime.date, days: int, due: datetime.date) -> None:
    assert deadlines.add_working_days(start, days) == due
    if days:
        assert deadlines.working_days_between(start, due) == days


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        deadlines.add_working_days(D(2027, 1, 1), -1)
    assert deadlines.working_days_between(D(2027, 2, 18), D(2027, 1, 28)) == 0


@hsettings(max_examples=200, derandomize=True, deadline=None)
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2028, 12, 31)),
    days=st.integers(min_value=1, max_value=130),
)
def test_a_deadline_is_a_working_day_never_before_the_plain_count(
    start: datetime.date, days: int
) -> None:
    due = deadlines.add_working_days(start, days)
    assert deadlines.is_working_day(due)
    assert due >= start + datetime.timedelta(days=days)
    assert deadlines.working_days_between(start, due) == days
    # The day before the deadline has one working day fewer: the deadline is the first such day.
    assert deadlines.working_days_between(start, due - datetime.timedelta(days=1)) == days - 1


R = django_settings.DANVAN_PETITION_DAYS


def _expected(kind: str, complexity: str, remote: bool, second: bool) -> int:
    if kind == PetitionKind.DENUNCIATION:
        return R["denunciation"]
    if second and remote:
        return R["second_remote"]
    if second:
        return R["second_complex"] if complexity == Complexity.COMPLEX else R["second"]
    if remote:
        return R["remote_complex"] if complexity == Complexity.COMPLEX else R["remote"]
    return R["complex"] if complexity == Complexity.COMPLEX else R["ordinary"]


@pytest.mark.parametrize(
    ("kind", "complexity", "remote", "second"),
    list(itertools.product(PetitionKind.values, Complexity.values, [False, True], [False, True])),
)
def test_settlement_days_for_every_case(
    kind: str, complexity: str, remote: bool, second: bool
) -> None:
    assert deadlines.settlement_days(
        kind, complexity, remote_area=remote, second_level=second
    ) == _expected(kind, complexity, remote, second)


def test_the_days_the_law_sets() -> None:
    s = deadlines.settlement_days
    assert s(PetitionKind.PETITION, Complexity.NORMAL) == 30
    assert s(PetitionKind.PETITION, Complexity.COMPLEX) == 45
    assert s(PetitionKind.FEEDBACK, Complexity.NORMAL, remote_area=True) == 45
    assert s(PetitionKind.FEEDBACK, Complexity.COMPLEX, remote_area=True) == 60
    assert s(PetitionKind.PETITION, Complexity.NORMAL, second_level=True) == 45
    assert s(PetitionKind.PETITION, Complexity.COMPLEX, second_level=True) == 60
    assert s(PetitionKind.PETITION, Complexity.NORMAL, remote_area=True, second_level=True) == 70
    assert s(PetitionKind.DENUNCIATION, Complexity.COMPLEX, remote_area=True) == 30
    m = deadlines.max_extension_days
    assert m(PetitionKind.PETITION, Complexity.NORMAL) == 15
    assert m(PetitionKind.PETITION, Complexity.COMPLEX) == 30
    assert m(PetitionKind.PETITION, Complexity.NORMAL, remote_area=True) == 30
    assert m(PetitionKind.DENUNCIATION, Complexity.NORMAL) == 60  # twice 30


def test_the_days_are_settings(file_petition) -> None:  # type: ignore[no-untyped-def]
    with override_settings(DANVAN_PETITION_DAYS={**R, "ordinary": 20, "accept": 5}):
        assert deadlines.settlement_days(PetitionKind.PETITION, Complexity.NORMAL) == 20
        petition = file_petition(received_on=D(2026, 12, 1))
        assert petition.due_on == D(2026, 12, 8)  # 5 working days
        services_petitions.petition_accept(
            actor=None, petition=petition, accepted_on=D(2026, 12, 2), today=D(2026, 12, 3)
        )
    petition.refresh_from_db()
    assert petition.state == PetitionState.ACCEPTED
    assert petition.settle_due == petition.due_on == D(2026, 12, 30)  # 20 working days
    assert deadlines.settlement_days(PetitionKind.PETITION, Complexity.NORMAL) == 30
