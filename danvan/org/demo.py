"""The demo province: Nghệ An today, a slice of its pre-2025 units, organisations and accounts.

Every person's name here is invented. Population figures are illustrative round numbers.
"""

from __future__ import annotations

import datetime
from typing import Any, TextIO

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from danvan.accounts.models import ApiToken, User

from . import areas, services
from .area_import import REFORM_DAY, areas_load_current
from .kinds import ensure_kinds
from .models import Area, AreaLevel, Invitation, Membership, Organization, OrganizationKind, Role

PASSWORD = "danvan-demo"  # noqa: S105 — the documented demo password
LAST_OLD_DAY = REFORM_DAY - datetime.timedelta(days=1)
PROVINCE = "40"

# Pre-2025 districts and communes: (code, name, [(code, name, successor code)])
OLD_DISTRICTS = [
    (
        "417",
        "Huyện Kỳ Sơn",
        [
            ("16813", "Thị trấn Mường Xén", "16813"),
            ("16852", "Xã Tà Cạ", "16813"),
            ("16861", "Xã Tây Sơn", "16813"),
            ("16816", "Xã Mỹ Lý", "16816"),
            ("16819", "Xã Bắc Lý", "16819"),
            ("16822", "Xã Keng Đu", "16822"),
            ("16825", "Xã Đoọc Mạy", "16822"),
            ("16834", "Xã Na Loi", "16834"),
            ("16837", "Xã Nậm Cắn", "16837"),
            ("16840", "Xã Phà Đánh", "16837"),
        ],
    ),
    (
        "418",
        "Huyện Tương Dương",
        [
            ("16876", "Thị trấn Thạch Giám", "16876"),
            ("16879", "Xã Xá Lượng", "16876"),
            ("16933", "Xã Tam Quang", "16933"),
        ],
    ),
    (
        "412",
        "Thành phố Vinh",
        [
            ("16690", "Phường Trường Thi", "16690"),
            ("16693", "Phường Vinh Tân", "16690"),
            ("16681", "Phường Hưng Bình", "16681"),
        ],
    ),
]

BORDER_COMMUNES = {"16816", "16819", "16822", "16834", "16837", "16858", "16870", "16933"}
# Public statistics on a few communes: (population, ethnic minority share %)
AREA_FACTS = {
    PROVINCE: (3_470_000, None),
    "16813": (21_000, "91.50"),
    "16816": (6_800, "99.20"),
    "16834": (5_400, "98.70"),
    "16876": (17_500, "86.00"),
    "16690": (68_000, "0.40"),
}
VILLAGES = [
    ("16816", "16816-01", "Bản Xốp Phe"),
    ("16816", "16816-02", "Bản Huồi Cáng"),
    ("16816", "16816-03", "Bản Cha Nga"),
]

# Communes that get their own units: Party committee, Fatherland Front, People's Committee.
DEMO_COMMUNES = [
    "16813", "16816", "16834", "16822", "16837", "16876",
    "17254", "16738", "17464", "17935", "16690", "16732",
]  # fmt: skip

ACCOUNTS = [
    # (e-mail, name, job title, organisation key, role, superuser)
    ("admin@demo.danvan.vn", "Quản trị hệ thống", "Quản trị viên", "commission", Role.ADMIN, True),
    ("tinh@demo.danvan.vn", "Nguyễn Thị Hồng Nhung", "Chuyên viên", "commission", Role.SPECIALIST, False),
    ("lanhdao@demo.danvan.vn", "Trần Quốc Bảo", "Phó Trưởng ban", "commission", Role.LEADER, False),
    ("xa@demo.danvan.vn", "Lê Văn Khánh", "Phó Chủ tịch UB MTTQ", "front:16813", Role.REPORTER, False),
    ("xa2@demo.danvan.vn", "Phạm Thị Thu Trang", "Cán bộ UB MTTQ", "front:16816", Role.REPORTER, False),
    ("bienphong@demo.danvan.vn", "Hoàng Minh Đức", "Đội trưởng vận động quần chúng", "border_command", Role.REPORTER, False),
    ("mattran@demo.danvan.vn", "Đặng Thị Mai", "Trưởng ban Dân chủ - Pháp luật", "front", Role.SPECIALIST, False),
]  # fmt: skip


