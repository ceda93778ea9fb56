"""The console commands: demo, areas, and their errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from danvan.accounts.models import User
from danvan.org.models import Area, Organization

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_resets(tmp_path) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "tinh@demo.danvan.vn" in out.getvalue()
    emails = set(User.objects.values_list("email", flat=True))
    assert {
        "admin@demo.danvan.vn", "tinh@demo.danvan.vn", "lanhdao@demo.danvan.vn",
        "xa@demo.danvan.vn", "xa2@demo.danvan.vn",
    } <= emails  # fmt: skip
    assert User.objects.get(email="admin@demo.danvan.vn").check_password("danvan-demo")
    organizations = Organization.objects.count()
    assert organizations > 40
    # Nghệ An today, plus the pre-2025 slice with successor links.
    assert Area.objects.filter(level="commune", valid_to__isnull=True).count() == 130
    assert Area.objects.filter(level="district").count() == 3
    ta_ca = Area.objects.get(name="Xã Tà Cạ")
    assert [a.name for a in ta_ca.successors.all()] == ["Xã Mường Xén"]

    skipped = io.StringIO()
    call_command("demo", "--if-empty", stdout=skipped)
    assert "already loaded" in skipped.getvalue()
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", stdout=io.StringIO())

    Organization.objects.filter(name__startswith="Đảng ủy xã Mường Xén").update(
        abbreviation="changed"
    )
    call_command("demo", "--reset", stdout=io.StringIO())
    assert Organization.objects.count() == organizations
    assert not Organization.objects.filter(abbreviation="changed").exists()


@pytest.mark.usefixtures("english")
def test_areas_load_command(db: None) -> None:
    out = io.StringIO()
    call_command("areas", "load", "--province", "40", "--province", "42", stdout=out)
    assert "created" in out.getvalue()
    assert Area.objects.filter(level="province").count() == 2
    with pytest.raises(CommandError, match="No province with code 77"):
        call_command("areas", "load", "--province", "77", stdout=io.StringIO())


def test_areas_import_command_reports_bad_rows(db: None, tmp_path) -> None:
    call_command("areas", "load", "--province", "40", stdout=io.StringIO())
    good = tmp_path / "good.csv"
    good.write_text(
        "code,name,level,parent_code,valid_from,valid_to,successor_codes\n"
        "417,Huyện Kỳ Sơn,district,40,,30/06/2025,\n"
        "16852,Xã Tà Cạ,commune,417,,30/06/2025,16813\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("areas", "import", str(good), stdout=out)
    assert "2 areas imported" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,level,parent_code,valid_from,valid_to,successor_codes\n"
        "418,Huyện Tương Dương,district,40,,30/06/2025,\n"
        "1,Xã Sai,town,418,,,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 1 bad row"):
        call_command("areas", "import", str(bad), stdout=io.StringIO(), stderr=err)
    assert "line 3" in err.getvalue()
    assert not Area.objects.filter(code="418").exists()


@pytest.mark.parametrize("reset", [False, True])
def test_demo_is_refused_on_a_servers_host(settings, reset: bool) -> None:
    """The demo's password is published and --reset deletes everything: not on a real server."""
    settings.ALLOWED_HOSTS = ["localhost", "danvan.nghean.gov.vn"]
    args = ["--reset"] if reset else []
    with pytest.raises(CommandError, match=r"answers to danvan\.nghean\.gov\.vn") as refused:
        call_command("demo", *args, stdout=io.StringIO())
    assert ("--reset deletes all data" in str(refused.value)) is reset
    assert not User.objects.exists() and not Organization.objects.exists()


def test_demo_loads_on_a_training_server_when_told(settings, monkeypatch) -> None:
    loaded: list[str] = []

    class Part:
        __name__ = "danvan.fake.demo"

        @staticmethod
        def load(stdout: object) -> None:
            loaded.append("loaded")

    monkeypatch.setattr("danvan.org.management.commands.demo._demo_modules", lambda: [Part])
    settings.ALLOWED_HOSTS = ["taphuan.danvan.nghean.gov.vn", "127.0.0.1", "app.localhost"]
    call_command("demo", "--on-public-host", stdout=io.StringIO())
    assert loaded == ["loaded"]
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver", "app.localhost"]
    call_command("demo", stdout=io.StringIO())  # this machine's names only: no flag needed
    assert loaded == ["loaded", "loaded"]
