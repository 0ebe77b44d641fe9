"""The job runner without a broker: the server's own thread pool, cancelling, failing with a
clear message, a job whose process is gone, running a job again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from tests.conftest import demo_page
from tests.jobs.conftest import wait_for
from workbench.db import session_factory, session_scope, upgrade
from workbench.errors import PageImportError
from workbench.importers import read_version
from workbench.jobs import Job, cancel, rerun, run, submit
from workbench.jobs.kinds import store_versions
from workbench.jobs.runner import JobRefused, jobs_folder
from workbench.memory.models import MemoryOrigin, MemoryUnit
from workbench.models import DocumentSet, Row


@pytest.fixture(autouse=True)
def schema(database_url: str) -> None:
    upgrade(database_url)


def versions(number: str = "004", langs: tuple[str, ...] = ("ru-RU", "en-GB")) -> list:
    return [read_version(demo_page(number, lang).read_bytes(), f"{number}.{lang}.html")
            for lang in langs]


def job(url: str, job_id: int) -> Job:
    with session_factory(url)() as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def count(url: str, model: type) -> int:
    with session_factory(url)() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def queued(url: str, kind: str = "align", store=None, **params: object) -> int:
    """A job queued but handed to no runner (the test runs it)."""
    with session_scope(url) as session:
        new = Job(kind=kind, title="test", params=params, unit="sentences")
        session.add(new)
        session.flush()
        if store is not None:
            new.input_path = str(store(jobs_folder(url) / str(new.id)))
        return new.id


def test_the_servers_thread_pool_aligns_an_upload(threads_app: Flask, database_url: str,
                                                  jobs_folder: Path) -> None:
    with threads_app.app_context():
        job_id = submit(database_url, "align", title="CSTO", params={},
                        store_input=store_versions(versions()))
    # Submitting returns at once; the job finishes in the pool.
    wait_for(lambda: job(database_url, job_id).finished, "the job to finish")
    done = job(database_url, job_id)
    assert done.state == "done", done.message
    assert done.total and done.done == done.total  # sentences done of total
    assert done.result is not None and done.result["langs"] == ["ru-RU", "en-GB"]
    assert count(database_url, DocumentSet) == 1
    assert done.result["rows"] == count(database_url, Row) > 10
    # The input is a file in the jobs folder, so the job can be run again.
    assert done.input_path == str(jobs_folder / str(job_id) / "versions.json")


def test_a_job_cancelled_while_running_stores_nothing(tmp_path: Path, database_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    job_id = queued(database_url, store=store_versions(versions()))
    with session_scope(database_url) as session:
        session.get(Job, job_id).cancel_requested = True  # asked while it runs
    assert run(database_url, job_id) == "cancelled"
    cancelled = job(database_url, job_id)
    assert cancelled.state == "cancelled" and "nothing of it was stored" in cancelled.message
    assert count(database_url, DocumentSet) == 0 and count(database_url, Row) == 0


def test_a_tmx_import_cancelled_half_way_removes_its_units(tmp_path: Path, database_url: str,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from tests.workbench.test_memory import memory_tmx

    monkeypatch.chdir(tmp_path)
    big = tmp_path / "big.tmx"
    big.write_bytes(memory_tmx([(f"Unit {n} of the consignment.", f"Единица {n}.", None)
                                for n in range(7_000)]))
    job_id = queued(database_url, "tmx-import", store=lambda _folder: big, file_name="big.tmx")
    from workbench.jobs import runner

    reports: list[int] = []
    committed: list[int] = []
    original = runner.JobContext.progress

    def cancel_early(self, done, total=None, *, session=None):  # type: ignore[no-untyped-def]
        reports.append(done)
        committed.append(count(database_url, MemoryUnit))
        if len(reports) == 2:  # asked by someone else; seen once the import commits
            session.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
        self._reported = 0.0
        return original(self, done, total, session=session)

    monkeypatch.setattr(runner.JobContext, "progress", cancel_early)
    assert run(database_url, job_id) == "cancelled", job(database_url, job_id).message
    # 5,000 units were committed before the cancelling was seen; all are gone again.
    assert reports == [1_000, 2_000, 3_000, 4_000, 5_000, 6_000]
    assert committed[-1] == 5_000
    assert count(database_url, MemoryOrigin) == 0 and count(database_url, MemoryUnit) == 0


def test_a_queued_job_cancelled_never_runs(tmp_path: Path, database_url: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    job_id = queued(database_url, store=store_versions(versions()))
    with session_factory(database_url)() as session:
        cancel(session, job_id)
    assert run(database_url, job_id) is None  # a message delivered later finds it cancelled
    assert job(database_url, job_id).state == "cancelled"
    assert count(database_url, DocumentSet) == 0
    with session_factory(database_url)() as session, pytest.raises(JobRefused,
                                                                   match="already finished"):
        cancel(session, job_id)


def test_a_failed_job_says_why_and_runs_again_once_fixed(tmp_path: Path, database_url: str,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    pasted = [read_version("Один. Два.".encode(), "a.txt", lang="ru"),
              read_version(b"One. Two.", "b.txt", lang="en")]
    job_id = queued(database_url, store=store_versions(pasted))
    monkeypatch.setattr("workbench.limits.DEFAULTS", {"MAX_PAGE_SENTENCES": 1,
                                                      "MAX_SENTENCE_CHARS": 3_000})
    with pytest.raises(PageImportError):
        run(database_url, job_id, reraise=True)
    failed = job(database_url, job_id)
    assert failed.state == "failed"
    assert "a.txt (ru" in failed.message and "at most 1" in failed.message
    assert count(database_url, DocumentSet) == 0
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    with session_factory(database_url)() as session:
        again = rerun(session, database_url, job_id, runner="eager")
    assert again.state == "done" and again.attempts == 2 and again.message == ""
    assert count(database_url, DocumentSet) == 1
    # done now: running it again would make the set a second time
    with session_factory(database_url)() as session, pytest.raises(JobRefused,
                                                                   match="ended well"):
        rerun(session, database_url, job_id, runner="eager")
    assert count(database_url, DocumentSet) == 1


def test_a_job_whose_process_is_gone_is_interrupted_and_runs_again(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    job_id = queued(database_url, store=store_versions(versions()))
    with session_scope(database_url) as session:
        stuck = session.get(Job, job_id)
        stuck.state, stuck.worker = "running", "nowhere.invalid:1"  # another host, silent
        stuck.heartbeat_at = stuck.created_at.replace(year=2000)
    assert job(database_url, job_id).shown_state == "interrupted"
    # A running job of this very process is not interrupted, and cannot be run twice.
    with session_scope(database_url) as session:
        from workbench.jobs.models import this_process

        running = session.get(Job, job_id)
        running.worker, running.heartbeat_at = this_process(), running.created_at
    assert job(database_url, job_id).shown_state == "running"
    with session_factory(database_url)() as session, pytest.raises(JobRefused,
                                                                   match="still running"):
        rerun(session, database_url, job_id, runner="eager")
    with session_scope(database_url) as session:
        gone = session.get(Job, job_id)
        gone.worker, gone.heartbeat_at = "nowhere.invalid:1", gone.created_at.replace(year=2000)
    with session_factory(database_url)() as session:
        assert rerun(session, database_url, job_id, runner="eager").state == "done"
    assert count(database_url, DocumentSet) == 1


def test_a_job_without_its_input_cannot_run_again(tmp_path: Path, database_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    gone = tmp_path / "gone.tmx"
    gone.write_bytes(io.BytesIO(b"x").getvalue())
    job_id = queued(database_url, "tmx-import", store=lambda _folder: gone)
    with session_scope(database_url) as session:
        session.get(Job, job_id).state = "failed"
    gone.unlink()
    with session_factory(database_url)() as session, pytest.raises(JobRefused,
                                                                   match="is gone"):
        rerun(session, database_url, job_id, runner="eager")


def test_a_broker_that_cannot_be_reached_is_said_at_once(database_url: str,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from tests.jobs.conftest import _free_port
    from workbench.errors import WorkbenchError

    monkeypatch.setenv("WORKBENCH_BROKER_URL", f"redis://127.0.0.1:{_free_port()}/0")
    with pytest.raises(WorkbenchError, match="The job queue cannot be reached") as refused:
        submit(database_url, "align", title="nowhere to go", params={},
               store_input=store_versions(versions()))
    assert refused.value.status == 503
    assert job(database_url, 1).state == "failed"  # not left queued for ever
    assert count(database_url, DocumentSet) == 0


def test_a_job_whose_worker_stopped_reporting_minutes_ago_is_shown_stopped_with_run_again(
        tmp_path: Path, database_url: str, client) -> None:
    """A worker on another machine, killed: its job is shown interrupted, with Run again,
    once its heartbeat is a few minutes old (``STALE_AFTER``), not after half an hour."""
    from datetime import timedelta

    from workbench.models import utcnow

    job_id = queued(database_url, store=store_versions(versions()))
    with session_scope(database_url) as session:
        stuck = session.get(Job, job_id)
        stuck.state, stuck.worker = "running", "worker-2.team.lan:4242"
        stuck.heartbeat_at = utcnow() - timedelta(minutes=3)
    assert client.get("/jobs.json").get_json()[0]["state"] == "interrupted"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Interrupted: the process running it stopped" in page and "Run again" in page
    # One that reported a moment ago is running, and is not offered to run twice.
    with session_scope(database_url) as session:
        session.get(Job, job_id).heartbeat_at = utcnow() - timedelta(seconds=30)
    assert client.get("/jobs.json").get_json()[0]["state"] == "running"


def test_a_running_job_beats_while_it_reports_no_progress(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The heartbeat goes on during a long step without progress (the model loading, a
    large alignment), so such a job never looks stopped."""
    import time

    from workbench.jobs import kinds, models
    from workbench.jobs.kinds import Kind

    monkeypatch.setattr(models, "HEARTBEAT_EVERY", 0.05)
    beats: list[object] = []

    def quiet_step(context) -> dict[str, object]:  # type: ignore[no-untyped-def]
        for _ in range(4):
            time.sleep(0.3)
            beats.append(job(context.url, context.job_id).heartbeat_at)
        return {}

    monkeypatch.setitem(kinds.KINDS, "quiet", Kind(quiet_step, "steps", "a quiet step"))
    job_id = queued(database_url, kind="quiet")
    assert run(database_url, job_id) == "done"
    assert len(set(beats)) == 4, beats  # a new heartbeat every time it was looked at


