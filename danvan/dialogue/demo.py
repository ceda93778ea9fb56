"""A year of dialogue with the people in the demo province, anchored on today.

What it tells: every demo commune's Party secretary and People's Committee chair receive
citizens about two days a month, the province's Party committee once a month; a few heads fall
behind (Na Loi's chair missed months, Nậm Cắn's secretary kept one day a month, Tương Dương's
chair missed last month), so the schedule shows them. The Party secretaries hold direct
dialogues through the year; Mỹ Lý held its dialogue conference three months ago and published
the results within the week (two commitments kept with evidence, one not kept, one overdue);
Na Loi held its conference twelve days ago and has not published the results yet; Mường Xén's
People's Committee held an urgent dialogue with the households stopping the National Road 7
works last month (the situation demo's complex incident), announced three days ahead; Nậm Cắn's
secretary has announced a dialogue with the young people for the coming weeks.

About 300 petitions over twelve months, in every state: People's Committees answer most, the
Fronts and Party committees some; complaints and denunciations go to the competent body; units
differ in how often they answer on time (Mỹ Lý about 96 %, Mường Xén 88 %, Na Loi 71 %), as
the public ranking shows. Mường Xén's Front (xa) has a petition in progress due this week and
one waiting to be accepted. One petition was reopened, one merged as a duplicate, a few
extended and a few linked to the situation notes on the road. The petitioners are placeholders
(«Lô Văn A», telephones 09xx 000 xxx); those of cases closed more than the retention time ago,
before the 2025 reform, are already erased; one person has asked to erase their data.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from danvan.accounts.models import User
from danvan.org.models import Area, AreaLevel, Organization
from danvan.situation.models import SERIOUS_LEVELS, Note, Topic
from danvan.situation.topics import ensure_topics

from . import deadlines, services
from .demo_texts import (
    DIRECT,
    EXTENSIONS,
    FAMILIES,
    LETTERS,
    PETITIONS,
    PLACES,
    RECEPTION_NOTES,
    REFERRALS,
    REFUSALS,
)
from .models import (
    REFERRED_KINDS,
    Commitment,
    CommitmentReminder,
    Complexity,
    Confirmation,
    DataRequest,
    Dialogue,
    DialogueKind,
    Extension,
    HostRole,
    IdentityAccess,
    Petition,
    PetitionAttachment,
    PetitionChannel,
    Petitioner,
    PetitionKind,
    PetitionReminder,
    PetitionState,
    Reception,
    RequestKind,
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


# --- Reset and load ------------------------------------------------------------------------


def reset() -> None:
    """Remove every dialogue record, with its history (nothing else keeps a reference)."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        IdentityAccess.objects.all().delete()
        PetitionReminder.objects.all().delete()
        CommitmentReminder.objects.all().delete()
        PetitionAttachment.objects.all().delete()
        for model in (DataRequest, Extension):
            model.history.all().delete()  # type: ignore[attr-defined]
            model.objects.all().delete()
        Petitioner.objects.all().delete()
        Petition.objects.update(merged_into=None)
        for historied in (Petition, Commitment, Dialogue, Reception):
            historied.history.all().delete()  # type: ignore[attr-defined]
            historied.objects.all().delete()


def load(out: TextIO) -> None:
    today = timezone.localdate()
    ensure_topics(Topic)  # the migration seeds them; a flushed test database has none
    w = _world(today)
    _receptions(w)
    _dialogues(w)
    _petitions(w)
    _specials(w)
    _old_cases(w)
    erased = services.erase_expired(today=today)
    _data_request(w)
    out.write(
        f"  receptions: {Reception.objects.count()}, dialogues: {Dialogue.objects.count()}, "
        f"commitments: {Commitment.objects.count()}, petitions: {Petition.objects.count()}, "
        f"petitioners erased: {erased}\n"
    )
    answered = (
        Petition.objects.filter(
            state=PetitionState.SETTLED, published=True, settled_on__lte=F("due_on")
        )
        .exclude(kind=PetitionKind.DENUNCIATION)
        .order_by("-settled_on", "pk")
        .first()
    )
    if answered is not None:
        out.write(f"  a tracking code to try on /kien-nghi/tra-cuu/: {answered.code}\n")


# --- Reception sessions --------------------------------------------------------------------


