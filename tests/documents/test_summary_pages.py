"""Implementation summaries: compiled from what cites the document, edited, as DOCX.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents import services
from danvan.documents.models import Document, ImplementationSummary
from tests.conftest import World
from tests.documents.helpers import (
    PROGRAMME,
    AsUser,
    by_source,
    counts,
    in_english,
    open_summary,
)

pytestmark = pytest.mark.django_db


def test_summary_compiles_programmes_and_oversights(
    world: World, tinh: User, decision: Document, cited: dict[str, Any], as_user: AsUser
) -> None:
    response = open_summary(as_user(tinh), decision, world.commission, "2021-2025")
    summary = ImplementationSummary.objects.get()
    assert response.status_code == 302 and response.url == f"/summaries/{summary.pk}/"
    assert (summary.document, summary.organization, summary.period) == (
        decision, world.commission, "2021-2025",
    )  # fmt: skip
    assert summary.created_by == tinh and summary.issued_on == timezone.localdate()
    facts = summary.facts
    assert facts["document"] == decision.citation
    assert facts["period_phrase"] == "giai đoạn 2021–2025 (5 năm)"
    sections = by_source(summary)
    assert counts(summary) == {"programs": 2, "oversights": 2, "situation": 0}

    programmes = sections["programs"]
    assert programmes["count"] == 2
    assert sorted(row[0] for row in programmes["rows"]) == sorted(
        [cited["in_force"].title, cited["earlier"].title]
    )
    oversights = sections["oversights"]
    assert oversights["count"] == 2
    # year, inspections, supervisions, surveys, organisations, recommendations, done
    assert oversights["rows"] == [["2024", 1, 0, 0, 1, 1, 0], ["2025", 0, 1, 0, 1, 0, 0]]
    assert any("Thực hiện tốt Quy chế." in line for line in oversights["lines"])
    assert PROGRAMME in summary.achievements

    page = as_user(tinh).get(f"/summaries/{summary.pk}/").content.decode()
    assert PROGRAMME in page and cited["earlier"].title in page
    assert cited["later"].title not in page and cited["uncited"].title not in page


def test_summary_of_a_commune_counts_only_its_subtree(
    world: World, tinh: User, decision: Document, cited: dict[str, Any]
) -> None:
    summary = services.summary_open(
        actor=tinh, document=decision, organization=world.party_a, period="2021-2025"
    )
    # The commune signs both programmes; the commission, above it, led the oversights.
    assert counts(summary) == {"programs": 2, "oversights": 0, "situation": 0}
    other = services.summary_open(
        actor=tinh, document=decision, organization=world.party_b, period="2021-2025"
    )
    assert counts(other) == {"programs": 0, "oversights": 0, "situation": 0}


def test_summary_refusals(
    world: World, tinh: User, xa2: User, decision: Document, cited: dict[str, Any],
    as_user: AsUser,
) -> None:  # fmt: skip
    client = in_english(as_user(tinh))
    open_summary(client, decision, world.commission, "2021-2025")
    again = open_summary(client, decision, world.commission, "2021-2025", follow=True)
    assert "This organisation already has a summary of 2021-2025; open it instead." in (
        again.content.decode()
    )
    assert ImplementationSummary.objects.count() == 1

    early = open_summary(client, decision, world.commission, "2020", follow=True)
    assert "The period ends before the document was issued." in early.content.decode()
    bad = open_summary(client, decision, world.commission, "20xx", follow=True)
    assert "20xx" in bad.content.decode()
    assert ImplementationSummary.objects.count() == 1

    # xa2 may summarise its own Front, not the commission.
    refused = open_summary(as_user(xa2), decision, world.commission, "2022-2025")
    assert refused.status_code == 302 and ImplementationSummary.objects.count() == 1


def test_summary_edit_and_docx(
    world: World, tinh: User, xa: User, xa2: User, decision: Document, cited: dict[str, Any],
    as_user: AsUser,
) -> None:  # fmt: skip
    client = as_user(tinh)
    open_summary(client, decision, world.commission, "2021-2025")
    summary = ImplementationSummary.objects.get()
    achievements = "Đã tổ chức 12 hội nghị quán triệt Quy chế dân vận."
    response = client.post(f"/summaries/{summary.pk}/", {
        "number": "15-BC/BDVTU", "place": "Nghệ An", "achievements": achievements,
        "limitations": "Một số nơi còn hình thức.", "lessons": "", "directions": "Tiếp tục.",
    })  # fmt: skip
    assert response.status_code == 302
    summary.refresh_from_db()
    assert (summary.number, summary.achievements, summary.limitations) == (
        "15-BC/BDVTU", achievements, "Một số nơi còn hình thức.",
    )  # fmt: skip

    download = client.get(f"/summaries/{summary.pk}/docx/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    document = docx.Document(io.BytesIO(download.content))
    texts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]
    text = "\n".join(texts)
    assert "23-QĐ/TW" in text and achievements in text
    assert "Một số nơi còn hình thức." in text and "15-BC/BDVTU" in text
    assert PROGRAMME in text  # the programmes table

    for stranger in (xa, xa2):
        assert as_user(stranger).get(f"/summaries/{summary.pk}/").status_code == 404
        assert as_user(stranger).get(f"/summaries/{summary.pk}/docx/").status_code == 404
        posted = as_user(stranger).post(f"/summaries/{summary.pk}/", {"achievements": "x"})
        assert posted.status_code == 404
    summary.refresh_from_db()
    assert summary.achievements == achievements
