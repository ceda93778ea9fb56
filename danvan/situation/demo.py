"""Three years of the people's situation in the demo province, and its monthly report.

What the notes tell, anchored on today: storms and floods every autumn, prices before Tết,
border matters in the border communes, the ordinary background of welfare, health, schools and
procedures; the upgrade of National Road 7 through Mường Xén, whose land clearance rose over
some months two and a half years ago and rises again now — a complex incident followed since
last month and a surge of notes this month that the early warning catches; a protest against
sand mining in Tương Dương that calmed down and was resolved. Before the 2025 reform the notes
are on the communes of that time (the old communes' Fronts are dissolved, so the provincial
Front, its member organisations and the border command file them); the warning counts them
for the communes that replaced them. The monthly «Báo cáo tình hình nhân dân» derives its
figures from the notes; the last closed months have reports, xa's Front's last month is left
for xa to open.

The area maps are SCHEMATIC: small polygons and points placed near each commune's approximate
centre, to show the maps; they are not survey data and no boundary here is an official one.
Summaries describe issues and areas; no person is named.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from django.test.utils import override_settings
from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.org.models import Area, AreaLevel, Organization, OrganizationKind
from danvan.reporting import definitions
from danvan.reporting import services as reporting
from danvan.reporting.models import (
    AreaRollup,
    Form,
    FormIndicator,
    Indicator,
    OrgRollup,
    Reminder,
    ReportExport,
    Section,
    Submission,
    ValidationRule,
    Value,
)
from danvan.reporting.selectors import form_layout

from . import alerts, services
from .demo_texts import (
    ACTIONS,
    AFTER_REFORM,
    DEFAULT_SOURCES,
    DETAILS,
    ROAD,
    SOURCES,
    SUMMARIES,
    WHERE_LOWLAND,
    WHERE_MOUNTAIN,
)
from .models import Alert, AreaMap, Attachment, FollowUp, Level, Note, Topic
from .topics import TOPICS, ensure_topics

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


# --- Reset and load ------------------------------------------------------------------------


def reset() -> None:
    """Remove what `load` made: alerts, follow-ups, attachments, notes and maps with their
    history, and the monthly form with its indicators, reports and roll-ups."""
    # The rows go with their history, so their deletion writes none (it would double the time).
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        for model in (Alert, FollowUp, Attachment, Note, AreaMap):
            model.history.all().delete()  # type: ignore[attr-defined]
            model.objects.all().delete()
        forms = Form.objects.filter(code=MONTHLY)
        codes = [code for code, *_rest in _indicators()]
        indicators = Indicator.objects.filter(code__in=codes)
        ReportExport.objects.filter(form__in=forms).delete()
        Reminder.objects.filter(form__in=forms).delete()
        for rollup in (OrgRollup, AreaRollup):
            rollup.objects.filter(indicator__in=indicators).delete()
        submissions = Submission.objects.filter(form__in=forms)
        Value.history.filter(submission_id__in=submissions.values("pk")).delete()  # type: ignore[attr-defined]
        Value.objects.filter(submission__in=submissions).delete()
        Submission.history.filter(form_id__in=forms.values("pk")).delete()  # type: ignore[attr-defined]
        submissions.delete()
        for historied in (Section, ValidationRule):
            historied.history.filter(form_id__in=forms.values("pk")).delete()  # type: ignore[attr-defined]
        FormIndicator.objects.filter(section__form__in=forms).delete()
        Form.history.filter(code=MONTHLY).delete()  # type: ignore[attr-defined]
        forms.delete()
        Indicator.history.filter(code__in=codes).delete()  # type: ignore[attr-defined]
        indicators.delete()


def load(out: TextIO) -> None:
    ensure_topics(Topic)  # the migration seeds them; a flushed test database has none
    today = timezone.localdate()
    world = _world(today)
    _background(world)
    _road(world)
    resolved = _sand_mining(world)
    followed = _muong_xen_incident(world)
    _surge(world)
    _maps(world)
    _alerts(world, resolved, followed)
    reports = _monthly_form(world)
    out.write(
        f"  situation notes: {world.made}, alerts: {Alert.objects.count()}, "
        f"area maps: {AreaMap.objects.count()}, monthly reports: {reports}\n"
    )


# --- The notes -----------------------------------------------------------------------------


def _months(today: datetime.date) -> range:
    last = today.year * 12 + today.month - 1
    return range(last - MONTHS + 1, last + 1)


def _people(rng: random.Random, group: str) -> int | None:
    if group == "disaster":
        return rng.choice([15, 30, 40, 60, 80, 120, 200])
    return rng.choice([None, None, 5, 10, 12, 20, 30, 40, 50, 100])


def _background(w: World) -> None:
    """The ordinary flow: each commune and topic a few times a year, with the seasons."""
    rng = w.rng
    months = _months(w.today)
    for index in months:
        month = index % 12 + 1
        elapsed = 1.0 if index < months[-1] else w.today.day / _month_end(index).day
        for place, size, predecessors, mountain in PLACES:
            if not predecessors and _month_start(index) < REFORM_DAY:
                continue
            rates = dict(RATES)
            rates["ethnic"] = 0.14 if mountain else 0.0
            rates["religion"] = 0.1 if place in PARISHES else 0.02
            rates["border"] = 0.5 if place in BORDER else 0.0
            if place == MUONG_XEN:  # its land matters are the road's (`_road`)
                rates.pop("land-compensation")
                rates.pop("land-disputes")
            for code, rate in rates.items():
                expected = rate * size * _season(code, month, place, mountain) * elapsed
                for _n in range(_poisson(rng, expected)):
                    _background_note(w, index, place, predecessors, mountain, code)


def _background_note(
    w: World,
    index: int,
    place: str,
    predecessors: list[tuple[str, float]],
    mountain: bool,
    code: str,
) -> None:
    rng = w.rng
    day = w.day_in(index)
    area = w.area_for(place, day, predecessors)
    if area is None:
        return
    group = w.topics[code].group.code
    texts = SUMMARIES[code] + (
        AFTER_REFORM if code == "administration" and day >= REFORM_DAY else []
    )
    where = rng.choice(WHERE_MOUNTAIN if mountain else WHERE_LOWLAND)
    watch = {"disaster": 0.45, "border": 0.35, "order": 0.3}.get(group, 0.2)
    w.file(
        unit=w.unit_for(place, group, day),
        area=area,
        topic=code,
        day=day,
        summary=rng.choice(texts).format(where=where),
        level=Level.WATCH if rng.random() < watch else Level.NORMAL,
        source=rng.choice(SOURCES.get(group, DEFAULT_SOURCES)),
        people=_people(rng, group),
        details=rng.choice(DETAILS) if rng.random() < 0.4 else "",
        actions=rng.choice(ACTIONS) if rng.random() < 0.35 else "",
    )


# Land clearance for National Road 7 through Mường Xén, months before the current one:
# the first stage two and a half years ago, the stage through the centre now.
ROAD_STAGE_ONE = {32: 1, 31: 2, 30: 3, 29: 4, 28: 2, 27: 1}
ROAD_STAGE_TWO = {3: 1, 2: 2, 1: 3}


def _road(w: World) -> None:
    """Mường Xén's land notes: usually one or two a month, rising in the two stages."""
    rng = w.rng
    months = _months(w.today)
    predecessors = PLACES[0][2]
    for index in months:
        ago = months[-1] - index
        usual = rng.choice([1, 1, 2, 1, 2, 0, 1]) if ago else rng.choice([0, 1])
        extra = ROAD_STAGE_ONE.get(ago, 0) + ROAD_STAGE_TWO.get(ago, 0)
        for n in range(usual + extra):
            day = w.day_in(index)
            area = w.area_for(MUONG_XEN, day, predecessors)
            assert area is not None
            if n < usual and rng.random() < 0.4:
                code = "land-disputes"
                summary = rng.choice(SUMMARIES[code]).format(where=rng.choice(WHERE_MOUNTAIN))
            else:
                code, summary = rng.choice(ROAD)
            w.file(
                unit=w.unit_for(MUONG_XEN, "land", day),
                area=area,
                topic=code,
                day=day,
                summary=summary,
                level=Level.WATCH if extra and rng.random() < 0.6 else Level.NORMAL,
                source=rng.choice(["meeting", "reception", "field_visit", "network"]),
                people=rng.choice([None, 8, 12, 20, 30, 45]),
                details=rng.choice(DETAILS) if rng.random() < 0.5 else "",
                actions=rng.choice(ACTIONS) if rng.random() < 0.4 else "",
            )


