"""``workbench memory``: import TMX files into the translation memory, search it by
concordance, look a sentence up for fuzzy matches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask_babel import ngettext

from workbench.commands import current_database, sum_up
from workbench.db import session_scope
from workbench.errors import WorkbenchError
from workbench.memory.store import in_sets_sentence


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("memory")
def memory() -> None:
    """The translation memory: TMX files from other tools plus the aligned sets.

    Example: workbench memory search "Foreign Ministers Council" --lang en
    """


@memory.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def import_(files: tuple[str, ...]) -> None:
    """Import TMX files (1.1 to 1.4) into the memory, each on its own: a file that cannot
    be read is reported with its reason and nothing of it is kept, and the others are
    imported all the same. With several files, a summary ends the output; the exit status
    is 1 if any file was refused. A unit another imported file already holds (the same
    file imported again, a newer export of the same memory) is not stored twice: the output
    says how many were left out so, and a file whose every unit is already there is
    refused. A large file is written in batches, so the workbench's users can go on editing
    meanwhile.

    Example: workbench memory import omegat-project.tmx trados-export.tmx

    Each file is a job (see `workbench jobs`): with WORKBENCH_BROKER_URL set, the jobs go to
    the workers (`workbench worker`) and this command says their numbers; else they run here.
    """
    from workbench.jobs.runner import runner_name, submit

    url = current_database()
    runner = runner_name(default="eager")
    imported: list[tuple[str, int]] = []
    refused: list[str] = []
    for path in files:
        name = Path(path).name
        try:
            if not Path(path).is_file():
                open(path, "rb").close()  # the system's own reason: missing, a folder ...
            job_id = submit(url, "tmx-import", params={"file_name": name}, runner=runner,
                            store_input=_as_it_is(Path(path), here=runner == "eager"))
        except OSError as error:
            refused.append(f"{path}: cannot be read ({error.strerror}).")
        except WorkbenchError as error:  # the file's name, line and reason
            refused.append(error.message)
        else:
            if runner != "eager":
                click.echo(f"{name}: queued as job {job_id} (workbench jobs show {job_id}).")
                continue
            result = _job_result(url, job_id)
            click.echo(imported_line(result["file_name"], result["units"],
                                     result.get("already") or 0, result["origin_id"],
                                     result.get("in_sets") or 0))
            imported.append((result["file_name"], result["units"]))
            continue
        click.echo(f"Error: {refused[-1]}", err=True)
    # (queued: what went in is for `workbench jobs` to say)
    units = sum(count for _name, count in imported)
    sum_up(len(files), len(imported), ngettext("%(count)s unit", "%(count)s units", units,
                                               count=f"{units:,}"),
           refused, summary=runner == "eager")


def imported_line(file_name: str, units: int, already: int, origin_id: int,
                  in_sets: int = 0) -> str:
    """What an import stored, in words: "1 unit imported", "2 units added, 1 already in the
    memory", and how many the sets' rows say already (kept, not shown twice)."""
    if already:
        line = ngettext("%(file)s: %(count)s unit added", "%(file)s: %(count)s units added",
                        units, file=file_name, count=f"{units:,}") + ngettext(
            ", %(count)s already in the memory (not added again; memory file %(id)s).",
            ", %(count)s already in the memory (not added again; memory file %(id)s).",
            already, count=f"{already:,}", id=origin_id)
    elif in_sets:
        line = ngettext("%(file)s: %(count)s unit added (memory file %(id)s).",
                        "%(file)s: %(count)s units added (memory file %(id)s).", units,
                        file=file_name, count=f"{units:,}", id=origin_id)
    if in_sets:
        return f"{line} {in_sets_sentence(in_sets)}"
    if already:
        return line
    return ngettext("%(file)s: %(count)s unit imported (memory file %(id)s).",
                    "%(file)s: %(count)s units imported (memory file %(id)s).", units,
                    file=file_name, count=units, id=origin_id)


def _as_it_is(path: Path, *, here: bool = True) -> Callable[[Path], Path]:
    """A file on disk as a job's input: where it is when the job runs in this process
    (not copied: it may be large), else a copy in the job's folder, the jobs folder the
    workers share (a worker on another machine, or as another user, cannot read the
    user's own file, and the user may move it meanwhile)."""
    if here:
        return lambda _folder: path.resolve()

    def copied(folder: Path) -> Path:
        import shutil

        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copyfile(path, folder / path.name))

    return copied


