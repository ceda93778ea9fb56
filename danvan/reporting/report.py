"""A level's consolidated report: the rolled-up figures and the children's narratives, as the
official DOCX (lib/docx) or a PDF (WeasyPrint) for the review conference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from danvan.lib import numbers, periods
from danvan.lib.docx import TEXT_WIDTH_MM, Header, OfficialDocument
from danvan.org.models import Organization

from . import rollups, selectors
from .models import Form, SectionKind, Submission, SubmissionStatus

Progress = Callable[[int], None]


@dataclass
class NarrativePart:
    title: str
    own: str
    children: list[tuple[str, str]]  # (unit, text)


@dataclass
class Consolidated:
    form: Form
    organization: Organization
    period: periods.Period
    tables: list[tuple[str, list[tuple[str, str, str]]]]  # section, rows (indicator, unit, figure)
    narratives: list[NarrativePart]
    reported: int
    expected: int


def consolidate(
    form: Form, organization: Organization, period: periods.Period, progress: Progress | None = None
) -> Consolidated:
    """Gather the report: figures rolled up over the unit's subtree, narratives of the unit and
    of its child units' approved (or submitted) reports, for the editor to condense."""
    progress = progress or (lambda _p: None)
    with translation.override("vi"):
        layout = selectors.form_layout(form)
        values = rollups.figures(layout.indicators, [organization], period)
        progress(30)
        tables = []
        for section, items in layout.sections:
            if section.kind != SectionKind.INDICATORS or not items:
                continue
            rows = [
                (
                    item.indicator.name,
                    item.indicator.unit,
                    numbers.shown(values.get((organization.pk, item.indicator.pk))),
                )
                for item in items
            ]
            tables.append((section.title, rows))
        board = selectors.completeness(form, organization, period)
        progress(50)
        own = Submission.objects.filter(
            form=form, organization=organization, period=period.code
        ).first()
        child_reports = [
            c.submission
            for c in board.children
            if c.submission is not None
            and c.submission.status in (SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED)
        ]
        narratives = []
        for section in layout.narratives:
            key = str(section.pk)
            narratives.append(
                NarrativePart(
                    section.title,
                    (own.narratives.get(key, "") if own else "").strip(),
                    [
                        (s.organization.name, s.narratives.get(key, "").strip())
                        for s in child_reports
                        if s.narratives.get(key, "").strip()
                    ],
                )
            )
        progress(70)
    return Consolidated(
        form,
        organization,
        period,
        tables,
        narratives,
        reported=board.submitted,
        expected=len(board.children),
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _header(organization: Organization) -> Header:
    place = organization.area.name if organization.area_id else ""
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Huyện ", "Thị trấn "):
        place = place.removeprefix(prefix)
    return Header(
        issuer=organization.name.upper(),
        number="Số:      -BC",
        place=place,
        day=timezone.localdate(),
    )


def to_docx(report: Consolidated) -> bytes:
    with translation.override("vi"):
        doc = OfficialDocument(
            _header(report.organization),
            "BÁO CÁO",
            f"{report.form.name} {report.period.label('vi').lower()}",
        )
        doc.paragraph(
            f"Số đơn vị đã gửi báo cáo: {report.reported}/{report.expected}.", italic=True
        )
        doc.heading("I. Số liệu tổng hợp")
        for title, rows in report.tables:
            doc.paragraph(f"{title}:", bold=True)
            doc.table(
                ["Chỉ tiêu", "Đơn vị tính", "Kết quả"],
                [list(row) for row in rows],
                widths_mm=[TEXT_WIDTH_MM - 60, 30, 30],
            )
        roman = ["II", "III", "IV", "V", "VI", "VII", "VIII"]
        for number, part in zip(roman, report.narratives, strict=False):
            doc.heading(f"{number}. {part.title}")
            for text in _paragraphs(part.own):
                doc.paragraph(text)
            for unit, text in part.children:
                doc.paragraph(f"{unit}:", italic=True)
                for line in _paragraphs(text):
                    doc.bullet(line)
            if not part.own and not part.children:
                doc.paragraph("…")
        doc.signature(["- Như trên;", "- Lưu VT."], "T/M " + report.organization.name, "")
        return doc.to_bytes()


def to_pdf(report: Consolidated) -> bytes:
    from PIL import ImageFile
    from weasyprint import HTML

    # WeasyPrint turns this process-wide switch on when imported; our PDFs embed no
    # pictures, and uploads must keep refusing damaged ones (lib/images.py).
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    with translation.override("vi"):
        header = _header(report.organization)
        html = render_to_string(
            "reporting/report_pdf.html",
            {"report": report, "header": header, "today": header.day},
        )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def build(form: Form, organization: Organization, period: periods.Period, file_format: str,
          progress: Progress | None = None) -> bytes:  # fmt: skip
    report = consolidate(form, organization, period, progress)
    data = to_pdf(report) if file_format == "pdf" else to_docx(report)
    if progress:
        progress(95)
    return data
