"""Browser fixtures: the workbench on a free local port over a fresh SQLite database, and
Debian's Chromium driven by Playwright (never a downloaded browser).

The tests skip, saying why, when /usr/bin/chromium is missing. The application modules are
imported inside the fixtures so that collecting this folder never fails on a module another
engineer is still writing.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO_PAGES = Path(__file__).resolve().parents[2] / "workbench" / "demo" / "pages"
VIEWPORT = {"width": 1400, "height": 900}


@dataclass
class LiveServer:
    """A running workbench: its base URL and its database URL."""

    url: str
    database_url: str

    def get_json(self, path: str) -> Any:
        """A JSON page of the server, read without the browser."""
        from urllib.request import urlopen

        with urlopen(self.url + path, timeout=30) as response:  # noqa: S310 - local server
            return json.load(response)

    def get_bytes(self, path: str) -> bytes:
        from urllib.request import urlopen

        with urlopen(self.url + path, timeout=30) as response:  # noqa: S310 - local server
            data: bytes = response.read()
            return data


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless. One per test: Playwright's sync API allows a single
    running instance per thread, and other browser tests start their own."""
    if not CHROMIUM.exists():
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail("Debian's chromium is required here (/usr/bin/chromium)")
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); "
                    "install it with `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The workbench served from a thread on 127.0.0.1, on a port the system picks."""
    from werkzeug.serving import make_server

    from workbench.app import create_app
    from workbench.db import upgrade
    from workbench.jobs.runner import stop_pool

    database_url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    upgrade(database_url)
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", database_url)
    finally:
        server.shutdown()
        thread.join(5)
        stop_pool(app)  # its jobs' threads end with it


@pytest.fixture
def browser_context(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser profile (cookies, storage) pointed at the live server."""
    context = chromium.new_context(base_url=live_server.url, viewport=VIEWPORT,
                                   accept_downloads=True, locale="en-GB")
    # generous: a busy CI machine loads the morphology dictionaries on the first /terms/
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A tab of that profile. The test fails if the page's Content-Security-Policy refused
    anything the workbench itself wrote (a script, a style, a request)."""
    tab = browser_context.new_page()
    refused: list[str] = []
    tab.on("console", lambda message: refused.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    assert not refused, f"the CSP refused the workbench's own content: {refused[:3]}"


def demo_set(live_server: LiveServer, number: str = "000",
             langs: tuple[str, ...] = ("ru-RU", "en-GB", "fr-FR")) -> int:
    """Store a demo page's versions as a set, through the importer and the aligner."""
    from workbench.db import session_scope
    from workbench.importers import read_version
    from workbench.sets import create_set

    versions = [read_version((DEMO_PAGES / f"{number}.{lang}.html").read_bytes(),
                             f"{number}.{lang}.html") for lang in langs]
    with session_scope(live_server.database_url) as session:
        document_set = create_set(session, versions)
        session.flush()
        return document_set.id


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")
                   ) -> list[dict[str, Any]]:
    """The page's accessibility violations of these impacts, by the vendored axe-core."""
    # Evaluated through the driver, not as a <script>: the workbench's CSP refuses inline
    # scripts, as it should.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"] if v["impact"] in impacts
    ]
