"""Deleting a set while people edit it, on PostgreSQL's row locks: the deletion locks the
set's row first, as every edit does (it claims the revision first), so the two wait for
each other in turn and never deadlock; an edit that comes after the deletion is told the
set is gone. A deadlock that still happens (another writer locking in its own order) is
made again, and said with the right sentence when it keeps happening, never as "another
import is writing".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import workbench.db
import workbench.editing.operations
from tests.conftest import PageClient
from tests.workbench.test_busy import build_set
from workbench.app import create_app
from workbench.cli import main
from workbench.db import session_scope
from workbench.models import DocumentSet, Row, Sentence, Version
from workbench.sets import delete_set

ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
CONFLICT = ("Someone else was changing the same set at that very moment; nothing of yours "
            "was stored. Try again.")
BUSY = "Another import or re-alignment is writing"
WAIT = 60  # seconds: only a guard against a test hanging, never an assertion
ROWS = [{"en-GB": [f"Sentence {n} of the report."], "ru-RU": [f"Предложение {n} доклада."]}
        for n in range(40)]


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test"})
    app.test_client_class = PageClient
    yield app


def sentence_ids(url: str, set_id: int) -> list[int]:
    with session_scope(url) as session:
        return list(session.scalars(select(Sentence.id).join(Version)
                                    .where(Version.set_id == set_id).order_by(Sentence.id)))


def nothing_left(url: str) -> None:
    with session_scope(url) as session:
        for model in (DocumentSet, Row, Sentence, Version):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def delete_by(how: str, app: Flask, set_id: int, runner: CliRunner) -> tuple[int, str]:
    """Delete the set from the web page or with ``workbench sets delete``: (0, "") when it
    went, else the status and what the person was told."""
    if how == "web":
        answer = app.test_client().post(f"/sets/{set_id}/delete",
                                        headers={"Accept": "application/json"})
        if answer.status_code == 200 and answer.get_json() == {"id": set_id, "deleted": True}:
            return 0, ""
        return answer.status_code, answer.get_data(as_text=True)
    result = runner.invoke(main, ["sets", "delete", str(set_id), "--yes"])
    return (0, "") if result.exit_code == 0 else (result.exit_code, result.output)


@ON_POSTGRESQL
@pytest.mark.parametrize("how", ["web", "cli"])
def test_a_deletion_waits_for_an_edit_under_way_instead_of_deadlocking(
        database_url: str, app: Flask, runner: CliRunner, how: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    set_id = build_set(database_url, ROWS)
    sentence = sentence_ids(database_url, set_id)[0]
    claimed = threading.Event()
    capture_rows = workbench.editing.operations.capture_rows

    def slow_capture(*args: Any, **kwargs: Any) -> Any:
        # The edit has claimed the revision (the set's row is locked) and has yet to write
        # its sentence: the deletion starts now, and gets as far as it can meanwhile.
        claimed.set()
        time.sleep(1.0)
        return capture_rows(*args, **kwargs)

    monkeypatch.setattr(workbench.editing.operations, "capture_rows", slow_capture)
    answers: list[Any] = []

    def edit() -> None:
        client = app.test_client()
        answers.append(client.post(f"/sets/{set_id}/edit/text", data={
            "revision": 0, "sentence": sentence, "text": "The first sentence, corrected."}))

    editor = threading.Thread(target=edit)
    editor.start()
    assert claimed.wait(WAIT)
    deleted = delete_by(how, app, set_id, runner)
    editor.join(WAIT)

    assert deleted == (0, ""), deleted
    [edited] = answers
    assert edited.status_code == 200, edited.get_data(as_text=True)
    nothing_left(database_url)


def test_an_edit_saved_just_before_a_deletion_is_answered_as_saved(
        database_url: str, app: Flask) -> None:
    """A deletion that was waiting for an edit goes through the moment the edit commits.
    The edit was saved, and its answer says so with the rows as it left them, not "there
    is no document set" (the answer was read after the commit: the race that made
    ``test_a_deletion_waits_for_an_edit_under_way_instead_of_deadlocking`` flaky)."""
    set_id = build_set(database_url, ROWS)
    sentence = sentence_ids(database_url, set_id)[0]
    deleted: list[bool] = []
    inside: list[bool] = []

    def deletion_goes_on(_session: Session) -> None:
        if deleted or inside:
            return
        inside.append(True)
        try:
            with session_scope(database_url) as other:
                revision = other.scalar(select(DocumentSet.revision)
                                        .where(DocumentSet.id == set_id))
            if revision:  # the edit has just committed (the set's first revision)
                deleted.append(True)
                with session_scope(database_url) as other:
                    delete_set(other, set_id)
        finally:
            inside.clear()

    client = app.test_client()
    event.listen(Session, "after_commit", deletion_goes_on)
    try:
        answer = client.post(f"/sets/{set_id}/edit/text", data={
            "revision": 0, "sentence": sentence, "text": "The first sentence, corrected."},
            headers={"Accept": "application/json"})
    finally:
        event.remove(Session, "after_commit", deletion_goes_on)
    assert deleted, "the deletion did not run"
    assert answer.status_code == 200, answer.get_data(as_text=True)
    edited = answer.get_json()
    assert edited["revision"] == 1 and edited["message"] == "Saved the new text."
    assert ["The first sentence, corrected."] in [row["cells"]["en-GB"]
                                                  for row in edited["rows"]]
    nothing_left(database_url)


@ON_POSTGRESQL
def test_edits_after_a_deletion_are_told_the_set_is_gone(
        database_url: str, app: Flask, runner: CliRunner) -> None:
    """Several people keep editing while the set is deleted: every answer is an edit made,
    a stale page, or the set gone; never a server error or a deadlock."""
    set_id = build_set(database_url, ROWS)
    sentences = sentence_ids(database_url, set_id)
    stop = threading.Event()
    statuses: list[int] = []
    messages: list[str] = []

    def person(number: int) -> None:
        client = app.test_client()
        revision = 0
        while not stop.is_set():
            answer = client.post(f"/sets/{set_id}/edit/text", data={
                "revision": revision, "sentence": sentences[number],
                "text": f"Edited by person {number} at revision {revision}."},
                headers={"Accept": "application/json"})
            statuses.append(answer.status_code)
            if answer.status_code == 200:
                revision = answer.get_json()["revision"]
            elif answer.status_code == 409:  # another person's edit came first
                with session_scope(database_url) as session:  # the page reloaded
                    revision = session.scalar(select(DocumentSet.revision)
                                              .where(DocumentSet.id == set_id)) or 0
            else:
                messages.append(answer.get_data(as_text=True))
                if answer.status_code == 404:
                    return

    people = [threading.Thread(target=person, args=(n,)) for n in range(4)]
    for thread in people:
        thread.start()
    time.sleep(1.0)
    deleted = delete_by("web", app, set_id, runner)
    stop.set()
    for thread in people:
        thread.join(WAIT)

    assert deleted == (0, ""), deleted
    assert set(statuses) <= {200, 404, 409}, messages
    assert all("There is no document set" in message for message in messages), messages
    nothing_left(database_url)


def holder_connection(url: str) -> psycopg.Connection:
    """Another writer's connection, which waits long before it looks for a deadlock, so
    that PostgreSQL breaks one by undoing the workbench's side."""
    address = make_url(url)
    holder = psycopg.connect(host=address.host, port=address.port, user=address.username,
                             password=address.password, dbname=address.database)
    holder.execute("SET deadlock_timeout = '30s'")
    return holder


