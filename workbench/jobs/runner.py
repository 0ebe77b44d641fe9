"""Running jobs: submit one, run it (the same function wherever it runs), report progress,
cancel it, run it again.

Where a job runs is the runner (``runner_name``):

- ``celery``: with ``WORKBENCH_BROKER_URL`` (or the app's ``BROKER_URL``) set, the job goes to
  the broker and a ``workbench worker`` runs it (``workbench.jobs.queue``);
- ``threads``: without a broker, a small thread pool inside the server process runs it
  (``JOB_THREADS`` at a time), so ``make run`` needs nothing else;
- ``eager``: the job runs at once, in the caller's thread (the command line without a
  broker, and the Flask test config unless ``JOBS_RUNNER`` says otherwise).

Progress is written in short transactions of its own (SQLite has one writer), or within the
work's own transaction where that transaction holds the lock anyway (a TMX import). Cancelling
sets a flag that the job reads at its progress points; it then stops by raising
``JobCancelled``, and what it had half stored is removed (a new set is stored in one
transaction at the end; a TMX import removes its units).

A job whose process died is run again by itself (``requeue_interrupted``): by a worker
that starts, and every ``SWEEP_EVERY`` seconds by the workers and servers already running
(``start_sweeper``), up to ``MAX_ATTEMPTS`` runs. A job runs in one place at a time: each
step from one runner to the next is a compare-and-set on the job's row (``_claim``,
``rerun``), and a runner whose job was taken over meanwhile (it was alive, but silent for
``STALE_AFTER``: a frozen machine, a database out of reach) finds that out at its next
heartbeat or progress point and stops, storing nothing (``JobLost``); its work is committed
with the job's end only while the job is still its own (``JobContext.finish``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from threading import Event, Lock, Thread
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from workbench.db import DEFAULT_INSTANCE, session_factory, session_scope
from workbench.errors import DatabaseBusy, NotFound, WorkbenchError
from workbench.failures import Failure, refusal, unexpected
from workbench.jobs.models import (
    CANCELLED,
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    Job,
    this_process,
)
from workbench.jobs.titles import english_title
from workbench.models import utcnow

PROGRESS_EVERY = 0.5  # seconds between two progress reports (and cancel checks)
MAX_ATTEMPTS = 3  # runs of a job the workers make by themselves (requeue_interrupted)
# seconds between two looks for jobs whose process died, by every running worker and server
# (the app's JOBS_SWEEP_EVERY, else WORKBENCH_JOBS_SWEEP_EVERY)
SWEEP_EVERY = 60.0
JOB_THREADS = 2  # jobs run at once by the server's own pool
RUNNERS = ("celery", "threads", "eager")
log = logging.getLogger(__name__)


class JobCancelled(Exception):  # noqa: N818 (a signal, like StopIteration, not a fault)
    """Raised at a progress point of a job whose cancelling was asked for."""


class JobLost(JobCancelled):
    """Raised in a runner whose job is no longer its own: its heartbeat had gone stale and
    another runner took the job over, or it was cancelled as interrupted. The runner stops
    and stores nothing (what it had half stored is removed, as for a cancelled job); the job
    is the other runner's to end."""


class JobRefused(WorkbenchError):
    """A job cannot be cancelled or run again in its state."""

    status = 409


# -- configuration -----------------------------------------------------------------------

def _config(key: str) -> Any:
    return current_app.config.get(key) if has_app_context() else None


def broker_url() -> str | None:
    """The Celery broker: the app's ``BROKER_URL``, else ``WORKBENCH_BROKER_URL``."""
    return _config("BROKER_URL") or os.environ.get("WORKBENCH_BROKER_URL") or None


def runner_name(*, default: str | None = None) -> str:
    """Where submitted jobs run: the app's ``JOBS_RUNNER``, else ``WORKBENCH_JOBS_RUNNER``,
    else ``celery`` with a broker, else ``default`` (``eager`` for the test config and the
    command line, ``threads`` in the server)."""
    chosen = _config("JOBS_RUNNER") or os.environ.get("WORKBENCH_JOBS_RUNNER")
    if not chosen:
        if broker_url():
            chosen = "celery"
        elif default:
            chosen = default
        else:
            chosen = "eager" if has_app_context() and current_app.testing else "threads"
    if chosen not in RUNNERS:
        raise WorkbenchError(f"JOBS_RUNNER is '{chosen}'; it must be one of "
                             f"{', '.join(RUNNERS)}.")
    return str(chosen)


