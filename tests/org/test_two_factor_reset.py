"""A member's lost phone: a leader or administrator resets their two-factor sign-in, logged."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts import services as accounts_services
from danvan.accounts.models import SecurityEvent, User
from danvan.org.models import Membership, Role
from tests.accounts.test_accounts import sign_in
from tests.conftest import World
from tests.factories import member
from tests.org.test_api import bearer

pytestmark = pytest.mark.django_db
REASON = "Anh Khánh mất điện thoại, đã gọi điện xác nhận"


def _with_device(user: User) -> None:
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    accounts_services.recovery_codes_create(user=user)


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user, ended_on__isnull=True)


def _untouched(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        and StaticDevice.objects.filter(user=user).exists()
        and not SecurityEvent.objects.filter(user=user, kind="two_factor_reset").exists()
    )


def test_a_leader_resets_a_lost_device_and_it_is_logged(
    world: World, lanhdao, as_user, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    leader_a = member(world.front_a, Role.LEADER, email="truongban@example.vn")
    _with_device(leader_a)
    client = as_user(lanhdao)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the leader reads English…
    membership = _membership(leader_a)
    page = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    action = f'action="/memberships/{membership.pk}/reset-two-factor/"'
    assert action in page
    start = page.rindex("<form", 0, page.index(action))
    form = page[start : page.index("</form>", start)]
    assert "data-confirm=" in form and 'name="reason"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/memberships/{membership.pk}/reset-two-factor/", {"reason": REASON}
        )
    assert response.status_code == 302 and response.url.endswith(
        f"/orgs/{world.front_a.pk}/#members"
    )
    assert not TOTPDevice.objects.filter(user=leader_a).exists()
    assert not StaticDevice.objects.filter(user=leader_a).exists()
    event = SecurityEvent.objects.get(user=leader_a, kind="two_factor_reset")
    assert (event.actor, event.reason, event.detail) == (lanhdao, REASON, world.front_a.name)
    assert [m.to for m in mail.outbox] == [["truongban@example.vn"]]
    # …and the member is written to in the site's language.
    assert mail.outbox[0].subject == "Xác thực hai lớp của bạn trên danvan đã được đặt lại"
    assert REASON in mail.outbox[0].body and "/accounts/2fa/setup/" in mail.outbox[0].body
    # The member page keeps the record: who, whom, when, why.
    page = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    log = page[page.index('id="two-factor-resets"') :]
    assert REASON in log and lanhdao.get_full_name() in log and leader_a.get_full_name() in log
    # At the next sign-in the member sets up a new phone.
    again = Client()
    sign_in(again, leader_a.email)
    assert again.get("/orgs/").url.startswith("/accounts/2fa/setup/")


def test_the_reset_needs_a_reason(world: World, lanhdao, xa, as_user) -> None:
    _with_device(xa)
    response = as_user(lanhdao).post(
        f"/memberships/{_membership(xa).pk}/reset-two-factor/", {"reason": "  "}, follow=True
    )
    assert response.status_code == 200 and list(response.context["messages"])
    assert _untouched(xa)


def test_a_reporter_may_not_reset(world: World, xa, as_user) -> None:
    colleague = member(world.front_a, Role.REPORTER, email="dongnghiep@example.vn")
    _with_device(colleague)
    client = as_user(xa)
    page = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert "reset-two-factor" not in page
    response = client.post(
        f"/memberships/{_membership(colleague).pk}/reset-two-factor/", {"reason": REASON}
    )
    assert response.status_code == 403
    assert _untouched(colleague)


def test_a_leader_of_commune_a_cannot_reach_commune_b(world: World, xa2, as_user) -> None:
    leader_a = member(world.front_a, Role.LEADER, email="truongban@example.vn")
    _with_device(xa2)
    url = f"/memberships/{_membership(xa2).pk}/reset-two-factor/"
    assert as_user(leader_a).post(url, {"reason": REASON}).status_code == 404
    assert _untouched(xa2)
    assert bearer(leader_a).post(
        f"/api/v1{url.rstrip('/')}", json.dumps({"reason": REASON}), content_type="application/json"
    ).status_code == 404  # fmt: skip
    assert _untouched(xa2)


def test_nobody_resets_their_own_and_a_leader_not_an_administrator(
    world: World, lanhdao, as_user
) -> None:
    client = as_user(lanhdao)
    own = _membership(lanhdao)
    assert (
        client.post(f"/memberships/{own.pk}/reset-two-factor/", {"reason": REASON}).status_code
        == 403
    )
    admin = member(world.front_a, Role.ADMIN, email="quantri@example.vn")
    _with_device(admin)
    # A leader of the commission ranks below an administrator of a unit in its subtree.
    url = f"/memberships/{_membership(admin).pk}/reset-two-factor/"
    assert client.post(url, {"reason": REASON}).status_code == 403
    assert _untouched(admin)


def test_a_member_without_a_device_is_a_conflict(world: World, lanhdao, xa, as_user) -> None:
    page = as_user(lanhdao).get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert "reset-two-factor" not in page  # nothing to reset: no button
    response = bearer(lanhdao).post(
        f"/api/v1/memberships/{_membership(xa).pk}/reset-two-factor",
        json.dumps({"reason": REASON}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert not SecurityEvent.objects.filter(user=xa).exists()


def test_api_reset(world: World, lanhdao, xa, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _with_device(xa)
    url = f"/api/v1/memberships/{_membership(xa).pk}/reset-two-factor"
    api = bearer(lanhdao)
    empty = api.post(url, json.dumps({"reason": ""}), content_type="application/json")
    assert empty.status_code == 400 and _untouched(xa)
    assert api.post(url, json.dumps({}), content_type="application/json").status_code in {400, 422}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, json.dumps({"reason": REASON}), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["user_email"], body["actor_email"], body["reason"]) == (
        xa.email, lanhdao.email, REASON,
    )  # fmt: skip
    assert not TOTPDevice.objects.filter(user=xa).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [xa.email]
    again = api.post(url, json.dumps({"reason": REASON}), content_type="application/json")
    assert again.status_code == 409


def test_api_refuses_a_reporter(world: World, xa) -> None:
    colleague = member(world.front_a, Role.REPORTER, email="dongnghiep@example.vn")
    _with_device(colleague)
    response = bearer(xa).post(
        f"/api/v1/memberships/{_membership(colleague).pk}/reset-two-factor",
        json.dumps({"reason": REASON}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert _untouched(colleague)


def test_member_page_queries_do_not_grow_with_members(
    world: World, lanhdao, as_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = as_user(lanhdao)
    for n in range(2):
        _with_device(member(world.front_a, Role.REPORTER, email=f"a{n}@example.vn"))
    with django_assert_max_num_queries(40) as few:
        client.get(f"/orgs/{world.front_a.pk}/")
    for n in range(2, 8):
        _with_device(member(world.front_a, Role.REPORTER, email=f"a{n}@example.vn"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert page.count("/reset-two-factor/") == 8
