"""``workbench terms``: the variant flags of the stored sets, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from workbench.db import database_url, session_scope, upgrade
from workbench.errors import WorkbenchError


@click.command("terms")
@click.argument("set_refs", metavar="[SET]...", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--all", "show_all", is_flag=True,
              help="Also show flags a terminologist settled or dismissed.")
@click.option("--check", is_flag=True,
              help="Instead of flags, check every row against the termbase.")
@click.option("--job", is_flag=True,
              help="Find the flags as a job (see `workbench jobs`): with "
                   "WORKBENCH_BROKER_URL the workers run it and this prints its number, "
                   "else it runs here; the flags pages then show what it found.")
def terms(set_refs: Sequence[str], fmt: str, show_all: bool, check: bool, job: bool) -> None:
    """Print the terminology flags of the sets (all sets when none is named): one term
    written several ways, highest impact (occurrences x variants) first.

    Example: workbench terms 1 --format json

    Example: workbench terms --job
    """
    try:
        if job:
            if check:
                raise click.UsageError("--job finds the flags; the checks run without it.")
            _discovery_job(set_refs, fmt)
            return
        _terms(set_refs, fmt, show_all, check)
    except WorkbenchError as error:  # one line on stderr, exit status 1
        raise click.ClickException(error.message) from error


def _discovery_job(set_refs: Sequence[str], fmt: str) -> None:
    from workbench.jobs.runner import get_job, runner_name
    from workbench.terminology.discovery import submit_discovery
    from workbench.terminology.flags import chosen_sets

    url = database_url(Path.cwd() / "instance")
    upgrade(url)
    ids: list[int] = []
    if set_refs:
        with session_scope(url) as session:
            ids = [s.id for s in chosen_sets(session, set_refs)]
    job_id = submit_discovery(url, set_ids=ids, runner=runner_name(default="eager"))
    with session_scope(url) as session:
        job = get_job(session, job_id)
        if fmt == "json":
            click.echo(json.dumps(job.as_json(), ensure_ascii=False, indent=2))
        elif job.state == "done":
            result = job.result or {}
            click.echo(f"Job {job.id}: {result.get('flags')} flag(s), {result.get('open')} "
                       f"open, in {len(result.get('sets') or [])} set(s).")
        else:
            click.echo(f"Job {job.id}: queued (workbench jobs show {job.id}).")


def _terms(set_refs: Sequence[str], fmt: str, show_all: bool, check: bool) -> None:
    from workbench.terminology.checks import check_sets
    from workbench.terminology.flags import chosen_sets, flag_states

    # Like every command: WORKBENCH_DATABASE_URL, else instance/ under the current folder.
    url = database_url(Path.cwd() / "instance")
    upgrade(url)
    with session_scope(url) as session:
        # A set left out of discovery (on the flags page) raises no flags unless named;
        # the checks cover every set.
        sets = chosen_sets(session, set_refs, discovery=not check)
        if check:
            issues = check_sets(session, sets)
            if fmt == "json":
                click.echo(json.dumps([i.as_json() for i in issues], ensure_ascii=False,
                                      indent=2))
            for issue in issues if fmt == "text" else []:
                click.echo(f"set {issue.set_id} row {issue.row_number} [{issue.lang}] "
                           f"{issue.message}")
            return
        states = [s for s in flag_states(session, sets) if show_all or s.open]
    if fmt == "json":
        data = []
        for state in states:
            item = state.flag.as_json()
            item["status"] = state.decision or "open"
            data.append(item)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not states:
        click.echo("No open terminology flags.")
    for state in states:
        flag = state.flag
        source = f" for «{flag.source_term}» ({flag.source_lang})" if flag.source_term else ""
        variants = " | ".join(f"{v} ({c})" for v, c in zip(flag.variants, flag.counts,
                                                            strict=True))
        status = f" [{state.decision}]" if state.decision else ""
        click.echo(f"{flag.impact:>5}  {flag.lang}  {flag.kind}{source}{status}: {variants}")
