"""A translator corrects a demo set in Chromium with the keyboard: merge, split, move, own
row, edit, undo, redo, confirm, re-align, reload. Each step is checked on the page and in
what is stored (/sets/<id>.json), and the exported TMX carries the result."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, axe_violations, demo_set

pytestmark = pytest.mark.browser

# the README's picture: WORKBENCH_SCREENSHOT=docs/screenshot.png pytest -m browser -k screenshot
SCREENSHOT = os.environ.get("WORKBENCH_SCREENSHOT")


def stored(server: LiveServer, set_id: int) -> dict[str, Any]:
    data: dict[str, Any] = server.get_json(f"/sets/{set_id}.json")
    return data


def open_editor(page: Any, set_id: int, query: str = "") -> None:
    page.goto(f"/sets/{set_id}/edit{query}")
    page.wait_for_selector("#rows .erow")


def shown_rows(page: Any) -> int:
    return int(page.locator("#rows > .erow").count())


def focused(page: Any) -> dict[str, Any]:
    """Where the keyboard focus is: the row's position on screen, the language, the text."""
    info: dict[str, Any] = page.evaluate("""() => {
        const el = document.activeElement;
        const row = el.closest('#rows > .erow');
        const cell = el.closest('.cell');
        return {inGrid: !!el.closest('#grid'), tag: el.tagName,
                row: row ? Array.from(row.parentNode.children).indexOf(row) : -1,
                lang: cell ? cell.dataset.lang : null,
                sentence: el.dataset.sentence || null, text: el.textContent,
                tabbable: document.querySelectorAll('#grid [tabindex="0"]').length};
    }""")
    return info


