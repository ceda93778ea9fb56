"""The situation demo's notes: three years of background, the National Road 7 story, the
sand-mining hot spot that calmed down, Mường Xén's incident and this month's surge."""

from __future__ import annotations

import datetime
import random

from . import services
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
from .demo_world import (
    BORDER,
    MONTHS,
    MUONG_XEN,
    PARISHES,
    PLACES,
    RATES,
    REFORM_DAY,
    World,
    _month_end,
    _month_start,
    _poisson,
    _season,
)
from .models import Level, Note

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
