"""Checks of rows against a termbase (QA as Xbench and memoQ do it, but inflection aware):
a deprecated term used; the preferred target term missing where the source term occurs.

One compiled pattern per term, indexed by the first letters of its first word, so a memory
of 100,000 rows takes seconds. Pure: terms in, issues out (``workbench.terminology.checks``
reads them from the database and keeps the results).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from alignments.terms.lang import Token, tokenize

INFLECTED = frozenset({"ru", "de"})  # matched by stem and a short ending


@dataclass(frozen=True, slots=True)
class Issue:
    """A row that breaks the termbase, with where (character span in the row's text)."""

    kind: str  # deprecated | missing-preferred
    set_id: int | str
    row_id: int
    lang: str
    start: int
    end: int
    text: str
    concept_id: int
    concept: str
    expected: str  # the preferred term in ``lang``
    row_number: int = 0  # the row's position in its set + 1, as the editor numbers it

    @property
    def key(self) -> str:
        """What identifies the issue (a false positive is kept by it): set, row, language,
        concept, kind and the term's text."""
        parts = [self.kind, str(self.set_id), str(self.row_id), self.lang,
                 str(self.concept_id), self.text.casefold()]
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]

    @property
    def message(self) -> str:
        """In English (the CLI); the interface words it in its own language."""
        if self.kind == "deprecated":
            return f"deprecated term '{self.text}' used; preferred: '{self.expected}'"
        return f"preferred term '{self.expected}' missing ({self.concept})"

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key, "kind": self.kind, "set": self.set_id, "row": self.row_id,
            "row_number": self.row_number, "lang": self.lang,
            "start": self.start, "end": self.end, "text": self.text,
            "concept_id": self.concept_id, "concept": self.concept,
            "expected": self.expected, "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class TermRecord:
    """A term of the termbase as the checker needs it."""

    concept_id: int
    concept: str
    lang: str
    text: str
    status: str


def term_pattern(text: str, lang: str) -> str:
    """A regular expression for a term and its inflections: 'Совет министров' matches
    'Совета министров'; English, French and Spanish terms only take a possessive."""
    return _pattern(text, tokenize(text, lang), lang)


def _pattern(text: str, tokens: Sequence[Token], lang: str) -> str:
    if not tokens:
        return re.escape(text)
    parts = []
    for n, token in enumerate(tokens):
        if n:
            gap = text[tokens[n - 1].end : token.start]
            parts.append(r"\s+" if gap.strip() == "" and gap else re.escape(gap))
        if lang in INFLECTED and not token.acronym and not token.function:
            parts.append(re.escape(token.stem) + r"\w{0,4}")
        else:
            parts.append(re.escape(token.text))
    suffix = "" if lang in INFLECTED else r"(?:['’]s)?"
    return r"(?<!\w)" + "".join(parts) + suffix + r"(?!\w)"


def _prefix(text: str, tokens: Sequence[Token], lang: str) -> str:
    """The index key of a term: the first letters of its first word as the text has it
    (of its stem where words inflect)."""
    if not tokens:
        return text[:PREFIX].lower()
    first = tokens[0]
    word = first.stem if lang in INFLECTED and not first.acronym else first.text
    return WORD.findall(word)[0][:PREFIX].lower() if WORD.findall(word) else word[:PREFIX]


WORD = re.compile(r"\w+")
PREFIX = 3  # letters of a term's first word that index it


class _Term:
    """A term of the index: its pattern is compiled the first time a row has a word with
    its prefix (most of a large termbase's terms never are)."""

    __slots__ = ("entry", "source", "compiled")

    def __init__(self, entry: TermRecord, source: str) -> None:
        self.entry = entry
        self.source = source
        self.compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        if self.compiled is None:
            self.compiled = re.compile(self.source, re.IGNORECASE)
        return self.compiled


class TermChecker:
    """The termbase compiled for checking rows: each term's pattern, indexed by the first
    letters of its first word, so a row costs one pass over its words."""

    def __init__(self, entries: Iterable[TermRecord]) -> None:
        self.preferred: dict[tuple[int, str], str] = {}
        self.index: dict[str, dict[str, list[_Term]]] = {}
        by_lang: dict[str, list[tuple[int, str, _Term]]] = defaultdict(list)
        for entry in entries:
            if entry.status == "preferred":
                self.preferred.setdefault((entry.concept_id, entry.lang), entry.text)
            tokens = tokenize(entry.text, entry.lang)
            term = _Term(entry, _pattern(entry.text, tokens, entry.lang))
            by_lang[entry.lang].append(
                (len(entry.text), _prefix(entry.text, tokens, entry.lang), term))
        for lang, items in by_lang.items():
            # Longest first: 'CSTO Council of Foreign Ministers' before its inner part.
            items.sort(key=lambda item: -item[0])
            index: dict[str, list[_Term]] = defaultdict(list)
            for _, prefix, term in items:
                index[prefix].append(term)
            self.index[lang] = dict(index)

    def matches(self, text: str, lang: str) -> list[tuple[re.Match[str], TermRecord]]:
        """The termbase's terms in a text, leftmost-longest, not overlapping."""
        index = self.index.get(lang)
        if not index or not text:
            return []
        found: list[tuple[re.Match[str], TermRecord]] = []
        end = -1
        for word in WORD.finditer(text):
            if word.start() < end:
                continue
            for term in index.get(word.group()[:PREFIX].lower(), ()):
                match = term.pattern.match(text, word.start())
                if match:
                    found.append((match, term.entry))
                    end = match.end()
                    break
        return found

    def check_row(
        self, set_id: int | str, row_id: int, texts: Mapping[str, str], source: str,
        row_number: int = 0,
    ) -> list[Issue]:
        """The issues of one row; ``source`` is the language the row was translated from.

        One issue per problem: a deprecated term used where the preferred one is missing
        is one issue (deprecated, naming the preferred term), not also a missing one."""
        issues: list[Issue] = []
        found: dict[str, dict[int, list[tuple[re.Match[str], TermRecord]]]] = {}
        for lang, text in texts.items():
            hits: dict[int, list[tuple[re.Match[str], TermRecord]]] = defaultdict(list)
            for match, entry in self.matches(text, lang):
                hits[entry.concept_id].append((match, entry))
            found[lang] = hits
        for lang, hits in found.items():
            for concept_id, matches in hits.items():
                for match, entry in matches:
                    if entry.status == "deprecated":
                        issues.append(Issue(
                            "deprecated", set_id, row_id, lang, match.start(), match.end(),
                            match.group(), concept_id, entry.concept,
                            self.preferred.get((concept_id, lang), ""), row_number,
                        ))
        for concept_id, matches in found.get(source, {}).items():
            if not any(entry.status != "deprecated" for _, entry in matches):
                continue
            for lang, text in texts.items():
                expected = self.preferred.get((concept_id, lang))
                if lang == source or not text or expected is None:
                    continue
                here = found.get(lang, {}).get(concept_id, [])
                if here and all(entry.status == "deprecated" for _, entry in here):
                    continue  # reported once, as the deprecated term used
                if not here:
                    issues.append(Issue(
                        "missing-preferred", set_id, row_id, lang, 0, 0, "", concept_id,
                        matches[0][1].concept, expected, row_number,
                    ))
        return issues
