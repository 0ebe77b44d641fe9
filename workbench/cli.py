"""The command line (DESIGN.md's contract): each command parses, calls one library
function, and turns a ``WorkbenchError`` into a one-line message and exit status 1."""

from __future__ import annotations

import errno
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from alignments import Bead
from workbench import __version__
from workbench.accounts.cli import accounts
from workbench.commands import (
    ACTING_AS,
    database_awaited,
    log_changes,
    reports_errors,
    shown_url,
    unreachable_line,
    wait_option,
)
from workbench.db import database_url, retried, session_scope, upgrade
from workbench.errors import DatabaseUnreachable, PageImportError, WorkbenchError
from workbench.jobs.cli import jobs, worker
from workbench.memory.cli import memory
from workbench.terminology.cli import terms
from workbench.terminology.termbase_cli import termbase

if TYPE_CHECKING:
    from flask import Flask


def _url() -> str:
    return database_url(Path.cwd() / "instance")


class _Workbench(click.Group):
    """The root command: a database that cannot be opened (a malformed URL, a folder that
    does not exist, a file that is no database, a server that does not answer) is said in
    one line with exit 1, whichever command met it, never as a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return super().invoke(ctx)
        except DatabaseUnreachable as error:  # met outside a command's own error handling
            raise click.ClickException(unreachable_line(error)) from error
        except WorkbenchError as error:  # a wrong setting, met before a command's own handling
            raise click.ClickException(str(error)) from error
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise click.ClickException(
                f"The database {shown_url(_url())} cannot be used: {reason}") from error




@click.group(cls=_Workbench)
@click.version_option(__version__, prog_name="workbench")
@click.option("--as", "acting_as", metavar="NAME",
              help="Who makes the changes, as the activity log names them (default: "
                   "cli: and the system user, e.g. cli:anna).")
@click.pass_context
def main(ctx: click.Context, acting_as: str | None) -> None:
    """Multilingual translation-alignment workbench.

    The database is WORKBENCH_DATABASE_URL (an SQLAlchemy URL) when set, else
    instance/workbench.sqlite under the current folder.

    Every command that changes data (import, sets rename/delete, memory import, termbase
    import, accounts, jobs cancel/rerun, terms --job) is written to the activity log with
    who ran it.
    """
    if acting_as and acting_as.strip():
        ctx.meta[ACTING_AS] = acting_as.strip()[:80]


@main.command()
@click.option("--demo", is_flag=True, help="Load the demo corpus when the database has no set.")
@reports_errors
def init(demo: bool) -> None:
    """Create or upgrade the database; optionally load the demo corpus.

    Example: workbench init --demo
    """
    url = _url()
    upgrade(url)
    if demo:
        from workbench.demo import load_demo

        with session_scope(url) as session:
            created = load_demo(session)
        click.echo(f"Demo corpus: {created} set(s) loaded." if created else "Demo corpus present.")
    click.echo(f"Database ready: {shown_url(url)}")  # without its password


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allowed-host", "allowed", multiple=True, metavar="NAME",
              help="Another host name the browser may use to reach the workbench (repeat "
                   "for several; also WORKBENCH_ALLOWED_HOSTS). 127.0.0.1, localhost, ::1 "
                   "and the --host address are always allowed.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests served at once.")
@click.option("--connection-limit", default=1000, show_default=True,
              type=click.IntRange(10, 10_000),
              help="Open connections at most (idle ones included) before new ones wait.")
@click.option("--channel-timeout", default=30, show_default=True,
              type=click.IntRange(5, 3600),
              help="Seconds an idle connection is kept open.")
@click.option("--debug", is_flag=True,
              help="Flask's development server: reload on code changes, show tracebacks.")
@wait_option
def serve(host: str, port: int, allowed: Sequence[str], threads: int, connection_limit: int,
          channel_timeout: int, debug: bool, wait: float) -> None:
    """Serve the workbench in the browser (waitress, several requests at once).

    Only the local machine can reach it unless --host says otherwise; a team that reaches it
    under a name (workbench.team.lan) names it with --allowed-host.

    A database server (PostgreSQL) that does not answer yet is waited for, up to
    --wait-for-database seconds; once serving, a database that goes down makes the pages
    say so (503) until it is back.

    Example: workbench serve --port 5000
    """
    from workbench.app import create_app
    from workbench.security import allowed_hosts

    names = [os.environ.get("WORKBENCH_ALLOWED_HOSTS", ""), *allowed]
    if host not in ("0.0.0.0", "::", ""):
        names.append(host)
    # instance/config.py of this folder (where its database is), under what was said here
    app = create_app(instance_path=str(Path.cwd() / "instance"),
                     overrides={"DATABASE_URL": database_awaited(wait),
                                "ALLOWED_HOSTS": ",".join(filter(None, names))})
    # Bound first: a port in use is said before anything of the server starts (a sweep
    # taking up the jobs of a server that died, threads waiting for requests).
    server = None if debug else _bound(app, host, port, threads=threads,
                                        connection_limit=connection_limit,
                                        channel_timeout=channel_timeout)
    sweeper = None
    try:
        import threading

        from alignments.terms import load_dictionaries

        # The morphology dictionaries load while the first pages are served, not on the
        # first look at the terminology flags.
        threading.Thread(target=load_dictionaries, name="dictionaries", daemon=True).start()
        from workbench.jobs.runner import runner_name, start_sweeper

        with app.app_context():
            # jobs run here: those whose server died run again
            sweeper = start_sweeper(app, "threads") if runner_name() == "threads" else None
        click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C stops)")
        click.echo("Answering for: "
                   + ", ".join(allowed_hosts(app.config["ALLOWED_HOSTS"])))
        if host not in ("127.0.0.1", "localhost", "::1"):
            from workbench.accounts.store import in_use

            with session_scope(app.config["DATABASE_URL"]) as session:
                if not in_use(session):
                    click.echo(f"Warning: {host} is reachable from other machines and this "
                               "workbench has no accounts: anyone who reaches it can change "
                               "anything. Add an administrator first: workbench accounts add "
                               "NAME --role administrator", err=True)
        if server is None:
            app.run(host=host, port=port, debug=True)
            return
        server.run()
    finally:
        # The server stopped (Ctrl+C, or it could not start): it answers no more (the
        # port is let go, not left accepting connections nobody answers), and this
        # process's job work stops too, rather than sweeping, or running the jobs still
        # waiting in its pool, while the process closes, its database perhaps gone.
        try:
            if server is not None:
                server.close()
                server.task_dispatcher.shutdown()
        finally:
            try:
                if sweeper is not None:
                    sweeper.stop()
            except KeyboardInterrupt:  # Ctrl+C again while a sweep ended: no job waited for
                _stop_jobs(app, at_once=True)
            else:
                _stop_jobs(app)


def _bound(app: Flask, host: str, port: int, *, threads: int, connection_limit: int,
           channel_timeout: int) -> Any:
    """waitress's server for ``app``, listening on ``host``:``port``. The sockets are bound
    here, before waitress starts its threads: a port in use (or an address that is not
    this machine's) is said in one sentence, and nothing of the server is left running
    (waitress, binding them itself, left its request threads behind)."""
    import logging
    import socket

    import waitress
    from waitress.adjustments import Adjustments

    # A request waiting for a free thread is normal under load, not a warning per request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    bound: list[socket.socket] = []
    try:
        for family, kind, proto, address in Adjustments(host=host, port=port).listen:
            listening = socket.socket(family, kind, proto)
            bound.append(listening)
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listening.bind(address)
    except OSError as error:  # the port is taken, or the address not this machine's
        for listening in bound:
            listening.close()
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"Port {port} of {host} is in use by another program (another workbench "
                "server?): choose another with --port.") from None
        raise click.ClickException(
            f"Cannot serve on {host}:{port} ({error.strerror or error}): give an address "
            "of this machine with --host.") from None
    return waitress.create_server(
        app, sockets=bound, threads=threads, connection_limit=connection_limit,
        channel_timeout=channel_timeout, ident="alignment-workbench")


def _stop_jobs(app: Flask, *, at_once: bool = False) -> None:
    """Close the server's job pool when it stops, saying what that leaves: the jobs running
    in it finish first (Ctrl+C again stops them at once, as a killed server would: nothing
    of them is stored and they run again at the next start); those still waiting stay
    queued for the next start. ``at_once`` (Ctrl+C was pressed again before the pool was
    closed) stops the running jobs at once too."""
    from workbench.jobs.runner import QUEUED, RUNNING, in_pool, stop_pool

    running, waiting = in_pool(app, RUNNING), in_pool(app, QUEUED)
    if running and not at_once:
        click.echo(f"Stopping once {_jobs_named(running)} running here "
                   f"{'has' if len(running) == 1 else 'have'} finished. Ctrl+C again stops "
                   f"{'it' if len(running) == 1 else 'them'} now: "
                   f"{'it runs' if len(running) == 1 else 'they run'} again, from the "
                   "start, when the workbench next starts.", err=True)
    if waiting:
        click.echo(f"{_jobs_named(waiting).capitalize()}, waiting here, "
                   f"{'runs' if len(waiting) == 1 else 'run'} when the workbench next "
                   "starts.", err=True)
    if at_once:
        _exit_now(app)
    try:
        stop_pool(app)
    except KeyboardInterrupt:  # Ctrl+C again: the running jobs are left, as by a kill
        _exit_now(app)


def _exit_now(app: Flask) -> NoReturn:
    """End the process of a server told twice to stop (Ctrl+C, Ctrl+C), its job pool closed
    without waiting for the jobs running in it: as a killed server's, nothing of them is
    stored and they run again at the next start, which is said."""
    from workbench.jobs.runner import RUNNING, in_pool, stop_pool

    # Ctrl+C a third time would only break this off, with a traceback and the jobs waited for.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_pool(app, wait=False)
    running = in_pool(app, RUNNING)
    if running:
        click.echo(f"Stopped without finishing {_jobs_named(running)}: "
                   f"{'it runs' if len(running) == 1 else 'they run'} again when the "
                   "workbench next starts.", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Not an ordinary exit: that would wait for the pool's threads, that is for the
    # very jobs Ctrl+C was pressed twice not to wait for.
    os._exit(130)


def _jobs_named(ids: Sequence[int]) -> str:
    """'job 3', 'jobs 2 and 5', 'jobs 1, 2 and 4'."""
    if len(ids) == 1:
        return f"job {ids[0]}"
    return "jobs " + ", ".join(map(str, ids[:-1])) + f" and {ids[-1]}"


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--set", "set_name", help="Name of the new document set.")
@click.option("--lang", "langs", multiple=True, metavar="L",
              help="Language of each file, in the files' order (--lang ru --lang en); "
                   "'' for a file whose name or page says it.")
@click.option("--pivot", help="Pivot language (default: ru when present).")
@click.option("--recursive", "-r", is_flag=True,
              help="FILES are folders of saved pages (an archive): every page in them, "
                   "grouped into sets by file names or language-variant lists, each set "
                   "aligned as a job.")
@click.option("--add-anyway", is_flag=True,
              help="Store pages already in a set again (without it, they are refused or, "
                   "with --recursive, skipped).")
@reports_errors
def import_(files: Sequence[str], set_name: str | None, langs: Sequence[str],
            pivot: str | None, recursive: bool, add_anyway: bool) -> None:
    """Import the language versions of one page as a new, aligned document set; or, with
    --recursive, a whole archive of saved pages (a summary of the sets made, the pages
    skipped and those refused, and why, ends the output; exit status 1 if any was refused).

    The language of each file comes from --lang, the file name (page.ru.html), the page's
    <html lang>, or detection.

    Example: workbench import page.ru.html page.en.html page.de.html --set "CSTO 2019"

    Example: workbench import statement.html statement-1.html --lang ru --lang en

    Example: workbench import archive/ --recursive
    """
    from workbench.importers import read_version
    from workbench.sets import create_set, find_duplicates

    if recursive:
        if set_name or langs:
            raise click.UsageError("--set and --lang name one page's set and languages; "
                                   "with --recursive each page gets its own.")
        _import_archive(files, pivot, add_anyway)
        return
    for path in files:
        if Path(path).is_dir():
            raise click.UsageError(f"{path} is a folder: import a folder of saved pages "
                                   "with --recursive.")
    if langs and len(langs) != len(files):
        raise click.UsageError(f"Give one --lang per file, in the files' order ('' where the "
                               f"file says it): {len(files)} files, {len(langs)} --lang.")
    versions = [read_version(_read(path), Path(path).name, lang=lang or None)
                for path, lang in zip(files, langs or [""] * len(files), strict=True)]
    url = _url()
    upgrade(url)
    with session_scope(url) as session:
        if not add_anyway and (duplicates := find_duplicates(session, versions)):
            # as the web's upload does: the same page twice is two sets to keep apart
            raise click.ClickException("; ".join(
                f"{d.source} is already in set {d.set_id} '{d.set_name}' (as "
                f"{d.stored_source}, {d.lang})" for d in duplicates)
                + ". Nothing was stored; to store it again, add --add-anyway.")
        document_set = create_set(session, versions, name=set_name, pivot=pivot)
        click.echo(f"Set {document_set.id} '{document_set.name}': "
                   f"{len(document_set.rows)} rows in {', '.join(document_set.langs)}.")


def _import_archive(folders: Sequence[str], pivot: str | None, add_anyway: bool) -> None:
    from workbench.jobs.archive import import_archive
    from workbench.jobs.runner import runner_name

    for folder in folders:
        if not Path(folder).exists():
            raise PageImportError(f"{folder}: no such folder.")
    url = _url()
    upgrade(url)
    report = import_archive(url, [Path(f) for f in folders], runner=runner_name(
        default="eager"), add_anyway=add_anyway, pivot=pivot)
    for name, _job, result in report.imported:
        langs = ", ".join(str(lang) for lang in result.get("langs") or [])
        click.echo(f"{name}: set {result.get('set_id')} '{result.get('name')}', "
                   f"{result.get('rows')} rows in {langs}.")
    for name, job_id in report.queued:
        click.echo(f"{name}: queued as job {job_id} (workbench jobs show {job_id}).")
    made = (f"imported {len(report.imported)} set(s)" if not report.queued
            else f"queued {len(report.queued)} set(s)")
    click.echo(f"{report.files} file(s): {made}, skipped {len(report.skipped)}, "
               f"refused {len(report.refused)}.", err=bool(report.refused))
    for name, reason in report.skipped:
        click.echo(f"  skipped {name}: {reason}", err=bool(report.refused))
    for name, reason in report.refused:
        click.echo(f"  refused {name}: {reason}", err=True)
    if report.refused:
        raise SystemExit(1)


def _read(path: str) -> bytes:
    """A page file's bytes (no further than the page limit: the importer refuses more)."""
    from workbench.importers import read_page_bytes

    try:
        return read_page_bytes(Path(path))
    except OSError as error:
        raise PageImportError(f"{path}: cannot be read ({error.strerror}).") from error


def _write(output: str, data: bytes) -> None:
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot be written ({error.strerror}).") \
            from error


@main.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False))
@click.option("--src-lang", required=True, help="Language of SOURCE, e.g. de.")
@click.option("--tgt-lang", required=True, help="Language of TARGET, e.g. fr.")
@click.option("--presegmented", is_flag=True,
              help="One sentence per line, aligned as given; a blank line between two "
                   "paragraphs.")
