"""The kinds of job: what each does with its input, in what unit it counts its progress,
and where its result is seen.

- ``align``: the language versions of one page (``versions.json`` in the job's folder, as
  read from the upload) segmented, aligned and stored as a new set, in one transaction
  that also marks the job done;
- ``tmx-import``: a TMX file (kept in the job's folder, or named on the command line)
  imported into the memory; an interrupted import is removed by the next one or at start;
- ``memory-export``: the whole memory written as TMX into the job's folder, for download;
- ``realign``: a set's rows below its last confirmed one aligned again, as one edit step
  (``workbench.jobs.realign``).

Each function takes a ``JobContext`` and gives the job's result (plain JSON).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext

from workbench.errors import WorkbenchError
from workbench.failures import refusal, unreadable_input, unwritable_output
from workbench.importers import Version
from workbench.jobs import titles
from workbench.jobs.runner import JobContext, transaction
from workbench.terminology.discovery import discover_terms

VERSIONS_FILE = "versions.json"


@dataclass(frozen=True)
class Kind:
    """A kind of job: its function, the unit its progress counts, what the jobs page calls
    it, and what makes a job's title from its parameters (``workbench.jobs.titles``)."""

    run: Callable[[JobContext], dict[str, Any]]
    unit: str
    label: Any  # a lazy string: what the jobs page calls it
    # the title in the reader's language, None where the parameters do not say it
    title: Callable[[Mapping[str, Any]], str | None] | None = None


# -- aligning the versions of a page -------------------------------------------------------

def store_versions(versions: Sequence[Version]) -> Callable[[Path], Path]:
    """What ``submit`` calls to keep the versions read from an upload in the job's folder."""
    def store(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / VERSIONS_FILE
        path.write_text(json.dumps([asdict(v) for v in versions], ensure_ascii=False),
                        encoding="utf-8")
        return path
    return store


def load_versions(path: Path) -> list[Version]:
    """The versions ``store_versions`` kept."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise unreadable_input(error, path) from error
    except ValueError as error:  # not what store_versions wrote: damaged
        raise refusal(WorkbenchError, "input-unreadable", file=str(path),
                      reason=str(error).strip()[:200] or type(error).__name__) from error
    return [Version(v["lang"], v["title"], tuple(v["paragraphs"]), v["published"],
                    tuple(v["variants"]), v["source"]) for v in kept]


def align(context: JobContext) -> dict[str, Any]:
    """A new set from the versions; the set and the job's end are committed together."""
    from workbench.sets import create_set

    assert context.input_path is not None
    versions = load_versions(context.input_path)
    params = context.params
    with transaction(context.url) as session:
        document_set = create_set(
            session, versions, name=params.get("name"), pivot=params.get("pivot"),
            slots=params.get("slots", ()),
            progress=lambda done, total: context.progress(done, total))
        result = {"set_id": document_set.id, "name": document_set.name,
                  "rows": len(document_set.rows), "langs": document_set.langs}
        pause_for_tests(context)
        context.finish(session, result)
    return result


def pause_for_tests(context: JobContext) -> None:
    """With ``WORKBENCH_TEST_PAUSE_BEFORE_COMMIT`` (seconds), wait with the new set
    written but not committed, after leaving a ``paused`` file in the job's folder, until
    the time is up or a ``resume`` file appears there: the tests kill or freeze a worker
    here to show that nothing is half-stored or stored twice. Never set otherwise."""
    pause = float(os.environ.get("WORKBENCH_TEST_PAUSE_BEFORE_COMMIT") or 0)
    if pause > 0:
        import time

        (context.folder / "paused").touch()
        until = time.monotonic() + pause
        while time.monotonic() < until and not (context.folder / "resume").exists():
            time.sleep(0.1)


# -- the translation memory ----------------------------------------------------------------

def import_memory(context: JobContext) -> dict[str, Any]:
    """A TMX file imported into the memory (``workbench.memory.store.import_tmx``)."""
    from workbench.memory.store import import_tmx

    assert context.input_path is not None
    name = str(context.params.get("file_name") or context.input_path.name)
    try:
        source = open(context.input_path, "rb")  # noqa: SIM115 - closed by the block below
    except OSError as error:
        raise unreadable_input(error, context.input_path) from error
    with source, transaction(context.url) as session:
        origin = import_tmx(session, source, name,
                            progress=lambda units: context.progress(units, session=session))
        # the last batch's report may have been skipped (one every few seconds): the
        # finished job says every unit stored, as its result does
        context.progress(origin.unit_count, origin.unit_count, session=session)
        return {"origin_id": origin.id, "file_name": origin.file_name,
                "units": origin.unit_count, "already": origin.already_in_memory,
                "in_sets": origin.in_sets}


def export_memory(context: JobContext) -> dict[str, Any]:
    """The memory as a TMX file (or a zip of pair files) in the job's folder."""
    from workbench.memory.export import MemoryExport
    from workbench.memory.export import export_memory as write_export

    params = context.params
    with transaction(context.url) as session:
        options = MemoryExport.build(
            session, langs=params.get("langs"), source_lang=params.get("source_lang"),
            pairs=bool(params.get("pairs")), confirmed_only=bool(params.get("confirmed_only")),
            imported=params.get("imported", True))
        path = context.folder / options.file_name()
        partial = path.with_suffix(path.suffix + ".part")
        try:
            context.folder.mkdir(parents=True, exist_ok=True)
            with open(partial, "wb") as out:
                write_export(session, options, into=out,
                             progress=lambda done, total: context.progress(done, total))
            os.replace(partial, path)
        except OSError as error:  # the disk full, the folder not the workbench's to write
            raise unwritable_output(error, context.folder) from error
        finally:
            with suppress(OSError):  # (a folder that could not be made holds no file)
                partial.unlink(missing_ok=True)  # a cancelled or failed export leaves none
    return {"path": str(path), "file_name": options.file_name(),
            "bytes": path.stat().st_size, "langs": list(options.langs)}


def realign(context: JobContext) -> dict[str, Any]:
    """The editor's re-alignment of a set (``workbench.jobs.realign``)."""
    from workbench.jobs.realign import realign_rest

    return realign_rest(context)


KINDS: dict[str, Kind] = {
    "align": Kind(align, "sentences", lazy_gettext("Aligning a page"), titles.aligning),
    "tmx-import": Kind(import_memory, "units", lazy_gettext("TMX import"), titles.importing),
    "memory-export": Kind(export_memory, "units", lazy_gettext("Memory export"),
                          titles.exporting),
    "realign": Kind(realign, "sentences", lazy_gettext("Re-aligning a set"),
                    titles.realigning),
    "discover_terms": Kind(discover_terms, "sets", lazy_gettext("Finding terminology flags"),
                           titles.discovering),
}

UNITS = {"sentences": lazy_gettext("sentences"), "units": lazy_gettext("units"),
         "sets": lazy_gettext("sets")}
