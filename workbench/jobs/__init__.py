"""Long work as jobs: aligning an upload, importing a TMX file, exporting the memory.

- ``models``: the ``Job`` table (state, progress, parameters, input file, result, failure);
- ``runner``: submit, run, report progress, cancel, run again; where jobs run (a Celery
  worker, the server's own threads, or at once);
- ``kinds``: what each kind of job does;
- ``queue``: the Celery app and ``workbench worker``;
- ``views`` and ``cli``: the jobs page and ``workbench jobs``.
"""

from __future__ import annotations

from flask import Flask

from workbench.jobs.models import Job
from workbench.jobs.runner import JobCancelled, cancel, rerun, run, submit

__all__ = ["Job", "JobCancelled", "cancel", "init_app", "rerun", "run", "submit"]


def init_app(app: Flask) -> None:
    """Register the jobs page. ``JOBS_RUNNER``, ``JOB_THREADS``, ``JOBS_FOLDER`` and
    ``BROKER_URL`` are read when a job is submitted (see ``runner``)."""
    from workbench.jobs import views

    app.register_blueprint(views.bp)
