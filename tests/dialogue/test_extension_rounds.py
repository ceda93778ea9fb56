"""A reopened petition is settled anew: the law's maximum extension counts the new round's
extensions only, the citizen's tracking page lists those, the staff page marks the earlier ones
(the migration that gives existing extensions their round: test_migrations.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from danvan.accounts.models import User
from danvan.dialogue import services_petitions
from danvan.dialogue.models import Petition, PetitionKind
from tests.dialogue.test_services import (
    TODAY,
    FilePetition,
    accept,
    extend,
    invalid,
    refer,
    settle,
)
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


def reopen(petition: Petition, actor: User) -> Petition:
    return services_petitions.petition_reopen(
        actor=actor, petition=petition, reason="Công dân bổ sung giấy tờ", today=TODAY
    )


def extended_then_reopened(file_petition: FilePetition, xa: User) -> Petition:
    """An ordinary petition whose first settlement took the whole 15 days of extension."""
    petition = accept(file_petition(), xa)
    extend(petition, xa, 15, reason="Cần khảo sát hiện trường lần đầu")
    settle(petition, xa)
    return reopen(petition, xa)


def test_a_reopened_petition_may_be_extended_again(xa: User, file_petition: FilePetition) -> None:
    petition = extended_then_reopened(file_petition, xa)
    second = extend(petition, xa, 10, reason="Xác minh giấy tờ mới")
    assert (second.cycle, petition.extensions.get(working_days=15).cycle) == (1, 0)
    with invalid(petition, "working_days"):
        extend(petition, xa, 6)  # 10 of this round's 15 are used
    extend(petition, xa, 5)


def test_a_denunciation_is_extended_twice_in_each_round(
    xa: User, file_petition: FilePetition
) -> None:
    petition = refer(file_petition(kind=PetitionKind.DENUNCIATION), xa)
    extend(petition, xa, 30)
    extend(petition, xa, 30)
    settle(petition, xa)
    reopen(petition, xa)
    extend(petition, xa, 30)
    extend(petition, xa, 30)
    with invalid(petition, "working_days"):
        extend(petition, xa, 1)


def test_the_pages_and_the_api_tell_the_rounds_apart(
    xa: User, file_petition: FilePetition, as_user: Any
) -> None:
    petition = extended_then_reopened(file_petition, xa)
    extend(petition, xa, 10, reason="Xác minh giấy tờ mới")
    page = as_user(xa).get(f"/dialogue/petitions/{petition.pk}/").content.decode()
    listed = re.search(r'<ul[^>]*id="extensions">(.*?)</ul>', page, re.S)
    assert listed is not None
    first, second = re.findall(r"<li.*?</li>", listed.group(1), re.S)
    assert "lần đầu" in first and "trước khi mở lại" in first  # the first round's, marked
    assert "Xác minh giấy tờ mới" in second and "trước khi mở lại" not in second
    tracking = Client().get(f"/kien-nghi/tra-cuu/{petition.code}/").content.decode()
    assert "Xác minh giấy tờ mới" in tracking
    assert "lần đầu" not in tracking  # it extended a deadline the citizen no longer waits for
    public = Client().get(f"/api/v1/public/petitions/{petition.code}").json()
    assert [e["working_days"] for e in public["extensions"]] == [10]
    detail = bearer(xa).get(f"/api/v1/petitions/{petition.pk}").json()
    assert [(e["working_days"], e["cycle"]) for e in detail["extensions"]] == [(15, 0), (10, 1)]
    assert detail["reopened"] == 1
    refused = bearer(xa).post(
        f"/api/v1/petitions/{petition.pk}/extend",
        json.dumps({"working_days": 6, "reason": "Thêm", "decided_on": TODAY.isoformat()}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and "working_days" in refused.json()["errors"]