def _receptions(w: World) -> None:
    """Twelve months of sessions: each commune head about two days a month, the province once."""
    rng = random.Random(7)  # noqa: S311 — its own draws, so the petitions' stay the same
    last = w.today.year * 12 + w.today.month - 1
    heads: list[tuple[str, str, Organization, str, str]] = []
    for code in w.communes:
        where = w.communes[code].name
        local = where[0].lower() + where[1:]
        heads.append(("party", code, w.orgs[f"party:{code}"], HostRole.PARTY_SECRETARY,
                      f"Trụ sở Đảng ủy {local}"))  # fmt: skip
        heads.append(("ppc", code, w.orgs[f"ppc:{code}"], HostRole.COMMITTEE_CHAIR,
                      f"Phòng tiếp công dân Ủy ban nhân dân {local}"))  # fmt: skip
    heads.append(("province", "", w.orgs["province"], HostRole.PARTY_SECRETARY,
                  "Trụ sở Tiếp công dân tỉnh Nghệ An"))  # fmt: skip
    # Every other commune's Party secretary keeps the schedule too: the board is the province's.
    others = (
        Organization.objects.filter(
            kind__code="party_committee", area__level=AreaLevel.COMMUNE,
            area__valid_to__isnull=True, dissolved_on__isnull=True,
        )
        .exclude(area__code__in=list(w.communes))
        .select_related("area")
        .order_by("path")
    )  # fmt: skip
    for org in others:
        local = org.area.name[0].lower() + org.area.name[1:]
        heads.append(("party", org.area.code, org, HostRole.PARTY_SECRETARY,
                      f"Trụ sở Đảng ủy {local}"))  # fmt: skip
    for unit, code, org, role, place in heads:
        behind = BEHIND.get((unit, code), {})
        # Twelve months back, and at least from the January of last month's year: its board.
        for index in range(min(last - 11, (last - 1) // 12 * 12), last + 1):
            start = _month_start(index)
            days = RECEPTION_DAYS[unit]
            ago = last - index
            if ago in behind:
                days = days[: behind[ago]]
            for day_of_month in days:
                held = _working_on_or_after(start.replace(day=day_of_month))
                if held.month != start.month:  # a long holiday at the month's end: before it
                    held = _working_on_or_before(start.replace(day=day_of_month))
                if held > w.today:
                    continue
                citizens = rng.choice(
                    [0, 1, 2, 3, 3, 4, 5, 6, 8] if unit != "province" else [6, 9, 12, 15]
                )
                reception = services.reception_create(
                    actor=None,
                    organization=org,
                    held_on=held,
                    host_role=role,
                    place=place,
                    citizens=citizens,
                    cases=min(citizens, rng.randint(0, 5) + (2 if unit == "province" else 0)),
                    notes=RECEPTION_NOTES[4] if citizens == 0 else rng.choice(RECEPTION_NOTES[:4] + RECEPTION_NOTES[5:]),
                    today=w.today,
                )  # fmt: skip
                w.receptions.setdefault(org.pk, []).append(reception)
    # The day after the road works stopped, Mường Xén's chair received the households.
    incident = _incident_day(w.today)
    services.reception_create(
        actor=None,
        organization=w.orgs[f"ppc:{MUONG_XEN}"],
        kind="ad_hoc",
        held_on=incident + datetime.timedelta(days=1),
        host_role=HostRole.COMMITTEE_CHAIR,
        place="Nhà văn hóa khối dọc Quốc lộ 7, xã Mường Xén",
        citizens=25,
        cases=6,
        notes="Tiếp đột xuất các hộ dân đoạn qua trung tâm xã về đơn giá bồi thường Quốc lộ 7.",
        today=w.today,
    )


def _incident_day(today: datetime.date) -> datetime.date:
    """The day the situation demo's households stopped the road works (last month, the 13th)."""
    last = today.year * 12 + today.month - 1
    return _month_start(last - 1) + datetime.timedelta(days=12)


# --- Dialogues -----------------------------------------------------------------------------


def _dialogues(w: World) -> None:
    rng = random.Random(10)  # noqa: S311
    today = w.today
    # The Party secretaries' direct dialogues through the year.
    for n, code in enumerate([MUONG_XEN, MY_LY, NA_LOI, KENG_DU, NAM_CAN, TUONG_DUONG] * 2):
        theme, issues, results, commitment = DIRECT[(n + n // 6) % len(DIRECT)]
        held = _working_on_or_before(today - datetime.timedelta(days=330 - n * 24))
        local = _local(w, code)
        dialogue = services.dialogue_create(
            actor=None,
            organization=w.orgs[f"party:{code}"],
            kind=DialogueKind.DIRECT,
            title=f"Bí thư Đảng ủy {local} đối thoại trực tiếp với nhân dân về {theme}",
            held_on=held,
            host_role=HostRole.PARTY_SECRETARY,
            announced_on=held - datetime.timedelta(days=rng.randint(9, 15)),
            place=f"Hội trường Đảng ủy {local}",
        )
        _hold(
            w,
            dialogue,
            rng.randint(45, 140),
            issues,
            results,
            held + datetime.timedelta(days=rng.randint(2, 7)),
        )
        if commitment:
            promise = services.commitment_add(
                actor=None, dialogue=dialogue, text=commitment,
                responsible=w.orgs[f"ppc:{code}"], due_on=held + datetime.timedelta(days=45),
            )  # fmt: skip
            done = held + datetime.timedelta(days=rng.randint(15, 40))
            if done <= today:
                services.commitment_keep(
                    actor=None, commitment=promise, done_on=done, today=today,
                    evidence="Biên bản kiểm tra của Mặt trận xã xác nhận đã thực hiện.",
                )  # fmt: skip
    _conference_my_ly(w)
    _conference_na_loi(w)
    _urgent_muong_xen(w)
    # Announced for the coming weeks.
    held = _working_on_or_after(today + datetime.timedelta(days=16))
    services.dialogue_create(
        actor=None,
        organization=w.orgs[f"party:{NAM_CAN}"],
        kind=DialogueKind.DIRECT,
        title="Bí thư Đảng ủy xã Nậm Cắn đối thoại với đoàn viên, thanh niên về việc làm và "
        "phòng, chống ma túy",
        held_on=held,
        host_role=HostRole.PARTY_SECRETARY,
        announced_on=today - datetime.timedelta(days=1),
        place="Hội trường Ủy ban nhân dân xã Nậm Cắn",
        channel="both",
        co_hosts=[w.orgs[f"front:{NAM_CAN}"]],
    )


def _local(w: World, code: str) -> str:
    name = w.communes[code].name
    return name[0].lower() + name[1:]


def _hold(
    w: World, dialogue: Dialogue, participants: int, issues: str, results: str,
    published: datetime.date | None,
) -> None:  # fmt: skip
    dialogue = services.dialogue_hold(
        actor=None, dialogue=dialogue, participants=participants, issues_raised=issues,
        today=w.today,
    )  # fmt: skip
    if published is not None and published <= w.today:
        services.dialogue_publish(
            actor=None, dialogue=dialogue, results=results, published_on=published, today=w.today
        )
    w.dialogues.setdefault(dialogue.organization_id, []).append(dialogue)


def _conference_my_ly(w: World) -> None:
    """Held three months ago, published within the week; four commitments followed since."""
    today = w.today
    held = _working_on_or_before(today - datetime.timedelta(days=100))
    ppc = w.orgs[f"ppc:{MY_LY}"]
    conference = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.CONFERENCE,
        title="Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân xã Mỹ Lý "
        "năm " + str(held.year),
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=15),
        place="Hội trường Ủy ban nhân dân xã Mỹ Lý",
        co_hosts=[w.orgs[f"party:{MY_LY}"], w.orgs[f"front:{MY_LY}"]],
    )
    _hold(
        w, conference, 186,
        "Nhân dân các bản kiến nghị: sửa đường vào bản Huồi Cáng bị sạt lở; hỗ trợ nhà ở cho hộ "
        "nghèo bản Xốp Phe; kéo điện lưới về bản Cha Nga; cấp giấy chứng nhận quyền sử dụng đất "
        "cho các hộ bản Huồi Cáng.",
        "Ủy ban nhân dân xã tiếp thu 4 nhóm kiến nghị, giao trách nhiệm và thời hạn cho từng nội "
        "dung; Mặt trận xã giám sát việc thực hiện và báo cáo tại kỳ họp Hội đồng nhân dân xã.",
        held + datetime.timedelta(days=6),
    )  # fmt: skip
    road = services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=60),
        text="Sửa chữa đoạn đường từ trung tâm xã vào bản Huồi Cáng bị sạt lở",
    )  # fmt: skip
    services.commitment_keep(
        actor=None, commitment=road, done_on=held + datetime.timedelta(days=52), today=today,
        evidence="Biên bản nghiệm thu công trình sửa chữa đường vào bản Huồi Cáng; ảnh hiện trường "
        "trước và sau khi sửa chữa.",
    )  # fmt: skip
    houses = services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=45),
        text="Hoàn thành hỗ trợ nhà ở cho 12 hộ nghèo bản Xốp Phe",
    )  # fmt: skip
    services.commitment_keep(
        actor=None, commitment=houses, done_on=held + datetime.timedelta(days=41), today=today,
        evidence="Danh sách 12 hộ đã nhận tiền hỗ trợ có chữ ký; biên bản bàn giao nhà của Mặt "
        "trận xã.",
    )  # fmt: skip
    power = services.commitment_add(
        actor=None, dialogue=conference, due_on=held + datetime.timedelta(days=75),
        responsible_name="Điện lực Kỳ Sơn (Công ty Điện lực Nghệ An)",
        text="Kéo điện lưới quốc gia về bản Cha Nga",
    )  # fmt: skip
    services.commitment_fail(
        actor=None, commitment=power,
        reason="Chưa bố trí được vốn đầu tư trong năm; Điện lực đề nghị đưa vào kế hoạch năm sau, "
        "trước mắt hỗ trợ các hộ điện năng lượng mặt trời.",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc, due_on=held + datetime.timedelta(days=70),
        text="Cấp giấy chứng nhận quyền sử dụng đất cho 23 hộ bản Huồi Cáng",
    )  # fmt: skip


