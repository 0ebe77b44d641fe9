"""The memory's imported files: a TMX file stored as an origin with its units, the list of
origins, and their removal.

An import writes in batches (one executemany per batch of units, one per batch of variants)
and commits every ``COMMIT_UNITS`` units, so that other people's edits get SQLite's lock
between batches instead of waiting for the whole file. The user still sees all or nothing:
the origin stays ``importing`` until its last unit is stored, and every reader (the list of
files, the counts, the languages, concordance, fuzzy lookup, export) takes only ``ready``
origins. When the file turns out to be malformed half-way, what was stored of it is removed
at once and ``MemoryImportError`` raised; what a killed process left is removed by the next
import or start (``remove_interrupted``). Removing a file goes the same way, in batches.

Two imports at once (two ``workbench memory import`` runs, two workers) take turns, one
transaction each (``_hold_the_memory``: SQLite's write lock, a PostgreSQL advisory lock),
and each looks for its units among the files still importing too: the same units imported
twice at the same moment are stored once, whichever file gets them first. Should that file
fail, its units go to the one that left them out (``_hand_over``), as on a removal.

What a unit and its variants say about themselves in the file — dates, creator and last
editor, usage count, own source language, properties, notes — is kept beside them
(``unit_meta``, ``variant_meta``: JSON, NULL for the many that say nothing), for the export
to give back as it came.

A unit one of the sets' rows already says — the same texts in the unit's languages, as the
memory's own export writes a row — is stored too, but with that row, and not shown while the
row says the same: ``workbench.memory.rows`` finds those rows (``saying_the_same``) and
hides or shows again the units when rows are stored, edited or deleted later. Rows stored
while a batch is being stored see none of its units, nor it them: each transaction of the
import, and the last, compares the units stored before with the sets whose rows changed
meanwhile (``cover_units``), without any lock on the sets' side.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, BinaryIO

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Table, column, delete, func, insert, select, table, text, update
from sqlalchemy.orm import Session

from tmx import TmxParseError, TranslationUnit, Variant, read_tmx
from tmx.units import format_date
from tmx.writer import LANGUAGE_TAG
from workbench.db import checkpoint
from workbench.errors import NotFound
from workbench.failures import refusal
from workbench.memory import MemoryImportError
from workbench.memory.models import (
    IMPORTING,
    READY,
    REMOVING,
    MemoryEcho,
    MemoryOrigin,
    MemoryUnit,
    MemoryVariant,
)
from workbench.memory.prints import fingerprint, normal_lang
from workbench.memory.rows import (
    cover_units,
    pair_print,
    refresh_row_prints,
    saying_the_same,
    unit_texts,
)
from workbench.memory.search import search_form_sql
from workbench.models import DocumentSet, Row, Version, utcnow
from workbench.processes import running

BATCH_UNITS = 1_000  # units per executemany
COMMIT_UNITS = 5_000  # units per transaction (about a second); other writers go between
REMOVE_UNITS = 5_000  # units deleted per transaction
# An origin not ready whose importer on another host has not committed for this long was
# left by a process that is gone; on this host a dead process is recognised at once, and a
# live one is trusted unless silent for a day (see ``_interrupted``).
STALE_AFTER = timedelta(minutes=30)
PID_REUSED_AFTER = timedelta(days=1)
ANY_SOURCE = "*all*"
_UNITS: Table = MemoryUnit.__table__  # type: ignore[assignment]
_VARIANTS: Table = MemoryVariant.__table__  # type: ignore[assignment]
_ECHOES: Table = MemoryEcho.__table__  # type: ignore[assignment]
# The same tables for the import's inserts, without types: the meta is given as JSON text, so
# that SQLAlchemy calls no converter for each row (10% of the import's time, for NULLs).
_UNITS_RAW = table("memory_unit", column("origin_id"), column("position"), column("tuid"),
                   column("meta"), column("fingerprint"), column("row_id"),
                   column("pair_print"))
_VARIANTS_RAW = table("memory_variant", column("unit_id"), column("lang"), column("text"),
                      column("meta"))
# For the readers' SQL over ``memory_variant v``: only the variants of ready origins, and
# not of a unit a set's row says the same as (the row is found instead).
READY_UNITS = ("JOIN memory_unit ready_u ON ready_u.id = v.unit_id AND ready_u.row_id IS NULL "
               "JOIN memory_origin ready_o "
               f"ON ready_o.id = ready_u.origin_id AND ready_o.status = '{READY}'")
_AT_WORK: set[int] = set()  # origins this process is importing or removing now
# PostgreSQL's advisory lock that imports and removals take for each of their transactions
MEMORY_LOCK = int.from_bytes(b"wbmemory", "big") & 0x7FFF_FFFF_FFFF_FFFF
log = logging.getLogger(__name__)


def import_tmx(session: Session, source: BinaryIO, file_name: str,
               progress: Callable[[int], None] | None = None) -> MemoryOrigin:
    """The origin stored for the TMX file open on ``source`` (TMX 1.1-1.4), with its units.

    ``progress``, when given, is called with the number of units read so far after each
    batch (a job shows it; raising from it, to cancel, removes what was stored).

    A unit whose languages and texts another imported file already holds (the same file
    imported again, or a newer export of the same memory) is not stored twice; how many
    were left out so is in the origin's ``already_in_memory``. When every unit was, the
    import is refused, saying so and naming the files that hold them. A unit a set's row
    says the same as (the memory's own export imported back) is stored, but not shown
    while the row says so; how many, in ``in_sets`` (not in ``unit_count``).

    The import commits on ``session`` as it goes (pass a session with nothing pending), every
    ``COMMIT_UNITS`` units, and marks the origin ready in the last, short transaction.
    Raises ``MemoryImportError`` naming the file and the line when it cannot be read; then,
    as on any other error, what was stored of the file has already been removed.
    """
    remove_interrupted(session)
    try:
        header, units = read_tmx(source)
    except TmxParseError as error:
        raise _unreadable(error, file_name) from error
    tool = " ".join(filter(None, (header.creation_tool, header.creation_tool_version)))
    origin = MemoryOrigin(
        file_name=file_name[:500],
        tool=tool[:200],
        source_lang=header.srclang if header.srclang == ANY_SOURCE
        else normal_lang(header.srclang),
        status=IMPORTING,
        importer=_importer(),
        heartbeat_at=utcnow(),
    )
    session.add(origin)
    session.flush()
    origin_id = origin.id
    _AT_WORK.add(origin_id)  # before the commit: no other thread may take it for left over
    try:
        session.commit()
        langs, uncommitted = set[str](), 0
        holders: set[int] = set()  # the files that already hold some of the units
        for first, batch in _batches(units):
            _check_langs(batch, first, file_name)
            _hold_the_memory(session, origin_id)
            if uncommitted == 0:  # each transaction sees the sets' rows as they are now
                printed = refresh_row_prints(session)
                if first > 1:  # rows stored meanwhile, unseen by the batches stored before
                    cover_units(session, origin_id, printed)
            _store_batch(session, origin_id, first, batch, holders)
            langs.update(normal_lang(v.lang) for u in batch for v in u.variants
                         if v.text.strip())
            uncommitted += len(batch)
            if progress is not None:
                progress(first + len(batch) - 1)
            if uncommitted >= COMMIT_UNITS:
                origin.heartbeat_at = utcnow()
                session.commit()
                uncommitted = 0
        # What is this file's now (another file's failed import may have handed it some of
        # the units it left out), counted under the lock, so no hand-over comes in between;
        # its own row locked first, so that an edit letting a unit be seen again
        # (``release_rows``) counts it before or after, not in between.
        _hold_the_memory(session, origin_id)
        session.execute(update(MemoryOrigin).where(MemoryOrigin.id == origin_id)
                        .values(heartbeat_at=utcnow())
                        .execution_options(synchronize_session=False))
        cover_units(session, origin_id, refresh_row_prints(session))  # the last batches'
        stored, shown = session.execute(
            select(func.count(), func.count().filter(_UNITS.c.row_id.is_(None)))
            .select_from(_UNITS).where(_UNITS.c.origin_id == origin_id)).one()
        already = session.scalar(select(func.count()).select_from(_ECHOES)
                                 .where(_ECHOES.c.origin_id == origin_id)) or 0
        if not stored and already and (earlier := _same_file(session, origin_id, already)):
            raise refusal(MemoryImportError, "tmx-same-file", file=file_name,
                          earlier=earlier.file_name,
                          date=f"{earlier.imported_at:%Y-%m-%d %H:%M} UTC", count=already)
        if not stored and already:
            raise refusal(MemoryImportError, "tmx-in-memory", file=file_name, count=already,
                          files=_file_names(session, holders))
        if not stored:
            raise refusal(MemoryImportError, "tmx-no-units", file=file_name)
        origin.unit_count = shown
        origin.already_in_memory = already
        origin.in_sets = stored - shown
        origin.langs = sorted(langs)
        origin.status = READY
        origin.heartbeat_at = utcnow()
        session.commit()
    except BaseException as error:
        session.rollback()
        if origin in session:
            session.expunge(origin)
        _remove_quietly(session, origin_id)
        if isinstance(error, TmxParseError):
            raise _unreadable(error, file_name) from error
        raise
    finally:
        _AT_WORK.discard(origin_id)
    checkpoint(session)  # the -wal file back to nothing, not the size of the file
    if session.get_bind().dialect.name == "postgresql":
        # Statistics of the new rows now, not whenever autovacuum next comes by: the planner
        # needs them to search through the index (without, it took the variants unit by unit:
        # seconds), and the fuzzy lookup tells rare words by them (``search.rarer_words``).
        session.execute(text("ANALYZE memory_origin, memory_unit, memory_variant"))
        session.commit()
    return origin


def _same_file(session: Session, origin_id: int, count: int) -> MemoryOrigin | None:
    """The imported file that holds the same units as this one, all ``count`` of which it
    left out as already in the memory (``MemoryEcho``): the same file imported again, or a
    copy under another name. A file's units are those it stores and those it left out
    (which a removal hands back to it); the file whose units are this one's, as many and
    every one, is it. None when there is none: the units are spread over several files, or
    one holds more."""
    mine = _ECHOES.alias("mine")
    mine_prints = select(mine.c.fingerprint).where(mine.c.origin_id == origin_id)
    first = session.scalar(mine_prints.order_by(mine.c.position).limit(1))
    kinds = ((_UNITS.c.origin_id, _UNITS.c.fingerprint),
             (_ECHOES.c.origin_id, _ECHOES.c.fingerprint))
    holders = sorted({holder for owner, print_ in kinds for holder in session.scalars(
        select(owner).where(print_ == first, owner != origin_id))})
    for holder in holders:
        held = in_mine = 0
        for owner, print_ in kinds:
            total, shared = session.execute(
                select(func.count(), func.count().filter(print_.in_(mine_prints)))
                .select_from(owner.table).where(owner == holder)).one()
            held, in_mine = held + total, in_mine + shared
        missing = session.scalar(select(func.count()).select_from(mine).where(
            mine.c.origin_id == origin_id,
            *(~select(owner).where(owner == holder, print_ == mine.c.fingerprint).exists()
              for owner, print_ in kinds)))
        earlier = session.get(MemoryOrigin, holder)
        if (held == in_mine == count and not missing and earlier is not None
                and earlier.status == READY):
            return earlier
    return None


def _check_langs(batch: list[TranslationUnit], first: int, file_name: str) -> None:
    """Refuse a variant whose language is no language code a TMX may carry (``*all*``,
    ``12345``, ``fr FR``) or is longer than the memory keeps: stored, it would make every
    export of the memory fail."""
    for n, unit in enumerate(batch):
        for variant in unit.variants:
            code = variant.lang.strip()
            if (len(code) > 20 or code == ANY_SOURCE
                    or not LANGUAGE_TAG.fullmatch(code.replace("_", "-"))):
                raise refusal(MemoryImportError, "tmx-language-code", file=file_name,
                              unit=first + n, code=code)


def _unreadable(error: TmxParseError, file_name: str) -> MemoryImportError:
    return refusal(MemoryImportError, "tmx-unreadable", file=file_name, line=error.line,
                   reason=error.template, details=error.params)


def _batches(units: Iterable[TranslationUnit]) -> Iterator[tuple[int, list[TranslationUnit]]]:
    """The units in batches, each with the place of its first unit in the file (from 1)."""
    iterator = iter(units)
    first = 1
    while batch := list(islice(iterator, BATCH_UNITS)):
        yield first, batch
        first += len(batch)



def _store_batch(session: Session, origin_id: int, first: int,
                 batch: list[TranslationUnit], holders: set[int]) -> None:
    """Store the units of ``batch`` with some text and not already in another file (those
    are remembered as echoes, their files added to ``holders``); a unit a set's row says
    the same as is stored with that row (``row_id``)."""
    kept = [(first + n, u, fingerprint((normal_lang(v.lang), v.text) for v in u.variants))
            for n, u in enumerate(batch) if any(v.text.strip() for v in u.variants)]
    if not kept:
        return
    # The units other files hold already: ready ones, and those another import is storing
    # at the same moment (``_hold_the_memory``: its last transaction is committed); not
    # this file's own repeats.
    held = dict(session.execute(
        select(MemoryUnit.fingerprint, MemoryUnit.origin_id)
        .join(MemoryOrigin, MemoryOrigin.id == MemoryUnit.origin_id)
        .where(MemoryOrigin.status != REMOVING, MemoryOrigin.id != origin_id,
               MemoryUnit.fingerprint.in_({print_ for _p, _u, print_ in kept}))
    ).all())
    if held:
        holders.update(held.values())
        # each unit left out is remembered, so that removing the file that holds it hands
        # it to this one instead of taking it from both (``_hand_over``)
        session.execute(insert(_ECHOES), [
            {"origin_id": origin_id, "position": position, "fingerprint": print_}
            for position, _u, print_ in kept if print_ in held])
        kept = [entry for entry in kept if entry[2] not in held]
        if not kept:
            return
    # what a set's row may say of each: its texts by language, and their fingerprint in
    # its first two languages
    said = {position: (texts, pair_print(texts)) for position, u, _print in kept
            if (texts := unit_texts((v.lang, v.text) for v in u.variants)) is not None}
    rows = saying_the_same(session, said)
    # Core executemany, then the new ids by (origin, position): one statement each, where
    # INSERT ... RETURNING in parameter order would go row by row on SQLite.
    session.execute(insert(_UNITS_RAW), [
        {"origin_id": origin_id, "position": position, "tuid": (u.tuid or None) and u.tuid[:200],
         "meta": _json(unit_meta(u)), "fingerprint": print_, "row_id": rows.get(position),
         "pair_print": said[position][1] if position in said else None}
        for position, u, print_ in kept
    ])
    ids = dict(session.execute(
        select(MemoryUnit.position, MemoryUnit.id)
        .where(MemoryUnit.origin_id == origin_id,
               MemoryUnit.position.between(first, first + len(batch) - 1))
    ).all())
    session.execute(insert(_VARIANTS_RAW), [
        {"unit_id": ids[position], "lang": normal_lang(v.lang), "text": v.text,
         "meta": _json(variant_meta(v)) if v[2] or v[3] or v[4] else None}
        for position, unit, _print in kept
        for v in unit.variants
        if v.text.strip()
    ])
    if session.get_bind().dialect.name == "sqlite":
        # The FTS5 index of migration 0003, filled in one statement per batch, with the
        # texts' search form (migration 0014: ё as е, Arabic without harakat).
        session.execute(
            text("INSERT INTO memory_variant_fts(rowid, text) "
                 f"SELECT v.id, {search_form_sql('v.text')} "
                 "FROM memory_unit u JOIN memory_variant v ON v.unit_id = u.id "
                 "WHERE u.origin_id = :origin AND u.position BETWEEN :first AND :last"),
            {"origin": origin_id, "first": first, "last": first + len(batch) - 1},
        )



def in_sets_sentence(count: int) -> str:
    """What an import says of its units the sets' rows already say."""
    return ngettext(
        "%(count)s unit was already in the memory (from the document sets): it is shown "
        "once, from its set, and the file keeps it for when that row is edited or the set "
        "deleted.",
        "%(count)s units were already in the memory (from the document sets): they are "
        "shown once, from their sets, and the file keeps them for when those rows are "
        "edited or the sets deleted.", count, count=f"{count:,}")


def _hold_the_memory(session: Session, origin_id: int) -> None:
    """Begin (or go on with) a transaction in which no other import or removal writes the
    memory's units until it commits: on SQLite the write lock (taken by a write to the
    origin's own row), on PostgreSQL a transaction's advisory lock. An import's look-up of
    what the memory holds and its storing of the rest are then one step, and two imports of
    the same units at once store them once."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MEMORY_LOCK})
    else:
        session.execute(update(MemoryOrigin).where(MemoryOrigin.id == origin_id)
                        .values(heartbeat_at=utcnow())
                        .execution_options(synchronize_session=False))


def _file_names(session: Session, origin_ids: set[int], most: int = 3) -> str:
    """The names of the imported files ``origin_ids``, the first ``most`` of them."""
    names = list(session.scalars(select(MemoryOrigin.file_name)
                                 .where(MemoryOrigin.id.in_(origin_ids))
                                 .order_by(MemoryOrigin.id)))
    return ", ".join(names[:most]) + (" …" if len(names) > most else "")


def unit_meta(unit: TranslationUnit) -> dict[str, list[Any]] | None:
    """What ``MemoryUnit.meta`` keeps of ``unit``: its srclang, dates and other attributes,
    properties and notes (and its tuid when longer than the column); None when it has none."""
    tuid, _variants, properties, created, changed, notes, srclang, attributes = unit
    if not (properties or notes or attributes or srclang or created or changed
            or (tuid and len(tuid) > 200)):
        return None
    attrs: list[list[str]] = []
    if tuid and len(tuid) > 200:
        attrs.append(["tuid", tuid])
    if srclang:
        attrs.append(["srclang", srclang if srclang == ANY_SOURCE else normal_lang(srclang)])
    if created is not None:
        attrs.append(["creationdate", format_date(created)])
    if changed is not None:
        attrs.append(["changedate", format_date(changed)])
    attrs += [[name, value] for name, value in attributes]
    return _meta(attrs, properties, notes)


def variant_meta(variant: Variant) -> dict[str, list[Any]] | None:
    """What ``MemoryVariant.meta`` keeps of ``variant``: its attributes, properties and notes
    (not its language and text); None when it has none."""
    _lang, _text, attributes, properties, notes = variant
    if not (attributes or properties or notes):
        return None
    return _meta([[name, value] for name, value in attributes], properties, notes)


def _json(meta: dict[str, list[Any]] | None) -> str | None:
    return None if meta is None else json.dumps(meta, ensure_ascii=False, separators=(",", ":"))


def _meta(attrs: list[list[str]], properties: Iterable[tuple[str, str]],
          notes: Iterable[str]) -> dict[str, list[Any]]:
    meta: dict[str, list[Any]] = {}
    if attrs:
        meta["attrs"] = attrs
    if properties:
        meta["props"] = [[name, value] for name, value in properties]
    if notes:
        meta["notes"] = list(notes)
    return meta


def origins(session: Session) -> list[MemoryOrigin]:
    """The imported files, oldest first (not those still importing or being removed), each
    with how many of its units are not shown, a set's row saying the same (``in_sets``;
    ``unit_count`` is of those shown)."""
    files = list(session.scalars(
        select(MemoryOrigin).where(MemoryOrigin.status == READY).order_by(MemoryOrigin.id)))
    in_sets: dict[int, int] = dict(session.execute(
        select(_UNITS.c.origin_id, func.count())
        .where(_UNITS.c.row_id.is_not(None),
               _UNITS.c.origin_id.in_([origin.id for origin in files]))
        .group_by(_UNITS.c.origin_id)).all()) if files else {}
    for origin in files:
        origin.in_sets = in_sets.get(origin.id, 0)
    return files


def remove_origin(session: Session, origin_id: int) -> MemoryOrigin:
    """The imported file removed from the memory, with all its units.

    The file leaves every search at once (its status becomes ``removing``, committed); its
    units are then deleted ``REMOVE_UNITS`` at a time, one commit each, so a large file does
    not keep other writers waiting. An interrupted removal is finished by
    ``remove_interrupted``.
    """
    origin = session.get(MemoryOrigin, origin_id)
    if origin is None or origin.status != READY:
        raise NotFound(_("There is no imported TMX file %(id)s in the memory.", id=origin_id))
    _hold_the_memory(session, origin_id)  # not while an import hands it a unit
    origin.status = REMOVING
    origin.importer = _importer()
    origin.heartbeat_at = utcnow()
    _AT_WORK.add(origin_id)
    try:
        session.commit()
        session.refresh(origin)  # loaded, whatever the session's expire_on_commit
        session.expunge(origin)
        _remove_stored(session, origin_id)
    finally:
        _AT_WORK.discard(origin_id)
    checkpoint(session)
    return origin


def remove_interrupted(session: Session) -> int:
    """Remove what imports and removals stopped half-way left (a killed process, a failed
    clean-up): the origins not ready that no running process is at. The number removed.

    Commits on ``session``. Called by every import and at every start (``db.upgrade``).
    """
    left = session.execute(
        select(MemoryOrigin.id, MemoryOrigin.importer, MemoryOrigin.heartbeat_at)
        .where(MemoryOrigin.status != READY)
    ).all()
    removed = 0
    for origin_id, importer, heartbeat in left:
        if not _interrupted(origin_id, importer, heartbeat):
            continue
        _AT_WORK.add(origin_id)
        try:
            # Taken over (compare-and-set), so another process starting now leaves it to us.
            taken = session.execute(
                update(MemoryOrigin)
                .where(MemoryOrigin.id == origin_id, MemoryOrigin.importer == importer,
                       MemoryOrigin.status != READY)
                .values(status=REMOVING, importer=_importer(), heartbeat_at=utcnow())
                .execution_options(synchronize_session=False))
            session.commit()
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            _remove_stored(session, origin_id)
        finally:
            _AT_WORK.discard(origin_id)
        log.warning("Removed memory file %s, left half-imported or half-removed by %s.",
                    origin_id, importer or "an earlier version")
        removed += 1
    return removed


def _importer() -> str:
    """Who is importing: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _interrupted(origin_id: int, importer: str, heartbeat: datetime | None) -> bool:
    """Whether the import or removal of an origin not ready has stopped: it is not this
    process's work in progress, and its process is gone from this host (or, on another
    host, has not committed for ``STALE_AFTER``)."""
    if origin_id in _AT_WORK:
        return False
    silent = utcnow() - heartbeat if heartbeat is not None else timedelta.max
    host, _sep, pid = importer.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        if int(pid) == os.getpid() or not running(int(pid)):
            return True
        return silent > PID_REUSED_AFTER  # that number is another program's by now
    return silent > STALE_AFTER  # another machine's (a shared server database)


