"""Site-wide behaviour: health, language, security headers, production checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_database_and_version() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["version"]


@pytest.mark.django_db
def test_vietnamese_by_default_whatever_the_browser_says() -> None:
    response = Client(headers={"Accept-Language": "en-US,en"}).get("/accounts/login/")
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_switch_to_english_and_back() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in" in client.get("/accounts/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})
    assert "Đăng nhập" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_says_so_in_vietnamese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="vi">' in page and "CSRF verification failed" not in page
    assert "Chưa có gì được lưu. Hãy quay lại, tải lại trang rồi gửi lại; nếu vẫn bị" in page


@pytest.mark.django_db
def test_security_headers_are_sent() -> None:
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _production_check(tmp_path, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    """`danvan check` in a process of its own with the production settings (a variable given
    None is removed from the environment)."""
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.config.settings.production",
        "SECRET_KEY": "x" * 60 + "-production-like-secret-key-for-the-check",
        "DANVAN_DATA_DIR": str(tmp_path),
    }
    for name, value in env.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return subprocess.run(  # noqa: S603  (this interpreter, our own command)
        [sys.executable, "-m", "danvan", "check", *args], env=environ, capture_output=True,
        text=True, check=False,
    )  # fmt: skip


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    result = _production_check(
        tmp_path, "--deploy", "--fail-level", "WARNING",
        ALLOWED_HOSTS="danvan.example.vn", DJANGO_ALLOW_ASYNC_UNSAFE=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_old_secret_key_in_the_environment_keeps_petitioner_data_readable(
    tmp_path, settings
) -> None:
    """README «Rotating the field keys»: a new SECRET_KEY, the old one in SECRET_KEY_FALLBACKS
    (from the environment, as the env file sets it), and what was encrypted before still opens."""
    from danvan.dialogue.models import Petitioner
    from danvan.dialogue.privacy import forget_keys

    field = Petitioner._meta.get_field("name")
    old = "old-" + "k" * 56
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = old, []
    token = field.get_prep_value("Nguyễn Thị Lan")
    forget_keys()
    read = (
        "from danvan.dialogue.models import Petitioner; "
        f"print(Petitioner._meta.get_field('name').to_python({token!r}))"
    )
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "danvan.config.settings.base",
        "DANVAN_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "new-" + "n" * 56,
        "DANVAN_FIELD_KEYS": ",".join(settings.SALT_KEY),
    }
    run = lambda **more: subprocess.run(  # noqa: E731, S603  (this interpreter, our command)
        [sys.executable, "-m", "danvan", "shell", "--no-imports", "-c", read], env={**environ, **more},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert run(SECRET_KEY_FALLBACKS=f" {old} ,") == "Nguyễn Thị Lan"
    assert run() == token  # without the old key it stays a token


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        (
            "DANVAN_DAILY_AT",
            "6:00",
            "DANVAN_DAILY_AT must be a time as HH:MM (e.g. 06:00), not '6:00'.",
        ),
        ("DANVAN_BACKUP_KEEP", "abc", "DANVAN_BACKUP_KEEP must be a whole number, not 'abc'."),
        ("SECRET_KEY", "CHANGE_ME", "Replace CHANGE_ME in SECRET_KEY"),
    ],
)
def test_a_wrong_value_in_the_environment_is_named_in_one_line(
    tmp_path, name: str, value: str, said: str
) -> None:
    """The scheduler's unit restarts on failure: its journal should say what to correct."""
    result = _production_check(tmp_path, **{name: value})
    assert result.returncode == 1 and result.stderr.startswith(f"danvan: {said}")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    result = _production_check(tmp_path, SECRET_KEY=None)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "CHANGE_ME"),
        ("DANVAN_FIELD_KEYS", "CHANGE_ME"),
        ("DANVAN_BACKUP_KEY", "CHANGE_ME"),
        ("DATABASE_URL", "postgres://danvan:CHANGE_ME@127.0.0.1:5432/danvan"),
        ("EMAIL_HOST_PASSWORD", "CHANGE_ME"),
    ],
)
def test_production_refuses_a_placeholder_left_in_the_env_file(tmp_path, name, value) -> None:
    result = _production_check(tmp_path, EMAIL_HOST="smtp.example.org", **{name: value})
    assert result.returncode != 0
    assert f"Replace CHANGE_ME in {name} (the environment file" in result.stderr


def test_production_takes_the_e_mail_password_placeholder_when_no_smtp_server_is_set(
    tmp_path,
) -> None:
    result = _production_check(tmp_path, EMAIL_HOST=None, EMAIL_HOST_PASSWORD="CHANGE_ME")
    assert result.returncode == 0, result.stderr


def test_favicon_points_to_the_static_icon() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".svg")


@pytest.mark.django_db
def test_admin_cannot_delete_or_change_the_registries(world, as_user) -> None:  # type: ignore[no-untyped-def]
    from danvan.accounts.models import User

    root = User.objects.create_superuser("root@example.vn", "pw-for-tests-123")
    client = as_user(root)
    assert client.get("/admin/org/organization/").status_code == 200
    assert client.get(f"/admin/org/organization/{world.front_a.pk}/change/").status_code == 200
    assert client.get(f"/admin/org/organization/{world.front_a.pk}/delete/").status_code == 403
    assert client.get(f"/admin/org/area/{world.commune_a.pk}/delete/").status_code == 403
    assert client.get("/admin/org/kind/").status_code == 404
    assert client.get("/admin/org/organizationkind/").status_code == 200


# The admin may edit only tables that carry no workflow rule of danvan's: managed lists (kinds of
# organisation, situation topics, practice sub-fields), people (a superuser deactivates an
# account) and third-party tables. (API tokens are read-only there, revoked by an action.) Every other record changes through the services that keep its
# rules, deadlines and history: the admin shows it read-only.
EDITABLE_IN_THE_ADMIN = {
    "auth.Group",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "accounts.User",
    "org.OrganizationKind",
    "practices.SubField",
    "situation.Topic",
}


def test_the_admin_edits_no_record_that_has_a_service() -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    from danvan.accounts.models import User

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    editable = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    }
    assert editable <= EDITABLE_IN_THE_ADMIN, sorted(editable - EDITABLE_IN_THE_ADMIN)
    assert "dialogue.Petition" in {m._meta.label for m in admin.site._registry}  # still shown
