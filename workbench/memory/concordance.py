"""Concordance: every segment of the memory holding the words a translator typed, with the
match picked out, its counterparts in the other languages, and where it came from."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workbench.memory import MemoryQueryError
from workbench.memory.search import (
    Origin,
    language_clause,
    match_expression,
    require_index,
    row_cells,
    unit_origins,
    unit_variants,
)
from workbench.memory.store import READY_UNITS

# Around each match in highlight()'s output; XML cannot carry them, so no segment holds them.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class ConcordanceHit:
    """A segment holding the words: its text cut into (piece, is_match) parts, the other
    languages of its unit or row, and its origin."""

    lang: str
    parts: tuple[tuple[str, bool], ...]
    counterparts: tuple[tuple[str, str], ...]  # (lang, text)
    origin: Origin
    rank: float

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.parts)

    def matches(self) -> list[tuple[int, int]]:
        """The matched spans of ``text`` as (start, end) character offsets."""
        spans, at = [], 0
        for piece, matched in self.parts:
            if matched:
                spans.append((at, at + len(piece)))
            at += len(piece)
        return spans

    def as_json(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "text": self.text,
            "matches": [list(span) for span in self.matches()],
            "counterparts": [{"lang": lang, "text": t} for lang, t in self.counterparts],
            "origin": self.origin.as_json(),
        }


@dataclass(frozen=True)
class Concordance:
    """The hits for a query, best first; ``more`` when the limit cut some off."""

    query: str
    lang: str | None
    hits: list[ConcordanceHit]
    more: bool

    def as_json(self) -> dict[str, object]:
        return {"query": self.query, "lang": self.lang, "more": self.more,
                "hits": [hit.as_json() for hit in self.hits]}


def split_marks(marked: str) -> tuple[tuple[str, bool], ...]:
    """highlight()'s output as (piece, is_match) parts."""
    parts: list[tuple[str, bool]] = []
    for n, chunk in enumerate(marked.split(MARK_OPEN)):
        inside, _mark, after = chunk.partition(MARK_CLOSE) if n else ("", "", chunk)
        parts.extend((piece, matched) for piece, matched in ((inside, True), (after, False))
                     if piece)
    return tuple(parts)


def concordance(session: Session, query: str, lang: str | None = None,
                limit: int = DEFAULT_LIMIT) -> Concordance:
    """The segments of imported files and sets holding every word or phrase of ``query``
    (``word*`` for a prefix), in ``lang``'s language when given, best first."""
    require_index(session)
    if not query.strip():
        raise MemoryQueryError(_("Type a word or a phrase to look for in the memory."))
    expression = match_expression(query)
    if expression is None:  # only punctuation: nothing a segment could hold
        return Concordance(query, lang, [], more=False)
    try:
        hits = _imported_hits(session, expression, lang, limit + 1)
        hits += _set_hits(session, expression, lang, limit + 1)
    except OperationalError as error:  # a query match_expression let through by mistake
        raise MemoryQueryError(_("The memory cannot search for '%(query)s'.",
                                 query=query)) from error
    hits.sort(key=lambda hit: hit.rank)
    return Concordance(query, lang, hits[:limit], more=len(hits) > limit)


def _imported_hits(session: Session, expression: str, lang: str | None,
                   limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang")
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, "
             "highlight(memory_variant_fts, 0, char(2), char(3)), memory_variant_fts.rank "
             "FROM memory_variant_fts JOIN memory_variant v ON v.id = memory_variant_fts.rowid "
             f"{READY_UNITS} WHERE memory_variant_fts MATCH :expression AND {where} "
             "ORDER BY memory_variant_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    units = [unit_id for _, unit_id, *_ in found]
    variants = unit_variants(session, units)
    origins = unit_origins(session, units)
    return [
        ConcordanceHit(
            lang=variant_lang,
            parts=split_marks(marked),
            counterparts=tuple((other_lang, other) for other_id, other_lang, other
                               in variants[unit_id] if other_id != variant_id),
            origin=origins[unit_id],
            rank=rank,
        )
        for variant_id, unit_id, variant_lang, marked, rank in found
    ]


def _set_hits(session: Session, expression: str, lang: str | None,
              limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang")
    found = session.execute(
        text("SELECT s.row_id, v.lang, highlight(sentence_fts, 0, char(2), char(3)), "
             "sentence_fts.rank "
             "FROM sentence_fts JOIN sentence s ON s.id = sentence_fts.rowid "
             "JOIN version v ON v.id = s.version_id "
             f"WHERE sentence_fts MATCH :expression AND s.row_id IS NOT NULL AND {where} "
             "ORDER BY sentence_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    rows = row_cells(session, [row_id for row_id, *_ in found])
    return [
        ConcordanceHit(
            lang=sentence_lang,
            parts=split_marks(marked),
            counterparts=tuple((other, " ".join(cell)) for other, cell
                               in rows[row_id].cells.items() if cell and other != sentence_lang),
            origin=rows[row_id].origin,
            rank=rank,
        )
        for row_id, sentence_lang, marked, rank in found
    ]
