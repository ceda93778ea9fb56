"""Practices to Excel (any filtered list, the statistics) and the registration template in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from danvan.lib.excel import CellError, Column, SheetError, read_rows_and_errors, workbook_bytes
from danvan.lib.text import fold
from danvan.org.models import Organization

from . import services
from .models import Field, Level, PracticeKind

if TYPE_CHECKING:
    from danvan.accounts.models import User

KINDS: dict[str, str] = {
    "mô hình": PracticeKind.MODEL,
    "điển hình tập thể": PracticeKind.COLLECTIVE,
}
FIELDS: dict[str, str] = {
    "kinh tế": Field.ECONOMY,
    "văn hóa - xã hội": Field.CULTURE_SOCIETY,
    "quốc phòng - an ninh": Field.DEFENCE_SECURITY,
    "xây dựng hệ thống chính trị": Field.POLITICAL_SYSTEM,
}
COLUMNS = [
    Column("kind", "Loại", required=True, kind="choice", choices=KINDS),
    Column("name", "Tên mô hình, điển hình", required=True, max_length=300),
    Column("field", "Lĩnh vực", required=True, kind="choice", choices=FIELDS),
    Column("organization", "Đơn vị", required=True, max_length=250),
    Column("started_on", "Ngày bắt đầu", kind="date"),
    Column("situation", "1. Thực trạng, lý do"),
    Column("objectives", "2. Mục tiêu, tiêu chí"),
    Column("content_method", "3. Nội dung, cách làm"),
    Column("target_group", "4. Địa bàn, đối tượng"),
    Column("forces", "5. Lực lượng tham gia"),
    Column("resources", "6. Nguồn lực"),
    Column("timeline", "7. Thời gian, mốc đánh giá"),
    Column("outputs", "8. Kết quả kiểm chứng được"),
    Column("sustainability", "9. Tính bền vững, nhân rộng"),
    Column("metric", "10. Chỉ tiêu kết quả", max_length=200),
    Column("value", "Giá trị"),
    Column("unit", "Đơn vị tính", max_length=50),
]
LETTERS = {column.key: chr(ord("A") + i) for i, column in enumerate(COLUMNS)}


class ImportRefused(Exception):
    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def template() -> bytes:
    return workbook_bytes(
        "Đăng ký mô hình",
        [c.header for c in COLUMNS],
        [],
        notes=[
            "Mỗi dòng là một mô hình hoặc điển hình tập thể (điển hình cá nhân đăng ký trên "
            "hệ thống, vì cần ghi nhận sự đồng ý của người được nêu).",
            "Loại: Mô hình, Điển hình tập thể. Lĩnh vực: Kinh tế, Văn hóa - xã hội, "
            "Quốc phòng - an ninh, Xây dựng hệ thống chính trị.",
            "Đơn vị: tên đơn vị đăng ký, viết có hoặc không dấu.",
            "Kết quả: chỉ tiêu, giá trị (không âm) và đơn vị tính.",
            "Nếu có dòng sai, không dòng nào được nhập; mọi lỗi được liệt kê theo dòng, cột.",
        ],
    )


@transaction.atomic
def import_registrations(*, actor: User, data: bytes, units: Any) -> int:
    """Register every row, or none with every problem listed by row and column."""
    try:
        rows, errors = read_rows_and_errors(data, COLUMNS)
    except SheetError as exc:
        raise ImportRefused(exc.errors) from None
    by_name = {fold(org.name): org for org in units}
    count = 0
    for row in rows:
        line = int(str(row.pop("_row")))
        organization: Organization | None = by_name.get(fold(str(row.pop("organization"))))
        if organization is None:
            errors.append(CellError(line, LETTERS["organization"], _("Not one of your units.")))
            continue
        result = {k: row.pop(k) for k in ("metric", "value", "unit")}
        results = [result] if result["metric"] or result["value"] else []
        fields: dict[str, Any] = {k: v for k, v in row.items() if v not in (None, "")}
        try:
            services.practice_register(
                actor=actor, organization=organization, results=results, **fields
            )
            count += 1
        except ValidationError as exc:
            for field, messages in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
            ):
                letter = LETTERS.get("metric" if field in ("value", "unit") else field, "")
                if field in ("value", "unit"):
                    letter = LETTERS[field]
                errors.append(CellError(line, letter, " ".join(messages)))
        except PermissionDenied as exc:
            errors.append(CellError(line, LETTERS["organization"], str(exc)))
    if errors:
        transaction.set_rollback(True)
        raise ImportRefused(sorted(errors, key=lambda e: (e.row, e.column)))
    return count


def practices_xlsx(practices: Any) -> bytes:
    rows = [
        [
            p.name, p.get_kind_display(), p.get_field_display(), p.organization.name,
            p.area.name, p.get_status_display(), p.registered_on,
            "x" if p.is_public else "",
        ]
        for p in practices
    ]  # fmt: skip
    headers = [
        "Tên",
        "Loại",
        "Lĩnh vực",
        "Đơn vị",
        "Địa bàn",
        "Trạng thái",
        "Ngày đăng ký",
        "Công khai",
    ]
    return workbook_bytes(
        "Mô hình, điển hình", headers, rows, column_widths=[50, 18, 24, 40, 24, 18, 14, 10]
    )


def statistics_xlsx(figures: dict[str, Any], period_label: str) -> bytes:
    headers = [
        "Lĩnh vực",
        "Đăng ký",
        "Đã thẩm định",
        *[f"Công nhận {label.lower()}" for _v, label in Level.choices],
        "Khen thưởng",
        "Nhân rộng",
    ]
    labels = dict(Field.choices)
    rows = [
        [str(labels[key]), row["registered"], row["appraised"],
         *[row[f"recognised_{v}"] for v in Level.values], row["commended"], row["replicated"]]
        for key, row in figures["by_field"].items()
    ]  # fmt: skip
    total = figures["total"]
    rows.append(["Tổng cộng", total["registered"], total["appraised"],
                 *[total[f"recognised_{v}"] for v in Level.values], total["commended"], total["replicated"]])  # fmt: skip
    return workbook_bytes(f"Thống kê {period_label}"[:31], headers, rows)
