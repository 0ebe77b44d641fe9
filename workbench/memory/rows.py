"""The sets' rows and the imported units they say: a unit one of the sets' rows already
says — the same texts in the unit's languages, as the memory's own export writes a row — is
kept with its file but with that row (``MemoryUnit.row_id``), and no search, count or export
shows it while the row says the same: re-importing the memory's export adds nothing the
translator sees twice.

Whichever comes first: an import looks its units up among the rows
(``saying_the_same``, through the rows' fingerprints, one per pair of languages a row has
text in, ``MemoryRowPrint``, which the imports keep current set by set, by the set's
revision: ``refresh_row_prints``); rows stored after the file (a set aligned later, a
re-alignment, an edit undone) look the units up the other way, by each unit's fingerprint
in its first two languages (``MemoryUnit.pair_print``), and hide those they say
(``cover_rows``). Rows stored while the file is being imported, which see none of the
batch being stored nor it them, are compared with the file's units by the import once they
are committed (``cover_units``). Editing the row or deleting its set lets the file's unit
be seen again (``release_rows``, ``release_set``): the file keeps what it brought.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tmx.units import xml_safe
from workbench.memory.models import (
    REMOVING,
    MemoryOrigin,
    MemoryRowPrint,
    MemorySetPrint,
    MemoryUnit,
    MemoryVariant,
)
from workbench.memory.prints import fingerprint, normal_lang
from workbench.models import DocumentSet, Row, Sentence, Version

BATCH = 1_000  # ids or fingerprints per IN (...) list
_UNITS: Table = MemoryUnit.__table__  # type: ignore[assignment]
_VARIANTS: Table = MemoryVariant.__table__  # type: ignore[assignment]
_ROW_PRINTS: Table = MemoryRowPrint.__table__  # type: ignore[assignment]
_SET_PRINTS: Table = MemorySetPrint.__table__  # type: ignore[assignment]


def unit_texts(variants: Iterable[tuple[str, str]]) -> dict[str, str] | None:
    """A unit's texts by language (normalised), the variants without text left out; None
    when it has two texts in one language (no row says that) or fewer than two texts."""
    texts: dict[str, str] = {}
    for lang, found in variants:
        if not found.strip():
            continue
        code = normal_lang(lang)
        if code in texts:
            return None
        texts[code] = found
    return texts if len(texts) >= 2 else None


def pair_print(texts: dict[str, str]) -> int:
    """The fingerprint a unit is looked up by among the rows', and the rows look it up by
    (``MemoryUnit.pair_print``): of its texts in its first two languages (a row has one for
    each pair of its languages, ``_row_prints``). Migration 0018 keeps a copy."""
    first, second = sorted(texts)[:2]
    return fingerprint([(first, texts[first]), (second, texts[second])])


def _row_prints(cells: dict[str, str]) -> list[int]:
    """A row's fingerprints (its texts by language, ``row_texts``): one for each pair of
    its languages with text."""
    langs = sorted(lang for lang, found in cells.items() if found.strip())
    return [fingerprint([(one, cells[one]), (other, cells[other])])
            for n, one in enumerate(langs) for other in langs[n + 1:]]


def row_texts(session: Session, row_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The rows' texts by language (normalised) as the memory's export writes them: the
    sentences of each language joined by a space. Rows that are gone are not there."""
    ids = sorted(set(row_ids))
    found: dict[int | None, dict[str, list[str]]] = {}
    for start in range(0, len(ids), BATCH):
        for row_id, lang, sentence in session.execute(
                select(Sentence.row_id, Version.lang, Sentence.text)
                .join(Version, Version.id == Sentence.version_id)
                .where(Sentence.row_id.in_(ids[start:start + BATCH]))
                .order_by(Sentence.row_id, Version.id, Sentence.position)):
            found.setdefault(row_id, {}).setdefault(normal_lang(lang), []).append(sentence)
    return {row_id: {lang: xml_safe(" ".join(texts)) for lang, texts in cells.items()}
            for row_id, cells in found.items() if row_id is not None}


