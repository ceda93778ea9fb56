"""The document registry end to end: services, pages, implementation summaries, API, migration.

The cast is the one of tests/conftest.py; every page and endpoint also checks who must be refused.
"""

from __future__ import annotations

import datetime
import importlib
import io
import json
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from danvan.accounts.models import User
from danvan.documents import references, services
from danvan.documents.models import Document, DocumentStatus, ImplementationSummary
from danvan.oversight import services as oversight_services
from danvan.oversight.models import Oversight
from danvan.programs import services as program_services
from danvan.programs.models import Program
from tests.conftest import World

pytestmark = pytest.mark.django_db

D = datetime.date
AsUser = Callable[[User], Client]

QUY_CHE = "Quy chế công tác dân vận của hệ thống chính trị"
NGHI_QUYET = "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận"
ISSUED = D(2021, 7, 3)  # 23-QĐ/TW
PROGRAMME = "Chương trình phối hợp thực hiện Quy chế dân vận"
INSPECTION = "Kiểm tra việc thực hiện Quy chế dân vận năm 2024"


def register(
    actor: User | None = None,
    *,
    kind: str = "decision",
    number: str = "23-QĐ/TW",
    issuer: str = "Bộ Chính trị",
    issued_on: datetime.date | None = ISSUED,
    title: str = QUY_CHE,
    **extra: Any,
) -> Document:
    return services.document_create(
        actor=actor, kind=kind, number=number, issuer=issuer, issued_on=issued_on, title=title,
        **extra,
    )  # fmt: skip


def programme(
    world: World, actor: User, document: Document | None, *, title: str = PROGRAMME,
    term: str = "2025-2026",
) -> Program:  # fmt: skip
    return program_services.program_create(
        actor=actor, kind="coordination_programme", title=title, lead=world.commission,
        parties=[world.party_a, world.front_a], term=term,
        documents=[document] if document else [],
    )  # fmt: skip


def oversight(
    world: World, actor: User, document: Document | None, *, start: datetime.date,
    kind: str = "inspection", title: str = INSPECTION,
) -> Oversight:  # fmt: skip
    return oversight_services.oversight_create(
        actor=actor, kind=kind, title=title, lead=world.commission, subjects=[world.front_a],
        starts_on=start, ends_on=start + datetime.timedelta(days=14),
        documents=[document] if document else [],
    )  # fmt: skip


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api(user: User) -> Client:
    """The API through the browser session, as the web pages call it."""
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def detail_link(document: Document) -> str:
    return f'href="/documents/{document.pk}/"'


@pytest.fixture
def decision(world: World) -> Document:
    return register()


@pytest.fixture
def resolution(world: World) -> Document:
    return register(
        kind="resolution", number="25-NQ/TW", issuer="Ban Chấp hành Trung ương",
        issued_on=D(2013, 6, 3), title=NGHI_QUYET,
    )  # fmt: skip


