"""The memory's imported files: a TMX file stored as an origin with its units, the list of
origins, and their removal.

An import runs in the caller's transaction and writes in batches (one executemany per batch
of units, one per batch of variants); when the file turns out to be malformed half-way,
``MemoryImportError`` is raised and the caller's rollback leaves the memory as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import islice
from typing import BinaryIO

from flask_babel import gettext as _
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from tmx import TmxParseError, TranslationUnit, read_tmx
from workbench.errors import NotFound, in_user_language
from workbench.memory import MemoryImportError
from workbench.memory.models import MemoryOrigin, MemoryUnit, MemoryVariant
from workbench.models import DocumentSet, Row, Version

BATCH_UNITS = 1_000
ANY_SOURCE = "*all*"
_UNITS: Table = MemoryUnit.__table__  # type: ignore[assignment]
_VARIANTS: Table = MemoryVariant.__table__  # type: ignore[assignment]


@lru_cache(maxsize=256)  # a file has a handful of codes, repeated on every unit
def normal_lang(code: str) -> str:
    """A language code in BCP 47's usual case: ``EN-us`` -> ``en-US``, ``zh_hant`` ->
    ``zh-Hant``."""
    language, *subtags = code.strip().replace("_", "-").split("-")
    parts = [language.lower()]
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            parts.append(subtag.title())  # script
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            parts.append(subtag.upper())  # region
        else:
            parts.append(subtag.lower())
    return "-".join(parts)[:20]


def import_tmx(session: Session, source: BinaryIO, file_name: str) -> MemoryOrigin:
    """The origin stored for the TMX file open on ``source`` (TMX 1.1-1.4), with its units.

    Raises ``MemoryImportError`` naming the file and the line when it cannot be read; the
    caller must then roll back, and nothing of the file is kept.
    """
    try:
        header, units = read_tmx(source)
        tool = " ".join(filter(None, (header.creation_tool, header.creation_tool_version)))
        origin = MemoryOrigin(
            file_name=file_name[:500],
            tool=tool[:200],
            source_lang=header.srclang if header.srclang == ANY_SOURCE
            else normal_lang(header.srclang),
        )
        session.add(origin)
        session.flush()
        stored, langs = 0, set[str]()
        for first, batch in _batches(units):
            stored += _store_batch(session, origin.id, first, batch)
            langs.update(normal_lang(v.lang) for u in batch for v in u.variants
                         if v.text.strip())
    except TmxParseError as error:
        where = _("%(file)s, line %(line)s", file=file_name, line=error.line) if error.line \
            else file_name
        raise MemoryImportError(_("%(where)s: %(reason)s. Nothing was imported.", where=where,
                                  reason=in_user_language(error))) from error
    if not stored:
        raise MemoryImportError(_("%(file)s: the file holds no translation unit with text. "
                                  "Nothing was imported.", file=file_name))
    origin.unit_count = stored
    origin.langs = sorted(langs)
    session.flush()
    return origin


def _batches(units: Iterable[TranslationUnit]) -> Iterator[tuple[int, list[TranslationUnit]]]:
    """The units in batches, each with the place of its first unit in the file (from 1)."""
    iterator = iter(units)
    first = 1
    while batch := list(islice(iterator, BATCH_UNITS)):
        yield first, batch
        first += len(batch)


def _store_batch(session: Session, origin_id: int, first: int,
                 batch: list[TranslationUnit]) -> int:
    """The number of units of ``batch`` stored (those with some text)."""
    kept = [(first + n, u) for n, u in enumerate(batch)
            if any(v.text.strip() for v in u.variants)]
    if not kept:
        return 0
    # Core executemany, then the new ids by (origin, position): one statement each, where
    # INSERT ... RETURNING in parameter order would go row by row on SQLite.
    session.execute(insert(_UNITS), [
        {"origin_id": origin_id, "position": position, "tuid": (u.tuid or None) and u.tuid[:200]}
        for position, u in kept
    ])
    ids = dict(session.execute(
        select(MemoryUnit.position, MemoryUnit.id)
        .where(MemoryUnit.origin_id == origin_id,
               MemoryUnit.position.between(first, first + len(batch) - 1))
    ).all())
    session.execute(insert(_VARIANTS), [
        {"unit_id": ids[position], "lang": normal_lang(v.lang), "text": v.text}
        for position, unit in kept
        for v in unit.variants
        if v.text.strip()
    ])
    if session.get_bind().dialect.name == "sqlite":
        # The FTS5 index of migration 0003, filled in one statement per batch.
        session.execute(
            text("INSERT INTO memory_variant_fts(rowid, text) SELECT v.id, v.text "
                 "FROM memory_unit u JOIN memory_variant v ON v.unit_id = u.id "
                 "WHERE u.origin_id = :origin AND u.position BETWEEN :first AND :last"),
            {"origin": origin_id, "first": first, "last": first + len(batch) - 1},
        )
    return len(kept)


def origins(session: Session) -> list[MemoryOrigin]:
    """The imported files, oldest first."""
    return list(session.scalars(select(MemoryOrigin).order_by(MemoryOrigin.id)))


def remove_origin(session: Session, origin_id: int) -> MemoryOrigin:
    """The imported file removed from the memory, with all its units."""
    origin = session.get(MemoryOrigin, origin_id)
    if origin is None:
        raise NotFound(_("There is no imported TMX file %(id)s in the memory.", id=origin_id))
    # The database's cascades (and the index triggers) do the rest in one statement each.
    session.execute(delete(MemoryOrigin).where(MemoryOrigin.id == origin_id))
    session.expunge(origin)
    return origin


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
        codes.update(lang for origin_langs in session.scalars(select(MemoryOrigin.langs))
                     for lang in origin_langs)
    return sorted(codes)


def describe(origin: MemoryOrigin) -> dict[str, object]:
    """An imported file as JSON."""
    imported_at: datetime = origin.imported_at
    return {"id": origin.id, "file": origin.file_name, "tool": origin.tool,
            "source_lang": origin.source_lang, "languages": origin.langs,
            "units": origin.unit_count,
            "imported_at": imported_at.isoformat(timespec="seconds") + "Z"}
