"""Jobs on a real queue: Debian's redis-server and real ``workbench worker`` processes. A job
runs on a worker; a worker killed mid-job (SIGKILL) leaves nothing half-stored, the job reads
as interrupted, and running it again on a new worker succeeds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from tests.conftest import demo_page
from tests.jobs.conftest import Workers, wait_for
from workbench.cli import main
from workbench.db import session_factory, session_scope, upgrade
from workbench.importers import read_version
from workbench.jobs import Job, submit
from workbench.jobs.kinds import store_versions
from workbench.jobs.models import STALE_AFTER
from workbench.models import DocumentSet, Row, Sentence, utcnow


def pages(number: str = "002") -> list:
    return [read_version(demo_page(number, lang).read_bytes(), f"{number}.{lang}.html")
            for lang in ("ru-RU", "en-GB", "de-DE")]


def job(url: str, job_id: int) -> Job:
    with session_factory(url)() as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def stored(url: str) -> tuple[int, int, int]:
    with session_factory(url)() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(model)) or 0)
                     for model in (DocumentSet, Row, Sentence))  # type: ignore[return-value]


def test_a_job_runs_on_a_worker(workers: Workers, database_url: str) -> None:
    upgrade(database_url)
    workers.start()
    job_id = submit(database_url, "align", title="on the queue", params={},
                    store_input=store_versions(pages()))
    assert job(database_url, job_id).state == "queued"  # handed to the broker, not run here
    wait_for(lambda: job(database_url, job_id).finished, "the worker to run the job")
    done = job(database_url, job_id)
    assert done.state == "done", done.message
    assert done.worker.rsplit(":", 1)[1] != str(__import__("os").getpid())  # another process
    assert stored(database_url)[0] == 1 and done.result is not None
    assert done.result["langs"] == ["ru-RU", "en-GB", "de-DE"]


def test_a_worker_killed_mid_job_leaves_nothing_and_the_job_runs_again(
        workers: Workers, database_url: str, tmp_path: Path) -> None:
    upgrade(database_url)
    # This worker stops with the new set written but not committed (a test hook).
    doomed = workers.start(WORKBENCH_TEST_PAUSE_BEFORE_COMMIT="600")
    job_id = submit(database_url, "align", title="to be killed", params={},
                    store_input=store_versions(pages()))
    paused = Path(str(job(database_url, job_id).input_path)).parent / "paused"
    wait_for(paused.exists, "the worker to reach the end of the job")
    running = job(database_url, job_id)
    assert running.state == "running" and running.done == running.total
    workers.kill(doomed)

    assert stored(database_url) == (0, 0, 0)  # nothing half-stored
    assert job(database_url, job_id).shown_state == "interrupted"
    listed = CliRunner().invoke(main, ["jobs"])
    assert listed.exit_code == 0 and f"{job_id}\tinterrupted\t" in listed.output

    workers.start()
    again = CliRunner().invoke(main, ["jobs", "rerun", str(job_id)])
    assert again.exit_code == 0, again.output
    wait_for(lambda: job(database_url, job_id).finished, "the job run again to finish")
    done = job(database_url, job_id)
    assert done.state == "done" and done.attempts == 2, done.message
    sets, rows, sentences = stored(database_url)
    assert sets == 1 and rows == done.result["rows"]  # type: ignore[index]
    assert sentences == done.total  # every sentence once: nothing of the first attempt


def test_a_job_of_a_killed_single_worker_runs_again_when_a_worker_starts(
        workers: Workers, database_url: str) -> None:
    """The default worker runs jobs in its own process: killed, its message stays with
    Redis for the visibility timeout (an hour). The next worker to start runs the job again
    at once, with no one pressing Run again."""
    upgrade(database_url)
    doomed = workers.start(WORKBENCH_TEST_PAUSE_BEFORE_COMMIT="600")
    job_id = submit(database_url, "align", title="to be killed", params={},
                    store_input=store_versions(pages()))
    paused = Path(str(job(database_url, job_id).input_path)).parent / "paused"
    wait_for(paused.exists, "the worker to reach the end of the job")
    workers.kill(doomed)
    assert job(database_url, job_id).shown_state == "interrupted"

    workers.start()
    wait_for(lambda: job(database_url, job_id).finished, "the job to run again by itself")
    done = job(database_url, job_id)
    assert done.state == "done" and done.attempts == 2, done.message
    assert stored(database_url)[0] == 1


def ready(workers: Workers, worker: object) -> bool:
    """Whether the worker has started (and made its starting look for interrupted jobs)."""
    return " ready." in workers.log(worker)  # type: ignore[arg-type]


def test_a_job_of_a_killed_worker_runs_again_on_a_worker_already_running(
        workers: Workers, database_url: str) -> None:
    """Two workers run; one is killed mid-job. The other, running all along (so not by
    its own start), takes the job up again by itself: nobody presses Run again, nothing
    is restarted."""
    upgrade(database_url)
    doomed = workers.start(WORKBENCH_TEST_PAUSE_BEFORE_COMMIT="600")
    wait_for(lambda: ready(workers, doomed), "the first worker to start")
    job_id = submit(database_url, "align", title="to be killed", params={},
                    store_input=store_versions(pages()))
    paused = Path(str(job(database_url, job_id).input_path)).parent / "paused"
    wait_for(paused.exists, "the worker to reach the end of the job")
    survivor = workers.start(WORKBENCH_JOBS_SWEEP_EVERY="0.5")
    wait_for(lambda: ready(workers, survivor), "the second worker to start")
    assert job(database_url, job_id).shown_state == "running"  # nothing for it to take yet
    workers.kill(doomed)

    wait_for(lambda: job(database_url, job_id).finished, "the running worker to take it up")
    done = job(database_url, job_id)
    assert done.state == "done" and done.attempts == 2, done.message
    assert done.worker.rsplit(":", 1)[1] == str(survivor.pid)
    assert stored(database_url)[0] == 1


ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@ON_POSTGRESQL  # on SQLite the frozen worker's open transaction holds every writer back
def test_a_worker_that_went_silent_and_comes_back_does_not_store_the_job_twice(
        workers: Workers, database_url: str) -> None:
    """A worker frozen mid-job (a hung machine) stops beating; once its heartbeat is stale
    the other worker runs the job. When the frozen one comes back, it finds the job taken
    and stores nothing: one set, not two."""
    upgrade(database_url)
    frozen = workers.start(WORKBENCH_TEST_PAUSE_BEFORE_COMMIT="600")
    wait_for(lambda: ready(workers, frozen), "the first worker to start")
    job_id = submit(database_url, "align", title="frozen", params={},
                    store_input=store_versions(pages()))
    folder = Path(str(job(database_url, job_id).input_path)).parent
    wait_for((folder / "paused").exists, "the worker to reach the end of the job")
    other = workers.start(WORKBENCH_JOBS_SWEEP_EVERY="0.5")
    wait_for(lambda: ready(workers, other), "the second worker to start")
    workers.freeze(frozen)
    try:
        with session_scope(database_url) as session:  # silent for longer than STALE_AFTER
            session.execute(update(Job).where(Job.id == job_id).values(
                heartbeat_at=utcnow() - STALE_AFTER - timedelta(minutes=1)))
        assert job(database_url, job_id).shown_state == "interrupted"
        wait_for(lambda: job(database_url, job_id).finished, "the other worker to run it")
    finally:
        (folder / "resume").touch()
        workers.thaw(frozen)
    wait_for(lambda: "was taken over" in workers.log(frozen),
             "the thawed worker to give the job up")

    done = job(database_url, job_id)
    assert done.state == "done" and done.attempts == 2, done.message
    assert done.worker.rsplit(":", 1)[1] == str(other.pid)
    sets, rows, sentences = stored(database_url)
    assert sets == 1 and rows == done.result["rows"]  # type: ignore[index]
    assert sentences == done.total
