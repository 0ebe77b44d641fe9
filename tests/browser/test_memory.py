"""A translator imports a TMX from a CAT tool into the memory, searches it, and downloads the
whole memory in two languages of their choice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, axe_violations, demo_set
from tests.workbench.test_memory import memory_tmx
from tmx import read_tmx, validate_tmx

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def jobs_in_the_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Imports and exports run in the server's own thread pool, as `workbench serve` runs
    them."""
    monkeypatch.setenv("WORKBENCH_JOBS_RUNNER", "threads")
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))


def test_import_search_and_export_the_memory(page: Any, live_server: LiveServer,
                                             tmp_path: Path) -> None:
    demo_set(live_server, "000", ("ru-RU", "en-GB", "fr-FR"))
    upload = tmp_path / "omegat.tmx"
    upload.write_bytes(memory_tmx())

    page.goto("/memory/")
    assert axe_violations(page) == []
    page.set_input_files('input[name="file"]', str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    # The import is a job, in the server's own threads; its page goes on to the memory.
    page.wait_for_url("**/memory/?imported=*")
    assert "omegat.tmx: 5 units imported." in page.get_by_role("status").inner_text()

    page.get_by_role("searchbox").fill("Monday")
    page.get_by_role("searchbox").press("Enter")
    assert "The ministers met in Moscow on" in page.inner_text("main")
    page.goto("/memory/")

    form = page.locator("form.memory-export")
    for code in ("de-DE", "fr-FR"):
        form.get_by_label(code, exact=True).uncheck()
    form.get_by_label("Source language").select_option("en-GB")
    form.get_by_role("button", name="Download TMX").click()
    # The export is a job too: its page offers the file once it is written.
    page.wait_for_url("**/jobs/*")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download memory.tmx").click()
    download = download_info.value
    assert download.suggested_filename == "memory.tmx"
    data = Path(download.path()).read_bytes()
    assert validate_tmx(data) == []
    header, units = read_tmx(io.BytesIO(data))
    units = list(units)
    assert header.srclang == "en-GB"
    assert {v.lang for u in units for v in u.variants} == {"en-GB", "ru-RU"}
    assert any(u.text("en-GB") == "The ministers met in Moscow on Monday." for u in units)
    assert sum(1 for u in units if "x-row" in dict(u.properties)) >= 10  # the set's rows


def test_removing_an_imported_file_asks_first(page: Any, live_server: LiveServer,
                                              tmp_path: Path) -> None:
    upload = tmp_path / "omegat.tmx"
    upload.write_bytes(memory_tmx())
    page.goto("/memory/")
    page.set_input_files('input[name="file"]', str(upload))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/memory/?imported=*")
    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Remove omegat.tmx").click()
    page.wait_for_timeout(300)
    assert asked == ["Remove omegat.tmx and its 5 units from the memory of the whole team? "
                     "This cannot be undone."]
    assert "omegat.tmx" in page.locator("table").inner_text()  # kept: the answer was no
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.get_by_role("button", name="Remove omegat.tmx").click()
    page.wait_for_url("**/memory/?removed=*")
    assert page.get_by_role("button", name="Remove omegat.tmx").count() == 0