def refresh_row_prints(session: Session) -> set[int]:
    """The sets whose rows' fingerprints (``MemoryRowPrint``) were taken again here: those
    edited since they were last taken (the revision moved on) or never taken; those of the
    sets that are gone are dropped. Under the memory's lock (``_hold_the_memory``): one
    import at a time."""
    stale: dict[int, int | None] = {}  # set id: its revision now (None: gone)
    for set_id, revision, printed in session.execute(
            select(DocumentSet.id, DocumentSet.revision, _SET_PRINTS.c.revision)
            .outerjoin(_SET_PRINTS, _SET_PRINTS.c.set_id == DocumentSet.id)):
        if printed != revision:
            stale[set_id] = revision
    stale.update((set_id, None) for set_id in session.scalars(
        select(_SET_PRINTS.c.set_id).where(_SET_PRINTS.c.set_id.not_in(
            select(DocumentSet.id)))))
    for set_id, revision in stale.items():
        session.execute(delete(_ROW_PRINTS).where(_ROW_PRINTS.c.set_id == set_id))
        session.execute(delete(_SET_PRINTS).where(_SET_PRINTS.c.set_id == set_id))
        if revision is None:
            continue
        row_ids = session.scalars(select(Row.id).where(Row.set_id == set_id)).all()
        prints = [{"set_id": set_id, "row_id": row_id, "fingerprint": print_}
                  for row_id, cells in row_texts(session, row_ids).items()
                  for print_ in _row_prints(cells)]
        for start in range(0, len(prints), BATCH):
            session.execute(insert(_ROW_PRINTS), prints[start:start + BATCH])
        session.execute(insert(_SET_PRINTS), [{"set_id": set_id, "revision": revision}])
    return {set_id for set_id, revision in stale.items() if revision is not None}


def saying_the_same(session: Session, wanted: dict[int, tuple[dict[str, str], int]]
                     ) -> dict[int, int]:
    """For each unit (its place: its texts by language and ``pair_print``) a set's row
    says the same as — the same text in each of the unit's languages, whatever else the row
    has — its place and that row's id.

    The rows are found by fingerprint, then their texts read again as they are now; on
    PostgreSQL their sets are locked first (FOR SHARE) until this import's transaction
    ends, so that an edit or a deletion of the set, which lets the unit be seen again
    (``release_rows``), comes before and is read here, or after and finds the unit."""
    if not wanted:
        return {}
    candidates: dict[int, list[int]] = {}
    sets: set[int] = set()
    prints = sorted({print_ for unit_texts, print_ in wanted.values()})
    for start in range(0, len(prints), BATCH):
        for set_id, row_id, print_ in session.execute(
                select(_ROW_PRINTS.c.set_id, _ROW_PRINTS.c.row_id, _ROW_PRINTS.c.fingerprint)
                .where(_ROW_PRINTS.c.fingerprint.in_(prints[start:start + BATCH]))):
            candidates.setdefault(print_, []).append(row_id)
            sets.add(set_id)
    if not candidates:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(DocumentSet.id).where(DocumentSet.id.in_(sorted(sets)))
                        .order_by(DocumentSet.id).with_for_update(read=True))
    rows = row_texts(session, (row_id for found in candidates.values() for row_id in found))
    same: dict[int, int] = {}
    for position, (texts, print_) in wanted.items():
        for row_id in sorted(candidates.get(print_, ())):
            cells = rows.get(row_id)
            if cells is not None and all(cells.get(lang) == found
                                         for lang, found in texts.items()):
                same[position] = row_id
                break
    return same


def release_rows(session: Session, row_ids: Iterable[int], *, unless_same: bool = True) -> int:
    """Let the imported units kept with these rows (``MemoryUnit.row_id``) be seen again:
    those whose row no longer says the same (edited, or gone), or, without
    ``unless_same``, all of them (rows about to be deleted). Each comes back into its
    file's count. The number of units let go.

    Called in the transaction of every edit of a set's rows (``editing.history.apply``)
    and of a set's deletion (``release_set``); the caller commits."""
    ids = sorted(set(row_ids))
    if not ids:
        return 0
    kept: list[Any] = []
    for start in range(0, len(ids), BATCH):
        kept += session.execute(
            select(_UNITS.c.id, _UNITS.c.origin_id, _UNITS.c.row_id)
            .where(_UNITS.c.row_id.in_(ids[start:start + BATCH]))).all()
    if not kept:
        return 0
    if unless_same:
        rows = row_texts(session, {row_id for _id, _origin, row_id in kept})
        variants = _unit_variants(session, [unit_id for unit_id, *_rest in kept])
        kept = [(unit_id, origin_id, row_id) for unit_id, origin_id, row_id in kept
                if not _says(rows.get(row_id), variants.get(unit_id, []))]
    return _let_go(session, kept)


