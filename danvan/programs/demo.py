"""Demo programmes, as the seeds describe them: tasks in every state, updates, reviews.

Dates of the running programmes are set around the day the demo is loaded, so there is always
something overdue, something due soon and something done.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents.models import Document
from danvan.org.models import Organization

from . import reviews, services, services_tasks
from .models import (
    Program,
    ProgramContent,
    ProgramKind,
    ProgramParty,
    Review,
    ReviewKind,
    Task,
    TaskReminder,
    TaskStatus,
)

PPC_CONTENTS_2016 = [
    "Tuyên truyền, vận động nhân dân thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
    "Nâng cao hiệu quả công tác dân vận của cơ quan nhà nước, chính quyền các cấp",
    "Thực hiện Quy chế dân chủ ở cơ sở",
    "Phong trào thi đua \"Dân vận khéo\"",
    "Tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị của nhân dân",
    "Cải cách hành chính gắn với công tác dân vận",
    "Thông tin, báo cáo, sơ kết, tổng kết",
]  # fmt: skip
PPC_CONTENTS_2021 = [
    *PPC_CONTENTS_2016[:6],
    "Đối thoại giữa người đứng đầu cấp ủy, chính quyền với nhân dân",
    "Nắm tình hình nhân dân, giải quyết các vấn đề bức xúc, điểm nóng",
    "Xây dựng nông thôn mới, đô thị văn minh",
    "Thông tin, báo cáo, sơ kết, tổng kết",
]  # fmt: skip
ARMED_CONTENTS = [
    "Phối hợp tuyên truyền, vận động nhân dân thực hiện nhiệm vụ quốc phòng, an ninh",
    "Công tác dân vận vùng đồng bào dân tộc thiểu số, vùng có đạo",
    "Xây dựng thế trận lòng dân, giữ vững an ninh biên giới",
    "Tham gia xây dựng hệ thống chính trị cơ sở vững mạnh",
    "Giúp dân phát triển kinh tế, xóa đói giảm nghèo, phòng chống thiên tai",
    "Trao đổi thông tin, sơ kết, tổng kết",
]  # fmt: skip
TWINNING_CONTENTS = [
    "Giúp nhân dân phát triển kinh tế, giảm nghèo bền vững",
    "Giữ gìn an ninh trật tự, bảo vệ chủ quyền biên giới",
    "Xây dựng đời sống văn hóa, xóa mù chữ",
]  # fmt: skip


def reset() -> None:
    """Remove every programme (reviews first: they protect their programme)."""
    TaskReminder.objects.all().delete()
    Review.objects.all().delete()
    while Program.objects.exists():
        # Successors before predecessors: the link protects the older term.
        Program.objects.filter(successors__isnull=True).delete()
    for model in (Program, ProgramParty, ProgramContent, Task, Review):
        model.history.all().delete()


def _clamp(day: datetime.date, program: Program) -> datetime.date:
    return max(program.starts_on, min(day, program.ends_on))


def load(out: TextIO) -> None:
    today = timezone.localdate()
    orgs = {o.name: o for o in Organization.objects.all()}
    documents = {d.number: d for d in Document.objects.all()}
    commission = Organization.objects.get(depth=1)
    ppc = orgs["Đảng ủy Ủy ban nhân dân tỉnh Nghệ An"]
    tinh = User.objects.get(email="tinh@demo.danvan.vn")
    lanhdao = User.objects.get(email="lanhdao@demo.danvan.vn")

    # 2016–2021 with the Provincial People's Committee's Party committee: 7 contents, reviewed.
    old = services.program_create(
        actor=tinh, kind=ProgramKind.COORDINATION_PROGRAMME,
        title="Chương trình phối hợp công tác dân vận giữa Đảng ủy UBND tỉnh và Ban Dân vận Tỉnh ủy",
        code="CTPH-01/2016", lead=commission, parties=[ppc], term="2016-2021",
        documents=[documents["25-NQ/TW"], documents["290-QĐ/TW"]],
    )  # fmt: skip
    contents = services.contents_add(actor=tinh, program=old, titles=PPC_CONTENTS_2016)
    services.program_put_in_force(actor=tinh, program=old, signed_on=datetime.date(2016, 12, 21))
    for i, content in enumerate(contents):
        for task in services_tasks.task_create(
            actor=tinh, content=content, title=f"Báo cáo kết quả thực hiện nội dung {i + 1}",
            lead=ppc if i % 2 else commission, recurrence="yearly",
        ):  # fmt: skip
            late = task.due_on.year == 2019 and i == 2
            done = task.due_on + datetime.timedelta(days=20 if late else -5)
            services_tasks.task_report_progress(
                actor=lanhdao, task=task, text="Đã hoàn thành, có báo cáo bằng văn bản.",
                percent=100, reported_on=done,
            )  # fmt: skip
    services.program_end(actor=lanhdao, program=old)
    reviews.review_open(actor=tinh, program=old, kind=ReviewKind.FINAL, period="2016-2021")

    # 2021–2026: renewed on 10 contents, in force, tasks in every state.
    current = services.program_renew(actor=tinh, program=old, term="2021-2026")
    services.contents_add(actor=tinh, program=current, titles=PPC_CONTENTS_2021[7:])
    for content, title in zip(current.contents.order_by("number"), PPC_CONTENTS_2021, strict=False):
        services.content_update(actor=tinh, content=content, title=title, description="")
    services.program_set_parties(
        actor=tinh, program=current,
        parties=[(commission, "Trưởng Ban Dân vận Tỉnh ủy"), (ppc, "Bí thư Đảng ủy UBND tỉnh")],
    )  # fmt: skip
    # Decision 23-QĐ/TW (2021) replaced Decision 290-QĐ/TW: the new term cites it.
    services.program_update(
        actor=tinh, program=current, documents=[documents["25-NQ/TW"], documents["23-QĐ/TW"]]
    )
    current.code = "CTPH-02/2021"
    current.save()
    services.program_put_in_force(
        actor=tinh, program=current, signed_on=datetime.date(2021, 12, 21)
    )
    c = list(current.contents.order_by("number"))
    services_tasks.task_create(
        actor=tinh, content=c[9], title="Báo cáo 6 tháng về kết quả phối hợp", lead=ppc,
        recurrence="half_yearly",
    )  # fmt: skip
    plan = [
        (c[0], "Tuyên truyền Nghị quyết Đại hội Đảng bộ tỉnh", commission, -300, TaskStatus.DONE, -310),
        (c[1], "Khảo sát công tác dân vận chính quyền tại 10 xã", ppc, -200, TaskStatus.DONE, -170),
        (c[2], "Kiểm tra thực hiện Quy chế dân chủ tại 5 xã", commission, -40, TaskStatus.IN_PROGRESS, None),
        (c[4], "Tổng hợp kiến nghị sau tiếp công dân quý III", ppc, -10, TaskStatus.NOT_STARTED, None),
        (c[6], "Tổ chức đối thoại với nhân dân xã Mường Xén", ppc, 5, TaskStatus.IN_PROGRESS, None),
        (c[7], "Báo cáo tình hình nhân dân vùng biên giới", commission, 20, TaskStatus.NOT_STARTED, None),
        (c[8], "Vận động hiến đất làm đường giao thông nông thôn", ppc, -90, TaskStatus.CANCELLED, None),
    ]  # fmt: skip
    for content, title, lead, due_in, status, done_in in plan:
        (task,) = services_tasks.task_create(
            actor=tinh, content=content, title=title, lead=lead,
            due_on=_clamp(today + datetime.timedelta(days=due_in), current),
        )  # fmt: skip
        if status == TaskStatus.DONE and done_in is not None:
            services_tasks.task_report_progress(
                actor=lanhdao, task=task, text=f"{title}: đã hoàn thành.", percent=100,
                reported_on=min(today, today + datetime.timedelta(days=done_in)),
            )  # fmt: skip
        elif status == TaskStatus.IN_PROGRESS:
            services_tasks.task_report_progress(
                actor=lanhdao, task=task, text="Đang triển khai, đã hoàn thành một phần.",
                percent=40, reported_on=today - datetime.timedelta(days=3),
            )  # fmt: skip
        elif status == TaskStatus.CANCELLED:
            services_tasks.task_update(actor=tinh, task=task, status=TaskStatus.CANCELLED)
    for task in current.contents.get(number=10).tasks.filter(due_on__lt=today):
        services_tasks.task_report_progress(
            actor=lanhdao, task=task, text="Đã gửi báo cáo 6 tháng.", percent=100,
            reported_on=task.due_on + datetime.timedelta(days=10 if task.due_on.year == 2023 else -2),
        )  # fmt: skip
    # Last year's work, for the interim review: one task on time, one late, one left undone.
    last_year = str(min(today.year - 1, 2025))
    for title, lead, due, finished in [
        ('Hội nghị sơ kết phong trào "Dân vận khéo"', commission, "09-30", "09-25"),
        ("Khảo sát việc thực hiện dân chủ ở cơ sở tại xã Mường Xén", ppc, "10-31", "11-20"),
        ("Tập huấn kỹ năng đối thoại cho cán bộ xã", ppc, "11-30", None),
    ]:
        (task,) = services_tasks.task_create(
            actor=tinh, content=c[3] if "Dân vận khéo" in title else c[6], title=title,
            lead=lead, due_on=datetime.date.fromisoformat(f"{last_year}-{due}"),
        )  # fmt: skip
        if finished:
            services_tasks.task_report_progress(
                actor=lanhdao, task=task, text=f"{title}: đã hoàn thành, có báo cáo kết quả.",
                percent=100, reported_on=datetime.date.fromisoformat(f"{last_year}-{finished}"),
            )  # fmt: skip
    reviews.review_open(actor=tinh, program=current, kind=ReviewKind.INTERIM, period=last_year)

    # 2021–2025 with the armed forces, the Ethnic and Religious committees: term over.
    armed = services.program_create(
        actor=tinh, kind=ProgramKind.COORDINATION_PROGRAMME,
        title="Chương trình phối hợp công tác dân vận giữa Ban Dân vận Tỉnh ủy với lực lượng "
              "vũ trang, Ban Dân tộc và Ban Tôn giáo tỉnh",
        code="CTPH-03/2021", lead=commission, term="2021-2025",
        parties=[orgs["Bộ Chỉ huy Quân sự tỉnh Nghệ An"],
                 orgs["Bộ Chỉ huy Bộ đội Biên phòng tỉnh Nghệ An"],
                 orgs["Ban Dân tộc tỉnh Nghệ An"],
                 orgs["Ban Tôn giáo (Sở Nội vụ tỉnh Nghệ An)"]],
    )  # fmt: skip
    armed_contents = services.contents_add(actor=tinh, program=armed, titles=ARMED_CONTENTS)
    services.program_put_in_force(actor=tinh, program=armed, signed_on=datetime.date(2021, 3, 24))
    for task in services_tasks.task_create(
        actor=tinh, content=armed_contents[5], title="Giao ban, trao đổi thông tin định kỳ",
        lead=orgs["Bộ Chỉ huy Bộ đội Biên phòng tỉnh Nghệ An"], recurrence="yearly",
    ):  # fmt: skip
        if task.due_on.year < 2025:
            services_tasks.task_report_progress(
                actor=tinh, task=task, text="Đã tổ chức giao ban.", percent=100,
                reported_on=task.due_on,
            )  # fmt: skip
    if today > armed.ends_on:
        services.program_end(actor=lanhdao, program=armed)

    # A border post twinned with a border commune.
    twin_start = datetime.date(2024, 1, 1)
    twinning = services.program_create(
        actor=tinh, kind=ProgramKind.TWINNING,
        title="Kết nghĩa giữa Đồn Biên phòng Mỹ Lý và xã Mỹ Lý",
        lead=orgs["Đồn Biên phòng Mỹ Lý"], term=f"{twin_start.year}-{twin_start.year + 4}",
        parties=[orgs["Đảng ủy xã Mỹ Lý"], orgs["Ủy ban MTTQ Việt Nam xã Mỹ Lý"]],
    )  # fmt: skip
    twin_contents = services.contents_add(actor=tinh, program=twinning, titles=TWINNING_CONTENTS)
    services.program_put_in_force(actor=tinh, program=twinning, signed_on=twin_start)
    xa2 = User.objects.get(email="xa2@demo.danvan.vn")
    quarterly = services_tasks.task_create(
        actor=tinh, content=twin_contents[0], title="Báo cáo kết quả giúp dân theo quý",
        lead=orgs["Ủy ban MTTQ Việt Nam xã Mỹ Lý"], recurrence="quarterly",
    )  # fmt: skip
    # The commune Front reports its quarters, one of them late; the last one is still due.
    for number, task in enumerate(
        t for t in quarterly if t.due_on < today - datetime.timedelta(days=60)
    ):
        services_tasks.task_report_progress(
            actor=xa2, task=task, percent=100,
            text="Đồn và xã đã giúp các hộ nghèo giống ngô, lúa và công lao động; có biên bản.",
            reported_on=task.due_on + datetime.timedelta(days=12 if number == 2 else -3),
        )  # fmt: skip
    services_tasks.task_create(
        actor=tinh, content=twin_contents[1], title="Tuần tra chung cùng lực lượng dân quân",
        lead=orgs["Đồn Biên phòng Mỹ Lý"],
        due_on=_clamp(today + datetime.timedelta(days=12), twinning),
    )  # fmt: skip
    out.write(f"  programmes: {Program.objects.count()}\n")
