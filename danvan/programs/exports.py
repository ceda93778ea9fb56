"""Programme documents out (the review as DOCX, tasks as Excel) and contents and tasks in."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.documents.exports import FiguresTable, review_document_docx
from danvan.lib.excel import CellError, Column, SheetError, read_rows_and_errors, workbook_bytes
from danvan.lib.text import fold

from . import services, services_tasks
from .models import Program, ProgramContent, Recurrence, Review, ReviewKind
from .selectors import may_edit_program, program_parties, program_tasks

if TYPE_CHECKING:
    from danvan.accounts.models import User

STATE_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành chậm",
    "overdue": "Quá hạn",
    "open": "Chưa đến hạn",
    "cancelled": "Đã hủy",
}


def review_docx(review: Review) -> bytes:
    """The review in the official layout, with the compiled figures in tables."""
    program = review.program
    facts = review.facts
    kind = "Sơ kết" if review.kind == ReviewKind.INTERIM else "Tổng kết"
    widths = [65.0, 20.0, 20.0, 20.0, 20.0, 20.0]
    figures = ["Đến hạn", "Đúng hạn", "Chậm", "Quá hạn", "Chưa đến hạn"]
    return review_document_docx(
        review,
        issuer=program.lead,
        subtitle=f"{kind} thực hiện {program.title} ({facts.get('period_label', review.period)})",
        tables=[
            FiguresTable(
                "Kết quả theo đơn vị chủ trì:",
                ["Đơn vị", *figures],
                [
                    [r["party"], r["due"], r["done_on_time"], r["done_late"], r["overdue"],
                     r["open"]]
                    for r in facts.get("by_party", [])
                ],
                widths,
            ),
            FiguresTable(
                "Kết quả theo nội dung chủ yếu:",
                ["Nội dung", *figures],
                [
                    [f"{r['number']}. {r['content']}", r["due"], r["done_on_time"],
                     r["done_late"], r["overdue"], r["open"]]
                    for r in facts.get("by_content", [])
                ],
                widths,
            ),
        ],
        copies=["- Các đơn vị phối hợp;", "- Lưu VT."],
    )  # fmt: skip


def tasks_xlsx(program: Program, today: datetime.date) -> bytes:
    """Every task of the programme with its state, as an Excel sheet."""
    rows = [
        [
            task.content.number,
            task.content.title,
            task.title,
            task.lead.name,
            task.period,
            task.due_on,
            task.get_status_display(),
            STATE_LABELS[task.timeliness(today)],
            task.percent,
            task.done_on,
        ]
        for task in program_tasks(program)
    ]
    headers = [
        "Nội dung số", "Nội dung", "Nhiệm vụ", "Đơn vị chủ trì", "Kỳ", "Hạn", "Trạng thái",
        "Tiến độ so với hạn", "Tiến độ (%)", "Ngày hoàn thành",
    ]  # fmt: skip
    return workbook_bytes(
        "Nhiệm vụ", headers, rows, column_widths=[8, 40, 50, 35, 10, 12, 16, 20, 10, 14]
    )


# --- Import --------------------------------------------------------------------------------

RECURRENCE_WORDS: dict[str, str] = {
    "hàng tháng": Recurrence.MONTHLY,
    "hàng quý": Recurrence.QUARTERLY,
    "6 tháng": Recurrence.HALF_YEARLY,
    "hàng năm": Recurrence.YEARLY,
    "cả nhiệm kỳ": Recurrence.TERM,
}
COLUMNS = [
    Column("number", "Nội dung số", required=True, kind="int"),
    Column("content", "Nội dung", max_length=400),
    Column("task", "Nhiệm vụ", max_length=500),
    Column("lead", "Đơn vị chủ trì", max_length=250),
    Column("due_on", "Hạn", kind="date"),
    Column("recurrence", "Lặp lại", kind="choice", choices=RECURRENCE_WORDS),
    Column("details", "Ghi chú"),
]
LETTERS = {column.key: chr(ord("A") + i) for i, column in enumerate(COLUMNS)}
FIELD_COLUMN = {"title": "task", "lead": "lead", "due_on": "due_on", "recurrence": "recurrence"}


class ImportRefused(Exception):
    """Nothing was imported; every problem is listed."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def import_template() -> bytes:
    return workbook_bytes(
        "Nội dung và nhiệm vụ",
        [c.header for c in COLUMNS],
        [
            [
                1,
                "Tuyên truyền, vận động nhân dân thực hiện chủ trương, chính sách",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                1,
                "",
                "Tổ chức hội nghị quán triệt chương trình",
                "Ban Dân vận Tỉnh ủy Nghệ An",
                datetime.date(2026, 3, 31),
                "",
                "",
            ],
            [1, "", "Báo cáo kết quả phối hợp", "Ban Dân vận Tỉnh ủy Nghệ An", "", "6 tháng", ""],
        ],
        notes=[
            "Mỗi dòng là một nội dung chủ yếu (cột Nội dung) hoặc một nhiệm vụ (cột Nhiệm vụ).",
            "Nội dung số: số thứ tự nội dung chủ yếu; nội dung mới cần có tên ở cột Nội dung.",
            "Đơn vị chủ trì: tên một đơn vị ký kết chương trình (viết có hoặc không dấu).",
            "Hạn: ngày dạng DD/MM/YYYY, trong thời hạn chương trình; hoặc để trống và chọn Lặp lại.",
            "Lặp lại: hàng tháng, hàng quý, 6 tháng, hàng năm, cả nhiệm kỳ.",
            "Nếu có dòng sai, không dòng nào được nhập và mọi lỗi được liệt kê theo dòng, cột.",
        ],
    )