def settle(page: Any) -> None:
    """Wait for the operation in flight to be answered and swapped in."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(120)


def press(page: Any, keys: str) -> None:
    page.keyboard.press(keys)
    settle(page)


def sentence(page: Any, row: int, lang: str, n: int = 0) -> Any:
    return page.locator(f"#rows > .erow >> nth={row}").locator(
        f'.cell[data-lang="{lang}"] .sent').nth(n)


def scroll_to(item: Any) -> Any:
    """Scroll a far row into sight as a reader's scroll wheel would, and let it settle.

    Rows off screen are not laid out (content-visibility); leaving the scroll to the click
    makes it wait for a row whose neighbours are still taking their height.
    """
    item.evaluate("el => el.scrollIntoView({block: 'center'})")
    # while rows around it still take their height it moves: scrolled to again each time,
    # until it stays put for a frame (on a loaded machine that takes a few rounds)
    item.page.wait_for_function("""el => new Promise(done => requestAnimationFrame(() => {
        const before = el.getBoundingClientRect().top;
        requestAnimationFrame(() => {
            const still = el.getBoundingClientRect().top === before;
            if (!still) el.scrollIntoView({block: 'center'});
            done(still);
        });
    }))""", arg=item.element_handle())
    return item


def test_translator_corrects_a_set_with_the_keyboard(page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    start = stored(live_server, set_id)
    rows = len(start["rows"])
    open_editor(page, set_id)
    assert shown_rows(page) == rows
    assert page.get_by_role("columnheader", name="Russian (Russia) ru-RU").is_visible()

    # Merge row 2 with row 3 (all languages), then undo and redo it.
    sentence(page, 1, "ru-RU").click()
    press(page, "m")
    assert shown_rows(page) == rows - 1
    after_merge = stored(live_server, set_id)
    assert len(after_merge["rows"]) == rows - 1
    assert after_merge["rows"][1]["cells"]["en-GB"] == (
        start["rows"][1]["cells"]["en-GB"] + start["rows"][2]["cells"]["en-GB"])
    where = focused(page)
    assert where["inGrid"] and where["row"] == 1 and where["tabbable"] == 1
    assert page.locator("#rows > .erow >> nth=1").locator(".num").inner_text() == "2"
    assert page.locator("#rows > .erow >> nth=2").locator(".num").inner_text() == "3"

    press(page, "Control+z")
    assert stored(live_server, set_id)["rows"] == start["rows"]
    assert shown_rows(page) == rows and focused(page)["inGrid"]
    press(page, "Control+y")
    assert stored(live_server, set_id)["rows"] == after_merge["rows"]
    press(page, "Control+z")
    assert stored(live_server, set_id)["rows"] == start["rows"]

    # Split a long English sentence at a word boundary chosen with the cursor.
    k = next(n for n, r in enumerate(start["rows"][3:-2], 3)
             if len(r["cells"]["en-GB"]) == 1 and r["cells"]["en-GB"][0].count(" ") > 8)
    target = sentence(page, k, "en-GB")
    text = target.inner_text()
    cut = text.index(" ", len(text) // 2)
    target.click()
    page.keyboard.press("s")
    box = page.locator("textarea.sent-editor")
    assert box.is_visible()
    page.keyboard.press("x")  # choosing where to split does not change the text
    assert box.input_value() == text
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+Home")  # the caret moves with the keyboard alone
    for _ in range(cut):
        page.keyboard.press("ArrowRight")
    assert box.evaluate("b => b.selectionStart") == cut
    press(page, "Enter")
    cell = stored(live_server, set_id)["rows"][k]["cells"]["en-GB"]
    assert cell == [text[:cut], text[cut + 1:]]
    where = focused(page)
    assert where["text"] == text[cut + 1:] and where["row"] == k

    # Move that second half into the row below, then give it a row of its own.
    press(page, "Alt+ArrowDown")
    data = stored(live_server, set_id)
    assert data["rows"][k + 1]["cells"]["en-GB"][0] == text[cut + 1:]
    assert focused(page)["text"] == text[cut + 1:]
    press(page, "i")
    data = stored(live_server, set_id)
    assert len(data["rows"]) == rows + 1
    alone = next(r for r in data["rows"] if r["cells"]["en-GB"] == [text[cut + 1:]])
    assert alone["cells"]["ru-RU"] == [] and alone["cells"]["fr-FR"] == []
    assert shown_rows(page) == rows + 1 and focused(page)["text"] == text[cut + 1:]

    # Edit the text of the first French sentence; Enter saves.
    sentence(page, 0, "fr-FR").click()
    page.keyboard.press("F2")
    page.keyboard.press("End")
    page.keyboard.type(" (révisé)")
    press(page, "Enter")
    first_fr = stored(live_server, set_id)["rows"][0]["cells"]["fr-FR"][0]
    assert first_fr.endswith(" (révisé)")
    assert focused(page)["text"] == first_fr

    # Confirm row 1 (the focus goes on to row 2), then everything down to row 3.
    press(page, "c")
    assert focused(page)["row"] == 1
    while focused(page)["row"] < 2:
        page.keyboard.press("ArrowDown")
    press(page, "Shift+C")
    data = stored(live_server, set_id)
    assert [r["status"] for r in data["rows"][:3]] == ["confirmed"] * 3
    assert page.locator("#rows > .erow.confirmed").count() == 3

    # Re-align below the last confirmed row: the confirmed rows stay as they were.
    press(page, "r")
    realigned = stored(live_server, set_id)
    assert realigned["rows"][:3] == data["rows"][:3]
    assert all(r["status"] == "auto" for r in realigned["rows"][3:])
    assert focused(page)["inGrid"]

    # A reload shows what is stored, and undo still reaches back across it.
    page.reload()
    page.wait_for_selector("#rows .erow")
    assert shown_rows(page) == len(realigned["rows"])
    assert page.locator("#rows > .erow.confirmed").count() == 3
    page.get_by_role("button", name="Undo").click()
    settle(page)
    assert stored(live_server, set_id)["rows"] == data["rows"]

    assert axe_violations(page) == []


def test_the_exported_tmx_carries_the_edits(page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    target = sentence(page, 1, "en-GB")
    text = target.inner_text()
    cut = text.index(" ", len(text) // 2)
    target.click()
    page.keyboard.press("s")
    page.evaluate(f"() => document.querySelector('textarea.sent-editor')"
                  f".setSelectionRange({cut}, {cut})")
    press(page, "Enter")
    press(page, "i")  # the second half alone in its row: a unit of its own, English only
    sentence(page, 0, "fr-FR").click()
    page.keyboard.press("F2")
    page.keyboard.press("End")
    page.keyboard.type(" (révisé)")
    press(page, "Enter")

    tmx = live_server.get_bytes(f"/sets/{set_id}/export.tmx").decode("utf-8")
    assert "(révisé)</seg>" in tmx
    assert f"<seg>{text[:cut]}</seg>" in tmx
    assert text[cut + 1:] not in tmx  # no counterpart: not a translation unit


def test_the_help_dialog_lists_the_shortcuts_and_gives_the_focus_back(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    sentence(page, 3, "en-GB").click()  # not the first row: focus must come back here
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.is_visible()
    assert dialog.get_by_role("cell", name="Merge the row with the next row").is_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert focused(page)["row"] == 3 and focused(page)["lang"] == "en-GB"


def test_arrow_keys_move_a_single_focus_through_the_grid(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    page.keyboard.press("Tab")
    while not focused(page)["inGrid"]:
        page.keyboard.press("Tab")
    assert focused(page)["lang"] == "ru-RU" and focused(page)["row"] == 0
    page.keyboard.press("ArrowRight")
    assert focused(page)["lang"] == "en-GB"
    page.keyboard.press("Home")
    assert focused(page)["lang"] is None
    page.keyboard.press("Control+End")
    assert focused(page)["row"] == shown_rows(page) - 1
    assert focused(page)["tabbable"] == 1
    page.keyboard.press("Control+Home")
    page.keyboard.press("n")
    where = focused(page)
    looks = page.evaluate("() => Array.from(document.querySelectorAll('#rows > .erow'))"
                          ".findIndex(r => r.classList.contains('look'))")
    assert where["row"] == looks


def test_n_goes_to_the_version_the_aligner_is_unsure_of(
        page: Any, live_server: LiveServer) -> None:
    from sqlalchemy import update

    from workbench.db import session_scope
    from workbench.models import Row

    set_id = demo_set(live_server)
    with session_scope(live_server.database_url) as session:
        session.execute(update(Row).where(Row.set_id == set_id).values(
            score=0.99, cell_scores=None))
        session.execute(update(Row).where(Row.set_id == set_id, Row.position == 2).values(
            score=0.4, cell_scores='{"en-GB":0.99,"fr-FR":0.4}'))
    open_editor(page, set_id)
    marked = page.locator("#rows > .erow").nth(2).locator(".cell.unsure")
    assert marked.count() == 1 and marked.get_attribute("lang") == "fr-FR"
    assert marked.evaluate("c => getComputedStyle(c).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.keyboard.press("Tab")
    while not focused(page)["inGrid"]:
        page.keyboard.press("Tab")
    page.keyboard.press("n")
    assert focused(page)["row"] == 2 and focused(page)["lang"] == "fr-FR"


def test_n_goes_to_the_pivot_where_its_sentence_is_the_odd_one(
        page: Any, live_server: LiveServer) -> None:
    # A relay page's five versions, where the Russian pivot has a sentence no other version
    # has: every other version is aligned to the Russian, and N went to the English, the
    # first of the four versions marked beside it. The Russian is the one to read.
    import json

    from tests.conftest import ROOT
    from workbench.db import session_scope
    from workbench.importers import read_version
    from workbench.sets import create_set

    relay = json.loads((ROOT / "bench" / "corpora" / "relay" / "gold" / "800.json")
                       .read_text(encoding="utf-8"))
    gold = relay["rows"][:12]
    versions = [read_version(" ".join(s for row in gold for s in row.get(lang, [])).encode(),
                             f"800.{lang}.txt", lang=lang) for lang in relay["langs"]]
    with session_scope(live_server.database_url) as session:
        set_id = create_set(session, versions).id
    open_editor(page, set_id)
    odd = page.evaluate("() => Array.from(document.querySelectorAll('#rows > .erow'))"
                        ".findIndex(r => r.textContent.includes('Куртинами называют'))")
    assert odd >= 0
    page.keyboard.press("Tab")
    while not focused(page)["inGrid"]:
        page.keyboard.press("Tab")
    for _ in range(shown_rows(page)):
        page.keyboard.press("n")
        if focused(page)["row"] == odd:
            break
    assert focused(page)["row"] == odd and focused(page)["lang"] == "ru-RU"


def test_a_stale_edit_from_a_second_tab_is_refused_and_the_page_refreshed(
        page: Any, browser_context: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    second = browser_context.new_page()
    open_editor(second, set_id)
    sentence(second, 0, "ru-RU").click()
    press(second, "c")
    assert stored(live_server, set_id)["rows"][0]["status"] == "confirmed"

    rows = shown_rows(page)
    sentence(page, 0, "en-GB").click()
    press(page, "m")
    alert = page.get_by_role("alert")
    assert "changed in another tab" in alert.inner_text()
    assert shown_rows(page) == rows and len(stored(live_server, set_id)["rows"]) == rows
    assert page.locator("#rows > .erow >> nth=0").get_attribute("class").split()[1] == \
        "confirmed"
    assert focused(page)["inGrid"]
    press(page, "m")  # the page now carries the fresh revision: the merge goes through
    assert len(stored(live_server, set_id)["rows"]) == rows - 1
    assert alert.inner_text() == ""


def test_a_message_takes_no_click_and_hides_no_focused_row(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    sentence(page, 0, "en-GB").click()
    press(page, "Control+End")  # the last row: a merge below it is refused, and said
    press(page, "m")
    alert = page.get_by_role("alert")
    assert "last row" in alert.inner_text()
    box = alert.bounding_box()
    assert box is not None
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).id",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit != "alert"  # a click there reaches what is under the message
    for _ in range(8):  # walking up: the focused row is never under the message
        press(page, "ArrowUp")
        row = page.evaluate("() => document.activeElement.closest('.erow')"
                            ".getBoundingClientRect().bottom")
        assert row <= alert.bounding_box()["y"] + 1


def test_text_typed_in_the_edit_box_is_kept_when_the_box_is_left(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    sentence(page, 1, "en-GB").click()
    page.keyboard.press("F2")
    page.keyboard.press("End")
    page.keyboard.type(" (checked)")
    press(page, "Tab")  # leaves the box: saved, as Enter would
    saved = stored(live_server, set_id)["rows"][1]["cells"]["en-GB"][0]
    assert saved.endswith(" (checked)")
    assert focused(page)["inGrid"] and focused(page)["text"] == saved
    page.keyboard.press("F2")
    page.keyboard.type(" twice")
    press(page, "Escape")  # Escape still drops what was typed, nothing is sent
    assert stored(live_server, set_id)["rows"][1]["cells"]["en-GB"][0] == saved
    assert focused(page)["text"] == saved


def test_a_refusal_from_sign_in_frees_the_editor_and_says_why(
        page: Any, live_server: LiveServer) -> None:
    from sqlalchemy import select

    from workbench.accounts.store import add_account
    from workbench.db import session_scope
    from workbench.models import Row

    set_id = demo_set(live_server)
    open_editor(page, set_id)
    # an administrator sets up accounts while the page is open: its next change is refused
    with session_scope(live_server.database_url) as session:
        add_account(session, "ada", "administrator", "a long enough password 1")
    sentence(page, 0, "ru-RU").click()
    press(page, "c")
    alert = page.get_by_role("alert")
    assert "Sign in first" in alert.inner_text()
    assert page.locator("#grid").get_attribute("aria-busy") is None
    with session_scope(live_server.database_url) as session:
        assert "confirmed" not in session.scalars(
            select(Row.status).where(Row.set_id == set_id)).all()
    assert focused(page)["inGrid"]
    press(page, "m")  # the editor still answers: refused again, said again
    assert "Sign in first" in alert.inner_text()


def test_n_enters_the_grid_at_a_row_that_needs_a_look(page: Any,
                                                      live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    assert not focused(page)["inGrid"]  # nothing clicked yet
    press(page, "n")
    where = focused(page)
    assert where["inGrid"]
    row = page.locator("#rows > .erow").nth(where["row"])
    assert "look" in (row.get_attribute("class") or "").split()


def test_n_with_no_row_to_check_says_so_and_keeps_the_focus_in_the_grid(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    sentence(page, 0, "en-GB").click()
    press(page, "Control+End")
    press(page, "Shift+C")  # every row confirmed: none needs a look
    open_editor(page, set_id)  # afresh, nothing focused yet
    press(page, "n")
    assert "No row needs a look" in page.locator("#status").inner_text()
    assert focused(page)["inGrid"]


def test_a_message_is_in_sight_far_down_the_grid(
        page: Any, browser_context: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id)
    last = shown_rows(page) - 2
    second = browser_context.new_page()
    open_editor(second, set_id)
    sentence(second, 0, "ru-RU").click()
    press(second, "c")

    sentence(page, last, "en-GB").click()  # far below the toolbar
    press(page, "m")
    alert = page.get_by_role("alert")
    assert "changed in another tab" in alert.inner_text()
    box = alert.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
    assert page.evaluate("() => window.scrollY") > 0  # the page did not jump to the top


def test_columns_can_be_chosen_and_ordered_and_the_interface_localised(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    open_editor(page, set_id, "?langs=fr-FR,ru-RU&ui=ru")
    headers = page.locator(".ehead [role=columnheader] code").all_inner_texts()
    assert headers == ["fr-FR", "ru-RU"]
    assert page.get_by_role("columnheader", name="французский (Франция) fr-FR").is_visible()
    assert page.get_by_role("button", name="Отменить").count() == 1
    page.get_by_text("Столбцы").click()
    page.get_by_role("link", name="Показать английский (Великобритания)").click()
    page.wait_for_selector("#rows .erow")
    assert page.locator(".ehead [role=columnheader] code").all_inner_texts() == [
        "fr-FR", "ru-RU", "en-GB"]

    # The switcher remembers the interface language (a cookie) on every page.
    page.get_by_label("Язык интерфейса").select_option("de")
    page.get_by_role("button", name="Сменить").click()
    page.wait_for_selector("#rows .erow")
    assert page.get_by_role("button", name="Rückgängig").count() == 1
    assert axe_violations(page) == []
    page.get_by_role("link", name="Dokumentsätze").click()
    heading = page.get_by_role("heading", name="Dokumentsätze")
    heading.wait_for()  # the list page, loaded (is_visible() does not wait for it)
    assert heading.is_visible()


def test_screenshot_of_the_editor_on_the_demo_corpus(page: Any, live_server: LiveServer,
                                                     tmp_path: Path) -> None:
    set_id = demo_set(live_server, "000")
    open_editor(page, set_id, "?langs=ru-RU,en-GB,fr-FR")
    sentence(page, 1, "en-GB").click()
    page.keyboard.press("c")
    settle(page)
    picture = Path(SCREENSHOT) if SCREENSHOT else tmp_path / "editor.png"
    picture.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(picture))
    assert picture.stat().st_size > 20_000


def test_a_2000_row_set_opens_scrolls_and_merges(page: Any, live_server: LiveServer) -> None:
    """Behaviour only: the times are bench/editor_latency.py's to print, not to assert."""
    from bench.editor_latency import build_set

    set_id = build_set(live_server.database_url, 2000)
    page.goto(f"/sets/{set_id}/edit")
    page.wait_for_selector("#rows .erow")
    assert shown_rows(page) == 2000
    sentence(page, 0, "en-GB").click()
    for _ in range(20):
        page.keyboard.press("PageDown")
    page.keyboard.press("Control+End")
    assert focused(page)["row"] == 1999
    press(page, "Control+Home")
    scroll_to(sentence(page, 1000, "ru-RU")).click()
    press(page, "m")
    assert shown_rows(page) == 1999
    assert page.locator("#rows > .erow").last.locator(".num").text_content() == "1999"

    # Confirm everything down to the last row: the whole grid comes back in one piece.
    page.keyboard.press("Control+End")
    press(page, "Shift+C")
    assert page.locator("#confirmed-count").inner_text().strip() == \
        "1999 of 1999 rows confirmed"
    assert page.locator("#rows > .erow.confirmed").count() == 1999
    assert all(r["status"] == "confirmed" for r in stored(live_server, set_id)["rows"])
    assert focused(page)["inGrid"] and focused(page)["row"] == 1998
    press(page, "Control+z")  # and back
    assert page.locator("#rows > .erow.confirmed").count() == 200
    assert focused(page)["inGrid"]