def test_a_running_server_runs_again_the_jobs_of_a_server_that_died(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a broker, jobs run in the servers' own threads. A server that is already
    running (not one that starts) takes up, by itself, the jobs of another server process
    that died (on this machine: its process is gone; on another: silent for minutes); not
    one tried as often as the limit allows, which waits for a person."""
    import socket
    import subprocess
    import sys
    from datetime import timedelta

    from tests.workbench.test_serve import serving
    from workbench.jobs.runner import MAX_ATTEMPTS
    from workbench.models import utcnow

    monkeypatch.delenv("WORKBENCH_BROKER_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_JOBS_RUNNER", raising=False)
    monkeypatch.setenv("WORKBENCH_JOBS_SWEEP_EVERY", "0.5")
    monkeypatch.chdir(tmp_path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with serving(database_url):
        died_here, died_elsewhere, tried_enough = (
            queued(database_url, store=store_versions(versions())) for _ in range(3))
        with session_scope(database_url) as session:
            for job_id, worker, silent, attempts in (
                    (died_here, f"{socket.gethostname()}:{gone}", timedelta(0), 1),
                    (died_elsewhere, "worker-2.team.lan:4242", timedelta(minutes=3), 1),
                    (tried_enough, f"{socket.gethostname()}:{gone}", timedelta(0),
                     MAX_ATTEMPTS)):
                stuck = session.get(Job, job_id)
                stuck.state, stuck.worker, stuck.attempts = "running", worker, attempts
                stuck.heartbeat_at = utcnow() - silent
        for job_id in (died_here, died_elsewhere):
            wait_for(lambda job_id=job_id: job(database_url, job_id).finished,
                     f"the server to run job {job_id} again")
            done = job(database_url, job_id)
            assert done.state == "done" and done.attempts == 2, done.message
        left = job(database_url, tried_enough)
        assert left.shown_state == "interrupted" and left.attempts == MAX_ATTEMPTS
    assert count(database_url, DocumentSet) == 2


def test_an_interrupted_job_run_again_twice_at_once_runs_once(
        tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A person's Run again and a worker's sweep take up the same interrupted job at the
    same moment: between the one's reading the job and its writing, the other ran it. The
    later one is refused, and the set is made once."""
    monkeypatch.chdir(tmp_path)
    job_id = queued(database_url, store=store_versions(versions()))
    with session_scope(database_url) as session:
        stuck = session.get(Job, job_id)
        stuck.state, stuck.worker = "running", "nowhere.invalid:1"
        stuck.heartbeat_at = stuck.created_at.replace(year=2000)
    with session_factory(database_url)() as late:
        seen = late.get(Job, job_id)  # read as interrupted, not yet written
        assert seen is not None and seen.interrupted
        with session_factory(database_url)() as first:
            assert rerun(first, database_url, job_id, runner="eager").state == "done"
        with pytest.raises(JobRefused, match="it is not run twice"):
            rerun(late, database_url, job_id, runner="eager")
    assert count(database_url, DocumentSet) == 1
    assert job(database_url, job_id).attempts == 1


def test_a_sweep_interval_that_is_no_number_is_said_before_anything_starts(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.errors import WorkbenchError
    from workbench.jobs.runner import start_sweeper

    monkeypatch.setenv("WORKBENCH_JOBS_SWEEP_EVERY", "a minute")
    with pytest.raises(WorkbenchError,
                       match="WORKBENCH_JOBS_SWEEP_EVERY must be a number of seconds, "
                             "not 'a minute'"):
        start_sweeper(app, "threads")


def test_an_interrupted_job_whose_input_is_gone_is_ended_once_not_tried_every_sweep(
        database_url: str, jobs_folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    from workbench.jobs.runner import requeue_interrupted

    job_id = queued(database_url, store=store_versions(versions()))
    with session_scope(database_url) as session:
        stuck = session.get(Job, job_id)
        stuck.state, stuck.worker = "running", "nowhere.invalid:1"
        stuck.heartbeat_at = stuck.created_at.replace(year=2000)
        gone = Path(stuck.input_path)
    gone.unlink()  # the jobs folder was cleared meanwhile
    caplog.set_level("INFO", logger="workbench.jobs.runner")
    for _sweep in range(3):
        assert requeue_interrupted(database_url, "eager") == []
    said = [r.getMessage() for r in caplog.records if f"job {job_id} " in r.getMessage()]
    assert said == [f"Interrupted job {job_id} not run again, and ended: Interrupted: the "
                    f"process running it stopped, and its input ({gone}) is gone, so it "
                    "cannot be run again."]
    ended = job(database_url, job_id)
    assert ended.state == "failed" and ended.failure_kind == "input-gone"
    assert count(database_url, DocumentSet) == 0


def test_the_jobs_of_an_older_workbench_keep_their_message_through_the_migration(
        database_url: str, client) -> None:  # type: ignore[no-untyped-def]
    """Migration 0019 adds the failure's kind: a job that ended before has none, and shows
    its message as it was stored; going down again keeps the message."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from workbench.db import MIGRATIONS, engine_for

    def migrate(action: str, revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine_for(database_url).begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)

    def columns() -> set[str]:
        return {column["name"] for column in inspect(engine_for(database_url)).get_columns("job")}

    migrate("downgrade", "0018_memory_unit_pair_print")  # the schema before 0019
    assert "message" in columns() and "failure_kind" not in columns()
    stored = "Abgebrochen: Nichts davon wurde gespeichert."
    with engine_for(database_url).begin() as connection:
        connection.execute(text(
            "INSERT INTO job (kind, title, state, done, unit, params, message, locale, "
            "cancel_requested, worker, attempts, created_at) VALUES ('align', 'alt', "
            "'cancelled', 0, 'sentences', '{}', :message, 'de', false, '', 1, "
            "'2026-01-01 00:00:00')"), {"message": stored})
    migrate("upgrade", "head")
    assert {"failure_kind", "failure_params"} <= columns()
    answer = client.get("/jobs/1.json", headers={"Accept-Language": "ru"}).get_json()
    assert answer["message"] == stored and answer["failure"] is None
    migrate("downgrade", "0018_memory_unit_pair_print")
    assert not {"failure_kind", "failure_params"} & columns()
    with engine_for(database_url).begin() as connection:
        assert connection.execute(text("SELECT message FROM job")).scalar_one() == stored
    migrate("upgrade", "head")


@pytest.mark.sqlite_only(reason="holds SQLite's lock")
def test_a_sweep_that_meets_a_busy_database_says_so_in_the_log(
        database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The server's sweeper has an app but no request (no reader, no language): what stops
    a sweep is said in English in the log, where it was 'Working outside of request
    context' (the sentence could not be made), the next sweep trying again."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from workbench.app import create_app
    from workbench.jobs.runner import start_sweeper

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "DATABASE_BUSY_TIMEOUT": 0.1})
    holder = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a large import writing
    caplog.set_level("WARNING", logger="workbench.jobs.runner")

    def said() -> list[str]:
        return [record.getMessage() for record in caplog.records
                if record.getMessage().startswith("Looking for interrupted jobs failed")]

    sweeper = start_sweeper(app, "threads")
    try:
        wait_for(said, "the sweep to meet the busy database")
    finally:
        sweeper.stop()
        holder.execute("ROLLBACK")
        holder.close()
    assert said()[0] == ("Looking for interrupted jobs failed: Another import or "
                         "re-alignment is writing to the database; nothing of yours was "
                         "lost. Try again in a moment.")
