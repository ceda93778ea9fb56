"""Meetings in Excel: the list of meetings, and a meeting's bridge points (the lists officials
keep of who joined from where). Sheets in Vietnamese, like the agencies' own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import translation

from danvan.lib import periods
from danvan.lib.excel import workbook_bytes
from danvan.org.models import AreaLevel

from .models import BridgePoint, Meeting

MEETING_HEADERS = [
    "Bắt đầu", "Kết thúc", "Loại hội nghị", "Tên hội nghị", "Đơn vị chủ trì", "Hình thức",
    "Địa điểm", "Đường dẫn trực tuyến", "Kỳ sơ kết, tổng kết", "Số điểm cầu",
    "Điểm cầu đã xác nhận", "Tình trạng",
]  # fmt: skip
POINT_HEADERS = [
    "Đơn vị", "Cấp", "Vai trò", "Địa điểm", "Chủ trì (chức danh)", "Đại biểu dự kiến",
    "Đại biểu dự", "Ghi chú về số dự", "Xác nhận lúc", "Kiểm tra kết nối lúc",
    "Kết quả kiểm tra", "Ghi chú kết nối",
]  # fmt: skip


def _period(code: str) -> str:
    try:
        return periods.parse(code).label() if code else ""
    except periods.PeriodError:
        return code


def meetings_xlsx(meetings: Iterable[Meeting]) -> bytes:
    """The meetings, one row each; the points counted where the meeting is online or hybrid
    (`n_points` and `n_confirmed` annotated by the list's query)."""
    with translation.override("vi"):
        rows = [
            [
                m.starts_at,
                m.ends_at,
                m.get_kind_display(),
                m.title,
                m.host.name,
                m.get_format_display(),
                m.place,
                m.video_url,
                _period(m.period),
                getattr(m, "n_points", None) if m.is_online else None,
                getattr(m, "n_confirmed", None) if m.is_online else None,
                m.get_status_display(),
            ]
            for m in meetings
        ]
    return workbook_bytes("Hội nghị", MEETING_HEADERS, rows)


def _level(code: str) -> str:
    try:
        return str(AreaLevel(code).label)
    except ValueError:
        return code


def _role(point: BridgePoint) -> str:
    if point.is_host:
        return "Điểm cầu chính"
    return "Khách mời" if point.is_guest else "Điểm cầu"


def points_xlsx(meeting: Meeting, points: QuerySet[BridgePoint]) -> bytes:
    """The meeting's bridge points, one row each, read in batches (a nation's 3,321)."""
    with translation.override("vi"):
        rows = [
            [
                p.organization.name,
                _level(p.level),
                _role(p),
                p.place,
                p.chair,
                p.expected,
                p.attending if p.confirmed_at else None,
                p.attendance_note,
                p.confirmed_at,
                p.checked_at,
                p.get_check_result_display() if p.check_result else "",
                p.check_note,
            ]
            for p in points.iterator(chunk_size=1000)
        ]
    return workbook_bytes(f"Điểm cầu {meeting.pk}", POINT_HEADERS, rows)