@pytest.fixture
def old_regulation(world: World, decision: Document) -> Document:
    """290-QĐ/TW, replaced by 23-QĐ/TW."""
    old = register(kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    return services.document_replace(actor=None, document=old, replaced_by=decision)


# --- Services -------------------------------------------------------------------------------


def test_document_create_normalises_and_cites(world: World, tinh: User) -> None:
    document = register(tinh, number=" 23-QĐ/TW ", issuer="  Bộ   Chính trị ", summary=" Tóm tắt ")
    document.refresh_from_db()
    assert (document.number, document.issuer, document.summary) == (
        "23-QĐ/TW", "Bộ Chính trị", "Tóm tắt",
    )  # fmt: skip
    assert document.status == DocumentStatus.IN_FORCE and document.replaced_by is None
    assert document.created_by == tinh
    assert document.citation == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    assert document.history.count() == 1
    assert document.history.first().history_user == tinh


def test_each_missing_field_gets_its_own_message(world: World, tinh: User, english: None) -> None:
    with pytest.raises(ValidationError) as caught:
        register(tinh, number=" ", issuer="", title="  ", issued_on=None)
    errors = caught.value.message_dict
    assert set(errors) == {"number", "issuer", "title", "issued_on"}
    assert errors["issued_on"] == ["Enter the date the document was issued."]
    assert errors["issuer"] == ["Enter the issuing body."]
    assert not Document.objects.exists()


def test_future_date_and_unknown_kind_are_refused(world: World, tinh: User, english: None) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        register(tinh, issued_on=tomorrow)
    assert caught.value.message_dict == {"issued_on": ["The date cannot be in the future."]}
    with pytest.raises(ValidationError) as caught:
        register(tinh, kind="memo")
    assert set(caught.value.message_dict) == {"kind"}
    assert register(tinh, issued_on=timezone.localdate()).pk  # today itself is fine


def test_same_number_same_issuer_is_refused_however_written(
    world: World, tinh: User, english: None
) -> None:
    register(tinh)
    with pytest.raises(ValidationError) as caught:
        register(tinh, number=" 23-qđ/tw ", issuer="bộ  chính trị", title="Bản sao")
    (message,) = caught.value.message_dict["number"]
    assert "already has a document numbered 23-QĐ/TW" in message
    assert "bộ chính trị" in message.lower()
    assert Document.objects.count() == 1
    other = register(tinh, number="23-QĐ/TW", issuer="Ban Bí thư", title="Khác")
    assert other.pk and Document.objects.count() == 2


def test_only_officers_keep_the_registry(
    world: World, tinh: User, lanhdao: User, xa: User, outsider: User
) -> None:
    for refused in (xa, outsider):
        with pytest.raises(PermissionDenied):
            register(refused)
    assert not Document.objects.exists()
    document = register(tinh)
    register(lanhdao, number="25-NQ/TW")
    with pytest.raises(PermissionDenied):
        services.document_update(actor=xa, document=document, title="Đổi")
    with pytest.raises(PermissionDenied):
        services.document_replace(actor=outsider, document=document, replaced_by=None)
    document.refresh_from_db()
    assert document.title == QUY_CHE


def test_document_update(world: World, tinh: User, decision: Document, english: None) -> None:
    services.document_update(
        actor=tinh, document=decision, title="Quy chế mới", issuer=" Bộ  Chính trị "
    )
    decision.refresh_from_db()
    assert (decision.title, decision.issuer) == ("Quy chế mới", "Bộ Chính trị")
    assert decision.history.count() == 2
    other = register(tinh, number="25-QĐ/TW")
    with pytest.raises(ValidationError) as caught:
        services.document_update(actor=tinh, document=other, number="23-qđ/tw")
    assert set(caught.value.message_dict) == {"number"}
    with pytest.raises(ValidationError):
        services.document_update(actor=tinh, document=other, status="replaced")
    other.refresh_from_db()
    assert (other.number, other.status) == ("25-QĐ/TW", DocumentStatus.IN_FORCE)


def test_document_replace_and_back_in_force(
    world: World, tinh: User, decision: Document, english: None
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    services.document_replace(actor=tinh, document=old, replaced_by=decision)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.REPLACED, decision)
    latest = old.history.first()
    assert latest.history_change_reason == "Replaced by 23-QĐ/TW"
    assert latest.history_user == tinh
    assert list(decision.replaces.all()) == [old]

    services.document_replace(actor=tinh, document=old, replaced_by=None)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.IN_FORCE, None)
    assert old.history.first().history_change_reason == "Back in force"


