"""A terminologist settles the Council flag in Chromium, in place (the list keeps its
position, the next flag takes the focus), reopens and settles it again; the decision shows
in the row checks (the deprecated variant reported, its row number opening the editor at
that row, the CSV download) and in the exported TBX."""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:  # the N-way aligner is another engineer's module; terminology never calls it
    import alignments.multi  # noqa: F401
except ModuleNotFoundError:  # pragma: no cover - only while alignments.multi is missing
    _stub = types.ModuleType("alignments.multi")
    _stub.align_versions = lambda *args, **kwargs: []  # type: ignore[attr-defined]
    _stub.choose_pivot = lambda langs: "ru" if "ru" in langs else langs[0]  # type: ignore[attr-defined]
    sys.modules["alignments.multi"] = _stub

from werkzeug.serving import make_server  # noqa: E402

from workbench.app import create_app  # noqa: E402
from workbench.db import session_scope, upgrade  # noqa: E402
from workbench.terminology.flags import chosen_sets, flag_states  # noqa: E402
from workbench.terminology.gold import store_gold_corpus  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def terms_server(tmp_path: Path) -> Iterator[str]:
    """The workbench on a free local port, with the demo corpus stored through its gold."""
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    upgrade(url)
    with session_scope(url) as session:
        store_gold_corpus(session)
    with session_scope(url) as session:  # discovery ahead of the first page (it takes seconds)
        flag_states(session, chosen_sets(session, discovery=True))
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def terms_page(terms_server: str) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail("Debian's chromium is required here (/usr/bin/chromium)")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(accept_downloads=True, base_url=terms_server)
        page = context.new_page()
        page.set_default_timeout(60_000)  # generous: CI machines are busy
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_terminologist_settles_the_council_flag(terms_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page: Page = terms_page  # type: ignore[assignment]
    page.goto("/")
    page.get_by_role("link", name="Terminology").click()
    expect(page.get_by_role("heading", name="Terminology flags", level=1)).to_be_visible()

    flag = page.locator('article.flag[data-lang="en"]').filter(
        has=page.locator("h2 .variant", has_text="CSTO Ministerial Council"))
    expect(flag).to_have_count(1)
    key = flag.get_attribute("data-key")
    flag.get_by_text("Every occurrence in context").click()
    expect(flag.locator("mark", has_text="CSTO Ministerial Council")).to_be_visible()
    expect(flag.locator(".aligned [lang=ru]").filter(has_text="СМИД ОДКБ").first).to_be_visible()

    following = page.locator(f'article.flag[data-key="{key}"] ~ article.flag[data-status="open"]')
    next_key = following.first.get_attribute("data-key")
    page.evaluate("window.notReloaded = true")

    # The settle form proposes the terms in their dictionary form, the source term too
    # (the Russian names the council in the genitive as often as not), and lets them be
    # edited.
    expect(flag.get_by_label("Source term (ru)")).to_have_value(
        "Совет министров иностранных дел ОДКБ")
    expect(flag.get_by_label("term (dictionary form): CSTO Ministerial Council",
                             exact=True)).to_have_value("CSTO Ministerial Council")

    def settle() -> None:
        flag.locator('input[type=radio][value="CSTO Council of Foreign Ministers"]').check()
        # the preferred variant's status list is off; the others' on
        expect(flag.get_by_label("status of CSTO Council of Foreign Ministers",
                                 exact=True)).to_be_disabled()
        expect(flag.get_by_label("status of CSTO Ministerial Council",
                                 exact=True)).to_be_enabled()
        flag.get_by_label("status of CSTO Foreign Ministers Council", exact=True).select_option(
            "admitted")
        flag.get_by_role("button", name="Settle").click()

    settle()
    expect(page.get_by_role("status")).to_contain_text("Settled")
    # In place: the same page (no reload), the flag where it was in its new state, the list
    # not back at the top, and the next open flag's heading has the focus.
    expect(flag).to_have_attribute("data-status", "settled")
    assert page.evaluate("window.notReloaded === true")
    expect(page.locator(f"#flag-{next_key}")).to_be_focused()
    assert page.evaluate("window.scrollY") > 0

    # Reopened, it is open again (with its settle form); then settled for good.
    flag.get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("status")).to_contain_text("Reopened")
    expect(flag).to_have_attribute("data-status", "open")
    settle()
    expect(flag).to_have_attribute("data-status", "settled")
    assert page.evaluate("window.notReloaded === true")

    page.get_by_role("link", name="Check rows against the termbase").click()
    # The issues whose marked use is that name (a row may use two deprecated names).
    deprecated = page.locator('tr.issue[data-kind="deprecated"]').filter(
        has=page.locator("mark", has_text=re.compile(r"^CSTO Ministerial Council$")))
    expect(deprecated.first).to_be_visible()
    expect(deprecated.first.locator("mark")).to_have_text("CSTO Ministerial Council")
    expect(page.locator('tr.issue[data-kind="deprecated"]').filter(
        has_text="'CSTO Foreign Ministers Council' used")).to_have_count(0)
    # Nothing reported twice: the deprecated use's row has no "preferred missing" besides.
    used_at = deprecated.first.locator("a.row-link").get_attribute("href")
    expect(page.locator(f'tr.issue[data-kind="missing-preferred"]:has(a[href="{used_at}"])')
           ).to_have_count(0)

    with page.expect_download() as csv_info:
        page.get_by_role("link", name="Download CSV").click()
    saved_csv = tmp_path / "checks.csv"
    csv_info.value.save_as(saved_csv)
    table = list(csv.reader(io.StringIO(saved_csv.read_text(encoding="utf-8-sig"))))
    assert table[0][:3] == ["Set", "Set name", "Row"]
    assert any(r[5] == "CSTO Ministerial Council" and "/edit#row-" in r[-1] for r in table[1:])

    # The row number opens the editor at that row.
    link = deprecated.first.locator("a.row-link")
    number = link.inner_text()
    href = link.get_attribute("href") or ""
    row_id = href.rsplit("#row-", 1)[1]
    link.click()
    page.wait_for_url(f"**{href}")
    row = page.locator(f"#row-{row_id}")
    expect(row).to_be_in_viewport()
    expect(row.locator(".num")).to_have_text(number)

    page.goto("/terms/checks")
    page.get_by_role("link", name="Terminology flags").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download TBX").click()
    saved = tmp_path / "termbase.tbx"
    info.value.save_as(saved)
    tbx = saved.read_text(encoding="utf-8")
    assert 'type="TBX-Basic"' in tbx
    assert "<term>CSTO Ministerial Council</term>" in tbx
    council = tbx.split("<term>CSTO Ministerial Council</term>")[1]
    assert council.lstrip().startswith(
        '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>')
    assert "<term>CSTO Council of Foreign Ministers</term>" in tbx
    assert 'xml:lang="ru-RU"' in tbx