def waiting_for_a_lock(url: str, holder: psycopg.Connection,
                       deleting: threading.Thread) -> None:
    """Return once another connection to the database than ``holder``'s waits for a lock
    (the deletion, for the row the holder locked)."""
    address = make_url(url)
    with psycopg.connect(host=address.host, port=address.port, user=address.username,
                         password=address.password, dbname=address.database,
                         autocommit=True) as watcher:  # a fresh look at every query
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and deleting.is_alive():
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> %s",
                (holder.info.backend_pid,)).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the deletion never waited for the row the holder locked")


def deadlocked_deletion(url: str, set_id: int, delete: Callable[[], tuple[int, str]]
                        ) -> tuple[int, str]:
    """Run ``delete`` while another writer locks a row of the set and then, once the
    deletion waits for it, the set's own row: a deadlock, the deletion undone to break it."""
    holder = holder_connection(url)
    try:
        holder.execute("SELECT id FROM row WHERE set_id = %s ORDER BY id LIMIT 1 FOR UPDATE",
                       (set_id,))
        outcome: list[tuple[int, str]] = []
        deleting = threading.Thread(target=lambda: outcome.append(delete()))
        # The deletion locks the set's row, then waits for the row the holder locked.
        holder.execute("SET lock_timeout = '30s'")
        deleting.start()
        # (waited for, not slept on: a deletion that had not yet locked the set's row when
        # the holder asked for it would meet no deadlock, and the test would fail)
        waiting_for_a_lock(url, holder, deleting)
        # The holder now wants the set's row: PostgreSQL undoes the deletion (it checks
        # for a deadlock after 1 s; the holder after 30 s), and the holder goes on.
        holder.execute("UPDATE document_set SET name = name WHERE id = %s", (set_id,))
        holder.commit()
        deleting.join(WAIT)
        [result] = outcome
        return result
    finally:
        holder.close()


@ON_POSTGRESQL
def test_a_deletion_undone_by_a_deadlock_is_made_again(
        database_url: str, app: Flask, runner: CliRunner) -> None:
    set_id = build_set(database_url, ROWS)
    attempts: list[int] = []
    retried = workbench.db.retried

    def counted(change: Callable[[], Any], tries: int | None = None) -> Any:
        def attempt() -> Any:
            attempts.append(1)
            return change()
        return retried(attempt, tries)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("workbench.views.sets.retried", counted)
        result = deadlocked_deletion(database_url, set_id,
                                     lambda: delete_by("web", app, set_id, runner))
    assert result == (0, ""), result
    assert len(attempts) == 2  # the first undone by PostgreSQL, the second went through
    nothing_left(database_url)


@ON_POSTGRESQL
@pytest.mark.parametrize("how", ["web", "cli"])
def test_a_deadlock_that_keeps_happening_is_said_as_such(
        database_url: str, app: Flask, runner: CliRunner, how: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbench.db, "CONFLICT_ATTEMPTS", 1)
    set_id = build_set(database_url, ROWS)
    status, said = deadlocked_deletion(database_url, set_id,
                                       lambda: delete_by(how, app, set_id, runner))
    if how == "web":
        assert status == 503 and CONFLICT in said and BUSY not in said, said
    else:
        assert (status, said) == (1, f"Error: {CONFLICT}\n")
    with session_scope(database_url) as session:  # nothing of the deletion was stored
        assert session.scalar(select(func.count()).select_from(Row)) == len(ROWS)
