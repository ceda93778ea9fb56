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
from collections import Counter
from typing import TextIO

from django.test.utils import override_settings
from django.utils import timezone

from danvan.lib import periods
from danvan.org.models import Organization, OrganizationKind
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

from . import alerts, services, services_maps
from .demo_notes import (
    _background,
    _months,
    _muong_xen_incident,
    _road,
    _sand_mining,
    _surge,
)
from .demo_world import (
    MONTHLY,
    MUONG_XEN,
    World,
    _month_start,
    _world,
)
from .models import Alert, AreaMap, Attachment, FollowUp, Note, Topic
from .topics import TOPICS, ensure_topics

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
        services_maps.area_map_set(
            actor=None,
            area=w.now[code],
            boundary={"type": "Polygon", "coordinates": [ring]},
            latitude=lat,
            longitude=lon,
        )
    for code, (lat, lon) in POINTS.items():
        services_maps.area_map_set(actor=None, area=w.now[code], latitude=lat, longitude=lon)


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
