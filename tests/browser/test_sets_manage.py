"""A translator renames a set, downloads it through the export dialog, and deletes it after
confirming (issue 13), in Chromium with the workbench's own Content-Security-Policy."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, axe_violations, demo_set

pytestmark = pytest.mark.browser


def test_the_export_dialog_downloads_named_files(page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    page.goto(f"/sets/{set_id}")
    page.get_by_text("Rename", exact=True).first.click()  # the <details> summary
    page.get_by_label("New name").fill("CSTO Council 2019")
    page.get_by_role("button", name="Rename").click()
    page.wait_for_selector("h1:text('CSTO Council 2019')")
    assert "The set is now called “CSTO Council 2019”." in page.get_by_role("status").inner_text()

    page.get_by_text("Export…", exact=True).click()
    dialog = page.get_by_role("form", name="Export as TMX")
    assert dialog.is_visible()
    assert axe_violations(page) == []
    dialog.get_by_label("fr-FR").uncheck()
    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "csto-council-2019.ru-en.tmx"
    data = Path(download.path()).read_bytes()
    assert b'srclang="ru-RU"' in data and b"fr-FR" not in data

    dialog.get_by_label("fr-FR").check()
    dialog.get_by_label("A zip of one TMX file per language pair").check()
    dialog.get_by_label("Source language").select_option("en-GB")
    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "csto-council-2019.en-ru-fr.pairs.zip"
    with zipfile.ZipFile(download.path()) as zipped:
        assert sorted(zipped.namelist()) == ["csto-council-2019.en-fr.tmx",
                                             "csto-council-2019.en-ru.tmx"]

    # The source unticked, the source list left on it: the file leaves it out.
    dialog.get_by_label("One multilingual TMX file").check()
    dialog.get_by_label("Source language").select_option("ru-RU")
    dialog.get_by_label("ru-RU").uncheck()
    with page.expect_download() as download_info:
        dialog.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "csto-council-2019.en-fr.tmx"
    data = Path(download.path()).read_bytes()
    assert b"ru-RU" not in data and b'srclang="en-GB"' in data

    # One language ticked: refused, saying why.
    dialog.get_by_label("fr-FR").uncheck()
    dialog.get_by_role("button", name="Download").click()
    page.wait_for_selector("text=A TMX needs at least two languages, and only en-GB was chosen.")


def test_deleting_a_set_asks_first_then_removes_it(page: Any, live_server: LiveServer) -> None:
    kept = demo_set(live_server, "001", ("ru-RU", "en-GB"))
    doomed = demo_set(live_server, "002", ("ru-RU", "en-GB"))
    name = live_server.get_json(f"/sets/{doomed}.json")["name"]
    page.goto("/")
    page.locator(f'a[href="/sets/{doomed}/delete"]').click()
    page.get_by_role("heading", name=f"Delete “{name}”?").wait_for()  # the page, loaded
    said = page.locator("main").inner_text()
    assert "Its rows leave the translation memory, the concordance and fuzzy search, and the " \
           "terminology flags." in said
    assert axe_violations(page) == []

    # Keeping it changes nothing.
    page.get_by_role("link", name="Keep it").click()
    page.wait_for_url(f"**/sets/{doomed}")
    assert [s["id"] for s in live_server.get_json("/sets.json")] == [kept, doomed]

    page.get_by_role("link", name="Delete the set…").click()
    page.get_by_role("button", name="Delete the set").click()
    page.wait_for_url("**/")
    assert f"The set “{name}” was deleted." in page.get_by_role("status").inner_text()
    assert [s["id"] for s in live_server.get_json("/sets.json")] == [kept]
    assert page.locator(f'a[href="/sets/{doomed}"]').count() == 0
