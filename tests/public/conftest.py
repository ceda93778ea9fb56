"""Public pages' fixtures: the dialogue fixtures, a fresh rate limit per test, and helpers that
answer a petition the way a unit does."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from danvan.dialogue import services_petitions
from danvan.dialogue.models import Petition
from tests.dialogue.conftest import PERSON, TODAY, file_petition, land, quantri  # noqa: F401

# What must never appear on a public page or in a public answer.
PERSONAL = [*PERSON.values(), "0912 345 678"]


def assert_no_personal_data(text: str, *extra: str) -> None:
    for value in [*PERSONAL, *extra]:
        assert value not in text, f"{value!r} is shown"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    """The limits count in the (in-memory) cache: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor() -> Client:
    """A citizen: no account, no session."""
    return Client()


@pytest.fixture
def answer() -> Callable[..., Petition]:
    """Accept and settle a petition (the system acting), published unless told otherwise."""

    def make(
        petition: Petition,
        *,
        accepted_on: datetime.date | None = None,
        settled_on: datetime.date = TODAY,
        result: str = "Đã sửa chữa xong đoạn đường sạt lở, bàn giao cho thôn quản lý.",
        publish: bool = True,
        **extra: Any,
    ) -> Petition:
        services_petitions.petition_accept(
            actor=None, petition=petition, accepted_on=accepted_on or petition.received_on,
            today=TODAY,
        )  # fmt: skip
        return services_petitions.petition_settle(
            actor=None, petition=petition, result=result, settled_on=settled_on,
            publish=publish, today=TODAY, **extra,
        )  # fmt: skip

    return make


@pytest.fixture
def denunciation(file_petition: Callable[..., Petition]) -> Petition:  # noqa: F811
    """A denunciation, referred and answered: outside the public view at every stage."""
    petition = file_petition(kind="denunciation", summary="Tố cáo cán bộ địa chính xã")
    services_petitions.petition_refer(
        actor=None, petition=petition, referred_on=TODAY, competent_body_name="Thanh tra huyện",
        today=TODAY,
    )  # fmt: skip
    return services_petitions.petition_settle(
        actor=None, petition=petition, result="Kết luận tố cáo đúng một phần.",
        settled_on=TODAY, publish=True, today=TODAY,
    )  # fmt: skip
