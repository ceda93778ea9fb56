"""The named cast every test uses, built on a small province (the demo has the big one).

tinh     specialist of the provincial commission (whole province)
lanhdao  leader of the provincial commission
xa       reporter of commune A's Fatherland Front
xa2      reporter of commune B's Fatherland Front
outsider an account with no membership
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client

from danvan.accounts.models import User
from danvan.org import areas, services
from danvan.org.models import Area, AreaLevel, Organization, OrganizationKind, Role
from tests.factories import UserFactory, member

REFORM = datetime.date(2025, 7, 1)


@dataclass
class World:
    province: Area
    commune_a: Area
    commune_b: Area
    old_district: Area
    commission: Organization
    front_a: Organization
    front_b: Organization
    party_a: Organization
    party_b: Organization


def kind(code: str) -> OrganizationKind:
    return OrganizationKind.objects.get(code=code)


def make_user(email: str, **extra: object) -> User:
    user: User = UserFactory.create(email=email, **extra)
    return user


@pytest.fixture
def world(db: None) -> World:
    province = areas.area_create(
        actor=None, parent=None, code="40", name="Nghệ An", level=AreaLevel.PROVINCE
    )
    commune_a = areas.area_create(
        actor=None, parent=province, code="16813", name="Xã Mường Xén",
        level=AreaLevel.COMMUNE, valid_from=REFORM,
    )  # fmt: skip
    commune_b = areas.area_create(
        actor=None, parent=province, code="16816", name="Xã Mỹ Lý",
        level=AreaLevel.COMMUNE, valid_from=REFORM,
    )  # fmt: skip
    old_district = areas.area_create(
        actor=None, parent=province, code="417", name="Huyện Kỳ Sơn",
        level=AreaLevel.DISTRICT, valid_to=REFORM - datetime.timedelta(days=1),
    )  # fmt: skip
    commission = services.organization_create(
        actor=None, parent=None, name="Ban Dân vận Tỉnh ủy Nghệ An",
        kind=kind("mobilization_commission"), area=province,
    )  # fmt: skip
    party_a = services.organization_create(
        actor=None, parent=commission, name="Đảng ủy xã Mường Xén",
        kind=kind("party_committee"), area=commune_a,
    )  # fmt: skip
    party_b = services.organization_create(
        actor=None, parent=commission, name="Đảng ủy xã Mỹ Lý",
        kind=kind("party_committee"), area=commune_b,
    )  # fmt: skip
    front_a = services.organization_create(
        actor=None, parent=party_a, name="Ủy ban MTTQ Việt Nam xã Mường Xén",
        kind=kind("fatherland_front"), area=commune_a,
    )  # fmt: skip
    front_b = services.organization_create(
        actor=None, parent=party_b, name="Ủy ban MTTQ Việt Nam xã Mỹ Lý",
        kind=kind("fatherland_front"), area=commune_b,
    )  # fmt: skip
    return World(
        province, commune_a, commune_b, old_district, commission, front_a, front_b, party_a, party_b
    )


def _member(world_org: Organization, email: str, role: str) -> User:
    return member(world_org, role, email=email)


@pytest.fixture
def tinh(world: World) -> User:
    return _member(world.commission, "tinh@example.vn", Role.SPECIALIST)


@pytest.fixture
def lanhdao(world: World) -> User:
    return _member(world.commission, "lanhdao@example.vn", Role.LEADER)


@pytest.fixture
def xa(world: World) -> User:
    return _member(world.front_a, "xa@example.vn", Role.REPORTER)


@pytest.fixture
def xa2(world: World) -> User:
    return _member(world.front_b, "xa2@example.vn", Role.REPORTER)


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("outsider@example.vn")


@pytest.fixture
def as_user():
    """A client signed in as the given user (second factor already given when they need one)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        if user.is_authenticated:
            session = client.session
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return make


@pytest.fixture
def english():  # type: ignore[no-untyped-def]
    """Service messages in English, for tests that read them."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _figures_forgotten() -> None:
    """Each test starts with no derived figures (or layouts) kept from another's data
    (lib/figures.py): the tokens a rolled-back test wrote stay in memory; and with no mark of a
    rolled-back test's writes on the connection, so what one test keeps does not depend on the
    tests before it."""
    from django.core.cache import caches
    from django.db import connections

    caches["figures"].clear()
    caches["figure_tokens"].clear()
    for connection in connections.all(initialized_only=True):
        getattr(connection, "figure_groups_written", set()).clear()


@pytest.fixture(autouse=True)
def _language_reset():  # type: ignore[no-untyped-def]
    """Each test starts in the default language: a request through the test client activates
    its cookie's language in the thread and leaves it there (lib.middleware.LanguageMiddleware,
    as Django's LocaleMiddleware does), which a later test of messages would read."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
