"""Tests for danvan.lib.periods: codes, labels, ordering, containment and reporting windows."""

import datetime
import itertools
from collections.abc import Callable
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from danvan.lib.periods import (
    Period,
    PeriodError,
    PeriodType,
    from_date,
    is_valid,
    parse,
    reporting_period_for,
)

# Messages are read in English here; the Vietnamese catalogue is checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

YEAR, HALF, QUARTER, MONTH, TERM = (
    PeriodType.YEAR,
    PeriodType.HALF,
    PeriodType.QUARTER,
    PeriodType.MONTH,
    PeriodType.TERM,
)
CALENDAR_TYPES = [YEAR, HALF, QUARTER, MONTH]
RANK = {TERM: 0, YEAR: 1, HALF: 2, QUARTER: 3, MONTH: 4}
ONE_DAY = datetime.timedelta(days=1)


# --- strategies ------------------------------------------------------------------------------

dates = st.dates(date(1900, 1, 1), date(2100, 12, 31))
calendar_types = st.sampled_from(CALENDAR_TYPES)
calendar_periods = st.builds(from_date, dates, calendar_types)


@st.composite
def terms(draw: st.DrawFn, max_length: int = 200) -> Period:
    first = draw(st.integers(1900, 2099))
    last = draw(st.integers(first + 1, min(2100, first + max_length - 1)))
    return parse(f"{first}-{last}")


periods = st.one_of(calendar_periods, terms())
# Short terms keep month-level enumeration cheap.
small_periods = st.one_of(calendar_periods, terms(max_length=10))


@st.composite
def codes(draw: st.DrawFn) -> str:
    year = draw(st.integers(1900, 2100))
    return draw(
        st.sampled_from(
            [
                f"{year}",
                f"{year}S{draw(st.integers(1, 2))}",
                f"{year}Q{draw(st.integers(1, 4))}",
                f"{year}{draw(st.integers(1, 12)):02d}",
                f"{min(year, 2099)}-{draw(st.integers(min(year, 2099) + 1, 2100))}",
            ]
        )
    )


def finer_types(period: Period) -> list[PeriodType]:
    return [t for t in CALENDAR_TYPES if RANK[t] > RANK[period.type]]


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "type_", "start", "end"),
    [
        ("2022", YEAR, date(2022, 1, 1), date(2022, 12, 31)),
        ("2022S1", HALF, date(2022, 1, 1), date(2022, 6, 30)),
        ("2022S2", HALF, date(2022, 7, 1), date(2022, 12, 31)),
        ("2022Q1", QUARTER, date(2022, 1, 1), date(2022, 3, 31)),
        ("2022Q3", QUARTER, date(2022, 7, 1), date(2022, 9, 30)),
        ("2022Q4", QUARTER, date(2022, 10, 1), date(2022, 12, 31)),
        ("202207", MONTH, date(2022, 7, 1), date(2022, 7, 31)),
        ("202402", MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2021-2025", TERM, date(2021, 1, 1), date(2025, 12, 31)),
        ("2021-2026", TERM, date(2021, 1, 1), date(2026, 12, 31)),
        ("1900", YEAR, date(1900, 1, 1), date(1900, 12, 31)),
        ("2100", YEAR, date(2100, 1, 1), date(2100, 12, 31)),
    ],
)
def test_parse_every_form(code: str, type_: PeriodType, start: date, end: date) -> None:
    period = parse(code)
    assert period == Period(code, type_, start, end)
    assert (period.code, period.type, period.start, period.end) == (code, type_, start, end)
    assert is_valid(code)


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("2022s1", "2022S1"),
        ("2022q3", "2022Q3"),
        ("  202207\n", "202207"),
        (" 2021-2025 ", "2021-2025"),
    ],
)
def test_parse_normalises(code: str, canonical: str) -> None:
    assert parse(code).code == canonical


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("2022S3", "a half year is S1 or S2"),
        ("2022S0", "a half year is S1 or S2"),
        ("2022S01", "a half year is S1 or S2"),
        ("2022Q0", "a quarter is Q1, Q2, Q3 or Q4"),
        ("2022Q5", "a quarter is Q1, Q2, Q3 or Q4"),
        ("202213", "a month is 01 to 12"),
        ("202200", "a month is 01 to 12"),
        ("2025-2021", "first year must be before its last year"),
        ("2022-2022", "first year must be before its last year"),
        ("1899", "years must be between 1900 and 2100"),
        ("2101Q1", "years must be between 1900 and 2100"),
        ("2099-2101", "years must be between 1900 and 2100"),
        ("22", "is not a valid period code"),
        ("", "is not a valid period code"),
        ("2022 S1", "is not a valid period code"),
        ("2022-S1", "is not a valid period code"),
        ("20227", "is not a valid period code"),
        ("2022M07", "is not a valid period code"),
        ("2022W01", "is not a valid period code"),
        ("\uff12\uff10\uff12\uff12", "is not a valid period code"),
        ("abc", "is not a valid period code"),
    ],
)
def test_bad_codes(code: str, reason: str) -> None:
    with pytest.raises(PeriodError) as excinfo:
        parse(code)
    message = str(excinfo.value)
    assert f"«{code.strip()}»" in message  # the code is named
    assert reason in message
    assert "Use 2022, 2022S1, 2022S2, 2022Q3, 202207 or 2021-2025." in message
    assert isinstance(excinfo.value, ValueError)
    assert not is_valid(code)