def reset() -> None:
    """Remove everything this app's demo made (and any other rows of these tables)."""
    Invitation.history.all().delete()
    Invitation.objects.all().delete()
    Membership.history.all().delete()
    Membership.objects.all().delete()
    for model in (Organization, Area):
        model.history.all().delete()
        # Children before parents: PROTECT foreign keys point up the tree and across.
        Organization.objects.update(successor=None)
        model.objects.order_by("-depth").delete()
    TOTPDevice.objects.all().delete()
    ApiToken.history.all().delete()
    ApiToken.objects.all().delete()
    User.objects.all().delete()


def is_loaded() -> bool:
    return User.objects.filter(email="admin@demo.danvan.vn").exists()


@transaction.atomic
def load(out: TextIO) -> None:
    ensure_kinds(OrganizationKind)
    result = areas_load_current(province_codes=[PROVINCE])
    out.write(f"  areas today: {result.created} created\n")
    province = Area.objects.get(code=PROVINCE, level=AreaLevel.PROVINCE)
    today = {a.code: a for a in Area.objects.filter(path__startswith=province.path, depth=2)}
    _load_history(province, today)
    _load_facts(province, today)
    orgs = _load_organizations(province, today)
    users = _load_accounts(orgs)
    # Show a rename in the history, as the 2025 merger of the two commissions did.
    services.organization_update(
        actor=users["admin@demo.danvan.vn"],
        org=orgs["commission"],
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An",
        abbreviation="BTGDV",
    )
    services.invitation_create(
        actor=users["lanhdao@demo.danvan.vn"],
        email="canbo.moi@demo.danvan.vn",
        organization=orgs["ethnic"],
        role=Role.VIEWER,
    )
    out.write(
        f"  organisations: {Organization.objects.count()}, accounts: {User.objects.count()}\n"
    )


def _load_history(province: Area, today: dict[str, Area]) -> None:
    for code, name, communes in OLD_DISTRICTS:
        district = areas.area_create(
            actor=None,
            parent=province,
            code=code,
            name=name,
            level=AreaLevel.DISTRICT,
            valid_to=LAST_OLD_DAY,
        )
        for commune_code, commune_name, successor in communes:
            old = areas.area_create(
                actor=None,
                parent=district,
                code=commune_code,
                name=commune_name,
                level=AreaLevel.COMMUNE,
                valid_to=LAST_OLD_DAY,
                is_border=successor in BORDER_COMMUNES,
            )
            areas.area_successors_set(area=old, successors=[today[successor]])


def _load_facts(province: Area, today: dict[str, Area]) -> None:
    for code, (population, share) in AREA_FACTS.items():
        area = province if code == PROVINCE else today[code]
        area.population = population
        area.ethnic_minority_pct = share
        area.save()
    for code in BORDER_COMMUNES:
        Area.objects.filter(pk=today[code].pk).update(is_border=True)
    for commune, code, name in VILLAGES:
        areas.area_create(
            actor=None,
            parent=today[commune],
            code=code,
            name=name,
            level=AreaLevel.VILLAGE,
            valid_from=REFORM_DAY,
        )


