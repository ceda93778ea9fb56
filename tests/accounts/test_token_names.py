"""A token's name longer than the model keeps is refused, never cut short."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from danvan.accounts.models import ApiToken
from danvan.accounts.services import token_create
from tests.conftest import World
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


def test_the_service_refuses_a_long_name(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        token_create(user=xa, name="x" * 101)
    assert "name" in refused.value.message_dict
    assert not ApiToken.objects.filter(user=xa).exists()
    token, _raw = token_create(user=xa, name="x" * 100)  # the longest kept whole
    assert len(token.name) == 100


def test_the_api_refuses_a_long_name(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    client = bearer(xa)  # adds one token named «test»
    before = ApiToken.objects.count()
    for name in ("x" * 101, "x" * 5000):
        response = client.post(
            "/api/v1/tokens", json.dumps({"name": name}), content_type="application/json"
        )
        assert response.status_code == 422 and "name" in response.json()["errors"]
    anonymous = Client().post(
        "/api/v1/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert ApiToken.objects.count() == before


def test_the_page_refuses_a_long_name(world: World, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(xa)
    page = client.post("/accounts/tokens/new/", {"name": "x" * 5000}, follow=True)
    assert page.status_code == 200
    assert not ApiToken.objects.filter(user=xa).exists()
    assert Client().post("/accounts/tokens/new/", {"name": "x"}).status_code == 302  # sign in
    assert not ApiToken.objects.exists()
