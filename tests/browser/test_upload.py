"""A translator uploads the language versions of a page through the form, watches the job
align them (the button disabled meanwhile, a progress bar), and lands in the editor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PAGES, LiveServer, axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def jobs_in_the_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Uploads aligned by the server's own thread pool, as `workbench serve` does, and
    held a few seconds before they are stored, so that the job's page is seen."""
    monkeypatch.setenv("WORKBENCH_JOBS_RUNNER", "threads")
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))
    monkeypatch.setenv("WORKBENCH_TEST_PAUSE_BEFORE_COMMIT", "5")


@pytest.mark.parametrize("langs", [("ru-RU", "en-GB"), ("ru-RU", "en-GB", "fr-FR")])
def test_uploading_demo_pages_shows_progress_then_the_editor(
        page: Any, live_server: LiveServer, langs: tuple[str, ...]) -> None:
    page.goto("/")
    assert "No document set yet." in page.inner_text("main")
    page.get_by_role("link", name="New set").click()
    assert axe_violations(page) == []
    page.set_input_files('input[name="files"]',
                         [str(DEMO_PAGES / f"001.{lang}.html") for lang in langs])
    # What the button says once the form is sent (kept in the tab's sessionStorage, which
    # outlives the page): this listener runs after the workbench's own.
    page.evaluate("""() => document.addEventListener("submit", () => {
        const b = document.querySelector("form.new-set button[type=submit]");
        sessionStorage.setItem("sent", JSON.stringify([b.disabled, b.textContent]));
    })""")
    page.get_by_role("button", name="Align").click()

    # The job's page: its progress, sentences done of total, polled until it is done.
    page.wait_for_url("**/jobs/*")
    expect(page.locator("#job-progress progress")).to_be_visible()
    expect(page.locator("#job-progress")).to_contain_text("sentences done")
    assert page.get_by_role("button", name="Cancel").is_visible()
    assert page.evaluate("sessionStorage.getItem('sent')") == '[true,"Uploading…"]'
    assert axe_violations(page) == []
    job = live_server.get_json("/jobs.json")[0]
    assert job["kind"] == "align" and job["state"] in ("queued", "running")

    # Then straight into the editor of the new set.
    page.wait_for_url("**/sets/*/edit")
    page.wait_for_selector("#rows .erow")
    set_id = int(page.url.rstrip("/").split("/")[-2])
    stored = live_server.get_json(f"/sets/{set_id}.json")
    assert stored["languages"] == list(langs)
    assert page.locator("#rows > .erow").count() == len(stored["rows"]) >= 5
    assert page.get_by_role("grid").is_visible()
    # Every version's sentences are all there, in order, across the rows.
    for lang in langs:
        assert sum(len(r["cells"][lang]) for r in stored["rows"]) > 0
    finished = live_server.get_json("/jobs.json")[0]
    assert finished["state"] == "done" and finished["done"] == finished["total"]


def test_the_jobs_page_lists_the_upload_with_a_link_to_its_set(page: Any,
                                                               live_server: LiveServer) -> None:
    page.goto("/sets/new")
    page.set_input_files('input[name="files"]',
                         [str(DEMO_PAGES / f"004.{lang}.html") for lang in ("ru-RU", "de-DE")])
    page.get_by_role("button", name="Align").click()
    page.wait_for_url("**/sets/*/edit")
    page.get_by_role("link", name="Jobs").click()
    row = page.locator("table.jobs tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.state")).to_have_text("Done")
    row.get_by_role("link", name="Open the new set in the editor").click()
    page.wait_for_selector("#rows .erow")


def test_an_upload_with_one_version_is_refused_with_a_message(page: Any,
                                                              live_server: LiveServer) -> None:
    page.goto("/sets/new")
    page.set_input_files('input[name="files"]', [str(DEMO_PAGES / "001.ru-RU.html")])
    page.get_by_role("button", name="Align").click()
    assert "at least two language versions" in page.get_by_role("alert").inner_text()
    assert live_server.get_json("/sets.json") == []