def jobs_folder(url: str, instance_path: str | Path | None = None) -> Path:
    """Where jobs keep their input and output files: the app's ``JOBS_FOLDER``, else
    ``WORKBENCH_JOBS_FOLDER``, else ``jobs/`` beside an SQLite database file (the files go
    with the database whose jobs they are), else ``jobs/`` in the instance folder."""
    configured = _config("JOBS_FOLDER") or os.environ.get("WORKBENCH_JOBS_FOLDER")
    if configured:
        return Path(configured)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).resolve().parent / "jobs"
    if instance_path is None:
        instance_path = current_app.instance_path if has_app_context() else DEFAULT_INSTANCE
    return Path(instance_path) / "jobs"


def transaction(url: str) -> AbstractContextManager[Session]:
    """A short transaction, with the app's busy timeout when there is an app."""
    return session_scope(url, _config("DATABASE_BUSY_TIMEOUT"))


# -- submitting ----------------------------------------------------------------------------

def submit(url: str, kind: str, *, title: str = "", params: dict[str, Any] | None = None,
           store_input: Callable[[Path], Path] | None = None, locale: str = "en",
           runner: str | None = None, folder: Path | None = None) -> int:
    """A new job queued and handed to its runner; its id.

    Its title is made from ``kind`` and ``params`` when it is shown, in the reader's
    language (``workbench.jobs.titles``); ``title`` is for a job whose parameters do not
    say it (a page of an archive): words shown as they are, in no language of the
    interface. ``locale`` is the language the job speaks in its messages.

    ``store_input``, given the job's own folder (not made yet), writes the job's input
    there (or names a file that is already on disk) and gives its path. With the ``eager``
    runner the job has run when this returns, and a ``WorkbenchError`` that stopped it is
    raised again.
    """
    from workbench.jobs.kinds import KINDS

    runner = runner or runner_name()
    with transaction(url) as session:
        job = Job(kind=kind, title=english_title(kind, params, title)[:500],
                  params=params or {}, locale=locale,
                  unit=KINDS[kind].unit, state=QUEUED,
                  # a job of this process's pool is interrupted when this process is gone
                  worker=this_process() if runner == "threads" else "")
        session.add(job)
        session.flush()
        if store_input is not None:
            job.input_path = str(store_input((folder or jobs_folder(url)) / str(job.id)))
        job_id = job.id
    dispatch(url, job_id, runner)
    return job_id


def dispatch(url: str, job_id: int, runner: str) -> None:
    """Hand a queued job to ``runner``."""
    if runner == "celery":
        from workbench.jobs.queue import send

        try:
            send(job_id, broker_url() or "")
        except Exception as error:  # kombu's OperationalError, a refused connection ...
            log.warning("Job %s could not be queued: %s", job_id, error)
            unreachable = refusal(WorkbenchError, "queue-unreachable",
                                  reason=type(error).__name__)
            unreachable.status = 503
            _end(url, job_id, FAILED, failure=Failure.of(unreachable))
            raise unreachable from error
    elif runner == "threads":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with _pools_lock:
            _in_pool.setdefault(id(app), {})[job_id] = QUEUED
        _pool(app).submit(_run_in_app, app, url, job_id)
    else:
        run(url, job_id, reraise=True)


_pools: dict[int, ThreadPoolExecutor] = {}
# per app, the jobs handed to its pool that have not ended there: QUEUED (waiting for a
# thread) or RUNNING (``in_pool``)
_in_pool: dict[int, dict[int, str]] = {}
_pools_lock = Lock()


def _pool(app: Flask) -> ThreadPoolExecutor:
    with _pools_lock:
        if id(app) not in _pools:
            _pools[id(app)] = ThreadPoolExecutor(
                max_workers=int(app.config.get("JOB_THREADS", JOB_THREADS)),
                thread_name_prefix="workbench-job")
        return _pools[id(app)]


def _run_in_app(app: Flask, url: str, job_id: int) -> None:
    with _pools_lock:
        _in_pool.setdefault(id(app), {})[job_id] = RUNNING
    try:
        with app.app_context():
            run(url, job_id)
    finally:
        with _pools_lock:
            _in_pool.get(id(app), {}).pop(job_id, None)


def in_pool(app: Flask, state: str) -> list[int]:
    """The jobs handed to ``app``'s pool that are now in ``state`` there: ``RUNNING`` in
    one of its threads, or ``QUEUED``, waiting for one; what a server that stops says it
    leaves."""
    with _pools_lock:
        return sorted(job_id for job_id, now in _in_pool.get(id(app), {}).items()
                      if now == state)


