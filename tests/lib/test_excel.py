"""Tests for danvan.lib.excel: writing workbooks and reading uploaded rows with every error."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from danvan.lib.excel import CellError, Column, SheetError, read_rows, workbook_bytes

COLUMNS = [
    Column("name", "Họ và tên", required=True, max_length=20),
    Column("born", "Ngày sinh", kind="date"),
    Column("members", "Số hội viên", kind="int"),
    Column("sex", "Giới tính", kind="choice", choices={"Nam": "M", "Nữ": "F"}),
]
HEADERS = [column.header for column in COLUMNS]


def sheet(*rows: list[object]) -> bytes:
    """A workbook built directly with openpyxl, so cells can hold any raw value."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_of(data: bytes, columns: list[Column] = COLUMNS, **options: int) -> list[CellError]:
    with pytest.raises(SheetError) as caught:
        read_rows(data, columns, **options)
    return caught.value.errors


def test_round_trip() -> None:
    rows = [
        ["Nguyễn Văn An", datetime.date(1990, 5, 17), 12, "Nam"],
        ["Lê Thị Bình", None, None, "nữ"],
    ]
    data = workbook_bytes("Hội viên", HEADERS, rows)

    assert read_rows(data, COLUMNS) == [
        {"_row": 2, "name": "Nguyễn Văn An", "born": datetime.date(1990, 5, 17), "members": 12, "sex": "M"},
        {"_row": 3, "name": "Lê Thị Bình", "born": None, "members": None, "sex": "F"},
    ]  # fmt: skip


def test_written_workbook_layout() -> None:
    data = workbook_bytes(
        "Hội viên", HEADERS, [["An", datetime.date(2024, 1, 31), 1, "Nam"]], column_widths=[30]
    )
    worksheet = load_workbook(io.BytesIO(data)).active
    assert worksheet is not None

    assert worksheet.title == "Hội viên"
    assert worksheet["A1"].font.bold
    assert worksheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:D2"
    assert worksheet["B2"].number_format == "DD/MM/YYYY"
    assert isinstance(worksheet["B2"].value, datetime.datetime)
    assert worksheet.column_dimensions["A"].width == 30
    assert 10 <= worksheet.column_dimensions["B"].width <= 50


def test_text_starting_with_equals_stays_text() -> None:
    data = workbook_bytes("List", ["Note"], [['=HYPERLINK("http://evil")']])
    worksheet = load_workbook(io.BytesIO(data)).active
    assert worksheet is not None
    assert worksheet["A2"].data_type == "s"
    assert worksheet["A2"].value == '=HYPERLINK("http://evil")'


def test_notes_sheet() -> None:
    notes = ["Điền mỗi hội viên một dòng.", "Ngày viết theo dạng DD/MM/YYYY."]
    workbook = load_workbook(io.BytesIO(workbook_bytes("List", ["A"], [], notes=notes)))

    assert workbook.sheetnames == ["List", "Hướng dẫn"]
    assert [row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)] == notes


def test_no_notes_sheet_by_default() -> None:
    workbook = load_workbook(io.BytesIO(workbook_bytes("List", ["A"], [["x"]])))
    assert workbook.sheetnames == ["List"]


def test_int_conversions() -> None:
    columns = [Column("n", "N", kind="int")]
    data = sheet(["N"], [7], [7.0], [" 42 "], ["-3"], [None])
    assert [row["n"] for row in read_rows(data, columns)] == [7, 7, 42, -3]

    with translation.override("en"):
        errors = errors_of(sheet(["N"], [7.5], ["abc"], ["1.000"], [True]), columns)
    assert [(error.row, error.column) for error in errors] == [
        (2, "A"),
        (3, "A"),
        (4, "A"),
        (5, "A"),
    ]
    assert errors[0].message == "“N” must be a whole number, not “7.5”."


def test_date_conversions() -> None:
    columns = [Column("d", "D", kind="date")]
    expected = datetime.date(2024, 3, 9)
    data = sheet(
        ["D"],
        [expected],
        [datetime.datetime(2024, 3, 9, 8, 30)],
        ["09/03/2024"],
        ["9/3/2024"],
        ["2024-03-09"],
    )
    assert [row["d"] for row in read_rows(data, columns)] == [expected] * 5

    with translation.override("en"):
        errors = errors_of(sheet(["D"], ["31/02/2024"], ["03-09-2024"], [45000]), columns)
    assert [error.row for error in errors] == [2, 3, 4]
    assert errors[0].message == "“D” must be a date written DD/MM/YYYY, not “31/02/2024”."


def test_choice_conversions() -> None:
    columns = [Column("s", "S", kind="choice", choices={"Nam": "M", " Nữ ": "F", "1": "one"})]
    data = sheet(["S"], ["Nam"], ["  NAM "], ["nữ"], [1])
    assert [row["s"] for row in read_rows(data, columns)] == ["M", "M", "F", "one"]

    with translation.override("en"):
        [error] = errors_of(sheet(["S"], ["Khác"]), columns)
    assert error.message == "“S” must be one of: Nam,  Nữ , 1 (not “Khác”)."


