"""The org app's history names each act by its verb (dissolved, moved, revoked), in the reader's
language, and keeps as reason only what a person wrote — never a label of the program's."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone, translation

from danvan.accounts.models import ApiToken
from danvan.accounts.services import token_create, token_revoke
from danvan.lib.history import VERBS
from danvan.org import areas, selectors, services
from danvan.org.models import Area, AreaLevel, Invitation, Membership, Organization, Role
from tests.conftest import World

pytestmark = pytest.mark.django_db


def history_section(client: Client, org: Organization) -> str:
    page = client.get(f"/orgs/{org.pk}/")
    assert page.status_code == 200
    return page.content.decode().split('id="history"', 1)[1]


def test_the_organisation_page_shows_dissolved_in_the_readers_language(
    world: World, lanhdao, as_user
) -> None:
    client = as_user(lanhdao)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "· dissolved" not in history_section(client, world.front_b)
    response = client.post(
        f"/orgs/{world.front_b.pk}/dissolve/", {"dissolved_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    assert "· dissolved" in history_section(client, world.front_b)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"):
        vietnamese = str(VERBS["dissolved"])
    assert vietnamese == "đã giải thể"
    assert f"· {vietnamese}" in history_section(client, world.front_b)
    record = Organization.history.filter(id=world.front_b.pk).first()
    assert (record.history_verb, record.history_change_reason, record.history_user) == (
        "dissolved",
        None,
        lanhdao,
    )


def test_dissolving_ends_the_memberships_as_revoked(world: World, xa2, lanhdao) -> None:
    services.organization_dissolve(
        actor=lanhdao, org=world.front_b, dissolved_on=timezone.localdate()
    )
    ended = Membership.history.filter(user=xa2, organization_id=world.front_b.pk).first()
    assert (ended.history_verb, ended.ended_on, ended.history_user) == (
        "revoked",
        timezone.localdate(),
        lanhdao,
    )


def test_a_move_is_recorded_as_moved_with_no_label_as_reason(world: World, lanhdao) -> None:
    services.organization_update(actor=lanhdao, org=world.front_b, parent=world.party_a)
    moved = Organization.history.filter(id=world.front_b.pk).first()
    assert (moved.history_verb, moved.history_change_reason) == ("moved", None)
    services.organization_update(actor=lanhdao, org=world.front_b, phone="0238 3844 123")
    changed = Organization.history.filter(id=world.front_b.pk).first()
    assert (changed.history_verb, changed.phone) == ("", "0238 3844 123")
    district = areas.area_create(
        actor=None, parent=world.province, code="412", name="Huyện Tương Dương",
        level=AreaLevel.DISTRICT, valid_from=datetime.date(2025, 7, 1),
    )  # fmt: skip
    areas.area_update(actor=None, area=world.commune_a, parent=district)
    area_record = Area.history.filter(id=world.commune_a.pk).first()
    assert (area_record.history_verb, area_record.history_change_reason) == ("moved", None)


def test_ending_a_membership_is_recorded_as_revoked(world: World, xa, lanhdao) -> None:
    membership = Membership.objects.get(user=xa, organization=world.front_a)
    services.membership_end(actor=lanhdao, membership=membership)
    record = Membership.history.filter(id=membership.pk).first()
    assert (record.history_verb, record.history_change_reason, record.history_user) == (
        "revoked",
        None,
        lanhdao,
    )


def test_revoking_an_invitation_or_a_token_is_recorded_as_revoked(world: World, lanhdao) -> None:
    invitation, _raw = services.invitation_create(
        actor=lanhdao, email="moi@example.vn", organization=world.front_a, role=Role.VIEWER
    )
    services.invitation_revoke(actor=lanhdao, invitation=invitation)
    records = list(Invitation.history.filter(id=invitation.pk).order_by("history_date"))
    assert [(r.history_verb, r.history_user) for r in records] == [
        ("", lanhdao),
        ("revoked", lanhdao),
    ]
    assert not hasattr(records[0], "token_hash")  # the key stays out of the history
    token, _raw = token_create(user=lanhdao, name="script")
    token_revoke(user=lanhdao, token=token)
    revoked = ApiToken.history.filter(id=token.pk).first()
    assert (revoked.history_verb, revoked.history_user) == ("revoked", lanhdao)
    assert not hasattr(revoked, "key_hash")


# --- Permission in one place: the same answer for the button and the service ---------------


def test_the_dissolve_button_and_the_service_ask_the_same_selector(
    world: World, lanhdao, tinh, as_user
) -> None:
    assert selectors.may_dissolve_organization(lanhdao, world.front_b)
    assert not selectors.may_dissolve_organization(tinh, world.front_b)
    page = as_user(lanhdao).get(f"/orgs/{world.front_b.pk}/").content.decode()
    assert f"/orgs/{world.front_b.pk}/dissolve/" in page
    page = as_user(tinh).get(f"/orgs/{world.front_b.pk}/").content.decode()
    assert f"/orgs/{world.front_b.pk}/dissolve/" not in page
    assert as_user(tinh).get(f"/orgs/{world.front_b.pk}/dissolve/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.organization_dissolve(
            actor=tinh, org=world.front_b, dissolved_on=timezone.localdate()
        )
    world.front_b.refresh_from_db()
    assert world.front_b.is_active


def test_who_may_manage_members(world: World, lanhdao, tinh, xa, as_user) -> None:
    mine = Membership.objects.get(user=xa, organization=world.front_a)
    assert selectors.may_manage_members(lanhdao, world.front_a)
    assert selectors.may_invite(lanhdao, world.front_a)
    assert selectors.may_manage_membership(lanhdao, mine)
    for refused in (tinh, xa):
        assert not selectors.may_manage_members(refused, world.front_a)
        assert not selectors.may_invite(refused, world.front_a)
        assert not selectors.may_manage_membership(refused, mine)
    page = as_user(tinh).get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert f"/memberships/{mine.pk}/end/" not in page and 'id="invite-email"' not in page
    page = as_user(lanhdao).get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert f"/memberships/{mine.pk}/end/" in page and 'id="invite-email"' in page


def test_an_invitation_outside_the_scope_is_404_and_stays(
    world: World, lanhdao, xa2, as_user
) -> None:
    invitation, _raw = services.invitation_create(
        actor=lanhdao, email="moi@example.vn", organization=world.front_a, role=Role.VIEWER
    )
    assert as_user(xa2).post(f"/invitations/{invitation.pk}/revoke/").status_code == 404
    assert as_user(xa2).post("/invitations/999999/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert list(Invitation.objects.visible_to(xa2)) == []
    assert list(Invitation.objects.visible_to(lanhdao)) == [invitation]