def _remove_stored(session: Session, origin_id: int) -> None:
    """Delete an origin's units (and their variants and index entries) ``REMOVE_UNITS`` at
    a time, one commit each, then the origin; a unit another file left out as already in
    the memory goes to that file instead (``_hand_over``)."""
    while True:
        _hold_the_memory(session, origin_id)  # the echoes read are the echoes there are
        units = session.execute(
            select(MemoryUnit.id, MemoryUnit.fingerprint, MemoryUnit.row_id)
            .where(MemoryUnit.origin_id == origin_id).limit(REMOVE_UNITS)).all()
        if not units:
            break
        handed = _hand_over(session, origin_id, units)
        ids = [unit_id for unit_id, _print, _row in units if unit_id not in handed]
        # The index's delete trigger runs for each variant (migration 0003).
        session.execute(delete(_VARIANTS).where(_VARIANTS.c.unit_id.in_(ids)))
        session.execute(delete(_UNITS).where(_UNITS.c.id.in_(ids)))
        session.commit()
    session.execute(delete(_ECHOES).where(_ECHOES.c.origin_id == origin_id))
    session.execute(delete(MemoryOrigin).where(MemoryOrigin.id == origin_id)
                    .execution_options(synchronize_session=False))
    session.commit()


def _hand_over(session: Session, origin_id: int,
               units: Sequence[tuple[int, int | None, int | None]]) -> set[int]:
    """The ids of ``units`` (id, fingerprint, row) given to the files that left the same
    unit out when they were imported (ready ones, and those still importing), each to one
    such file at the place it had there: the unit stays in the memory as long as some file
    holds it. One kept with a set's row stays so, out of its new file's count too."""
    prints = {print_ for _id, print_, _row in units if print_ is not None}
    if not prints:
        return set()
    echoes: dict[int, list[tuple[int, int, int]]] = {}
    for echo_id, owner, position, print_ in session.execute(
            select(_ECHOES.c.id, _ECHOES.c.origin_id, _ECHOES.c.position,
                   _ECHOES.c.fingerprint)
            .join(MemoryOrigin, MemoryOrigin.id == _ECHOES.c.origin_id)
            .where(_ECHOES.c.fingerprint.in_(prints), _ECHOES.c.origin_id != origin_id,
                   MemoryOrigin.status != REMOVING)
            .order_by(_ECHOES.c.id)):
        echoes.setdefault(print_, []).append((echo_id, owner, position))
    handed: set[int] = set()
    for unit_id, print_, row_id in units:
        if print_ is None or not echoes.get(print_):
            continue
        echo_id, owner, position = echoes[print_].pop(0)
        session.execute(update(_UNITS).where(_UNITS.c.id == unit_id)
                        .values(origin_id=owner, position=position))
        session.execute(delete(_ECHOES).where(_ECHOES.c.id == echo_id))
        if row_id is None:
            session.execute(update(MemoryOrigin).where(MemoryOrigin.id == owner)
                            .values(unit_count=MemoryOrigin.unit_count + 1))
        handed.add(unit_id)
    return handed


