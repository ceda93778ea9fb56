"""The figures the monthly report derives from the notes (`lib.figures`, group `situation`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from danvan.accounts.models import User
from danvan.lib import figures as registry
from danvan.lib import periods
from danvan.org.scopes import ReportingScope
from danvan.situation import board, figures, services
from danvan.situation.models import Level, Note, Topic
from danvan.situation.topics import GROUP_CODES
from tests.conftest import World
from tests.situation.conftest import TODAY

pytestmark = pytest.mark.django_db

D = datetime.date
FileNote = Callable[..., Note]
NOVEMBER = periods.parse("202611")


def test_the_registry_offers_the_situation_figures() -> None:
    keys = {source.key for source in registry.sources() if source.group == "situation"}
    assert keys == {f"situation.{name}" for name in figures.FIGURES}
    assert {"situation.notes", "situation.hot_spots_open", "situation.resolved"} <= keys
    assert {f"situation.topic_{code}" for code in GROUP_CODES} <= keys
    assert registry.get("situation.notes_hot_spot") is not None
    url = registry.records_url("situation.notes", 7, NOVEMBER)
    assert url.startswith("/situation/notes/?") and "period=202611" in url and "org=7" in url


@pytest.fixture
def notes(world: World, file_note: FileNote) -> dict[str, Note]:
    health = Topic.objects.get(code="health")
    order = Topic.objects.get(code="order")
    made = {
        "normal_1": file_note(event_date=D(2026, 11, 3)),
        "normal_2": file_note(event_date=D(2026, 11, 30)),
        "watch": file_note(event_date=D(2026, 11, 12), topic=health, level=Level.WATCH),
        "hot": file_note(event_date=D(2026, 11, 5), level=Level.HOT_SPOT),
        "complex": file_note(event_date=D(2026, 11, 20), topic=order, level=Level.COMPLEX),
        "old_hot": file_note(event_date=D(2026, 10, 10), level=Level.HOT_SPOT),
        "old_settled": file_note(event_date=D(2026, 10, 12), level=Level.HOT_SPOT),
        "december": file_note(event_date=D(2026, 12, 1), level=Level.HOT_SPOT),
        "commune_b": file_note(
            organization=world.front_b,
            area=world.commune_b,
            event_date=D(2026, 11, 8),
            level=Level.HOT_SPOT,
        ),
    }

    def resolve(key: str, day: D) -> None:
        services.note_resolve(actor=None, note=made[key], resolved_on=day, today=TODAY)

    resolve("hot", D(2026, 12, 2))  # after November: still open at the end of November
    resolve("old_settled", D(2026, 11, 15))  # resolved in November
    resolve("normal_1", D(2026, 11, 10))
    return made


def test_figures_of_a_unit_for_a_month(
    world: World, notes: dict[str, Note], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        found = figures.situation_figures(ReportingScope.of(world.front_a), NOVEMBER)
    assert set(found) == set(figures.FIGURES)
    assert {key: found[key] for key in figures.BY_LEVEL} == {
        "notes": 5,
        "notes_watch": 1,
        "notes_hot_spot": 1,
        "notes_complex": 1,
        # November's hot spot (resolved in December), the complex incident, and October's hot
        # spot still followed; not the one settled in November nor December's.
        "hot_spots_open": 3,
        "resolved": 2,
    }
    assert (found["topic_land"], found["topic_health"], found["topic_order"]) == (3, 1, 1)
    assert sum(found[key] for key in figures.BY_TOPIC) == found["notes"]


def test_figures_follow_the_scope_and_the_period(world: World, notes: dict[str, Note]) -> None:
    province = figures.situation_figures(ReportingScope.of(world.commission), NOVEMBER)
    assert (province["notes"], province["notes_hot_spot"], province["hot_spots_open"]) == (6, 2, 4)
    commune_b = figures.situation_figures(ReportingScope.of(world.front_b), NOVEMBER)
    assert (commune_b["notes"], commune_b["topic_land"], commune_b["resolved"]) == (1, 1, 0)
    # By the area the units stand in: commune A's area holds its Front's notes.
    assert figures.situation_figures(ReportingScope.of(world.commune_a), NOVEMBER) == (
        figures.situation_figures(ReportingScope.of(world.front_a), NOVEMBER)
    )
    december = figures.situation_figures(ReportingScope.of(world.front_a), periods.parse("202612"))
    # December's hot spot is open; November's was resolved on 2 December.
    assert (december["notes"], december["hot_spots_open"], december["resolved"]) == (1, 3, 1)
    quarter = figures.situation_figures(ReportingScope.of(world.front_a), periods.parse("2026Q4"))
    assert (quarter["notes"], quarter["resolved"], quarter["topic_land"]) == (8, 3, 6)
    empty = figures.situation_figures(ReportingScope(), NOVEMBER)
    assert set(empty.values()) == {0}


def test_the_figures_of_many_units_at_once(
    world: World, notes: dict[str, Note], django_assert_num_queries: Any
) -> None:
    """A pivot's rows: two grouped queries whatever the units, each unit's own figures."""
    scopes = [ReportingScope.of(world.front_a), ReportingScope.of(world.front_b)]
    with django_assert_num_queries(2):
        together = figures.situation_figures_of(scopes, NOVEMBER)
    assert together == [figures.situation_figures(scope, NOVEMBER) for scope in scopes]
    assert (together[0]["notes"], together[1]["notes"]) == (5, 1)
    by_area = [ReportingScope.of(world.commune_a), ReportingScope.of(world.commune_b)]
    with django_assert_num_queries(2):
        assert figures.situation_figures_of(by_area, NOVEMBER) == together
    assert figures.situation_figures_of([], NOVEMBER) == []
    # A scope of a unit and an area: each path read against its own column.
    mixed = ReportingScope(org_paths=(world.front_a.path,), area_paths=(world.commune_b.path,))
    assert figures.situation_figures(mixed, NOVEMBER)["notes"] == 5 + 1


# --- The hot-spots board ----------------------------------------------------------------------


def board_reads(user: Any, world: World) -> dict[str, Any]:
    return {
        "table": board.area_table(user, scope=world.province, period=NOVEMBER, today=TODAY),
        "hot": list(board.open_hot_spots(user, scope=world.province)),
        "topics": board.counts_by(user, scope=world.province, period=NOVEMBER, by="topic"),
        "areas": board.counts_by(user, scope=world.province, period=NOVEMBER, by="area"),
        "months": board.counts_by(user, scope=None, period=periods.parse("2026Q4"), by="month"),
    }


def test_the_board_counts_what_the_reader_sees(
    world: World, tinh: User, xa: User, xa2: User, notes: dict[str, Note]
) -> None:
    seen = board_reads(tinh, world)
    by_area = {row.label: row for row in seen["table"]}
    assert list(by_area) == ["Xã Mường Xén", "Xã Mỹ Lý"]  # ranked by total
    commune_a = by_area["Xã Mường Xén"]
    land, health = Topic.objects.get(code="land"), Topic.objects.get(code="health")
    assert (commune_a.key, commune_a.total) == (world.commune_a.pk, 5)
    assert (commune_a.counts[land.pk], commune_a.counts[health.pk]) == (3, 1)
    # The last 12 months up to November 2026, oldest first: October 2026 had 2, November 5.
    assert commune_a.trend[-2:] == [2, 5] and sum(commune_a.trend) == 7
    # Still followed: commune A's complex incident, October's and December's hot spots, and
    # commune B's; by area, then the latest first.
    assert [n.pk for n in seen["hot"]] == [
        notes[k].pk for k in ("december", "complex", "old_hot", "commune_b")
    ]
    assert seen["topics"][0] == {"key": "land", "label": land.label, "count": 4}
    assert [(r["label"], r["count"]) for r in seen["areas"]] == [
        ("Xã Mường Xén", 5),
        ("Xã Mỹ Lý", 1),
    ]
    assert [(r["key"], r["count"]) for r in seen["months"]] == [
        ("202610", 2),
        ("202611", 6),
        ("202612", 1),
    ]

    # Commune B's reporter sees only commune B's notes, none of xa's.
    other = board_reads(xa2, world)
    assert [(row.label, row.total) for row in other["table"]] == [("Xã Mỹ Lý", 1)]
    assert [n.pk for n in other["hot"]] == [notes["commune_b"].pk]
    assert [(r["key"], r["count"]) for r in other["topics"]] == [("land", 1)]
    assert sum(r["count"] for r in other["months"]) == 1
    assert all(n.organization == world.front_a for n in board_reads(xa, world)["hot"])


def test_the_boards_queries_do_not_grow_with_the_notes(
    world: World, tinh: User, file_note: FileNote, django_assert_max_num_queries: Any
) -> None:
    def reads() -> None:
        with django_assert_max_num_queries(3):
            board.area_table(tinh, scope=world.province, period=NOVEMBER, today=TODAY)
        with django_assert_max_num_queries(1):
            list(board.open_hot_spots(tinh, scope=world.province))
        with django_assert_max_num_queries(2):
            board.counts_by(tinh, scope=world.province, period=NOVEMBER, by="topic")
        with django_assert_max_num_queries(1):
            board.counts_by(tinh, scope=world.province, period=NOVEMBER, by="month")
        group = Topic.objects.get(code="land")
        with django_assert_max_num_queries(1):
            board.forecast_for(tinh, world.commune_a, group, today=TODAY)

    board.default_scope(tinh)  # the reader's scope, read once per request
    file_note(event_date=D(2026, 11, 2), level=Level.HOT_SPOT)
    reads()
    for day in range(3, 23):
        file_note(event_date=D(2026, 11, day), level=Level.HOT_SPOT if day % 2 else Level.WATCH)
        file_note(organization=world.front_b, area=world.commune_b, event_date=D(2026, 10, day))
    reads()


def test_a_forecast_says_when_its_history_is_short(
    world: World, tinh: User, xa2: User, file_note: FileNote
) -> None:
    land = Topic.objects.get(code="land")
    for month in range(7, 12):
        file_note(event_date=D(2026, month, 10))
    found = board.forecast_for(tinh, world.commune_a, land, today=TODAY)
    assert found.months == ["202607", "202608", "202609", "202610", "202611"]
    assert found.history == [1, 1, 1, 1, 1]
    assert found.next_months == ["202612", "202701", "202702"]
    assert found.result.short and found.result.values == []
    assert found.result.needed > 5
    # The reader of another commune has no history there at all.
    unseen = board.forecast_for(xa2, world.commune_a, land, today=TODAY)
    assert unseen.months == [] and unseen.history == []


# --- Notes citing a document ------------------------------------------------------------------


def test_notes_cite_the_documents_they_link(
    world: World, xa: User, xa2: User, file_note: FileNote
) -> None:
    from danvan.documents import references
    from danvan.situation import citations
    from tests.factories import DocumentFactory

    document = DocumentFactory()
    linked = file_note(xa, documents=[document], event_date=D(2026, 11, 4), level=Level.WATCH)
    file_note(xa, documents=[document], event_date=D(2026, 10, 4))
    file_note(xa, event_date=D(2026, 11, 5))  # cites nothing
    assert citations.SOURCE in references.sources()
    (first, second) = citations.references(xa, document)
    assert (first.title, first.day, first.url) == (
        linked.summary,
        D(2026, 11, 4),
        f"/situation/notes/{linked.pk}/",
    )
    assert "Xã Mường Xén" in first.detail and second.day == D(2026, 10, 4)
    assert citations.references(xa2, document) == []
    summary = citations.summarize(document, [world.front_a.path], NOVEMBER)
    assert summary.count == 1
    assert [row[1] for row in summary.rows] == [0, 1, 0, 0]  # normal, watch, hot spot, complex
    assert summary.lines == [f"04/11/2026 — Xã Mường Xén: {linked.summary}"]
    assert citations.summarize(document, [world.front_b.path], NOVEMBER).count == 0
