"""Recovery codes: shown once at set-up, single use at sign-in, renewed from the profile."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts import services
from danvan.accounts.models import SecurityEvent, User
from danvan.lib.errors import Conflict
from tests.accounts.test_accounts import current_code, sign_in
from tests.conftest import World

pytestmark = pytest.mark.django_db
CODE = re.compile(r'<code class="dv-token">([a-z2-7]{4}-[a-z2-7]{4})</code>')
LINE = re.compile(r"^[a-z2-7]{4}-[a-z2-7]{4}$", re.MULTILINE)


def _set_up(client: Client, user: User) -> list[str]:
    """Go through the set-up page; the codes shown afterwards."""
    sign_in(client, user.email)
    setup = client.get("/orgs/").url
    client.get(setup)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(setup, {"code": current_code(device)})
    assert done.status_code == 302 and done.url.startswith("/accounts/2fa/recovery-codes/")
    page = client.get(done.url)
    assert page.status_code == 200
    codes = CODE.findall(page.content.decode())
    assert page.context["next"] == "/orgs/"
    return codes


def _leader_with_codes(lanhdao: User) -> list[str]:
    TOTPDevice.objects.create(user=lanhdao, name="phone", confirmed=True)
    return services.recovery_codes_create(user=lanhdao)


def test_set_up_shows_ten_codes_once(world: World, lanhdao) -> None:
    client = Client()
    codes = _set_up(client, lanhdao)
    assert len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=lanhdao).count() == 10
    download = client.get("/accounts/2fa/recovery-codes/", {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    assert set(LINE.findall(download.content.decode().replace("\r", ""))) == set(codes)
    saved = client.post("/accounts/2fa/recovery-codes/", {"next": "/orgs/"})
    assert saved.status_code == 302 and saved.url == "/orgs/"
    # Gone from the server's hands: the page does not show them again.
    again = client.get("/accounts/2fa/recovery-codes/")
    assert again.status_code == 302 and again.url == "/accounts/profile/"
    assert client.get("/orgs/").status_code == 200
    kinds = set(SecurityEvent.objects.filter(user=lanhdao).values_list("kind", flat=True))
    assert kinds == {"two_factor_on", "recovery_codes_new"}


def test_the_codes_page_is_offered_only_to_its_owner(world: World, lanhdao, tinh) -> None:
    owner = Client()
    _set_up(owner, lanhdao)
    other = Client()
    sign_in(other, tinh.email)
    response = other.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 302 and not CODE.search(response.content.decode())
    assert Client().get("/accounts/2fa/recovery-codes/").url.startswith("/accounts/login/")


def test_sign_in_with_a_recovery_code_instead_of_the_phone(world: World, lanhdao) -> None:
    codes = _leader_with_codes(lanhdao)
    client = Client()
    sign_in(client, lanhdao.email)
    verify = client.get("/orgs/")
    assert verify.url.startswith("/accounts/2fa/verify/")
    assert "/accounts/2fa/recovery/" in client.get(verify.url).content.decode()
    typed = codes[0].upper().replace("-", " ")  # as a person may type it
    done = client.post("/accounts/2fa/recovery/?next=/orgs/", {"code": typed})
    assert done.status_code == 302 and done.url == "/orgs/"
    assert client.get("/orgs/").status_code == 200
    assert StaticToken.objects.filter(device__user=lanhdao).count() == 9
    assert SecurityEvent.objects.filter(user=lanhdao, kind="recovery_code_used").count() == 1
    # Single use: the same code does not open a second session.
    second = Client()
    sign_in(second, lanhdao.email)
    refused = second.post("/accounts/2fa/recovery/", {"code": codes[0]})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert second.get("/orgs/").url.startswith("/accounts/2fa/verify/")


def test_a_wrong_code_is_refused_and_counted(world: World, lanhdao) -> None:
    _leader_with_codes(lanhdao)
    client = Client()
    sign_in(client, lanhdao.email)
    refused = client.post("/accounts/2fa/recovery/", {"code": "aaaa-aaaa"})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.get("/orgs/").url.startswith("/accounts/2fa/verify/")
    assert StaticToken.objects.filter(device__user=lanhdao).count() == 10
    device = StaticToken.objects.filter(device__user=lanhdao).first().device  # type: ignore[union-attr]
    assert device.throttling_failure_count == 1  # kept, though the request was refused


def test_profile_makes_new_codes_and_the_old_ones_stop_working(
    world: World, lanhdao, as_user
) -> None:
    client = as_user(lanhdao)
    old = services.recovery_codes_create(user=lanhdao)
    services.recovery_code_use(user=lanhdao, code=old[0])
    profile = client.get("/accounts/profile/").content.decode()
    assert "9 mã khôi phục" in profile or "9 unused" in profile
    assert 'action="/accounts/2fa/recovery-codes/new/"' in profile and "data-confirm=" in profile
    response = client.post("/accounts/2fa/recovery-codes/new/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/recovery-codes/")
    new = CODE.findall(client.get(response.url).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    stored = set(StaticToken.objects.filter(device__user=lanhdao).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in new}
    with pytest.raises(ValidationError) as refused:
        services.recovery_code_use(user=lanhdao, code=old[1])
    assert "code" in refused.value.message_dict


def test_new_codes_need_the_second_factor_first(world: World, lanhdao) -> None:
    old = _leader_with_codes(lanhdao)
    client = Client()
    sign_in(client, lanhdao.email)  # a password alone
    response = client.post("/accounts/2fa/recovery-codes/new/")
    assert response.status_code == 302 and response.url.startswith("/accounts/2fa/verify/")
    stored = set(StaticToken.objects.filter(device__user=lanhdao).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in old}


def test_no_codes_without_an_authenticator(world: World, tinh, english) -> None:
    with pytest.raises(Conflict, match="Turn on two-factor"):
        services.recovery_codes_create(user=tinh)
    assert not StaticToken.objects.exists()
    client = Client()
    sign_in(client, tinh.email)
    response = client.post("/accounts/2fa/recovery-codes/new/", follow=True)
    assert not StaticToken.objects.exists() and response.status_code == 200


def test_profile_shows_the_log_of_a_reset(world: World, lanhdao, xa, as_user) -> None:
    TOTPDevice.objects.create(user=xa, name="phone", confirmed=True)
    services.two_factor_reset(actor=lanhdao, user=xa, reason="Mất điện thoại", detail="UB MTTQ")
    page = as_user(xa).get("/accounts/profile/").content.decode()
    assert "Mất điện thoại" in page and lanhdao.get_full_name() in page
