"""The demo's world for dialogue and petitions: the communes and units it tells about, how
often each answers on time, and the working-day helpers the story is laid out with."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from danvan.accounts.models import User
from danvan.org.models import Area, AreaLevel, Organization
from danvan.situation.models import Topic

from . import deadlines
from .demo_texts import (
    FAMILIES,
    LETTERS,
    PLACES,
)
from .models import (
    Dialogue,
    Reception,
)

MUONG_XEN, MY_LY, NA_LOI, KENG_DU, NAM_CAN, TUONG_DUONG = (
    "16813", "16816", "16834", "16822", "16837", "16876"
)  # fmt: skip
PETITIONS_A_YEAR = 300
# How many petitions each commune sends, relative to the others (the Kỳ Sơn border communes
# most), and the share its units answer on time.
WEIGHTS = {MUONG_XEN: 3.0, MY_LY: 2.0, NA_LOI: 1.6, KENG_DU: 1.4, NAM_CAN: 1.4, TUONG_DUONG: 1.2}
OTHER_WEIGHT = 0.55
ON_TIME = {
    MY_LY: 0.96,
    MUONG_XEN: 0.88,
    NA_LOI: 0.71,
    KENG_DU: 0.92,
    NAM_CAN: 0.8,
    TUONG_DUONG: 0.85,
}
OTHER_ON_TIME = 0.9
# Remote and disadvantaged communes: longer legal time limits.
REMOTE = {MUONG_XEN, MY_LY, NA_LOI, KENG_DU, NAM_CAN, TUONG_DUONG, "17254", "16738"}
# Heads behind their reception schedule: (unit, commune) → {months ago: days held that month}.
BEHIND = {
    ("ppc", NA_LOI): {1: 0, 2: 1, 3: 1, 5: 0},
    ("party", NAM_CAN): {1: 1, 2: 1, 3: 1, 4: 1},
    ("ppc", TUONG_DUONG): {1: 0},
}
# The days of the month each head receives (the nearest working day in that month).
RECEPTION_DAYS = {"party": (8, 22), "ppc": (12, 26), "province": (15,)}
TOPIC_WEIGHTS = {
    "land-compensation": 6, "land-clearance": 3, "land-resettlement": 2, "land-disputes": 4,
    "administration": 9, "welfare": 9, "health": 4, "education": 4, "livelihood": 9,
    "livelihood-produce": 1, "livelihood-jobs": 1, "disaster": 4, "environment-waste": 2,
    "environment-mining": 1, "order": 2, "border": 1, "ethnic": 2,
}  # fmt: skip
# Topics only Mường Xén's road brings in such numbers.
ROAD_TOPICS = {"land-compensation", "land-clearance", "land-resettlement"}


@dataclass
class World:
    today: datetime.date
    rng: random.Random
    communes: dict[str, Area]
    villages: list[Area]
    orgs: dict[str, Organization]
    users: dict[str, User]
    topics: dict[str, Topic]
    actors: dict[int, User] = field(default_factory=dict)
    handlers: dict[int, User] = field(default_factory=dict)
    # (unit, year, second half) → [settled, on time]
    tally: dict[tuple[int, int, bool], list[int]] = field(default_factory=dict)
    receptions: dict[int, list[Reception]] = field(default_factory=dict)
    used: Counter[int] = field(default_factory=Counter)  # petitions per reception
    dialogues: dict[int, list[Dialogue]] = field(default_factory=dict)
    faces: int = 0

    def actor(self, org: Organization) -> User | None:
        return self.actors.get(org.pk)

    def commune_of(self, org: Organization) -> str:
        return org.area.code

    def person(self, commune: str) -> dict[str, str]:
        """A placeholder petitioner: a name no one bears, a 09xx 000 xxx telephone."""
        self.faces += 1
        rng = self.rng
        family = rng.choice(FAMILIES)
        middle = rng.choice(["Văn", "Thị", "Bá", "Văn", "Thị"])
        name = f"{family} {middle} {LETTERS[self.faces % len(LETTERS)]}"
        phone = f"09{rng.randint(12, 98)} 000 {self.faces % 1000:03d}"
        where = self.communes[commune].name
        person = {"name": name, "phone": phone, "address": f"{rng.choice(PLACES)}, {where}"}
        if rng.random() < 0.15:
            person["email"] = f"nguoidan{self.faces:03d}@example.vn"
        return person


def _working_on_or_after(day: datetime.date) -> datetime.date:
    return deadlines.add_working_days(day, 0)


def _working_on_or_before(day: datetime.date) -> datetime.date:
    while not deadlines.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _working_days_before(day: datetime.date, days: int) -> datetime.date:
    while days:
        day -= datetime.timedelta(days=1)
        if deadlines.is_working_day(day):
            days -= 1
    return day


def _accepted_for(due: datetime.date, days: int) -> datetime.date:
    """The acceptance day from which `days` working days run out on `due`."""
    accepted = due - datetime.timedelta(days=days * 2)
    while deadlines.add_working_days(accepted, days) < due:
        accepted += datetime.timedelta(days=1)
    return accepted


def _month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _world(today: datetime.date) -> World:
    from danvan.org.demo import DEMO_COMMUNES

    communes = {
        a.code: a
        for a in Area.objects.filter(
            level=AreaLevel.COMMUNE, valid_to__isnull=True, code__in=DEMO_COMMUNES
        ).order_by("code")
    }
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith=f"{MY_LY}-").order_by("code")
    )
    prefixes = {"fatherland_front": "front", "party_committee": "party", "government": "ppc"}
    orgs: dict[str, Organization] = {}
    for org in Organization.objects.select_related("area", "kind"):
        if org.depth == 1:
            orgs["commission"] = org
        elif (
            org.dissolved_on is None
            and org.area.code in communes
            and org.area.level == AreaLevel.COMMUNE
            and org.kind.code in prefixes
        ):
            orgs[f"{prefixes[org.kind.code]}:{org.area.code}"] = org
    named = {
        "ppc_party": "Đảng ủy Ủy ban nhân dân tỉnh Nghệ An",
        "old_front:16813": "Ủy ban MTTQ Việt Nam thị trấn Mường Xén",
        "old_front:16852": "Ủy ban MTTQ Việt Nam xã Tà Cạ",
    }
    by_name = {
        o.name: o
        for o in Organization.objects.filter(name__in=named.values()).select_related("area")
    }
    orgs.update({key: by_name[name] for key, name in named.items() if name in by_name})
    # The province's Party committee: the commission's parent where there is one.
    parent = Organization.objects.parent_of(orgs["commission"])
    orgs["province"] = parent if parent is not None else orgs["ppc_party"]
    users = {
        u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.danvan.vn")
    }
    world = World(
        today=today,
        rng=random.Random(1022),  # noqa: S311 — demo data, not secrets
        communes=communes,
        villages=villages,
        orgs=orgs,
        users=users,
        topics={t.code: t for t in Topic.objects.all()},
    )
    world.actors = {
        orgs[f"front:{MUONG_XEN}"].pk: users["xa"],
        orgs[f"front:{MY_LY}"].pk: users["xa2"],
        orgs["province"].pk: users["tinh"],
    }
    world.handlers = dict(world.actors)
    return world
