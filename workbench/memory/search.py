"""What concordance and fuzzy lookup share: turning what a translator typed into a safe
full-text query, the language filter, and where a segment came from with its counterparts.

On SQLite the FTS5 tables (migration 0003) index the imported variants
(``memory_variant_fts``) and the sets' sentences (``sentence_fts``); both use the unicode61
tokenizer without diacritics. On PostgreSQL the GIN indexes of migration 0007 do the same
with the ``simple_unaccent`` text search configuration, and trigram indexes (pg_trgm) find
the candidates of a fuzzy lookup. Either way ``cafe`` finds ``Café``, but words are not
stemmed: ``министр`` does not find ``министра`` unless the translator types the prefix
``министр*``.

Both indexes hold each text in its ``search_form`` (migration 0014): ``ё`` as ``е`` (Russian
writes ``ёлка`` or ``елка`` for one word) and Arabic without its short-vowel marks and
tatweel (``كَتَبَ`` is ``كتب``); what the translator types is folded the same way. The text
stored and shown is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from workbench.memory import MemoryQueryError

# A quoted phrase (its closing quote may be missing) or a run of non-space characters.
TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
SEARCHABLE = re.compile(r"[^\W_]")
WORD = re.compile(r"[^\W_]+")
LANG_CODE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")
MOST_WORDS = 64
RAREST = 8
SEARCH_WORK_MEM = "32MB"
# PostgreSQL: a segment's ``{column}`` holds the tsquery ``:expression`` (the index of
# migrations 0007 and 0014: the expression must be the index's, constants and all)
HOLDS = ("to_tsvector('simple_unaccent', {folded}) @@ "
         "to_tsquery('simple_unaccent', :expression)")


def holds(column: str) -> str:
    """PostgreSQL: the condition that ``column`` holds the tsquery ``:expression``."""
    return HOLDS.format(folded=search_form_sql(column, postgresql=True))


# What a search passes over, as readers do: ё is written е as often as not, and Arabic is
# written with or without its short vowels and shadda (harakat, U+064B-U+0652), the
# superscript alef (U+0670) and the tatweel that stretches a word (U+0640).
SAME_LETTERS = {"ё": "е", "Ё": "Е"}
PASSED_OVER = "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
_SEARCH_FORM = str.maketrans({**SAME_LETTERS, **dict.fromkeys(PASSED_OVER)})
_FOLDABLE = re.compile(f"[{''.join(SAME_LETTERS)}{PASSED_OVER}]")


def search_form(text: str) -> str:
    """``text`` as the full-text indexes hold it (before their own lower-casing and
    accents): ``ё`` as ``е``, Arabic without harakat and tatweel. Stored text is never
    changed; only the indexes and what is looked up in them are."""
    return text.translate(_SEARCH_FORM) if _FOLDABLE.search(text) else text


def search_form_sql(column: str, postgresql: bool = False) -> str:
    """The SQL of ``search_form(column)``: what the indexes hold (migration 0014 keeps a
    copy; the two must agree, or an index misses what its triggers put in)."""
    if postgresql:  # translate() drops what has no counterpart
        return (f"translate({column}, '{''.join(SAME_LETTERS)}{PASSED_OVER}', "
                f"'{''.join(SAME_LETTERS.values())}')")
    # SQLite has no translate(): replace() for each. Most texts need none, and are let
    # through by two quick searches: the marks (U+0640-U+0670) are all written in UTF-8
    # with the lead byte D9, which no text outside that part of Arabic holds; ё and Ё are
    # looked for as they are. (GLOB with a set of characters took five times longer.)
    yo = column
    for letter, same in SAME_LETTERS.items():
        yo = f"replace({yo}, '{letter}', '{same}')"
    every = yo
    for mark in PASSED_OVER:
        every = f"replace({every}, '{mark}', '')"
    has_yo = " OR ".join(f"instr({column}, '{letter}')" for letter in SAME_LETTERS)
    return (f"CASE WHEN instr(CAST({column} AS BLOB), x'd9') THEN {every} "
            f"WHEN {has_yo} THEN {yo} ELSE {column} END")


def search_terms(query: str) -> list[tuple[str, bool]]:
    """The words and "quoted phrases" of ``query`` that hold something to search for, each
    with whether it ends in ``*`` (a prefix); at most ``MOST_WORDS`` of them."""
    terms: list[tuple[str, bool]] = []
    for phrase, word in TERM.findall(query):
        if len(terms) == MOST_WORDS:  # a pasted page is not a search
            break
        term = phrase or word
        prefix = term.endswith("*")
        term = term.rstrip("*").strip()
        if SEARCHABLE.search(term):
            terms.append((term, prefix))
    return terms


def match_expression(query: str) -> str | None:
    """The FTS5 expression in which every word or "quoted phrase" of ``query`` must occur,
    a trailing ``*`` asking for a prefix; None when ``query`` has nothing to search for.

    Each term goes in double quotes (a ``"`` inside doubled), so ``NEAR(``, ``AND``, ``-``,
    ``:`` or a stray ``*`` are words to find, never FTS5 syntax.
    """
    return " ".join('"' + search_form(term).replace('"', '""') + '"' + (" *" if prefix else "")
                    for term, prefix in search_terms(query)) or None


def ts_query(query: str) -> str | None:
    """The PostgreSQL ``tsquery`` text with the same meaning as ``match_expression``: every
    term must occur, the words of a term one after the other (``<->``), ``:*`` for a prefix.

    Only runs of letters and digits reach it, each in single quotes, so nothing the
    translator types is tsquery syntax.
    """
    parts = []
    for term, prefix in search_terms(query):
        words = [f"'{word}'" for word in WORD.findall(folded(term))]
        if not words:
            continue
        if prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts) or None


# Chinese and Japanese are written without spaces: the full-text index holds a whole run of
# such characters as one word, so what a translator types in them is looked for as a
# substring (LIKE: a scan on SQLite, pg_trgm's index on PostgreSQL).
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def unspaced_terms(query: str) -> list[str]:
    """The terms of ``query`` when one of them is in a script written without spaces
    (every term then looked for as a substring), else none."""
    terms = [term for term, _prefix in search_terms(query)]
    return terms if any(UNSPACED.search(term) for term in terms) else []


def holds_substring(column: str, terms: list[str], postgresql: bool, *, every: bool = True,
                    name: str = "part") -> tuple[str, dict[str, str]]:
    """An SQL condition: ``column`` holds every one of ``terms`` (``every=False``: one at
    least) as a substring, case aside; and its parameters (``%`` and ``_`` in a term are
    themselves)."""
    like = "ILIKE" if postgresql else "LIKE"
    params = {f"{name}{n}": "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"
              for n, term in enumerate(terms)}
    conditions = [f"{column} {like} :{key} ESCAPE '\\'" for key in params]
    return "(" + (" AND " if every else " OR ").join(conditions or ["1 = 0"]) + ")", params


def on_postgresql(session: Session) -> bool:
    """Whether ``session`` works on PostgreSQL (else SQLite: ``require_index`` said so)."""
    return session.get_bind().dialect.name == "postgresql"


def any_word_expression(words: list[str], postgresql: bool = False) -> str | None:
    """The FTS5 expression (with ``postgresql``, the tsquery text) matching a segment that
    holds any of ``words``."""
    kept = [word for word in words if WORD.fullmatch(word)]
    if postgresql:
        return " | ".join(f"'{word}'" for word in kept) or None
    return " OR ".join(f'"{word}"' for word in kept) or None


@lru_cache(maxsize=65_536)  # a concordance page folds the same few hundred words
def folded(word: str) -> str:
    """``word`` as the index holds it: in its ``search_form``, lower case, Latin letters
    without diacritics (``Prêt`` -> ``pret``, ``Ёлка`` -> ``елка``); other scripts'
    letters keep theirs, as both indexes keep them (``й`` is not ``и``)."""
    lowered = search_form(word).lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    if decomposed == lowered and unicodedata.is_normalized("NFC", lowered):
        return lowered  # no letter with an accent, composed or not (most text)
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and _latin(kept[-1][-1]):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


@lru_cache(maxsize=4096)
def _latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


def rarer_words(session: Session, table: str, sentence: str, most: int = RAREST) -> list[str]:
    """The words of ``sentence`` that the fewest segments of ``table`` (``memory_variant`` or
    ``sentence``) hold: the ``most`` rarest of those the index counts, after any it does not.

    Looking up by these rather than by every word keeps "the", "и" or "de" from making
    every segment of a large memory a candidate. SQLite's counts are exact (the fts5vocab
    table beside the index), and a word it does not count is in no segment; PostgreSQL's are
    the share of segments holding each of the commonest words, as its statistics
    (``ANALYZE``, which autovacuum runs) last found them, and the others come first.
    """
    words = list(dict.fromkeys(folded(w) for w in WORD.findall(search_form(sentence))
                               ))[:MOST_WORDS]
    if not words:
        return []
    held: dict[str, float]
    if on_postgresql(session):
        found = session.execute(
            text("SELECT most_common_elems::text::text[], most_common_elem_freqs "
                 "FROM pg_stats WHERE schemaname = current_schema() AND tablename = :index"),
            {"index": f"ix_{table}_text_search"}).first()
        common = dict(zip(*found, strict=False)) if found and found[0] else {}
        held = {word: common[word] for word in words if word in common}
    else:
        held = {term: doc for term, doc in session.execute(
            text(f"SELECT term, doc FROM {table}_vocab WHERE term IN :words")
            .bindparams(bindparam("words", expanding=True)), {"words": words},
        )}
    known = sorted((w for w in words if w in held), key=held.__getitem__)
    unknown = [w for w in words if w not in held]
    if on_postgresql(session):  # not among the commonest is not absent: no more than ``most``
        return (unknown + known)[:most]
    return unknown + known[:most]


def base_lang(lang: str) -> str:
    """The language of a code, without script or region: ``ru-RU`` -> ``ru``.

    Raises ``MemoryQueryError`` for something that is not a language code.
    """
    if not LANG_CODE.fullmatch(lang):
        raise MemoryQueryError(_("'%(lang)s' is not a language code such as ru or en-GB.",
                                 lang=lang))
    return lang.replace("_", "-").split("-")[0].lower()


def same_language(lang: str, wanted: str) -> bool:
    """Whether ``lang`` is in the language ``wanted`` (any region: en-US is English)."""
    return lang.replace("_", "-").split("-")[0].lower() == base_lang(wanted)


def language_clause(column: str, lang: str | None, name: str, *,
                    regional: bool = False) -> tuple[str, dict[str, str]]:
    """An SQL condition keeping ``column`` in ``lang``'s language (any region), and its
    parameters; always true when ``lang`` is None. ``column`` and ``name`` are the caller's
    constants; what the user typed goes only into the parameters.

    With ``regional``, as a translator filters a concordance: a code with a region or a
    script keeps to it and to what narrows it further (``en-GB``: en-GB, en-GB-oxendict;
    not en-US), and a bare language still takes all its regions (``en``: en, en-GB,
    en-US), as RFC 4647 filters language ranges. (A fuzzy lookup takes any region, and
    ranks the one asked for first.)"""
    if not lang:
        return "1 = 1", {}
    wanted = base_lang(lang)
    if regional:
        wanted = lang.replace("_", "-").lower()
    return (f"(lower({column}) = :{name} OR lower({column}) LIKE :{name}_region)",
            {name: wanted, f"{name}_region": wanted + "-%"})


def room_to_search(session: Session) -> None:
    """On PostgreSQL, give this transaction's searches the memory to hold every match of a
    common word exactly: with the default 4 MB the match list goes lossy and each segment
    on a lossy page is parsed again (a word in 700,000 of 5,000,000 variants: 60 s, not 2)."""
    if on_postgresql(session):
        session.execute(text(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'"))


def require_index(session: Session) -> None:
    """Raise ``MemoryQueryError`` unless the database has full-text indexes the memory
    knows: SQLite's FTS5 tables or PostgreSQL's (migration 0007)."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise MemoryQueryError(_(
            "Searching the memory needs SQLite or PostgreSQL; this database is "
            "%(database)s. Import works; search does not.", database=dialect), status=501)


