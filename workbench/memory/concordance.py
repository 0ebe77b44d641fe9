"""Concordance: every segment of the memory holding the words a translator typed, with the
match picked out, its counterparts in the other languages, and where it came from.

SQLite's FTS5 ranks by bm25. On PostgreSQL the shortest segments holding the words come
first (bm25 too prefers them; ``ts_rank`` would parse every matching segment again, ten
times slower on a common word). Either way the match is picked out here, word by word, in
the text as stored (``highlighted``): the indexes hold its ``search_form`` (ё as е, Arabic
without harakat), whose words FTS5's ``highlight()`` would place wrongly in the stored
text."""

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
    PASSED_OVER,
    WORD,
    Origin,
    folded,
    holds,
    holds_substring,
    language_clause,
    match_expression,
    on_postgresql,
    require_index,
    room_to_search,
    row_cells,
    search_form,
    search_terms,
    ts_query,
    unit_origins,
    unit_variants,
    unspaced_terms,
)
from workbench.memory.store import READY_UNITS

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
            terms = search_terms(query)
            hits = _imported_hits(session, expression, terms, lang, limit + 1)
            hits += _set_hits(session, expression, terms, lang, limit + 1)
    except (OperationalError, ProgrammingError, DataError) as error:
        # a query match_expression or ts_query let through by mistake
        raise MemoryQueryError(_("The memory cannot search for '%(query)s'.",
                                 query=query)) from error
    hits.sort(key=lambda hit: hit.rank)
    return Concordance(query, lang, hits[:limit], more=len(hits) > limit)


def highlighted(segment: str, terms: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """``segment`` as (piece, is_match) parts, each run of words matching a term (a word,
    a phrase, a prefix) picked out, compared as the index compares them (``folded``).

    The words are those of the segment's ``search_form`` (an Arabic word with its harakat
    is one word there), each picked out in the segment as stored, marks and all."""
    view, where = _search_view(segment)
    whole = folded(view)
    if len(whole) == len(view):  # folded letter for letter (nearly always): in one go
        words = [(where[found.start()], where[found.end() - 1] + 1, found.group())
                 for found in WORD.finditer(whole)]
    else:
        words = [(where[found.start()], where[found.end() - 1] + 1, folded(found.group()))
                 for found in WORD.finditer(view)]
    spans: list[tuple[int, int]] = []
    for term, prefix in terms:
        wanted = WORD.findall(folded(term))
        if not wanted:
            continue
        *leading, final = wanted
        size = len(wanted)
        for at in range(len(words) - size + 1):
            # (a hot loop: every hit's every word, for every term)
            last = words[at + size - 1][2]
            if not (last.startswith(final) if prefix else last == final):
                continue
            if leading and any(words[at + n][2] != want for n, want in enumerate(leading)):
                continue
            end = words[at + size - 1][1]
            while end < len(segment) and segment[end] in PASSED_OVER:
                end += 1  # the last letter's own vowel mark goes with it
            spans.append((words[at][0], end))
    return _marked(segment, spans)


def _search_view(segment: str) -> tuple[str, list[int]]:
    """``segment``'s ``search_form``, and for each of its characters the place in
    ``segment`` it comes from."""
    view = search_form(segment)
    if len(view) == len(segment):  # at most a letter for a letter (ё -> е)
        return view, list(range(len(segment)))
    where = [n for n, ch in enumerate(segment) if ch not in PASSED_OVER]
    return view, where


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


def _imported_hits(session: Session, expression: str, terms: list[tuple[str, bool]],
                   lang: str | None, limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, v.text, memory_variant_fts.rank "
             "FROM memory_variant_fts JOIN memory_variant v ON v.id = memory_variant_fts.rowid "
             f"{READY_UNITS} WHERE memory_variant_fts MATCH :expression AND {where} "
             "ORDER BY memory_variant_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _unit_hits(session, found, lambda found_text: highlighted(found_text, terms))


def _set_hits(session: Session, expression: str, terms: list[tuple[str, bool]],
              lang: str | None, limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT s.row_id, v.lang, s.text, sentence_fts.rank "
             "FROM sentence_fts JOIN sentence s ON s.id = sentence_fts.rowid "
             "JOIN version v ON v.id = s.version_id "
             f"WHERE sentence_fts MATCH :expression AND s.row_id IS NOT NULL AND {where} "
             "ORDER BY sentence_fts.rank LIMIT :limit"),
        {"expression": expression, "limit": limit, **params},
    ).all()
    return _row_hits(session, found, lambda found_text: highlighted(found_text, terms))


def _imported_hits_postgresql(session: Session, expression: str,
                              terms: list[tuple[str, bool]], lang: str | None,
                              limit: int) -> list[ConcordanceHit]:
    where, params = language_clause("v.lang", lang, "lang", regional=True)
    found = session.execute(
        text("SELECT v.id, v.unit_id, v.lang, v.text, length(v.text) AS rank "
             f"FROM memory_variant v {READY_UNITS} "
             f"WHERE {holds('v.text')} AND {where} "
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
             f"WHERE {holds('s.text')} AND s.row_id IS NOT NULL AND {where} "
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
