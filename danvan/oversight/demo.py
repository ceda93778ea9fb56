"""A year of inspection and supervision in the demo province.

The commission's annual plan with items done, under way, missed and not started; a few
showcase oversights with findings, conclusions and recommendations in every state; and some
hundreds of oversights by the province's committees, so that a half year reads like the
seeds' «N inspections of M organisations». Units are the demo's; no person is named.
"""

from __future__ import annotations

import datetime
import random
from typing import TextIO

from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.documents.services import summary_open
from danvan.lib import periods
from danvan.org.models import Organization

from . import services
from .models import (
    Oversight,
    OversightKind,
    Plan,
    PlanItem,
    Recommendation,
    RecommendationReminder,
    RecommendationStatus,
)

TEAM = "Phó Trưởng ban — Trưởng đoàn\nTrưởng phòng Dân vận chính quyền — Phó đoàn\nChuyên viên — thành viên"
TITLES = {
    OversightKind.INSPECTION: [
        "Kiểm tra việc thực hiện Quy chế công tác dân vận của hệ thống chính trị",
        'Kiểm tra việc lãnh đạo phong trào thi đua "Dân vận khéo"',
        "Kiểm tra công tác dân vận chính quyền",
        "Kiểm tra việc thực hiện các chương trình phối hợp công tác dân vận",
    ],
    OversightKind.SUPERVISION: [
        "Giám sát việc thực hiện dân chủ ở cơ sở",
        "Giám sát việc tiếp xúc, đối thoại trực tiếp của người đứng đầu với nhân dân",
        "Giám sát việc giải quyết kiến nghị của cử tri và nhân dân",
        "Giám sát việc công khai thông tin theo Luật Thực hiện dân chủ ở cơ sở",
    ],
    OversightKind.SURVEY: [
        "Khảo sát chuyên đề tình hình nhân dân vùng đồng bào dân tộc thiểu số",
        'Khảo sát việc nhân rộng mô hình "Dân vận khéo"',
    ],
}
FINDINGS = [
    "Cấp ủy đã ban hành kế hoạch thực hiện; việc sơ kết định kỳ còn chậm.",
    "Tổ chức tốt việc tiếp xúc, đối thoại; một số kiến nghị của nhân dân chưa được trả lời đúng hạn.",
    "Thực hiện nghiêm việc công khai thông tin; hồ sơ lưu trữ chưa đầy đủ.",
    "Phong trào thi đua được triển khai rộng khắp; việc nhân rộng mô hình còn hạn chế.",
]
RECOMMENDATIONS = [
    "Xây dựng kế hoạch khắc phục hạn chế, báo cáo kết quả bằng văn bản.",
    "Trả lời dứt điểm các kiến nghị tồn đọng của nhân dân.",
    "Hoàn thiện hồ sơ công khai thông tin theo quy định.",
    'Tổ chức sơ kết, nhân rộng mô hình "Dân vận khéo" tiêu biểu.',
]
DOCUMENT_NUMBERS = ["23-QĐ/TW", "10/2022/QH15", "59/2023/NĐ-CP", "05-CT/TW"]


def reset() -> None:
    RecommendationReminder.objects.all().delete()
    Recommendation.objects.all().delete()
    Oversight.objects.all().delete()
    PlanItem.objects.all().delete()
    Plan.objects.all().delete()
    for model in (Recommendation, Oversight, PlanItem, Plan):
        model.history.all().delete()


