"""Checks of every stored row against the termbase: the termbase's terms read from the
database, ``alignments.terms.checks.TermChecker`` run over the sets' rows, the results kept
per state of the sets and the termbase, and the issues marked as false positives."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from alignments.terms.checks import Issue, TermChecker, TermRecord, term_pattern
from alignments.terms.lang import base_lang

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.models import DocumentSet

__all__ = [
    "Issue", "TermChecker", "TermRecord", "cached_checks", "check_sets", "dismiss_issue",
    "localized_message", "reported_issues", "row_numbers", "row_texts", "term_pattern",
    "term_records",
]

def localized_message(issue: Issue) -> str:
    """The issue's message in the interface's language (``Issue.message`` is English)."""
    from flask_babel import gettext as _

    if issue.kind == "deprecated":
        if issue.expected:
            return _("deprecated term '%(term)s' used; preferred: '%(preferred)s'",
                     term=issue.text, preferred=issue.expected)
        return _("deprecated term '%(term)s' used", term=issue.text)
    return _("preferred term '%(preferred)s' missing (%(concept)s)",
             preferred=issue.expected, concept=issue.concept)


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
