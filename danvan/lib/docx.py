"""Word documents in the administrative layout of Nghị định 30/2020/NĐ-CP."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 165.0  # 210 mm page less 30 mm left and 15 mm right margins
ISSUER_WIDTH_MM = 66.0
PARTY_MOTTO = "ĐẢNG CỘNG SẢN VIỆT NAM"
STATE_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
STATE_MOTTO = "Độc lập - Tự do - Hạnh phúc"

Number = int | float


def vietnamese_date_line(place: str, day: datetime.date) -> str:
    """Return the place-and-date line, e.g. "Nghệ An, ngày 05 tháng 03 năm 2026"."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _format_cell(value: str | Number) -> str:
    """Return a cell value as text, numbers in Vietnamese notation (1.234,5)."""
    if isinstance(value, str):
        return value
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.translate(str.maketrans(",.", ".,"))


@dataclass
class Header:
    """What the header block prints: issuing body, number, place and date."""

    issuer: str
    number: str
    place: str
    day: datetime.date
    superior: str = ""
    party: bool = True


class OfficialDocument:
    """A report or letter laid out the way Vietnamese agencies file them."""

    def __init__(self, header: Header, title: str, subtitle: str = "") -> None:
        """Start a document with the header block, title and optional subtitle."""
        self._doc: DocxDocument = Document()
        self._doc.core_properties.title = title
        self._doc.core_properties.language = "vi-VN"
        self._setup_page()
        self._setup_styles()
        self._header_block(header)
        self._plain(self._doc.add_paragraph(), space_before=12)
        self._line(self._doc.add_paragraph(), title.upper(), bold=True, size=TITLE_PT)
        if subtitle:
            self._line(self._doc.add_paragraph(), subtitle, bold=True, size=TITLE_PT)
        self._plain(self._doc.add_paragraph(), space_before=6)

    def heading(self, text: str, level: int = 1) -> None:
        """Add a bold heading: level 1 upper-cased, deeper levels bold-italic."""
        if level < 1:
            raise ValueError("heading level starts at 1")
        paragraph = self._doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
        if level == 1:
            paragraph.add_run(text.upper()).bold = True
        else:
            run = paragraph.add_run(text)
            run.bold = run.italic = True

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        """Add body text; each line of `text` becomes its own paragraph."""
        for line in text.split("\n"):
            if line.strip():
                run = self._doc.add_paragraph().add_run(line.strip())
                run.bold, run.italic = bold, italic

    def bullet(self, text: str) -> None:
        """Add a "- text" line, the dash typed rather than a Word list."""
        self._doc.add_paragraph(f"- {text}")

    def table(
        self,
        headers: list[str],
        rows: list[list[str | int | float]],
        widths_mm: list[float] | None = None,
    ) -> None:
        """Add a bordered table with a bold header row; numbers are right-aligned."""
        widths = widths_mm or [TEXT_WIDTH_MM / len(headers)] * len(headers)
        table = self._doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        # Repeat the header row when the table runs onto the next page.
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            self._cell(cell, text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                align = (
                    WD_ALIGN_PARAGRAPH.LEFT if isinstance(value, str) else WD_ALIGN_PARAGRAPH.RIGHT
                )
                self._cell(cell, _format_cell(value), align)
        self._set_widths(table, widths)
        self._plain(self._doc.add_paragraph(), space_before=0)

    def signature(self, left_lines: list[str], right_title: str, right_name: str) -> None:
        """Add the closing block: recipients on the left, signer on the right."""
        table = self._borderless_table()
        left, right = table.rows[0].cells
        paragraphs: list[tuple[str, bool, bool, int]] = []
        if left_lines:
            paragraphs.append(("Nơi nhận:", True, True, TABLE_PT))
            paragraphs += [(line, False, False, 11) for line in left_lines]
        for text, bold, italic, size in paragraphs:
            paragraph = self._next_paragraph(left)
            self._plain(paragraph, align=WD_ALIGN_PARAGRAPH.LEFT)
            run = paragraph.add_run(text)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        for line in right_title.upper().split("\n"):
            self._line(self._next_paragraph(right), line, bold=True)
        for _ in range(4):  # room for the handwritten signature and seal
            self._plain(self._next_paragraph(right))
        self._line(self._next_paragraph(right), right_name, bold=True)

    def to_bytes(self) -> bytes:
        """Return the document as .docx bytes."""
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    def _setup_page(self) -> None:
        """Set A4 portrait, the decree's margins and a page number from page 2."""
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = section.footer_distance = Mm(10)
        section.different_first_page_header_footer = True
        # An explicit, empty first-page header, so page 1 carries no number.
        section.first_page_header.is_linked_to_previous = False
        paragraph = section.header.paragraphs[0]
        self._plain(paragraph)
        # A PAGE field: Word computes the number when it lays out each page.
        for kind in ("begin", " PAGE ", "separate", "end"):
            if kind == " PAGE ":
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = kind
            else:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            paragraph.add_run()._r.append(element)

    def _setup_styles(self) -> None:
        """Make Normal Times New Roman 13 pt, justified, 1 cm first-line indent."""
        style = self._doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.get_or_add_rFonts()
        # Word picks the eastAsia/cs slots for some Vietnamese characters; without
        # these it falls back to the theme font and the text renders in mixed faces.
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        rpr.append(lang)
        fmt = style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Mm(10)
        fmt.line_spacing = 1.15
        fmt.space_before, fmt.space_after = Pt(0), Pt(6)

    def _header_block(self, header: Header) -> None:
        """Add the two-column table of issuing body and national or Party motto."""
        table = self._borderless_table()
        left, right = table.rows[0].cells
        if header.superior:
            self._line(self._next_paragraph(left), header.superior.upper())
        self._line(self._next_paragraph(left), header.issuer.upper(), bold=True)
        if header.party:
            self._line(self._next_paragraph(left), "*")
        else:
            self._rule(self._next_paragraph(left), indent_mm=ISSUER_WIDTH_MM / 3)
        self._line(self._next_paragraph(left), header.number or "Số:      ")
        if header.party:
            self._line(self._next_paragraph(right), PARTY_MOTTO, bold=True, underline=True)
        else:
            self._line(self._next_paragraph(right), STATE_NAME, bold=True, size=TABLE_PT)
            self._line(self._next_paragraph(right), STATE_MOTTO, bold=True, underline=True)
        self._plain(self._next_paragraph(right))
        date_line = vietnamese_date_line(header.place, header.day)
        self._line(self._next_paragraph(right), date_line, italic=True)

    def _borderless_table(self) -> Table:
        """Add a one-row, two-column table without borders spanning the text width."""
        table = self._doc.add_table(rows=1, cols=2)
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        table._tbl.tblPr.insert_element_before(
            borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
        )
        table.autofit = False
        self._set_widths(table, [ISSUER_WIDTH_MM, TEXT_WIDTH_MM - ISSUER_WIDTH_MM])
        return table

    @staticmethod
    def _set_widths(table: Table, widths_mm: list[float]) -> None:
        """Fix column widths; Word reads the cells, LibreOffice the grid."""
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)

    @staticmethod
    def _next_paragraph(cell: _Cell) -> Paragraph:
        """Return the cell's untouched first paragraph, or a new one after it."""
        first = cell.paragraphs[0]
        # Every paragraph written here gets a pPr, so a bare one is still unused.
        return first if len(cell.paragraphs) == 1 and first._p.pPr is None else cell.add_paragraph()

    @classmethod
    def _cell(
        cls, cell: _Cell, text: str, align: WD_ALIGN_PARAGRAPH, *, bold: bool = False
    ) -> None:
        """Fill a data-table cell with 12 pt single-spaced text."""
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        cls._plain(paragraph, align=align)
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(TABLE_PT)

    @staticmethod
    def _plain(
        paragraph: Paragraph,
        *,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
        space_before: float = 0,
    ) -> None:
        """Reset body formatting for header, title and table paragraphs."""
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Mm(0)
        fmt.line_spacing = 1.0
        fmt.space_before, fmt.space_after = Pt(space_before), Pt(0)

    @classmethod
    def _line(
        cls,
        paragraph: Paragraph,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: int = BODY_PT,
    ) -> None:
        """Write one centred, single-spaced line of formatted text."""
        cls._plain(paragraph)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)

    @classmethod
    def _rule(cls, paragraph: Paragraph, *, indent_mm: float) -> None:
        """Draw a short centred rule as the bottom border of an indented empty paragraph."""
        border = OxmlElement("w:bottom")
        for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
            border.set(qn(f"w:{name}"), value)
        borders = OxmlElement("w:pBdr")
        borders.append(border)
        # pBdr precedes spacing, ind and jc in pPr; adding it first keeps the schema order.
        paragraph._p.get_or_add_pPr().append(borders)
        cls._plain(paragraph)
        fmt = paragraph.paragraph_format
        fmt.left_indent = fmt.right_indent = Mm(indent_mm)
        fmt.line_spacing = Pt(4)