def release_set(session: Session, set_id: int) -> int:
    """``release_rows`` for every row of a set about to be deleted (``sets.delete_set``)."""
    kept = session.execute(
        select(_UNITS.c.id, _UNITS.c.origin_id, _UNITS.c.row_id)
        .where(_UNITS.c.row_id.in_(select(Row.id).where(Row.set_id == set_id)))).all()
    return _let_go(session, kept)


def cover_rows(session: Session, row_ids: Iterable[int]) -> int:
    """Hide the imported units these rows say the same as, as an import hides those the
    rows there are say (``MemoryUnit.row_id``), each out of its file's count: rows stored
    after the file was imported (a new set, a re-alignment, an edit undone or redone) are
    compared with it here. The number of units hidden.

    The rows' fingerprints (``_row_prints``, one per pair of their languages) are looked up
    in the units' index of theirs (``MemoryUnit.pair_print``), and only the units found so
    are read: a set of 2,000 rows in five languages is 20,000 look-ups in an index, a
    database without imported units one query. Called in the transaction that stores the
    rows (``sets.create_set``, ``editing.history.apply``), after they are written; the
    caller commits.

    No lock is taken (a set's alignment may hold its transaction open a while, and must
    not hold up imports, edits or other alignments meanwhile). Rows stored while an import
    is storing a batch of units that they say see neither the batch nor the batch them;
    the import compares its units with them once they are committed (``cover_units``)."""
    ids = sorted(set(row_ids))
    if not ids:
        return 0
    if session.scalar(select(_UNITS.c.id).where(_UNITS.c.row_id.is_(None),
                                                _UNITS.c.pair_print.is_not(None))
                      .limit(1)) is None:
        return 0  # no imported unit a row could say
    rows = row_texts(session, ids)
    by_print: dict[int, list[int]] = {}
    for row_id, cells in sorted(rows.items()):
        for print_ in _row_prints(cells):
            by_print.setdefault(print_, []).append(row_id)
    prints = sorted(by_print)
    found: list[Any] = []
    for start in range(0, len(prints), BATCH):
        found += session.execute(
            select(_UNITS.c.id, _UNITS.c.origin_id, _UNITS.c.pair_print)
            .join(MemoryOrigin, MemoryOrigin.id == _UNITS.c.origin_id)
            .where(_UNITS.c.pair_print.in_(prints[start:start + BATCH]),
                   _UNITS.c.row_id.is_(None), MemoryOrigin.status != REMOVING)).all()
    if not found:
        return 0
    variants = _unit_variants(session, [unit_id for unit_id, *_rest in found])
    covered: list[tuple[int, int, int]] = []
    for unit_id, origin_id, print_ in found:
        saying = [row_id for row_id in by_print[print_]
                  if _says(rows[row_id], variants.get(unit_id, []))]
        if saying:  # the first row, as an import takes the first (``saying_the_same``)
            covered.append((unit_id, origin_id, saying[0]))
    return _hide(session, covered)