def _conference_na_loi(w: World) -> None:
    """Held twelve days ago; the results are not published yet (due within ten days)."""
    held = _working_on_or_before(w.today - datetime.timedelta(days=12))
    ppc = w.orgs[f"ppc:{NA_LOI}"]
    conference = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.CONFERENCE,
        title=f"Hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân xã Na Loi năm {held.year}",
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=10),
        place="Hội trường Ủy ban nhân dân xã Na Loi",
        co_hosts=[w.orgs[f"party:{NA_LOI}"], w.orgs[f"front:{NA_LOI}"]],
    )  # fmt: skip
    _hold(
        w, conference, 142,
        "Nhân dân kiến nghị về nước sinh hoạt mùa khô, trả tiền dịch vụ môi trường rừng chậm, "
        "điểm trường bản xuống cấp.",
        "", None,
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible=ppc,
        due_on=held + datetime.timedelta(days=40),
        text="Sửa chữa công trình nước sinh hoạt tự chảy của hai bản trước mùa khô",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=conference, responsible_name="Phòng Giáo dục khu vực",
        due_on=held + datetime.timedelta(days=60), text="Sửa chữa mái các phòng học điểm trường bản",
    )  # fmt: skip


def _urgent_muong_xen(w: World) -> None:
    """The households stopped the road works: a dialogue within three days, last month."""
    incident = _incident_day(w.today)
    held = incident + datetime.timedelta(days=14)
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    dialogue = services.dialogue_create(
        actor=None,
        organization=ppc,
        kind=DialogueKind.THEMATIC,
        title="Đối thoại với các hộ dân đoạn qua trung tâm xã về bồi thường, hỗ trợ dự án nâng "
        "cấp Quốc lộ 7",
        held_on=held,
        host_role=HostRole.COMMITTEE_CHAIR,
        announced_on=held - datetime.timedelta(days=3),
        urgent=True,
        urgent_reason="Các hộ dừng thi công Quốc lộ 7 từ ngày "
        + incident.strftime("%d/%m")
        + "; cần đối thoại ngay để ổn định tình hình, không chờ đủ 7 ngày thông báo.",
        place="Nhà văn hóa xã Mường Xén",
        co_hosts=[w.orgs[f"party:{MUONG_XEN}"], w.orgs[f"front:{MUONG_XEN}"]],
    )
    _hold(
        w, dialogue, 92,
        "64 hộ đề nghị áp dụng đơn giá tài sản trên đất như đoạn tuyến giáp ranh, công khai biên "
        "bản kiểm đếm, bố trí tái định cư tại chỗ cho các hộ bị thu hồi hết đất ở.",
        "Chủ đầu tư điều chỉnh đơn giá tài sản trên đất; 38 hộ đồng ý nhận tiền bồi thường, tháo "
        "dỡ lều; Ủy ban nhân dân xã khảo sát phương án tái định cư tại chỗ cho 26 hộ còn lại.",
        held + datetime.timedelta(days=2),
    )  # fmt: skip
    price = services.commitment_add(
        actor=None, dialogue=dialogue, due_on=held + datetime.timedelta(days=7),
        responsible_name="Chủ đầu tư dự án nâng cấp Quốc lộ 7",
        text="Điều chỉnh đơn giá tài sản trên đất thống nhất với đoạn tuyến giáp ranh",
    )  # fmt: skip
    done = min(held + datetime.timedelta(days=5), w.today)
    services.commitment_keep(
        actor=None, commitment=price, done_on=done, today=w.today,
        evidence="Phương án bồi thường điều chỉnh đã niêm yết tại nhà văn hóa xã; biên bản "
        "niêm yết có xác nhận của Mặt trận xã.",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=dialogue, due_on=held + datetime.timedelta(days=30),
        responsible_name="Chủ đầu tư dự án nâng cấp Quốc lộ 7",
        text="Chi trả tiền bồi thường đợt hai cho các hộ đã đồng ý",
    )  # fmt: skip
    services.commitment_add(
        actor=None, dialogue=dialogue, responsible=ppc, due_on=held + datetime.timedelta(days=45),
        text="Khảo sát, báo cáo phương án tái định cư tại chỗ cho 26 hộ chưa đồng thuận",
    )  # fmt: skip


