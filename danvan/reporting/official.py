"""One official paper, two files: the Word document (lib/docx) and the PDF (WeasyPrint) of a
report are written from the same `Paper`, so they have the same layout — the header block,
title, numbered parts, tables, page numbers from page 2 and the «Nơi nhận» block — in a
Times-compatible face. The print view of a report is the PDF's HTML in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from danvan.lib import numbers
from danvan.lib.docx import (
    PARTY_MOTTO,
    STATE_MOTTO,
    STATE_NAME,
    TEXT_WIDTH_MM,
    Header,
    OfficialDocument,
    vietnamese_date_line,
)
from danvan.org.models import Organization

STYLESHEET = "reporting/official.css"
# Party bodies write under the Party's motto; the Front, unions and the State under the nation's.
PARTY_KINDS = frozenset({"party_committee", "mobilization_commission", "propaganda_commission"})
FIGURE_HEADERS = ["Chỉ tiêu", "Đơn vị tính", "Kết quả"]
FIGURE_WIDTHS_MM = [TEXT_WIDTH_MM - 60, 30, 30]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"]

Cell = str | int | float


@dataclass
class Block:
    kind: Literal["heading", "paragraph", "label", "note", "bullet", "table"]
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    widths_mm: list[float] = field(default_factory=list)


@dataclass
class Paper:
    """What an official report prints, in order."""

    header: Header
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_title: str = ""
    signer_name: str = ""

    def heading(self, text: str) -> None:
        self.blocks.append(Block("heading", text))

    def paragraphs(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.blocks.append(Block("paragraph", line.strip()))

    def label(self, text: str) -> None:
        """A bold line introducing what follows (a table's title)."""
        self.blocks.append(Block("label", text))

    def note(self, text: str) -> None:
        """An italic line (who reported, whose text follows)."""
        self.blocks.append(Block("note", text))

    def bullet(self, text: str) -> None:
        self.blocks.append(Block("bullet", text))

    def figures(self, rows: list[list[Cell]]) -> None:
        self.blocks.append(
            Block("table", headers=FIGURE_HEADERS, rows=rows, widths_mm=FIGURE_WIDTHS_MM)
        )


def header_for(organization: Organization) -> Header:
    """The header block of a unit's paper: its name, the place of its area, today."""
    place = organization.area.name if organization.area_id else ""
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Huyện ", "Thị trấn ", "Đặc khu "):
        place = place.removeprefix(prefix)
    return Header(
        issuer=organization.name.upper(),
        number="Số:      -BC",
        place=place,
        day=timezone.localdate(),
        party=organization.kind.code in PARTY_KINDS if organization.kind_id else True,
    )


def cell(value: Decimal | str | None) -> Cell:
    """A figure for an official table: numbers stay numbers (right-aligned, Vietnamese
    notation), a missing figure is «—»."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 2))


def shown(value: Cell) -> str:
    """A cell as the Word file writes it (lib/docx), for the PDF."""
    if isinstance(value, str):
        return value
    return numbers.shown(Decimal(str(value)), language="vi")


def to_docx(paper: Paper) -> bytes:
    doc = OfficialDocument(paper.header, paper.title, paper.subtitle)
    for block in paper.blocks:
        if block.kind == "heading":
            doc.heading(block.text)
        elif block.kind == "label":
            doc.paragraph(block.text, bold=True)
        elif block.kind == "note":
            doc.paragraph(block.text, italic=True)
        elif block.kind == "bullet":
            doc.bullet(block.text)
        elif block.kind == "table":
            doc.table(block.headers, block.rows, widths_mm=block.widths_mm or None)
        else:
            doc.paragraph(block.text)
    doc.signature(paper.recipients, paper.signer_title, paper.signer_name)
    return doc.to_bytes()


def context(paper: Paper) -> dict[str, object]:
    """What reporting/official.html needs: the paper, its mottos and its tables' cells."""
    header = paper.header
    return {
        "paper": paper,
        "header": header,
        "party_motto": PARTY_MOTTO,
        "state_name": STATE_NAME,
        "state_motto": STATE_MOTTO,
        "date_line": vietnamese_date_line(header.place, header.day),
        "blocks": [
            {
                "kind": b.kind,
                "text": b.text,
                "headers": b.headers,
                "rows": [[(shown(c), not isinstance(c, str)) for c in row] for row in b.rows],
            }
            for b in paper.blocks
        ],
    }


def to_html(paper: Paper) -> str:
    """The paper's body as HTML (reporting/_official.html), in Vietnamese."""
    with translation.override("vi"):
        return render_to_string("reporting/_official.html", context(paper))


def to_pdf(paper: Paper) -> bytes:
    from PIL import ImageFile
    from weasyprint import CSS, HTML

    # WeasyPrint turns this process-wide switch on when imported; our PDFs embed no
    # pictures, and uploads must keep refusing damaged ones (lib/images.py).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with translation.override("vi"):
        html = render_to_string("reporting/official_pdf.html", context(paper))
    stylesheet = finders.find(STYLESHEET)
    if not isinstance(stylesheet, str):  # the app's own static file: always there
        raise RuntimeError(f"{STYLESHEET} is missing")
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])  # type: ignore[no-any-return]
