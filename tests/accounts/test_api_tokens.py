"""The API for one's own personal tokens: the secret once, never again; others' tokens unseen."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.accounts.models import ApiToken, hash_token
from danvan.accounts.services import token_create, token_revoke
from tests.conftest import World
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_create_shows_the_secret_once(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    client = bearer(xa)
    response = post(client, "/api/v1/tokens", {"name": "Bảng tính báo cáo"})
    assert response.status_code == 201, response.content
    body = response.json()
    raw = body["token"]
    assert raw.startswith(ApiToken.PREFIX) and body["hint"] == raw[:8]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.user == xa and stored.key_hash == hash_token(raw) and stored.name == body["name"]
    assert raw not in json.dumps(stored.__dict__, default=str)  # only its hash is kept
    listed = client.get("/api/v1/tokens")
    assert listed.status_code == 200
    assert raw not in listed.content.decode()
    assert all("token" not in row and "key_hash" not in row for row in listed.json()["items"])
    # The new secret works at once.
    fresh = Client(headers={"Authorization": f"Bearer {raw}"})
    assert fresh.get("/api/v1/tokens").status_code == 200


def test_a_token_needs_a_name(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    client = bearer(xa)
    before = ApiToken.objects.count()
    blank = post(client, "/api/v1/tokens", {"name": "   "})
    assert blank.status_code == 400 and "name" in blank.json()["errors"]
    assert post(client, "/api/v1/tokens", {}).status_code == 422
    assert ApiToken.objects.count() == before


def test_list_shows_only_ones_own(world: World, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    mine, _raw = token_create(user=xa, name="Của tôi")
    token_create(user=xa2, name="Của người khác")
    response = bearer(xa).get("/api/v1/tokens")  # bearer() adds a token named «test»
    names = {row["name"] for row in response.json()["items"]}
    assert names == {"Của tôi", "test"}
    row = next(r for r in response.json()["items"] if r["id"] == mine.pk)
    assert (row["is_active"], row["revoked_at"], row["hint"]) == (True, None, mine.hint)
    assert {r["name"] for r in bearer(outsider).get("/api/v1/tokens").json()["items"]} == {"test"}


def test_revoke_one_of_ones_own(world: World, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    token, raw = token_create(user=xa, name="Máy chủ báo cáo")
    user_of_it = Client(headers={"Authorization": f"Bearer {raw}"})
    assert user_of_it.get("/api/v1/tokens").status_code == 200
    url = f"/api/v1/tokens/{token.pk}/revoke"
    assert post(bearer(xa2), url, {}).status_code == 404  # someone else's: as if it did not exist
    assert post(Client(), url, {}).status_code == 401
    assert post(bearer(xa), "/api/v1/tokens/999999/revoke", {}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None  # the refusals changed nothing
    assert user_of_it.get("/api/v1/tokens").status_code == 200

    revoked = post(bearer(xa), url, {})
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["is_active"] is False and revoked.json()["revoked_at"]
    assert user_of_it.get("/api/v1/tokens").status_code == 401  # it no longer opens the API
    token.refresh_from_db()
    first = token.revoked_at
    again = post(bearer(xa), url, {})
    assert again.status_code == 409 and again.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at == first


def test_a_token_may_revoke_itself(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    token, raw = token_create(user=xa, name="Một lần")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert post(client, f"/api/v1/tokens/{token.pk}/revoke", {}).status_code == 200
    assert client.get("/api/v1/tokens").status_code == 401


def test_the_profile_page_still_takes_a_second_click_as_done(world: World, xa, as_user) -> None:  # type: ignore[no-untyped-def]
    token, _raw = token_create(user=xa, name="Trang cá nhân")
    token_revoke(user=xa, token=token)
    response = as_user(xa).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302


def test_token_list_query_count_is_flat(world: World, xa, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = bearer(xa)  # one token already
    token_create(user=xa, name="1")
    client.get("/api/v1/tokens")  # the first use of a token records when it was used
    with CaptureQueriesContext(connection) as at_two:
        assert len(client.get("/api/v1/tokens").json()["items"]) == 2
    for i in range(2, 20):
        token, _raw = token_create(user=xa, name=str(i))
        if i % 2:
            token_revoke(user=xa, token=token)
    with django_assert_max_num_queries(len(at_two)):
        rows = client.get("/api/v1/tokens").json()["items"]
    assert len(rows) == 20 and sum(not r["is_active"] for r in rows) == 9


def test_a_superuser_revokes_a_token_in_the_admin_and_nobody_brings_it_back(
    world: World, xa, xa2, as_user
) -> None:  # type: ignore[no-untyped-def]
    """A lost laptop: the administrator revokes the officer's token through the service (its
    history names who); the admin neither edits, deletes nor un-revokes a token."""
    from danvan.accounts.models import User

    token, raw = token_create(user=xa, name="Máy tính xách tay")
    root = User.objects.create_superuser("root@example.vn", "pw-for-tests-123")
    admin = as_user(root)
    page = f"/admin/accounts/apitoken/{token.pk}/change/"
    assert admin.post(page, {"revoked_at_0": "", "name": "x"}).status_code == 403
    assert admin.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    assert as_user(xa).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302  # own
    token_create(user=xa, name="Điện thoại")
    other = ApiToken.objects.get(name="Điện thoại")
    with pytest.raises(ValidationError):  # another officer may not
        token_revoke(user=xa2, token=other)
    answer = admin.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk, other.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    other.refresh_from_db()
    assert other.revoked_at is not None
    entry = other.history.first()
    assert (entry.history_user, entry.history_verb) == (root, "revoked")
    revoked_client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert revoked_client.get("/api/v1/tokens").status_code == 401
