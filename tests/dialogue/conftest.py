"""Dialogue fixtures: a topic, an administrator, and helpers that record a petition, a
dialogue and a reception (keywords override). TODAY is a Thursday; 2027's Tết is 5–10/02."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from danvan.accounts.models import User
from danvan.dialogue import services, services_intake
from danvan.dialogue.models import (
    Dialogue,
    DialogueKind,
    HostRole,
    Petition,
    PetitionChannel,
    PetitionKind,
    Reception,
)
from danvan.org.models import Role
from danvan.situation.models import Topic
from tests.conftest import World
from tests.factories import member

TODAY = datetime.date(2026, 12, 3)
PERSON = {
    "name": "Nguyễn Văn Thành",
    "phone": "0912345678",
    "address": "Thôn 3, xã Mường Xén",
    "email": "thanh.nv@example.vn",
}


@pytest.fixture
def land(db: None) -> Topic:
    return Topic.objects.get(code="land-clearance")


@pytest.fixture
def quantri(world: World) -> User:
    """An administrator of the provincial commission: handles data subject requests."""
    return member(world.commission, Role.ADMIN, email="quantri@example.vn")


@pytest.fixture
def file_petition(world: World, land: Topic) -> Callable[..., Petition]:
    """Record a petition (default: the system, for commune A's Front, with a petitioner who
    consented)."""

    def make(actor: User | None = None, **fields: Any) -> Petition:
        values: dict[str, Any] = {
            "organization": world.front_a,
            "area": world.commune_a,
            "topic": land,
            "kind": PetitionKind.PETITION,
            "channel": PetitionChannel.RECEPTION,
            "summary": "Đề nghị sửa chữa đoạn đường liên thôn bị sạt lở",
            "text": "Đoạn đường từ thôn 3 đi trung tâm xã bị sạt lở sau mưa lũ.",
            "received_on": TODAY - datetime.timedelta(days=2),
            "person": dict(PERSON),
            "consent": True,
            "today": TODAY,
        }
        values.update(fields)
        return services_intake.petition_create(actor=actor, **values)

    return make


@pytest.fixture
def hold_dialogue(world: World) -> Callable[..., Dialogue]:
    """Announce a commune dialogue conference for party A (held 10 days after announcement)."""

    def make(actor: User | None = None, **fields: Any) -> Dialogue:
        values: dict[str, Any] = {
            "organization": world.party_a,
            "kind": DialogueKind.CONFERENCE,
            "title": "Hội nghị đối thoại giữa người đứng đầu cấp ủy với nhân dân xã Mường Xén",
            "held_on": TODAY - datetime.timedelta(days=20),
            "announced_on": TODAY - datetime.timedelta(days=30),
            "host_role": HostRole.PARTY_SECRETARY,
        }
        values.update(fields)
        return services.dialogue_create(actor=actor, **values)

    return make


@pytest.fixture
def record_reception(world: World) -> Callable[..., Reception]:
    def make(actor: User | None = None, **fields: Any) -> Reception:
        values: dict[str, Any] = {
            "organization": world.party_a,
            "held_on": TODAY - datetime.timedelta(days=5),
            "host_role": HostRole.PARTY_SECRETARY,
            "place": "Trụ sở Đảng ủy xã",
            "citizens": 6,
            "cases": 3,
            "today": TODAY,
        }
        values.update(fields)
        return services.reception_create(actor=actor, **values)

    return make