# --- Petitions -----------------------------------------------------------------------------


def _target(w: World, org: Organization) -> float:
    return ON_TIME.get(w.commune_of(org), OTHER_ON_TIME)


def _wants_on_time(w: World, org: Organization, due: datetime.date) -> bool:
    """On time or late so that the unit's share in each half year (of the deadline) stays near
    its target, whatever the draw: the scorecard shows half years."""
    settled, on_time = w.tally.get((org.pk, due.year, due.month > 6), [0, 0])
    return on_time < round(_target(w, org) * (settled + 1))


def _count(w: World, petition: Petition, due: datetime.date) -> None:
    tally = w.tally.setdefault((petition.organization_id, due.year, due.month > 6), [0, 0])
    tally[0] += 1
    tally[1] += int(bool(petition.settled_on_time))


def _petitions(w: World) -> None:
    """About 300 petitions over the last twelve months, each taken as far as its dates allow."""
    rng = w.rng
    weights = {code: WEIGHTS.get(code, OTHER_WEIGHT) for code in w.communes}
    total = sum(weights.values())
    entries = [(topic, entry) for topic, items in PETITIONS.items() for entry in items]
    chances = [TOPIC_WEIGHTS[topic] / len(PETITIONS[topic]) for topic, _entry in entries]
    others = [e for e in entries if e[0] not in ROAD_TOPICS]

    def received() -> datetime.date:
        return w.today - datetime.timedelta(days=rng.randint(0, 364))

    for code, weight in weights.items():
        for _n in range(round(PETITIONS_A_YEAR * weight / total)):
            if rng.random() < 0.08:
                kind, topic, summary, body, answer = rng.choice(REFERRALS)
                unit = "front" if body == "ppc" or rng.random() < 0.6 else "party"
                _file(w, w.orgs[f"{unit}:{code}"], code, topic, kind, summary, answer,
                      received(), body=body)  # fmt: skip
                continue
            topic, (kind, summary, result) = rng.choices(entries, chances)[0]
            if topic in ROAD_TOPICS and code != MUONG_XEN and rng.random() < 0.6:
                topic, (kind, summary, result) = rng.choice(others)
            roll = rng.random()
            unit = "ppc" if roll < 0.58 else "front" if roll < 0.9 else "party"
            _file(w, w.orgs[f"{unit}:{code}"], code, topic, kind, summary, result, received())
    # What citizens bring to the province's reception sessions, followed by the commission.
    codes = sorted(w.communes)
    for _n in range(12):
        topic, (kind, summary, result) = rng.choice(others)
        day = received()
        _file(w, w.orgs["province"], rng.choice(codes), topic, kind, summary, result, day,
              channel=PetitionChannel.RECEPTION)  # fmt: skip


