"""Situation notes in Excel: the filtered list out, and a unit's notes in from the template.

Sheets are in Vietnamese like the agencies' own. The import is all or nothing: every row is
filed through `services.note_create` (so the same checks apply as on the page), each in its own
savepoint so one refused row does not spoil the others' checks; if any row is refused nothing
is kept and every refused row is listed with its number.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from danvan.lib.excel import CellError, Column, SheetError, read_rows_and_errors, workbook_bytes
from danvan.org.models import Area, Organization

from . import privacy, selectors, services
from .models import Level, Note, NoteStatus, SourceKind, Topic

if TYPE_CHECKING:
    from danvan.accounts.models import User

# The labels the sheets use (the import also accepts the codes and the pages' labels).
LEVEL_LABELS = {
    Level.NORMAL: "Bình thường",
    Level.WATCH: "Cần theo dõi",
    Level.HOT_SPOT: "Điểm nóng",
    Level.COMPLEX: "Vụ việc phức tạp",
}
SOURCE_LABELS = {
    SourceKind.MEETING: "Hội nghị, cuộc họp",
    SourceKind.RECEPTION: "Tiếp công dân",
    SourceKind.FIELD_VISIT: "Đi cơ sở",
    SourceKind.MEDIA: "Báo chí, mạng xã hội",
    SourceKind.NETWORK: "Mạng lưới cơ sở",
}
STATUS_LABELS = {NoteStatus.FOLLOWING: "Đang theo dõi", NoteStatus.RESOLVED: "Đã giải quyết"}

H_DATE = "Ngày xảy ra"
H_AREA_CODE = "Mã địa bàn"
H_TOPIC_CODE = "Mã chủ đề"
H_SUMMARY = "Tóm tắt"
H_DETAILS = "Chi tiết"
H_PEOPLE = "Số người liên quan"
H_LEVEL = "Mức độ"
H_SOURCE = "Nguồn"
H_ACTIONS = "Việc đã làm"


def _accepted(labels: dict[Any, str], choices: Any) -> dict[str, str]:
    """Every way a cell may name a choice: the code, the sheet's label, the pages' labels in
    Vietnamese and in English."""
    accepted: dict[str, str] = {}
    for value, label in choices:
        accepted[str(value)] = str(value)
        accepted[labels[value]] = str(value)
        for language in ("vi", "en"):
            with translation.override(language):
                accepted.setdefault(str(label), str(value))
    return accepted


def columns() -> list[Column]:
    return [
        Column("area", H_AREA_CODE, required=True, max_length=20),
        Column("topic", H_TOPIC_CODE, required=True, max_length=50),
        Column("event_date", H_DATE, required=True, kind="date"),
        Column("summary", H_SUMMARY, required=True, max_length=300),
        Column("details", H_DETAILS),
        Column("people_concerned", H_PEOPLE, kind="int"),
        Column("level", H_LEVEL, kind="choice", choices=_accepted(LEVEL_LABELS, Level.choices)),
        Column(
            "source",
            H_SOURCE,
            required=True,
            kind="choice",
            choices=_accepted(SOURCE_LABELS, SourceKind.choices),
        ),
        Column("actions", H_ACTIONS),
    ]


def _letters() -> dict[str, str]:
    return {column.key: chr(ord("A") + i) for i, column in enumerate(columns())}


# --- Out ------------------------------------------------------------------------------------


def notes_xlsx(notes: QuerySet[Note]) -> bytes:
    headers = [
        H_DATE, "Địa bàn", H_AREA_CODE, H_TOPIC_CODE, "Chủ đề", H_LEVEL, H_SOURCE, H_SUMMARY,
        H_DETAILS, H_PEOPLE, "Tình trạng", "Ngày giải quyết", "Đơn vị", H_ACTIONS,
    ]  # fmt: skip
    rows = (
        [
            n.event_date,
            n.area.name,
            n.area.code,
            n.topic.code,
            n.topic.name,
            LEVEL_LABELS.get(n.level, n.level),  # type: ignore[call-overload]
            SOURCE_LABELS.get(n.source, n.source),  # type: ignore[call-overload]
            n.summary,
            n.details,
            n.people_concerned,
            STATUS_LABELS.get(n.status, n.status),  # type: ignore[call-overload]
            n.resolved_on,
            n.organization.name,
            n.actions,
        ]
        for n in notes.select_related("area", "topic", "organization")
    )
    return workbook_bytes(
        "Tình hình nhân dân",
        headers,
        rows,
        column_widths=[12, 25, 10, 20, 30, 16, 18, 50, 50, 10, 14, 14, 35, 40],
    )


def import_template() -> bytes:
    return workbook_bytes(
        "Tình hình nhân dân",
        [c.header for c in columns()],
        [
            [
                "16813",
                "land-clearance",
                datetime.date(2026, 3, 12),
                "Bà con thôn 3 chưa đồng thuận mức bồi thường giải phóng mặt bằng",
                "Hội nghị đối thoại tại nhà văn hóa thôn; khoảng 40 hộ có ý kiến.",
                40,
                LEVEL_LABELS[Level.WATCH],
                SOURCE_LABELS[SourceKind.MEETING],
                "Đã báo cáo Đảng ủy xã, đề nghị UBND xã giải thích chính sách.",
            ],
        ],
        column_widths=[12, 20, 12, 50, 50, 10, 16, 18, 40],
        notes=[
            "Mỗi dòng là một ghi nhận tình hình nhân dân của đơn vị chọn khi nhập.",
            "Mã địa bàn: mã xã hoặc thôn, bản (mã hành chính) trong địa bàn của đơn vị.",
            "Mã chủ đề: mã chủ đề đang dùng (ví dụ land-clearance, environment, health).",
            "Ngày xảy ra: dạng DD/MM/YYYY, không sau ngày nhập.",
            "Mức độ: " + ", ".join(LEVEL_LABELS.values()) + " (để trống: Bình thường).",
            "Nguồn: " + ", ".join(SOURCE_LABELS.values()) + ".",
            "Ghi về vụ việc và địa bàn, không ghi họ tên, số định danh, số điện thoại của "
            "người dân.",
            "Nếu có dòng sai, không dòng nào được nhập và mọi lỗi được liệt kê theo dòng.",
        ],
    )


# --- In -------------------------------------------------------------------------------------


class ImportRefused(SheetError):
    """Nothing was imported; every problem is listed. `personal_data`: some row was refused
    because its text seems to name a person (the page then offers the confirmation)."""

    def __init__(self, errors: list[CellError], *, personal_data: bool = False) -> None:
        super().__init__(errors)
        self.personal_data = personal_data


def _area_for(code: str, day: datetime.date, organization: Organization) -> Area | None:
    """The area with this code: among several (a code reused across the reform), the one valid
    on the day and inside the unit's area."""
    found = list(Area.objects.filter(code=code).order_by("path"))

    def rank(area: Area) -> tuple[bool, bool]:
        valid = (area.valid_from is None or area.valid_from <= day) and (
            area.valid_to is None or day <= area.valid_to
        )
        return (not selectors.area_in_unit_scope(organization, area), not valid)

    return min(found, key=rank) if found else None


