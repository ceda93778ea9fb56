"""The pages for areas, organisations, members and invitations, through the web client."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from danvan.accounts.models import User
from danvan.org import areas, services
from danvan.org.models import Area, Invitation, Membership, Organization, Role
from tests.conftest import World, kind

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get("/orgs/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_organisation_tree_and_page_for_tinh(world: World, tinh, as_user) -> None:
    client = as_user(tinh)
    tree = client.get("/orgs/")
    assert "Ban Dân vận Tỉnh ủy Nghệ An" in tree.content.decode()
    children = client.get(f"/orgs/{world.commission.pk}/children/").content.decode()
    assert "Đảng ủy xã Mường Xén" in children and "Đảng ủy xã Mỹ Lý" in children
    page = client.get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert "xa@example.vn" not in page  # no members yet in this test
    assert "Lịch sử" in page  # the history section, in Vietnamese by default


def test_search_ignores_diacritics(world: World, tinh, as_user) -> None:
    client = as_user(tinh)
    found = client.get("/orgs/", {"q": "uy ban mttq muong xen"}).content.decode()
    assert "Ủy ban MTTQ Việt Nam xã Mường Xén" in found
    assert "Mỹ Lý" not in found
    found = client.get("/areas/", {"q": "nghe an"}).content.decode()
    assert "Nghệ An" in found
    assert "Xã Mường Xén" in client.get("/areas/", {"q": "MUONG XEN"}).content.decode()


def test_search_stays_inside_the_scope(world: World, xa, as_user) -> None:
    body = as_user(xa).get("/orgs/", {"q": "uy ban"}).content.decode()
    assert "Mường Xén" in body and "Mỹ Lý" not in body


def test_xa_sees_only_its_unit_and_404_for_the_rest(world: World, xa, as_user) -> None:
    client = as_user(xa)
    assert client.get(f"/orgs/{world.front_a.pk}/").status_code == 200
    for org in (world.front_b, world.commission, world.party_a):
        assert client.get(f"/orgs/{org.pk}/").status_code == 404
    assert client.get(f"/areas/{world.commune_b.pk}/").status_code == 404
    assert client.get(f"/areas/{world.commune_a.pk}/").status_code == 200


def test_outsider_sees_nothing(world: World, outsider, as_user) -> None:
    client = as_user(outsider)
    body = client.get("/orgs/").content.decode()
    assert "Ban Dân vận Tỉnh ủy" not in body
    assert "Bạn chưa là thành viên" in body
    assert client.get(f"/orgs/{world.commission.pk}/").status_code == 404


def test_organisation_page_shows_history_with_who_and_what(world: World, lanhdao, as_user) -> None:
    services.organization_update(actor=lanhdao, org=world.front_a, abbreviation="MTTQ-MX")
    body = as_user(lanhdao).get(f"/orgs/{world.front_a.pk}/").content.decode()
    assert "lanhdao" in body and "MTTQ-MX" in body


def test_leader_edits_an_organisation_and_reporter_may_not(
    world: World, lanhdao, xa, as_user
) -> None:
    url = f"/orgs/{world.front_a.pk}/edit/"
    data = {"name": "Ủy ban MTTQ xã Mường Xén", "kind": kind("fatherland_front").pk,
            "area": world.commune_a.pk}  # fmt: skip
    assert as_user(xa).post(url, data).status_code == 403
    response = as_user(lanhdao).post(url, data)
    assert response.status_code == 302
    world.front_a.refresh_from_db()
    assert world.front_a.name == "Ủy ban MTTQ xã Mường Xén"


def test_new_unit_in_an_ended_area_shows_the_error(world: World, lanhdao, as_user) -> None:
    response = as_user(lanhdao).post(
        f"/orgs/new/?parent={world.commission.pk}",
        {"name": "Ban mới", "kind": kind("steering_committee").pk, "area": world.old_district.pk},
    )
    # The ended district is not even offered; the form says so and nothing is saved.
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Organization.objects.filter(name="Ban mới").exists()


def test_move_refuses_a_cycle_with_a_message(world: World, lanhdao, as_user) -> None:
    response = as_user(lanhdao).post(
        f"/orgs/{world.party_a.pk}/move/", {"parent": world.front_a.pk}
    )
    # Its own units are not even offered; the choice is refused and nothing moves.
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert Organization.objects.parent_of(world.party_a) == world.commission
    options = as_user(lanhdao).get(f"/orgs/{world.party_a.pk}/move/").content.decode()
    assert "Ủy ban MTTQ Việt Nam xã Mường Xén" not in options


def test_dissolve_keeps_the_organisation(world: World, lanhdao, as_user) -> None:
    response = as_user(lanhdao).post(
        f"/orgs/{world.front_b.pk}/dissolve/",
        {"dissolved_on": "2026-01-01", "successor": world.front_a.pk},
    )
    assert response.status_code == 302
    world.front_b.refresh_from_db()
    assert world.front_b.dissolved_on.isoformat() == "2026-01-01"
    assert world.front_b.successor == world.front_a


def test_invitation_round_trip(
    world: World, lanhdao, as_user, django_capture_on_commit_callbacks
) -> None:
    leader = as_user(lanhdao)
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # whoever invites in English…
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            f"/orgs/{world.front_a.pk}/invite/", {"email": "Moi@Example.vn", "role": "reporter"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # …the new person is invited in the site's language.
    assert mail.outbox[0].subject == f"Lời mời tham gia danvan: {world.front_a.name}"
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    visitor = Client()
    assert "Tạo tài khoản" in visitor.get(link).content.decode()
    response = visitor.post(link, {"full_name": "Cán Bộ Mới", "password": "a-long-pass-phrase-9"})
    assert response.status_code == 302
    user = User.objects.get(email="moi@example.vn")
    assert Membership.objects.get(user=user).organization == world.front_a
    assert visitor.get(link).status_code == 410  # one-time


def test_reporter_cannot_invite(world: World, xa, as_user) -> None:
    as_user(xa).post(f"/orgs/{world.front_a.pk}/invite/", {"email": "a@b.vn", "role": "viewer"})
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_leader_changes_a_role_and_ends_a_membership(world: World, lanhdao, xa, as_user) -> None:
    client = as_user(lanhdao)
    membership = Membership.objects.get(user=xa)
    client.post(f"/memberships/{membership.pk}/role/", {"role": Role.VIEWER})
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    # A role that is none of the choices is said on the page it returns to, and changes nothing.
    page = client.post(f"/memberships/{membership.pk}/role/", {"role": "zzz"}, follow=True)
    assert "zzz" in page.text and "alert-danger" in page.text
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    client.post(f"/memberships/{membership.pk}/end/")
    membership.refresh_from_db()
    assert membership.ended_on is not None
    assert membership.history.count() == 3  # created, role changed, ended: all kept


def test_xa2_cannot_touch_xas_membership(world: World, xa, xa2, as_user) -> None:
    membership = Membership.objects.get(user=xa)
    assert as_user(xa2).post(f"/memberships/{membership.pk}/end/").status_code == 404


def test_area_csv_import_page_reports_bad_rows(world: World, lanhdao, tinh, as_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "code,name,level,parent_code,valid_from,valid_to,successor_codes\n1,X,hamlet,40,,,\n"
    upload = SimpleUploadedFile("areas.csv", csv.encode(), content_type="text/csv")
    body = as_user(lanhdao).post("/areas/import/", {"file": upload}).content.decode()
    assert "Dòng 2" in body and "hamlet" in body
    assert as_user(tinh).get("/areas/import/").status_code == 403


def test_area_edit_records_successors(world: World, lanhdao, as_user) -> None:
    response = as_user(lanhdao).post(
        f"/areas/{world.old_district.pk}/edit/",
        {"code": "417", "name": "Huyện Kỳ Sơn", "level": "district", "valid_to": "2025-06-30",
         "successors": [world.commune_a.pk, world.commune_b.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert set(world.old_district.successors.all()) == {world.commune_a, world.commune_b}
    page = as_user(lanhdao).get(f"/areas/{world.commune_a.pk}/").content.decode()
    assert "Huyện Kỳ Sơn" in page  # "formed from"


def _many_communes(world: World, count: int) -> None:
    for i in range(count):
        area = areas.area_create(
            actor=None, parent=world.province, code=f"9{i:04d}", name=f"Xã Thử {i}",
            level="commune",
        )  # fmt: skip
        services.organization_create(
            actor=None, parent=world.commission, name=f"Đảng ủy xã Thử {i}",
            kind=kind("party_committee"), area=area,
        )  # fmt: skip


@pytest.mark.parametrize("path", ["/orgs/?q=xa", "/areas/?q=xa", "/orgs/?q=dang+uy"])
def test_list_pages_keep_their_query_count(world: World, tinh, as_user, path: str) -> None:
    client = as_user(tinh)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    _many_communes(world, 10)
    at_ten = count()
    _many_communes_more = 190
    for i in range(10, 10 + _many_communes_more):
        area = Area.objects.get(code="90000")
        services.organization_create(
            actor=None, parent=world.commission, name=f"Đảng ủy xã Thử {i}",
            kind=kind("party_committee"), area=area,
        )  # fmt: skip
        areas.area_create(
            actor=None, parent=world.province, code=f"9{i:04d}", name=f"Xã Thử {i}",
            level="commune",
        )  # fmt: skip
    assert count() == at_ten


def test_invitation_refuses_a_weak_password_and_keeps_the_name(world: World, lanhdao) -> None:
    _invitation, raw = services.invitation_create(
        actor=lanhdao, email="yeu@example.vn", organization=world.front_a, role=Role.VIEWER
    )
    response = Client().post(f"/invitations/{raw}/", {"full_name": "Cán Bộ", "password": "123"})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_password_error"' in body
    assert 'value="Cán Bộ"' in body
    assert not User.objects.filter(email="yeu@example.vn").exists()


def test_existing_account_accepts_after_signing_in(world: World, lanhdao, xa2, as_user) -> None:
    _invitation, raw = services.invitation_create(
        actor=lanhdao, email="xa2@example.vn", organization=world.front_a, role=Role.VIEWER
    )
    assert "Đăng nhập để chấp nhận" in Client().get(f"/invitations/{raw}/").content.decode()
    response = as_user(xa2).post(f"/invitations/{raw}/")
    assert response.status_code == 302
    assert Membership.objects.active().filter(user=xa2, organization=world.front_a).exists()


def test_role_changes_show_on_the_organisation_page(world: World, lanhdao, xa, as_user) -> None:
    membership = Membership.objects.get(user=xa)
    services.membership_change_role(actor=lanhdao, membership=membership, role=Role.VIEWER)
    page = as_user(lanhdao).get(f"/orgs/{world.front_a.pk}/").content.decode()
    section = page.split('id="member-history"')[1]
    assert "xa" in section and "lanhdao" in section
    assert "<del>Cán bộ báo cáo</del> → Người xem" in section


def test_only_the_top_organisations_administrators_register_areas(
    world: World, lanhdao, as_user
) -> None:
    from tests.conftest import make_user

    commune_leader = make_user("leader.a@example.vn")
    services.membership_create(
        actor=None, user=commune_leader, organization=world.front_a, role=Role.LEADER
    )
    client = as_user(commune_leader)
    assert client.get(f"/areas/{world.commune_a.pk}/edit/").status_code == 403
    assert client.get("/areas/import/").status_code == 403
    assert as_user(lanhdao).get(f"/areas/{world.commune_a.pk}/edit/").status_code == 200


def test_area_filters_show_units_that_no_longer_exist(world: World, tinh, as_user) -> None:
    client = as_user(tinh)
    assert "Huyện Kỳ Sơn" in client.get("/areas/", {"level": "district"}).content.decode()
    ended = client.get("/areas/", {"validity": "ended"}).content.decode()
    assert "Huyện Kỳ Sơn" in ended and "Xã Mường Xén" not in ended
    current = client.get("/areas/", {"validity": "current", "level": "commune"}).content.decode()
    assert "Xã Mường Xén" in current and "Huyện Kỳ Sơn" not in current


def test_organisation_status_filter(world: World, tinh, as_user) -> None:
    import datetime

    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 1, 1)
    )
    client = as_user(tinh)
    dissolved = client.get("/orgs/", {"status": "dissolved"}).content.decode()
    assert "Ủy ban MTTQ Việt Nam xã Mỹ Lý" in dissolved
    assert "Đảng ủy xã Mường Xén" not in dissolved
    active = client.get("/orgs/", {"status": "active"}).content.decode()
    assert "Ủy ban MTTQ Việt Nam xã Mỹ Lý" not in active


def test_leader_is_offered_only_roles_up_to_their_own(world: World, lanhdao, as_user) -> None:
    from tests.conftest import make_user

    boss = make_user("boss@example.vn")
    services.membership_create(actor=None, user=boss, organization=world.commission, role="admin")
    page = as_user(lanhdao).get(f"/orgs/{world.commission.pk}/").content.decode()
    assert 'value="admin"' not in page  # neither in the invite form nor in any role select
    assert 'value="leader"' in page
    boss_membership = Membership.objects.get(user=boss)
    assert f"/memberships/{boss_membership.pk}/end/" not in page  # no action on a higher role
    response = as_user(lanhdao).post(f"/memberships/{boss_membership.pk}/end/")
    assert response.status_code == 403
    assert "vai trò cao hơn" in response.content.decode()


def test_ending_a_membership_asks_first(world: World, lanhdao, xa, as_user) -> None:
    membership = Membership.objects.get(user=xa)
    page = as_user(lanhdao).get(f"/memberships/{membership.pk}/end/").content.decode()
    assert "xa" in page and "Hủy" in page
    membership.refresh_from_db()
    assert membership.is_active
    own = Membership.objects.get(user=lanhdao)
    warning = as_user(lanhdao).get(f"/memberships/{own.pk}/end/").content.decode()
    assert "alert-warning" in warning


def test_csv_errors_name_fields_in_vietnamese(world: World, lanhdao, as_user) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "code,name,level,parent_code,valid_from,valid_to,successor_codes\n99,,commune,40,,,\n"
    upload = SimpleUploadedFile("areas.csv", csv.encode(), content_type="text/csv")
    body = as_user(lanhdao).post("/areas/import/", {"file": upload}).content.decode()
    assert "Dòng 2: Tên:" in body