def _sand_mining(w: World) -> Note:
    """A hot spot a year ago that calmed down: dialogue, inspection, sanctions, repair."""
    tinh = w.users["tinh"]
    day = max(REFORM_DAY + datetime.timedelta(days=100), w.today - datetime.timedelta(days=400))
    note = w.file(
        unit=w.orgs["front:16876"],
        area=w.now["16876"],
        topic="environment-mining",
        day=day,
        level=Level.HOT_SPOT,
        source="field_visit",
        people=120,
        summary="Nhân dân các bản ven sông phản đối khai thác cát sỏi gây sạt lở bờ sông Cả, "
        "tập trung ngăn xe của doanh nghiệp",
        details="Khoảng 120 người dân tập trung tại bãi tập kết, không cho xe chở cát ra vào. "
        "Nhân dân cho rằng việc khai thác làm sạt lở khoảng 200 m bờ sông, mất đất sản xuất.",
        actions="Ban Thường trực Ủy ban MTTQ xã có mặt tại hiện trường, vận động nhân dân giữ "
        "bình tĩnh, không để xảy ra xô xát.",
    )
    steps = [
        (2, Level.HOT_SPOT, "Ủy ban nhân dân xã chủ trì đối thoại với nhân dân và doanh nghiệp, "
         "có Mặt trận và các đoàn thể; doanh nghiệp tạm dừng khai thác để kiểm tra."),
        (9, Level.WATCH, "Đoàn liên ngành của tỉnh kiểm tra hiện trường, xác định doanh nghiệp "
         "khai thác vượt ranh giới mỏ; nhân dân đã giải tán, tình hình ổn định."),
        (30, Level.NORMAL, "Doanh nghiệp bị xử phạt vi phạm hành chính, đình chỉ khai thác ba "
         "tháng và cam kết gia cố đoạn bờ sông bị sạt lở."),
    ]  # fmt: skip
    for after, level, text in steps:
        happened = day + datetime.timedelta(days=after)
        services.follow_up_add(
            actor=tinh, note=note, happened_on=happened, text=text, level=level, today=happened
        )
    services.note_resolve(
        actor=tinh,
        note=note,
        resolved_on=day + datetime.timedelta(days=45),
        actions="Tổ chức đối thoại; đình chỉ khai thác, xử phạt vi phạm; doanh nghiệp gia cố "
        "200 m bờ sông bằng rọ đá; Mặt trận xã giám sát việc khắc phục, nhân dân đồng tình.",
    )
    return note


