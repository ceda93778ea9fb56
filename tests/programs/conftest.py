"""A programme for the cast: the commission leads, commune A's Party committee and Front sign."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from danvan.programs import services
from danvan.programs.models import Program
from tests.conftest import World


@pytest.fixture
def program(world: World, tinh) -> Program:  # type: ignore[no-untyped-def]
    program = services.program_create(
        actor=tinh,
        kind="coordination_programme",
        title="Chương trình phối hợp thử nghiệm",
        lead=world.commission,
        parties=[world.party_a, world.front_a],
        term="2025-2026",
    )
    services.contents_add(
        actor=tinh, program=program, titles=["Tuyên truyền", "Dân chủ cơ sở", "Báo cáo"]
    )
    services.program_put_in_force(actor=tinh, program=program, signed_on=datetime.date(2025, 1, 15))
    return program


def content(program: Program, number: int):  # type: ignore[no-untyped-def]
    return program.contents.get(number=number)


@pytest.fixture
def draft(world: World, tinh) -> Program:  # type: ignore[no-untyped-def]
    """A draft the commission leads with commune A's Party committee and Front: three contents."""
    program = services.program_create(
        actor=tinh,
        kind="coordination_programme",
        title="Dự thảo chương trình phối hợp",
        lead=world.commission,
        parties=[world.party_a, world.front_a],
        term="2025-2026",
        contents=["Một", "Hai", "Ba"],
    )
    return program


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    """A JSON API call: send(client, "post", "/api/v1/…", {...})."""
    body = {} if data is None else {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(client, method)(url, **body)
