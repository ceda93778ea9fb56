"""Reports on paper: a level's consolidated report — the rolled-up figures and the narrative its
specialists keep, condensed from the units' texts — and a single unit's report, each as one
`official.Paper` printed to the official DOCX (lib/docx) or the PDF (WeasyPrint)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import translation

from danvan.lib import periods
from danvan.org.models import Organization

from . import official, rollups, selectors, selectors_completeness
from .models import (
    Form,
    Narrative,
    SectionKind,
    Submission,
    SubmissionStatus,
    ValueType,
)

Progress = Callable[[int], None]


def _key(sentence: str) -> str:
    """A sentence as compared for repeats: case, spaces and the final stop ignored."""
    return re.sub(r"\s+", " ", sentence).strip().rstrip(".;:!").casefold()


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def condense(own: str, children: list[tuple[str, str]]) -> str:
    """The starting text of a consolidated part: the level's own text, then one line per unit
    («- Unit: …») with its paragraphs joined and what was already said dropped."""
    seen: set[str] = set()
    lines: list[str] = []
    for paragraph in _paragraphs(own):
        if _key(paragraph) not in seen:
            seen.add(_key(paragraph))
            lines.append(paragraph)
    for unit, text in children:
        fresh = []
        for paragraph in _paragraphs(text):
            if _key(paragraph) not in seen:
                seen.add(_key(paragraph))
                fresh.append(paragraph.removeprefix("- ").strip())
        if fresh:
            lines.append(f"- {unit}: {' '.join(fresh)}")
    return "\n".join(lines)


@dataclass
class NarrativePart:
    title: str
    own: str
    children: list[tuple[str, str]]  # (unit, text)
    section_id: int = 0
    kept: str | None = None  # the text the level's specialists kept, if any

    @property
    def draft(self) -> str:
        return condense(self.own, self.children)

    @property
    def text(self) -> str:
        """What the consolidated report prints: the kept text, else the condensed draft."""
        return self.kept if self.kept is not None else self.draft


@dataclass
class Consolidated:
    form: Form
    organization: Organization
    period: periods.Period
    tables: list[tuple[str, list[tuple[str, str, str]]]]  # section, rows (indicator, unit, figure)
    narratives: list[NarrativePart]
    reported: int
    expected: int
    kept: Narrative | None = None
    cells: list[list[list[official.Cell]]] = field(default_factory=list)  # the tables for paper


def consolidate(
    form: Form, organization: Organization, period: periods.Period, progress: Progress | None = None
) -> Consolidated:
    """Gather the report: figures rolled up over the unit's subtree, narratives of the unit and
    of its child units' approved (or submitted) reports, and the text the level keeps."""
    from danvan.lib import numbers

    progress = progress or (lambda _p: None)
    with translation.override("vi"):
        layout = selectors.form_layout(form)
        values = rollups.figures(layout.indicators, [organization], period)
        progress(30)
        tables = []
        cells = []
        for section, items in layout.sections:
            if section.kind != SectionKind.INDICATORS or not items:
                continue
            figures = [values.get((organization.pk, item.indicator.pk)) for item in items]
            tables.append(
                (
                    section.title,
                    [
                        (item.indicator.name, item.indicator.unit, numbers.shown(figure))
                        for item, figure in zip(items, figures, strict=True)
                    ],
                )
            )
            cells.append(
                [
                    [item.indicator.name, item.indicator.unit, official.cell(figure)]
                    for item, figure in zip(items, figures, strict=True)
                ]
            )
        board = selectors_completeness.completeness(form, organization, period)
        progress(50)
        own = Submission.objects.filter(
            form=form, organization=organization, period=period.code
        ).first()
        kept = selectors.kept_narrative(form, organization, period)
        # The children's texts, read here: the board reads only their reports' states.
        child_reports = list(
            Submission.objects.filter(
                pk__in=[
                    c.submission.pk
                    for c in board.children
                    if c.submission is not None
                    and c.submission.status
                    in (SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED)
                ]
            )
            .select_related("organization")
            .order_by("organization__path")
        )
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
                    section_id=section.pk,
                    kept=kept.texts.get(key) if kept else None,
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
        kept=kept,
        cells=cells,
    )


