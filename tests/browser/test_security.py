"""A page served from another local port tries to change the workbench through the
translator's own browser, as the security review did: it must change nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, demo_set

pytestmark = pytest.mark.browser


@pytest.fixture
def attacker(live_server: LiveServer) -> Iterator[dict[str, str]]:
    """Another site on this machine; ``pages`` maps its paths to the HTML it serves."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages["__base__"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield pages
    finally:
        server.shutdown()
        thread.join(5)


def spray(target: str, revisions: range, fields: dict[str, str]) -> str:
    """An attack page: one auto-submitted form per guessed revision, into hidden frames."""
    forms = []
    for revision in revisions:
        inputs = "".join(f'<input name="{k}" value="{v}">' for k, v in
                         {**fields, "revision": str(revision)}.items())
        forms.append(f'<iframe name="f{revision}"></iframe>'
                     f'<form method="post" action="{target}" target="f{revision}">{inputs}</form>')
    return ("<!doctype html><body>" + "".join(forms) +
            "<script>for (const f of document.forms) f.submit();"
            "document.title = 'sent';</script></body>")


def test_a_page_on_another_port_cannot_confirm_a_row(
        page: Any, live_server: LiveServer, attacker: dict[str, str]) -> None:
    set_id = demo_set(live_server)
    page.goto(f"/sets/{set_id}/edit")  # the translator has the workbench open: cookies set
    page.wait_for_selector("#rows .erow")
    first_row = live_server.get_json(f"/sets/{set_id}.json")["rows"][0]
    attacker["/attack.html"] = spray(f"{live_server.url}/sets/{set_id}/edit/confirm",
                                     range(0, 5), {"row": str(first_row["id"])})
    refused: list[int] = []
    page.on("response", lambda r: refused.append(r.status) if "/edit/confirm" in r.url else None)
    evil = page.context.new_page()
    evil.goto(attacker["__base__"] + "/attack.html")
    evil.wait_for_function("() => document.title === 'sent'")
    evil.wait_for_timeout(1500)
    rows = live_server.get_json(f"/sets/{set_id}.json")["rows"]
    assert all(row["status"] != "confirmed" for row in rows)
    assert live_server.get_json(f"/sets/{set_id}.json")["revision"] == 0


def test_another_page_cannot_frame_the_workbench(
        browser_context: Any, live_server: LiveServer, attacker: dict[str, str]) -> None:
    attacker["/frame.html"] = (f'<!doctype html><iframe id="w" src="{live_server.url}/">'
                               '</iframe>')
    evil = browser_context.new_page()  # not the `page` fixture: this page is refused
    said: list[str] = []
    evil.on("console", lambda message: said.append(message.text))
    evil.goto(attacker["__base__"] + "/frame.html")
    evil.wait_for_timeout(1000)
    assert evil.frame_locator("#w").locator("text=Document sets").count() == 0
    assert any("frame-ancestors 'none'" in line for line in said)


def test_forms_and_edits_work_under_the_security_policy(page: Any,
                                                        live_server: LiveServer) -> None:
    """The CSP and the token do not get in the translator's way (the page fixture fails on
    any CSP refusal): a set is pasted through the form, a row confirmed with the keyboard."""
    page.goto("/sets/new")
    page.locator('[name="slot-text-0"]').fill("Встреча прошла в Бишкеке. Она была продуктивной.")
    page.locator('[name="slot-lang-0"]').select_option("ru-RU")
    page.locator('[name="slot-text-1"]').fill(
        "The meeting took place in Bishkek. It was productive.")
    page.locator('[name="slot-lang-1"]').select_option("en-GB")
    page.locator('form.new-set button[type="submit"]').click()
    page.wait_for_url("**/sets/*/edit")  # aligned as a job, then straight into the editor
    set_id = live_server.get_json("/sets.json")[0]["id"]
    page.wait_for_selector("#rows .erow")
    page.locator("#rows > .erow >> nth=0").locator('.cell[data-lang="en-GB"] .sent').click()
    page.keyboard.press("c")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(200)
    assert live_server.get_json(f"/sets/{set_id}.json")["rows"][0]["status"] == "confirmed"
