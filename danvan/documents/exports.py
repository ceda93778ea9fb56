"""An implementation summary as DOCX, in the same official layout as programme reviews."""

from __future__ import annotations

from danvan.lib.docx import Header, OfficialDocument

from .models import ImplementationSummary


def summary_docx(summary: ImplementationSummary) -> bytes:
    facts = summary.facts
    organization = summary.organization
    doc = OfficialDocument(
        Header(
            issuer=organization.name,
            number=f"Số: {summary.number}" if summary.number else "",
            place=summary.place or organization.area.name,
            day=summary.issued_on,
        ),
        "BÁO CÁO",
        subtitle=f"Tổng kết thực hiện {facts.get('document', summary.document.citation)}, "
        f"{facts.get('period_phrase', summary.period)}",
    )
    doc.heading("I. Kết quả thực hiện")
    for text in _paragraphs(summary.achievements):
        doc.paragraph(text)
    for section in facts.get("sections", []):
        if not section.get("rows"):
            continue
        doc.paragraph(f"{section['label']}:", bold=True)
        headers = section["headers"]
        doc.table(headers, section["rows"], widths_mm=_widths(len(headers)))
    parts = [
        ("II. Hạn chế, nguyên nhân", summary.limitations),
        ("III. Bài học kinh nghiệm", summary.lessons),
        ("IV. Phương hướng, nhiệm vụ thời gian tới", summary.directions),
    ]
    for heading, body in parts:
        doc.heading(heading)
        for text in _paragraphs(body) or ["…"]:
            doc.paragraph(text)
    doc.signature(["- Như trên;", "- Lưu VT."], "T/M " + organization.name, "")
    return doc.to_bytes()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _widths(columns: int) -> list[float]:
    """The first column (what) wide, the figures narrow, over the 165 mm text width."""
    if columns <= 1:
        return [165.0]
    narrow = min(25.0, 85.0 / (columns - 1))
    return [165.0 - narrow * (columns - 1)] + [narrow] * (columns - 1)