def test_non_string_is_invalid() -> None:
    assert not is_valid(2022)  # type: ignore[arg-type]


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        ("2022", "Năm 2022", "2022"),
        ("2022S1", "6 tháng đầu năm 2022", "First half of 2022"),
        ("2022S2", "6 tháng cuối năm 2022", "Second half of 2022"),
        ("2022Q1", "Quý I năm 2022", "Q1 2022"),
        ("2022Q2", "Quý II năm 2022", "Q2 2022"),
        ("2022Q3", "Quý III năm 2022", "Q3 2022"),
        ("2022Q4", "Quý IV năm 2022", "Q4 2022"),
        ("202207", "Tháng 7 năm 2022", "July 2022"),
        ("202212", "Tháng 12 năm 2022", "December 2022"),
        ("2021-2025", "Giai đoạn 2021\u20132025", "2021\u20132025"),
    ],
)
def test_labels(code: str, vi: str, en: str) -> None:
    period = parse(code)
    assert period.label("vi") == vi
    assert period.label("vi-vn") == vi
    assert period.label("en") == en
    assert period.label("fr") == en
    with translation.override("vi"):
        assert str(period) == vi
    with translation.override("en"):
        assert str(period) == en


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        ("2022", "2022", "2022"),
        ("2022S1", "6T đầu 2022", "H1 2022"),
        ("2022S2", "6T cuối 2022", "H2 2022"),
        ("2022Q2", "Quý II/2022", "Q2 2022"),
        ("202207", "T7/2022", "7/2022"),
        ("2021-2025", "2021\u20132025", "2021\u20132025"),
    ],
)
def test_short_labels_for_a_charts_axis(code: str, vi: str, en: str) -> None:
    assert (parse(code).short_label("vi"), parse(code).short_label("en")) == (vi, en)


# --- navigation ------------------------------------------------------------------------------


def test_children_parent_next_previous() -> None:
    year = parse("2022")
    assert [p.code for p in year.children(MONTH)] == [f"2022{m:02d}" for m in range(1, 13)]
    assert [p.code for p in year.children(HALF)] == ["2022S1", "2022S2"]
    assert [p.code for p in parse("2022S2").children(QUARTER)] == ["2022Q3", "2022Q4"]
    assert [p.code for p in parse("2021-2025").children(YEAR)] == [
        str(y) for y in range(2021, 2026)
    ]
    assert len(parse("2021-2025").children(MONTH)) == 60
    assert parse("202208").parent(QUARTER).code == "2022Q3"
    assert parse("202208").parent(HALF).code == "2022S2"
    assert parse("2022Q3").parent(YEAR).code == "2022"
    assert parse("2022S2").next().code == "2023S1"
    assert parse("2022Q1").previous().code == "2021Q4"
    assert parse("202212").next().code == "202301"
    assert parse("2021-2025").next().code == "2026-2030"
    assert parse("2021-2026").previous().code == "2015-2020"
    assert from_date(date(2022, 8, 31), QUARTER).code == "2022Q3"


