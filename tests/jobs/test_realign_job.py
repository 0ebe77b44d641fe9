"""Re-aligning as a job (``realign``): the same edit as the synchronous operation, one undo
step, refused when the set was changed after the job was submitted, and the editor's POST
answered at once with the job, whose end the editor then fetches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
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
from workbench.cli import main
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


def cancelled_realign(session: Session, s: DocumentSet) -> int:
    """A re-align job of ``s`` asked for at its current revision, then cancelled before it
    ran: the jobs page offers to run it again."""
    from workbench.jobs import Job

    job = Job(kind="realign", params={"set_id": s.id, "set_name": s.name,
                                      "revision": revision(session, s), "author": None},
              unit="sentences", state="cancelled")
    session.add(job)
    session.commit()
    return job.id


def test_a_realignment_of_a_set_changed_since_runs_again_on_the_set_as_it_is_now(
        client: FlaskClient, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    job_id = cancelled_realign(session, s)
    # The translator confirms a row after the re-alignment was asked for.
    assert client.post(f"/sets/{s.id}/edit/confirm",
                       data={"revision": 0, "row": row_id(session, s, 1)}).status_code == 200
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert ">Run again<" not in page
    assert ">Re-align the set as it is now<" in page and 'name="revision" value="1"' in page
    assert "The set was changed after this re-alignment was asked for" in page
    assert ">Re-align the set as it is now<" in client.get("/jobs/").get_data(as_text=True)
    german = client.get(f"/jobs/{job_id}?ui=de").get_data(as_text=True)
    assert ">Den Satz in seinem jetzigen Stand neu ausrichten<" in german
    client.get("/?ui=en")

    # Run again with no revision (a JSON client, the command line): refused, saying why;
    # the job would only fail on the changed set.
    refused = client.post(f"/jobs/{job_id}/rerun", headers=JSON)
    assert refused.status_code == 409
    assert "changed after job" in refused.get_json()["error"]
    assert client.get(f"/jobs/{job_id}.json").get_json()["state"] == "cancelled"

    again = client.post(f"/jobs/{job_id}/rerun", data={"revision": 1})
    assert again.status_code == 303
    job = client.get(f"/jobs/{job_id}.json").get_json()
    assert job["state"] == "done", job["message"]
    assert job["result"]["message"] == "Re-aligned 1 row below the last confirmed one."
    assert revision(session, s) == 2
    steps = session.scalars(select(Edit.operation).where(Edit.set_id == s.id)
                            .order_by(Edit.seq)).all()
    assert steps == ["confirm", "realign"]


def test_a_realignment_of_a_deleted_set_is_not_offered_again(
        client: FlaskClient, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    job_id = cancelled_realign(session, s)
    assert client.post(f"/sets/{s.id}/delete").status_code == 303
    # a set made since (on SQLite, under the same number) is not the one the job was for
    session.expunge_all()
    other = build(session, SMALL)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'action="/jobs/{job_id}/rerun"' not in page
    assert "The set was deleted after this re-alignment was asked for" in page
    assert f'action="/jobs/{job_id}/rerun"' not in client.get("/jobs/").get_data(as_text=True)
    refused = client.post(f"/jobs/{job_id}/rerun", data={"revision": 0}, headers=JSON)
    assert refused.status_code == 409 and "was deleted" in refused.get_json()["error"]
    assert revision(session, other) == 0


def test_the_command_line_runs_a_realignment_again_on_the_set_as_it_is_now_when_told(
        runner: CliRunner, session: Session, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    job_id = cancelled_realign(session, s)
    run(session, s, editing.confirm_row, row_id(session, s, 1), True)

    refused = runner.invoke(main, ["jobs", "rerun", str(job_id)])
    assert refused.exit_code == 1
    assert (f"The set was changed after job {job_id} was asked for (it was at revision 0, "
            "it is now at 1)") in refused.output
    assert f"workbench jobs rerun {job_id} --as-it-is-now" in refused.output

    again = runner.invoke(main, ["jobs", "rerun", str(job_id), "--as-it-is-now"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith(f"{job_id}\tdone\t") and "\tRe-aligning small\t" in again.output
    assert revision(session, s) == 2
    step = session.scalars(select(Edit).where(Edit.set_id == s.id, Edit.operation == "realign")
                           ).one()
    assert step.author is not None and step.author.startswith("cli:")


def test_the_engines_refusal_is_said_in_the_translators_language(
        client: FlaskClient, session: Session, runner: CliRunner) -> None:
    # a set whose pivot is none of its versions: the engine itself refuses it
    s = build(session, SMALL, confirmed=(0,))
    s.pivot_lang = "fr"
    session.commit()
    client.get("/?ui=ru")
    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0},
                      headers=JSON).get_json()
    russian = "Не удалось выровнять версии: опорного языка «fr» нет среди версий (en, ru)"
    assert job["state"] == "failed" and job["message"] == russian
    assert russian in client.get(f"/jobs/{job['id']}").get_data(as_text=True)
    refused = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0})
    assert refused.status_code == 422 and refused.get_json()["error"] == russian
    assert revision(session, s) == 0

    # The command line says it in English.
    again = runner.invoke(main, ["jobs", "rerun", str(job["id"])])
    assert again.exit_code == 1
    assert ("The versions could not be aligned: the pivot language 'fr' is not among the "
            "versions (en, ru)") in again.output


def test_a_realign_job_that_does_not_say_its_set_shows_as_one_whose_set_is_gone(
        client: FlaskClient, session: Session) -> None:
    from workbench.jobs import Job

    job = Job(kind="realign", title="Re-aligning small", params={}, unit="sentences",
              state="failed")
    session.add(job)
    session.commit()
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The set was deleted after this re-alignment was asked for" in html
    assert f'action="/jobs/{job.id}/rerun"' not in html


def test_the_engines_refusal_of_a_job_started_in_english_is_read_in_russian(
        client: FlaskClient, session: Session, app: Flask) -> None:
    s = build(session, SMALL, confirmed=(0,))
    s.pivot_lang = "fr"
    session.commit()
    client.get("/?ui=en")
    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 0},
                      headers=JSON).get_json()
    assert job["message"] == ("The versions could not be aligned: the pivot language 'fr' "
                              "is not among the versions (en, ru)")
    russian = app.test_client()
    ru = {"Accept-Language": "ru"}
    said = "Не удалось выровнять версии: опорного языка «fr» нет среди версий (en, ru)"
    assert said in russian.get("/jobs/", headers=ru).get_data(as_text=True)
    assert said in russian.get(f"/jobs/{job['id']}", headers=ru).get_data(as_text=True)
    assert russian.get(f"/jobs/{job['id']}.json", headers=ru).get_json()["message"] == said
    # the editor's own answer to the job's end, too
    end = russian.get(job["result_url"], headers={**HTMX, **ru})
    assert said in end.get_data(as_text=True)
    assert job["failure"] == "engine"  # for a program: the kind, whatever the language


def test_a_stale_set_that_failed_a_job_is_said_in_the_readers_language(
        client: FlaskClient, session: Session, app: Flask, fake_engine: None) -> None:
    s = build(session, SMALL, confirmed=(0,))
    client.get("/?ui=en")
    job = client.post(f"/sets/{s.id}/edit/realign", data={"revision": 7},
                      headers=JSON).get_json()
    assert "another tab" in job["message"]
    russian = app.test_client().get(f"/jobs/{job['id']}.json",
                                    headers={"Accept-Language": "ru"}).get_json()
    assert russian["message"].startswith(
        "Этот набор изменили в другой вкладке или это сделал кто-то другой, пока вы его "
        "просматривали (у вас была редакция 7, сейчас — 0).")
    assert russian["failure"] == "stale-set"


def interrupted_realign(session: Session, s: DocumentSet) -> int:
    """A re-align job of ``s`` whose worker died (on another machine, silent for long)."""
    from workbench.jobs import Job

    job = Job(kind="realign", params={"set_id": s.id, "set_name": s.name,
                                      "revision": revision(session, s), "author": None},
              unit="sentences", state="running", worker="worker-2.team.lan:4242",
              attempts=1)
    session.add(job)
    session.flush()
    job.heartbeat_at = job.created_at.replace(year=2000)
    session.commit()
    return job.id


def test_an_interrupted_realignment_of_a_set_changed_since_is_ended_once(
        client: FlaskClient, session: Session, app: Flask, database_url: str,
        fake_engine: None, caplog: pytest.LogCaptureFixture) -> None:
    from workbench.jobs.runner import requeue_interrupted

    s = build(session, SMALL, confirmed=(0,))
    job_id = interrupted_realign(session, s)
    # the translator confirmed a row since: run as it was asked, the job would only fail
    run(session, s, editing.confirm_row, row_id(session, s, 1), True)

    caplog.set_level("INFO", logger="workbench.jobs.runner")
    for _sweep in range(3):  # every sweep of every worker and server looks
        assert requeue_interrupted(database_url, "eager") == []
    said = [r.getMessage() for r in caplog.records if f"job {job_id} " in r.getMessage()]
    assert said == [f"Interrupted job {job_id} not run again, and ended: Interrupted: the "
                    "process running it stopped, and the set was changed after this "
                    "re-alignment was asked for (from revision 0 to 1), so it was not run "
                    "again by itself."]

    ended = client.get(f"/jobs/{job_id}.json").get_json()
    assert ended["state"] == "failed" and ended["failure"] == "set-changed-since"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert ">Re-align the set as it is now<" in page and 'name="revision" value="1"' in page
    russian = app.test_client().get(f"/jobs/{job_id}", headers={"Accept-Language": "ru"})
    html = russian.get_data(as_text=True)
    assert ("Прервано: процесс, выполнявший задание, остановился, а набор изменили после "
            "того, как было запрошено это повторное выравнивание (с редакции 0 до 1)") in html
    assert ">Выровнять набор заново в нынешнем виде<" in html
    assert revision(session, s) == 1  # nothing re-aligned by itself

    # The person's offer works: the set as it is now, re-aligned.
    assert client.post(f"/jobs/{job_id}/rerun", data={"revision": 1}).status_code == 303
    assert client.get(f"/jobs/{job_id}.json").get_json()["state"] == "done"
    assert revision(session, s) == 2


def test_an_interrupted_realignment_of_a_deleted_set_is_ended_once(
        client: FlaskClient, session: Session, database_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    from workbench.jobs.runner import requeue_interrupted

    s = build(session, SMALL, confirmed=(0,))
    job_id = interrupted_realign(session, s)
    assert client.post(f"/sets/{s.id}/delete").status_code == 303
    caplog.set_level("INFO", logger="workbench.jobs.runner")
    requeue_interrupted(database_url, "eager")
    requeue_interrupted(database_url, "eager")
    assert len([r for r in caplog.records if f"job {job_id} " in r.getMessage()]) == 1
    ended = client.get(f"/jobs/{job_id}.json").get_json()
    assert ended["state"] == "failed" and ended["failure"] == "set-deleted-since"
    assert "the set was deleted since" in ended["message"]
