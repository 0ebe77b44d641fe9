"""Fuzzy-match lookup, as a CAT tool does it: the memory's segments most like a source
sentence, each with its percentage and its translation in the target language.

The full-text index finds the candidates, so the lookup stays fast on a large memory: the
segments holding one of the sentence's rarer words, best first: by FTS5's rank on SQLite,
by pg_trgm's similarity (shared trigrams) on PostgreSQL, over at most ``TRIGRAM_POOL`` of
them. rapidfuzz scores them, the same way on both. (pg_trgm's own index would find them
without the words, but it reads every segment sharing a trigram as common as " th":
seconds on a large memory.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from flask_babel import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from sqlalchemy import text
from sqlalchemy.orm import Session

from workbench.memory import MemoryQueryError
from workbench.memory.search import (
    UNSPACED,
    Origin,
    any_word_expression,
    base_lang,
    holds,
    holds_substring,
    language_clause,
    on_postgresql,
    rarer_words,
    require_index,
    room_to_search,
    row_cells,
    same_language,
    search_form,
    unit_origins,
    unit_variants,
)
from workbench.memory.store import READY_UNITS

DEFAULT_MINIMUM = 70
DEFAULT_LIMIT = 10
CANDIDATES = 200  # per kind of origin: enough for the best matches to be among them
# PostgreSQL: the segments holding a rarer word that pg_trgm's similarity orders, at most
# (a word common in the whole memory would have it compare tens of thousands: seconds)
TRIGRAM_POOL = 5000


@dataclass(frozen=True)
class FuzzyMatch:
    """A memory segment like the looked-up sentence, its translation and its percentage."""

    score: int  # 100: the same text; less: how much of it is the same
    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: Origin

    def as_json(self) -> dict[str, object]:
        return {"score": self.score, "source": self.source, "target": self.target,
                "source_lang": self.source_lang, "target_lang": self.target_lang,
                "origin": self.origin.as_json()}


def similarity(sentence: str, segment: str) -> int:
    """The fuzzy-match percentage of ``segment`` for ``sentence``: 100 only for the same
    text (spacing aside); otherwise the edit-distance similarity of the two, lower-cased,
    with punctuation set aside and in their ``search_form`` (ёлка and елка, an Arabic word
    with or without its harakat, count as the same letters), at most 99: a difference of
    case, punctuation, ё or harakat never shows as an exact match."""
    # the same text whether its accents are one character or two (NFC and NFD: macOS tools
    # write the second)
    sentence = unicodedata.normalize("NFC", sentence)
    segment = unicodedata.normalize("NFC", segment)
    if " ".join(segment.split()) == " ".join(sentence.split()):
        return 100
    return min(99, int(fuzz.ratio(search_form(sentence), search_form(segment),
                                  processor=default_process)))


def fuzzy_matches(session: Session, sentence: str, source: str, target: str, *,
                  minimum: int = DEFAULT_MINIMUM, limit: int = DEFAULT_LIMIT
                  ) -> list[FuzzyMatch]:
    """The memory's best matches for ``sentence`` (in ``source``'s language) that have a
    translation in ``target``'s language, at least ``minimum`` percent, best first.

    "Best" puts the region (or script) asked for first: every match translated in it (the
    same code, or the same region or script: zh-Hant for zh-TW) comes before any translated
    in another region of the language, whatever their percentages: a 100% match in pt-BR
    comes after an 82% one in pt-PT when pt-PT is asked for. The percentage says how like
    the source text is, not how much of the translation serves: one in another region needs
    its spelling and words (pt-BR "ônibus", pt-PT "autocarro") checked throughout, and the
    translator named the region. The others are still given, after, as a CAT tool's
    lower-ranked matches; asking for the bare language (pt) ranks all its regions alike."""
    require_index(session)
    sentence = " ".join(sentence.split())
    if not sentence:
        raise MemoryQueryError(_("Type the source sentence to look up."))
    if base_lang(source) == base_lang(target):
        raise MemoryQueryError(_("The source and target languages must differ (%(source)s and "
                                 "%(target)s are one language).", source=source, target=target))
    if not 0 <= minimum <= 100:
        raise MemoryQueryError(_("The lowest match must be a percentage from 0 to 100, not "
                                 "%(minimum)s.", minimum=minimum))
    # Candidates come scored 0; each is scored against the sentence here.
    room_to_search(session)
    candidates = _imported(session, sentence, source, target)
    candidates += _from_sets(session, sentence, source, target)
    best: dict[tuple[str, str], FuzzyMatch] = {}
    for candidate in candidates:
        score = similarity(sentence, candidate.source)
        key = (candidate.source, candidate.target)
        if score >= minimum and (key not in best or best[key].score < score):
            best[key] = replace(candidate, score=score)
    # The region asked for first; then by score; among equal scores, imported files (a
    # translator's finished work) come before sets.
    ranked = sorted(best.values(), key=lambda m: (_nearness(m.target_lang, target) < 2,
                                                  -m.score, m.origin.kind != "tmx"))
    return ranked[:limit]


def _pieces(sentence: str, most: int = 6) -> list[str]:
    """For a sentence in a script written without spaces (Chinese, Japanese): pairs of
    neighbouring characters, ``most`` of them spread over it (a word is one or two
    characters; the full-text index holds a whole run as one word, so it cannot find them).
    None for a sentence written with spaces."""
    runs = re.findall(f"{UNSPACED.pattern}+", sentence)
    pairs = list(dict.fromkeys(run[k:k + 2] for run in runs for k in range(len(run) - 1)))
    pairs = pairs or list(dict.fromkeys(char for run in runs for char in run))
    return pairs[::max(1, len(pairs) // most)][:most]


def _by_pieces(column: str, pieces: list[str], postgresql: bool) -> tuple[str, str, dict[str, str]]:
    """The condition (one piece at least) and the order (most pieces first) that find the
    candidates of a sentence written without spaces, and their parameters."""
    where, params = holds_substring(column, pieces, postgresql, every=False, name="piece")
    like = "ILIKE" if postgresql else "LIKE"
    order = " + ".join(f"(CASE WHEN {column} {like} :{key} ESCAPE '\\' THEN 1 ELSE 0 END)"
                       for key in params)
    return where, order, params


def _imported(session: Session, sentence: str, source: str, target: str
              ) -> list[FuzzyMatch]:
    postgresql = on_postgresql(session)
    where, params = language_clause("v.lang", source, "source")
    if pieces := _pieces(sentence):
        held, order, piece_params = _by_pieces("v.text", pieces, postgresql)
        query = text(f"SELECT v.unit_id FROM memory_variant v {READY_UNITS} "
                     f"WHERE {held} AND {where} ORDER BY {order} DESC, v.id LIMIT :limit")
        return _unit_candidates(session, list(dict.fromkeys(session.scalars(query, {
            "limit": CANDIDATES, **params, **piece_params}))), source, target)
    expression = any_word_expression(rarer_words(session, "memory_variant", sentence),
                                     postgresql)
    if expression is None:
        return []
    if postgresql:
        query = text("SELECT pool.unit_id FROM ("
                     f"SELECT v.unit_id, v.text, v.id FROM memory_variant v {READY_UNITS} "
                     f"WHERE {holds('v.text')} AND {where} LIMIT :pool) pool "
                     "ORDER BY similarity(pool.text, :sentence) DESC, pool.id LIMIT :limit")
    else:
        query = text("SELECT v.unit_id FROM memory_variant_fts "
                     "JOIN memory_variant v ON v.id = memory_variant_fts.rowid "
                     f"{READY_UNITS} WHERE memory_variant_fts MATCH :expression AND {where} "
                     "ORDER BY memory_variant_fts.rank LIMIT :limit")
    units = list(dict.fromkeys(session.scalars(query, {
        "expression": expression, "sentence": sentence, "limit": CANDIDATES,
        "pool": TRIGRAM_POOL, **params})))
    return _unit_candidates(session, units, source, target)


def _unit_candidates(session: Session, units: list[int], source: str, target: str
                     ) -> list[FuzzyMatch]:
    """The units' source and target variants as candidates (scored later)."""
    variants = unit_variants(session, units)
    origins = unit_origins(session, units)
    candidates = []
    for unit_id in units:
        sources = _closest([(lang, t) for _, lang, t in variants[unit_id]
                            if same_language(lang, source)], source)
        targets = _closest([(lang, t) for _, lang, t in variants[unit_id]
                            if same_language(lang, target)], target)
        if sources and targets:
            candidates.append(FuzzyMatch(0, sources[0][1], targets[0][1], sources[0][0],
                                         targets[0][0], origins[unit_id]))
    return candidates


