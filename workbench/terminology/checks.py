"""Checks of every row against the termbase (QA as Xbench and memoQ do it, but inflection
aware): a deprecated term used; the preferred target term missing where the source term
occurs. One compiled pattern per language, so a memory of 100,000 rows takes seconds."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alignments.terms_lang import base_lang, tokenize

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.models import DocumentSet
    from workbench.terminology.models import Concept

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

    @property
    def message(self) -> str:
        if self.kind == "deprecated":
            return f"deprecated term '{self.text}' used; preferred: '{self.expected}'"
        return f"preferred term '{self.expected}' missing ({self.concept})"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind, "set": self.set_id, "row": self.row_id, "lang": self.lang,
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
    tokens = tokenize(text, lang)
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


def _prefix(text: str, lang: str) -> str:
    """The index key of a term: the first letters of its first word as the text has it
    (of its stem where words inflect)."""
    tokens = tokenize(text, lang)
    if not tokens:
        return text[:PREFIX].lower()
    first = tokens[0]
    word = first.stem if lang in INFLECTED and not first.acronym else first.text
    return WORD.findall(word)[0][:PREFIX].lower() if WORD.findall(word) else word[:PREFIX]


WORD = re.compile(r"\w+")
PREFIX = 3  # letters of a term's first word that index it


class TermChecker:
    """The termbase compiled for checking rows: each term's pattern, indexed by the first
    letters of its first word, so a row costs one pass over its words."""

    def __init__(self, entries: Iterable[TermRecord]) -> None:
        self.preferred: dict[tuple[int, str], str] = {}
        self.index: dict[str, dict[str, list[tuple[re.Pattern[str], TermRecord]]]] = {}
        compiled: dict[str, list[tuple[int, re.Pattern[str], TermRecord]]] = defaultdict(list)
        for entry in entries:
            if entry.status == "preferred":
                self.preferred.setdefault((entry.concept_id, entry.lang), entry.text)
            pattern = re.compile(term_pattern(entry.text, entry.lang), re.IGNORECASE)
            compiled[entry.lang].append((len(entry.text), pattern, entry))
        for lang, items in compiled.items():
            # Longest first: 'CSTO Council of Foreign Ministers' before its inner part.
            items.sort(key=lambda item: -item[0])
            index: dict[str, list[tuple[re.Pattern[str], TermRecord]]] = defaultdict(list)
            for _, pattern, entry in items:
                index[_prefix(entry.text, lang)].append((pattern, entry))
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
            for pattern, entry in index.get(word.group()[:PREFIX].lower(), ()):
                match = pattern.match(text, word.start())
                if match:
                    found.append((match, entry))
                    end = match.end()
                    break
        return found

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept]) -> TermChecker:
        return cls(
            TermRecord(c.id, c.name, base_lang(t.lang), t.text, t.status)
            for c in concepts for t in c.terms
        )

    def check_row(
        self, set_id: int | str, row_id: int, texts: Mapping[str, str], source: str
    ) -> list[Issue]:
        """The issues of one row; ``source`` is the language the row was translated from."""
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
                            self.preferred.get((concept_id, lang), ""),
                        ))
        for concept_id, matches in found.get(source, {}).items():
            if not any(entry.status != "deprecated" for _, entry in matches):
                continue
            for lang, text in texts.items():
                expected = self.preferred.get((concept_id, lang))
                if lang == source or not text or expected is None:
                    continue
                here = found.get(lang, {}).get(concept_id, [])
                if not any(entry.status != "deprecated" for _, entry in here):
                    issues.append(Issue(
                        "missing-preferred", set_id, row_id, lang, 0, 0, "", concept_id,
                        matches[0][1].concept, expected,
                    ))
        return issues


def check_sets(session: Session, sets: Sequence[DocumentSet]) -> list[Issue]:
    """Every row of the sets checked against the termbase."""
    from workbench.terminology.flags import aligned_rows, pivot_of
    from workbench.terminology.termbase import concepts as all_concepts

    checker = TermChecker.from_concepts(all_concepts(session))
    source = pivot_of(sets) or "ru"
    issues: list[Issue] = []
    for row in aligned_rows(session, sets):
        issues.extend(checker.check_row(row.set_id, row.row_id, row.texts, source))
    return issues