def _muong_xen_incident(w: World) -> Note:
    """Last month: households stop the road works over compensation; still followed."""
    xa, tinh = w.users["xa"], w.users["tinh"]
    last_month = _months(w.today)[-2]
    day = _month_start(last_month) + datetime.timedelta(days=12)
    note = w.file(
        unit=w.orgs[f"front:{MUONG_XEN}"],
        area=w.now[MUONG_XEN],
        topic="land-compensation",
        day=day,
        level=Level.HOT_SPOT,
        source="field_visit",
        people=150,
        summary="Khoảng 60 hộ dân đoạn qua trung tâm xã tập trung tại công trường Quốc lộ 7, đề "
        "nghị dừng thi công đến khi thống nhất đơn giá bồi thường",
        details="Các hộ cho rằng đơn giá bồi thường tài sản trên đất thấp hơn đoạn tuyến giáp "
        "ranh và chưa được giải thích; máy thi công phải dừng trong ngày.",
        actions="Ủy ban MTTQ xã báo cáo Đảng ủy xã, đề nghị chủ đầu tư và Ủy ban nhân dân xã "
        "đối thoại với các hộ.",
    )
    steps = [
        (3, xa, Level.COMPLEX, "Một số hộ căng dây, dựng lều chặn máy thi công; người ngoài "
         "địa bàn đến kích động, đăng thông tin sai lệch trên mạng xã hội."),
        (6, tinh, Level.COMPLEX, "Ban Tuyên giáo và Dân vận Tỉnh ủy chủ trì làm việc với chủ "
         "đầu tư, Ủy ban nhân dân xã và Mặt trận; lập tổ công tác đến từng hộ, rà soát đơn giá."),
        (14, xa, Level.HOT_SPOT, "Đối thoại tại nhà văn hóa xã với 64 hộ; chủ đầu tư điều chỉnh "
         "đơn giá tài sản trên đất, 38 hộ đồng ý nhận tiền bồi thường, đã tháo dỡ lều."),
    ]  # fmt: skip
    for after, actor, level, text in steps:
        happened = day + datetime.timedelta(days=after)
        services.follow_up_add(
            actor=actor, note=note, happened_on=happened, text=text, level=level, today=happened
        )
    latest = min(
        max(day + datetime.timedelta(days=16), w.today - datetime.timedelta(days=1)), w.today
    )
    services.follow_up_add(
        actor=xa,
        note=note,
        happened_on=latest,
        text="Còn 26 hộ chưa đồng thuận, đề nghị tái định cư tại chỗ; các khối, bản dọc tuyến "
        "tiếp tục phản ánh về bồi thường, cần theo dõi sát.",
        today=latest,
    )
    return note


