"""Review documents as DOCX in the official layout: an implementation summary, and the shared
builder a programme's review uses too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from danvan.lib.docx import Header, OfficialDocument
from danvan.org.models import Organization

from .models import ImplementationSummary, ReviewDocument


@dataclass(frozen=True)
class FiguresTable:
    """A table of compiled figures under section I, with its caption."""

    caption: str
    headers: list[str]
    rows: list[list[Any]]
    widths_mm: list[float]


def review_document_docx(
    record: ReviewDocument,
    *,
    issuer: Organization,
    subtitle: str,
    tables: Sequence[FiguresTable],
    copies: list[str],
) -> bytes:
    """«BÁO CÁO»: I. results (the text, then the figures), II. limitations, III. lessons,
    IV. directions, and the issuer's signature."""
    doc = OfficialDocument(
        Header(
            issuer=issuer.name,
            number=f"Số: {record.number}" if record.number else "",
            place=record.place or issuer.area.name,
            day=record.issued_on,
        ),
        "BÁO CÁO",
        subtitle=subtitle,
    )
    doc.heading("I. Kết quả thực hiện")
    for text in _paragraphs(record.achievements):
        doc.paragraph(text)
    for table in tables:
        doc.paragraph(table.caption, bold=True)
        doc.table(table.headers, table.rows, widths_mm=table.widths_mm)
    parts = [
        ("II. Hạn chế, nguyên nhân", record.limitations),
        ("III. Bài học kinh nghiệm", record.lessons),
        ("IV. Phương hướng, nhiệm vụ thời gian tới", record.directions),
    ]
    for heading, body in parts:
        doc.heading(heading)
        for text in _paragraphs(body) or ["…"]:
            doc.paragraph(text)
    doc.signature(copies, "T/M " + issuer.name, "")
    return doc.to_bytes()


def summary_docx(summary: ImplementationSummary) -> bytes:
    facts = summary.facts
    return review_document_docx(
        summary,
        issuer=summary.organization,
        subtitle=f"Tổng kết thực hiện {facts.get('document', summary.document.citation)}, "
        f"{facts.get('period_phrase', summary.period)}",
        tables=[
            FiguresTable(
                f"{section['label']}:",
                section["headers"],
                section["rows"],
                _widths(len(section["headers"])),
            )
            for section in facts.get("sections", [])
            if section.get("rows")
        ],
        copies=["- Như trên;", "- Lưu VT."],
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _widths(columns: int) -> list[float]:
    """The first column (what) wide, the figures narrow, over the 165 mm text width."""
    if columns <= 1:
        return [165.0]
    narrow = min(25.0, 85.0 / (columns - 1))
    return [165.0 - narrow * (columns - 1)] + [narrow] * (columns - 1)