def stop_pool(app: Flask, *, wait: bool = True) -> None:
    """Close ``app``'s pool when its server stops: the jobs running in it finish, and those
    still waiting stay queued in the database, as this process's (once it is gone, they
    read as interrupted and the next sweep runs them again, on a server that runs), not
    run while the process is closing, after it said it stopped. Without ``wait`` (a server
    stopped at once, its process ending next) it returns without waiting for the running
    jobs, and ``in_pool`` still names them: they are left as a killed server's."""
    with _pools_lock:
        pool = _pools.pop(id(app), None)
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)
    if wait:
        with _pools_lock:
            _in_pool.pop(id(app), None)


# -- running -------------------------------------------------------------------------------

@dataclass
class JobContext:
    """What a job's function gets: its parameters and input, and the means to report
    progress (which also stops it when it was cancelled) and to finish in its own
    transaction."""

    url: str
    job_id: int
    params: dict[str, Any]
    input_path: Path | None
    folder: Path
    finished: bool = False
    worker: str = ""  # who runs it (``this_process`` at the claim); "" where nobody claimed it
    lost: Event = field(default_factory=Event, repr=False)  # set when another took it over
    _reported: float = field(default=0.0, repr=False)

    def progress(self, done: int, total: int | None = None, *,
                 session: Session | None = None) -> None:
        """Record ``done`` (of ``total``); raise ``JobCancelled`` if cancelling was asked.

        At most one report every ``PROGRESS_EVERY`` seconds, besides the first and the
        last. With ``session``, the report goes into that session's transaction (work that
        holds SQLite's lock between its commits), else into a short one of its own."""
        now = time.monotonic()
        if self._reported and now - self._reported < PROGRESS_EVERY and done != total:
            return
        self._reported = now
        values: dict[str, Any] = {"done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["total"] = total
        change = update(Job).where(Job.id == self.job_id).values(**values)
        try:
            if session is not None:
                session.execute(change)
            else:
                with transaction(self.url) as own:
                    own.execute(change)
        except DatabaseBusy:  # only a progress figure: the next report tries again
            log.info("Job %s: progress not recorded, the database is busy.", self.job_id)
        self.check()

    def check(self) -> None:
        """Raise ``JobCancelled`` if cancelling the job was asked for; ``JobLost`` if the job
        is not this runner's any more."""
        if self.lost.is_set():
            raise JobLost
        with session_factory(self.url)() as session:
            found = session.execute(select(Job.cancel_requested, Job.state, Job.worker)
                                    .where(Job.id == self.job_id)).first()
        if found is None:
            raise JobLost
        if self.worker and (found.state != RUNNING or found.worker != self.worker):
            self.lost.set()
            raise JobLost
        if found.cancel_requested:
            raise JobCancelled

    def finish(self, session: Session, result: dict[str, Any]) -> None:
        """Mark the job done with ``result`` in ``session``'s transaction, with the work it
        stored: both are committed, or neither (a killed worker leaves the job to rerun).
        Raises ``JobCancelled`` first if cancelling was asked, and ``JobLost`` (the work then
        rolled back with the transaction) if the job is not this runner's any more."""
        self.check()
        ours = (Job.id == self.job_id, Job.state == RUNNING, Job.worker == self.worker) \
            if self.worker else (Job.id == self.job_id,)
        ended = session.execute(update(Job).where(*ours).values(
            state=DONE, result=result, finished_at=utcnow(), heartbeat_at=utcnow())
            .execution_options(synchronize_session=False))
        if ended.rowcount != 1:  # type: ignore[attr-defined]
            self.lost.set()
            raise JobLost
        self.finished = True


def run(url: str, job_id: int, *, reraise: bool = False) -> str | None:
    """Run a queued job (or one whose process is gone) to its end; the state it ends in,
    or None when it was not to be run (finished, cancelled, or another runner's).

    A ``WorkbenchError`` fails the job with its kind (``workbench.failures``), else its
    message; with ``reraise`` it is raised again afterwards (and so is an unexpected error,
    after the job is marked failed)."""
    from workbench.jobs.kinds import KINDS

    job = _claim(url, job_id)
    if job is None:
        return None
    given = Path(job.input_path) if job.input_path else None
    # The job's own folder: where its input was stored (the same on every machine that
    # shares the jobs folder), else this process's jobs folder.
    root = given.parent if given and given.parent.name == str(job.id) \
        else jobs_folder(url) / str(job.id)
    context = JobContext(url, job.id, dict(job.params or {}), given, root, worker=job.worker)
    owner = job.worker
    speaking = force_locale(job.locale) if has_app_context() else nullcontext()
    with speaking, _heartbeat(url, job.id, owner, context.lost):
        try:
            result = KINDS[job.kind].run(context)
        except JobLost:
            _taken_over(job_id)
            return None
        except JobCancelled:
            _end(url, job_id, CANCELLED, failure=Failure("cancelled"), owner=owner)
            return CANCELLED
        except WorkbenchError as error:
            _end(url, job_id, FAILED, message=error.message, failure=Failure.of(error),
                 owner=owner)
            if reraise:
                raise
            return FAILED
        except Exception as error:
            log.exception("Job %s (%s) failed.", job_id, job.kind)
            _end(url, job_id, FAILED, failure=unexpected(error), owner=owner)
            if reraise:
                raise
            return FAILED
    if not context.finished and not _end(url, job_id, DONE, result=result, owner=owner):
        _taken_over(job_id)
        return None
    return DONE


def _taken_over(job_id: int) -> None:
    log.warning("Job %s was taken over by another runner (this one had been silent for "
                "too long) or cancelled meanwhile: this run stops, and stores nothing.",
                job_id)


@contextmanager
def _heartbeat(url: str, job_id: int, owner: str, lost: Event) -> Iterator[None]:
    """While the block runs, bump the job's ``heartbeat_at`` every ``HEARTBEAT_EVERY``
    seconds from a thread of its own: a step that reports no progress for long (the model
    loading, a large alignment) still shows the process alive, so a job whose heartbeat is
    older than ``STALE_AFTER`` can be shown as interrupted after minutes, not half an hour.
    A beat that finds the job no longer running as ``owner``'s (taken over after a silence)
    sets ``lost``: the job stops at its next progress point."""
    from workbench.jobs import models

    stop = Event()

    def beat() -> None:
        while not stop.wait(models.HEARTBEAT_EVERY):
            try:
                with transaction(url) as session:
                    beaten = session.execute(
                        update(Job).where(Job.id == job_id, Job.state == RUNNING,
                                          Job.worker == owner)
                        .values(heartbeat_at=utcnow())
                        .execution_options(synchronize_session=False))
                    if beaten.rowcount != 1:  # type: ignore[attr-defined]
                        lost.set()
                        return
            except WorkbenchError as error:  # busy or unreachable: the next beat tries again
                log.info("Job %s: heartbeat not recorded: %s", job_id, error.message)

    beating = Thread(target=beat, name=f"workbench-job-{job_id}-heartbeat", daemon=True)
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()


def requeue_interrupted(url: str, runner: str, *, attempts: int = MAX_ATTEMPTS) -> list[int]:
    """Queue again, on ``runner``, every job whose process is gone (``Job.interrupted``)
    and that has been tried fewer than ``attempts`` times; their ids. A starting worker
    calls it, and every running worker and server does every ``SWEEP_EVERY`` seconds
    (``start_sweeper``): a job whose worker was killed runs again within minutes, on
    whichever is there, rather than when the broker hands its message out again (an hour
    later: the visibility timeout) or someone presses Run again. A job that keeps killing
    its worker (too large for its memory) stops at ``attempts`` and waits for a person.
    A job that could never run again as it is (``never_again``: its input gone, its set
    changed or deleted since) is ended once, failed with that kind, and said once in the log:
    the next sweep does not look at it again. This process's own jobs are never taken (they
    run or wait here); two processes that look at once queue a job once (``rerun`` is a
    compare-and-set)."""
    requeued: list[int] = []
    me = this_process()
    with session_factory(url)() as session:
        candidates = [job.id for job in session.scalars(
            select(Job).where(Job.state.in_((QUEUED, RUNNING)), Job.worker != "",
                              Job.worker != me, Job.attempts < attempts))
            if job.interrupted]
    for job_id in candidates:
        with session_factory(url)() as session:
            job = session.get(Job, job_id)
            failure = never_again(session, job) if job is not None else None
            if job is not None and failure is not None:
                if _give_up(session, job, failure):
                    log.warning("Interrupted job %s not run again, and ended: %s", job_id,
                                failure.english())
                continue
            try:
                rerun(session, url, job_id, runner=runner)
            except WorkbenchError as error:  # run again meanwhile, its input gone ...
                log.warning("Interrupted job %s not run again: %s", job_id, error.message)
                continue
        log.info("Interrupted job %s queued again.", job_id)
        requeued.append(job_id)
    return requeued


def never_again(session: Session, job: Job) -> Failure | None:
    """Why an interrupted ``job`` can never run again as it is, or None: its input is gone;
    a re-alignment's set was deleted, or changed since it was asked for (a person may
    re-align the set as it is now: the jobs page offers it)."""
    if job.input_path and not Path(job.input_path).exists():
        return Failure("input-gone", {"file": job.input_path})
    if job.kind == "realign":
        from workbench.jobs.realign import set_since

        since = set_since(session, job)
        if since.gone:
            return Failure("set-deleted-since")
        if since.changed:
            return Failure("set-changed-since", {"then": since.asked_at, "now": since.now})
    return None


def _give_up(session: Session, job: Job, failure: Failure) -> bool:
    """End the interrupted ``job`` as failed with ``failure``, unless it was run again or
    taken up meanwhile (a compare-and-set on what was read, as ``rerun``). Commits;
    whether it was ended here."""
    ended = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == job.state, Job.worker == job.worker,
               Job.heartbeat_at.is_not_distinct_from(job.heartbeat_at))
        .values(state=FAILED, finished_at=utcnow(), **_failed(failure))
        .execution_options(synchronize_session=False))
    session.commit()
    return bool(ended.rowcount == 1)  # type: ignore[attr-defined]