SURGE = [
    ("land-compensation", "Các hộ chưa nhận bồi thường đoạn qua trung tâm xã tiếp tục kiến nghị về đơn giá tài sản trên đất"),
    ("land-clearance", "Nhân dân khối dọc Quốc lộ 7 đề nghị công khai biên bản kiểm đếm trước khi bàn giao mặt bằng"),
    ("land-resettlement", "Hộ thuộc diện di dời đề nghị bố trí tái định cư tại chỗ, không chuyển đến khu tái định cư mới"),
    ("land-compensation", "Nhân dân so sánh đơn giá bồi thường với đoạn tuyến giáp ranh, đề nghị áp dụng thống nhất"),
    ("land-clearance", "Hộ kinh doanh ven tuyến chưa đồng ý tháo dỡ mái che, đề nghị hỗ trợ ngừng kinh doanh"),
    ("land-clearance", "Mốc giải phóng mặt bằng ở bản giáp trung tâm xã lệch so với thiết kế, nhân dân đề nghị đo lại"),
    ("land-compensation", "Nhân dân đề nghị hỗ trợ chuyển đổi nghề cho hộ bị thu hồi hết đất sản xuất"),
    ("land-resettlement", "Khu tái định cư chưa có nước sinh hoạt, các hộ đã nhận đất chưa dựng nhà"),
    ("land-clearance", "Thông tin sai lệch về việc dừng dự án lan truyền trên mạng xã hội, nhân dân hoang mang"),
    ("land-compensation", "Tổ công tác ghi nhận thêm ý kiến về thời hạn chi trả tiền bồi thường đợt hai"),
    ("land-clearance", "Nhà thầu thi công ban đêm gây ồn, nhân dân khu dân cư ven tuyến phản ánh"),
]  # fmt: skip


