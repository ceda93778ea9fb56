"""A unit's report on paper — its print view and its official DOCX — and the PDF's layout: the
same as the Word file's, with page numbers from page 2 and the «Nơi nhận» block."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.staticfiles import finders
from docx import Document as Docx
from weasyprint import CSS, HTML

from danvan.lib import periods
from danvan.lib.docx import Header
from danvan.reporting import official, report, services
from danvan.reporting.models import SectionKind
from tests.org.test_api import bearer
from tests.reporting.test_services import GOOD
from tests.reporting.test_web_api import PERIOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(half_form, world):  # type: ignore[no-untyped-def]
    submission = services.submission_start(
        actor=None, form=half_form, organization=world.front_a, period=PERIOD
    )
    narrative = half_form.sections.get(kind=SectionKind.NARRATIVE)
    services.submission_save(
        actor=None,
        submission=submission,
        values={**GOOD, "MEETINGS": "1250"},
        narratives={str(narrative.pk): "Vận động nhân dân hiến 3.000 m² đất làm đường."},
    )
    return services.submission_submit(actor=None, submission=submission)


def _cells(content: bytes) -> list[str]:
    document = Docx(io.BytesIO(content))
    return [c.text for t in document.tables for row in t.rows for c in row.cells]


def test_a_units_report_as_the_official_docx(filled, world, xa, xa2, tinh, as_user) -> None:
    response = as_user(xa).get(f"/reports/{filled.pk}/docx/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{world.front_a.pk}-{PERIOD}.docx"')
    document = Docx(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = _cells(response.content)
    assert cells[0].startswith("ỦY BAN MTTQ VIỆT NAM XÃ MƯỜNG XÉN")  # the unit heads its report
    assert cells[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")  # the Front: the State's motto
    assert "Số cuộc họp" in cells and "1.250" in cells and "80" in cells  # typed and calculated
    assert "Vận động nhân dân hiến 3.000 m² đất làm đường." in paragraphs
    assert any(c.startswith("Nơi nhận:") and "Đảng ủy xã Mường Xén" in c for c in cells)
    assert "I. KẾT QUẢ" in paragraphs and "II. ƯU ĐIỂM" in paragraphs
    # the same through the API, and refused outside the scope
    api = bearer(tinh).get(f"/api/v1/submissions/{filled.pk}/docx")
    assert api.status_code == 200 and "1.250" in _cells(api.content)
    assert as_user(xa2).get(f"/reports/{filled.pk}/docx/").status_code == 404
    assert bearer(xa2).get(f"/api/v1/submissions/{filled.pk}/docx").status_code == 404


def test_a_units_report_prints(filled, xa, xa2, as_user) -> None:
    page = as_user(xa).get(f"/reports/{filled.pk}/print/").content.decode()
    assert "ỦY BAN MTTQ VIỆT NAM XÃ MƯỜNG XÉN" in page and "1.250" in page
    assert "Nơi nhận:" in page and "reporting/official.css" in page and "data-print" in page
    assert "<script>" not in page and "style=" not in page  # the CSP: no inline code or style
    assert as_user(xa2).get(f"/reports/{filled.pk}/print/").status_code == 404
    detail = as_user(xa).get(f"/reports/{filled.pk}/").content.decode()
    assert f"/reports/{filled.pk}/print/" in detail and f"/reports/{filled.pk}/docx/" in detail


def _margin_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The text WeasyPrint laid out in the page's margin boxes (the page number)."""
    found = []
    for margin in (b for b in page._page_box.children if type(b).__name__ == "MarginBox"):
        stack = [margin]
        while stack:
            box = stack.pop()
            if isinstance(getattr(box, "text", None), str):
                found.append(box.text)
            stack.extend(getattr(box, "children", None) or [])
    return found


def test_the_pdf_has_the_word_layout_page_numbers_and_the_recipients() -> None:
    paper = official.Paper(
        Header("BAN DÂN VẬN TỈNH ỦY NGHỆ AN", "Số:      -BC", "Nghệ An", datetime.date(2026, 1, 5)),
        "Báo cáo",
        "Kết quả công tác dân vận 6 tháng cuối năm 2025",
        recipients=["- Thường trực Tỉnh ủy (để báo cáo);", "- Lưu VT."],
        signer_title="T/M Ban Dân vận",
    )
    paper.heading("I. Kết quả")
    paper.figures([["Số cuộc họp", "cuộc", 1250], ["Tỷ lệ hoàn thành", "%", 80.5]])
    for number in range(60):
        paper.paragraphs(f"Đoạn {number}: các cấp ủy lãnh đạo, chỉ đạo công tác dân vận ở cơ sở.")
    html = official.to_html(paper)
    assert "Nơi nhận:" in html and "- Thường trực Tỉnh ủy (để báo cáo);" in html
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "Nghệ An, ngày 05 tháng 01 năm 2026" in html
    assert ">1.250<" in html and ">80,5<" in html  # Vietnamese notation, as in the Word file
    stylesheet = finders.find(official.STYLESHEET)
    document = HTML(string=html).render(stylesheets=[CSS(filename=stylesheet)])
    assert len(document.pages) >= 2
    assert _margin_texts(document.pages[0]) == []  # page 1 carries no number, as in Word
    assert _margin_texts(document.pages[1]) == ["2"]
    last = document.pages[-1]._page_box
    assert "Nơi nhận:" in str([getattr(b, "text", "") for b in last.descendants()])
    assert official.to_pdf(paper).startswith(b"%PDF")
    with open(stylesheet, encoding="utf-8") as css:
        assert '"Tinos"' in css.read()  # Times-compatible, with Vietnamese (fonts-croscore)


def test_the_consolidated_pdf_and_docx_share_the_paper(filled, half_form, world) -> None:
    services.submission_approve(actor=None, submission=filled)
    consolidated = report.consolidate(half_form, world.party_a, periods.parse(PERIOD))
    paper = report.consolidated_paper(consolidated)
    html = official.to_html(paper)
    docx_texts = [p.text for p in Docx(io.BytesIO(report.to_docx(consolidated))).paragraphs]
    for heading in ("I. Số liệu tổng hợp", "II. Ưu điểm"):
        assert heading in html and heading.upper() in docx_texts
    assert "Nơi nhận:" in html and "- Ban Dân vận Tỉnh ủy Nghệ An (để báo cáo);" in html
    assert "Số đơn vị đã gửi báo cáo: 1/1." in html
    assert report.to_pdf(consolidated).startswith(b"%PDF")