def test_a_document_cannot_replace_itself_nor_close_a_loop(
    world: World, tinh: User, english: None
) -> None:
    a = register(tinh, number="1-QĐ/TW")
    b = register(tinh, number="2-QĐ/TW")
    c = register(tinh, number="3-QĐ/TW")
    with pytest.raises(ValidationError) as caught:
        services.document_replace(actor=tinh, document=a, replaced_by=a)
    assert caught.value.message_dict == {"replaced_by": ["A document cannot replace itself."]}

    services.document_replace(actor=tinh, document=a, replaced_by=b)
    with pytest.raises(ValidationError) as caught:
        services.document_replace(
            actor=tinh, document=Document.objects.get(pk=b.pk),
            replaced_by=Document.objects.get(pk=a.pk),
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"replaced_by"}

    services.document_replace(
        actor=tinh, document=Document.objects.get(pk=b.pk), replaced_by=c
    )  # a → b → c
    with pytest.raises(ValidationError):
        services.document_replace(
            actor=tinh, document=Document.objects.get(pk=c.pk),
            replaced_by=Document.objects.get(pk=a.pk),
        )  # fmt: skip
    assert Document.objects.get(pk=c.pk).status == DocumentStatus.IN_FORCE
    assert Document.objects.get(pk=b.pk).replaced_by_id == c.pk


# --- Pages ----------------------------------------------------------------------------------


def test_list_searches_without_diacritics_and_filters(
    world: World, tinh: User, decision: Document, resolution: Document, old_regulation: Document,
    as_user: AsUser,
) -> None:  # fmt: skip
    client = as_user(tinh)
    everything = client.get("/documents/").content.decode()
    assert all(detail_link(d) in everything for d in (decision, resolution, old_regulation))

    found = client.get("/documents/", {"q": "23-qd"}).content.decode()
    assert detail_link(decision) in found
    assert detail_link(resolution) not in found and detail_link(old_regulation) not in found

    by_words = client.get("/documents/", {"q": "doi moi su lanh dao"}).content.decode()
    assert detail_link(resolution) in by_words and detail_link(decision) not in by_words

    resolutions = client.get("/documents/", {"kind": "resolution"}).content.decode()
    assert detail_link(resolution) in resolutions and detail_link(decision) not in resolutions

    replaced = client.get("/documents/", {"status": "replaced"}).content.decode()
    assert detail_link(old_regulation) in replaced
    assert detail_link(decision) not in replaced and detail_link(resolution) not in replaced


def test_list_says_when_nothing_matches(
    world: World, tinh: User, decision: Document, as_user: AsUser
) -> None:
    body = in_english(as_user(tinh)).get("/documents/", {"q": "99-XYZ"}).content.decode()
    assert "No document matches. Try fewer words, or the number alone." in body
    assert detail_link(decision) not in body


def test_list_and_new_need_a_sign_in(world: World, decision: Document) -> None:
    for url in ("/documents/", "/documents/new/", f"/documents/{decision.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_tinh_registers_a_document_on_the_page(world: World, tinh: User, as_user: AsUser) -> None:
    client = as_user(tinh)
    assert client.get("/documents/new/").status_code == 200
    response = client.post("/documents/new/", {
        "kind": "resolution", "number": "25-NQ/TW", "issuer": "Ban Chấp hành Trung ương",
        "issued_on": "2013-06-03", "title": NGHI_QUYET, "summary": "",
    })  # fmt: skip
    document = Document.objects.get(number="25-NQ/TW")
    assert response.status_code == 302 and response.url == f"/documents/{document.pk}/"
    assert (document.created_by, document.issued_on) == (tinh, D(2013, 6, 3))

    again = in_english(client).post("/documents/new/", {
        "kind": "resolution", "number": "25-nq/tw", "issuer": "ban chấp hành trung ương",
        "issued_on": "2013-06-03", "title": "Bản sao",
    })  # fmt: skip
    assert again.status_code == 200
    assert "already has a document numbered 25-NQ/TW" in again.content.decode()
    assert Document.objects.count() == 1


def test_a_reporter_may_not_register(world: World, xa: User, as_user: AsUser) -> None:
    client = as_user(xa)
    assert client.get("/documents/new/").status_code == 403
    response = client.post("/documents/new/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": QUY_CHE,
    })  # fmt: skip
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert 'href="/documents/new/"' not in client.get("/documents/").content.decode()


