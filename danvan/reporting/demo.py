"""Periodic reports in the demo province.

Two forms: the «6-month mass mobilization report» (every commune's Party committee and Front,
and the provincial commission) and the yearly grassroots-democracy self-assessment (commune
Party committees). Reports for the last three half years, most approved, a few submitted,
returned or in draft, some late; xa's Front has not started the last half year, so the demo
shows its report filling itself in with the oversight figures. The dialogue and petition figures
(reception days, dialogues, commitments kept, petitions received, settled and settled on time)
are derived from the dialogue app's records, which its demo loads after this one: the reports
made here store no derived value, so even the approved ones read them live. Before the 2025 reform, the old
Fronts of Mường Xén and Tà Cạ reported, and their history rolls into today's Front.

A unit reports only for the half years in which it existed (`selectors.reporting_units`):
today's communes, valid from 1/7/2025, report from 2025S2 on; their predecessors before.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TextIO

from django.utils import timezone

from danvan.accounts.models import User
from danvan.lib import periods
from danvan.org.models import Organization, OrganizationKind

from . import definitions, rebuild, selectors
from .models import (
    AreaRollup,
    Form,
    FormIndicator,
    Indicator,
    OrgRollup,
    Reminder,
    ReportExport,
    Section,
    Severity,
    Source,
    Submission,
    SubmissionStatus,
    ValidationRule,
    Value,
    ValueType,
)

SIX_MONTH = "bao-cao-dan-van-6-thang"
DEMOCRACY = "tu-danh-gia-dan-chu-co-so"

# (code, Vietnamese, English, unit, source, derived key or formula, value type, aggregation)
INDICATORS = [
    ("OV_INSPECTIONS", "Số cuộc kiểm tra", "Inspections", "cuộc", "derived", "oversight.inspections", "number", "sum"),
    ("OV_INSPECTED", "Số tổ chức được kiểm tra", "Organisations inspected", "tổ chức", "derived", "oversight.inspected_organizations", "number", "sum"),
    ("OV_SUPERVISIONS", "Số cuộc giám sát", "Supervisions", "cuộc", "derived", "oversight.supervisions", "number", "sum"),
    ("OV_SUPERVISED", "Số tổ chức được giám sát", "Organisations supervised", "tổ chức", "derived", "oversight.supervised_organizations", "number", "sum"),
    ("OV_RECOMMENDATIONS", "Số kiến nghị sau kiểm tra, giám sát", "Recommendations made", "kiến nghị", "derived", "oversight.recommendations", "number", "sum"),
    ("OV_RECOMMENDATIONS_DONE", "Số kiến nghị đã thực hiện", "Recommendations carried out", "kiến nghị", "derived", "oversight.recommendations_done", "number", "sum"),
    ("DVK_REGISTERED", "Số mô hình «Dân vận khéo» đăng ký", "«Dân vận khéo» models registered", "mô hình", "derived", "practices.registered", "number", "sum"),
    ("DVK_RECOGNISED", "Số mô hình được công nhận, khen thưởng", "Models recognised or commended", "mô hình", "derived", "practices.recognised", "number", "sum"),
    ("DVK_REPLICATED", "Số lượt nhân rộng mô hình", "Models replicated", "lượt", "derived", "practices.replicated", "number", "sum"),
    ("TASKS_ON_TIME", "Nhiệm vụ chương trình phối hợp hoàn thành đúng hạn", "Programme tasks done on time", "nhiệm vụ", "derived", "programs.tasks_done_on_time", "number", "sum"),
    ("SUPERVISIONS_SELF", "Số cuộc giám sát đơn vị tự tổng hợp", "Supervisions (as the unit counts them)", "cuộc", "typed", "", "number", "sum"),
    ("PROPAGANDA_SESSIONS", "Số buổi tuyên truyền, vận động", "Propaganda and mobilization sessions", "buổi", "typed", "", "number", "sum"),
    ("PEOPLE_REACHED", "Số lượt người dân tham dự", "People reached", "lượt người", "typed", "", "number", "sum"),
    ("RECEPTION_DAYS", "Số ngày tiếp công dân của người đứng đầu", "Citizen reception days held by the heads", "ngày", "derived", "dialogue.reception_days", "number", "sum"),
    ("DIALOGUES", "Số cuộc đối thoại của người đứng đầu với nhân dân", "Leaders' dialogues with the people", "cuộc", "derived", "dialogue.dialogues_held", "number", "sum"),
    ("COMMITMENTS_KEPT", "Số cam kết tại đối thoại đã thực hiện", "Dialogue commitments kept", "cam kết", "derived", "dialogue.commitments_kept", "number", "sum"),
    ("PETITIONS_RECEIVED", "Số kiến nghị của nhân dân tiếp nhận", "Petitions received", "kiến nghị", "derived", "dialogue.petitions_received", "number", "sum"),
    ("PETITIONS_SETTLED", "Số kiến nghị đã giải quyết", "Petitions settled", "kiến nghị", "derived", "dialogue.petitions_settled", "number", "sum"),
    ("PETITIONS_SETTLED_ON_TIME", "Số kiến nghị giải quyết đúng hạn", "Petitions settled on time", "kiến nghị", "derived", "dialogue.petitions_settled_on_time", "number", "sum"),
    ("PETITIONS_SETTLED_PCT", "Tỷ lệ kiến nghị đã giải quyết", "Share of petitions settled", "%", "formula", "PETITIONS_SETTLED / PETITIONS_RECEIVED * 100", "percent", "none"),
    ("HOT_SPOTS", "Số điểm nóng phát sinh", "Hot spots that arose", "điểm", "typed", "", "number", "max"),
    ("SATISFACTION", "Mức độ hài lòng của nhân dân (khảo sát)", "People's satisfaction (survey)", "%", "typed", "", "percent", "average"),
    ("DC_PUBLIC_INFO", "Công khai đầy đủ thông tin theo quy định", "All required information made public", "", "typed", "", "yes_no", "sum"),
    ("DC_DECIDED_BY_PEOPLE", "Số nội dung nhân dân bàn và quyết định", "Matters the people discussed and decided", "nội dung", "typed", "", "number", "sum"),
    ("DC_SCORE", "Điểm tự đánh giá thực hiện dân chủ ở cơ sở", "Grassroots-democracy self-assessment score", "điểm", "typed", "", "number", "average"),
    ("DC_MEMBERS", "Số thành viên Ban Thanh tra nhân dân", "Members of the People's Inspection Board", "người", "typed", "", "number", "last"),
]  # fmt: skip

NARRATIVES = [
    ("Kết quả nổi bật", "Main results"),
    ("Hạn chế, khuyết điểm và nguyên nhân", "Limitations and their causes"),
    ("Nhiệm vụ trọng tâm 6 tháng tới", "Key tasks for the next six months"),
]
ACHIEVEMENTS = [
    "Phối hợp tổ chức hội nghị đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân; "
    "các kiến nghị được tiếp thu, giải quyết kịp thời.",
    "Triển khai mô hình «Dân vận khéo» trong xây dựng nông thôn mới, vận động nhân dân hiến đất "
    "làm đường giao thông nông thôn.",
    "Tuyên truyền, vận động đồng bào các dân tộc thực hiện tốt chủ trương, chính sách của Đảng, "
    "pháp luật của Nhà nước; giữ vững an ninh trật tự ở địa bàn.",
]
LIMITATIONS = [
    "Việc sơ kết, đánh giá các chương trình phối hợp còn chậm; báo cáo của một số chi bộ chưa đúng hạn.",
    "Một số kiến nghị của nhân dân về đất đai chưa được giải quyết dứt điểm do vướng hồ sơ.",
]
TASKS = [
    "Tiếp tục nâng cao chất lượng công tác dân vận chính quyền; nắm chắc tình hình nhân dân.",
    "Đẩy mạnh phong trào thi đua «Dân vận khéo», nhân rộng các mô hình hiệu quả.",
]


def reset() -> None:
    for model in (ReportExport, Reminder, OrgRollup, AreaRollup):
        model.objects.all().delete()
    Value.objects.all().delete()
    Submission.objects.all().delete()
    FormIndicator.objects.all().delete()
    Section.objects.all().delete()
    ValidationRule.objects.all().delete()
    Form.objects.all().delete()
    Indicator.objects.all().delete()
    for historied in (Value, Submission, Section, ValidationRule, Form, Indicator):
        historied.history.all().delete()  # type: ignore[attr-defined]


def load(out: TextIO) -> None:
    rng = random.Random(2026)  # noqa: S311 — demo figures, not secrets
    today = timezone.localdate()
    lanhdao = User.objects.get(email="lanhdao@demo.danvan.vn")
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    for code, name, name_en, unit, source, extra, value_type, aggregation in INDICATORS:
        definitions.indicator_create(
            actor=lanhdao,
            code=code,
            name=name,
            name_en=name_en,
            unit=unit,
            source=source,
            derived_key=extra if source == Source.DERIVED else "",
            formula=extra if source == Source.FORMULA else "",
            value_type=value_type,
            aggregation=aggregation,
            # Counts are whole numbers from zero; percents and scores take one decimal.
            decimal_places=0 if value_type == "number" and code != "DC_SCORE" else 1,
            min_value=Decimal(0) if value_type == "number" else None,
        )
    kinds = OrganizationKind.objects.filter(
        code__in=["party_committee", "fatherland_front", "mobilization_commission"]
    )
    six = definitions.form_create(
        actor=lanhdao,
        code=SIX_MONTH,
        name="Báo cáo kết quả công tác dân vận",
        name_en="Mass mobilization work report",
        description="Báo cáo 6 tháng đầu năm và cả năm của các cấp ủy, Mặt trận Tổ quốc.",
        periodicity="half",
        kinds=list(kinds),
        deadline_days=10,
        sections=[
            {
                "title": "Công tác kiểm tra, giám sát",
                "title_en": "Inspection and supervision",
                "help_text": "Số liệu lấy từ các cuộc kiểm tra, giám sát đã ghi trong danvan.",
                "indicators": [
                    "OV_INSPECTIONS",
                    "OV_INSPECTED",
                    "OV_SUPERVISIONS",
                    "OV_SUPERVISED",
                    "OV_RECOMMENDATIONS",
                    "OV_RECOMMENDATIONS_DONE",
                    "SUPERVISIONS_SELF",
                ],
            },
            {
                "title": "Phong trào thi đua «Dân vận khéo», chương trình phối hợp",
                "title_en": "«Dân vận khéo» movement and coordination programmes",
                "indicators": [
                    "DVK_REGISTERED",
                    "DVK_RECOGNISED",
                    "DVK_REPLICATED",
                    "TASKS_ON_TIME",
                ],
            },
            {
                "title": "Tuyên truyền, vận động; đối thoại và giải quyết kiến nghị",
                "title_en": "Propaganda, dialogue and petitions",
                "help_text": "Số ngày tiếp công dân, số cuộc đối thoại, cam kết và kiến nghị lấy từ "
                "các bản ghi đối thoại, tiếp công dân và kiến nghị trong danvan.",
                "indicators": [
                    "PROPAGANDA_SESSIONS",
                    "PEOPLE_REACHED",
                    "RECEPTION_DAYS",
                    "DIALOGUES",
                    "COMMITMENTS_KEPT",
                    "PETITIONS_RECEIVED",
                    "PETITIONS_SETTLED",
                    "PETITIONS_SETTLED_ON_TIME",
                    "PETITIONS_SETTLED_PCT",
                    "HOT_SPOTS",
                    "SATISFACTION",
                ],
            },
            *[{"title": vi, "title_en": en, "kind": "narrative"} for vi, en in NARRATIVES],
        ],
    )
    definitions.rule_add(
        actor=lanhdao,
        form=six,
        left="SUPERVISIONS_SELF",
        operator="==",
        right="OV_SUPERVISIONS",
        severity=Severity.WARNING,
        message="Số cuộc giám sát tự tổng hợp khác số cuộc giám sát đã ghi trong danvan.",
        message_en="The supervisions you counted differ from those recorded in danvan.",
    )
    definitions.rule_add(
        actor=lanhdao,
        form=six,
        left="PEOPLE_REACHED",
        operator=">=",
        right="PROPAGANDA_SESSIONS",
        message="Mỗi buổi tuyên truyền có ít nhất một lượt người tham dự.",
        message_en="Each session reached at least one person.",
    )
    democracy = definitions.form_create(
        actor=lanhdao,
        code=DEMOCRACY,
        name="Tự đánh giá kết quả thực hiện dân chủ ở cơ sở",
        name_en="Grassroots-democracy self-assessment",
        description="Theo Luật Thực hiện dân chủ ở cơ sở năm 2022 (Luật số 10/2022/QH15).",
        periodicity="year",
        kinds=list(kinds.filter(code="party_committee")),
        area_levels=["commune"],
        deadline_days=20,
        sections=[
            {
                "title": "Kết quả thực hiện",
                "title_en": "Results",
                "indicators": ["DC_PUBLIC_INFO", "DC_DECIDED_BY_PEOPLE", "DC_MEMBERS", "DC_SCORE"],
            },
            {"title": "Đánh giá chung", "title_en": "Overall assessment", "kind": "narrative"},
        ],
    )
    dc_score = Indicator.objects.get(code="DC_SCORE")
    dc_score.max_value = Decimal(100)
    dc_score.min_value = Decimal(0)
    dc_score.save()

    current = periods.from_date(today, periods.PeriodType.HALF)
    halves = [
        current.previous().previous().previous(),
        current.previous().previous(),
        current.previous(),
    ]
    count = _reports(six, halves, rng, today, tinh)
    count += _reports(democracy, [periods.parse(str(today.year - 1))], rng, today, tinh)
    rebuild.rollups()
    out.write(f"  report forms: 2, reports: {count}, values: {Value.objects.count()}\n")


def _figures(rng: random.Random, scale: int) -> dict[str, Decimal]:
    sessions = rng.randint(2, 12) * scale
    return {
        "SUPERVISIONS_SELF": Decimal(rng.randint(0, 3) * scale),
        "PROPAGANDA_SESSIONS": Decimal(sessions),
        "PEOPLE_REACHED": Decimal(sessions * rng.randint(40, 120)),
        "HOT_SPOTS": Decimal(rng.choice([0, 0, 0, 1])),
        "SATISFACTION": Decimal(rng.randint(72, 96)),
        "DC_PUBLIC_INFO": Decimal(rng.choice([1, 1, 1, 0])),
        "DC_DECIDED_BY_PEOPLE": Decimal(rng.randint(2, 9)),
        "DC_MEMBERS": Decimal(rng.choice([5, 7, 9])),
        "DC_SCORE": Decimal(rng.randint(70, 98)),
    }


def _reports(
    form: Form,
    halves: list[periods.Period],
    rng: random.Random,
    today: datetime.date,
    reviewer: User,
) -> int:
    """Reports in bulk (the roll-ups are rebuilt once afterwards): most approved, some late."""
    layout = selectors.form_layout(form)
    typed = [i for i in layout.indicators if i.source == Source.TYPED]
    narratives = layout.narratives
    xa_front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    xa2_front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mỹ Lý")
    made = 0
    tz = timezone.get_current_timezone()
    for index, period in enumerate(halves):
        last = index == len(halves) - 1
        deadline = form.deadline(period)
        units = list(selectors.reporting_units(form, period).select_related("area"))
        plan: list[tuple[Organization, str]] = []
        waiting: set[str] = set()  # paths of the units whose report is not approved yet
        for unit in units:
            if last and unit.pk == xa_front.pk:
                waiting.add(unit.path)
                continue  # xa fills it in, in the demo and in the browser test
            roll = rng.random()
            if last and roll < 0.12:
                waiting.add(unit.path)
                continue  # not yet submitted: late
            status: str = SubmissionStatus.APPROVED
            if last and unit.pk == xa2_front.pk:
                status = SubmissionStatus.DRAFT
            elif last and roll < 0.2:
                status = SubmissionStatus.SUBMITTED
            elif last and roll < 0.24:
                status = SubmissionStatus.RETURNED
            if status != SubmissionStatus.APPROVED:
                waiting.add(unit.path)
            plan.append((unit, status))
        for unit, status in plan:
            # Approval order: a report above one still open waits for it (submitted, not approved).
            if status == SubmissionStatus.APPROVED and any(
                p != unit.path and p.startswith(unit.path) for p in waiting
            ):
                status = SubmissionStatus.SUBMITTED
            late_days = rng.choice([0, 0, 0, 0, 2, 6])
            day = min(deadline - datetime.timedelta(days=rng.randint(0, 8)), today)
            day += datetime.timedelta(days=late_days)
            submitted_at = datetime.datetime.combine(day, datetime.time(9, 30), tz)
            scale = 12 if unit.depth == 1 else 1
            texts = {}
            for section, options in zip(
                narratives, [ACHIEVEMENTS, LIMITATIONS, TASKS], strict=False
            ):
                texts[str(section.pk)] = rng.choice(options)
            submission = Submission.objects.create(
                form=form,
                organization=unit,
                period=period.code,
                status=status,
                narratives=texts,
                submitted_at=None if status == SubmissionStatus.DRAFT else submitted_at,
                reviewed_at=submitted_at + datetime.timedelta(days=2)
                if status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED)
                else None,
                reviewed_by=reviewer
                if status in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED)
                else None,
                review_comment="Đề nghị bổ sung số lượt người dân tham dự các buổi tuyên truyền."
                if status == SubmissionStatus.RETURNED
                else "",
            )
            figures = _figures(rng, scale)
            Value.objects.bulk_create(
                Value(submission=submission, indicator=i, number=figures.get(i.code))
                for i in typed
                if i.value_type != ValueType.TEXT and i.code in figures
            )
            made += 1
    return made
