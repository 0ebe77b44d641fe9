"""Checks of every row against the termbase (QA as Xbench and memoQ do it, but inflection
aware): a deprecated term used; the preferred target term missing where the source term
occurs. One compiled pattern per language, so a memory of 100,000 rows takes seconds."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from alignments.terms_lang import Token, base_lang, tokenize

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
        """In English (the CLI); ``localized_message`` for the interface."""
        if self.kind == "deprecated":
            return f"deprecated term '{self.text}' used; preferred: '{self.expected}'"
        return f"preferred term '{self.expected}' missing ({self.concept})"

    def localized_message(self) -> str:
        """The message in the interface's language."""
        from flask_babel import gettext as _

        if self.kind == "deprecated":
            if self.expected:
                return _("deprecated term '%(term)s' used; preferred: '%(preferred)s'",
                         term=self.text, preferred=self.expected)
            return _("deprecated term '%(term)s' used", term=self.text)
        return _("preferred term '%(preferred)s' missing (%(concept)s)",
                 preferred=self.expected, concept=self.concept)

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

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept]) -> TermChecker:
        return cls(
            TermRecord(c.id, c.name, base_lang(t.lang), t.text, t.status)
            for c in concepts for t in c.terms
        )

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


def term_records(session: Session) -> list[TermRecord]:
    """Every term of the termbase as the checker needs it: one column query (no ORM
    objects, which for a termbase of 200,000 concepts cost more than the checks)."""
    from workbench.terminology.models import Concept, Term

    return [
        TermRecord(concept_id, name, base_lang(lang), text, status)
        for concept_id, name, lang, text, status in session.execute(
            select(Term.concept_id, Concept.name, Term.lang, Term.text, Term.status)
            .join(Concept, Concept.id == Term.concept_id)
            .order_by(Term.concept_id, Term.id)
        )
    ]


def check_sets(session: Session, sets: Sequence[DocumentSet],
               checker: TermChecker | None = None) -> list[Issue]:
    """Every row of the sets checked against the termbase (or ``checker``)."""
    from workbench.terminology.flags import aligned_rows, pivot_of

    checker = checker or TermChecker(term_records(session))
    source = pivot_of(sets) or "ru"
    numbers = row_numbers(session, [s.id for s in sets])
    issues: list[Issue] = []
    for row in aligned_rows(session, sets):
        issues.extend(checker.check_row(row.set_id, row.row_id, row.texts, source,
                                        numbers.get(row.row_id, 0)))
    return issues


def row_numbers(session: Session, set_ids: Sequence[int]) -> dict[int, int]:
    """Each row's number as the editor shows it (its position in its set + 1), by row id."""
    from workbench.models import Row

    if not set_ids:
        return {}
    return {row_id: position + 1 for row_id, position in session.execute(
        select(Row.id, Row.position).where(Row.set_id.in_(list(set_ids))))}


# The checks of the last few states, so that the pages of one result (and a reload) cost
# one computation. A state is the database, the termbase (``termbase_state``) and each
# chosen set's revision: an edit, a new set or a change to the termbase computes afresh.
# The trade-off: the issues of a few states (and one compiled termbase) stay in memory
# between requests; the first page of a new state still checks every row.
_CHECKERS: dict[tuple[object, ...], TermChecker] = {}
_ISSUES: dict[tuple[object, ...], list[Issue]] = {}
_KEPT_STATES = 4
_lock = threading.Lock()


def termbase_state(session: Session) -> tuple[object, ...]:
    """What changes when the termbase does: counts, ids and lengths, summed in SQL."""
    from workbench.terminology.models import Concept, Term

    terms = session.execute(select(
        func.count(Term.id), func.max(Term.id), func.sum(Term.id), func.sum(Term.concept_id),
        func.sum(func.length(Term.text)), func.sum(func.length(Term.status)),
        func.sum(func.length(Term.lang)),
    )).one()
    concepts = session.execute(select(
        func.count(Concept.id), func.max(Concept.id), func.sum(func.length(Concept.name)),
    )).one()
    return (*terms, *concepts)


def cached_checks(session: Session, sets: Sequence[DocumentSet]) -> list[Issue]:
    """``check_sets``, computed once per state of the sets and the termbase."""
    from workbench.terminology.flags import pivot_of

    url = str(session.get_bind().engine.url)
    termbase = (url, *termbase_state(session))
    key = (*termbase, pivot_of(sets),
           *((s.id, s.revision, s.created_at, s.updated_at) for s in sets))
    with _lock:
        issues = _ISSUES.get(key)
        checker = _CHECKERS.get(termbase)
    if issues is not None:
        return issues
    if checker is None:
        checker = TermChecker(term_records(session))
    issues = check_sets(session, sets, checker)
    with _lock:
        _CHECKERS.clear()
        _CHECKERS[termbase] = checker
        while len(_ISSUES) >= _KEPT_STATES:
            del _ISSUES[next(iter(_ISSUES))]
        _ISSUES[key] = issues
    return issues


def row_texts(session: Session, rows: Iterable[tuple[int | str, int]]
              ) -> dict[tuple[int | str, int], dict[str, str]]:
    """The texts of some rows per language (base codes), as ``aligned_rows`` gives them
    (and the issues' character spans count in): the rows of one page of issues."""
    from workbench.models import Sentence, Version

    wanted = {row_id for _, row_id in rows}
    if not wanted:
        return {}
    cells: dict[tuple[int | str, int], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list))
    for set_id, row_id, lang, text in session.execute(
        select(Version.set_id, Sentence.row_id, Version.lang, Sentence.text)
        .join(Version, Version.id == Sentence.version_id)
        .where(Sentence.row_id.in_(wanted))
        .order_by(Version.set_id, Version.position, Sentence.position)
    ):
        if row_id is not None:
            cells[(set_id, row_id)][base_lang(lang)].append(text)
    return {key: {lang: " ".join(texts) for lang, texts in by_lang.items()}
            for key, by_lang in cells.items()}


def dismissed_keys(session: Session) -> set[str]:
    """The keys of the issues marked as false positives."""
    from workbench.terminology.models import CheckDismissal

    return set(session.scalars(select(CheckDismissal.issue_key)))


def reported_issues(session: Session, sets: Sequence[DocumentSet], *,
                    langs: Sequence[str] = (), kinds: Sequence[str] = ()) -> list[Issue]:
    """The checks' issues as the review shows them: false positives left out, filtered
    by language and kind (none given: all)."""
    dismissed = dismissed_keys(session)
    return [
        issue for issue in cached_checks(session, sets)
        if issue.key not in dismissed
        and (not langs or issue.lang in langs) and (not kinds or issue.kind in kinds)
    ]


def dismiss_issue(session: Session, sets: Sequence[DocumentSet], key: str) -> Issue:
    """Mark the issue with this key as a false positive: it is not reported again."""
    from flask_babel import gettext as _

    from workbench.terminology import TermbaseError
    from workbench.terminology.models import CheckDismissal

    issue = next((i for i in cached_checks(session, sets) if i.key == key), None)
    if issue is None:
        raise TermbaseError(_("There is no such issue any more (the rows or the termbase "
                              "may have changed); reload the checks."), status=404)
    if session.scalar(select(CheckDismissal.id).where(CheckDismissal.issue_key == key)):
        return issue
    session.add(CheckDismissal(
        issue_key=key, set_id=int(issue.set_id), row_id=issue.row_id, lang=issue.lang,
        kind=issue.kind, concept_id=issue.concept_id, text=issue.text[:500]))
    session.flush()
    return issue