def sweep_every() -> float:
    """Seconds between two sweeps (``SWEEP_EVERY``): the app's ``JOBS_SWEEP_EVERY``, else
    ``WORKBENCH_JOBS_SWEEP_EVERY``."""
    value = _config("JOBS_SWEEP_EVERY") or os.environ.get("WORKBENCH_JOBS_SWEEP_EVERY")
    if not value:
        return SWEEP_EVERY
    try:
        return max(0.1, float(value))
    except ValueError:
        raise WorkbenchError(
            f"WORKBENCH_JOBS_SWEEP_EVERY must be a number of seconds, not {value!r}.") from None


@dataclass
class Sweeper:
    """The sweeping thread ``start_sweeper`` started; ``stop`` ends it."""

    stopping: Event
    thread: Thread

    def stop(self) -> None:
        """Stop sweeping, and return once the sweep under way (if any) has ended: nothing
        of it touches the database afterwards (a server stopping, its database next)."""
        self.stopping.set()
        self.thread.join()


def start_sweeper(app: Flask, runner: str, *, at_once: bool = True) -> Sweeper:
    """A thread of this process that, every ``sweep_every()`` seconds (the first time at
    once, with ``at_once``), keeps the heartbeat of the jobs waiting in this process's pool
    fresh (waiting long behind others is not being interrupted) and queues again, on
    ``runner``, the jobs whose process died (``requeue_interrupted``). Its ``stop`` ends
    it (a server that stops calls it). A database out of reach only costs a sweep."""
    stop = Event()
    url = app.config["DATABASE_URL"]
    me = this_process()
    with app.app_context():
        every = sweep_every()  # a wrong setting is said here, before the thread starts

    def sweep() -> None:
        with app.app_context():
            if not at_once and stop.wait(every):
                return
            while not stop.is_set():
                try:
                    with transaction(url) as session:
                        session.execute(update(Job).where(Job.state == QUEUED,
                                                          Job.worker == me)
                                        .values(heartbeat_at=utcnow())
                                        .execution_options(synchronize_session=False))
                    requeue_interrupted(url, runner)
                except Exception as error:  # noqa: BLE001 - the next sweep tries again
                    log.warning("Looking for interrupted jobs failed: %s", error)
                if stop.wait(every):
                    return

    thread = Thread(target=sweep, name="workbench-job-sweeper", daemon=True)
    thread.start()
    return Sweeper(stop, thread)


