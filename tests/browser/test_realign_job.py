"""A translator presses R in the editor: the re-alignment runs as a job on the server, the
status area says how far it got (sentences done of total), the Re-align button and R are
disabled meanwhile, and once it is done the grid shows the new rows, undone by Ctrl+Z."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, axe_violations, demo_set

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def jobs_in_the_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Jobs run by the server's own thread pool, as `workbench serve` runs them; a re-align
    job holds still for a few seconds once it has read the rows, so it is seen running."""
    monkeypatch.setenv("WORKBENCH_JOBS_RUNNER", "threads")
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))
    monkeypatch.setenv("WORKBENCH_TEST_PAUSE_BEFORE_COMMIT", "5")


def stored_rows(server: LiveServer, set_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = server.get_json(f"/sets/{set_id}.json")["rows"]
    return rows


def settled(page: Any) -> None:
    """The edit in flight answered, swapped in, and the editor ready for the next one."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')"
                           " && !document.getElementById('grid').hasAttribute('aria-busy')")


def test_pressing_r_shows_the_jobs_progress_then_the_new_rows(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    aligned = stored_rows(live_server, set_id)
    page.goto(f"/sets/{set_id}/edit")
    page.wait_for_selector("#rows .erow")
    status = page.locator("#status")
    button = page.get_by_role("button", name="Re-align the rest")

    # A fix by hand first (the first two rows merged), which the re-alignment replaces.
    page.locator("#rows > .erow").first.locator(".sent").first.click()
    page.keyboard.press("m")
    settled(page)
    merged = stored_rows(live_server, set_id)
    assert len(merged) == len(aligned) - 1

    page.keyboard.press("r")
    # While the job runs: its progress in the live status area, the button disabled (both
    # seen at one moment), and R only says the progress again.
    page.wait_for_function("""() => {
        const said = document.getElementById('status').textContent;
        const button = document.querySelector('[data-op="realign"]');
        return /^Re-aligning… 0 of [\\d,]+ sentences$/.test(said) && button.disabled;
    }""")
    assert status.get_attribute("role") == "status"
    total = live_server.get_json("/jobs.json")[0]["total"]
    expect(status).to_have_text(f"Re-aligning… 0 of {total:,} sentences")
    bar = page.locator("#work-progress")  # the same, as a bar
    expect(bar).to_be_visible()
    assert bar.evaluate("b => [b.value, b.max]") == [0, total]
    page.keyboard.press("r")
    jobs = live_server.get_json("/jobs.json")
    assert [(j["kind"], j["state"]) for j in jobs] == [("realign", "running")]
    assert stored_rows(live_server, set_id) == merged  # nothing written yet
    assert axe_violations(page) == []

    # Done: the message of the edit (saying the fix by hand was aligned again), the button
    # back, and the grid showing the stored rows.
    expect(status).to_contain_text("Re-aligned", timeout=120_000)
    expect(status).to_contain_text("Ctrl+Z brings them back")
    expect(button).to_be_enabled()
    expect(bar).to_be_hidden()
    settled(page)
    realigned = stored_rows(live_server, set_id)
    assert len(realigned) > len(merged)
    assert page.locator("#rows > .erow").count() == len(realigned)
    first_row = page.locator("#rows > .erow").first.locator(".sent")
    assert first_row.all_inner_texts() == [t for lang in ("ru-RU", "en-GB", "fr-FR")
                                           for t in realigned[0]["cells"][lang]]
    job = live_server.get_json("/jobs.json")[0]
    assert job["state"] == "done" and job["done"] == job["total"] == total
    assert page.evaluate("document.activeElement.closest('#grid') !== null")

    # One undo step brings the merged rows back.
    page.keyboard.press("Control+z")
    settled(page)
    expect(page.locator("#rows > .erow")).to_have_count(len(merged))
    assert stored_rows(live_server, set_id) == merged


def test_a_failed_realign_says_why_in_the_alert(page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server, langs=("ru-RU", "en-GB"))
    rows = stored_rows(live_server, set_id)
    page.goto(f"/sets/{set_id}/edit")
    page.wait_for_selector("#rows .erow")
    # Every row confirmed: there is nothing to re-align, which the job says.
    page.locator("#rows > .erow").last.locator(".sent").first.click()
    page.keyboard.press("Shift+C")
    settled(page)
    page.keyboard.press("r")
    expect(page.locator("#alert")).to_contain_text("nothing left to re-align",
                                                   timeout=120_000)
    expect(page.get_by_role("button", name="Re-align the rest")).to_be_enabled()
    assert [r["cells"] for r in stored_rows(live_server, set_id)] == [r["cells"] for r in rows]
    assert live_server.get_json("/jobs.json")[0]["state"] == "failed"


def test_a_page_loaded_while_a_realign_runs_follows_it(page: Any,
                                                       live_server: LiveServer) -> None:
    """Reloading (or opening the set in another tab) during a re-align: the page shows the
    job's progress with Re-align disabled, and the new rows once it is done."""
    set_id = demo_set(live_server, langs=("ru-RU", "en-GB"))
    page.goto(f"/sets/{set_id}/edit")
    page.wait_for_selector("#rows .erow")
    page.locator("#rows > .erow").first.locator(".sent").first.click()
    page.keyboard.press("m")  # a fix by hand, which the re-alignment replaces
    settled(page)
    merged = stored_rows(live_server, set_id)
    page.keyboard.press("r")
    page.wait_for_function("() => document.querySelector('[data-op=\"realign\"]').disabled")

    page.reload()
    page.wait_for_selector("#rows .erow")
    button = page.get_by_role("button", name="Re-align the rest")
    expect(button).to_be_disabled()
    expect(page.locator("#status")).to_contain_text("Re-aligning")
    assert live_server.get_json("/jobs.json")[0]["state"] in ("queued", "running")

    expect(page.locator("#status")).to_contain_text("Re-aligned", timeout=120_000)
    expect(button).to_be_enabled()
    settled(page)
    realigned = stored_rows(live_server, set_id)
    assert len(realigned) == len(merged) + 1
    assert page.locator("#rows > .erow").count() == len(realigned)