@click.option("--format", "fmt", type=click.Choice(["vecalign", "tsv", "tmx"]),
              default="vecalign", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
@reports_errors
def align(source: str, target: str, src_lang: str, tgt_lang: str, presegmented: bool,
          fmt: str, output: str | None) -> None:
    """Align two files and print the beads.

    vecalign prints one bead per line, "[0, 1]:[0]:0.8123" (0-based line ids, score last).
    With --presegmented, a blank line marks a paragraph break: it is in no bead, and the
    ids stay the lines' own numbers in the file.

    Example: workbench align dev.de dev.fr --src-lang de --tgt-lang fr --presegmented
    """
    from alignments.align import align_pair
    from workbench.importers import language_tag

    src_lang, tgt_lang = language_tag(src_lang, "--src-lang"), language_tag(tgt_lang,
                                                                            "--tgt-lang")
    src, src_starts, src_lines = _sentences(source, src_lang, presegmented)
    tgt, tgt_starts, tgt_lines = _sentences(target, tgt_lang, presegmented)
    beads = align_pair(src, tgt, src_lang, tgt_lang,
                       source_paragraph_starts=src_starts, target_paragraph_starts=tgt_starts)
    if fmt == "vecalign":  # the ids of the lines in the files
        beads = [Bead(tuple(src_lines[i] for i in b.source),
                      tuple(tgt_lines[j] for j in b.target), b.score) for b in beads]
    data = _format_beads(beads, src, tgt, src_lang, tgt_lang, fmt)
    if output:
        _write(output, data)
    else:
        sys.stdout.buffer.write(data)


def _sentences(path: str, lang: str, presegmented: bool
               ) -> tuple[list[str], list[int], list[int]]:
    """The file's sentences, the ids of those that start a paragraph, and the 0-based line
    of each in the file (presegmented: its own line; else its place in the list)."""
    data = _read(path)
    if presegmented:
        from workbench.importers import decode_text
        from workbench.limits import MAX_ALIGN_LINES

        # read as a page is (a byte order mark, UTF-8, a legacy encoding; binary refused),
        # lines cut at line ends only: a form feed or U+2028 inside a line is no new line,
        # or the ids would not be the file's line numbers
        text = decode_text(data, Path(path).name)
        sentences: list[str] = []
        starts: list[int] = []
        lines: list[int] = []
        after_blank = True
        numbered = text.split("\n")
        if len(numbered) > MAX_ALIGN_LINES + 1:
            raise PageImportError(
                f"{Path(path).name} has {len(numbered):,} lines: at most "
                f"{MAX_ALIGN_LINES:,} are aligned at once (split the document in parts).")
        for number, line in enumerate(numbered):
            if not line.strip():
                after_blank = True
                continue
            if after_blank:
                starts.append(len(sentences))
            sentences.append(line)
            lines.append(number)
            after_blank = False
        if not sentences:  # as the importer says of a page with no text
            raise PageImportError(f"{Path(path).name} is empty: it holds only whitespace.")
        return sentences, starts, lines
    from alignments.segment import Segmenter
    from workbench.importers import read_version
    from workbench.sets import segment_version

    segmented = segment_version(read_version(data, Path(path).name, lang=lang), Segmenter())
    starts = [i for i, (p, _) in enumerate(segmented)
              if i == 0 or segmented[i - 1][0] != p]
    return [t for _, t in segmented], starts, list(range(len(segmented)))


def _format_beads(beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str],
                  src_lang: str, tgt_lang: str, fmt: str) -> bytes:
    if fmt == "vecalign":
        return "".join(bead.vecalign() + "\n" for bead in beads).encode()
    if fmt == "tsv":  # a tab inside a sentence would make a column of its own
        lines = [
            "\t".join([" ".join(src[i] for i in b.source).replace("\t", " "),
                       " ".join(tgt[i] for i in b.target).replace("\t", " "),
                       f"{b.score:.4f}"])
            for b in beads
        ]
        return ("\n".join(lines) + "\n").encode()
    from workbench.exports import beads_tmx

    return beads_tmx(beads, src, tgt, src_lang, tgt_lang)


