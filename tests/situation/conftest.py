"""Situation fixtures: the topics (seeded by the migration) and a helper that files a note."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from danvan.accounts.models import User
from danvan.org import areas
from danvan.org.models import Area, AreaLevel
from danvan.situation import services
from danvan.situation.models import Level, Note, SourceKind, Topic
from tests.conftest import World

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture
def land(db: None) -> Topic:
    """Site clearance, a topic of the land group."""
    return Topic.objects.get(code="land-clearance")


@pytest.fixture
def file_note(world: World, land: Topic) -> Callable[..., Note]:
    """File a note as `actor` (default: the system) for commune A's Front; keywords override."""

    def make(actor: User | None = None, **fields: Any) -> Note:
        values: dict[str, Any] = {
            "organization": world.front_a,
            "area": world.commune_a,
            "topic": land,
            "event_date": TODAY - datetime.timedelta(days=2),
            "summary": "Bà con thôn 3 chưa đồng thuận mức bồi thường giải phóng mặt bằng",
            "source": SourceKind.MEETING,
            "level": Level.NORMAL,
            "today": TODAY,
        }
        values.update(fields)
        return services.note_create(actor=actor, **values)

    return make


OLD_END = datetime.date(2025, 6, 30)


@pytest.fixture
def old_commune(world: World) -> Area:
    """A commune of the old district, merged into commune A at the 2025 reform."""
    return areas.area_create(
        actor=None, parent=world.old_district, code="16810", name="Xã Tà Cạ",
        level=AreaLevel.COMMUNE, valid_to=OLD_END, successors=[world.commune_a],
    )  # fmt: skip


@pytest.fixture
def village(world: World) -> Area:
    """A village (bản) of commune A."""
    return areas.area_create(
        actor=None, parent=world.commune_a, code="1681301", name="Bản Huồi Giảng",
        level=AreaLevel.VILLAGE, valid_from=world.commune_a.valid_from,
    )  # fmt: skip


@pytest.fixture
def commune_c(world: World) -> Area:
    """A third commune of the province (the rules on several communes need three)."""
    return areas.area_create(
        actor=None, parent=world.province, code="16819", name="Xã Bắc Lý",
        level=AreaLevel.COMMUNE, valid_from=world.commune_a.valid_from,
    )  # fmt: skip