# Chinese regions and the script written there, for a code that names one and not the other
_SCRIPT_OF_REGION = {"zh": {"TW": "hant", "HK": "hant", "MO": "hant", "CN": "hans",
                            "SG": "hans"}}


def _parts(code: str) -> tuple[str, str, str]:
    """A code's language, script (from its region when it names none) and region."""
    language, *subtags = code.replace("_", "-").split("-")
    script = next((t.lower() for t in subtags if len(t) == 4 and t.isalpha()), "")
    region = next((t.upper() for t in subtags if len(t) in (2, 3)
                   and (t.isalpha() or t.isdigit())), "")
    language = language.lower()
    return language, script or _SCRIPT_OF_REGION.get(language, {}).get(region, ""), region


def _nearness(code: str, wanted: str) -> int:
    """How near a code of ``wanted``'s language is to it: 3 the same code, 2 the same region
    or script, 1 another region, 0 another script."""
    if code.casefold() == wanted.casefold():
        return 3
    (_, script, region), (_, want_script, want_region) = _parts(code), _parts(wanted)
    if script and want_script and script != want_script:
        return 0
    if (region and region == want_region) or (script and script == want_script):
        return 2
    return 1


def _closest(variants: list[tuple[str, str]], wanted: str) -> list[tuple[str, str]]:
    """``variants`` (language, text) of ``wanted``'s language, the nearest to the code
    asked for first: the same code; the same script or region; another region. One in
    another script is left out (zh-CN is no answer for zh-TW or zh-Hant)."""
    ranked = sorted(((_nearness(lang, wanted), n) for n, (lang, _) in enumerate(variants)),
                    key=lambda pair: (-pair[0], pair[1]))
    return [variants[n] for near, n in ranked if near]