def test_text_conversions() -> None:
    columns = [Column("t", "T", max_length=10), Column("other", "Other")]
    data = sheet(
        ["T", "Other"], ["  abc  ", None], [12, "x"], [3.0, "y"], [datetime.date(2024, 1, 2), "z"]
    )
    assert read_rows(data, columns) == [
        {"_row": 2, "t": "abc", "other": ""},
        {"_row": 3, "t": "12", "other": "x"},
        {"_row": 4, "t": "3", "other": "y"},
        {"_row": 5, "t": "02/01/2024", "other": "z"},
    ]

    with translation.override("en"):
        [error] = errors_of(sheet(["T"], ["x" * 11]), columns)
    assert error.message == "“T” must be at most 10 characters long (it has 11)."


def test_every_error_of_every_row_is_reported() -> None:
    data = sheet(
        ["Giới tính", "Extra", "Họ và tên", "Số hội viên", "Ngày sinh"],
        ["Nam", "ignored", "An", 3, "01/01/2000"],
        ["Khác", None, None, "many", "yesterday"],
        ["Nữ", None, "Bình", 5, None],
        [None, None, "x" * 21, 2.5, None],
    )
    with translation.override("en"):
        errors = errors_of(data)
        texts = [str(error) for error in errors]

    assert [(error.row, error.column) for error in errors] == [
        (3, "C"), (3, "E"), (3, "D"), (3, "A"), (5, "C"), (5, "D"),
    ]  # fmt: skip
    assert texts[0] == "Row 3, column C: “Họ và tên” is required."
    assert texts[3] == "Row 3, column A: “Giới tính” must be one of: Nam, Nữ (not “Khác”)."
    assert (
        texts[4] == "Row 5, column C: “Họ và tên” must be at most 20 characters long (it has 21)."
    )


def test_headers_match_loosely_and_extra_columns_are_ignored() -> None:
    data = sheet(["  HỌ VÀ TÊN ", "Ghi chú"], ["An", "note"])
    assert read_rows(data, COLUMNS) == [
        {"_row": 2, "name": "An", "born": None, "members": None, "sex": None}
    ]


def test_missing_required_column() -> None:
    with translation.override("en"):
        [error] = errors_of(sheet(["Ngày sinh"], ["01/01/2000"]))
        assert str(error) == "Row 1: The required column “Họ và tên” is missing."


def test_empty_rows_are_skipped_and_row_numbers_kept() -> None:
    data = sheet(["Họ và tên"], ["An"], [None], ["   "], [], ["Bình"])
    assert [(row["_row"], row["name"]) for row in read_rows(data, COLUMNS)] == [
        (2, "An"),
        (6, "Bình"),
    ]


def test_header_only_sheet_reads_no_rows() -> None:
    assert read_rows(workbook_bytes("List", HEADERS, []), COLUMNS) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01 random bytes \xff",
        "Họ và tên,Ngày sinh\nAn,01/01/2000\n".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
    ],
    ids=["empty", "random", "csv", "old-xls"],
)
def test_not_an_xlsx(data: bytes) -> None:
    with translation.override("en"):
        [error] = errors_of(data)
        assert (error.row, error.column) == (0, "")
        assert str(error) == "The file is not an Excel workbook (.xlsx)."


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    [error] = errors_of(buffer.getvalue())
    assert error.row == 0


def test_too_many_rows() -> None:
    data = sheet(["Họ và tên"], *[[f"Person {n}"] for n in range(4)])
    assert len(read_rows(data, COLUMNS, max_rows=4)) == 4

    with translation.override("en"):
        [error] = errors_of(data, max_rows=3)
    assert error.message == "The sheet has more than 3 rows; split it into several files."


def test_sheet_error_message_lists_all_errors() -> None:
    with translation.override("en"):
        error = SheetError([CellError(2, "A", "first"), CellError(3, "", "second")])
        assert str(error) == "Row 2, column A: first\nRow 3: second"


def test_unknown_column_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind"):
        Column("x", "X", kind="number")


def test_aware_datetimes_are_written_in_local_time() -> None:
    moment = timezone.make_aware(datetime.datetime(2024, 1, 2, 8, 30))
    worksheet = load_workbook(io.BytesIO(workbook_bytes("List", ["When"], [[moment]]))).active
    assert worksheet is not None
    assert worksheet["A2"].value == datetime.datetime(2024, 1, 2, 8, 30)
    assert worksheet["A2"].number_format == "DD/MM/YYYY HH:MM"


def test_wrong_dimensions_in_the_file_do_not_cut_rows() -> None:
    source = zipfile.ZipFile(
        io.BytesIO(sheet(["Họ và tên", "Số hội viên"], ["An", 1], ["Bình", 2]))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<dimension ref="A1:B3"', b'<dimension ref="A1:A1"')
                assert b'ref="A1:A1"' in content
            target.writestr(item, content)

    assert [row["members"] for row in read_rows(buffer.getvalue(), COLUMNS)] == [1, 2]
