"""The API for invitations, and memberships by e-mail that do not reveal who has an account."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from danvan.org import services
from danvan.org.models import Invitation, Membership
from tests.conftest import World
from tests.org.test_api import bearer, post

pytestmark = pytest.mark.django_db


def _invite(world: World, actor, email: str = "moi@example.vn", role: str = "reporter"):  # type: ignore[no-untyped-def]
    invitation, _raw = services.invitation_create(
        actor=actor, email=email, organization=world.front_a, role=role
    )
    return invitation


# --- Listing -------------------------------------------------------------------------------


def test_list_invitations_and_who_is_refused(world: World, lanhdao, tinh, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    pending = _invite(world, lanhdao)
    revoked = _invite(world, lanhdao, "cu@example.vn")
    services.invitation_revoke(actor=lanhdao, invitation=revoked)
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    response = bearer(lanhdao).get(url)
    assert response.status_code == 200, response.content
    rows = {row["email"]: row for row in response.json()["items"]}
    assert rows["moi@example.vn"]["status"] == "pending"
    assert rows["moi@example.vn"]["id"] == pending.pk
    assert rows["moi@example.vn"]["invited_by_id"] == lanhdao.pk
    assert rows["cu@example.vn"]["status"] == "revoked"
    assert not any("token" in key or "hash" in key for key in rows["moi@example.vn"])
    assert bearer(tinh).get(url).status_code == 403  # sees the Front, does not manage members
    for stranger in (xa2, outsider):
        assert bearer(stranger).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_expired_invitations_say_so(world: World, lanhdao) -> None:  # type: ignore[no-untyped-def]
    invitation = _invite(world, lanhdao)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    assert bearer(lanhdao).get(url).json()["items"][0]["status"] == "expired"


def test_invitation_list_query_count_is_flat(
    world: World, lanhdao, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = bearer(lanhdao)
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    for i in range(2):
        _invite(world, lanhdao, f"moi{i}@example.vn")
    client.get(url)  # the first use of a token records when it was used
    with CaptureQueriesContext(connection) as at_two:
        assert len(client.get(url).json()["items"]) == 2
    for i in range(2, 20):
        _invite(world, lanhdao, f"moi{i}@example.vn")
    with django_assert_max_num_queries(len(at_two)):
        rows = client.get(url).json()["items"]
    assert len(rows) == 20


# --- Sending -------------------------------------------------------------------------------


def test_send_an_invitation(world: World, lanhdao, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(bearer(lanhdao), url, {"email": "Moi@Example.vn", "role": "reporter"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["status"], body["organization_id"]) == (
        "moi@example.vn", "reporter", "pending", world.front_a.pk,
    )  # fmt: skip
    assert not any("token" in key for key in body)  # the link goes by e-mail only
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["moi@example.vn"]
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body)
    assert link is not None
    assert Invitation.objects.get().invited_by == lanhdao


def test_sending_refusals_change_nothing(world: World, lanhdao, tinh, xa, xa2, outsider,
                                        django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _refuse_to_send(world, lanhdao, tinh, xa, xa2, outsider)
    assert not Invitation.objects.exists() and mail.outbox == []


def _refuse_to_send(world: World, lanhdao, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    payload = {"email": "moi@example.vn", "role": "reporter"}
    assert post(bearer(xa), url, payload).status_code == 403  # a reporter does not invite
    assert post(bearer(tinh), url, payload).status_code == 403
    for stranger in (xa2, outsider):
        assert post(bearer(stranger), url, payload).status_code == 404
    assert post(Client(), url, payload).status_code == 401
    above = post(bearer(lanhdao), url, {**payload, "role": "admin"})  # above a leader's own
    assert above.status_code == 403
    bad_email = post(bearer(lanhdao), url, {**payload, "email": "khong-phai-email"})
    assert bad_email.status_code == 400 and "email" in bad_email.json()["errors"]
    bad_role = post(bearer(lanhdao), url, {**payload, "role": "chief"})
    assert bad_role.status_code == 400 and "role" in bad_role.json()["errors"]
    member = post(bearer(lanhdao), url, {**payload, "email": "xa@example.vn"})
    assert member.status_code == 400 and "email" in member.json()["errors"]
    services.organization_dissolve(actor=None, org=world.front_b, dissolved_on=timezone.localdate())
    dissolved = post(bearer(lanhdao), f"/api/v1/organizations/{world.front_b.pk}/invitations",
                     payload)  # fmt: skip
    assert dissolved.status_code == 400 and "organization" in dissolved.json()["errors"]


# --- Revoking ------------------------------------------------------------------------------


def test_revoke_an_invitation(world: World, lanhdao, tinh, xa, xa2, outsider) -> None:  # type: ignore[no-untyped-def]
    invitation = _invite(world, lanhdao)
    url = f"/api/v1/invitations/{invitation.pk}/revoke"
    assert post(bearer(xa), url, {}).status_code == 403
    assert post(bearer(tinh), url, {}).status_code == 403
    for stranger in (xa2, outsider):
        assert post(bearer(stranger), url, {}).status_code == 404
    assert post(Client(), url, {}).status_code == 401
    assert post(bearer(lanhdao), "/api/v1/invitations/999999/revoke", {}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.is_usable

    revoked = post(bearer(lanhdao), url, {})
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoked_at"]
    invitation.refresh_from_db()
    first_revocation = invitation.revoked_at
    again = post(bearer(lanhdao), url, {})
    assert again.status_code == 409 and again.json()["detail"]
    invitation.refresh_from_db()
    assert invitation.revoked_at == first_revocation


def test_an_accepted_invitation_cannot_be_revoked(world: World, lanhdao, xa2) -> None:  # type: ignore[no-untyped-def]
    invitation = _invite(world, lanhdao, "xa2@example.vn", "viewer")
    services.invitation_accept(invitation=invitation, user=xa2)
    response = post(bearer(lanhdao), f"/api/v1/invitations/{invitation.pk}/revoke", {})
    assert response.status_code == 409
    assert Membership.objects.filter(user=xa2, organization=world.front_a).exists()


# --- A membership by e-mail does not say who has an account --------------------------------


def test_a_reporter_cannot_learn_who_has_an_account_through_the_api(world: World, xa) -> None:  # type: ignore[no-untyped-def]
    def attempt(email: str, role: str = "viewer"):  # type: ignore[no-untyped-def]
        return post(bearer(xa), "/api/v1/memberships",
                    {"user_email": email, "organization_id": world.front_a.pk, "role": role})  # fmt: skip

    existing, unknown = attempt("xa2@example.vn"), attempt("nobody@example.vn")
    assert existing.status_code == unknown.status_code == 403
    assert existing.json() == unknown.json()
    assert "nobody" not in unknown.content.decode()
    assert not Membership.objects.filter(organization=world.front_a, role="viewer").exists()


def test_a_role_above_ones_own_is_refused_alike(world: World, lanhdao, tinh) -> None:  # type: ignore[no-untyped-def]
    def attempt(email: str):  # type: ignore[no-untyped-def]
        return post(bearer(lanhdao), "/api/v1/memberships",
                    {"user_email": email, "organization_id": world.front_a.pk, "role": "admin"})  # fmt: skip

    existing, unknown = attempt("tinh@example.vn"), attempt("nobody@example.vn")
    assert existing.status_code == unknown.status_code == 403
    assert existing.json() == unknown.json()


def test_outside_the_scope_the_answer_is_the_same_too(world: World, xa2) -> None:  # type: ignore[no-untyped-def]
    def attempt(email: str):  # type: ignore[no-untyped-def]
        return post(bearer(xa2), "/api/v1/memberships",
                    {"user_email": email, "organization_id": world.front_a.pk, "role": "viewer"})  # fmt: skip

    existing, unknown = attempt("xa@example.vn"), attempt("nobody@example.vn")
    assert existing.status_code == unknown.status_code
    assert existing.json() == unknown.json()


def test_who_may_add_members_still_hears_there_is_no_account(world: World, lanhdao) -> None:  # type: ignore[no-untyped-def]
    response = post(bearer(lanhdao), "/api/v1/memberships", {
        "user_email": "nobody@example.vn", "organization_id": world.front_a.pk, "role": "viewer",
    })  # fmt: skip
    assert response.status_code == 400 and "user_email" in response.json()["errors"]


def _page_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page without what changes on every request (CSP nonce, CSRF token)."""
    text = response.content.decode()
    text = re.sub(r'nonce="[^"]*"', "", text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_a_reporter_cannot_learn_who_has_an_account_through_the_page(
    world: World, xa, as_user
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(xa)
    url = f"/orgs/{world.front_a.pk}/invite/"
    existing = client.post(url, {"email": "xa2@example.vn", "role": "viewer"})
    unknown = client.post(url, {"email": "nobody@example.vn", "role": "viewer"})
    assert existing.status_code == unknown.status_code == 403
    assert _page_text(existing) == _page_text(unknown)
    assert not Invitation.objects.exists() and mail.outbox == []


# --- Accepting -----------------------------------------------------------------------------


def test_accept_an_invitation_sent_to_oneself(world: World, lanhdao, xa, xa2) -> None:  # type: ignore[no-untyped-def]
    invitation, raw = services.invitation_create(
        actor=lanhdao, email="xa2@example.vn", organization=world.front_a, role="viewer"
    )
    assert post(bearer(xa), "/api/v1/invitations/accept", {"token": raw}).status_code == 400
    assert post(Client(), "/api/v1/invitations/accept", {"token": raw}).status_code == 401
    unknown = post(bearer(xa2), "/api/v1/invitations/accept", {"token": "khong-co"})
    assert unknown.status_code == 404
    assert not Membership.objects.filter(user=xa2, organization=world.front_a).exists()

    accepted = post(bearer(xa2), "/api/v1/invitations/accept", {"token": raw})
    assert accepted.status_code == 201, accepted.content
    assert (accepted.json()["organization_id"], accepted.json()["role"]) == (
        world.front_a.pk, "viewer",
    )  # fmt: skip
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    again = post(bearer(xa2), "/api/v1/invitations/accept", {"token": raw})
    assert again.status_code == 409
    assert Membership.objects.filter(user=xa2, organization=world.front_a).count() == 1
