"""Re-aligning as a job (``realign``): the same edit as the synchronous operation, one undo
step, refused when the set was changed after the job was submitted, and the editor's POST
answered at once with the job, whose end the editor then fetches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.jobs.conftest import wait_for
from tests.workbench.test_editing import (
    SMALL,
    build,
    cells,
    demo_set,
    fake_aligner,
    revision,
    row_id,
    run,
    state,
)
from workbench import editing
from workbench.db import session_factory, upgrade
from workbench.models import DocumentSet, Edit

JSON = {"Accept": "application/json"}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade(database_url)
    with session_factory(database_url)() as session:
        yield session


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine replaced by the editing tests' double: one row per free pivot sentence."""
    import workbench.sets

    monkeypatch.setattr(workbench.sets, "align_versions", fake_aligner, raising=False)


def prepared(session: Session) -> DocumentSet:
    """A demo set in three languages, its first rows confirmed and a row below them merged
    by hand: what a translator has before pressing R."""
    document_set = demo_set(session)
    run(session, document_set, editing.confirm_through, row_id(session, document_set, 3))
    run(session, document_set, editing.merge_next, row_id(session, document_set, 6))
    return document_set


def test_the_job_makes_the_same_edit_as_the_synchronous_realign(
        client: FlaskClient, session: Session) -> None:
    by_hand, by_job = prepared(session), prepared(session)
    before = state(session, by_job)
    expected = run(session, by_hand, editing.realign_after_confirmed)

    answer = client.post(f"/sets/{by_job.id}/edit/realign",
                         data={"revision": revision(session, by_job)}, headers=JSON)
    assert answer.status_code == 202
    job = answer.get_json()
    assert job["kind"] == "realign" and job["state"] == "done" and job["unit"] == "sentences"
    assert job["done"] == job["total"] > 0  # every sentence of the set, counted
    assert job["result"]["message"] == expected.message
    assert "unconfirmed changes there were aligned again" in job["result"]["message"]
    assert job["result"]["rows"] == len(expected.added)
    assert state(session, by_job) == state(session, by_hand)

    # One edit step, undone like any other.
    steps = session.scalars(select(Edit.operation).where(Edit.set_id == by_job.id)
                            .order_by(Edit.seq)).all()
    assert steps == ["confirm-through", "merge", "realign"]
    undone = client.post(f"/sets/{by_job.id}/edit/undo",
                         data={"revision": revision(session, by_job)})
    assert undone.status_code == 200, undone.get_data(as_text=True)
    assert state(session, by_job) == before


def test_a_plain_client_still_gets_the_rows_of_an_eager_run(
        client: FlaskClient, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    answer = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["operation"] == "realign" and body["revision"] == 1 and body["undo"] == 1
    assert [r["cells"] for r in body["rows"]] == cells(session, s)[1:]


def test_the_editor_post_answers_with_the_job_then_its_end(
        threads_app: Flask, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    client = threads_app.test_client()
    answer = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0, "langs": "en"},
                         headers=JSON)
    assert answer.status_code == 202
    job = answer.get_json()
    assert job["kind"] == "realign" and job["state"] in ("queued", "running", "done")
    assert job["status_url"] == f"/jobs/{job['id']}.json"
    assert job["result_url"] == f"/sets/{s.id}/edit/realign/{job['id']}"
    assert job["title"] == "Re-aligning small"

    wait_for(lambda: client.get(job["status_url"]).get_json()["state"] == "done",
             "the re-align job to finish")
    listed = client.get("/jobs/").get_data(as_text=True)
    assert "Re-aligning small" in listed and "Re-aligning a set" in listed
    end = client.get(job["result_url"] + "?langs=en", headers=HTMX)
    assert end.status_code == 200 and end.headers["Workbench-Whole-Grid"] == "1"
    html = end.get_data(as_text=True)
    assert html.count('role="row"') == 4 and 'data-lang="ru"' not in html
    assert 'data-revision="1"' in html
    assert "Re-aligned 2 rows below the last confirmed one." in html
    event = json.loads(end.headers["HX-Trigger-After-Settle"])["workbench:edited"]
    assert event["undo"] == 1 and event["structural"] is True
    assert event["focusRow"] == row_id(session, s, 1)
    assert cells(session, s) == [{"ru": ["Р1."], "en": ["E1."]},
                                 {"ru": ["Р2."], "en": ["E2 E3."]},
                                 {"ru": ["Р3."], "en": ["E4."]},
                                 {"ru": ["Р4 и Р5."], "en": []}]


def test_a_set_changed_after_the_job_was_submitted_is_not_realigned(
        threads_app: Flask, session: Session, fake_engine: None, jobs_folder: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The job holds still once it has read the rows (no lock held), until the edit is in.
    monkeypatch.setenv("WORKBENCH_TEST_PAUSE_BEFORE_COMMIT", "3")
    s = build(session, SMALL, confirmed=(0,))
    client = threads_app.test_client()
    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0},
                      headers=JSON).get_json()
    wait_for(lambda: (jobs_folder / str(job["id"]) / "paused").exists(),
             "the job to have read the rows")
    seen = client.get(job["status_url"]).get_json()
    assert seen["state"] == "running" and seen["done"] == 0 and seen["total"] == 7
    edited = client.post(f"/sets/{s.id}/edit/confirm",
                         data={"revision": 0, "row": row_id(session, s, 1)})
    assert edited.status_code == 200
    after_edit = state(session, s)

    ended = wait_for(lambda: (lambda j: j if j["state"] != "running" else None)(
        client.get(job["status_url"]).get_json()), "the job to end")
    assert isinstance(ended, dict) and ended["state"] == "failed"
    assert "changed in another tab or by someone else" in ended["message"]
    assert state(session, s) == after_edit and revision(session, s) == 1
    steps = session.scalars(select(Edit.operation).where(Edit.set_id == s.id)).all()
    assert steps == ["confirm"]

    # The editor shows the failure, with the fresh rows of the set as it is now.
    end = client.get(job["result_url"], headers=HTMX)
    html = end.get_data(as_text=True)
    assert "changed in another tab" in html and 'data-revision="1"' in html
    assert end.headers["Workbench-Whole-Grid"] == "1"
    refused = json.loads(end.headers["HX-Trigger-After-Settle"])["workbench:refused"]
    assert refused["stale"] is True


def test_a_stale_page_or_nothing_to_realign_fails_the_job_and_says_why(
        client: FlaskClient, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0, 1, 2))
    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0},
                      headers=JSON).get_json()
    assert job["state"] == "failed" and "nothing left to re-align" in job["message"]
    end = client.get(job["result_url"], headers=HTMX)
    assert "nothing left to re-align" in end.get_data(as_text=True)
    assert "Workbench-Whole-Grid" not in end.headers  # nothing changed: no new grid

    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 7},
                      headers=JSON).get_json()
    assert job["state"] == "failed" and "another tab" in job["message"]
    plain = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 7})
    assert plain.status_code == 409 and "another tab" in plain.get_json()["error"]
    assert revision(session, s) == 0
    other = build(session, SMALL)
    assert client.get(f"/sets/{other.id}/edit/realign/{job['id']}",
                      headers=HTMX).status_code == 404