def test_a_flag_settled_in_another_tab_shows_settled_here(terms_page: object) -> None:
    """Two tabs on the flags: the second settles the Council flag; the first, still showing
    it open, tries to settle it too and is refused (409), and then shows it settled, with
    the reason in the status line, not the settle form of a decision already taken."""
    from playwright.sync_api import Page, expect

    first: Page = terms_page  # type: ignore[assignment]
    second = first.context.new_page()
    for page in (first, second):
        page.goto("/terms/")

    def council(page: Page) -> Any:
        return page.locator('article.flag[data-lang="en"]').filter(
            has=page.locator("h2 .variant", has_text="CSTO Ministerial Council"))

    council(second).get_by_role("button", name="Settle").click()
    expect(council(second)).to_have_attribute("data-status", "settled")

    flag = council(first)
    expect(flag).to_have_attribute("data-status", "open")
    first.evaluate("window.notReloaded = true")
    flag.get_by_role("button", name="Settle").click()
    expect(flag).to_have_attribute("data-status", "settled")
    expect(flag.get_by_role("button", name="Settle")).to_have_count(0)
    expect(flag.get_by_role("button", name="Reopen")).to_be_visible()
    expect(first.get_by_role("status")).to_contain_text(
        "This flag was already settled. It was changed in another tab")
    expect(flag.locator("h2")).to_be_focused()
    assert first.evaluate("window.notReloaded === true")