@main.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
@reports_errors
def sets(ctx: click.Context, fmt: str) -> None:
    """List the document sets: id, name, languages (or rename or delete one).

    Example: workbench sets --format json
    """
    from workbench.sets import list_sets

    if ctx.invoked_subcommand is not None:
        return
    url = _url()
    upgrade(url)
    with session_scope(url) as session:
        summaries = list_sets(session)
    if fmt == "json":
        click.echo(json.dumps([s.as_json() for s in summaries], ensure_ascii=False, indent=2))
        return
    for s in summaries:
        click.echo(f"{s.id}\t{s.name}\t{','.join(s.langs)}\t{s.rows} rows\t"
                   f"{s.confirmed} confirmed")


@sets.command("rename")
@click.argument("set_ref", metavar="SET")
@click.argument("name")
@reports_errors
def rename_set(set_ref: str, name: str) -> None:
    """Give a set (its id or exact name) a new name.

    Example: workbench sets rename 3 "CSTO Council 2019"
    """
    from workbench.sets import find_set, rename_set

    url = _url()
    upgrade(url)
    with session_scope(url) as session:
        renamed = rename_set(session, find_set(session, set_ref).id, name)
        click.echo(f"Set {renamed.id} is now '{renamed.name}'.")


@sets.command("delete")
@click.argument("set_ref", metavar="SET")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def delete_set(set_ref: str, yes: bool) -> None:
    """Delete a set and everything of it: rows, sentences, versions, edit history (its rows
    leave the translation memory and the terminology flags).

    Example: workbench sets delete 3 --yes
    """
    from workbench.sets import delete_set, find_set, set_contents

    url = _url()
    upgrade(url)
    with session_scope(url) as session:
        contents = set_contents(session, find_set(session, set_ref).id)
    if not yes:  # asked with no transaction open: nobody waits for the answer
        click.confirm(f"Delete set {contents.id} '{contents.name}' ({contents.rows} rows in "
                      f"{', '.join(contents.langs)}, {contents.confirmed} confirmed)?",
                      abort=True)

    def deleting() -> None:
        with session_scope(url) as session:
            delete_set(session, contents.id)

    retried(deleting)  # after a deadlock another's edit broke: again
    click.echo(f"Set {contents.id} '{contents.name}' deleted.")


