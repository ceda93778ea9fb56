"""Sign-in, throttling, two-factor, password reset, profile and API tokens."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts.models import ApiToken, User
from tests.conftest import World

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


def sign_in(client: Client, email: str, password: str = PASSWORD) -> object:
    return client.post("/accounts/login/", {"username": email, "password": password})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_sign_in_with_email(world: World, tinh) -> None:
    client = Client()
    response = sign_in(client, "TINH@example.vn")
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_says_so(world: World, tinh) -> None:
    body = sign_in(Client(), "tinh@example.vn", "wrong").content.decode()
    assert "alert-danger" in body


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account(world: World, tinh) -> None:
    client = Client()
    for _ in range(3):
        sign_in(client, "tinh@example.vn", "wrong")
    locked = sign_in(client, "tinh@example.vn")  # even the right password now waits
    assert locked.status_code == 429
    assert "tạm dừng trong một giờ" in locked.content.decode()


def test_leader_must_set_up_two_factor_then_enter_codes(world: World, lanhdao) -> None:
    client = Client()
    sign_in(client, "lanhdao@example.vn")
    response = client.get("/orgs/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/setup/")
    setup = client.get(response.url)
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=lanhdao, confirmed=False)
    assert client.post(response.url, {"code": "000000"}).status_code == 200  # wrong code
    done = client.post(response.url, {"code": current_code(device)})
    assert done.status_code == 302
    assert client.get("/orgs/").status_code == 200
    # Next time: a code is asked for, not a new set-up.
    again = Client()
    sign_in(again, "lanhdao@example.vn")
    response = again.get("/orgs/")
    assert response.url.startswith("/accounts/2fa/verify/")
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this test
    device.save()
    assert again.post(response.url, {"code": current_code(device)}).status_code == 302
    assert again.get("/orgs/").status_code == 200


def test_specialist_is_not_forced_to_use_two_factor(world: World, tinh) -> None:
    client = Client()
    sign_in(client, "tinh@example.vn")
    assert client.get("/orgs/").status_code == 200


def test_demo_accounts_skip_two_factor_only_while_the_setting_is_on(world: World) -> None:
    from danvan.org import services

    demo_leader = User.objects.create_user("lanhdao@demo.danvan.vn", PASSWORD)
    services.membership_create(
        actor=None, user=demo_leader, organization=world.commission, role="leader"
    )
    client = Client()
    sign_in(client, "lanhdao@demo.danvan.vn")
    assert client.get("/orgs/").status_code == 200
    with override_settings(DANVAN_DEMO_SKIPS_2FA=False):
        assert client.get("/orgs/").status_code == 302


def test_password_reset_sends_a_working_link(world: World, tinh) -> None:
    client = Client()
    client.post("/accounts/password/reset/", {"email": "tinh@example.vn"})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert path is not None
    form = client.get(path.group(1), follow=True)
    client.post(form.redirect_chain[-1][0], {
        "new_password1": "new-long-passphrase-7", "new_password2": "new-long-passphrase-7",
    })  # fmt: skip
    assert sign_in(Client(), "tinh@example.vn", "new-long-passphrase-7").status_code == 302


def test_profile_creates_and_revokes_api_tokens(world: World, tinh, xa, as_user) -> None:
    client = as_user(tinh)
    client.post("/profile/", {})  # not a route: the profile lives under /accounts/
    client.post("/accounts/tokens/new/", {"name": "báo cáo"})
    page = client.get("/accounts/profile/").content.decode()
    raw = re.search(r'id="new-token">(dv_[^<]+)<', page).group(1)
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/areas").status_code == 200
    token = ApiToken.objects.get(user=tinh)
    # Someone else cannot revoke it; its owner can.
    assert as_user(xa).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/areas").status_code == 401
    assert raw not in client.get("/accounts/profile/").content.decode()  # shown only once


def test_token_command_prints_a_working_token(world: World, tinh) -> None:
    out = io.StringIO()
    call_command("token", "create", "tinh@example.vn", "--name", "script", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("dv_")
    assert (
        Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/areas").status_code == 200
    )


def test_token_command_refuses_an_unknown_email(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user"):
        call_command("token", "create", "nobody@example.vn")


def _leader_with_device(world: World, lanhdao) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=lanhdao, name="phone", confirmed=True)


def test_password_alone_cannot_replace_the_second_factor(world: World, lanhdao) -> None:
    device = _leader_with_device(world, lanhdao)
    client = Client()
    sign_in(client, "lanhdao@example.vn")
    response = client.get("/accounts/2fa/setup/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/verify/")
    assert not TOTPDevice.objects.filter(user=lanhdao, confirmed=False).exists()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/accounts/profile/"), ("post", "/accounts/tokens/new/"), ("get", "/admin/")],
)
def test_pages_wait_for_the_second_factor(world: World, lanhdao, method: str, path: str) -> None:
    _leader_with_device(world, lanhdao)
    client = Client()
    sign_in(client, "lanhdao@example.vn")
    response = getattr(client, method)(path, {"name": "x"} if method == "post" else None)
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/verify/")
    assert not ApiToken.objects.filter(user=lanhdao).exists()
