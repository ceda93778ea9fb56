"""Oversight fixtures: two People's Committees join the cast, and a document to check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from danvan.documents.models import Document
from danvan.documents.services import document_create
from danvan.org import services as org_services
from danvan.org.models import Organization
from tests.conftest import World, kind


@dataclass
class Units:
    ppc_a: Organization
    ppc_b: Organization


@pytest.fixture
def units(world: World) -> Units:
    ppc_a = org_services.organization_create(
        actor=None, parent=world.party_a, name="Ủy ban nhân dân xã Mường Xén",
        kind=kind("government"), area=world.commune_a,
    )  # fmt: skip
    ppc_b = org_services.organization_create(
        actor=None, parent=world.party_b, name="Ủy ban nhân dân xã Mỹ Lý",
        kind=kind("government"), area=world.commune_b,
    )  # fmt: skip
    return Units(ppc_a, ppc_b)


@pytest.fixture
def decision23(db: None) -> Document:
    return document_create(
        actor=None, kind="decision", number="23-QĐ/TW", issuer="Bộ Chính trị",
        issued_on=datetime.date(2021, 7, 3),
        title="Quy chế công tác dân vận của hệ thống chính trị",
    )  # fmt: skip
