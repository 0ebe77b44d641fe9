"""A database that cannot be reached (PostgreSQL stopped, the SQLite file gone): every page
answers 503 with the workbench's own page (JSON for the editor and other JSON clients) that
says so and names neither the server nor its password, and the workbench works again by
itself once the database is back, with no restart.

The PostgreSQL test stops and starts a server of its own (the shared one serves the other
tests meanwhile).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy.engine import make_url

from tests.conftest import PageClient
from tests.postgres import ENVIRONMENT, PostgresServer, PostgresUnavailable
from tests.workbench.test_busy import build_set, first_row
from workbench.app import create_app
from workbench.cli import main
from workbench.db import dispose

UNREACHABLE = ("The database cannot be reached just now, so nothing could be read or "
               "stored. Try again in a minute; if it lasts, tell the workbench's "
               "administrator.")
UNREACHABLE_DE = ("Die Datenbank ist gerade nicht erreichbar, daher konnte nichts gelesen "
                  "oder gespeichert werden. Versuchen Sie es in einer Minute erneut; wenn es "
                  "anhält, wenden Sie sich an die Administration der Workbench.")
PASSWORD = "s3cret-Passw0rd"
ROWS = [{"en-GB": ["The council met."], "ru-RU": ["Совет собрался."]},
        {"en-GB": ["It adopted a statement."], "ru-RU": ["Он принял заявление."]}]


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this module's own, which its tests stop and start again."""
    if os.environ.get(ENVIRONMENT):
        pytest.skip("stops the server: needs a cluster of its own, not an existing server")
    server = PostgresServer()
    try:
        server.start()
    except PostgresUnavailable as error:
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail(f"PostgreSQL is required here: {error}")
        pytest.skip(f"PostgreSQL could not be started: {error}")
    try:
        yield server
    finally:
        server.stop()


def make_app(url: str) -> Flask:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    app.test_client_class = PageClient
    return app


def assert_unreachable_everywhere(app: Flask, set_id: int, row: int,
                                  hidden: tuple[str, ...]) -> None:
    """Every kind of client is told, in its own form, that the database cannot be reached,
    and nothing in the answer names the server, the file or the password."""
    client = app.test_client()
    page = client.get("/")
    body = page.get_data(as_text=True)
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "<title>Error 503</title>" in body and UNREACHABLE in body.replace("&#39;", "'")
    assert page.headers["Retry-After"] == "30"
    for secret in hidden:
        assert secret not in body, secret

    listing = client.get("/sets.json")
    assert listing.status_code == 503
    assert listing.get_json() == {"error": UNREACHABLE, "status": 503}

    # The editor's edits: JSON, and htmx (whose page editor.js reads the sentence from).
    # (the CSRF token comes from the error page, as a browser that reloads would get it)
    edit = client.post(f"/sets/{set_id}/edit/confirm", data={"revision": 0, "row": row},
                       headers={"Accept": "application/json"})
    assert edit.status_code == 503
    assert edit.get_json() == {"error": UNREACHABLE, "status": 503}
    htmx = client.post(f"/sets/{set_id}/edit/confirm", data={"revision": 0, "row": row},
                       headers={"HX-Request": "true", "Accept": "text/html"})
    assert htmx.status_code == 503
    assert f'<p class="message">{UNREACHABLE}</p>' in htmx.get_data(as_text=True).replace(
        "&#39;", "'")
    german = client.get("/sets.json?ui=de")
    assert german.get_json() == {"error": UNREACHABLE_DE, "status": 503}


def assert_working(app: Flask, set_id: int, row: int) -> None:
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert [s["id"] for s in client.get("/sets.json").get_json()] == [set_id]
    confirmed = client.post(f"/sets/{set_id}/edit/confirm", data={"revision": 0, "row": row})
    assert confirmed.status_code == 200, confirmed.get_data(as_text=True)


