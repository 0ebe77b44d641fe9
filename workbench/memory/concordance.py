"""Concordance: every segment of the memory holding the words a translator typed, with the
match picked out, its counterparts in the other languages, and where it came from.

SQLite's FTS5 ranks by bm25 and picks out the match itself (``highlight()``). On PostgreSQL
the shortest segments holding the words come first (bm25 too prefers them; ``ts_rank``
would parse every matching segment again, ten times slower on a common word), and the
match is picked out here, word by word, as FTS5 would (``highlighted``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from workbench.memory import MemoryQueryError
from workbench.memory.search import (
    HOLDS,
    WORD,
    Origin,
    folded,
    holds_substring,
    language_clause,
    match_expression,
    on_postgresql,
    require_index,
    room_to_search,
    row_cells,
    search_terms,
    ts_query,
    unit_origins,
    unit_variants,
    unspaced_terms,
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
    (``word*`` for a prefix), best first; when ``lang`` is given, only those in it: a
    bare language takes every region of it (``en``), a code with a region only that
    region (``en-GB``, not en-US)."""
    require_index(session)
    if not query.strip():
        raise MemoryQueryError(_("Type a word or a phrase to look for in the memory."))
    postgresql = on_postgresql(session)
    expression = ts_query(query) if postgresql else match_expression(query)
    if expression is None:  # only punctuation: nothing a segment could hold
        return Concordance(query, lang, [], more=False)
    unspaced = unspaced_terms(query)
    try:
        if unspaced:  # Chinese, Japanese: substrings, not the index's words
            room_to_search(session)
            hits = _substring_hits(session, unspaced, lang, limit + 1, postgresql)
        elif postgresql:
            room_to_search(session)
            terms = search_terms(query)
            hits = _imported_hits_postgresql(session, expression, terms, lang, limit + 1)
            hits += _set_hits_postgresql(session, expression, terms, lang, limit + 1)
        else:
            hits = _imported_hits(session, expression, lang, limit + 1)
            hits += _set_hits(session, expression, lang, limit + 1)
    except (OperationalError, ProgrammingError, DataError) as error:
        # a query match_expression or ts_query let through by mistake
        raise MemoryQueryError(_("The memory cannot search for '%(query)s'.",
                                 query=query)) from error
    hits.sort(key=lambda hit: hit.rank)
    return Concordance(query, lang, hits[:limit], more=len(hits) > limit)


