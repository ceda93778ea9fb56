"""Spreadsheets in and out: export lists to .xlsx and read uploaded .xlsx rows with checks."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from danvan.lib.uploads import check_zip_container, max_bytes

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
NOTES_TITLE = "Hướng dẫn"
KINDS = ("text", "int", "date", "choice")

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MIN_WIDTH, _MAX_WIDTH = 10, 50
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_INT_RE = re.compile(r"[+-]?[0-9]+")
_DATE_PATTERNS = ("%d/%m/%Y", "%Y-%m-%d")


def _cell_value(value: object) -> object:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Excel has no time zones: show the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def workbook_bytes(
    sheet_title: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    *,
    column_widths: list[int] | None = None,
    notes: list[str] | None = None,
) -> bytes:
    """Build a one-sheet .xlsx (plus an instructions sheet if notes are given) and return it."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _SHEET_TITLE_FORBIDDEN.sub("-", sheet_title)[:31] or "Sheet1"

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            elif cell.data_type == "f":
                # Text from users that starts with "=" must stay text, never become a formula.
                cell.data_type = "s"

    for index, header in enumerate(headers):
        if column_widths and index < len(column_widths):
            width = column_widths[index]
        else:
            width = min(max(len(header) + 4, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{sheet.max_row}"

    if notes:
        notes_sheet = workbook.create_sheet(NOTES_TITLE)
        notes_sheet.column_dimensions["A"].width = 100
        for note in notes:
            notes_sheet.append([_cell_value(note)])
            notes_sheet.cell(notes_sheet.max_row, 1).alignment = Alignment(wrap_text=True)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class Column:
    """One expected column; empty optional cells read as "" for text and None otherwise."""

    key: str
    header: str
    required: bool = False
    kind: str = "text"
    choices: dict[str, str] | None = None
    max_length: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; expected one of {KINDS}.")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"Column {self.key!r} is a choice column without choices.")


@dataclass
class CellError:
    """A problem in one cell (row 0 and column "" when it concerns the whole file)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if not self.column:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class SheetError(ValueError):
    """The uploaded sheet cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


def _normalise_header(value: object) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _letter(index: int | None) -> str:
    return get_column_letter(index + 1) if index is not None else ""


def _shorten(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _convert(column: Column, value: object) -> object:
    """Turn one non-blank cell into the column's type, raising ValueError with a message."""
    shown = {"header": column.header, "value": _shorten(_as_text(value))}
    if column.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return int(value.strip())
        raise ValueError(_("“%(header)s” must be a whole number, not “%(value)s”.") % shown)
    if column.kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            for pattern in _DATE_PATTERNS:
                try:
                    return datetime.datetime.strptime(value.strip(), pattern).date()  # noqa: DTZ007
                except ValueError:
                    continue
        raise ValueError(
            _("“%(header)s” must be a date written DD/MM/YYYY, not “%(value)s”.") % shown
        )
    text = _as_text(value)
    if column.kind == "choice":
        choices = column.choices or {}
        accepted = {key.strip().casefold(): stored for key, stored in choices.items()}
        if text.casefold() in accepted:
            return accepted[text.casefold()]
        raise ValueError(
            _("“%(header)s” must be one of: %(choices)s (not “%(value)s”).")
            % {**shown, "choices": ", ".join(choices)}
        )
    if column.max_length is not None and len(text) > column.max_length:
        raise ValueError(
            _("“%(header)s” must be at most %(limit)d characters long (it has %(length)d).")
            % {"header": column.header, "limit": column.max_length, "length": len(text)}
        )
    return text


def _check_container(data: bytes) -> None:
    """The upload limit and the ZIP-container bounds of lib.uploads, as a sheet error."""
    limit = max_bytes()
    message = ""
    if len(data) > limit:
        message = _("The file is %(size)s, larger than the %(limit)s limit.") % {
            "size": filesizeformat(len(data)),
            "limit": filesizeformat(limit),
        }
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                check_zip_container(archive, "", len(data))
        except ValidationError as exc:
            message = " ".join(exc.messages)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            message = str(_("The file is not an Excel workbook (.xlsx)."))
    if message:
        raise SheetError([CellError(0, "", message)])


def _sheet_rows(
    data: bytes, max_rows: int
) -> tuple[tuple[object, ...], list[tuple[int, tuple[object, ...]]]]:
    """Return the header row and the non-empty data rows with their row numbers."""
    header: tuple[object, ...] = ()
    rows: list[tuple[int, tuple[object, ...]]] = []
    too_many = False
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if workbook.worksheets:
                sheet = workbook.worksheets[0]
                # Some programs write wrong dimensions, which would make openpyxl cut rows short.
                sheet.reset_dimensions()
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    if number == 1:
                        header = tuple(values)
                    elif not all(_is_blank(value) for value in values):
                        if len(rows) == max_rows:
                            too_many = True
                            break
                        rows.append((number, tuple(values)))
        finally:
            workbook.close()
    # A damaged or foreign file can fail anywhere inside openpyxl, with many exception types.
    except Exception as exc:
        raise SheetError(
            [CellError(0, "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    if too_many:
        message = _("The sheet has more than %(limit)d rows; split it into several files.")
        raise SheetError([CellError(0, "", message % {"limit": max_rows})])
    return header, rows


def read_rows(
    data: bytes, columns: list[Column], *, max_rows: int = 5000
) -> list[dict[str, object]]:
    """Read the first sheet into one dict per row (plus "_row"); SheetError lists every error."""
    result, errors = read_rows_and_errors(data, columns, max_rows=max_rows)
    if errors:
        raise SheetError(errors)
    return result


def read_rows_and_errors(
    data: bytes, columns: list[Column], *, max_rows: int = 5000
) -> tuple[list[dict[str, object]], list[CellError]]:
    """The rows whose cells all convert, and the errors of the others.

    For importers that go on to check the good rows' content, so a user sees every problem
    of the file at once. An unreadable file or a missing column still raises SheetError.
    """
    header, rows = _sheet_rows(data, max_rows)

    positions: dict[str, int] = {}
    for position, title in enumerate(header):
        positions.setdefault(_normalise_header(title), position)
    found = {
        column.key: positions[_normalise_header(column.header)]
        for column in columns
        if _normalise_header(column.header) in positions
    }
    missing = [column for column in columns if column.required and column.key not in found]
    if missing:
        message = _("The required column “%(header)s” is missing.")
        raise SheetError([CellError(1, "", message % {"header": c.header}) for c in missing])

    errors: list[CellError] = []
    result: list[dict[str, object]] = []
    for number, values in rows:
        errors_before = len(errors)
        record: dict[str, object] = {"_row": number}
        for column in columns:
            index = found.get(column.key)
            value = values[index] if index is not None and index < len(values) else None
            if index is None or _is_blank(value):
                if column.required:
                    message = _("“%(header)s” is required.") % {"header": column.header}
                    errors.append(CellError(number, _letter(index), message))
                record[column.key] = "" if column.kind == "text" else None
                continue
            try:
                record[column.key] = _convert(column, value)
            except ValueError as exc:
                errors.append(CellError(number, _letter(index), str(exc)))
        if len(errors) == errors_before:
            result.append(record)
    return result, errors