@pytest.mark.parametrize(
    ("call"),
    [
        lambda: parse("2022Q1").children(HALF),
        lambda: parse("2022").children(YEAR),
        lambda: parse("2022").children(TERM),
        lambda: parse("202201").parent(MONTH),
        lambda: parse("202201").parent(TERM),
        lambda: parse("2021-2025").parent(YEAR),
        lambda: from_date(date(2022, 1, 1), TERM),
        lambda: parse("2100").next(),
        lambda: parse("190001").previous(),
        lambda: parse("2091-2100").next(),
        lambda: reporting_period_for(date(2022, 1, 1), TERM),
    ],
)
def test_navigation_errors(call: Callable[[], object]) -> None:
    with pytest.raises(PeriodError):
        call()


def test_ordering_examples() -> None:
    shuffled = [parse(c) for c in ["202201", "2022Q1", "2021-2025", "2022", "2022S1", "2021-2022"]]
    assert [p.code for p in sorted(shuffled)] == [
        "2021-2025",
        "2021-2022",
        "2022",
        "2022S1",
        "2022Q1",
        "202201",
    ]
    assert parse("2022") < parse("2022S1") < parse("2022Q1") < parse("202201") < parse("202202")
    assert parse("2022s1") == parse("2022S1")
    assert len({parse("2022s1"), parse("2022S1")}) == 1


def test_contains_examples() -> None:
    assert parse("2022S1").contains(parse("2022Q2"))
    assert parse("2022S1").contains(parse("202206"))
    assert not parse("2022S1").contains(parse("202207"))
    assert parse("2021-2025").contains(parse("2023Q4"))
    assert not parse("2022Q2").contains(parse("2022S1"))
    assert parse("2022Q2").contains(parse("2022Q2"))


# --- reporting windows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2022S1", date(2021, 12, 15), date(2022, 6, 14)),
        ("2022S2", date(2022, 6, 15), date(2022, 12, 14)),
        ("2022", date(2021, 12, 15), date(2022, 12, 14)),
        ("2022Q1", date(2021, 12, 15), date(2022, 3, 14)),
        ("202207", date(2022, 6, 15), date(2022, 7, 14)),
        ("2021-2025", date(2020, 12, 15), date(2025, 12, 14)),
    ],
)
def test_reporting_window_with_cutoff_15(code: str, start: date, end: date) -> None:
    assert parse(code).reporting_window(15) == (start, end)
    with override_settings():
        del settings.DANVAN_REPORTING_CUTOFF_DAY
        assert parse(code).reporting_window() == (start, end)


@pytest.mark.parametrize("code", ["2022", "2022S2", "2022Q3", "202202", "2021-2025"])
def test_reporting_window_with_cutoff_1_is_calendar_range(code: str) -> None:
    period = parse(code)
    assert period.reporting_window(1) == (period.start, period.end)


def test_reporting_window_follows_setting() -> None:
    period = parse("2022S2")
    with override_settings(DANVAN_REPORTING_CUTOFF_DAY=1):
        assert period.reporting_window() == (date(2022, 7, 1), date(2022, 12, 31))
        assert reporting_period_for(date(2022, 12, 20), HALF).code == "2022S2"
    with override_settings(DANVAN_REPORTING_CUTOFF_DAY=20):
        assert period.reporting_window() == (date(2022, 6, 20), date(2022, 12, 19))
        assert period.reporting_window(15) == (date(2022, 6, 15), date(2022, 12, 14))
    with override_settings(DANVAN_REPORTING_CUTOFF_DAY=31), pytest.raises(PeriodError):
        period.reporting_window()


@pytest.mark.parametrize("day", [0, 29, 31, -1])
def test_invalid_cutoff_day(day: int) -> None:
    with pytest.raises(PeriodError, match="cut-off day"):
        parse("2022").reporting_window(day)
    with pytest.raises(PeriodError, match="cut-off day"):
        reporting_period_for(date(2022, 1, 1), MONTH, day)


@pytest.mark.parametrize(
    ("d", "type_", "expected"),
    [
        (date(2022, 12, 20), HALF, "2023S1"),
        (date(2022, 12, 14), HALF, "2022S2"),
        (date(2022, 6, 14), HALF, "2022S1"),
        (date(2022, 6, 15), HALF, "2022S2"),
        (date(2022, 12, 15), YEAR, "2023"),
        (date(2022, 3, 15), QUARTER, "2022Q2"),
        (date(2022, 7, 14), MONTH, "202207"),
        (date(2022, 7, 15), MONTH, "202208"),
        (date(2022, 1, 31), MONTH, "202202"),
    ],
)
def test_reporting_period_for(d: date, type_: PeriodType, expected: str) -> None:
    assert reporting_period_for(d, type_, 15).code == expected
    assert reporting_period_for(d, type_, 1) == from_date(d, type_)


