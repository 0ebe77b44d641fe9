"""Jobs on a real queue: the Celery app, over the broker of ``WORKBENCH_BROKER_URL`` (Redis).

The message carries only the job's id; the worker reads everything else from the database
it is configured with (``workbench worker`` builds the same app as ``workbench serve``), so
no database address or password travels through the broker.

A job's message is acknowledged only once the job has run (``task_acks_late``), and given
back to the broker when the process running it dies (``task_reject_on_worker_lost``); a
worker takes one message at a time (``worker_prefetch_multiplier=1``), so a long job does
not hold others back. A message delivered twice runs the job once (``runner.run`` takes a
job only when it is queued, or running in a process that is gone).

A worker killed as a whole (the default ``--concurrency 1`` runs jobs in the worker's own
process, so ``task_reject_on_worker_lost`` has no child to notice) leaves its message
unacknowledged: Redis hands it out again only after the visibility timeout (an hour, so
that a long job is never given to a second worker while it runs). Meanwhile the job's
heartbeat stops, and within ``models.STALE_AFTER`` the jobs page shows it interrupted, with
Run again; a worker that starts queues such jobs again at once
(``runner.requeue_interrupted``), and every running worker looks for them every
``runner.SWEEP_EVERY`` seconds (``runner.start_sweeper``), so the job runs again on another
worker already running, or on the killed one once its service manager restarts it.
"""

from __future__ import annotations

import os
import socket
from functools import cache

from celery import Celery
from celery.signals import worker_process_init
from flask import Flask

TASK = "workbench.run_job"
QUEUE = "workbench"
_flask_app: Flask | None = None  # the worker's app, set by ``workbench worker``


@cache
def celery_app(broker: str) -> Celery:
    """The Celery app of this broker (one per process and broker)."""
    app = Celery("workbench", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # A broker that is down is said at once to whoever submits, not after minutes.
        broker_connection_timeout=5,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2,
                                   "interval_step": 0.5, "interval_max": 1},
        worker_hijack_root_logger=False,
        # A message unacknowledged this long (its worker was killed) goes to another worker.
        broker_transport_options={"visibility_timeout": 3600},
    )
    app.task(name=TASK, bind=False)(run_job)
    return app


def send(job_id: int, broker: str) -> None:
    """Queue the job for a worker."""
    celery_app(broker).send_task(TASK, args=[job_id], queue=QUEUE)


def run_job(job_id: int) -> None:
    """The task: run the job with the worker's app (its database, limits and languages)."""
    from workbench.jobs.runner import run

    app = _flask_app
    if app is None:  # a worker started some other way than ``workbench worker``
        from workbench.app import create_app

        app = create_app()
    with app.app_context():
        run(app.config["DATABASE_URL"], job_id)


def start_worker(app: Flask, broker: str, *, concurrency: int, loglevel: str) -> None:
    """Run a Celery worker for ``app``'s jobs until it is stopped: one job at a time in
    this process (``solo``), or ``concurrency`` child processes (``prefork``)."""
    from workbench.jobs.runner import requeue_interrupted, start_sweeper

    global _flask_app
    _flask_app = app
    with app.app_context():  # what a killed worker left: run again now, not in an hour
        requeue_interrupted(app.config["DATABASE_URL"], "celery")
    # ... and what a worker killed later leaves, while this one runs
    sweeper = start_sweeper(app, "celery", at_once=False)
    if concurrency > 1:
        worker_process_init.connect(_fresh_connections, weak=False)
    worker = celery_app(broker).Worker(
        concurrency=concurrency, pool="prefork" if concurrency > 1 else "solo",
        loglevel=loglevel, queues=[QUEUE],
        hostname=f"workbench-{os.getpid()}@{socket.gethostname()}")  # one name per worker
    try:
        worker.start()
    finally:  # the worker stopped: its sweeps too, before the process closes
        sweeper.stop()


def _fresh_connections(**_kwargs: object) -> None:
    """In a child process just forked: leave the parent's database connections to it."""
    from workbench.db import engine_for

    if _flask_app is not None:
        url = _flask_app.config["DATABASE_URL"]
        for timeout in (None, _flask_app.config.get("DATABASE_BUSY_TIMEOUT")):
            engine_for(url, timeout).dispose(close=False)