def test_a_stopped_postgresql_is_a_503_page_and_the_workbench_recovers_by_itself(
        own_postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))
    # trust authentication takes any password: one in the URL shows none is ever shown
    url = make_url(own_postgres.create_database()).set(password=PASSWORD).render_as_string(
        hide_password=False)
    port = str(make_url(url).port)
    set_id = build_set(url, ROWS)
    row = first_row(url, set_id)
    app = make_app(url)
    assert app.test_client().get("/").status_code == 200  # a pooled connection exists
    own_postgres.pause()
    try:
        assert_unreachable_everywhere(app, set_id, row, hidden=(PASSWORD, port, "127.0.0.1"))

        # The command line, whose user runs the server, gets the address and the reason,
        # in one line, without the password.
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["sets"])
        assert result.exit_code == 1
        [line] = result.output.strip().splitlines()
        assert line.startswith(f"Error: The database postgresql+psycopg://postgres:***@"
                               f"127.0.0.1:{port}/") and "cannot be used: " in line, line
        assert PASSWORD not in result.output
    finally:
        own_postgres.resume()
    assert_working(app, set_id, row)
    own_postgres.drop_database(url)


def test_an_sqlite_file_that_cannot_be_opened_is_a_503_page_until_it_is_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(tmp_path / "jobs"))
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'workbench.sqlite'}"
    set_id = build_set(make_app(url).config["DATABASE_URL"], ROWS)
    row = first_row(url, set_id)
    app = make_app(url)
    dispose(url)  # open connections would keep the file they opened
    folder.rename(tmp_path / "away")  # the disk unmounted, the folder moved
    try:
        assert_unreachable_everywhere(app, set_id, row, hidden=(str(folder),))
    finally:
        (tmp_path / "away").rename(folder)
    assert_working(app, set_id, row)


def test_serve_started_before_postgresql_waits_for_it_and_then_serves(
        own_postgres: PostgresServer, tmp_path: Path) -> None:
    """systemd or docker-compose start the workbench and its database together: serve says
    on stderr that it waits for the database (where, never the password), and serves once
    the database is up."""
    from tests.jobs.conftest import wait_for
    from tests.workbench.test_serve import free_port, get

    url = make_url(own_postgres.create_database()).set(password=PASSWORD).render_as_string(
        hide_password=False)
    address = f"127.0.0.1:{make_url(url).port}"
    dispose(url)
    own_postgres.pause()
    port = free_port()
    errors = tmp_path / "stderr"
    with open(errors, "wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port)],
            env={**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_DATABASE_WAIT": "600"},
            stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
    try:
        try:
            wait_for(lambda: f"Waiting for the database at {address}" in errors.read_text()
                     or server.poll() is not None, "serve to say it waits", 120)
            said = errors.read_text()
            assert server.poll() is None, said  # still there, waiting
        finally:
            own_postgres.resume()
        assert f"Waiting for the database at {address} (" in said
        assert PASSWORD not in said
        assert said.count("\n") == 1, said  # one line, not one per try
        wait_for(lambda: get(port, "/sets.json") is not None or server.poll() is not None,
                 "serve to serve once the database is up", 180)
        assert get(port, "/sets.json") == (200, "[]\n"), errors.read_text()
        assert "The database at " + address + " answers; starting." in errors.read_text()
    finally:
        server.terminate()
        server.wait(30)
    own_postgres.drop_database(url)


def test_serve_gives_up_on_a_database_that_does_not_come_up(
        own_postgres: PostgresServer, tmp_path: Path) -> None:
    url = make_url(own_postgres.create_database()).set(password=PASSWORD).render_as_string(
        hide_password=False)
    dispose(url)
    own_postgres.pause()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "workbench.cli", "serve", "--port", "1",
             "--wait-for-database", "2"],
            env={**os.environ, "WORKBENCH_DATABASE_URL": url}, capture_output=True,
            text=True, timeout=120, cwd=tmp_path)
    finally:
        own_postgres.resume()
    own_postgres.drop_database(url)
    assert result.returncode == 1
    waiting, gave_up = result.stderr.strip().splitlines()
    assert waiting.startswith(f"Waiting for the database at 127.0.0.1:{make_url(url).port} ")
    assert gave_up.startswith("Error: The database postgresql+psycopg://postgres:***@")
    assert "Gave up after waiting 2 s" in gave_up and "--wait-for-database" in gave_up
    assert PASSWORD not in result.stderr