@dataclass(frozen=True)
class Origin:
    """Where a memory segment comes from: an imported TMX file, or a row of a document set."""

    kind: str  # "tmx" or "set"
    id: int  # the imported file's id, or the set's
    name: str  # the file name, or the set's name
    row_id: int | None = None
    row_number: int | None = None  # the row's place in the set, counted from 1
    unit_number: int | None = None  # the unit's place in the TMX file (its n-th <tu>)

    def label(self) -> str:
        """The origin as a translator reads it."""
        if self.kind == "tmx":
            return f"{self.name}, unit {self.unit_number}"
        name = self.name if len(self.name) <= 60 else self.name[:59] + "…"
        return f"set {self.id} «{name}», row {self.row_number}"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind, "id": self.id, "name": self.name}
        if self.kind == "set":
            data.update(row=self.row_id, row_number=self.row_number)
        else:
            data.update(unit_number=self.unit_number)
        return data


def unit_variants(session: Session, unit_ids: Iterable[int]
                  ) -> dict[int, list[tuple[int, str, str]]]:
    """The variants (id, lang, text) of each imported unit, in file order."""
    found: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    ids = sorted(set(unit_ids))
    if ids:
        for unit_id, variant_id, lang, variant_text in session.execute(
            text("SELECT unit_id, id, lang, text FROM memory_variant "
                 "WHERE unit_id IN :ids ORDER BY unit_id, id")
            .bindparams(bindparam("ids", expanding=True)), {"ids": ids},
        ):
            found[unit_id].append((variant_id, lang, variant_text))
    return found