# A laptop: the README's picture of it, WORKBENCH_LAPTOP_SCREENSHOT=docs/editor-1280x720.png
LAPTOP_SCREENSHOT = os.environ.get("WORKBENCH_LAPTOP_SCREENSHOT")
ROWS_IN_SIGHT = """() => Array.from(document.querySelectorAll('#rows > .erow')).filter(row => {
    const box = row.getBoundingClientRect();
    return !row.hidden && box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}).length"""


def column_width(page: Any, lang: str) -> float:
    box = page.locator(f'.ehead [data-column="{lang}"]').bounding_box()
    assert box is not None
    return float(box["width"])


def test_a_laptop_screen_shows_six_rows_and_the_layout_is_remembered(
        page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    set_id = demo_set(live_server)
    page.set_viewport_size({"width": 1280, "height": 720})
    open_editor(page, set_id)
    compact = page.get_by_role("button", name="Compact")
    assert compact.get_attribute("aria-pressed") == "true"  # a low window starts compact
    assert page.evaluate(ROWS_IN_SIGHT) >= 6
    sentence(page, 1, "en-GB").click()
    picture = Path(LAPTOP_SCREENSHOT) if LAPTOP_SCREENSHOT else tmp_path / "laptop.png"
    picture.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(picture))
    assert picture.stat().st_size > 20_000

    # Widen English by dragging its edge, hide French, leave the compact layout.
    english = column_width(page, "en-GB")
    handle = page.locator('.ehead [data-column="en-GB"] .col-resize').bounding_box()
    assert handle is not None
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 120, handle["y"] + handle["height"] / 2, steps=5)
    page.mouse.up()
    widened = column_width(page, "en-GB")
    assert widened > english + 80
    assert abs(page.locator('#rows > .erow >> nth=0').locator(
        '.cell[data-lang="en-GB"]').bounding_box()["width"] - widened) < 2  # rows follow
    page.locator("details.columns summary").click()
    page.get_by_role("link", name="Hide French (France)").click()
    page.wait_for_selector("#rows .erow")
    compact = page.get_by_role("button", name="Compact")
    compact.click()
    assert compact.get_attribute("aria-pressed") == "false"

    # The next visit, with no choice in the address, opens as the translator left it.
    open_editor(page, set_id)
    assert page.locator(".ehead [role=columnheader] code").all_inner_texts() == [
        "ru-RU", "en-GB"]
    assert page.get_by_role("button", name="Compact").get_attribute("aria-pressed") == "false"
    assert abs(column_width(page, "en-GB") - widened) < 2
    page.locator("details.columns summary").click()
    page.get_by_role("button", name="Wider: English (United Kingdom)").click()
    assert abs(column_width(page, "en-GB") - widened - 48) < 2
    page.get_by_role("button", name="Usual widths").click()  # the languages share the width
    assert abs(column_width(page, "en-GB") - column_width(page, "ru-RU")) < 2
    assert axe_violations(page) == []


