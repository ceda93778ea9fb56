"""Bad input gets a clear answer, and nothing is lost."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from danvan.org import areas, services
from danvan.org.area_import import ImportError_, areas_import_csv, areas_load_current
from danvan.org.models import Area, AreaLevel, Membership, Organization, Role
from tests.conftest import World, kind, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_moving_an_organisation_under_its_own_unit_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.organization_update(actor=None, org=world.party_a, parent=world.front_a)
    assert "under itself or one of its own units" in str(exc.value)
    world.party_a.refresh_from_db()
    assert Organization.objects.parent_of(world.party_a) == world.commission


def test_moving_an_area_under_its_own_sub_area_is_refused(world: World) -> None:
    village = areas.area_create(
        actor=None, parent=world.commune_a, code="V1", name="Bản Một",
        level=AreaLevel.VILLAGE, valid_from=datetime.date(2025, 7, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        areas.area_update(actor=None, area=world.commune_a, parent=village)
    assert "level" in exc.value.message_dict or "parent" in exc.value.message_dict


def test_organisation_in_an_ended_area_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.organization_create(
            actor=None, parent=world.commission, name="Ban Dân vận Huyện ủy Kỳ Sơn",
            kind=kind("mobilization_commission"), area=world.old_district,
        )  # fmt: skip
    assert "Huyện Kỳ Sơn is not valid on" in exc.value.message_dict["area"][0]
    # Registered for the record, dissolved before the area ended, it is accepted.
    old = services.organization_create(
        actor=None, parent=world.commission, name="Ban Dân vận Huyện ủy Kỳ Sơn",
        kind=kind("mobilization_commission"), area=world.old_district,
        dissolved_on=datetime.date(2025, 6, 30),
    )  # fmt: skip
    assert not old.is_active


def test_duplicate_area_code_at_the_same_time_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        areas.area_create(
            actor=None, parent=world.province, code="16813", name="Xã Trùng",
            level=AreaLevel.COMMUNE, valid_from=datetime.date(2026, 1, 1),
        )  # fmt: skip
    assert "already used by Xã Mường Xén" in exc.value.message_dict["code"][0]
    # The same code before the reform (codes are reused over time) is fine.
    before = areas.area_create(
        actor=None, parent=world.old_district, code="16813", name="Thị trấn Mường Xén",
        level=AreaLevel.COMMUNE, valid_to=datetime.date(2025, 6, 30),
    )  # fmt: skip
    assert before.code == "16813"


def test_area_must_fit_its_parents_dates(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        areas.area_create(
            actor=None, parent=world.old_district, code="16999", name="Xã Mới",
            level=AreaLevel.COMMUNE,
        )  # fmt: skip
    assert "valid within its parent Huyện Kỳ Sơn" in str(exc.value)


def test_membership_for_a_dissolved_organisation_is_refused(world: World) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 1, 1),
        successor=world.front_a,
    )  # fmt: skip
    user = make_user("new@example.vn")
    with pytest.raises(ValidationError) as exc:
        services.membership_create(actor=None, user=user, organization=world.front_b, role="viewer")
    assert "dissolved on 01/01/2026" in exc.value.message_dict["organization"][0]


def test_dissolving_keeps_the_record_and_ends_its_memberships(world: World, xa2) -> None:
    services.organization_dissolve(
        actor=None, org=world.front_b, dissolved_on=datetime.date(2026, 1, 1)
    )
    membership = Membership.objects.get(user=xa2)
    assert membership.ended_on == datetime.date(2026, 1, 1)
    assert Organization.objects.filter(pk=world.front_b.pk).exists()
    with pytest.raises(ValidationError, match="still has active units"):
        services.organization_dissolve(
            actor=None, org=world.party_a, dissolved_on=datetime.date(2026, 1, 1)
        )


def test_roles_cannot_be_granted_above_ones_own(world: World, lanhdao, xa) -> None:
    user = make_user("someone@example.vn")
    with pytest.raises(PermissionDenied, match="above your own"):
        services.membership_create(
            actor=lanhdao, user=user, organization=world.front_a, role=Role.ADMIN
        )
    with pytest.raises(PermissionDenied):
        services.membership_create(
            actor=xa, user=user, organization=world.front_a, role=Role.VIEWER
        )
    membership = services.membership_create(
        actor=lanhdao, user=user, organization=world.front_a, role=Role.LEADER
    )
    assert membership.role == Role.LEADER


def test_duplicate_active_membership_is_refused(world: World, xa) -> None:
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_create(
            actor=None, user=xa, organization=world.front_a, role=Role.VIEWER
        )


def test_history_records_who_changed_what(world: World, lanhdao) -> None:
    services.organization_update(actor=lanhdao, org=world.front_a, abbreviation="MTTQ-MX")
    latest = world.front_a.history.order_by("-history_date").first()
    assert latest.history_user == lanhdao
    assert latest.abbreviation == "MTTQ-MX"


# --- CSV import ----------------------------------------------------------------------------

GOOD_CSV = """code,name,level,parent_code,valid_from,valid_to,successor_codes
418,Huyện Tương Dương,district,40,,30/06/2025,
16876,Thị trấn Thạch Giám,commune,418,,2025-06-30,16813
16879,Xã Xá Lượng,commune,418,,2025-06-30,16813;16816
"""


def test_csv_import_creates_history_with_successors(world: World) -> None:
    assert areas_import_csv(actor=None, text=GOOD_CSV) == 3
    old = Area.objects.get(code="16879")
    assert old.valid_to == datetime.date(2025, 6, 30)
    assert {a.code for a in old.successors.all()} == {"16813", "16816"}
    assert Area.objects.parent_of(old).code == "418"


def test_csv_with_bad_rows_reports_each_and_imports_nothing(world: World) -> None:
    bad = """code,name,level,parent_code,valid_from,valid_to,successor_codes