@transaction.atomic(durable=True)
def import_contents_and_tasks(*, actor: User, program: Program, data: bytes) -> int:
    """Import into a draft programme: all rows, or none with every problem listed."""
    services.require(may_edit_program(actor, program), _("You may not change this programme."))
    services.require_draft(program)
    try:
        rows, errors = read_rows_and_errors(data, COLUMNS)
    except SheetError as exc:
        raise ImportRefused(exc.errors) from None
    parties = {fold(p.organization.name): p.organization for p in program_parties(program)}
    contents = {c.number: c for c in program.contents.all()}
    imported = 0
    for row in rows:
        line = int(str(row["_row"]))
        try:
            imported += _import_row(actor, program, row, contents, parties)
        except ValidationError as exc:
            for field, messages in _fields(exc):
                column = FIELD_COLUMN.get(field, "content" if field == "titles" else "task")
                errors.append(CellError(line, LETTERS[column], " ".join(messages)))
        except PermissionDenied as exc:
            errors.append(CellError(line, "", str(exc)))
    if errors:
        transaction.set_rollback(True)
        raise ImportRefused(sorted(errors, key=lambda e: (e.row, e.column)))
    return imported


def _fields(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return list(exc.message_dict.items())
    return [("__all__", exc.messages)]


def _import_row(
    actor: User,
    program: Program,
    row: dict[str, Any],
    contents: dict[int, ProgramContent],
    parties: dict[str, Any],
) -> int:
    number = int(row["number"])
    count = 0
    if number not in contents:
        if not row.get("content"):
            raise ValidationError(
                {"titles": _("Content %(n)d is new: give its title.") % {"n": number}}
            )
        if number != max(contents, default=0) + 1:
            raise ValidationError(
                {"titles": _("Number the contents in order: the next one is %(n)d.")
                 % {"n": max(contents, default=0) + 1}}
            )  # fmt: skip
        (contents[number],) = services.contents_add(
            actor=actor, program=program, titles=[str(row["content"])]
        )
        count += 1
    if not row.get("task") and (row.get("lead") or row.get("due_on") or row.get("recurrence")):
        raise ValidationError({"title": _("The row names a lead or a date but no task.")})
    if row.get("task"):
        lead = parties.get(fold(str(row.get("lead") or "")))
        if lead is None:
            raise ValidationError(
                {
                    "lead": _("«%(name)s» is not a party to this programme.")
                    % {"name": row.get("lead") or ""}
                }
            )
        services_tasks.task_create(
            actor=actor,
            content=contents[number],
            title=str(row["task"]),
            lead=lead,
            due_on=row.get("due_on"),
            recurrence=str(row.get("recurrence") or ""),
            description=str(row.get("details") or ""),
        )
        count += 1
    return count