def _load_organizations(province: Area, today: dict[str, Area]) -> dict[str, Organization]:
    kinds = {k.code: k for k in OrganizationKind.objects.all()}
    orgs: dict[str, Organization] = {}

    def add(key: str, parent: str | None, name: str, kind: str, area: Area, **extra: Any) -> None:
        orgs[key] = services.organization_create(
            actor=None,
            parent=orgs[parent] if parent else None,
            name=name,
            kind=kinds[kind],
            area=area,
            **extra,
        )

    add(
        "commission", None, "Ban Dân vận Tỉnh ủy Nghệ An", "mobilization_commission", province,
        abbreviation="BDV", email="bandanvan@nghean.example",
        address="Số 6 đường Đặng Thái Thân, TP Vinh",
    )  # fmt: skip
    top = [
        ("ppc_party", "Đảng ủy Ủy ban nhân dân tỉnh Nghệ An", "party_committee"),
        ("military", "Bộ Chỉ huy Quân sự tỉnh Nghệ An", "armed_forces"),
        ("border_command", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Nghệ An", "armed_forces"),
        ("ethnic", "Ban Dân tộc tỉnh Nghệ An", "ethnic_committee"),
        ("religious", "Ban Tôn giáo (Sở Nội vụ tỉnh Nghệ An)", "religious_committee"),
        ("front", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An", "fatherland_front"),
        ("grassroots_sc", "Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở tỉnh", "steering_committee"),
    ]  # fmt: skip
    for key, name, kind in top:
        add(key, "commission", name, kind, province)
    add("post_my_ly", "border_command", "Đồn Biên phòng Mỹ Lý", "armed_forces", today["16816"])
    add("post_na_loi", "border_command", "Đồn Biên phòng Na Loi", "armed_forces", today["16834"])
    for key, name in [
        ("farmers", "Hội Nông dân tỉnh Nghệ An"),
        ("women", "Hội Liên hiệp Phụ nữ tỉnh Nghệ An"),
        ("youth", "Tỉnh đoàn Nghệ An"),
        ("veterans", "Hội Cựu chiến binh tỉnh Nghệ An"),
        ("labour", "Liên đoàn Lao động tỉnh Nghệ An"),
    ]:
        add(key, "front", name, "mass_organization", province)
    for code in DEMO_COMMUNES:
        area = today[code]
        unit, rest = area.name.split(" ", 1)  # "Xã", "Mường Xén"
        unit = unit.lower()
        add(f"party:{code}", "commission", f"Đảng ủy {unit} {rest}", "party_committee", area)
        add(f"front:{code}", f"party:{code}", f"Ủy ban MTTQ Việt Nam {unit} {rest}",
            "fatherland_front", area)  # fmt: skip
        add(f"ppc:{code}", f"party:{code}", f"Ủy ban nhân dân {unit} {rest}", "government", area)
    # Every other commune's Party committee and Front: the units inspections and reports reach.
    for code, area in sorted(today.items()):
        if code in DEMO_COMMUNES:
            continue
        unit, rest = area.name.split(" ", 1)
        unit = unit.lower()
        add(f"party:{code}", "commission", f"Đảng ủy {unit} {rest}", "party_committee", area)
        add(f"front:{code}", f"party:{code}", f"Ủy ban MTTQ Việt Nam {unit} {rest}",
            "fatherland_front", area)  # fmt: skip
    # Before the 2025 reform: the district level, dissolved on 30/06/2025.
    districts = {a.code: a for a in Area.objects.filter(level=AreaLevel.DISTRICT)}
    add(
        "old_ky_son", "commission", "Ban Dân vận Huyện ủy Kỳ Sơn", "mobilization_commission",
        districts["417"], dissolved_on=LAST_OLD_DAY,
    )  # fmt: skip
    old_communes = {a.code: a for a in Area.objects.filter(valid_to=LAST_OLD_DAY)}
    for code, name in [("16813", "thị trấn Mường Xén"), ("16852", "xã Tà Cạ")]:
        add(
            f"old_front:{code}", "old_ky_son", f"Ủy ban MTTQ Việt Nam {name}", "fatherland_front",
            old_communes[code], dissolved_on=LAST_OLD_DAY, successor=orgs["front:16813"],
        )  # fmt: skip
    add(
        "old_propaganda", "commission", "Ban Tuyên giáo Tỉnh ủy Nghệ An", "propaganda_commission",
        province, dissolved_on=datetime.date(2025, 2, 28), successor=orgs["commission"],
    )  # fmt: skip
    return orgs


def _load_accounts(orgs: dict[str, Organization]) -> dict[str, User]:
    users: dict[str, User] = {}
    for email, name, title, org_key, role, superuser in ACCOUNTS:
        maker = User.objects.create_superuser if superuser else User.objects.create_user
        user = maker(email, PASSWORD, full_name=name, job_title=title)
        services.membership_create(actor=None, user=user, organization=orgs[org_key], role=role)
        users[email] = user
    return users