def _file(
    w: World,
    org: Organization,
    code: str,
    topic: str,
    kind: str,
    summary: str,
    result: str,
    received: datetime.date,
    *,
    body: str = "",
    channel: str = "",
) -> Petition:
    """Record one petition on commune `code` and take it through its workflow up to today."""
    rng = w.rng
    front = org.kind.code == "fatherland_front"
    channels = (
        [PetitionChannel.LETTER, PetitionChannel.PUBLIC_FORM, PetitionChannel.HOTLINE,
         PetitionChannel.RECEPTION]
        if front
        else [PetitionChannel.RECEPTION, PetitionChannel.RECEPTION, PetitionChannel.LETTER,
              PetitionChannel.PUBLIC_FORM, PetitionChannel.HOTLINE, PetitionChannel.DIALOGUE]
    )  # fmt: skip
    channel = channel or rng.choice(channels)
    reception = dialogue = None
    if channel == PetitionChannel.RECEPTION and not front:
        reception = _reception_near(w, org, received)
        if reception is None:
            channel = PetitionChannel.LETTER
        else:
            received = reception.held_on
    elif channel == PetitionChannel.DIALOGUE:
        held = sorted(
            (d for d in w.dialogues.get(org.pk, []) if 0 <= (received - d.held_on).days <= 31),
            key=lambda d: d.held_on,
        )
        if held:
            dialogue = held[-1]
            received = dialogue.held_on
        else:
            channel = PetitionChannel.LETTER
    if channel != PetitionChannel.PUBLIC_FORM:
        received = _working_on_or_before(received)
    area = w.communes[code]
    if area.name.startswith("Phường"):  # a ward's petitions speak of the ward
        summary, result = (re.sub(r"\bxã(?! hội)\b", "phường", t) for t in (summary, result))
    if code == MY_LY and w.villages and rng.random() < 0.4:
        area = rng.choice(w.villages)
    anonymous = kind == PetitionKind.FEEDBACK and channel in (
        PetitionChannel.HOTLINE, PetitionChannel.PUBLIC_FORM
    ) and rng.random() < 0.4  # fmt: skip
    complex_ = (topic.startswith("land") and rng.random() < 0.4) or rng.random() < 0.08
    petition = services.petition_create(
        actor=w.actor(org),
        organization=org,
        area=area,
        topic=w.topics[topic],
        kind=kind,
        channel=channel,
        summary=summary,
        text=f"{summary}. Kính đề nghị các cơ quan có thẩm quyền xem xét, giải quyết."
        if rng.random() < 0.5
        else "",
        received_on=received,
        complexity=Complexity.COMPLEX if complex_ else Complexity.NORMAL,
        remote_area=code in REMOTE,
        reception=reception,
        dialogue=dialogue,
        person=None if anonymous else w.person(code),
        consent=not anonymous,
        today=w.today,
    )
    if kind in REFERRED_KINDS:
        return _refer(w, petition, body, result)
    return _handle(w, petition, result)


def _reception_near(w: World, org: Organization, day: datetime.date) -> Reception | None:
    """A session of the unit up to a month before the day with cases left to link."""
    for reception in reversed(w.receptions.get(org.pk, [])):
        recent = reception.held_on <= day and (day - reception.held_on).days <= 31
        if recent and w.used[reception.pk] < reception.cases:
            w.used[reception.pk] += 1
            return reception
    return None


def _handle(w: World, petition: Petition, result: str) -> Petition:
    """Accept (or refuse), settle on time or late, and the citizen's word, as far as today."""
    rng, today = w.rng, w.today
    org = petition.organization
    actor = w.actor(org)
    slow = _target(w, org) < 0.8 and rng.random() < 0.3
    decided = deadlines.add_working_days(
        petition.received_on, rng.randint(11, 15) if slow else rng.randint(1, 7)
    )
    if decided > today:
        return petition  # still waiting to be accepted
    if rng.random() < 0.05:
        return services.petition_refuse(
            actor=actor, petition=petition, reason=rng.choice(REFUSALS), refused_on=decided,
            today=today,
        )  # fmt: skip
    petition = services.petition_accept(
        actor=actor, petition=petition, accepted_on=decided, handler=w.handlers.get(org.pk),
        today=today,
    )  # fmt: skip
    return _settle(w, petition, result, decided)


def _refer(w: World, petition: Petition, body: str, answer: str) -> Petition:
    """Complaints and denunciations go to the competent body; its answer is followed."""
    rng, today = w.rng, w.today
    referred = deadlines.add_working_days(petition.received_on, rng.randint(1, 6))
    if referred > today:
        return petition
    org = petition.organization
    competent = w.orgs[f"ppc:{w.commune_of(org)}"] if body == "ppc" else None
    petition = services.petition_refer(
        actor=w.actor(org), petition=petition, referred_on=referred, competent_body=competent,
        competent_body_name="" if competent else body, today=today,
        reason="Chuyển đơn đến cơ quan có thẩm quyền giải quyết theo quy định; Mặt trận theo dõi kết quả."
        if org.kind.code == "fatherland_front"
        else "Chuyển đơn đến cơ quan có thẩm quyền giải quyết.",
    )  # fmt: skip
    if rng.random() < 0.35:
        return petition  # the competent body has not answered yet
    return _settle(w, petition, answer, referred)


