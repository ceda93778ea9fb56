"""The situation demo's world: the places, their seasons and rates, the units that file, and the
date helpers the three years are laid out with."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from danvan.accounts.models import User
from danvan.org.models import Area, AreaLevel, Organization

from . import services
from .models import Level, Note, Topic

REFORM_DAY = datetime.date(2025, 7, 1)
MONTHS = 36
MONTHLY = "bao-cao-tinh-hinh-nhan-dan"
MUONG_XEN = "16813"

# Today's communes the notes are on: (code, size, [(predecessor code, share)], mountain).
# Before the reform a note is on one of the predecessors; a commune without any has notes only
# from 1/7/2025.
PLACES: list[tuple[str, float, list[tuple[str, float]], bool]] = [
    ("16813", 1.3, [("16813", 0.5), ("16852", 0.3), ("16861", 0.2)], True),
    ("16816", 0.9, [("16816", 1.0)], True),
    ("16819", 0.7, [("16819", 1.0)], True),
    ("16822", 0.8, [("16822", 0.6), ("16825", 0.4)], True),
    ("16834", 0.8, [("16834", 1.0)], True),
    ("16837", 0.8, [("16837", 0.6), ("16840", 0.4)], True),
    ("16876", 1.1, [("16876", 0.7), ("16879", 0.3)], True),
    ("16933", 0.7, [("16933", 1.0)], True),
    ("16690", 1.2, [("16690", 0.6), ("16693", 0.4)], False),
    ("16681", 1.0, [("16681", 1.0)], False),
    ("16858", 0.7, [], True),
    ("17254", 1.0, [], True),
    ("16738", 0.9, [], True),
    ("17464", 1.0, [], False),
    ("17935", 0.9, [], False),
    ("16732", 0.9, [], False),
]
BORDER = {"16816", "16819", "16822", "16834", "16837", "16933", "16858"}
COASTAL = {"16732", "17464"}
PARISHES = {"16690", "16681", "17464", "17935"}  # lowland communes with Catholic parishes

# Notes a month in a commune of size 1, before the season.
RATES = {
    "welfare": 0.28, "health": 0.16, "education": 0.15, "administration": 0.2,
    "environment-waste": 0.08, "environment-mining": 0.05, "order": 0.13, "land-disputes": 0.1,
    "land-compensation": 0.05, "livelihood-prices": 0.07, "livelihood-jobs": 0.11,
    "livelihood-produce": 0.09, "disaster": 0.04, "other": 0.04,
}  # fmt: skip


def _season(code: str, month: int, place: str, mountain: bool) -> float:
    if code == "disaster":
        if month in (9, 10, 11):
            return 20.0 if place in COASTAL else 15.0
        return 4.0 if mountain and month in (7, 8) else 1.0
    if code == "livelihood-prices":
        return 7.0 if month in (12, 1, 2) else 1.0
    if code == "livelihood-jobs":
        return 2.0 if month in (2, 3) else 1.0
    if code == "livelihood-produce":
        return 2.0 if month in (6, 10) else 1.0
    if code == "education":
        return 2.5 if month in (8, 9) else 1.0
    if code == "health":
        return 1.8 if month in (6, 7, 8) else 1.0
    if code == "border":
        return 1.5 if month in (12, 1, 2) else 1.0
    return 1.0


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: rates here are small."""
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(index: int) -> datetime.date:
    return _month_start(index + 1) - datetime.timedelta(days=1)


# --- The demo world ------------------------------------------------------------------------