def _surge(w: World) -> None:
    """This month in Mường Xén: land notes well above its usual one or two."""
    rng = w.rng
    start = _month_start(_months(w.today)[-1])
    span = (w.today - start).days
    units = [f"front:{MUONG_XEN}"] * 6 + [f"party:{MUONG_XEN}"] * 3 + ["commission"] * 2
    for n, ((code, summary), key) in enumerate(zip(SURGE, units, strict=True)):
        day = start + datetime.timedelta(days=n * span // (len(SURGE) - 1))
        w.file(
            unit=w.orgs[key],
            area=w.now[MUONG_XEN],
            topic=code,
            day=day,
            summary=summary,
            level=Level.WATCH if n % 3 else Level.NORMAL,
            source="field_visit" if key == "commission" else rng.choice(["meeting", "network"]),
            people=rng.choice([10, 15, 20, 26, 40]),
            details=rng.choice(DETAILS) if n % 2 else "",
        )


# --- Maps ----------------------------------------------------------------------------------

# Approximate centres (latitude, longitude): schematic, not survey data.
BOUNDARIES = {
    "16813": (19.405, 104.135), "16816": (19.615, 104.330), "16819": (19.680, 104.230),
    "16822": (19.505, 104.300), "16834": (19.300, 104.040), "16837": (19.380, 104.000),
    "16876": (19.275, 104.460), "16933": (19.330, 104.680), "16690": (18.670, 105.680),
    "16681": (18.690, 105.660), "16732": (18.800, 105.720), "17254": (19.050, 104.880),
}  # fmt: skip
POINTS = {
    "16858": (19.550, 104.170), "16738": (19.640, 104.910), "17464": (18.980, 105.600),
    "17935": (18.700, 105.500),
}  # fmt: skip


def _maps(w: World) -> None:
    """A small irregular octagon around each centre (about 4 km across), a point elsewhere."""
    rng = w.rng
    for code, (lat, lon) in BOUNDARIES.items():
        radius = 0.022 if code in ("16690", "16681") else 0.045
        ring = []
        for k in range(8):
            angle = 2 * math.pi * k / 8
            r = radius * rng.uniform(0.75, 1.15)
            ring.append([round(lon + r * math.cos(angle), 5), round(lat + r * math.sin(angle), 5)])
        ring.append(ring[0])
        services.area_map_set(
            actor=None,
            area=w.now[code],
            boundary={"type": "Polygon", "coordinates": [ring]},
            latitude=lat,
            longitude=lon,
        )
    for code, (lat, lon) in POINTS.items():
        services.area_map_set(actor=None, area=w.now[code], latitude=lat, longitude=lon)


# --- Alerts --------------------------------------------------------------------------------

OUTCOMES = {
    "disaster": "Đã đề nghị Ủy ban nhân dân các xã huy động lực lượng giúp dân khắc phục hậu quả "
    "mưa lũ; Mặt trận phân bổ tiền, hàng cứu trợ; tình hình đã ổn định.",
    "livelihood": "Đã đề nghị ngành công thương tăng cường kiểm tra, bình ổn giá; tuyên truyền "
    "để nhân dân yên tâm.",
}
OUTCOME = "Đã nắm tình hình tại địa bàn, đề nghị các ngành giải quyết kiến nghị của nhân dân; " \
    "tình hình ổn định, tiếp tục theo dõi qua báo cáo tháng."  # fmt: skip


def _alerts(w: World, resolved: Note, followed: Note) -> None:
    """Last autumn's run and today's; the older alerts closed with what was done, the
    incident's taken in hand, today's surge left for the commission to see."""
    tinh, lanhdao = w.users["tinh"], w.users["lanhdao"]
    autumn = datetime.date(w.today.year - 1, 10, 31)
    if autumn > _month_start(_months(w.today)[0]) + datetime.timedelta(days=200):
        alerts.compute_alerts(today=autumn)
    alerts.compute_alerts(today=w.today)
    for sand in Alert.objects.live().filter(note=resolved).order_by("pk"):
        services.alert_close(
            actor=lanhdao,
            alert=sand,
            outcome="Đã chỉ đạo tổ chức đối thoại và đề nghị đoàn liên ngành kiểm tra; doanh "
            "nghiệp bị xử phạt, đình chỉ khai thác và gia cố bờ sông; nhân dân đồng tình, tình "
            "hình ổn định.",
        )
    # The hot spot grew into a complex incident: its first alert is closed into the second.
    *earlier, incident = Alert.objects.filter(note=followed).order_by("pk")
    for alert in earlier:
        services.alert_close(
            actor=lanhdao,
            alert=alert,
            outcome="Vụ việc đã phát triển thành vụ việc phức tạp; tiếp tục theo dõi, xử lý theo "
            "cảnh báo mới.",
        )
    services.alert_acknowledge(
        actor=lanhdao,
        alert=incident,
        assigned_to=tinh,
        comment="Giao chuyên viên theo dõi, báo cáo hằng tuần đến khi các hộ đồng thuận.",
    )
    older = w.today - datetime.timedelta(days=60)
    for alert in Alert.objects.live().filter(raised_on__lt=older).select_related("topic"):
        services.alert_close(
            actor=tinh, alert=alert, outcome=OUTCOMES.get(alert.topic.code, OUTCOME)
        )


# --- The monthly report --------------------------------------------------------------------

# (code, situation figure, Vietnamese, English, aggregation)
BY_LEVEL = [
    ("SIT_NOTES", "notes", "Số vụ việc, tình hình nắm được", "Situation notes", "sum"),
    ("SIT_WATCH", "notes_watch", "Số vụ việc cần theo dõi", "Notes to watch", "sum"),
    ("SIT_HOT_SPOTS", "notes_hot_spot", "Số điểm nóng phát sinh", "Hot spots", "sum"),
    ("SIT_COMPLEX", "notes_complex", "Số vụ việc phức tạp", "Complex incidents", "sum"),
    ("SIT_OPEN", "hot_spots_open", "Số điểm nóng, vụ việc phức tạp còn theo dõi cuối kỳ",
     "Hot spots and complex incidents still followed", "last"),
    ("SIT_RESOLVED", "resolved", "Số vụ việc đã giải quyết xong", "Issues resolved", "sum"),
]  # fmt: skip
NARRATIVES = [
    ("Tình hình tư tưởng, tâm trạng của nhân dân", "The people's thinking and mood"),
    ("Những vấn đề nổi lên, kiến nghị", "Issues that came up, and requests"),
    ("Đề xuất với cấp ủy", "Proposals to the Party committee"),
]
MOODS = [
    "Nhân dân cơ bản phấn khởi, tin tưởng vào sự lãnh đạo của Đảng, quản lý của chính quyền; "
    "quan tâm đến việc làm, thu nhập và giá cả.",
    "Tình hình tư tưởng nhân dân ổn định; đồng tình với chủ trương sắp xếp bộ máy, đề nghị "
    "giải quyết thủ tục hành chính nhanh hơn.",
    "Nhân dân phấn khởi trước kết quả sản xuất, quan tâm đến tiến độ các công trình giao thông "
    "và chính sách hỗ trợ sau thiên tai.",
]
ISSUES = [
    "Nổi lên các kiến nghị về %s; đã tổng hợp, phản ánh với chính quyền.",
    "Trong tháng, nhân dân quan tâm nhiều đến %s.",
]
PROPOSALS = [
    "Đề nghị cấp ủy chỉ đạo giải quyết dứt điểm các kiến nghị tồn đọng, công khai kết quả.",
    "Đề nghị tăng cường đối thoại giữa người đứng đầu với nhân dân ở những nơi có vụ việc.",
    "Đề nghị chỉ đạo các ngành phối hợp nắm tình hình, không để phát sinh điểm nóng.",
]


def _indicators() -> list[tuple[str, str, str, str, str]]:
    """(code, derived key, Vietnamese, English, aggregation): by level, then by topic group."""
    by_level = [(code, f"situation.{key}", vi, en, how) for code, key, vi, en, how in BY_LEVEL]
    by_topic = [
        (f"SIT_TOPIC_{code.upper()}", f"situation.topic_{code}", name, name_en, "sum")
        for code, name, name_en, _children in TOPICS
    ]
    return by_level + by_topic


def _monthly_form(w: World) -> int:
    """The form, and reports for the last closed months: the two before last approved, last
    month's from a few units submitted, xa's Front's left for xa to open."""
    lanhdao = w.users["lanhdao"]
    indicators = _indicators()
    for code, key, vi, en, aggregation in indicators:
        definitions.indicator_create(
            actor=lanhdao,
            code=code,
            name=vi,
            name_en=en,
            unit="vụ việc",
            source="derived",
            derived_key=key,
            value_type="number",
            aggregation=aggregation,
            decimal_places=0,
        )
    kinds = OrganizationKind.objects.filter(
        code__in=["party_committee", "fatherland_front", "mobilization_commission"]
    )
    form = definitions.form_create(
        actor=lanhdao,
        code=MONTHLY,
        name="Báo cáo tình hình nhân dân",
        name_en="Report on the people's situation",
        description="Báo cáo hằng tháng của cấp ủy, Mặt trận Tổ quốc và Ban Dân vận; số liệu "
        "lấy từ các ghi nhận tình hình nhân dân, đơn vị chỉ viết phần đánh giá.",
        periodicity="month",
        kinds=list(kinds),
        # The month's window closes on the 14th (the cut-off day); due about the 5th after.
        deadline_days=21,
        sections=[
            {
                "title": "Tình hình chung",
                "title_en": "Overview",
                "help_text": "Số liệu lấy từ các ghi nhận tình hình nhân dân trong danvan, theo "
                "ngày xảy ra vụ việc.",
                "indicators": [code for code, *_rest in indicators[: len(BY_LEVEL)]],
            },
            {
                "title": "Theo lĩnh vực",
                "title_en": "By topic",
                "indicators": [code for code, *_rest in indicators[len(BY_LEVEL) :]],
            },
            *[{"title": vi, "title_en": en, "kind": "narrative"} for vi, en in NARRATIVES],
        ],
    )
    return _reports(w, form)


def _reports(w: World, form: Form) -> int:
    from danvan.org.demo import DEMO_COMMUNES

    months = _months(w.today)
    fronts = [w.orgs[f"front:{code}"] for code in DEMO_COMMUNES]
    parties = [w.orgs[f"party:{code}"] for code in DEMO_COMMUNES]
    tz = timezone.get_current_timezone()
    made = 0
    for index in (months[-4], months[-3], months[-2]):
        period = periods.parse(f"{_month_start(index):%Y%m}")
        deadline = form.deadline(period)
        last = index == months[-2]
        units = (
            [u for u in fronts[:6] if u != w.orgs[f"front:{MUONG_XEN}"]]
            if last
            else fronts + parties + [w.orgs["commission"]]
        )
        for unit in units:
            submission = _report(w, form, unit, period)
            submitted = datetime.datetime.combine(
                deadline - datetime.timedelta(days=w.rng.randint(0, 6)), datetime.time(9, 30), tz
            )
            if not last:
                reviewer = w.users["lanhdao" if unit.depth == 1 else "tinh"]
                reporting.submission_approve(actor=reviewer, submission=submission)
            Submission.objects.filter(pk=submission.pk).update(
                submitted_at=min(submitted, timezone.now()),
                reviewed_at=None
                if last
                else min(submitted + datetime.timedelta(days=2), timezone.now()),
            )
            made += 1
    return made


def _report(w: World, form: Form, unit: Organization, period: periods.Period) -> Submission:
    actor = w.actors.get(unit.pk)
    if unit == w.orgs["commission"]:
        actor = w.users["tinh"]
    submission = reporting.submission_start(
        actor=actor, form=form, organization=unit, period=period.code, today=w.today
    )
    groups = Counter(
        (parent or name).lower()
        for parent, name in Note.objects.filter(
            organization__path__startswith=unit.path,
            event_date__gte=period.start,
            event_date__lte=period.end,
        ).values_list("topic__parent__name", "topic__name")
    )
    named = sorted(groups, key=lambda name: (-groups[name], name))[:2]
    issues = (
        w.rng.choice(ISSUES) % " và ".join(named)
        if named
        else "Không phát sinh vấn đề nổi cộm; nhân dân chấp hành tốt chủ trương, chính sách."
    )
    sections = form_layout(form).narratives
    texts = [w.rng.choice(MOODS), issues, w.rng.choice(PROPOSALS)]
    reporting.submission_save(
        actor=actor,
        submission=submission,
        narratives={str(s.pk): text for s, text in zip(sections, texts, strict=True)},
    )
    return reporting.submission_submit(actor=actor, submission=submission)