def _settle(w: World, petition: Petition, result: str, start: datetime.date) -> Petition:
    rng, today = w.rng, w.today
    org = petition.organization
    actor = w.actor(org)
    due = petition.due_on
    if _wants_on_time(w, org, due):
        # Most answers come in the first weeks, a few near the deadline.
        span = max(6, deadlines.working_days_between(start, due) - 1)
        settled = deadlines.add_working_days(start, round(rng.triangular(4, span, 10)))
    elif rng.random() < 0.2 and petition.state != PetitionState.REFERRED:
        # Late it would have been: the unit extended it in time, with the reason.
        decided = _working_days_before(due, rng.randint(2, 6))
        if decided > today or decided < start:
            return petition
        extension = services.petition_extend(
            actor=actor, petition=petition, working_days=rng.choice([10, 15]),
            reason=rng.choice(EXTENSIONS), decided_on=decided, today=today,
        )  # fmt: skip
        settled = _working_days_before(extension.new_due, rng.randint(0, 5))
    else:
        settled = _working_on_or_after(due + datetime.timedelta(days=rng.randint(3, 30)))
    if settled > today:
        return petition
    notice = min(settled + datetime.timedelta(days=rng.choice([0, 1, 2])), today)
    petition = services.petition_settle(
        actor=actor, petition=petition, result=result, settled_on=settled,
        notice_sent_on=notice, publish=petition.kind != PetitionKind.DENUNCIATION, today=today,
    )  # fmt: skip
    _count(w, petition, due)
    roll = rng.random()
    confirmed = settled + datetime.timedelta(days=rng.randint(1, 12))
    if roll < 0.5 and confirmed <= today:
        satisfied = rng.random() < (0.88 if _target(w, org) >= 0.85 else 0.65)
        return services.petition_confirm(
            actor=None, petition=petition, confirmed_on=confirmed,
            confirmation=Confirmation.SATISFIED if satisfied else Confirmation.NOT_SATISFIED,
        )  # fmt: skip
    closed = settled + datetime.timedelta(days=31)
    if closed <= today:  # the daily job closes what the citizen did not confirm in 30 days
        return services.petition_close(actor=None, petition=petition, closed_on=closed)
    return petition


# --- The petitions the story needs ---------------------------------------------------------