def _job_result(url: str, job_id: int) -> dict[str, Any]:
    from workbench.db import session_factory
    from workbench.jobs.runner import get_job

    with session_factory(url)() as session:
        return dict(get_job(session, job_id).result or {})


@memory.command("search")
@click.argument("query")
@click.option("--lang", help="Only segments in this language: en takes every region of it, "
                             "en-GB only en-GB.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def search(query: str, lang: str | None, limit: int, fmt: str) -> None:
    """Concordance: every segment holding all the words of QUERY ("a phrase" in quotes,
    word* for a prefix; words are not stemmed), with its other languages and origin.

    Example: workbench memory search 'Совет* министров' --lang ru --format json
    """
    from workbench.memory.concordance import concordance

    try:
        with session_scope(current_database()) as session:
            found = concordance(session, query, lang, limit)
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error
    if fmt == "json":
        _echo_json(found.as_json())
        return
    if not found.hits:
        click.echo("Nothing in the memory holds these words.")
    for hit in found.hits:
        marked = "".join(f"[{piece}]" if matched else piece for piece, matched in hit.parts)
        click.echo(f"{hit.lang}\t{marked}")
        for lang_, counterpart in hit.counterparts:
            click.echo(f"  {lang_}\t{counterpart}")
        click.echo(f"  — {hit.origin.label()}")
    if found.more:
        click.echo(f"(only the best {limit} shown: use --limit for more)")


@memory.command("fuzzy")
@click.argument("text")
@click.option("--source", required=True, help="The language of TEXT, e.g. en-GB.")
@click.option("--target", required=True, help="The language of the translation, e.g. ru-RU.")
@click.option("--min", "minimum", default=70, show_default=True, type=int,
              help="The lowest match, in percent.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def fuzzy(text: str, source: str, target: str, minimum: int, limit: int, fmt: str) -> None:
    """Fuzzy matches for TEXT: the memory's most similar segments with their percentage
    (100 = the same text) and their translation.

    Example: workbench memory fuzzy "The ministers met in Moscow." --source en-GB --target ru-RU
    """
    from workbench.memory.fuzzy import fuzzy_matches

    try:
        with session_scope(current_database()) as session:
            matches = fuzzy_matches(session, text, source, target, minimum=minimum,
                                    limit=limit)
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error
    if fmt == "json":
        _echo_json([m.as_json() for m in matches])
        return
    if not matches:
        click.echo(f"No match of {minimum}% or more.")
    for match in matches:
        click.echo(f"{match.score:>3}%\t{match.source_lang}\t{match.source}")
        click.echo(f"\t{match.target_lang}\t{match.target}")
        click.echo(f"\t— {match.origin.label()}")


@memory.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The TMX file (a .zip of pair files with --pairs); default stdout.")
@click.option("--langs", help="Languages, comma-separated: codes or languages (en is every "
                              "en-*); default all.")
@click.option("--source-lang", help="The TMX source language (default: the pivot of most "
                                    "sets; with --pairs, each unit's own: its set's pivot or "
                                    "its file's source, so that no unit is left out). With "
                                    "--pairs, a unit without text in it is left out; a "
                                    "language (en) takes each of its regions (en-GB, en-US: "
                                    "a pair file each).")
@click.option("--pairs", is_flag=True, help="One file per language pair with the source.")
@click.option("--confirmed-only", is_flag=True, help="Only set rows a translator confirmed.")
@click.option("--sets-only", is_flag=True, help="Leave out the imported TMX files.")
def export(output: str | None, langs: str | None, source_lang: str | None, pairs: bool,
           confirmed_only: bool, sets_only: bool) -> None:
    """Export the whole memory as TMX 1.4b: every set's rows and the imported units.

    Example: workbench memory export -o memory.tmx --langs ru,en --confirmed-only
    """
    import shutil
    import sys

    from workbench.memory.export import MemoryExport, export_memory

    try:
        with session_scope(current_database()) as session:
            options = MemoryExport.build(session, langs=langs, source_lang=source_lang,
                                         pairs=pairs, confirmed_only=confirmed_only,
                                         imported=not sets_only)
            with export_memory(session, options) as exported:
                if output:
                    with open(output, "wb") as out:
                        shutil.copyfileobj(exported, out)
                else:
                    shutil.copyfileobj(exported, sys.stdout.buffer)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot be written ({error.strerror}).") \
            from error
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error
