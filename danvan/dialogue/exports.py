"""Officials' registers in Excel: petitions, reception sessions, dialogues.

The petitions list in Excel: the case fields; with the personal fields only for those who may
export them (the view asks `selectors.may_export_personal` and logs every export).

Sheets are in Vietnamese like the agencies' own. A denouncer's identity never leaves danvan
(Law on Denunciation): on a denunciation's row the personal cells are masked.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation

from danvan.lib.excel import workbook_bytes

from .models import Dialogue, Petition, Petitioner, Reception
from .privacy import MASK

ERASED = "(đã xóa)"
CASE_HEADERS = [
    "Mã tra cứu", "Ngày nhận", "Loại đơn", "Chủ đề", "Tóm tắt", "Đơn vị xử lý", "Địa bàn",
    "Kênh tiếp nhận", "Tình trạng", "Hạn xử lý", "Quá hạn", "Ngày thụ lý", "Hạn giải quyết",
    "Ngày giải quyết", "Đúng hạn", "Kết quả", "Cán bộ xử lý",
]  # fmt: skip
PERSONAL_HEADERS = ["Họ và tên", "Điện thoại", "Địa chỉ"]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Có" if value else "Không"


def _personal(petition: Petition) -> list[object]:
    if petition.is_denunciation:
        return [MASK, MASK, MASK]
    try:
        person: Petitioner | None = petition.petitioner
    except Petitioner.DoesNotExist:
        person = None
    if person is None:
        return ["", "", ""]
    if person.is_erased:
        return [ERASED, ERASED, ERASED]
    return [person.name or "", person.phone or "", person.address or ""]


def _rows(
    petitions: QuerySet[Petition], personal: bool, today: datetime.date
) -> Iterator[list[object]]:
    for p in petitions:
        row: list[object] = [
            p.code,
            p.received_on,
            p.get_kind_display(),
            p.topic.label,
            p.summary,
            p.organization.name,
            p.area.name,
            p.get_channel_display(),
            p.get_state_display(),
            p.due_on,
            _yes_no(p.is_overdue(today)),
            p.accepted_on,
            p.settle_due,
            p.settled_on,
            _yes_no(p.settled_on_time),
            p.result,
            (p.handler.full_name or p.handler.email) if p.handler_id else "",  # type: ignore[union-attr]
        ]
        if personal:
            row += _personal(p)
        yield row


def petitions_xlsx(petitions: QuerySet[Petition], *, personal: bool = False) -> bytes:
    """The petitions as one sheet; `personal` adds name, telephone and address."""
    found = petitions.select_related("organization", "area", "topic", "handler")
    if personal:
        found = found.select_related("petitioner")
    headers = CASE_HEADERS + (PERSONAL_HEADERS if personal else [])
    today = timezone.localdate()
    with translation.override("vi"):
        rows = list(_rows(found, personal, today))
    return workbook_bytes("Kiến nghị", headers, rows)


RECEPTION_HEADERS = [
    "Ngày", "Đơn vị", "Người tiếp", "Họ tên người tiếp", "Hình thức", "Địa điểm",
    "Số lượt công dân", "Số vụ việc", "Ghi chú",
]  # fmt: skip


def receptions_xlsx(receptions: QuerySet[Reception]) -> bytes:
    """The register of citizen reception sessions (sổ tiếp công dân), one row per session."""
    with translation.override("vi"):
        rows = [
            [
                r.held_on,
                r.organization.name,
                r.get_host_role_display(),
                r.host_name,
                r.get_kind_display(),
                r.place,
                r.citizens,
                r.cases,
                r.notes,
            ]
            for r in receptions.select_related("organization")
        ]
    return workbook_bytes("Tiếp công dân", RECEPTION_HEADERS, rows)


DIALOGUE_HEADERS = [
    "Ngày", "Đơn vị", "Loại", "Tên cuộc đối thoại", "Chủ trì", "Hình thức", "Ngày thông báo",
    "Khẩn", "Số người tham dự", "Tình trạng", "Hạn công khai kết quả", "Ngày công khai",
    "Số cam kết", "Đã thực hiện", "Không thực hiện", "Đang theo dõi",
]  # fmt: skip


def dialogues_xlsx(dialogues: QuerySet[Dialogue]) -> bytes:
    """The dialogues, one row each, with their commitments counted by status."""
    found = dialogues.select_related("organization").prefetch_related("commitments")
    with translation.override("vi"):
        rows = []
        for d in found:
            statuses = [c.status for c in d.commitments.all()]
            rows.append([
                d.held_on, d.organization.name, d.get_kind_display(), d.title,
                d.get_host_role_display(), d.get_channel_display(), d.announced_on,
                "Có" if d.urgent else "", d.participants, d.get_status_display(), d.publish_due,
                d.published_on, len(statuses), statuses.count("kept"),
                statuses.count("not_kept"), statuses.count("open"),
            ])  # fmt: skip
    return workbook_bytes("Đối thoại", DIALOGUE_HEADERS, rows)