def _specials(w: World) -> None:
    today = w.today
    xa = w.users["xa"]
    front = w.orgs[f"front:{MUONG_XEN}"]
    # xa's: in progress, due this week (counted back from the due date by the law's clock).
    due = next(
        (d for d in (today + datetime.timedelta(days=n) for n in (2, 3, 4))
         if deadlines.is_working_day(d)),
        _working_on_or_after(today + datetime.timedelta(days=2)),
    )  # fmt: skip
    days = deadlines.settlement_days(PetitionKind.PETITION, Complexity.NORMAL, remote_area=True)
    accepted = _accepted_for(due, days)
    petition = services.petition_create(
        actor=xa, organization=front, area=w.communes[MUONG_XEN], topic=w.topics["welfare"],
        kind=PetitionKind.PETITION, channel=PetitionChannel.RECEPTION,
        summary="Đề nghị hỗ trợ sửa chữa nhà ở cho hộ nghèo bị dột nát trước mùa mưa rét từ Quỹ "
        "Vì người nghèo", text="Nhà ở của gia đình bị dột nát, mái tôn thủng nhiều chỗ. Liên "
        "hệ: 0915 000 347.",
        received_on=_working_days_before(accepted, 2), remote_area=True,
        person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    petition = services.petition_accept(
        actor=xa, petition=petition, accepted_on=accepted, handler=xa, today=today
    )
    assert petition.due_on == due, (petition.due_on, due)
    # And one waiting to be accepted, sent on the public form.
    services.petition_create(
        actor=None, organization=front, area=w.communes[MUONG_XEN],
        topic=w.topics["administration"], kind=PetitionKind.FEEDBACK,
        channel=PetitionChannel.PUBLIC_FORM,
        summary="Phản ánh bộ phận một cửa xã hẹn trả giấy chứng nhận quyền sử dụng đất nhiều "
        "lần nhưng chưa có kết quả",
        received_on=today - datetime.timedelta(days=1), remote_area=True,
        person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    # Na Loi's and Nậm Cắn's People's Committees let one wait past the acceptance deadline.
    for code, waited, summary in [
        (NA_LOI, 15, "Đề nghị sửa chữa bể chứa và đường ống nước sinh hoạt của bản bị hỏng"),
        (NAM_CAN, 12, "Đề nghị xác nhận đơn vay vốn hỗ trợ sản xuất cho hộ cận nghèo"),
    ]:
        services.petition_create(
            actor=None, organization=w.orgs[f"ppc:{code}"], area=w.communes[code],
            topic=w.topics["livelihood" if code == NA_LOI else "welfare"],
            kind=PetitionKind.PETITION, channel=PetitionChannel.LETTER, summary=summary,
            received_on=_working_days_before(today, waited), remote_area=True,
            person=w.person(code), consent=True, today=today,
        )  # fmt: skip
    # And one Na Loi accepted but has let pass its settlement deadline.
    due = _working_on_or_before(today - datetime.timedelta(days=6))
    accepted = _accepted_for(due, days)
    petition = services.petition_create(
        actor=None, organization=w.orgs[f"ppc:{NA_LOI}"], area=w.communes[NA_LOI],
        topic=w.topics["welfare"], kind=PetitionKind.PETITION, channel=PetitionChannel.LETTER,
        summary="Đề nghị giải quyết hồ sơ hưởng chế độ người có công còn tồn đọng",
        received_on=_working_days_before(accepted, 3), remote_area=True,
        person=w.person(NA_LOI), consent=True, today=today,
    )  # fmt: skip
    services.petition_accept(actor=None, petition=petition, accepted_on=accepted, today=today)
    # Being worked on by the officers who have accounts: xa, xa2, and tinh for the province.
    for key, code, topic, summary, weeks in [
        (
            f"front:{MUONG_XEN}",
            MUONG_XEN,
            "land-disputes",
            "Đề nghị Mặt trận xã hòa giải tranh chấp lối đi chung giữa các hộ ở khối 3",
            4,
        ),
        (
            f"front:{MY_LY}",
            MY_LY,
            "education",
            "Đề nghị hỗ trợ áo ấm, chăn màn cho học sinh bán trú điểm trường bản Huồi Cáng",
            3,
        ),
        (
            f"front:{MY_LY}",
            MY_LY,
            "welfare",
            "Đề nghị giám sát việc bình xét hộ nghèo tại bản Xốp Phe",
            6,
        ),
        (
            "province",
            KENG_DU,
            "disaster",
            "Đề nghị tỉnh hỗ trợ kè chống sạt lở đoạn đường liên bản sau mưa lũ",
            5,
        ),
        ("province", NA_LOI, "health", "Đề nghị đầu tư nâng cấp trạm y tế xã đã xuống cấp", 7),
    ]:
        org = w.orgs[key]
        received = _working_on_or_before(today - datetime.timedelta(weeks=weeks))
        reception = _reception_near(w, org, received) if key == "province" else None
        petition = services.petition_create(
            actor=w.actor(org), organization=org, area=w.communes[code], topic=w.topics[topic],
            kind=PetitionKind.PETITION,
            channel=PetitionChannel.RECEPTION if reception or key != "province" else PetitionChannel.LETTER,
            reception=reception, received_on=reception.held_on if reception else received,
            summary=summary, remote_area=True, person=w.person(code), consent=True, today=today,
        )  # fmt: skip
        services.petition_accept(
            actor=w.actor(org), petition=petition, handler=w.handlers[org.pk], today=today,
            accepted_on=deadlines.add_working_days(petition.received_on, 2),
        )  # fmt: skip
    _merged(w)
    _reopened(w)
    _extended(w)
    _linked(w)


def _merged(w: World) -> None:
    """Two households wrote about the same bridge: the second is merged into the first."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    first_day = _working_days_before(today, 9)
    common: dict[str, Any] = {
        "actor": None, "organization": ppc, "area": w.communes[MUONG_XEN],
        "topic": w.topics["livelihood"], "kind": PetitionKind.PETITION, "remote_area": True,
        "consent": True, "today": today,
    }  # fmt: skip
    first = services.petition_create(
        **common, channel=PetitionChannel.LETTER, received_on=first_day,
        summary="Đề nghị sửa chữa cầu treo bản Cha Lúm bị hư hỏng mặt cầu, học sinh đi lại nguy hiểm",
        person=w.person(MUONG_XEN),
    )  # fmt: skip
    services.petition_accept(
        actor=None, petition=first, accepted_on=_working_days_before(today, 6), today=today
    )
    second = services.petition_create(
        **common, channel=PetitionChannel.PUBLIC_FORM,
        received_on=_working_days_before(today, 7),
        summary="Cầu treo bản Cha Lúm hỏng ván mặt cầu, đề nghị sửa chữa sớm",
        person=w.person(MUONG_XEN),
    )  # fmt: skip
    services.petition_merge(
        actor=None, petition=second, into=first,
        reason="Cùng nội dung, cùng bản với kiến nghị đã tiếp nhận trước; trả lời chung.",
    )  # fmt: skip


def _reopened(w: World) -> None:
    """Settled, the citizen not satisfied, reopened with the new papers brought."""
    today = w.today
    ppc = w.orgs[f"ppc:{KENG_DU}"]
    received = _working_on_or_before(today - datetime.timedelta(days=150))
    petition = services.petition_create(
        actor=None, organization=ppc, area=w.communes[KENG_DU], topic=w.topics["administration"],
        kind=PetitionKind.PETITION, channel=PetitionChannel.RECEPTION,
        summary="Đề nghị cấp giấy chứng nhận quyền sử dụng đất lần đầu cho thửa đất vườn",
        received_on=received, remote_area=True, person=w.person(KENG_DU), consent=True,
        today=today,
    )  # fmt: skip
    accepted = deadlines.add_working_days(received, 3)
    services.petition_accept(actor=None, petition=petition, accepted_on=accepted, today=today)
    settled = deadlines.add_working_days(accepted, 25)
    services.petition_settle(
        actor=None, petition=petition, settled_on=settled, notice_sent_on=settled, today=today,
        result="Thửa đất chưa đủ điều kiện cấp giấy chứng nhận vì chưa xác định được nguồn gốc "
        "sử dụng ổn định; đã hướng dẫn công dân bổ sung giấy tờ.",
    )  # fmt: skip
    services.petition_confirm(
        actor=None, petition=petition, confirmation=Confirmation.NOT_SATISFIED,
        confirmed_on=settled + datetime.timedelta(days=5),
        comment="Gia đình sử dụng đất từ năm 1998, có người làm chứng.",
    )  # fmt: skip
    services.petition_reopen(
        actor=None, petition=petition, reopened_on=settled + datetime.timedelta(days=20),
        today=today,
        reason="Công dân nộp thêm biên bản giao đất năm 1998 của hợp tác xã và xác nhận của "
        "trưởng bản; cần xem xét lại nguồn gốc đất.",
    )  # fmt: skip


def _extended(w: World) -> None:
    """A complex compensation case in Mường Xén, extended by a decision with its reason."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    received = _working_on_or_before(today - datetime.timedelta(days=80))
    petition = services.petition_create(
        actor=None, organization=ppc, area=w.communes[MUONG_XEN],
        topic=w.topics["land-compensation"], kind=PetitionKind.PETITION,
        channel=PetitionChannel.LETTER, complexity=Complexity.COMPLEX, remote_area=True,
        summary="Đề nghị bồi thường phần đất vườn nằm ngoài chỉ giới nhưng không còn sử dụng "
        "được sau khi thi công Quốc lộ 7",
        received_on=received, person=w.person(MUONG_XEN), consent=True, today=today,
    )  # fmt: skip
    accepted = deadlines.add_working_days(received, 4)
    petition = services.petition_accept(
        actor=None, petition=petition, accepted_on=accepted, today=today
    )
    services.petition_extend(
        actor=None, petition=petition, working_days=20, today=today,
        decided_on=min(_working_days_before(petition.due_on, 5), today),
        reason="Cần đo đạc hiện trạng phần đất còn lại và lấy ý kiến chủ đầu tư về việc thu hồi "
        "bổ sung; vụ việc liên quan nhiều hộ dọc tuyến.",
    )  # fmt: skip


def _linked(w: World) -> None:
    """Petitions from the urgent dialogue on the road, linked to the incident note followed."""
    today = w.today
    ppc = w.orgs[f"ppc:{MUONG_XEN}"]
    dialogue = Dialogue.objects.filter(organization=ppc, urgent=True).first()
    incident = (
        Note.objects.filter(area=w.communes[MUONG_XEN], level__in=SERIOUS_LEVELS)
        .order_by("-event_date")
        .first()
    )
    if dialogue is None:
        return
    asks = [
        ("land-compensation", "Đề nghị áp dụng đơn giá bồi thường tài sản trên đất như đoạn "
         "tuyến giáp ranh"),
        ("land-resettlement", "Đề nghị bố trí tái định cư tại chỗ cho hộ bị thu hồi hết đất ở"),
        ("land-clearance", "Đề nghị công khai biên bản kiểm đếm trước khi bàn giao mặt bằng"),
    ]  # fmt: skip
    for topic, summary in asks:
        petition = services.petition_create(
            actor=None, organization=ppc, area=w.communes[MUONG_XEN], topic=w.topics[topic],
            kind=PetitionKind.PETITION, channel=PetitionChannel.DIALOGUE, dialogue=dialogue,
            complexity=Complexity.COMPLEX, remote_area=True, summary=summary,
            received_on=dialogue.held_on, person=w.person(MUONG_XEN), consent=True, today=today,
        )  # fmt: skip
        accepted = deadlines.add_working_days(dialogue.held_on, 1)
        if accepted <= today:
            petition = services.petition_accept(
                actor=None, petition=petition, accepted_on=accepted, today=today
            )
        if incident is not None:
            services.petition_link_note(actor=None, petition=petition, note=incident)


# --- Before the reform: old cases, their petitioners erased --------------------------------


def _old_cases(w: World) -> None:
    """Cases the old communes' Fronts closed in 2024: kept, the people's data past retention."""
    rng, today = w.rng, w.today
    for n in range(8):
        key = "old_front:16813" if n % 3 else "old_front:16852"
        org = w.orgs.get(key)
        if org is None:
            return
        topic, items = rng.choice([(t, PETITIONS[t]) for t in ("welfare", "livelihood", "health")])
        kind, summary, result = rng.choice(items)
        received = _working_on_or_before(datetime.date(2024, 2 + n % 5, 5 + 3 * n))
        petition = services.petition_create(
            actor=None, organization=org, area=org.area, topic=w.topics[topic], kind=kind,
            channel=PetitionChannel.LETTER, summary=summary, received_on=received,
            remote_area=True, person=w.person(MUONG_XEN), consent=True, today=today,
        )  # fmt: skip
        accepted = deadlines.add_working_days(received, 3)
        services.petition_accept(actor=None, petition=petition, accepted_on=accepted, today=today)
        settled = deadlines.add_working_days(accepted, rng.randint(10, 25))
        services.petition_settle(
            actor=None, petition=petition, result=result, settled_on=settled,
            notice_sent_on=settled, today=today,
        )  # fmt: skip
        services.petition_confirm(
            actor=None, petition=petition, confirmation=Confirmation.SATISFIED,
            confirmed_on=settled + datetime.timedelta(days=7),
        )  # fmt: skip


def _data_request(w: World) -> None:
    """A citizen asks to erase their data from a case closed months ago; acknowledged."""
    admin = w.users["admin"]
    old = w.today - datetime.timedelta(days=150)
    petition = (
        Petition.objects.filter(
            state=PetitionState.CLOSED,
            closed_on__lte=old,
            petitioner__erased_at__isnull=True,
            petitioner__consent_at__isnull=False,
            kind=PetitionKind.PETITION,
        )
        .order_by("closed_on", "pk")
        .first()
    )
    if petition is None:
        return
    request = services.data_request_create(
        actor=admin, petition=petition, kind=RequestKind.ERASE,
        received_on=_working_days_before(w.today, 1), today=w.today,
        details="Công dân đề nghị xóa họ tên, số điện thoại và địa chỉ vì vụ việc đã kết thúc.",
    )  # fmt: skip
    services.data_request_acknowledge(actor=admin, request=request, acknowledged_on=w.today)