# --- properties ------------------------------------------------------------------------------


@given(periods)
def test_round_trip(period: Period) -> None:
    parsed = parse(period.code)
    assert parsed == period
    assert (parsed.type, parsed.start, parsed.end) == (period.type, period.start, period.end)
    assert parse(f" {period.code.lower()} ") == period


@given(codes())
def test_generated_codes_are_canonical(code: str) -> None:
    assert parse(code).code == code


@given(st.lists(periods, min_size=1, max_size=30))
def test_sorting_is_by_start_then_span(items: list[Period]) -> None:
    ordered = sorted(items)
    assert ordered == sorted(items, key=lambda p: p.sort_key)
    starts = [p.start for p in ordered]
    assert starts == sorted(starts)
    for before, after in itertools.pairwise(ordered):
        assert before <= after
        if before.start == after.start and before != after:
            assert before.contains(after)


@given(periods, periods, periods)
def test_total_order(a: Period, b: Period, c: Period) -> None:
    assert sum([a < b, a == b, b < a]) == 1
    assert (a == b) == (a.code == b.code) == (a.sort_key == b.sort_key)
    if a <= b and b <= c:
        assert a <= c
    if a.start < b.start:
        assert a < b


@given(small_periods, st.data())
def test_contains_children_and_their_months(period: Period, data: st.DataObject) -> None:
    types = finer_types(period)
    assume(types)
    child_type = data.draw(st.sampled_from(types))
    children = period.children(child_type)
    assert children[0].start == period.start
    assert children[-1].end == period.end
    for child, following in itertools.pairwise(children):
        assert following.start == child.end + ONE_DAY
        assert following == child.next()
    for child in children:
        assert child.type == child_type
        assert period.contains(child)
        if period.type != TERM:
            assert child.parent(period.type) == period
        months = [child] if child.type == MONTH else child.children(MONTH)
        assert all(period.contains(month) for month in months)
    assert period.contains(period)


@given(small_periods, st.data())
def test_contains_is_transitive_on_nested_chains(period: Period, data: st.DataObject) -> None:
    def pick_inside(outer: Period) -> Period:
        types = finer_types(outer)
        if not types or data.draw(st.booleans()):
            return outer
        return data.draw(st.sampled_from(outer.children(data.draw(st.sampled_from(types)))))

    middle = pick_inside(period)
    inner = pick_inside(middle)
    assert period.contains(middle) and middle.contains(inner)
    assert period.contains(inner)


@given(periods, periods, periods)
def test_contains_is_transitive_on_arbitrary_triples(a: Period, b: Period, c: Period) -> None:
    if a.contains(b) and b.contains(c):
        assert a.contains(c)


@given(dates, calendar_types, calendar_types)
def test_from_date_contains_finer_from_date(d: date, t1: PeriodType, t2: PeriodType) -> None:
    coarse, fine = sorted([t1, t2], key=RANK.__getitem__)
    outer, inner = from_date(d, coarse), from_date(d, fine)
    assert outer.contains(inner)
    assert outer.start <= d <= outer.end
    assert outer.sort_key <= inner.sort_key


@given(periods)
def test_next_and_previous_are_inverse(period: Period) -> None:
    try:
        earlier = period.previous()
    except PeriodError:
        earlier = None
    try:
        later = period.next()
    except PeriodError:
        later = None
    assume(earlier is not None or later is not None)
    if earlier is not None:
        assert earlier.next() == period
        assert earlier < period and earlier.end < period.start
    if later is not None:
        assert later.previous() == period
        assert period < later and period.end + ONE_DAY == later.start


@given(periods, st.integers(1, 28))
def test_reporting_windows_tile(period: Period, cutoff_day: int) -> None:
    try:
        following = period.next()
    except PeriodError:
        assume(False)
        raise
    start, end = period.reporting_window(cutoff_day)
    next_start, _ = following.reporting_window(cutoff_day)
    assert start <= end
    assert next_start == end + ONE_DAY
    if period.type != TERM:
        assert reporting_period_for(start, period.type, cutoff_day) == period
        assert reporting_period_for(end, period.type, cutoff_day) == period
        assert reporting_period_for(next_start, period.type, cutoff_day) == following
