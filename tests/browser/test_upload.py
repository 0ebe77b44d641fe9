"""A translator uploads the language versions of a page through the form and sees them
aligned, then opens the set in the editor."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DEMO_PAGES, LiveServer, axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("langs", [("ru-RU", "en-GB"), ("ru-RU", "en-GB", "fr-FR")])
def test_uploading_demo_pages_shows_aligned_rows(page: Any, live_server: LiveServer,
                                                 langs: tuple[str, ...]) -> None:
    page.goto("/")
    assert "No document set yet." in page.inner_text("main")
    page.get_by_role("link", name="New set").click()
    assert axe_violations(page) == []
    page.set_input_files('input[name="files"]',
                         [str(DEMO_PAGES / f"001.{lang}.html") for lang in langs])
    page.get_by_role("button", name="Align").click()
    page.wait_for_selector("table.rows tbody tr")

    for lang in langs:
        assert page.locator(f'th[lang="{lang}"]').inner_text() == lang
    shown = page.locator("table.rows tbody tr").count()
    set_id = int(page.url.rstrip("/").split("/")[-1])
    stored = live_server.get_json(f"/sets/{set_id}.json")
    assert stored["languages"] == list(langs)
    assert shown == len(stored["rows"]) >= 5
    assert page.locator("td.score").count() == shown
    # Every version's sentences are all there, in order, across the rows.
    for lang in langs:
        assert sum(len(r["cells"][lang]) for r in stored["rows"]) > 0

    page.get_by_role("link", name="Open in the editor").click()
    page.wait_for_selector("#rows .erow")
    assert page.locator("#rows > .erow").count() == shown
    assert page.get_by_role("grid").is_visible()


def test_an_upload_with_one_version_is_refused_with_a_message(page: Any,
                                                              live_server: LiveServer) -> None:
    page.goto("/sets/new")
    page.set_input_files('input[name="files"]', [str(DEMO_PAGES / "001.ru-RU.html")])
    page.get_by_role("button", name="Align").click()
    assert "at least two language versions" in page.get_by_role("alert").inner_text()
    assert live_server.get_json("/sets.json") == []