def test_detail_lists_what_cites_it_within_the_users_scope(
    world: World, tinh: User, xa: User, xa2: User, decision: Document, as_user: AsUser
) -> None:
    programme(world, tinh, decision)
    programme(world, tinh, None, title="Chương trình không trích dẫn")
    oversight(world, tinh, decision, start=D(2024, 4, 1))

    for reader in (tinh, xa):
        body = as_user(reader).get(f"/documents/{decision.pk}/").content.decode()
        assert PROGRAMME in body and INSPECTION in body
        assert "Chương trình không trích dẫn" not in body
        assert "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị" in body

    outside = as_user(xa2).get(f"/documents/{decision.pk}/")
    assert outside.status_code == 200  # the registry itself is shared
    body = outside.content.decode()
    assert QUY_CHE in body
    assert PROGRAMME not in body and INSPECTION not in body


def test_edit_page(world: World, tinh: User, xa: User, decision: Document, as_user: AsUser) -> None:
    client = as_user(tinh)
    form = client.get(f"/documents/{decision.pk}/edit/").content.decode()
    assert 'value="23-QĐ/TW"' in form and 'value="2021-07-03"' in form
    response = client.post(f"/documents/{decision.pk}/edit/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": "Quy chế công tác dân vận (sửa)",
        "summary": "Thay thế Quyết định số 290-QĐ/TW.",
    })  # fmt: skip
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Quy chế công tác dân vận (sửa)"
    assert decision.summary == "Thay thế Quyết định số 290-QĐ/TW."

    assert as_user(xa).get(f"/documents/{decision.pk}/edit/").status_code == 403
    assert as_user(xa).post(f"/documents/{decision.pk}/edit/", {
        "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
        "issued_on": "2021-07-03", "title": "Đổi bởi xã",
    }).status_code == 403  # fmt: skip
    decision.refresh_from_db()
    assert decision.title == "Quy chế công tác dân vận (sửa)"
    assert as_user(tinh).get("/documents/999999/edit/").status_code == 404