def _claim(url: str, job_id: int) -> Job | None:
    """The job, now running in this process; None if it is not to be run here."""
    with transaction(url) as session:
        job = session.get(Job, job_id)
        if job is None:
            log.warning("Job %s does not exist (any more); nothing to run.", job_id)
            return None
        if not (job.state == QUEUED or (job.state == RUNNING and job.interrupted)):
            return None
        # Compare-and-set on what was read: of two runners given the same job (a message
        # delivered again), one takes it.
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == job.state, Job.worker == job.worker)
            .values(state=RUNNING, worker=this_process(), started_at=utcnow(),
                    heartbeat_at=utcnow(), finished_at=None, done=0, message="",
                    failure_kind="", failure_params=None, attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        session.refresh(job)
        session.expunge(job)
        return job


def _end(url: str, job_id: int, state: str, *, result: dict[str, Any] | None = None,
         message: str = "", failure: Failure | None = None, owner: str = "") -> bool:
    """Mark the job ended; with ``owner`` only while it still runs as ``owner``'s. Whether
    it was marked. With ``failure``, the job keeps its kind and says it in English in
    ``message``; without, ``message`` as it is."""
    values: dict[str, Any] = {"state": state, "message": message, "finished_at": utcnow(),
                              **_failed(failure)}
    if result is not None:
        values["result"] = result
    ours = (Job.id == job_id, Job.state == RUNNING, Job.worker == owner) if owner \
        else (Job.id == job_id,)
    with transaction(url) as session:
        ended = session.execute(update(Job).where(*ours).values(**values)
                                .execution_options(synchronize_session=False))
        return bool(ended.rowcount == 1)  # type: ignore[attr-defined]


def _failed(failure: Failure | None) -> dict[str, Any]:
    """The job's columns that say ``failure`` (none: only the message given says it)."""
    if failure is None:
        return {"failure_kind": "", "failure_params": None}
    return {"failure_kind": failure.kind, "failure_params": failure.params,
            "message": failure.english()}


# -- cancelling, running again, reading ----------------------------------------------------

def get_job(session: Session, job_id: int) -> Job:
    """The job with this id, or NotFound."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(_("There is no job %(id)s.", id=job_id))
    return job


def list_jobs(session: Session, limit: int = 200) -> list[Job]:
    """The newest jobs first."""
    return list(session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def cancel(session: Session, job_id: int) -> Job:
    """Stop a job: a queued or interrupted one at once, a running one at its next progress
    point (the runner then removes what it had half stored). Commits."""
    job = get_job(session, job_id)
    if job.finished:
        raise JobRefused(_("Job %(id)s has already finished; there is nothing to cancel.",
                           id=job_id))
    if job.state == QUEUED or job.interrupted:
        job.state, job.finished_at = CANCELLED, utcnow()
        for column, value in _failed(Failure("cancelled")).items():
            setattr(job, column, value)
    else:
        job.cancel_requested = True
    session.commit()
    return job


def rerun(session: Session, url: str, job_id: int, *, runner: str | None = None,
          revision: int | None = None, author: str | None = None) -> Job:
    """Queue a job again (one that failed, was cancelled or interrupted, or a finished
    export) with the same input, and hand it to the runner. Commits.

    A re-align job whose set was changed since runs again only on the set as it is now:
    at ``revision``, the set's revision the person saw, with ``author`` (who asks) as the
    step's author; one whose set was deleted does not (``workbench.jobs.realign``)."""
    job = get_job(session, job_id)
    if job.state in (QUEUED, RUNNING) and not job.interrupted:
        raise JobRefused(_("Job %(id)s is still %(state)s; cancel it first to run it again.",
                           id=job_id, state=job.state))
    if job.state == DONE and job.kind != "memory-export":
        # as the jobs page offers it: a set or a memory file made once is not made twice
        raise JobRefused(_("Job %(id)s ended well: only an export is run again (its file "
                           "written anew); running this one would do its work a second time.",
                           id=job_id))
    if job.input_path and not Path(job.input_path).exists():
        raise JobRefused(_("The input of job %(id)s (%(file)s) is gone; it cannot be run "
                           "again.", id=job_id, file=job.input_path))
    params = job.params
    if job.kind == "realign":
        from workbench.jobs.realign import again_params

        params = again_params(session, job, revision, author)
    runner = runner or runner_name()
    # Compare-and-set on what was read: of two that run an interrupted job again at once
    # (a person and a worker's sweep, two sweeps), one does; and a job a runner has taken
    # meanwhile is not queued a second time.
    queued = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == job.state, Job.worker == job.worker,
               Job.heartbeat_at.is_not_distinct_from(job.heartbeat_at))
        .values(state=QUEUED, cancel_requested=False, done=0, message="", failure_kind="",
                failure_params=None, result=None, params=params, started_at=None,
                finished_at=None,
                worker=this_process() if runner == "threads" else "")
        .execution_options(synchronize_session=False))
    if queued.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise JobRefused(_("Job %(id)s was run again or taken up by a worker meanwhile; "
                           "it is not run twice. Reload to see where it is.", id=job_id))
    session.commit()
    dispatch(url, job_id, runner)
    session.refresh(job)
    return job