def _remove_quietly(session: Session, origin_id: int) -> None:
    """``_remove_stored`` after a failed import; if that fails too (the database is locked,
    say), the origin stays ``importing`` and ``remove_interrupted`` takes it later."""
    try:
        _remove_stored(session, origin_id)
    except Exception:  # the import's own error is the one to report
        session.rollback()
        log.warning("Memory file %s could not be removed after its import failed; it will "
                    "be at the next import or start.", origin_id, exc_info=True)


@dataclass(frozen=True)
class MemorySummary:
    """What the memory holds: imported files and units, document sets and their rows."""

    files: int
    units: int
    sets: int
    rows: int
    langs: list[str]

    def as_json(self) -> dict[str, object]:
        return {"files": self.files, "units": self.units, "sets": self.sets,
                "rows": self.rows, "languages": self.langs}


def summary(session: Session) -> MemorySummary:
    """The counts shown above the memory's search box, and the languages to filter by."""
    files, units = session.execute(
        select(func.count(), func.coalesce(func.sum(MemoryOrigin.unit_count), 0))
        .where(MemoryOrigin.status == READY)
    ).one()
    return MemorySummary(
        files=files,
        units=units,
        sets=session.scalar(select(func.count()).select_from(DocumentSet)) or 0,
        rows=session.scalar(select(func.count()).select_from(Row)) or 0,
        langs=languages(session),
    )


def languages(session: Session, *, imported: bool = True) -> list[str]:
    """Every language code of the sets' versions and, with ``imported``, of imported files."""
    codes = set(session.scalars(select(Version.lang).distinct()))
    if imported:
        codes.update(lang for origin_langs in session.scalars(
            select(MemoryOrigin.langs).where(MemoryOrigin.status == READY))
            for lang in origin_langs)
    return sorted(codes)


def describe(origin: MemoryOrigin) -> dict[str, object]:
    """An imported file as JSON."""
    imported_at: datetime = origin.imported_at
    return {"id": origin.id, "file": origin.file_name, "tool": origin.tool,
            "source_lang": origin.source_lang, "languages": origin.langs,
            "units": origin.unit_count, "in_sets": origin.in_sets,
            "imported_at": imported_at.isoformat(timespec="seconds") + "Z"}
