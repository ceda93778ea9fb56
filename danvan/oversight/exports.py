"""Oversights and recommendations as Excel sheets, in Vietnamese like the agencies' own."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from danvan.documents.models import Document
from danvan.lib.excel import workbook_bytes
from danvan.org.models import Organization

from .models import Oversight, Recommendation

STAGE_LABELS = {
    "planned": "Chưa tiến hành",
    "under_way": "Đang tiến hành",
    "concluded": "Đã kết luận",
}
FOLLOW_UP_LABELS = {
    "open": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "overdue": "Quá hạn",
}
KIND_LABELS = {"inspection": "Kiểm tra", "supervision": "Giám sát", "survey": "Khảo sát chuyên đề"}


def oversights_xlsx(oversights: QuerySet[Oversight], today: datetime.date) -> bytes:
    rows = []
    listed = oversights.prefetch_related(
        Prefetch("subjects", queryset=Organization.objects.order_by("path")),
        Prefetch("documents", queryset=Document.objects.order_by("number")),
    )
    for o in listed:
        rows.append(
            [
                KIND_LABELS[o.kind],
                o.title,
                o.lead.name,
                "; ".join(s.name for s in o.subjects.all()),
                len(o.subjects.all()),
                "; ".join(d.number for d in o.documents.all()),
                o.starts_on,
                o.ends_on,
                STAGE_LABELS[o.stage(today)],
                o.conclusion_number,
                o.conclusion_on,
                getattr(o, "recommendation_count", 0),
            ]
        )
    headers = [
        "Hình thức", "Nội dung", "Chủ trì", "Đối tượng", "Số tổ chức", "Văn bản kiểm tra",
        "Từ ngày", "Đến ngày", "Tình trạng", "Số kết luận", "Ngày kết luận", "Số kiến nghị",
    ]  # fmt: skip
    return workbook_bytes(
        "Kiểm tra, giám sát",
        headers,
        rows,
        column_widths=[12, 50, 35, 60, 10, 20, 12, 12, 16, 14, 14, 12],
    )


def recommendations_xlsx(recs: QuerySet[Recommendation], today: datetime.date) -> bytes:
    rows = [
        [
            r.oversight.title,
            r.number,
            r.text,
            r.responsible.name,
            r.due_on,
            FOLLOW_UP_LABELS[r.follow_up(today)],
            r.done_on,
            r.response,
        ]
        for r in recs
    ]
    headers = [
        "Cuộc kiểm tra, giám sát", "Số TT", "Kiến nghị", "Đơn vị thực hiện", "Hạn",
        "Tình trạng", "Ngày hoàn thành", "Kết quả thực hiện",
    ]  # fmt: skip
    return workbook_bytes("Kiến nghị", headers, rows, column_widths=[45, 7, 60, 35, 12, 16, 14, 50])