def shown(page: Any) -> list[dict[str, Any]]:
    """The rows the grid shows: number, classes, shape, paragraph mark, text."""
    found: list[dict[str, Any]] = page.evaluate("""() => Array.from(
        document.querySelectorAll('#rows > .erow')).filter(row => !row.hidden).map(row => ({
            number: Number(row.querySelector('.num').textContent),
            classes: row.className.split(' '), shape: row.dataset.shape,
            para: (row.querySelector('.para') || {}).textContent || null,
            text: Array.from(row.querySelectorAll('.sent')).map(s => s.textContent).join(' ')}))""")
    return found


def test_a_translator_finds_rows_by_text_state_shape_and_number(
        page: Any, live_server: LiveServer) -> None:
    set_id = demo_set(live_server)
    rows = stored(live_server, set_id)["rows"]
    open_editor(page, set_id)
    total = len(rows)
    counter = page.locator("#confirmed-count")
    assert counter.inner_text().strip() == f"0 of {total} rows confirmed"

    # "/" from page load: the search box. The rows shown are those holding the text.
    page.keyboard.press("/")
    assert page.evaluate("() => document.activeElement.id") == "row-search"
    page.keyboard.type("ОДКБ")
    page.wait_for_function("() => document.getElementById('find-count').textContent !== ''")
    holding = [n + 1 for n, r in enumerate(rows)
               if any("ОДКБ" in t for cell in r["cells"].values() for t in cell)]
    assert 1 < len(holding) < total
    assert [r["number"] for r in shown(page)] == holding
    assert page.locator("#find-count").inner_text() == f"{len(holding)} of {total} rows shown"
    page.keyboard.press("Enter")  # into the grid, at the first row found
    assert focused(page)["inGrid"] and focused(page)["row"] == holding[0] - 1
    page.keyboard.press("ArrowDown")  # the next row found, over the hidden ones
    assert focused(page)["row"] == holding[1] - 1

    # The rows that need a look, one after another: confirming one takes it off the list.
    page.keyboard.press("/")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "row-filter"
    page.select_option("#row-filter", "look")
    look = shown(page)
    to_check = int(page.locator("#to-check").inner_text().split()[0])
    assert len(look) == to_check and all("look" in r["classes"] for r in look)
    page.keyboard.press("Escape")  # back to the grid, at the first row shown
    first = look[0]["number"]
    assert focused(page)["row"] == first - 1
    press(page, "c")
    assert stored(live_server, set_id)["rows"][first - 1]["status"] == "confirmed"
    assert [r["number"] for r in shown(page)] == [r["number"] for r in look[1:]]
    assert focused(page)["row"] == look[1]["number"] - 1
    assert counter.inner_text().strip() == f"1 of {total} rows confirmed"

    # Rows that are not 1-1 in some language.
    page.select_option("#row-filter", "")
    page.select_option("#row-shape", "odd")
    odd = shown(page)
    assert odd and all(set(r["shape"].split("-")) != {"1"} for r in odd)
    assert len(odd) == sum(1 for r in rows if any(len(c) != 1 for c in r["cells"].values()))
    page.locator("#row-shape").focus()
    page.keyboard.press("Escape")

    # G: go to row 12 (hidden by the filter: the filter is cleared, and that is said).
    page.keyboard.press("g")
    assert page.evaluate("() => document.activeElement.id") == "go-to-row"
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    where = focused(page)
    assert where["inGrid"] and where["row"] == 11
    assert len(shown(page)) == total
    page.keyboard.press("g")
    page.keyboard.type("999")
    page.keyboard.press("Enter")
    assert page.locator("#status").inner_text() == (
        f"There is no row 999: the rows are numbered 1 to {total}.")

    # Everything down to row 12 confirmed: the counter follows.
    page.keyboard.press("Escape")
    press(page, "Shift+C")
    assert counter.inner_text().strip() == f"12 of {total} rows confirmed"

    # The paragraph of each row: the title, then 1, 2, ...; a rule where one begins.
    marks = shown(page)
    assert marks[0]["para"] == "¶ title"
    numbers = [int(r["para"][1:]) for r in marks[1:] if r["para"]]
    assert numbers == sorted(numbers) and numbers[0] == 1 and numbers[-1] > 3
    starts = [r["number"] for r in marks if "pstart" in r["classes"]]
    changes = [b["number"] for a, b in zip(marks, marks[1:], strict=False)
               if a["para"] != b["para"]]
    assert starts == changes

    # The help lists the new keys.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.get_by_role("cell", name="/", exact=True).is_visible()
    assert dialog.get_by_role("cell", name="G", exact=True).is_visible()
    page.keyboard.press("Escape")
    assert axe_violations(page) == []


def test_a_long_unbroken_word_stays_inside_its_cell(page: Any, live_server: LiveServer) -> None:
    # a MIME list or a path ran over the next language's column
    open_editor(page, demo_set(live_server))
    cell = sentence(page, 0, "en-GB")
    overflow = cell.evaluate(
        "el => { el.textContent = 'MimeType=text/html;text/xml;application/xhtml_xml;'"
        ".repeat(4); const box = el.closest('.cell');"
        " return box.scrollWidth - box.clientWidth; }")
    assert overflow <= 0
