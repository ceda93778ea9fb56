"""The documents every test of the registry starts from, and what cites them."""

from __future__ import annotations

from typing import Any

import pytest

from danvan.accounts.models import User
from danvan.documents import services
from danvan.documents.models import Document
from danvan.oversight import services as oversight_services
from tests.conftest import World
from tests.documents.helpers import (
    NGHI_QUYET,
    D,
    oversight,
    programme,
    register,
)


@pytest.fixture
def decision(world: World) -> Document:
    return register()


@pytest.fixture
def resolution(world: World) -> Document:
    return register(
        kind="resolution", number="25-NQ/TW", issuer="Ban Chấp hành Trung ương",
        issued_on=D(2013, 6, 3), title=NGHI_QUYET,
    )  # fmt: skip


@pytest.fixture
def old_regulation(world: World, decision: Document) -> Document:
    """290-QĐ/TW, replaced by 23-QĐ/TW."""
    old = register(kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    return services.document_replace(actor=None, document=old, replaced_by=decision)


@pytest.fixture
def cited(world: World, tinh: User, decision: Document) -> dict[str, Any]:
    """Programmes and oversights citing 23-QĐ/TW in and out of 2021-2025, and some that do not."""
    made: dict[str, Any] = {
        "in_force": programme(world, tinh, decision, term="2025-2026"),
        "earlier": programme(world, tinh, decision, title="Chương trình 2022-2023", term="2022-2023"),
        "later": programme(world, tinh, decision, title="Chương trình 2026", term="2026"),
        "uncited": programme(world, tinh, None, title="Không trích dẫn", term="2024"),
    }  # fmt: skip
    inspection = oversight(world, tinh, decision, start=D(2024, 4, 1))
    oversight_services.recommendation_add(
        actor=tinh, oversight=inspection, text="Khắc phục", responsible=world.front_a,
        due_on=D(2024, 12, 31),
    )  # fmt: skip
    oversight_services.oversight_conclude(
        actor=tinh, oversight=inspection, conclusion_on=D(2024, 5, 1),
        conclusion="Thực hiện tốt Quy chế.",
    )  # fmt: skip
    made["inspection"] = inspection
    made["supervision"] = oversight(
        world, tinh, decision, start=D(2025, 5, 5), kind="supervision", title="Giám sát 2025"
    )
    oversight(world, tinh, decision, start=D(2026, 2, 1), title="Kiểm tra 2026")  # after
    oversight(world, tinh, None, start=D(2025, 6, 1), title="Kiểm tra khác")  # not citing
    return made