@transaction.atomic
def notes_import(
    *,
    actor: User | None,
    organization: Organization,
    data: bytes,
    confirm_no_person: bool = False,
    today: datetime.date | None = None,
) -> list[Note]:
    """File one note per row for `organization`: all rows, or none with every problem listed
    (ImportRefused, a SheetError)."""
    if actor is not None and not selectors.may_file_note_for(actor, organization):
        raise PermissionDenied(_("You may not file notes for this unit."))
    rows, errors = read_rows_and_errors(data, columns())
    letters = _letters()
    topics = {t.code: t for t in Topic.objects.select_related("parent")}
    notes: list[Note] = []
    personal_data = False
    for row in rows:
        line = int(str(row["_row"]))
        area_code, topic_code = str(row["area"]), str(row["topic"])
        day: datetime.date = row["event_date"]  # type: ignore[assignment]
        area = _area_for(area_code, day, organization)
        topic = topics.get(topic_code)
        problems = []
        if area is None:
            problems.append(
                CellError(line, letters["area"], _("No area has the code %(code)s.") % {
                    "code": area_code
                })
            )  # fmt: skip
        if topic is None:
            problems.append(
                CellError(line, letters["topic"], _("No topic has the code %(code)s.") % {
                    "code": topic_code
                })
            )  # fmt: skip
        if problems or area is None or topic is None:
            errors += problems
            continue
        fields: dict[str, Any] = {
            "area": area,
            "topic": topic,
            "event_date": day,
            "summary": str(row["summary"]),
            "details": str(row["details"] or ""),
            "people_concerned": row["people_concerned"],
            "level": row["level"] or Level.NORMAL,
            "source": row["source"],
            "actions": str(row["actions"] or ""),
        }
        try:
            with transaction.atomic():
                notes.append(
                    services.note_create(
                        actor=actor,
                        organization=organization,
                        confirm_no_person=confirm_no_person,
                        today=today,
                        **fields,
                    )
                )
        except ValidationError as exc:
            for field, messages in _fields(exc):
                errors.append(CellError(line, letters.get(field, ""), " ".join(messages)))
            if not confirm_no_person and any(
                privacy.find_personal_data(fields[key]) for key in ("summary", "details", "actions")
            ):
                personal_data = True
        except PermissionDenied as exc:
            errors.append(CellError(line, "", str(exc)))
    if errors:
        raise ImportRefused(
            sorted(errors, key=lambda e: (e.row, e.column)), personal_data=personal_data
        )
    return notes


def _fields(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return list(exc.message_dict.items())
    return [("", exc.messages)]