418,Huyện Tương Dương,district,40,,30/06/2025,
16876,Thị trấn Thạch Giám,hamlet,418,,2025-06-30,
16879,Xã Xá Lượng,commune,999,,2025-06-30,
16880,Xã Lưu Kiền,commune,418,,31/31/2025,
16813,Xã Trùng Mã,commune,40,2025-08-01,,
16881,Xã Yên Na,commune,418,,2025-06-30,77777
"""
    with pytest.raises(ImportError_) as exc:
        areas_import_csv(actor=None, text=bad)
    lines = dict(exc.value.rows)
    assert set(lines) == {3, 4, 5, 6, 7}
    assert "hamlet" in lines[3]
    assert "parent code 999" in lines[4]
    assert "31/31/2025" in lines[5]
    assert "already used" in lines[6]
    assert "successor code 77777" in lines[7]
    assert not Area.objects.filter(code="418").exists()


def test_csv_without_the_header_is_refused(world: World) -> None:
    with pytest.raises(ImportError_, match="header"):
        areas_import_csv(actor=None, text="a,b\n1,2\n")


def test_areas_load_is_offline_and_idempotent(db: None) -> None:
    first = areas_load_current(province_codes=["40"])
    assert first.created == 131  # Nghệ An and its 130 communes and wards today
    again = areas_load_current(province_codes=["40"])
    assert again.created == 0 and again.unchanged == 131
    with pytest.raises(ValidationError, match="No province with code 99"):
        areas_load_current(province_codes=["99"])


def test_ending_an_area_with_active_organisations_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        areas.area_update(actor=None, area=world.commune_a, valid_to=datetime.date(2025, 8, 1))
    assert "is active in this area" in exc.value.message_dict["valid_to"][0]


def test_level_change_must_keep_sub_areas_below(world: World) -> None:
    areas.area_create(
        actor=None, parent=world.commune_a, code="V1", name="Bản Một",
        level=AreaLevel.VILLAGE, valid_from=datetime.date(2025, 7, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        areas.area_update(actor=None, area=world.commune_a, level=AreaLevel.VILLAGE)
    assert "Bản Một" in exc.value.message_dict["level"][0]


def test_successors_must_exist_when_the_area_ends(world: World) -> None:
    with pytest.raises(ValidationError, match="Only an area that has ended"):
        areas.area_update(actor=None, area=world.commune_a, successors=[world.commune_b])
    with pytest.raises(ValidationError, match="is not valid on"):
        areas.area_update(actor=None, area=world.old_district, successors=[world.old_district])
    areas.area_update(actor=None, area=world.old_district, successors=[world.commune_a])
    # A cycle back would need the old district to exist after the commune ends: refused.
    with pytest.raises(ValidationError):
        areas.area_update(actor=None, area=world.commune_a, successors=[world.old_district])


def test_dissolution_dates_make_sense(world: World) -> None:
    far_future = timezone.localdate() + datetime.timedelta(days=400)
    with pytest.raises(ValidationError, match="not before"):
        services.organization_dissolve(actor=None, org=world.front_b, dissolved_on=far_future)
    services.organization_update(
        actor=None, org=world.front_b, established_on=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError, match="before the founding date"):
        services.organization_dissolve(
            actor=None, org=world.front_b, dissolved_on=datetime.date(2019, 1, 1)
        )
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.organization_update(actor=None, org=world.front_b, established_on=far_future)


def test_values_are_checked_against_the_model(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.organization_update(actor=None, org=world.front_a, name=None, email="not-mail")
    assert set(exc.value.message_dict) == {"name", "email"}
    with pytest.raises(ValidationError) as exc:
        areas.area_update(actor=None, area=world.commune_a, code="9" * 40, is_border=None)
    assert set(exc.value.message_dict) == {"code", "is_border"}
    with pytest.raises(ValidationError) as exc:
        areas.area_update(actor=None, area=world.commune_a, population=10**12)
    assert "population" in exc.value.message_dict
