"""The main path in a real browser: Debian's Chromium driven by Playwright, no download."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from danvan.org import demo

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
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
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,  # type: ignore[attr-defined]
        )
        yield page
        context.close()
        browser.close()


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