def test_status_form(
    world: World, tinh: User, xa: User, decision: Document, as_user: AsUser
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    client = in_english(as_user(tinh))
    url = f"/documents/{old.pk}/status/"
    assert client.get(url).status_code == 405

    response = client.post(url, {"replaced_by": decision.pk})
    assert response.status_code == 302 and response.url == f"/documents/{old.pk}/"
    old.refresh_from_db()
    assert (old.status, old.replaced_by_id) == (DocumentStatus.REPLACED, decision.pk)
    page = client.get(f"/documents/{decision.pk}/").content.decode()
    assert "Replaces" in page and detail_link(old) in page

    refused = client.post(url, {"replaced_by": old.pk}, follow=True)
    assert "A document cannot replace itself." in refused.content.decode()
    old.refresh_from_db()
    assert old.replaced_by_id == decision.pk

    client.post(url, {"replaced_by": ""})
    old.refresh_from_db()
    assert (old.status, old.replaced_by_id) == (DocumentStatus.IN_FORCE, None)

    assert as_user(xa).post(url, {"replaced_by": decision.pk}).status_code == 403
    old.refresh_from_db()
    assert old.status == DocumentStatus.IN_FORCE


def test_file_download(
    world: World, tinh: User, xa2: User, decision: Document, as_user: AsUser,
    settings: Any, tmp_path: Any,
) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    assert as_user(tinh).get(f"/documents/{decision.pk}/file/").status_code == 404
    pdf = b"%PDF-1.4\n%quy che dan van\n"
    with_file = register(
        tinh, number="25-NQ/TW", file=SimpleUploadedFile("nghi-quyet.pdf", pdf, "application/pdf")
    )
    response = as_user(xa2).get(f"/documents/{with_file.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(f"/documents/{with_file.pk}/file/").status_code == 302


# --- Implementation summaries ---------------------------------------------------------------


@pytest.fixture
def cited(world: World, tinh: User, decision: Document) -> dict[str, Any]:
    """Programmes and oversights citing 23-QĐ/TW in and out of 2021-2025, and some that do not."""
    made: dict[str, Any] = {
        "in_force": programme(world, tinh, decision, term="2025-2026"),
        "earlier": programme(world, tinh, decision, title="Chương trình 2022-2023", term="2022-2023"),
        "later": programme(world, tinh, decision, title="Chương trình 2026", term="2026"),
        "uncited": programme(world, tinh, None, title="Không trích dẫn", term="2024"),
    }  # fmt: skip
    inspection = oversight(world, tinh, decision, start=D(2024, 4, 1))
    oversight_services.recommendation_add(
        actor=tinh, oversight=inspection, text="Khắc phục", responsible=world.front_a,
        due_on=D(2024, 12, 31),
    )  # fmt: skip
    oversight_services.oversight_conclude(
        actor=tinh, oversight=inspection, conclusion_on=D(2024, 5, 1),
        conclusion="Thực hiện tốt Quy chế.",
    )  # fmt: skip
    made["inspection"] = inspection
    made["supervision"] = oversight(
        world, tinh, decision, start=D(2025, 5, 5), kind="supervision", title="Giám sát 2025"
    )
    oversight(world, tinh, decision, start=D(2026, 2, 1), title="Kiểm tra 2026")  # after
    oversight(world, tinh, None, start=D(2025, 6, 1), title="Kiểm tra khác")  # not citing
    return made


def by_source(summary: ImplementationSummary) -> dict[str, dict[str, Any]]:
    """The summary's sections by the key of the source that compiled them."""
    keys = [source.key for source in references.sources()]
    return dict(zip(keys, summary.facts["sections"], strict=True))


def counts(summary: ImplementationSummary) -> dict[str, int]:
    return {key: section["count"] for key, section in by_source(summary).items()}


def open_summary(client: Client, document: Document, org: Any, period: str, **kw: Any) -> Any:
    return client.post(
        f"/documents/{document.pk}/summaries/new/",
        {"organization": org.pk, "period": period},
        **kw,
    )


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
    assert counts(summary) == {"programs": 2, "oversights": 2}

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
    assert counts(summary) == {"programs": 2, "oversights": 0}
    other = services.summary_open(
        actor=tinh, document=decision, organization=world.party_b, period="2021-2025"
    )
    assert counts(other) == {"programs": 0, "oversights": 0}


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


# --- API ------------------------------------------------------------------------------------


def test_api_list_and_filters(
    world: World, xa: User, decision: Document, resolution: Document, old_regulation: Document
) -> None:
    client = api(xa)  # reading the registry is for everyone who signs in

    def numbers(**query: str) -> list[str]:
        response = client.get("/api/v1/documents", query)
        assert response.status_code == 200, response.content
        return [d["number"] for d in response.json()["items"]]

    assert numbers() == ["23-QĐ/TW", "25-NQ/TW", "290-QĐ/TW"]  # newest first
    assert numbers(q="23-qd") == ["23-QĐ/TW"]
    assert numbers(q="quy che") == ["23-QĐ/TW", "290-QĐ/TW"]
    assert numbers(kind="resolution") == ["25-NQ/TW"]
    assert numbers(status="replaced") == ["290-QĐ/TW"]
    assert numbers(status="in_force", kind="decision") == ["23-QĐ/TW"]
    item = client.get("/api/v1/documents", {"status": "replaced"}).json()["items"][0]
    assert item["replaced_by_id"] == decision.pk and item["has_file"] is False


def test_api_detail_has_citation_and_references(
    world: World, tinh: User, xa2: User, decision: Document
) -> None:
    cited_by = programme(world, tinh, decision)
    checked_by = oversight(world, tinh, decision, start=D(2024, 4, 1))
    response = api(tinh).get(f"/api/v1/documents/{decision.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["number"], data["has_file"]) == ("23-QĐ/TW", False)
    assert data["citation"] == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    refs = {(r["source"], r["title"], r["url"]) for r in data["references"]}
    assert refs == {
        ("programs", PROGRAMME, f"http://testserver/programs/{cited_by.pk}/"),
        ("oversights", INSPECTION, f"http://testserver/oversight/{checked_by.pk}/"),
    }
    outside = api(xa2).get(f"/api/v1/documents/{decision.pk}")
    assert outside.status_code == 200 and outside.json()["references"] == []


def test_api_detail_of_an_unknown_document_is_404(world: World, tinh: User) -> None:
    response = api(tinh).get("/api/v1/documents/999999")
    assert response.status_code == 404 and "detail" in response.json()


PAYLOAD = {
    "kind": "decision", "number": "23-QĐ/TW", "issuer": "Bộ Chính trị",
    "issued_on": "2021-07-03", "title": QUY_CHE,
}  # fmt: skip


def test_api_create(world: World, tinh: User) -> None:
    response = send(api(tinh), "post", "/api/v1/documents", PAYLOAD)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["citation"] == "Quyết định số 23-QĐ/TW ngày 3/7/2021 của Bộ Chính trị"
    assert created["references"] == [] and created["status"] == "in_force"
    assert Document.objects.get(pk=created["id"]).created_by == tinh


def test_api_create_refusals(world: World, xa: User, tinh: User, decision: Document) -> None:
    client = in_english(api(tinh))
    twin = send(client, "post", "/api/v1/documents", {**PAYLOAD, "number": " 23-qđ/tw "})
    assert twin.status_code == 400
    errors = twin.json()["errors"]
    assert list(errors) == ["number"] and "23-QĐ/TW" in errors["number"][0]

    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    late = send(client, "post", "/api/v1/documents", {**PAYLOAD, "number": "1-QĐ/TW",
                                                      "issued_on": future})  # fmt: skip
    assert late.status_code == 400
    assert late.json()["errors"] == {"issued_on": ["The date cannot be in the future."]}

    refused = send(api(xa), "post", "/api/v1/documents", {**PAYLOAD, "number": "2-QĐ/TW"})
    assert refused.status_code == 403
    assert Document.objects.count() == 1


def test_api_patch_updates_and_sets_the_status(
    world: World, tinh: User, decision: Document
) -> None:
    old = register(tinh, kind="regulation", number="290-QĐ/TW", issued_on=D(2010, 2, 25))
    client = api(tinh)
    url = f"/api/v1/documents/{old.pk}"

    response = send(client, "patch", url, {"summary": "Đã được thay thế."})
    assert response.status_code == 200, response.content
    assert (response.json()["summary"], response.json()["status"]) == (
        "Đã được thay thế.", "in_force",
    )  # fmt: skip

    replaced = send(client, "patch", url, {"replaced_by_id": decision.pk})
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["status"], replaced.json()["replaced_by_id"]) == (
        "replaced", decision.pk,
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.REPLACED, decision)

    back = send(client, "patch", url, {"replaced_by_id": 0})
    assert back.status_code == 200, back.content
    assert (back.json()["status"], back.json()["replaced_by_id"]) == ("in_force", None)
    old.refresh_from_db()
    assert (old.status, old.replaced_by) == (DocumentStatus.IN_FORCE, None)


def test_api_patch_refusals(world: World, tinh: User, xa: User, decision: Document) -> None:
    client = in_english(api(tinh))
    url = f"/api/v1/documents/{decision.pk}"

    unknown = send(client, "patch", url, {"replaced_by_id": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"replaced_by_id": ["No document with id 999999."]}
    itself = send(client, "patch", url, {"replaced_by_id": decision.pk})
    assert itself.status_code == 400
    assert itself.json()["errors"] == {"replaced_by": ["A document cannot replace itself."]}
    bad_kind = send(client, "patch", url, {"kind": "memo"})
    assert bad_kind.status_code == 400 and list(bad_kind.json()["errors"]) == ["kind"]

    other = register(tinh, number="25-QĐ/TW")
    assert send(api(xa), "patch", url, {"title": "Đổi bởi xã"}).status_code == 403
    assert send(api(xa), "patch", url, {"replaced_by_id": other.pk}).status_code == 403
    assert send(api(tinh), "patch", "/api/v1/documents/999999", {"title": "x"}).status_code == 404
    decision.refresh_from_db()
    assert (decision.title, decision.kind) == (QUY_CHE, "decision")
    assert (decision.status, decision.replaced_by) == (DocumentStatus.IN_FORCE, None)


def test_api_patch_refused_changes_nothing(world: World, tinh: User, decision: Document) -> None:
    url = f"/api/v1/documents/{decision.pk}"
    response = send(api(tinh), "patch", url, {"title": "Nửa chừng", "replaced_by_id": 999999})
    assert response.status_code == 400
    decision.refresh_from_db()
    assert decision.title == QUY_CHE


def test_api_needs_a_sign_in(world: World, decision: Document) -> None:
    assert Client().get("/api/v1/documents").status_code == 401
    assert Client().get(f"/api/v1/documents/{decision.pk}").status_code == 401
    response = send(Client(), "post", "/api/v1/documents", {"number": "x"})
    assert response.status_code == 401
    assert Document.objects.count() == 1


# --- The data migration's reader ------------------------------------------------------------


def test_migration_reads_numbers_kinds_issuers_and_dates() -> None:
    migration = importlib.import_module("danvan.programs.migrations.0003_documents_from_registry")
    read = migration.read_line
    assert read("Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương") == (
        "25-NQ/TW", "resolution", "Ban Chấp hành Trung ương", D(2013, 6, 3),
    )  # fmt: skip
    assert read("Luật số 10/2022/QH15 ngày 10/11/2022 về thực hiện dân chủ ở cơ sở") == (
        "10/2022/QH15", "law", "Quốc hội", D(2022, 11, 10),
    )  # fmt: skip
    assert read("Nghị định 59/2023/NĐ-CP") == ("59/2023/NĐ-CP", "decree", "Chính phủ", None)
    assert read("Kết luận số 61-KL/TW ngày 3/12/2009 của Ban Bí thư về Đề án") == (
        "61-KL/TW", "conclusion", "Ban Bí thư", D(2009, 12, 3),
    )  # fmt: skip
    assert read("Quy định số 08-QĐi/TW")[1] == "regulation"
    assert read("Hướng dẫn số 12-HD/BDVTW")[2] == "(chưa ghi cơ quan ban hành)"
    assert read("Các văn bản chỉ đạo của tỉnh ngày 5/6/2024") is None


# --- Query budgets --------------------------------------------------------------------------


def test_list_page_and_api_keep_a_flat_query_count(
    world: World, tinh: User, as_user: AsUser
) -> None:
    page, endpoint = as_user(tinh), api(tinh)

    def grow(start: int, stop: int) -> None:
        for i in range(start, stop):
            document = register(number=f"{i}-QĐ/TW", title=f"Quyết định {i}")
            if i % 3 == 0:  # some replaced, so the list shows both statuses and a successor
                first = Document.objects.get(number="1-QĐ/TW")
                services.document_replace(actor=None, document=document, replaced_by=first)

    def on_page() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = page.get("/documents/")
            assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count('href="/documents/')

    def in_api() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = endpoint.get("/api/v1/documents")
            assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    grow(1, 4)
    page.get("/documents/")  # warm the session
    endpoint.get("/api/v1/documents")
    page_at_3, api_at_3 = on_page(), in_api()
    grow(4, 31)
    page_at_30, api_at_30 = on_page(), in_api()
    assert (api_at_3[1], api_at_30[1]) == (3, 30)  # the rows really grew
    assert page_at_30[1] - page_at_3[1] == 27
    assert page_at_30[0] == page_at_3[0]
    assert api_at_30[0] == api_at_3[0]
