"""``workbench jobs`` (list, show, cancel, run again) and ``workbench worker`` (a Celery
worker for the jobs, with the same configuration as ``workbench serve``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from workbench.commands import (
    cli_person_name,
    current_database,
    database_awaited,
    wait_option,
)
from workbench.db import session_factory
from workbench.errors import WorkbenchError
from workbench.jobs.models import Job


def describe(job: Job) -> str:
    """One line for a job: id, state, progress, kind, title, and its result or failure."""
    progress = f"{job.done}/{job.total}" if job.total is not None else str(job.done)
    line = (f"{job.id}\t{job.shown_state}\t{progress} {job.unit}\t{job.kind}"
            f"\t{job.shown_title}")
    if job.shown_message:  # in English: the command line has no interface language
        line += f"\t{job.shown_message}"
    elif job.result:
        line += "\t" + ", ".join(f"{key}={value}" for key, value in job.result.items()
                                 if key in ("set_id", "origin_id", "path", "rows", "units"))
    return line


@click.group("jobs", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.pass_context
def jobs(ctx: click.Context, fmt: str, limit: int) -> None:
    """The jobs (aligning uploads, TMX imports, memory exports), newest first: id, state,
    progress, kind, title, result or failure.

    Example: workbench jobs --format json
    """
    if ctx.invoked_subcommand is not None:
        return
    from workbench.jobs.runner import list_jobs

    with session_factory(current_database())() as session:
        found = list_jobs(session, limit)
        if fmt == "json":
            click.echo(json.dumps([job.as_json() for job in found], ensure_ascii=False,
                                  indent=2))
            return
        for job in found:
            click.echo(describe(job))


@jobs.command("show")
@click.argument("job_id", type=int)
def show(job_id: int) -> None:
    """One job, as JSON.

    Example: workbench jobs show 12
    """
    from workbench.jobs.runner import get_job

    try:
        with session_factory(current_database())() as session:
            click.echo(json.dumps(get_job(session, job_id).as_json(), ensure_ascii=False,
                                  indent=2))
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error


@jobs.command("cancel")
@click.argument("job_id", type=int)
def cancel(job_id: int) -> None:
    """Cancel a job: a queued one at once, a running one at its next progress point (what
    it had stored is removed).

    Example: workbench jobs cancel 12
    """
    from workbench.jobs.runner import cancel as cancel_job

    try:
        with session_factory(current_database())() as session:
            job = cancel_job(session, job_id)
            click.echo(f"Job {job.id}: " + ("cancelled." if job.finished else
                                             "cancelling at its next step."))
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error


@jobs.command("rerun")
@click.argument("job_id", type=int)
@click.option("--as-it-is-now", "as_it_is_now", is_flag=True,
              help="A re-align job whose set was changed since it was asked for: re-align "
                   "the set as it is now (one step of yours, undone in the editor).")
def rerun(job_id: int, as_it_is_now: bool) -> None:
    """Run a job again with the same input: one that failed, was cancelled or interrupted
    (its worker was killed). With WORKBENCH_BROKER_URL it goes to the workers, else it runs
    here. A re-align job whose set was changed since is run again only with
    --as-it-is-now; one whose set was deleted is not.

    Example: workbench jobs rerun 12
    """
    from workbench.jobs.realign import set_since
    from workbench.jobs.runner import get_job, runner_name
    from workbench.jobs.runner import rerun as rerun_job

    url = current_database()
    try:
        with session_factory(url)() as session:
            revision = None
            if as_it_is_now:
                found = get_job(session, job_id)
                if found.kind != "realign":
                    raise click.UsageError(f"--as-it-is-now is for a re-align job; job "
                                           f"{job_id} is {found.kind}.")
                revision = set_since(session, found).now
            job = rerun_job(session, url, job_id, runner=runner_name(default="eager"),
                            revision=revision, author=cli_person_name())
            click.echo(describe(job))
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error
    if job.state == "failed":
        raise SystemExit(1)


@click.command("worker")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at once (child processes when more than one).")
@click.option("--loglevel", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@wait_option
def worker(concurrency: int, loglevel: str, wait: float) -> None:
    """Run jobs from the queue at WORKBENCH_BROKER_URL (Redis) until stopped, on the same
    database as `workbench serve` (WORKBENCH_DATABASE_URL). Start one or several, on this
    machine or others that reach the database and the broker. A database server that does
    not answer yet is waited for, up to --wait-for-database seconds.

    Example: WORKBENCH_BROKER_URL=redis://127.0.0.1:6379/0 workbench worker
    """
    from workbench.app import create_app
    from workbench.jobs.queue import start_worker
    from workbench.jobs.runner import broker_url

    broker = broker_url()
    if not broker:
        raise click.ClickException(
            "Set WORKBENCH_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker; "
            "without it, `workbench serve` runs the jobs itself.")
    # The same app as `workbench serve` makes: its database, limits and languages.
    app = create_app(instance_path=str(Path.cwd() / "instance"),
                     overrides={"DATABASE_URL": database_awaited(wait)})
    start_worker(app, broker, concurrency=concurrency, loglevel=loglevel)