def cover_units(session: Session, origin_id: int, set_ids: Iterable[int]) -> int:
    """Hide the units a file being imported has stored so far that the rows of these sets
    say (``MemoryUnit.row_id``), as ``cover_rows`` hides them: the sets whose rows were
    stored or edited while the file's earlier batches were being stored, each transaction
    seeing nothing of the other's (the rows' own check missed the batch's units, the
    batch's look-up missed the rows). The number of units hidden.

    The sets' rows are looked up by their fingerprints (``MemoryRowPrint``, just taken by
    ``refresh_row_prints``) in the units' (``MemoryUnit.pair_print``): one query, however
    large the file. On PostgreSQL the sets are locked first (FOR SHARE) until the import's
    transaction ends, as ``saying_the_same`` locks them, so that an edit letting a unit be
    seen again comes before and is read here, or after and finds the unit. Called by the
    import, under the memory's lock, at the start of each of its transactions and before
    the file is ready; the import commits. Still missed: a set whose rows were compared
    before the file's last batch was committed and that commits only after the file is
    ready (the set's last statements straddling the import's last transaction); storing
    its rows again hides the units, as before."""
    sets = sorted(set(set_ids))
    if not sets:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(DocumentSet.id).where(DocumentSet.id.in_(sets))
                        .order_by(DocumentSet.id).with_for_update(read=True))
    found: list[Any] = []
    for start in range(0, len(sets), BATCH):
        found += session.execute(
            select(_UNITS.c.id, _UNITS.c.origin_id, _ROW_PRINTS.c.row_id)
            .join(_ROW_PRINTS, _ROW_PRINTS.c.fingerprint == _UNITS.c.pair_print)
            .where(_ROW_PRINTS.c.set_id.in_(sets[start:start + BATCH]),
                   _UNITS.c.origin_id == origin_id, _UNITS.c.row_id.is_(None))).all()
    if not found:
        return 0
    rows = row_texts(session, (row_id for _unit, _origin, row_id in found))
    variants = _unit_variants(session, [unit_id for unit_id, *_rest in found])
    covered: dict[int, tuple[int, int, int]] = {}
    for unit_id, origin, row_id in sorted(found):  # the first row, as ``saying_the_same``
        if unit_id not in covered and _says(rows.get(row_id), variants.get(unit_id, [])):
            covered[unit_id] = (unit_id, origin, row_id)
    return _hide(session, list(covered.values()))


def _unit_variants(session: Session, unit_ids: Sequence[int]
                   ) -> dict[int, list[tuple[str, str]]]:
    """The units' variants (language, text) by unit."""
    variants: dict[int, list[tuple[str, str]]] = {}
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), BATCH):
        for unit_id, lang, found in session.execute(
                select(_VARIANTS.c.unit_id, _VARIANTS.c.lang, _VARIANTS.c.text)
                .where(_VARIANTS.c.unit_id.in_(ids[start:start + BATCH]))):
            variants.setdefault(unit_id, []).append((lang, found))
    return variants


def _says(cells: dict[str, str] | None, variants: list[tuple[str, str]]) -> bool:
    """Whether a row (its texts by language, ``row_texts``) says what a unit does: the same
    text in each of the unit's languages, whatever else the row has."""
    texts = unit_texts(variants)
    return cells is not None and texts is not None and all(
        cells.get(lang) == found for lang, found in texts.items())


def _let_go(session: Session, units: Sequence[Any]) -> int:
    """The units (id, origin, row) seen again: no longer with a row, each in its file's
    count."""
    if not units:
        return 0
    ids = [unit_id for unit_id, _origin, _row in units]
    for start in range(0, len(ids), BATCH):
        session.execute(update(_UNITS).where(_UNITS.c.id.in_(ids[start:start + BATCH]))
                        .values(row_id=None).execution_options(synchronize_session=False))
    _recount(session, units, +1)
    return len(ids)


def _hide(session: Session, units: Sequence[tuple[int, int, int]]) -> int:
    """The units (id, origin, row) hidden: with that row, each out of its file's count."""
    if not units:
        return 0
    session.execute(  # one executemany (Core: the ORM form would want "id" keys)
        update(_UNITS).where(_UNITS.c.id == bindparam("unit"))
        .values(row_id=bindparam("row")).execution_options(synchronize_session=False),
        [{"unit": unit_id, "row": row_id} for unit_id, _origin, row_id in units])
    _recount(session, units, -1)
    return len(units)


def _recount(session: Session, units: Sequence[Any], step: int) -> None:
    """Each file of the units (id, origin, row) counts ``step`` more units per unit."""
    per_origin: dict[int, int] = {}
    for _unit_id, origin_id, _row_id in units:
        per_origin[origin_id] = per_origin.get(origin_id, 0) + step
    for origin_id, count in sorted(per_origin.items()):
        session.execute(update(MemoryOrigin).where(MemoryOrigin.id == origin_id)
                        .values(unit_count=MemoryOrigin.unit_count + count)
                        .execution_options(synchronize_session=False))