def _from_sets(session: Session, sentence: str, source: str, target: str
               ) -> list[FuzzyMatch]:
    postgresql = on_postgresql(session)
    where, params = language_clause("v.lang", source, "source")
    if pieces := _pieces(sentence):
        held, order, piece_params = _by_pieces("s.text", pieces, postgresql)
        query = text("SELECT s.row_id FROM sentence s JOIN version v ON v.id = s.version_id "
                     f"WHERE {held} AND s.row_id IS NOT NULL AND {where} "
                     f"ORDER BY {order} DESC, s.id LIMIT :limit")
        return _row_candidates(session, list(dict.fromkeys(session.scalars(query, {
            "limit": CANDIDATES, **params, **piece_params}))), source, target)
    expression = any_word_expression(rarer_words(session, "sentence", sentence), postgresql)
    if expression is None:
        return []
    if postgresql:
        query = text("SELECT pool.row_id FROM ("
                     "SELECT s.row_id, s.text, s.id FROM sentence s "
                     "JOIN version v ON v.id = s.version_id "
                     f"WHERE {holds('s.text')} AND s.row_id IS NOT NULL "
                     f"AND {where} LIMIT :pool) pool "
                     "ORDER BY similarity(pool.text, :sentence) DESC, pool.id LIMIT :limit")
    else:
        query = text("SELECT s.row_id FROM sentence_fts "
                     "JOIN sentence s ON s.id = sentence_fts.rowid "
                     "JOIN version v ON v.id = s.version_id "
                     f"WHERE sentence_fts MATCH :expression AND s.row_id IS NOT NULL AND {where} "
                     "ORDER BY sentence_fts.rank LIMIT :limit")
    row_ids = list(dict.fromkeys(session.scalars(query, {
        "expression": expression, "sentence": sentence, "limit": CANDIDATES,
        "pool": TRIGRAM_POOL, **params})))
    return _row_candidates(session, row_ids, source, target)


def _row_candidates(session: Session, row_ids: list[int], source: str, target: str
                    ) -> list[FuzzyMatch]:
    """The rows' source and target cells as candidates (scored later)."""
    rows = row_cells(session, row_ids)
    candidates = []
    for row_id in row_ids:
        row = rows[row_id]
        source_lang = row.lang_like(source)
        # the row's language nearest the target asked for (a set may hold pt-BR and pt-PT)
        targets = _closest([(lang, "") for lang, cell in row.cells.items()
                            if cell and same_language(lang, target)], target)
        target_lang = targets[0][0] if targets else None
        if source_lang and target_lang:
            candidates.append(FuzzyMatch(0, row.text(source_lang), row.text(target_lang),
                                         source_lang, target_lang, row.origin))
    return candidates
