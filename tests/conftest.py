"""Shared fixtures: an app on a fresh database, its test client, a CLI runner.

Every test that uses ``database_url`` (``app``, ``client``, ``runner`` ...) runs twice: on
an SQLite file (``[sqlite]``) and on a database of a throw-away PostgreSQL server
(``[postgresql]``, see ``tests/postgres.py``), started once for the whole run when the
first such test needs it. Where PostgreSQL cannot be started, those variants are skipped
with the reason, unless ``WORKBENCH_REQUIRE_SYSTEM_TOOLS`` is set (CI): then they fail.
A test about SQLite itself (its lock, its write-ahead log, its FTS5 tables) carries
``@pytest.mark.sqlite_only(reason=...)``; one that runs the migrations itself, from nothing,
``@pytest.mark.empty_database`` (on PostgreSQL the database is otherwise a copy of a
migrated template; on SQLite it is always an empty file).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.postgres import PostgresServer, PostgresUnavailable
from workbench.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PAGES = ROOT / "workbench" / "demo" / "pages"


class PageClient(FlaskClient):
    """A test client that posts as the workbench's own pages do: with the session's CSRF
    token, read once from a page as a browser would (``X-CSRFToken``, as htmx sends it)."""

    token: str | None = None

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        method = str(kwargs.get("method", "GET")).upper()
        if method not in ("GET", "HEAD", "OPTIONS"):
            if self.token is None:
                page = super().open("/", method="GET",
                                    follow_redirects=True).get_data(as_text=True)
                found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
                assert found, "the page carries no CSRF token"
                self.token = found.group(1)
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)


# Tests in files of other areas that need one of these markers and do not carry it yet:
# "file::test" -> (marker, reason).


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite itself; the [postgresql] variant skips")
    config.addinivalue_line(
        "markers", "empty_database: the database starts without the schema (the test "
                   "migrates it)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The test run's PostgreSQL server, with the migrated template database."""
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as error:
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail(f"PostgreSQL is required here (WORKBENCH_REQUIRE_SYSTEM_TOOLS): {error}")
        pytest.skip(f"PostgreSQL could not be started: {error}")
    try:
        yield server
    finally:
        server.stop()


def workbench_threads() -> set[threading.Thread]:
    """The threads the workbench started in this process that are alive now: a job pool's,
    a job's heartbeat, a sweeper (``workbench.jobs.runner``), waitress's request threads
    (``workbench serve``)."""
    return {thread for thread in threading.enumerate()
            if thread.name.startswith(("workbench-", "waitress-"))}


def no_thread_outlives(before: set[threading.Thread], when: str = "the test ends") -> None:
    """Fail, naming them, if threads of the workbench started since ``before`` are still
    alive when ``when``: such a thread goes on in the tests after it, with their settings,
    and tries its test's database once it is gone (after the last test, a stray "The
    database cannot be reached" line)."""
    left = sorted(thread.name for thread in workbench_threads() - before)
    if left:
        pytest.fail(f"thread(s) of the workbench still running when {when}: "
                    f"{', '.join(left)}; stop them (the server's sweeper, an app's job pool: "
                    f"workbench.jobs.runner.stop_pool) before the test ends")


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    """Every test, with a database of its own or none (``database_url`` looks before its
    database goes): a thread of the workbench it leaves running fails it."""
    before = workbench_threads()
    yield
    no_thread_outlives(before)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of an empty database (a new SQLite file, or a new PostgreSQL database with
    the schema), also in ``WORKBENCH_DATABASE_URL``; jobs keep their files in the test's
    folder (``WORKBENCH_JOBS_FOLDER``). A thread of the workbench the test leaves running
    fails it before the database goes (``no_thread_outlives``)."""
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))
    before = workbench_threads()
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workbench.sqlite'}"
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
        yield url
        no_thread_outlives(before, "the test's database goes")
        return
    only = request.node.get_closest_marker("sqlite_only")
    if only:
        pytest.skip(f"about SQLite itself: {only.kwargs.get('reason', '')}".rstrip(": "))
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(empty=bool(request.node.get_closest_marker("empty_database")))
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    try:
        yield url
        no_thread_outlives(before, "the test's database goes")
    finally:
        server.drop_database(url)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    app.test_client_class = PageClient
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def bare_client(app: Flask) -> FlaskClient:
    """A client that sends no CSRF token, as another site's page would."""
    return FlaskClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def demo_page(number: str, lang: str) -> Path:
    """A demo page file, e.g. demo_page('000', 'ru-RU')."""
    return DEMO_PAGES / f"{number}.{lang}.html"