def recipients(form: Form, organization: Organization) -> list[str]:
    """«Nơi nhận»: the unit that reviews this one's reports, and the unit's own archive."""
    reviewer = selectors.reviewing_organization(form, organization)
    lines = [f"- {reviewer.name} (để báo cáo);"] if reviewer.pk != organization.pk else []
    return [*lines, "- Lưu VT."]


def _text_blocks(paper: official.Paper, text: str) -> None:
    for line in _paragraphs(text):
        if line.startswith("- "):
            paper.bullet(line[2:].strip())
        else:
            paper.paragraphs(line)


def consolidated_paper(report: Consolidated) -> official.Paper:
    with translation.override("vi"):
        paper = official.Paper(
            official.header_for(report.organization),
            "BÁO CÁO",
            f"{report.form.name} {report.period.label('vi').lower()}",
            recipients=recipients(report.form, report.organization),
            signer_title="T/M " + report.organization.name,
        )
        paper.note(f"Số đơn vị đã gửi báo cáo: {report.reported}/{report.expected}.")
        paper.heading("I. Số liệu tổng hợp")
        for (title, _rows), cells in zip(report.tables, report.cells, strict=True):
            paper.label(f"{title}:")
            paper.figures(cells)
        for number, part in zip(official.ROMAN[1:], report.narratives, strict=False):
            paper.heading(f"{number}. {part.title}")
            if part.kept is not None:
                _text_blocks(paper, part.kept)
            else:
                paper.paragraphs(part.own)
                for unit, text in part.children:
                    paper.note(f"{unit}:")
                    for line in _paragraphs(text):
                        paper.bullet(line)
            if not part.text.strip():
                paper.paragraphs("…")
    return paper


def _figure(value: object, value_type: str) -> official.Cell:
    if value_type == ValueType.YES_NO and value is not None:
        return "Có" if value else "Không"
    return official.cell(value)  # type: ignore[arg-type]


def submission_paper(submission: Submission) -> official.Paper:
    """One unit's report as it was filled in: each section in order, figures in tables."""
    form = submission.form
    layout = selectors.form_layout(form)
    values = selectors.report_values(submission, layout)
    with translation.override("vi"):
        paper = official.Paper(
            official.header_for(submission.organization),
            "BÁO CÁO",
            f"{form.name} {submission.period_obj.label('vi').lower()}",
            recipients=recipients(form, submission.organization),
            signer_title="T/M " + submission.organization.name,
        )
        if submission.is_editable:
            paper.note("Dự thảo: báo cáo chưa gửi cấp trên.")
        for number, (section, items) in zip(official.ROMAN, layout.sections, strict=False):
            paper.heading(f"{number}. {section.title}")
            if section.kind == SectionKind.NARRATIVE:
                text = submission.narratives.get(str(section.pk), "")
                _text_blocks(paper, text)
                if not text.strip():
                    paper.paragraphs("…")
            elif items:
                paper.figures(
                    [
                        [
                            item.indicator.name,
                            item.indicator.unit,
                            _figure(values.get(item.indicator.code), item.indicator.value_type),
                        ]
                        for item in items
                    ]
                )
    return paper


def to_docx(report: Consolidated) -> bytes:
    return official.to_docx(consolidated_paper(report))


def to_pdf(report: Consolidated) -> bytes:
    return official.to_pdf(consolidated_paper(report))


def build(form: Form, organization: Organization, period: periods.Period, file_format: str,
          progress: Progress | None = None) -> bytes:  # fmt: skip
    report = consolidate(form, organization, period, progress)
    data = to_pdf(report) if file_format == "pdf" else to_docx(report)
    if progress:
        progress(95)
    return data
