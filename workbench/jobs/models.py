"""A job, as an SQLAlchemy model (migration 0008): long work done outside a web request.

A job is ``queued`` when created, ``running`` once a runner (a thread of the server, a Celery
worker, or the command line) has taken it, then ``done``, ``failed`` or ``cancelled``. Its
progress is ``done`` of ``total`` in a ``unit`` (sentences, units); its ``result`` says what
it made (a set, an imported file, an export file). Why it failed or was cancelled is
``failure_kind`` and ``failure_params`` (migration 0019: ``workbench.failures``), said in the
reader's language (``shown_message``); ``message`` keeps it in English, or, for a failure with
no kind (and a job stored before 0019), the sentence of the ``WorkbenchError`` that stopped
it, in the language of whoever started the job. Its input is a file in the jobs folder
(``input_path``), never only in memory, so that it can be run again.

``worker`` (host:pid) and ``heartbeat_at`` (bumped at each progress report, and every
``HEARTBEAT_EVERY`` seconds while the job runs) tell a running job from one whose process was
killed: such a job is shown as interrupted (``interrupted``) within ``STALE_AFTER``, and
can be run again; a worker that starts runs such jobs again by itself.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.failures import failure_message
from workbench.jobs.titles import job_title
from workbench.models import Base, utcnow
from workbench.processes import running

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
INTERRUPTED = "interrupted"  # shown, never stored: running (or queued here) by a dead process
FINISHED = (DONE, FAILED, CANCELLED)
# A running job's process bumps its heartbeat this often, whatever the job is doing (a
# thread of ``runner.run``), so that its silence means the process is gone ...
HEARTBEAT_EVERY = 20.0  # seconds
# ... and a job whose heartbeat is older than this is taken for interrupted and shown as
# such, with Run again (a dead process on this machine is recognised at once). Six missed
# heartbeats: a database busy for a while does not make a living job look stopped. (With
# only progress reports as heartbeat this was 30 minutes, as long as a step without any.)
STALE_AFTER = timedelta(minutes=2)


class Job(Base):
    """Long work: what it is, how far it got, what it made or why it failed."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit: Mapped[str] = mapped_column(String(40), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    input_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    failure_kind: Mapped[str] = mapped_column(String(40), default="")
    failure_params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    locale: Mapped[str] = mapped_column(String(20), default="en")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(nullable=True)

    @property
    def interrupted(self) -> bool:
        """Whether the job is queued or running in a process that is gone (killed, or the
        server stopped): it will not finish by itself, and can be run again."""
        if self.state not in (QUEUED, RUNNING) or not self.worker:
            return False
        return process_gone(self.worker, self.heartbeat_at or self.created_at)

    @property
    def shown_state(self) -> str:
        """The state to show: the stored one, or ``interrupted``."""
        return INTERRUPTED if self.interrupted else self.state

    @property
    def shown_title(self) -> str:
        """The title in the reader's language, made from the job's kind and parameters
        (``workbench.jobs.titles``); the stored one where they do not say it."""
        return job_title(self.kind, self.params, self.title)

    @property
    def shown_message(self) -> str:
        """Why it failed or was cancelled, in the reader's language (``workbench.failures``);
        the stored message where its kind does not say it (none, or an older job)."""
        return failure_message(self.failure_kind, self.failure_params, self.message)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def as_json(self) -> dict[str, Any]:
        def when(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") + "Z" if moment else None

        return {"id": self.id, "kind": self.kind, "title": self.shown_title,
                "state": self.shown_state, "done": self.done, "total": self.total,
                "unit": self.unit, "result": self.result, "message": self.shown_message,
                "failure": self.failure_kind or None,
                "attempts": self.attempts, "created_at": when(self.created_at),
                "started_at": when(self.started_at), "finished_at": when(self.finished_at)}


def this_process() -> str:
    """Who runs a job: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_gone(worker: str, heartbeat: datetime | None) -> bool:
    """Whether the process ``worker`` (host:pid) is gone: on this host, no such process runs;
    on any host, silent for ``STALE_AFTER`` (a running job's heartbeat is never that old;
    on this host its number may be another program's by now)."""
    silent = utcnow() - heartbeat if heartbeat is not None else timedelta.max
    host, _sep, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not running(int(pid)) or silent > STALE_AFTER
    return silent > STALE_AFTER


    return True