def highlighted(segment: str, terms: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """``segment`` as (piece, is_match) parts, each run of words matching a term (a word,
    a phrase, a prefix) picked out, compared as the index compares them (``folded``)."""
    words = [(found.start(), found.end(), folded(found.group()))
             for found in WORD.finditer(segment)]
    spans: list[tuple[int, int]] = []
    for term, prefix in terms:
        wanted = WORD.findall(folded(term))
        if not wanted:
            continue
        for at in range(len(words) - len(wanted) + 1):
            window = words[at:at + len(wanted)]
            *whole, (_start, _end, last) = window
            if all(word == want for (_s, _e, word), want in zip(whole, wanted, strict=False)) \
                    and (last.startswith(wanted[-1]) if prefix else last == wanted[-1]):
                spans.append((window[0][0], window[-1][1]))
    return _marked(segment, spans)


def _marked(segment: str, spans: list[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    """``segment`` as (piece, is_match) parts, the (start, end) ``spans`` picked out (one
    overlapping another extends it)."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:  # overlaps the previous match: extend it
            if end > at:
                piece, _matched = parts.pop()
                parts.append((piece + segment[at:end], True))
                at = end
            continue
        parts.extend(part for part in ((segment[at:start], False), (segment[start:end], True))
                     if part[0])
        at = end
    if segment[at:]:
        parts.append((segment[at:], False))
    return tuple(parts)


def _imported_hits(session: Session, expression: str, lang: str | None,
                   limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, "
             "highlight(memory_variant_fts, 0, char(2), char(3)), memory_variant_fts.rank "
             "FROM memory_variant_fts JOIN memory_variant v ON v.id = memory_variant_fts.rowid "
             f"{READY_UNITS} WHERE memory_variant_fts MATCH :expression AND {where} "
             "ORDER BY memory_variant_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _unit_hits(session, found, split_marks)


def _set_hits(session: Session, expression: str, lang: str | None,
              limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT s.row_id, v.lang, highlight(sentence_fts, 0, char(2), char(3)), "
             "sentence_fts.rank "
             "FROM sentence_fts JOIN sentence s ON s.id = sentence_fts.rowid "
             "JOIN version v ON v.id = s.version_id "
             f"WHERE sentence_fts MATCH :expression AND s.row_id IS NOT NULL AND {where} "
             "ORDER BY sentence_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _row_hits(session, found, split_marks)


def _imported_hits_postgresql(session: Session, expression: str,
                              terms: list[tuple[str, bool]], lang: str | None,
                              limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, v.text, length(v.text) AS rank "
             f"FROM memory_variant v {READY_UNITS} "
             f"WHERE {HOLDS.format(column='v.text')} AND {where} "
             "ORDER BY rank, v.id LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _unit_hits(session, found, lambda found_text: highlighted(found_text, terms))


def _substring_hits(session: Session, terms: list[str], lang: str | None, limit: int,
                    postgresql: bool) -> list[ConcordanceHit]:
    """The segments holding every term as a substring (a script written without spaces),
    the shortest first, as on PostgreSQL; imported files' and sets' alike."""
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    units, unit_params = holds_substring("v.text", terms, postgresql)
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, v.text, length(v.text) AS rank "
             f"FROM memory_variant v {READY_UNITS} WHERE {units} AND {where} "
             "ORDER BY rank, v.id LIMIT :limit"),
        {"limit": limit, **params, **unit_params}).all()
    sentences, sentence_params = holds_substring("s.text", terms, postgresql)
    in_sets = session.execute(
        text("SELECT s.row_id, v.lang, s.text, length(s.text) AS rank "
             "FROM sentence s JOIN version v ON v.id = s.version_id "
             f"WHERE {sentences} AND s.row_id IS NOT NULL AND {where} "
             "ORDER BY rank, s.id LIMIT :limit"),
        {"limit": limit, **params, **sentence_params}).all()
    def marked(found_text: str) -> tuple[tuple[str, bool], ...]:
        return substring_parts(found_text, terms)

    return _unit_hits(session, found, marked) + _row_hits(session, in_sets, marked)


def substring_parts(segment: str, terms: list[str]) -> tuple[tuple[str, bool], ...]:
    """``segment`` as (piece, is_match) parts, every occurrence of a term picked out."""
    return _marked(segment, [(m.start(), m.end()) for term in terms if term
                             for m in re.finditer(re.escape(term), segment, re.IGNORECASE)])


def _unit_hits(session: Session, found: Sequence[Any],
               parts: Callable[[str], tuple[tuple[str, bool], ...]]) -> list[ConcordanceHit]:
    """Hits from rows (variant id, unit id, lang, text as found, rank), each with the
    other variants of its unit and its origin; ``parts`` marks what matched in the text."""
    units = [unit_id for _, unit_id, *_ in found]
    variants = unit_variants(session, units)
    origins = unit_origins(session, units)
    return [
        ConcordanceHit(
            lang=variant_lang,
            parts=parts(found_text),
            counterparts=tuple((other_lang, other) for other_id, other_lang, other
                               in variants[unit_id] if other_id != variant_id),
            origin=origins[unit_id],
            rank=rank,
        )
        for variant_id, unit_id, variant_lang, found_text, rank in found
    ]


def _set_hits_postgresql(session: Session, expression: str, terms: list[tuple[str, bool]],
                         lang: str | None, limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT s.row_id, v.lang, s.text, length(s.text) AS rank "
             "FROM sentence s JOIN version v ON v.id = s.version_id "
             f"WHERE {HOLDS.format(column='s.text')} AND s.row_id IS NOT NULL AND {where} "
             "ORDER BY rank, s.id LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _row_hits(session, found, lambda found_text: highlighted(found_text, terms))


def _row_hits(session: Session, found: Sequence[Any],
              parts: Callable[[str], tuple[tuple[str, bool], ...]]) -> list[ConcordanceHit]:
    """Hits from rows (row id, lang, sentence as found, rank), each with the other cells of
    its aligned row and its set; ``parts`` marks what matched in the sentence."""
    rows = row_cells(session, [row_id for row_id, *_ in found])
    return [
        ConcordanceHit(
            lang=sentence_lang,
            parts=parts(found_text),
            counterparts=tuple((other, " ".join(cell)) for other, cell
                               in rows[row_id].cells.items() if cell and other != sentence_lang),
            origin=rows[row_id].origin,
            rank=rank,
        )
        for row_id, sentence_lang, found_text, rank in found
    ]
