"""The main path in a real browser: Debian's Chromium driven by Playwright, no download."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from danvan.org import demo

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


class OneAnswerAtATime(ThreadedWSGIServer):
    """The live server reads requests in threads but answers one at a time.

    On the in-memory SQLite database the test and every server thread share one connection.
    The home page's cards come through a second request (htmx) while the test already opens
    the next page, and a meeting's totals refresh themselves: two requests running on one
    SQLite connection at once can wait on each other for ever. PostgreSQL gives each thread
    its own connection and keeps Django's threaded server."""

    def set_app(self, application: Any) -> None:
        lock = threading.Lock()

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with lock:
                return list(application(environ, start_response))

        super().set_app(one_at_a_time)


if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = OneAnswerAtATime


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test's
    # fixtures make meanwhile are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()
        # While Playwright's event loop runs in this thread, Django keeps the connections of
        # the test's own ORM calls apart from the thread's usual ones (asgiref's Local sees a
        # running loop); nothing else closes them, and on PostgreSQL the one left open kept
        # the test database from being dropped at the end of the run.
        connections.close_all()


def new_page(browser: Any) -> Any:
    """A fresh session (its own cookies) that records console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    return page


@pytest.fixture
def browser_page(browser: Any) -> Any:
    return new_page(browser)


def sign_in(page: Any, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", "danvan-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{site}/")


def confirm(page: Any) -> None:
    """Answer the question confirm.js asks before an irreversible step (the modal's button)."""
    page.locator("#dv-confirm-ok").click()


@pytest.fixture
def demo_site(transactional_db: None, live_server) -> str:  # type: ignore[no-untyped-def]
    demo.load(io.StringIO())
    return live_server.url


def test_tinh_finds_a_commune_opens_an_organisation_and_switches_to_english(
    demo_site: str, browser_page
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(f"{demo_site}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"  # whatever the browser's locale
    page.fill("#id_username", "tinh@demo.danvan.vn")
    page.fill("#id_password", "danvan-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{demo_site}/")

    # The organisation tree opens on demand.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tổ chức"
    ).click()
    page.click("summary:has-text('Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An')")
    page.wait_for_selector("text=Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An")

    # Find a commune by typing its name without diacritics.
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Địa bàn"
    ).click()
    page.fill("#q", "muong xen")
    page.press("#q", "Enter")
    page.click("table >> text=Xã Mường Xén")
    assert page.locator("h1").inner_text().startswith("Xã Mường Xén")

    # Open an organisation in that commune and read its history.
    page.click("text=Ủy ban MTTQ Việt Nam xã Mường Xén")
    assert page.locator("h1").inner_text().startswith("Ủy ban MTTQ Việt Nam xã Mường Xén")
    history = page.locator("#history")
    assert "Lịch sử" in history.inner_text()
    assert "tạo mới" in history.inner_text()
    assert "Lê Văn Khánh" in page.locator("#members").inner_text()

    # Switch to English: the same page, in English.
    page.click("button[name=language]")
    page.wait_for_selector("#history-title:has-text('History')")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "created" in page.locator("#history").inner_text()
    main_nav = page.get_by_role("navigation", name="Main navigation")
    assert main_nav.get_by_role("link", name="Organisations").is_visible()
    assert page.console_errors == []  # nothing blocked by the CSP, no script errors


def test_commission_history_shows_the_2025_rename(demo_site: str, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(f"{demo_site}/accounts/login/")
    page.fill("#id_username", "tinh@demo.danvan.vn")
    page.fill("#id_password", "danvan-demo")
    page.click("main button[type=submit]")
    page.goto(f"{demo_site}/orgs/?q=ban+tuyen+giao+va+dan+van")
    page.click("table >> text=Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An")
    history = page.locator("#history").inner_text()
    assert "Ban Dân vận Tỉnh ủy Nghệ An" in history  # the old name, struck through
    assert "Quản trị hệ thống" in history  # who renamed it


def test_a_programme_from_drafting_to_the_review_in_word(demo_site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """tinh drafts a programme with three parties and ten contents and a recurring task;
    xa (a party) reports progress; tinh opens the interim review and downloads the DOCX."""
    import docx

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.goto(f"{demo_site}/programs/new/")
    tinh.select_option("#id_kind", "coordination_programme")
    tinh.fill("#id_title", "Chương trình phối hợp thử nghiệm trên trình duyệt")
    tinh.select_option("#id_term", "2025")
    tinh.select_option("#id_term_to", "2026")
    tinh.select_option("#id_lead", label="Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An — Nghệ An")
    tinh.select_option(
        "#id_parties",
        label=["Đảng ủy Ủy ban nhân dân tỉnh Nghệ An — Nghệ An",
               "Ủy ban MTTQ Việt Nam xã Mường Xén — Xã Mường Xén"],
    )  # fmt: skip
    tinh.fill("#id_contents", "\n".join(f"Nội dung chủ yếu số {i}" for i in range(1, 11)))
    tinh.click("main form button[type=submit]")
    tinh.wait_for_selector("h1:has-text('Chương trình phối hợp thử nghiệm trên trình duyệt')")
    assert tinh.locator("h3:has-text('10. Nội dung chủ yếu số 10')").is_visible()
    assert tinh.locator("text=Ủy ban MTTQ Việt Nam xã Mường Xén").first.is_visible()
    tinh.click("#sign-button")
    confirm(tinh)
    tinh.wait_for_selector("#end-form")  # in force: the next step offered is ending the term

    tinh.click("#new-task")
    tinh.select_option("#id_content", index=3)
    tinh.fill("#id_title", "Báo cáo kết quả phối hợp 6 tháng")
    tinh.select_option("#id_lead", label="Ủy ban MTTQ Việt Nam xã Mường Xén — Xã Mường Xén")
    tinh.select_option("#id_recurrence", "half_yearly")
    tinh.click("main form button[type=submit]")
    tinh.wait_for_selector("[title='2025S1']")
    assert tinh.locator("text=(6 tháng cuối năm 2026)").is_visible()

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/my-work/")
    xa.click("a:has-text('Báo cáo kết quả phối hợp 6 tháng') >> nth=0")
    xa.fill("#id_text", "Đã tổ chức hội nghị đánh giá tại 12 thôn, bản")
    xa.fill("#id_percent", "100")
    xa.fill("#id_reported_on", "2025-12-20")  # reported within the period the review covers
    xa.click("main form button[type=submit]")
    xa.wait_for_selector("text=Đã tổ chức hội nghị đánh giá tại 12 thôn, bản")

    tinh.reload()
    tinh.select_option("#id_kind", "interim")
    tinh.select_option("#id_period", "2025")
    tinh.click("#open-review")
    tinh.wait_for_selector("#facts-table")
    assert "Đã tổ chức hội nghị đánh giá" in tinh.locator("#id_achievements").input_value()
    with tinh.expect_download() as download_info:
        tinh.click("#download-docx")
    document = docx.Document(download_info.value.path())
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    front = next(r for r in rows if r[0] == "Ủy ban MTTQ Việt Nam xã Mường Xén")
    assert front[1:] == ["2", "0", "1", "1", "0"]  # due, on time, late, overdue, open
    assert tinh.console_errors == [] and xa.console_errors == []


def test_a_practice_from_registration_to_the_public_showcase(demo_site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """xa registers a model with results; tinh appraises and recognises it; xa2 records a
    replication; an anonymous visitor finds it on the showcase typing without diacritics."""
    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/practices/")
    xa.click("#register-practice")
    xa.select_option("#id_kind", "model")
    xa.fill("#id_name", "Mô hình Đêm hội trăng rằm vùng biên")
    xa.select_option("#id_field", "culture_society")
    xa.select_option("#id_organization", label="Ủy ban MTTQ Việt Nam xã Mường Xén — Xã Mường Xén")
    xa.fill("#id_outputs", "Thu hút 1.200 lượt thiếu nhi tham gia")
    xa.check("#id_is_public")
    xa.fill("#id_metric", "Thiếu nhi tham gia")
    xa.fill("#id_value", "1200")
    xa.fill("#id_unit", "lượt")
    xa.click("main form button[type=submit]")
    xa.wait_for_selector("#results")
    practice_url = xa.url

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.goto(practice_url)
    for name in (
        "identity",
        "leadership",
        "mobilisation",
        "urgency",
        "recognition",
        "sustainability",
    ):
        tinh.fill(f"#appraise-form #id_score_{name}", "9")
    tinh.click("#appraise-form button[type=submit]")
    tinh.wait_for_selector("#decide-form")
    tinh.select_option("#decide-form #id_decision", "recognition")
    tinh.select_option(
        "#decide-form #id_decided_by", label="Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An — Nghệ An"
    )
    tinh.select_option("#decide-form #id_level", "province")
    tinh.fill("#decide-form #id_decision_number", "77-QĐ/BTGDV")
    tinh.click("#decide-form button[type=submit]")
    confirm(tinh)
    tinh.wait_for_selector("#recognitions:has-text('77-QĐ/BTGDV')")

    xa2 = new_page(browser)
    sign_in(xa2, demo_site, "xa2@demo.danvan.vn")
    xa2.goto(practice_url)
    xa2.select_option(
        "#replicate-form #id_organization", label="Ủy ban MTTQ Việt Nam xã Mỹ Lý — Xã Mỹ Lý"
    )
    xa2.fill("#replicate-form #id_adaptation", "Tổ chức tại 3 bản vùng cao")
    xa2.fill("#replicate-form #id_metric", "Thiếu nhi tham gia")
    xa2.fill("#replicate-form #id_value_before", "0")
    xa2.fill("#replicate-form #id_value", "300")
    xa2.fill("#replicate-form #id_unit", "lượt")
    xa2.click("#replicate-form button[type=submit]")
    xa2.wait_for_selector("text=Tổ chức tại 3 bản vùng cao")

    visitor = new_page(browser)
    visitor.goto(f"{demo_site}/thuc-tien/")
    visitor.fill("#q", "dem hoi trang ram vung bien")
    visitor.press("#q", "Enter")
    visitor.click("text=Mô hình Đêm hội trăng rằm vùng biên")
    assert "1200" in visitor.content() or "1.200" in visitor.content()
    assert "77-QĐ" not in visitor.locator("main").inner_text()  # internal numbers stay inside
    for page in (xa, tinh, xa2, visitor):
        assert page.console_errors == []


def test_a_supervision_of_three_communes_and_its_recommendations(demo_site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """tinh records a supervision of three commune organisations against Decision 23-QĐ/TW
    with two recommendations; xa, an officer of one subject, marks its recommendation done;
    the document's page lists the supervision; the half-year figure moves by 1 and 3."""
    import datetime
    import re

    from django.utils import timezone

    from danvan.documents import demo as documents_demo
    from danvan.documents.models import Document
    from danvan.lib import periods

    documents_demo.load(io.StringIO())
    today = timezone.localdate()
    half = periods.from_date(today, periods.PeriodType.HALF).code
    decision = Document.objects.get(number="23-QĐ/TW")

    def figure(page: Any) -> tuple[int, int]:
        page.goto(f"{demo_site}/oversight/?period={half}")
        text = page.locator("#figure-supervisions").inner_text()
        numbers = [int(n.replace(".", "")) for n in re.findall(r"[\d.]+", text)]
        return numbers[0], numbers[1]

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    before = figure(tinh)
    tinh.click("#new-oversight")
    tinh.select_option("#id_kind", "supervision")
    tinh.fill("#id_title", "Giám sát thực hiện Quy chế dân vận tại ba xã")
    tinh.select_option("#id_lead", label="Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An — Nghệ An")
    tinh.select_option(
        "#id_subjects",
        label=["Ủy ban MTTQ Việt Nam xã Mường Xén — Xã Mường Xén",
               "Ủy ban nhân dân xã Mường Xén — Xã Mường Xén",
               "Ủy ban MTTQ Việt Nam xã Mỹ Lý — Xã Mỹ Lý"],
    )  # fmt: skip
    tinh.select_option("#id_documents", str(decision.pk))
    tinh.fill("#id_starts_on", today.isoformat())
    tinh.fill("#id_ends_on", (today + datetime.timedelta(days=5)).isoformat())
    tinh.fill("#id_team", "Phó Trưởng ban — Trưởng đoàn")
    tinh.click("main form button[type=submit]")
    tinh.wait_for_selector("h1:has-text('Giám sát thực hiện Quy chế dân vận tại ba xã')")
    assert tinh.locator("#oversight-subjects li").count() == 3

    due = (today + datetime.timedelta(days=30)).isoformat()
    for text, responsible in [
        ("Hướng dẫn các thôn, bản tổ chức hội nghị nhân dân", "Ủy ban MTTQ Việt Nam xã Mường Xén — Xã Mường Xén"),
        ("Công khai kết quả giải quyết kiến nghị", "Ủy ban nhân dân xã Mường Xén — Xã Mường Xén"),
    ]:  # fmt: skip
        tinh.fill("#id_text", text)
        tinh.select_option("#id_responsible", label=responsible)
        tinh.fill("#id_due_on", due)
        tinh.click("#add-recommendation")
        tinh.wait_for_selector(f"#recommendations li:has-text('{text}')")
    assert tinh.locator("#recommendations > ul > li").count() == 2

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/recommendations/?mine=1")
    item = xa.locator("li:has-text('Hướng dẫn các thôn, bản tổ chức hội nghị nhân dân')")
    assert xa.locator("li:has-text('Công khai kết quả giải quyết kiến nghị')").count() == 0
    item.locator("summary").click()
    item.locator("select").select_option("done")
    item.locator("input[name$='-response']").fill("Đã hướng dẫn 12 thôn, bản")
    item.locator("button[type=submit]").click()
    xa.wait_for_selector("li:has-text('Đã hướng dẫn 12 thôn, bản') .badge:has-text('Hoàn thành')")

    tinh.goto(f"{demo_site}/documents/{decision.pk}/")
    assert (
        "Giám sát thực hiện Quy chế dân vận tại ba xã"
        in tinh.locator("#refs-oversights").inner_text()
    )
    after = figure(tinh)
    assert after == (before[0] + 1, before[1] + 3)
    assert tinh.console_errors == [] and xa.console_errors == []


def test_a_half_year_report_from_filling_in_to_the_province_docx(demo_site: str, browser) -> None:  # type: ignore[no-untyped-def]
    """xa fills in the half-year report (derived oversight figures already there), fails a
    check, fixes it, submits; tinh returns it, xa resubmits, tinh approves; the province's
    pivot and its DOCX report carry the new figure."""
    import datetime

    import docx
    from django.utils import timezone

    from danvan.accounts.models import User
    from danvan.lib import periods
    from danvan.org.models import Organization
    from danvan.oversight.models import Oversight, OversightKind
    from danvan.reporting import demo as reporting_demo
    from danvan.reporting.models import Form, Submission

    reporting_demo.load(io.StringIO())
    form = Form.objects.get(code=reporting_demo.SIX_MONTH)
    half = periods.from_date(timezone.localdate(), periods.PeriodType.HALF).previous()
    front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    commission = Organization.objects.get(depth=1)
    Oversight.objects.create(
        kind=OversightKind.SUPERVISION,
        title="Giám sát việc thực hiện dân chủ ở cơ sở",
        lead=front,
        starts_on=half.start + datetime.timedelta(days=40),
        ends_on=half.start + datetime.timedelta(days=42),
        created_by=User.objects.get(email="xa@demo.danvan.vn"),
    )

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/reports/")
    xa.click(f"#start-{form.pk}-{front.pk}-{half.code}")
    xa.wait_for_selector("#report-form")
    assert xa.locator("#v_OV_SUPERVISIONS").inner_text().strip() == "1"  # derived, read-only
    assert xa.locator("input#v_OV_SUPERVISIONS").count() == 0
    typed = {
        "SUPERVISIONS_SELF": "1",
        "PROPAGANDA_SESSIONS": "7",
        "PEOPLE_REACHED": "5",
        "HOT_SPOTS": "0",
        "SATISFACTION": "88,5",
    }
    for code, value in typed.items():
        xa.fill(f"#v_{code}", value)
    xa.fill("textarea[name^=n_]", "Tổ chức 7 buổi tuyên truyền Luật Thực hiện dân chủ ở cơ sở.")
    xa.click("#submit-report")
    confirm(xa)
    xa.wait_for_selector("#report-errors")
    assert "lượt người tham dự" in xa.locator("#report-errors").inner_text()
    assert xa.locator("#v_PROPAGANDA_SESSIONS").input_value() == "7"  # partial work kept
    assert xa.locator("input#v_PETITIONS_RECEIVED").count() == 0  # derived from the petitions
    xa.fill("#v_PEOPLE_REACHED", "420")
    xa.click("#submit-report")
    confirm(xa)
    xa.wait_for_selector("#report-status .text-bg-primary")
    submission = Submission.objects.get(form=form, organization=front, period=half.code)
    assert submission.status == "submitted"

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.goto(f"{demo_site}/reports/{submission.pk}/")
    tinh.fill("#return-comment", "Đề nghị ghi rõ số lượt người dân tham dự.")
    tinh.click("#return-report")
    confirm(tinh)
    tinh.wait_for_selector("#report-status .text-bg-warning")

    xa.goto(f"{demo_site}/reports/{submission.pk}/")
    assert "số lượt người dân" in xa.locator("#review-comment").inner_text()
    xa.fill("#v_PEOPLE_REACHED", "450")
    xa.click("#submit-report")
    confirm(xa)
    xa.wait_for_selector("#report-status .text-bg-primary")

    pivot_url = (
        f"{demo_site}/reports/pivot/?form={form.pk}&node={commission.pk}&period={half.code}"
        "&indicator=PROPAGANDA_SESSIONS&indicator=PEOPLE_REACHED"
    )
    tinh.goto(pivot_url)
    before = tinh.locator("#pivot-total td").nth(0).inner_text()
    tinh.goto(f"{demo_site}/reports/{submission.pk}/")
    tinh.click("#approve-report")
    confirm(tinh)
    tinh.wait_for_selector("#report-status .text-bg-success")
    tinh.goto(pivot_url)
    tinh.wait_for_selector("#pivot-chart svg")
    after = tinh.locator("#pivot-total td").nth(0).inner_text()

    def number(text: str) -> int:
        return int(text.replace(".", "").strip())

    assert number(after) == number(before) + 7
    row = tinh.locator("#pivot-table tbody tr", has_text="Đảng ủy xã Mường Xén")
    assert number(row.locator("td").nth(1).inner_text()) >= 450

    tinh.goto(
        f"{demo_site}/reports/consolidated/?form={form.pk}&org={commission.pk}&period={half.code}"
    )
    tinh.click("#export-docx")
    tinh.wait_for_selector("#export-download")
    with tinh.expect_download() as download:
        tinh.click("#export-download")
    document = docx.Document(download.value.path())
    cells = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    sessions = next(r for r in cells if r[0] == "Số buổi tuyên truyền, vận động")
    assert sessions[2] == after
    assert tinh.console_errors == [] and xa.console_errors == []


def test_a_situation_note_alerts_tinh_and_fills_the_report(demo_site: str, browser: Any) -> None:
    """xa files a hot spot on land clearance in Mường Xén last month; tinh finds its alert on
    the hot-spots board with its sentence, opens it, acknowledges it and gives it to lanhdao;
    xa's monthly situation report for that month counts the note without typing it."""
    import datetime
    import re

    from django.utils import timezone

    from danvan.lib import periods
    from danvan.org.models import Area, Organization
    from danvan.reporting.models import Form
    from danvan.situation import demo as situation_demo
    from danvan.situation.models import Alert, Note, Topic

    situation_demo.load(io.StringIO())
    last = periods.from_date(timezone.localdate(), periods.PeriodType.MONTH).previous()
    day = last.start + datetime.timedelta(days=19)
    front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    commune = Area.objects.get(code="16813", level="commune", valid_to__isnull=True)
    form = Form.objects.get(code=situation_demo.MONTHLY)
    in_month = Note.objects.filter(
        organization__path__startswith=front.path, event_date__gte=last.start,
        event_date__lte=last.end,
    )  # fmt: skip
    before = in_month.count()
    summary = "Nhân dân khối dọc Quốc lộ 7 tập trung tại trụ sở xã, phản đối phương án giải phóng mặt bằng đợt ba"

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/situation/notes/new/")
    xa.select_option("#id_organization", str(front.pk))
    xa.select_option("#id_area", str(commune.pk))
    xa.select_option("#id_topic", str(Topic.objects.get(code="land-clearance").pk))
    xa.fill("#id_event_date", day.isoformat())
    xa.fill("#id_summary", summary)
    xa.fill("#id_people_concerned", "80")
    xa.select_option("#id_level", "hot_spot")
    xa.select_option("#id_source", "meeting")
    xa.fill("#id_actions", "Ủy ban MTTQ xã đã báo cáo Đảng ủy xã, đề nghị tổ chức đối thoại.")
    xa.click("#note-form button[type=submit]")
    xa.wait_for_url(re.compile(r".*/situation/notes/\d+/$"))
    note = Note.objects.get(summary=summary)
    assert (note.level, note.event_date, note.created_by.email) == (
        "hot_spot", day, "xa@demo.danvan.vn",
    )  # fmt: skip

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.goto(f"{demo_site}/situation/")
    item = tinh.locator("#board-alerts li", has_text=summary)
    sentence = item.inner_text()
    assert "Xã Mường Xén" in sentence and day.strftime("%d/%m/%Y") in sentence
    item.locator("a").click()
    tinh.wait_for_selector("#alert-sentence")
    assert summary in tinh.locator("#alert-sentence").inner_text()
    tinh.locator("#acknowledge-form select[name=assigned_to]").select_option(label="Trần Quốc Bảo")
    tinh.locator("#acknowledge-form input[name=comment]").fill(
        "Giao lãnh đạo Ban chủ trì đối thoại."
    )
    tinh.click("#acknowledge-form button[type=submit]")
    tinh.wait_for_selector("#alert-assignee:has-text('Trần Quốc Bảo')")
    assert tinh.locator("#acknowledge-form").count() == 0  # taken in hand: nothing to acknowledge
    alert = Alert.objects.get(note=note)
    assert alert.status == "acknowledged"
    assert (alert.acknowledged_by.email, alert.assigned_to.email) == (
        "tinh@demo.danvan.vn", "lanhdao@demo.danvan.vn",
    )  # fmt: skip

    xa.goto(f"{demo_site}/reports/")
    xa.click(f"#start-{form.pk}-{front.pk}-{last.code}")
    xa.wait_for_selector("#report-form")
    assert xa.locator("input#v_SIT_NOTES").count() == 0  # derived, nothing to type
    assert int(xa.locator("#v_SIT_NOTES").inner_text()) == before + 1 == in_month.count()
    hot = in_month.filter(level="hot_spot").count()
    assert int(xa.locator("#v_SIT_HOT_SPOTS").inner_text()) == hot >= 1
    for page in (xa, tinh):
        assert page.console_errors == []


def test_a_citizens_petition_from_the_public_form_to_the_scorecard(
    demo_site: str, browser: Any
) -> None:
    """A citizen sends a petition on the public form and keeps the code; xa accepts and settles
    it; the citizen reads the answer by code and confirms; tinh sees the Front's on-time rate
    move on the public scorecard and its settled-on-time figure in the half-year figures."""
    import re

    from django.utils import timezone

    from danvan.dialogue import demo as dialogue_demo
    from danvan.dialogue.models import Petition, Petitioner
    from danvan.dialogue.scorecard import by_unit
    from danvan.lib import figures, numbers, periods
    from danvan.org.models import Area, Organization
    from danvan.org.scopes import ReportingScope
    from danvan.reporting import demo as reporting_demo
    from danvan.reporting.models import Form
    from danvan.situation.models import Topic

    reporting_demo.load(io.StringIO())
    dialogue_demo.load(io.StringIO())
    today = timezone.localdate()
    half = periods.from_date(today, periods.PeriodType.HALF)
    front = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")
    commune = Area.objects.get(code="16813", level="commune", valid_to__isnull=True)
    province = Area.objects.get(code="40", level="province")

    def front_line() -> Any:
        lines = by_unit(ReportingScope.of(province), half)
        return next((line for line in lines if line.key == front.pk), None)

    before = front_line()
    settled_before = before.settled if before else 0
    on_time_key = "dialogue.petitions_settled_on_time"
    figure_before = figures.Calculator().value(on_time_key, ReportingScope.of(front), half)
    form = Form.objects.get(code=reporting_demo.SIX_MONTH)
    commission = Organization.objects.get(depth=1)
    pivot_url = (
        f"{demo_site}/reports/pivot/?form={form.pk}&node={commission.pk}&period={half.code}"
        "&indicator=PETITIONS_SETTLED_ON_TIME"
    )

    def pivot_row(page: Any) -> int:
        page.goto(pivot_url)
        page.wait_for_selector("#pivot-table")
        row = page.locator("#pivot-table tbody tr", has_text="Đảng ủy xã Mường Xén")
        return int(row.locator("td").nth(0).inner_text().replace(".", "").strip() or 0)

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    in_report_before = pivot_row(tinh)

    # A citizen, no account: the public form, Vietnamese first.
    citizen = new_page(browser)
    citizen.goto(f"{demo_site}/kien-nghi/")
    assert citizen.locator("html").get_attribute("lang") == "vi"
    citizen.select_option("#id_area", str(commune.pk))
    citizen.select_option("#id_topic", str(Topic.objects.get(code="land-clearance").pk))
    summary = "Đề nghị làm rõ đơn giá bồi thường cây trồng đoạn Quốc lộ 7 qua bản Huồi Giảng"
    citizen.fill("#id_summary", summary)
    citizen.fill("#id_text", "Gia đình tôi chưa được thông báo đơn giá bồi thường cây keo.")
    citizen.fill("#id_name", "Vi Văn Phong")
    citizen.fill("#id_address", "Bản Huồi Giảng, xã Mường Xén")
    citizen.fill("#id_phone", "0987 000 111")
    citizen.check("#id_consent")
    citizen.click("main form button[type=submit]")
    citizen.wait_for_selector("#tracking-code")
    code = citizen.locator("#tracking-code").inner_text().strip()
    petition = Petition.objects.get(code=code)
    assert (petition.organization, petition.channel, petition.state) == (
        front, "public_form", "received",
    )  # fmt: skip
    assert Petitioner.objects.get(petition=petition).consent_version

    # xa accepts it, handling it themself, and settles it the same day.
    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/dialogue/petitions/{petition.pk}/")
    xa.locator("#action-accept summary").click()
    xa.fill("#accept_accepted_on", today.isoformat())
    xa.locator("#accept_handler").select_option(label="Lê Văn Khánh")
    xa.locator("#action-accept button[type=submit]").click()
    confirm(xa)
    xa.wait_for_selector("#action-settle")
    xa.locator("#action-settle summary").click()
    answer = "Ủy ban MTTQ xã đã làm việc với Ban bồi thường: đơn giá cây keo được niêm yết tại nhà văn hóa bản."
    xa.fill("#settle_result", answer)
    xa.fill("#settle_settled_on", today.isoformat())
    xa.locator("#action-settle button[type=submit]").click()
    confirm(xa)
    xa.wait_for_selector("#petition-result")
    petition.refresh_from_db()
    assert (petition.state, petition.handler.email) == ("settled", "xa@demo.danvan.vn")

    # The citizen reads the answer by code — no name, phone or address — and confirms.
    citizen.goto(f"{demo_site}/kien-nghi/tra-cuu/")
    citizen.fill("input[name=code]", code.lower().replace("-", " "))
    citizen.locator("main form button[type=submit]").first.click()
    citizen.wait_for_url(re.compile(rf".*/kien-nghi/tra-cuu/{code}/$"))
    text = citizen.locator("main").inner_text()
    assert answer in text
    for personal in ("Vi Văn Phong", "0987", "Huồi Giảng, xã"):
        assert personal not in citizen.content()
    citizen.locator("input[name=confirmation][value=satisfied]").check()
    citizen.locator("form[action$='/xac-nhan/'] button[type=submit]").click()
    confirm(citizen)
    citizen.wait_for_load_state()
    petition.refresh_from_db()
    assert (petition.state, petition.confirmation) == ("closed", "satisfied")

    # tinh: the Front's line on the public scorecard has one more settled, on time; the
    # half-year report's derived figure counts it without anyone typing it.
    tinh.goto(f"{demo_site}/kien-nghi/bang-xep-hang/?period={half.code}")
    row = tinh.locator("#units tr", has_text=front.name)
    after = front_line()
    assert after is not None and after.settled == settled_before + 1
    assert after.on_time == (before.on_time if before else 0) + 1
    shown = numbers.shown(after.on_time_pct, 1, "vi")  # as the page writes it: «85,7 %»
    assert f"\t{shown} %\t" in row.inner_text()
    figure_after = figures.Calculator().value(on_time_key, ReportingScope.of(front), half)
    assert figure_after == (figure_before or 0) + 1
    assert pivot_row(tinh) == in_report_before + 1
    for page in (citizen, xa, tinh):
        assert page.console_errors == []


def test_a_citizen_not_satisfied_reaches_the_handler_who_reopens_and_adds_a_paper(
    demo_site: str, browser: Any
) -> None:
    """The citizen reads the answer by code and is not satisfied; xa, who handled it, is told
    (the bell) and finds it on the dashboard; «Reopen» opens the reason's form; once reopened
    it leaves the dashboard and waits to be settled again, with the paper the citizen brought
    added to the case."""
    from django.utils import timezone

    from danvan.accounts.models import User
    from danvan.dialogue import services_intake, services_petitions
    from danvan.dialogue.models import Petition
    from danvan.org.models import Area, Organization
    from danvan.situation.models import Topic
    from danvan.situation.topics import ensure_topics

    ensure_topics(Topic)  # seeded by a migration, which an earlier browser test's flush undid
    today = timezone.localdate()
    xa_user = User.objects.get(email="xa@demo.danvan.vn")
    petition = services_intake.petition_create(
        actor=None, organization=Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén"),
        area=Area.objects.get(code="16813", level="commune", valid_to__isnull=True),
        topic=Topic.objects.get(code="land-clearance"), kind="petition", channel="reception",
        summary="Đề nghị cắm lại mốc giới đất rừng giao cho bản Xốp Mạt", received_on=today,
        consent=True, person={"name": "Lô Văn Sơn", "address": "Bản Xốp Mạt"}, today=today,
    )  # fmt: skip
    services_petitions.petition_accept(
        actor=None, petition=petition, accepted_on=today, handler=xa_user, today=today
    )
    services_petitions.petition_settle(
        actor=None, petition=petition, settled_on=today, publish=True, today=today,
        result="Đã đề nghị Hạt Kiểm lâm cắm lại mốc giới theo bản đồ giao đất năm 2012.",
    )  # fmt: skip

    citizen = new_page(browser)
    citizen.goto(f"{demo_site}/kien-nghi/tra-cuu/{petition.code}/")
    citizen.locator("input[name=confirmation][value=not_satisfied]").check()
    citizen.fill("textarea[name=comment]", "Mốc giới vẫn chưa được cắm lại ngoài thực địa.")
    citizen.locator("form[action$='/xac-nhan/'] button[type=submit]").click()
    confirm(citizen)
    citizen.wait_for_load_state()
    petition.refresh_from_db()
    assert (petition.state, petition.confirmation) == ("closed", "not_satisfied")

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    assert _bell_count(xa) > 0
    key = f"dialogue.petition:{petition.pk}:not_satisfied"
    item = xa.locator(f'.dv-agenda > li[data-key="{key}"]')
    assert "Công dân chưa hài lòng" in item.inner_text()
    item.locator(".btn").click()  # «Mở lại»: the petition, the reason's form open
    xa.wait_for_url(f"**/dialogue/petitions/{petition.pk}/?open=reopen*")
    assert xa.locator("#reopen_reason").is_visible()
    xa.fill("#reopen_reason", "Công dân không đồng ý; kiểm tra lại mốc giới cùng Hạt Kiểm lâm.")
    xa.locator("#action-reopen button[type=submit]").click()
    confirm(xa)
    xa.wait_for_selector("#action-settle")
    petition = Petition.objects.get(pk=petition.pk)
    assert petition.state == "in_progress" and petition.reopened == 1
    # The citizen brought the 2012 land allocation map: xa adds it to the case.
    xa.locator("#action-attach summary").click()
    xa.set_input_files(
        "#attach_attachments",
        files=[{"name": "ban-do-giao-dat-2012.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 ban do giao dat"}],
    )  # fmt: skip
    xa.locator("#action-attach button[type=submit]").click()
    xa.locator("#attachments a", has_text="ban-do-giao-dat-2012.pdf").wait_for()
    xa.goto(f"{demo_site}/")
    assert xa.locator(f'.dv-agenda > li[data-key="{key}"]').count() == 0
    for page in (citizen, xa):
        assert page.console_errors == []


def _bell_count(page: Any) -> int:
    badge = page.locator("#dv-bell-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_working_day_xa_answers_from_the_dashboard_and_tinh_uses_the_keyboard(
    demo_site: str, browser: Any
) -> None:
    """xa's dashboard puts the late report and the recommendation due first; one click opens
    the answer, the item leaves and the bell drops. tinh finds a commune from the header search
    and picks a programme's lead unit with the keyboard only."""
    from danvan.org.management.commands.demo import _demo_modules
    from danvan.oversight.models import Recommendation

    for module in _demo_modules():  # the whole demo: the org part is loaded already
        if module is not demo:
            module.load(io.StringIO())
    rec = Recommendation.objects.get(text__startswith="Hướng dẫn Ban công tác Mặt trận các thôn")
    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    items = xa.locator(".dv-agenda > li")
    keys = [items.nth(n).get_attribute("data-key") for n in range(items.count())]
    late = [
        "list-group-item-danger" in items.nth(n).get_attribute("class") for n in range(len(keys))
    ]
    # What is late comes first: the late report among it (the demo, drawn around today, may
    # also leave an older petition of the unit late, which then comes before it).
    assert late[0] and late == sorted(late, reverse=True)
    report = next(n for n, key in enumerate(keys) if key.startswith("reporting."))
    assert late[report]
    assert f"oversight.recommendation:{rec.pk}" in keys
    bell = _bell_count(xa)
    assert bell > 0
    xa.locator("#figures-title").wait_for()
    assert xa.locator("#reports-title").count() == 0  # a commune reporter: their own unit

    item = xa.locator(f'.dv-agenda > li[data-key="oversight.recommendation:{rec.pk}"]')
    item.locator(".btn").click()  # «Answer»: the recommendation's form, open
    xa.wait_for_url(f"**/oversight/{rec.oversight_id}/?answer={rec.pk}*")
    assert xa.locator(f"#id_rec{rec.pk}-response").is_visible()
    xa.select_option(f"#id_rec{rec.pk}-status", "done")
    xa.fill(f"#id_rec{rec.pk}-response", "Đã hướng dẫn 12 thôn, bản tổ chức hội nghị nhân dân")
    xa.locator(f"#rec-{rec.pk} button[type=submit]").first.click()
    xa.wait_for_load_state()
    xa.goto(f"{demo_site}/")
    assert xa.locator(f'.dv-agenda > li[data-key="oversight.recommendation:{rec.pk}"]').count() == 0
    assert _bell_count(xa) < bell
    assert xa.console_errors == []

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.locator("#reports-title").wait_for()  # the scope's cards arrive after the first paint
    tinh.locator(".dv-spark svg").first.wait_for()  # and their sparklines are drawn
    tinh.locator("#dv-search").click()
    tinh.keyboard.type("muong xen")
    tinh.locator("#dv-search-results .dv-sr-option", has_text="Xã Mường Xén").first.wait_for()
    tinh.keyboard.press("ArrowDown")
    tinh.keyboard.press("Enter")
    tinh.wait_for_load_state()
    assert "Mường Xén" in tinh.locator("h1").inner_text()

    tinh.goto(f"{demo_site}/programs/new/")
    tinh.locator("#id_title").focus()
    lead = tinh.locator("#id_lead_input")
    while not lead.evaluate("node => node === document.activeElement"):
        tinh.keyboard.press("Tab")
    tinh.keyboard.type("ban tuyen giao")
    tinh.locator("#id_lead_listbox [role=option]").first.wait_for()
    tinh.keyboard.press("ArrowDown")
    tinh.keyboard.press("Enter")
    assert tinh.locator("#id_lead").input_value() != ""
    chosen = tinh.locator("#id_lead option:checked").inner_text()
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy Nghệ An" in chosen
    assert tinh.console_errors == []


def test_a_half_year_review_with_the_communes_as_bridge_points(
    demo_site: str, browser: Any
) -> None:
    """tinh creates the half-year online review and invites every commune's Front as a bridge
    point in one step; xa confirms his point's attendance and the totals move; tinh records a
    conclusion as a task for xa's unit, which waits in xa's agenda."""
    import datetime
    import re

    from django.utils import timezone

    from danvan.meetings.models import BridgePoint, Conclusion, Meeting
    from danvan.org.models import Organization

    day = timezone.localdate() + datetime.timedelta(days=6)
    fronts = Organization.objects.active().filter(
        kind__code="fatherland_front", area__level="commune"
    )
    muong_xen = Organization.objects.get(name="Ủy ban MTTQ Việt Nam xã Mường Xén")

    tinh = new_page(browser)
    sign_in(tinh, demo_site, "tinh@demo.danvan.vn")
    tinh.goto(f"{demo_site}/meetings/")
    tinh.locator("a[href='/meetings/new/']").first.click()
    tinh.locator("#id_host_input").fill("ban tuyen giao")
    tinh.locator("#id_host_listbox [role=option]").first.wait_for()
    tinh.keyboard.press("ArrowDown")
    tinh.keyboard.press("Enter")
    tinh.select_option("#id_kind", "interim_review")
    tinh.fill("#id_title", "Hội nghị trực tuyến sơ kết công tác dân vận 6 tháng cuối năm")
    tinh.fill("#id_starts_at", f"{day.isoformat()}T08:00")
    tinh.fill("#id_ends_at", f"{day.isoformat()}T11:30")
    tinh.select_option("#id_format", "online")
    tinh.fill("#id_place", "Hội trường Tỉnh ủy")
    tinh.fill("#id_video_url", "https://hop.example.vn/so-ket")
    tinh.locator("main form button[type=submit]").last.click()
    tinh.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    meeting = Meeting.objects.get(title__startswith="Hội nghị trực tuyến sơ kết")
    assert meeting.points.filter(is_host=True).count() == 1

    tinh.locator("#action-invite summary").click()
    tinh.select_option("#invite_level", "commune")
    tinh.select_option("#invite_kind", label="Mặt trận Tổ quốc")
    tinh.fill("#invite_expected", "30")
    tinh.locator("#action-invite button[type=submit]").click()
    confirm(tinh)
    tinh.wait_for_load_state()
    communes = tinh.locator("#meeting-totals li[data-level=commune]")
    assert f"{fronts.count()}" in communes.inner_text()
    assert BridgePoint.objects.filter(meeting=meeting, level="commune").count() == fronts.count()

    xa = new_page(browser)
    sign_in(xa, demo_site, "xa@demo.danvan.vn")
    xa.goto(f"{demo_site}/meetings/{meeting.pk}/")
    point = BridgePoint.objects.get(meeting=meeting, organization=muong_xen)
    xa.fill(f"#confirm{point.pk}_attending", "28")
    xa.locator(f"#point-{point.pk} form[action$='/confirm/'] button[type=submit]").click()
    xa.wait_for_load_state()
    point.refresh_from_db()
    assert point.attending == 28 and point.confirmed_at is not None
    assert xa.console_errors == []

    tinh.reload()
    line = tinh.locator("#meeting-totals li[data-level=commune]").inner_text()
    assert "28" in line  # the delegates attending at the confirmed commune points
    tinh.locator("#action-conclusion summary").click()
    tinh.fill(
        "#conclusion_text",
        "Tổ chức hội nghị đối thoại với nhân dân về giải phóng mặt bằng Quốc lộ 7",
    )
    tinh.locator("#conclusion_organization_input").fill("mttq viet nam xa muong xen")
    tinh.locator("#conclusion_organization_listbox [role=option]").first.wait_for()
    tinh.keyboard.press("ArrowDown")
    tinh.keyboard.press("Enter")
    tinh.fill("#conclusion_due_on", (day + datetime.timedelta(days=20)).isoformat())
    tinh.locator("#action-conclusion button[type=submit]").click()
    tinh.wait_for_load_state()
    task = Conclusion.objects.get(meeting=meeting)
    assert task.organization == muong_xen
    assert tinh.locator(f"#conclusion-{task.pk}").is_visible()
    assert tinh.console_errors == []

    xa.goto(f"{demo_site}/")
    assert xa.locator(f'.dv-agenda > li[data-key="meetings.conclusion:{task.pk}"]').count() == 1


def test_a_leader_records_where_a_dissolved_district_commissions_work_went(
    demo_site: str, browser_page: Any
) -> None:
    """lanhdao opens the dissolved Kỳ Sơn district commission, names its successor with the
    picker and a reason; the page shows the successor, the history the reason."""
    page = browser_page
    sign_in(page, demo_site, "lanhdao@demo.danvan.vn")
    page.goto(f"{demo_site}/orgs/?q=ky+son&status=dissolved")
    page.click("table >> text=Ban Dân vận Huyện ủy Kỳ Sơn")
    page.get_by_role("link", name="Đổi đơn vị kế thừa").click()
    page.locator("#id_successor_input").fill("dang uy xa muong xen")
    page.locator("#id_successor_listbox [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.fill("#id_reason", "Quyết định sắp xếp tổ chức bộ máy năm 2025")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_selector("text=Đã ghi nhận đơn vị kế thừa.")
    assert "Đảng ủy xã Mường Xén" in page.locator("dl").first.inner_text()
    assert "Quyết định sắp xếp tổ chức bộ máy năm 2025" in page.locator("#history").inner_text()
    assert page.console_errors == []