def _days(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


def load(out: TextIO) -> None:
    today = timezone.localdate()
    orgs = {o.name: o for o in Organization.objects.active().select_related("area")}
    commission = Organization.objects.select_related("area").get(depth=1)
    front = orgs["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An"]
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    mattran = User.objects.get(email="mattran@demo.danvan.vn")
    documents = {d.number: d for d in Document.objects.filter(number__in=DOCUMENT_NUMBERS)}
    plan = _plan(commission, tinh, orgs, today)
    showcase = _showcase(plan, commission, front, tinh, mattran, orgs, documents, today)
    bulk = _bulk(commission, front, orgs, documents, today)
    # An implementation summary of Decision 23-QĐ/TW since it was issued (documents app).
    summary_open(
        actor=tinh, document=documents["23-QĐ/TW"], organization=commission,
        period=f"2021-{today.year}",
    )  # fmt: skip
    out.write(
        f"  oversights: {showcase + bulk}, recommendations: {Recommendation.objects.count()}\n"
    )


def _plan(
    commission: Organization, tinh: User, orgs: dict[str, Organization], today: datetime.date
) -> Plan:
    year = today.year
    plan = services.plan_create(
        actor=tinh,
        organization=commission,
        year=year,
        title=f"Kế hoạch kiểm tra, giám sát năm {year} của Ban Tuyên giáo và Dân vận Tỉnh ủy",
        note="Theo Chương trình kiểm tra, giám sát của Ban Thường vụ Tỉnh ủy.",
    )
    communes = [orgs["Đảng ủy xã Mường Xén"], orgs["Đảng ủy xã Mỹ Lý"], orgs["Đảng ủy xã Na Loi"]]
    items = [
        (OversightKind.INSPECTION, "Kiểm tra việc thực hiện Quyết định số 23-QĐ/TW về Quy chế "
         "công tác dân vận", f"{year}Q1", communes),
        (OversightKind.SUPERVISION, "Giám sát việc thực hiện Luật Thực hiện dân chủ ở cơ sở",
         f"{year}Q2", [orgs["Ủy ban nhân dân xã Mường Xén"], orgs["Ủy ban MTTQ Việt Nam xã Mường Xén"],
                      orgs["Ủy ban nhân dân xã Mỹ Lý"]]),
        (OversightKind.SURVEY, "Khảo sát chuyên đề về nhân rộng mô hình \"Dân vận khéo\"",
         f"{year}Q3", []),
        (OversightKind.SUPERVISION, "Giám sát việc giải quyết kiến nghị sau đối thoại",
         periods.from_date(today, periods.PeriodType.HALF).code,
         [orgs["Ủy ban nhân dân xã Na Loi"]]),
        (OversightKind.INSPECTION, "Kiểm tra công tác dân vận chính quyền", f"{year}12",
         [orgs["Đảng ủy Ủy ban nhân dân tỉnh Nghệ An"]]),
    ]  # fmt: skip
    for kind, title, period, subjects in items:
        services.plan_item_add(
            actor=tinh, plan=plan, kind=kind, title=title, period=period, subjects=subjects
        )
    return plan


def _showcase(
    plan: Plan,
    commission: Organization,
    front: Organization,
    tinh: User,
    mattran: User,
    orgs: dict[str, Organization],
    documents: dict[str, Document],
    today: datetime.date,
) -> int:
    """The plan's first items carried out, with recommendations in every state."""
    items = list(plan.items.order_by("order"))
    year = today.year
    first = services.oversight_create(
        actor=tinh, kind=items[0].kind, title=items[0].title, lead=commission,
        subjects=list(items[0].subjects.all()), documents=[documents["23-QĐ/TW"]],
        starts_on=datetime.date(year, 3, 10), ends_on=datetime.date(year, 3, 20), team=TEAM,
        plan_item=items[0],
        findings="Các đảng ủy đã cụ thể hóa Quy chế bằng kế hoạch; một đảng ủy chưa phân công "
                 "rõ trách nhiệm công tác dân vận của các chi bộ.",
    )  # fmt: skip
    services.oversight_conclude(
        actor=tinh, oversight=first, conclusion_on=datetime.date(year, 4, 5),
        conclusion_number="15-TB/BTGDV", conclusion="Thực hiện tốt Quy chế; cần khắc phục "
        "việc phân công trách nhiệm và chế độ báo cáo.",
    )  # fmt: skip
    subjects = list(items[0].subjects.order_by("path"))
    done = services.recommendation_add(
        actor=tinh, oversight=first, text=RECOMMENDATIONS[0], responsible=subjects[0],
        due_on=datetime.date(year, 5, 31),
    )  # fmt: skip
    services.recommendation_respond(
        actor=tinh, recommendation=done, status=RecommendationStatus.DONE,
        response="Đã ban hành kế hoạch khắc phục và báo cáo kết quả.",
    )  # fmt: skip
    Recommendation.objects.filter(pk=done.pk).update(done_on=datetime.date(year, 5, 20))
    services.recommendation_add(  # overdue
        actor=tinh, oversight=first, text=RECOMMENDATIONS[2], responsible=subjects[1],
        due_on=datetime.date(year, 6, 30),
    )  # fmt: skip
    progressing = services.recommendation_add(
        actor=tinh, oversight=first, text=RECOMMENDATIONS[3], responsible=subjects[2],
        due_on=_days(today, 40),
    )  # fmt: skip
    services.recommendation_respond(
        actor=tinh, recommendation=progressing, status=RecommendationStatus.IN_PROGRESS,
        response="Đang chuẩn bị hội nghị sơ kết.",
    )  # fmt: skip

    second = services.oversight_create(
        actor=mattran, kind=items[1].kind, title=items[1].title, lead=front,
        subjects=list(items[1].subjects.all()), plan_item=items[1],
        documents=[documents["10/2022/QH15"], documents["59/2023/NĐ-CP"]],
        starts_on=datetime.date(year, 5, 12), ends_on=datetime.date(year, 5, 22),
        team="Phó Chủ tịch Ủy ban MTTQ tỉnh — Trưởng đoàn\nTrưởng ban Dân chủ - Pháp luật — thành viên",
        findings="Việc công khai thông tin cơ bản đúng quy định; hội nghị nhân dân ở một số thôn, "
                 "bản tổ chức chưa đúng thời hạn.",
    )  # fmt: skip
    services.oversight_conclude(
        actor=mattran, oversight=second, conclusion_on=datetime.date(year, 6, 10),
        conclusion_number="42/KL-MTTQ", conclusion="Đề nghị các xã khắc phục hạn chế trong "
        "tổ chức hội nghị nhân dân.",
    )  # fmt: skip
    front_ms = orgs["Ủy ban MTTQ Việt Nam xã Mường Xén"]
    services.recommendation_add(  # open, due soon: xa answers it
        actor=mattran, oversight=second, text="Hướng dẫn Ban công tác Mặt trận các thôn, bản tổ "
        "chức hội nghị nhân dân đúng quy định.", responsible=front_ms, due_on=_days(today, 5),
    )  # fmt: skip
    answered = services.recommendation_add(
        actor=mattran, oversight=second, text=RECOMMENDATIONS[1],
        responsible=orgs["Ủy ban nhân dân xã Mường Xén"], due_on=datetime.date(year, 9, 30),
    )  # fmt: skip
    services.recommendation_respond(
        actor=mattran, recommendation=answered, status=RecommendationStatus.IN_PROGRESS,
        response="Ủy ban nhân dân xã báo cáo đã trả lời 12/15 kiến nghị.",
    )  # fmt: skip

    # Under way: begun, not concluded, within its half year (the item's period).
    begun = max(_days(today, -10), periods.from_date(today, periods.PeriodType.HALF).start)
    services.oversight_create(
        actor=tinh, kind=items[3].kind, title=items[3].title, lead=commission,
        subjects=list(items[3].subjects.all()), plan_item=items[3],
        documents=[documents["23-QĐ/TW"]], starts_on=begun, ends_on=_days(today, 20),
        team=TEAM,
    )  # fmt: skip
    return 3


def _bulk(
    commission: Organization,
    front: Organization,
    orgs: dict[str, Organization],
    documents: dict[str, Document],
    today: datetime.date,
) -> int:
    """Oversights by the province's committees over the last two half years, on a fixed seed."""
    rng = random.Random(2026)  # noqa: S311 — reproducible demo data, not a secret
    by_area: dict[int, list[Organization]] = {}
    for org in orgs.values():
        if org.area.level == "commune":
            by_area.setdefault(org.area_id, []).append(org)
    communes = list(by_area.values())
    provincial = [o for o in orgs.values() if o.depth == 2 and o.area.level == "province"]
    docs = list(documents.values())
    made = 0
    # The last closed half year (the one half-year reports read) in full, and this one so far.
    current = periods.from_date(today, periods.PeriodType.HALF)
    for half in (current.previous(), current):
        last = min(half.end, _days(today, -1))
        span = (last - half.start).days
        if span < 0:
            continue
        for _i in range(260 if last == half.end else int(260 * span / 183)):
            kind = rng.choices(
                [OversightKind.INSPECTION, OversightKind.SUPERVISION, OversightKind.SURVEY],
                weights=[48, 46, 6],
            )[0]
            begin = _days(half.start, rng.randint(0, span))
            if rng.random() < 0.55:  # a commune's own committee, within its commune
                units = rng.choice(communes)
                lead = next((o for o in units if o.name.startswith("Đảng ủy")), units[0])
                others = [o for o in units if o.pk != lead.pk]
                subjects = rng.sample(others, k=min(len(others), rng.randint(1, 2))) or [lead]
                if subjects == [lead]:
                    continue
            else:  # the province: its commission or its Front, over several communes
                lead = commission if kind == OversightKind.INSPECTION else front
                pool = [o for units in rng.sample(communes, k=4) for o in units]
                pool += rng.sample(provincial, k=1) if lead == commission else []
                subjects = rng.sample(pool, k=min(len(pool), rng.randint(3, 6)))
                subjects = [s for s in subjects if s.pk != lead.pk]
            oversight = services.oversight_create(
                actor=None, kind=kind, title=rng.choice(TITLES[kind]), lead=lead,
                subjects=subjects, documents=rng.sample(docs, k=rng.randint(0, 2)),
                starts_on=begin, ends_on=min(_days(begin, rng.randint(1, 10)), _days(today, 30)),
                team=TEAM if lead in (commission, front) else "Đoàn kiểm tra, giám sát của cấp ủy",
                findings=rng.choice(FINDINGS),
            )  # fmt: skip
            made += 1
            conclusion_on = _days(oversight.ends_on, rng.randint(3, 20))
            if conclusion_on >= today:
                continue
            services.oversight_conclude(
                actor=None, oversight=oversight, conclusion_on=conclusion_on,
                conclusion_number=f"{made}-KL", conclusion=rng.choice(FINDINGS),
            )  # fmt: skip
            for subject in subjects[: rng.randint(0, 2)]:
                due = _days(conclusion_on, rng.choice([30, 60, 90]))
                rec = services.recommendation_add(
                    actor=None, oversight=oversight, text=rng.choice(RECOMMENDATIONS),
                    responsible=subject, due_on=due,
                )  # fmt: skip
                roll = rng.random()
                if roll < 0.55:
                    finished = min(_days(due, rng.randint(-25, 10)), _days(today, -1))
                    finished = max(finished, conclusion_on)
                    Recommendation.objects.filter(pk=rec.pk).update(
                        status=RecommendationStatus.DONE, done_on=finished,
                        response="Đã thực hiện, có báo cáo kết quả.",
                    )  # fmt: skip
                elif roll < 0.75:
                    Recommendation.objects.filter(pk=rec.pk).update(
                        status=RecommendationStatus.IN_PROGRESS, response="Đang thực hiện."
                    )
    return made