@dataclass
class World:
    today: datetime.date
    rng: random.Random
    now: dict[str, Area]  # today's communes by code
    old: dict[str, Area]  # the communes before the reform by code
    villages: list[Area]  # Mỹ Lý's villages
    orgs: dict[str, Organization]
    users: dict[str, User]
    topics: dict[str, Topic]
    actors: dict[int, User | None] = field(default_factory=dict)
    made: int = 0

    def day_in(self, index: int) -> datetime.date:
        """A day of the month (up to today)."""
        start = _month_start(index)
        end = min(_month_end(index), self.today)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def area_for(
        self, place: str, day: datetime.date, predecessors: list[tuple[str, float]]
    ) -> Area | None:
        if day >= REFORM_DAY:
            if place == "16816" and self.rng.random() < 0.3:
                return self.rng.choice(self.villages)
            return self.now[place]
        if not predecessors:
            return None
        codes, shares = zip(*predecessors, strict=True)
        return self.old[self.rng.choices(codes, shares)[0]]

    def unit_for(self, place: str, group: str, day: datetime.date) -> Organization:
        """Who files: before the reform the provincial units; then mostly the commune's own
        Front or Party committee, the border posts on border matters in their communes."""
        roll = self.rng.random()
        if day >= REFORM_DAY:
            if group == "border" and place == "16816" and roll < 0.5:
                return self.orgs["post_my_ly"]
            if group == "border" and place == "16834" and roll < 0.5:
                return self.orgs["post_na_loi"]
            if roll < 0.62:
                return self.orgs[f"front:{place}"]
            if roll < 0.85:
                return self.orgs[f"party:{place}"]
            roll = self.rng.random()
        specialist = {
            "border": "border_command", "ethnic": "ethnic", "religion": "religious",
            "land": "farmers", "livelihood": "farmers", "welfare": "women", "health": "women",
            "education": "youth",
        }.get(group)  # fmt: skip
        if specialist and roll < 0.5:
            return self.orgs[specialist]
        return self.orgs["commission"] if roll > 0.85 else self.orgs["front"]

    def file(
        self,
        *,
        unit: Organization,
        area: Area,
        topic: str,
        day: datetime.date,
        summary: str,
        level: str = Level.NORMAL,
        source: str = "meeting",
        people: int | None = None,
        details: str = "",
        actions: str = "",
    ) -> Note:
        filed = min(day + datetime.timedelta(days=self.rng.choice([0, 1, 1, 2, 3])), self.today)
        note = services.note_create(
            actor=self.actors.get(unit.pk),
            organization=unit,
            area=area,
            topic=self.topics[topic],
            event_date=day,
            summary=summary,
            source=source,
            level=level,
            details=details,
            people_concerned=people,
            actions=actions,
            today=filed,
        )
        self.made += 1
        return note


def _world(today: datetime.date) -> World:
    province = Area.objects.get(level=AreaLevel.PROVINCE, code="40")
    now = {
        a.code: a
        for a in Area.objects.filter(
            path__startswith=province.path, depth=2, level=AreaLevel.COMMUNE
        )
    }
    old = {a.code: a for a in Area.objects.filter(level=AreaLevel.COMMUNE, valid_to__lt=REFORM_DAY)}
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, code__startswith="16816-").order_by("code")
    )
    orgs: dict[str, Organization] = {}
    for org in Organization.objects.active().select_related("area", "kind"):
        if org.depth == 1:
            orgs["commission"] = org
        elif org.area.level == AreaLevel.COMMUNE and org.kind.code in (
            "fatherland_front",
            "party_committee",
        ):
            prefix = "front" if org.kind.code == "fatherland_front" else "party"
            orgs[f"{prefix}:{org.area.code}"] = org
    named = {
        "front": "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An",
        "border_command": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Nghệ An",
        "post_my_ly": "Đồn Biên phòng Mỹ Lý",
        "post_na_loi": "Đồn Biên phòng Na Loi",
        "ethnic": "Ban Dân tộc tỉnh Nghệ An",
        "religious": "Ban Tôn giáo (Sở Nội vụ tỉnh Nghệ An)",
        "farmers": "Hội Nông dân tỉnh Nghệ An",
        "women": "Hội Liên hiệp Phụ nữ tỉnh Nghệ An",
        "youth": "Tỉnh đoàn Nghệ An",
    }
    by_name = {
        o.name: o
        for o in Organization.objects.active()
        .filter(name__in=named.values())
        .select_related("area")
    }
    orgs.update({key: by_name[name] for key, name in named.items()})
    users = {
        u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.danvan.vn")
    }
    world = World(
        today=today,
        rng=random.Random(4040),  # noqa: S311 — demo data, not secrets
        now=now,
        old=old,
        villages=villages,
        orgs=orgs,
        users=users,
        topics={t.code: t for t in Topic.objects.all()},
    )
    world.actors = {
        orgs[f"front:{MUONG_XEN}"].pk: users["xa"],
        orgs["front:16816"].pk: users["xa2"],
        orgs["border_command"].pk: users["bienphong"],
        orgs["post_my_ly"].pk: users["bienphong"],
        orgs["post_na_loi"].pk: users["bienphong"],
        orgs["front"].pk: users["mattran"],
        orgs["farmers"].pk: users["mattran"],
        orgs["women"].pk: users["mattran"],
        orgs["youth"].pk: users["mattran"],
        orgs["commission"].pk: users["tinh"],
    }
    return world