def unit_origins(session: Session, unit_ids: Iterable[int]) -> dict[int, Origin]:
    """The imported file each unit came from."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    return {
        unit_id: Origin("tmx", origin_id, file_name, unit_number=position)
        for unit_id, origin_id, file_name, position in session.execute(
            text("SELECT u.id, o.id, o.file_name, u.position FROM memory_unit u "
                 "JOIN memory_origin o ON o.id = u.origin_id WHERE u.id IN :ids")
            .bindparams(bindparam("ids", expanding=True)), {"ids": ids},
        )
    }


@dataclass
class RowCells:
    """A set's row as the memory sees it: where it is, and its text per language."""

    origin: Origin
    cells: dict[str, list[str]]

    def text(self, lang: str) -> str:
        return " ".join(self.cells.get(lang, []))

    def lang_like(self, wanted: str) -> str | None:
        """The row's first language in ``wanted``'s language, if it has text in one."""
        return next((lang for lang, cell in self.cells.items()
                     if cell and same_language(lang, wanted)), None)


def row_cells(session: Session, row_ids: Iterable[int]) -> dict[int, RowCells]:
    """Each row's origin and its sentences per language, in the set's language order."""
    ids = sorted(set(row_ids))
    if not ids:
        return {}
    rows: dict[int, RowCells] = {}
    for row_id, set_id, set_name, position, lang, sentence in session.execute(
        text("SELECT r.id, d.id, d.name, r.position, v.lang, s.text FROM \"row\" r "
             "JOIN document_set d ON d.id = r.set_id "
             "JOIN version v ON v.set_id = r.set_id "
             "LEFT JOIN sentence s ON s.row_id = r.id AND s.version_id = v.id "
             "WHERE r.id IN :ids ORDER BY r.id, v.position, s.position")
        .bindparams(bindparam("ids", expanding=True)), {"ids": ids},
    ):
        if row_id not in rows:
            rows[row_id] = RowCells(Origin("set", set_id, set_name, row_id, position + 1), {})
        cell = rows[row_id].cells.setdefault(lang, [])
        if sentence is not None:
            cell.append(sentence)
    return rows
