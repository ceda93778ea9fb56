"""Tests for danvan.lib.docx: page layout, header block, body content and page numbers."""

import io
from datetime import date

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Length

from danvan.lib.docx import Header, OfficialDocument, vietnamese_date_line


def _build(party: bool = True) -> Document:
    header = Header(
        issuer="Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An",
        number="Số: 12-BC/BTGDV",
        place="Nghệ An",
        day=date(2026, 11, 23),
        superior="Tỉnh ủy Nghệ An",
        party=party,
    )
    document = OfficialDocument(header, "Báo cáo", "Kết quả công tác dân vận năm 2026")
    document.heading("I. Tình hình chung")
    document.paragraph("Năm 2026, công tác dân vận đạt nhiều kết quả.\nCác cấp ủy quan tâm.")
    document.heading("1. Kết quả nổi bật", level=2)
    document.bullet("Tổ chức 12 hội nghị")
    document.table(
        ["STT", "Đơn vị", "Số mô hình", "Tỷ lệ (%)"],
        [[1, "Vinh", 1234, 87.5], [2, "Cửa Lò", 56, 100.0]],
        widths_mm=[15, 70, 40, 40],
    )
    document.heading("II. Phương hướng")
    document.paragraph("Tiếp tục đổi mới phương thức.", italic=True)
    document.signature(["- Ban Dân vận Trung ương,", "- Lưu VP."], "Trưởng ban", "Nguyễn Văn A")
    return docx.Document(io.BytesIO(document.to_bytes()))


@pytest.fixture(scope="module")
def party_doc() -> Document:
    return _build()


def _close(actual: Length | None, mm: float) -> bool:
    return actual is not None and abs(actual.mm - mm) < 0.5


def _cell_texts(document: Document, index: int) -> list[str]:
    return [cell.text for row in document.tables[index].rows for cell in row.cells]


def test_page_is_a4_with_decree_margins(party_doc: Document) -> None:
    section = party_doc.sections[0]
    assert _close(section.page_width, 210)
    assert _close(section.page_height, 297)
    assert _close(section.top_margin, 20)
    assert _close(section.bottom_margin, 20)
    assert _close(section.left_margin, 30)
    assert _close(section.right_margin, 15)


def test_normal_style_is_times_new_roman_13(party_doc: Document) -> None:
    style = party_doc.styles["Normal"]
    assert style.font.name == "Times New Roman"
    assert style.font.size is not None
    assert style.font.size.pt == 13
    fonts = style.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "Times New Roman"


def test_party_header_block(party_doc: Document) -> None:
    texts = _cell_texts(party_doc, 0)
    left, right = texts
    assert "TỈNH ỦY NGHỆ AN" in left
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY NGHỆ AN" in left
    assert "Số: 12-BC/BTGDV" in left
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in right
    assert "Nghệ An, ngày 23 tháng 11 năm 2026" in right
    assert "Độc lập" not in right


def test_state_header_block() -> None:
    right = _cell_texts(_build(party=False), 0)[1]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "ĐẢNG CỘNG SẢN" not in right


def test_empty_number_prints_blank_so() -> None:
    header = Header(issuer="UBND xã", number="", place="Vinh", day=date(2026, 1, 2), party=False)
    document = docx.Document(io.BytesIO(OfficialDocument(header, "Tờ trình").to_bytes()))
    left = document.tables[0].rows[0].cells[0].text
    assert "Số:" in left
    assert "ngày 02 tháng 01 năm 2026" in document.tables[0].rows[0].cells[1].text


def test_title_headings_and_body(party_doc: Document) -> None:
    texts = [p.text for p in party_doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả công tác dân vận năm 2026" in texts
    assert "I. TÌNH HÌNH CHUNG" in texts
    assert "1. Kết quả nổi bật" in texts
    assert "Các cấp ủy quan tâm." in texts
    assert "- Tổ chức 12 hội nghị" in texts
    title = next(p for p in party_doc.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold
    assert title.runs[0].font.size is not None
    assert title.runs[0].font.size.pt == 14


def test_data_table_values(party_doc: Document) -> None:
    table = party_doc.tables[1]
    assert table.style is not None
    assert table.style.name == "Table Grid"
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Đơn vị", "Số mô hình", "Tỷ lệ (%)"]
    assert rows[1] == ["1", "Vinh", "1.234", "87,5"]
    assert rows[2] == ["2", "Cửa Lò", "56", "100"]
    assert _close(table.rows[0].cells[1].width, 70)


def test_signature_block(party_doc: Document) -> None:
    left, right = _cell_texts(party_doc, 2)
    assert left.startswith("Nơi nhận:")
    assert "- Lưu VP." in left
    assert "TRƯỞNG BAN" in right
    assert right.endswith("Nguyễn Văn A")


def test_page_number_from_second_page(party_doc: Document) -> None:
    section = party_doc.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert all(not p.text for p in section.first_page_header.paragraphs)
    xml = section.header._element.xml
    assert 'w:fldCharType="begin"' in xml
    assert " PAGE " in xml
    assert 'w:fldCharType="end"' in xml


def test_vietnamese_date_line_pads_day_and_month() -> None:
    assert vietnamese_date_line("Nghệ An", date(2026, 3, 5)) == "Nghệ An, ngày 05 tháng 03 năm 2026"
    assert vietnamese_date_line("Vinh", date(2026, 12, 31)) == "Vinh, ngày 31 tháng 12 năm 2026"