@main.command()
@click.argument("set_ref", metavar="SET")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The TMX file (a .zip of pair files with --pairs); default stdout.")
@click.option("--langs", help="Languages to export, comma-separated (default: all).")
@click.option("--pairs", is_flag=True, help="One file per language pair with the source.")
@click.option("--source-lang", help="The TMX source language (default: the pivot).")
@click.option("--confirmed-only", is_flag=True, help="Only rows a translator confirmed.")
@reports_errors
def export(set_ref: str, output: str | None, langs: str | None, pairs: bool,
           source_lang: str | None, confirmed_only: bool) -> None:
    """Export a document set as TMX 1.4b.

    Example: workbench export 1 -o csto.tmx --langs ru-RU,en-GB
    """
    from workbench.exports import ExportOptions, tmx_bytes
    from workbench.sets import find_set

    url = _url()
    upgrade(url)
    with session_scope(url) as session:
        document_set = find_set(session, set_ref)
        options = ExportOptions.build(document_set, langs=langs, pairs=pairs,
                                      source_lang=source_lang, confirmed_only=confirmed_only)
        data, _name = tmx_bytes(session, document_set, options)
    if output:
        _write(output, data)
    else:
        sys.stdout.buffer.write(data)

main.add_command(terms)
main.add_command(memory)
main.add_command(jobs)
main.add_command(worker)
main.add_command(termbase)
main.add_command(accounts)

# The commands that change data, in the activity log with who ran them (``--as``).
log_changes(main, {
    "init": lambda params: bool(params.get("demo")),
    "import": True,
    "sets rename": True,
    "sets delete": True,
    "memory import": True,
    "termbase import": True,
    "accounts add": True,
    "accounts role": True,
    "accounts password": True,
    "accounts disable": True,
    "accounts enable": True,
    "jobs cancel": True,
    "jobs rerun": True,
    "terms": lambda params: bool(params.get("job")),
})


if __name__ == "__main__":
    main()
