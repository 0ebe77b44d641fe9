"""Terminology discovery over the whole corpus as a job (kind ``discover_terms``).

Finding the variant flags of every set takes seconds to minutes on a large corpus, too long
for a page to wait: the flags page's button (and ``workbench terms --job``) submit a job
instead, which the jobs page follows with its progress (one step per set read, then the
discovery itself) to the flags. The job stores what it found in its folder
(``flags.json``: the flags and the state of the sets they are of), and its result says how
many; the flags pages then use those flags for as long as no set has changed
(``stored_flags``), in every process (a Celery worker finds them, the server shows them).

A job that cannot run says why in one sentence: no set to search (none imported, or all
left out of discovery), or a set that is gone.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alignments.terms import AlignedRow, Flag, Occurrence, discover
from workbench.errors import WorkbenchError
from workbench.failures import refusal, unwritable_output
from workbench.jobs.runner import JobContext, submit, transaction
from workbench.models import DocumentSet

KIND = "discover_terms"
FLAGS_FILE = "flags.json"
# the latest finished discovery jobs looked at for flags of the current state
LOOK_BACK = 5
log = logging.getLogger(__name__)


class NothingToDiscover(WorkbenchError):
    """Discovery was asked for with no set to search."""

    status = 400


def submit_discovery(url: str, *, set_ids: Sequence[int] = (), locale: str = "en",
                     runner: str | None = None) -> int:
    """Queue discovery over the chosen sets (none: every set not left out of it); the
    job's id. With the ``eager`` runner it has run when this returns."""
    ids = sorted({int(i) for i in set_ids})
    return submit(url, KIND, params={"set_ids": ids}, locale=locale, runner=runner)


def discover_terms(context: JobContext) -> dict[str, Any]:
    """The job: read each set's rows (progress: sets), find the flags, store them in the
    job's folder and keep them for the pages; the result counts them."""
    from workbench.sets import get_set
    from workbench.terminology.flags import (
        aligned_rows,
        chosen_sets,
        flag_states,
        pivot_of,
        remember_flags,
        state_digest,
    )

    wanted = [int(i) for i in context.params.get("set_ids") or []]
    with transaction(context.url) as session:
        sets = [get_set(session, i) for i in wanted] if wanted \
            else chosen_sets(session, discovery=True)
        if not sets:
            raise refusal(NothingToDiscover, "nothing-to-discover")
        total = len(sets) + 1  # each set read, then the discovery itself
        context.progress(0, total)
        rows: list[AlignedRow] = []
        for done, document_set in enumerate(sets, start=1):
            rows.extend(aligned_rows(session, [document_set]))
            context.progress(done, total)
        flags = discover(rows, pivot=pivot_of(sets))
        digest = state_digest(sets)
        try:
            path = _store(context.folder, digest, [s.id for s in sets], flags)
        except OSError as error:  # the disk full, the folder not the workbench's to write
            raise unwritable_output(error, context.folder) from error
        remember_flags(session, sets, flags)
        open_count = sum(1 for state in flag_states(session, sets) if state.open)
        context.progress(total, total)
        result = {"flags": len(flags), "open": open_count, "sets": [s.id for s in sets],
                  "rows": len(rows), "state": digest, "path": str(path),
                  "file_name": FLAGS_FILE}
        context.finish(session, result)
    return result


def _store(folder: Path, digest: str, set_ids: list[int], flags: list[Flag]) -> Path:
    """Write the flags to the job's folder (whole or not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FLAGS_FILE
    partial = path.with_suffix(".json.part")
    data = {"state": digest, "sets": set_ids, "flags": [f.as_json() for f in flags]}
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)
    return path


def flag_from_json(data: dict[str, Any]) -> Flag:
    """A flag as ``Flag.as_json`` wrote it."""
    return Flag(
        kind=str(data["kind"]), lang=str(data["lang"]),
        variants=tuple(str(v) for v in data["variants"]),
        counts=tuple(int(c) for c in data["counts"]),
        occurrences=tuple(
            Occurrence(o["set"], int(o["row"]), str(o["lang"]), int(o["start"]),
                       int(o["end"]), str(o["text"]), int(o["variant"]))
            for o in data["occurrences"]),
        source_lang=data.get("source_lang"), source_term=data.get("source_term"),
        reason=str(data.get("reason", "")))


def load_flags(path: str | Path) -> tuple[str, list[Flag]] | None:
    """The state and the flags a discovery job stored; None when the file is gone or
    unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return str(data["state"]), [flag_from_json(f) for f in data["flags"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.info("Stored flags at %s cannot be read: %s", path, error)
        return None


def stored_flags(session: Session, sets: Sequence[DocumentSet]) -> list[Flag] | None:
    """The flags a finished discovery job stored for exactly these sets as they are now,
    or None (no such job, or a set changed since)."""
    from workbench.jobs.models import DONE, Job
    from workbench.terminology.flags import state_digest

    if not sets:
        return None
    digest = state_digest(sets)
    for result in session.scalars(
            select(Job.result).where(Job.kind == KIND, Job.state == DONE)
            .order_by(Job.id.desc()).limit(LOOK_BACK)):
        if not result or result.get("state") != digest or not result.get("path"):
            continue
        loaded = load_flags(result["path"])
        if loaded is not None and loaded[0] == digest:
            return loaded[1]
    return None


def latest_discovery(session: Session) -> dict[str, Any] | None:
    """The latest discovery job, for the flags page: its id, state and result."""
    from workbench.jobs.models import Job

    job = session.scalars(select(Job).where(Job.kind == KIND)
                          .order_by(Job.id.desc()).limit(1)).first()
    if job is None:
        return None
    return {"id": job.id, "state": job.shown_state, "result": job.result or {},
            "message": job.shown_message, "finished_at": job.finished_at}
