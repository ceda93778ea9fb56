"""A second pending invitation to the same address for the same organisation is refused."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from danvan.lib.errors import Conflict
from danvan.org import services
from danvan.org.models import Invitation
from tests.conftest import World
from tests.org.test_api import bearer, post

pytestmark = pytest.mark.django_db


def _invite(world: World, actor, email: str = "moi@example.vn", org=None) -> Invitation:  # type: ignore[no-untyped-def]
    invitation, _raw = services.invitation_create(
        actor=actor, email=email, organization=org or world.front_a, role="reporter"
    )
    return invitation


def test_the_service_refuses_a_second_pending_one(world: World, lanhdao) -> None:  # type: ignore[no-untyped-def]
    first = _invite(world, lanhdao)
    with pytest.raises(Conflict) as refused:
        _invite(world, lanhdao, "MOI@example.vn")  # the same address, however written
    assert "email" in refused.value.message_dict
    assert list(Invitation.objects.all()) == [first]


def test_a_used_revoked_or_expired_one_does_not_block(world: World, lanhdao) -> None:  # type: ignore[no-untyped-def]
    revoked = _invite(world, lanhdao)
    services.invitation_revoke(actor=lanhdao, invitation=revoked)
    expired = _invite(world, lanhdao)
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    accepted = _invite(world, lanhdao)
    Invitation.objects.filter(pk=accepted.pk).update(accepted_at=timezone.now())
    _invite(world, lanhdao)
    _invite(world, lanhdao, org=world.party_a)  # another organisation
    assert Invitation.objects.filter(email="moi@example.vn").count() == 5


def test_the_api_answers_409(world: World, lanhdao, xa, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organizations/{world.front_a.pk}/invitations"
    payload = {"email": "moi@example.vn", "role": "reporter"}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(bearer(lanhdao), url, payload).status_code == 201  # type: ignore[attr-defined]
        again = post(bearer(lanhdao), url, {**payload, "email": "Moi@Example.vn"})
        refused = post(bearer(xa), url, payload)
        anonymous = post(Client(), url, payload)
    assert again.status_code == 409 and "email" in again.json()["errors"]  # type: ignore[attr-defined]
    assert refused.status_code == 403 and anonymous.status_code == 401  # type: ignore[attr-defined]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1  # one e-mail sent


def test_the_page_says_so(
    world: World, lanhdao, xa, as_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    url = f"/orgs/{world.front_a.pk}/invite/"
    data = {"email": "moi@example.vn", "role": "reporter"}
    client = as_user(lanhdao)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        page = client.post(url, data, follow=True)
        as_user(xa).post(url, data)
    errors = [str(m) for m in page.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "moi@example.vn" in errors[0]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1
