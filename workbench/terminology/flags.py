"""Flags over the stored sets: rows read from the database, ``alignments.terms.discover``
run on them, and the terminologist's decisions applied (settled flags are not open)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from alignments.terms import AlignedRow, Flag, discover, term_key
from workbench.models import DocumentSet
from workbench.sets import base_lang, get_set, row_views
from workbench.terminology import TermbaseError
from workbench.terminology.models import Concept, Decision, ExcludedSet, Term

KINDS = ("rendering", "spelling", "transliteration", "word-order", "acronym")
FLAG_STATUSES = ("open", "settled", "dismissed")


def chosen_sets(session: Session, refs: Sequence[str] = (), *,
                discovery: bool = False) -> list[DocumentSet]:
    """The sets named by id or name, or every set when none is named (for ``discovery``:
    every set not left out of it, ``excluded_set_ids``)."""
    from workbench.sets import find_set

    if refs:
        return [find_set(session, ref) for ref in refs]
    query = select(DocumentSet).order_by(DocumentSet.id)
    if discovery:
        query = query.where(DocumentSet.id.not_in(select(ExcludedSet.set_id)))
    return list(session.scalars(query))


def excluded_set_ids(session: Session) -> set[int]:
    """The sets left out of discovery (their rows raise no flags unless chosen by name)."""
    return set(session.scalars(select(ExcludedSet.set_id)))


def exclude_sets(session: Session, set_ids: Sequence[int]) -> None:
    """Leave exactly these sets out of discovery (the others are taken in again)."""
    wanted = {i for i in set_ids if session.get(DocumentSet, i) is not None}
    for row in session.scalars(select(ExcludedSet)):
        if row.set_id not in wanted:
            session.delete(row)
    for set_id in wanted - excluded_set_ids(session):
        session.add(ExcludedSet(set_id=set_id))
    session.flush()


def kind_label(kind: str) -> str:
    """A flag's kind in the interface's language."""
    return {
        "rendering": _("rendering"), "spelling": _("spelling"),
        "transliteration": _("transliteration"), "word-order": _("word order"),
        "acronym": _("acronym"),
    }.get(kind, kind)


def status_label(status: str | None) -> str:
    """A flag's state (open, settled, dismissed) in the interface's language."""
    return {
        None: _("open"), "open": _("open"), "settled": _("settled"),
        "dismissed": _("dismissed"),
    }.get(status, status or "")


def describe(flag: Flag) -> str:
    """Why the flag was raised, in the interface's language (``Flag.reason`` is English)."""
    shown = " / ".join(flag.variants)
    if flag.kind == "rendering":
        return _("«%(term)s» (%(lang)s) is rendered %(num)d ways",
                 term=flag.source_term or "", lang=flag.source_lang or "",
                 num=len(flag.variants))
    if flag.kind == "spelling":
        return _("spelled differently: %(variants)s", variants=shown)
    if flag.kind == "transliteration":
        return _("transliterated differently: %(variants)s", variants=shown)
    if flag.kind == "word-order":
        return _("same words, another order or number: %(variants)s", variants=shown)
    if flag.kind == "acronym" and flag.reason.startswith("clipped"):
        return _("clipped beside its full form: %(variants)s", variants=shown)
    if flag.kind == "acronym":
        return _("acronym used undefined beside its expansion: %(variants)s", variants=shown)
    return flag.reason


def aligned_rows(session: Session, sets: Sequence[DocumentSet]) -> list[AlignedRow]:
    """Every row of the sets as the engine reads it: a text per language (base codes)."""
    rows: list[AlignedRow] = []
    for document_set in sets:
        for view in row_views(session, document_set):
            texts = {base_lang(lang): view.text(lang) for lang in document_set.langs}
            rows.append(AlignedRow(document_set.id, view.id,
                                   {k: v for k, v in texts.items() if v}))
    return rows


def pivot_of(sets: Sequence[DocumentSet]) -> str | None:
    """The pivot most of the sets share (base code)."""
    pivots = Counter(base_lang(s.pivot_lang) for s in sets)
    return pivots.most_common(1)[0][0] if pivots else None


@dataclass(frozen=True)
class FlagState:
    """A flag with what was decided about it (None: still open)."""

    flag: Flag
    decision: str | None = None
    concept_id: int | None = None
    by_termbase: bool = False  # settled by a concept of the termbase, not by a decision

    @property
    def open(self) -> bool:
        return self.decision is None


# The flags of the last few states of the corpus, shared by the server's threads: a state
# is the database and each chosen set's revision (which grows with every change to the
# set), so an edit, a new set or a set left out finds them afresh. Discovery runs outside
# the lock (it takes seconds); two threads asking for one new state may both run it, and
# the first result stays.
_CACHE: dict[tuple[object, ...], list[Flag]] = {}
_KEPT_STATES = 8
_lock = threading.Lock()


def _state(session: Session, sets: Sequence[DocumentSet]) -> tuple[object, ...]:
    url = str(session.get_bind().engine.url)
    return (url, *((s.id, s.revision, s.created_at, s.updated_at) for s in sets))


def state_digest(sets: Sequence[DocumentSet]) -> str:
    """The corpus state of these sets as a short string (each set's id, revision and
    times): flags stored by a discovery job are those of the current sets while it holds."""
    parts = [(s.id, s.revision, str(s.created_at), str(s.updated_at)) for s in sets]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def remember_flags(session: Session, sets: Sequence[DocumentSet],
                   flags: list[Flag]) -> list[Flag]:
    """Keep the flags of the sets' current state for the pages (what a job found)."""
    key = _state(session, sets)
    with _lock:
        while len(_CACHE) >= _KEPT_STATES:
            del _CACHE[next(iter(_CACHE))]
        return _CACHE.setdefault(key, flags)


def flags_ready(session: Session, sets: Sequence[DocumentSet]) -> bool:
    """Whether the flags of the sets as they are now are at hand (kept in this process,
    or stored by a discovery job), so that no page waits for discovery."""
    from workbench.terminology.discovery import stored_flags

    with _lock:
        if _state(session, sets) in _CACHE:
            return True
    return stored_flags(session, sets) is not None


# States being discovered in this process: a second request for one waits for the first
# (four people opening the flags page after an edit ran discovery four times at once).
_FINDING: dict[tuple[object, ...], threading.Lock] = {}


def set_flags(session: Session, sets: Sequence[DocumentSet]) -> list[Flag]:
    """The flags of the sets, found again only when a set changed (its revision): those
    kept in this process, else those a discovery job stored for this very state
    (``workbench.terminology.discovery``), else found now (once, whoever else asks)."""
    from workbench.terminology.discovery import stored_flags

    key = _state(session, sets)
    with _lock:
        flags = _CACHE.get(key)
        finding = _FINDING.setdefault(key, threading.Lock()) if flags is None else None
    if flags is not None:
        return flags
    assert finding is not None
    with finding:  # the first finds them; the others then read them from the cache
        with _lock:
            flags = _CACHE.get(key)
        if flags is None:
            flags = stored_flags(session, sets)
        if flags is None:
            flags = discover(aligned_rows(session, sets), pivot=pivot_of(sets))
        flags = remember_flags(session, sets, flags)
    with _lock:
        _FINDING.pop(key, None)
    return flags


def flag_states(session: Session, sets: Sequence[DocumentSet]) -> list[FlagState]:
    """Every flag of the sets, highest impact first, with its decision if any."""
    flags = set_flags(session, sets)
    decisions = {d.flag_key: d for d in session.scalars(select(Decision))}
    covered = _covered_by_termbase(session)
    states = []
    for flag in flags:
        decision = decisions.get(flag.key)
        deciding = set.intersection(*(covered.get((flag.lang, v.casefold()), set())
                                      for v in flag.variants)) if flag.variants else set()
        if decision is not None:
            states.append(FlagState(flag, decision.action, decision.concept_id))
        elif deciding:
            states.append(FlagState(flag, "settled", min(deciding), by_termbase=True))
        else:
            states.append(FlagState(flag))
    return states


def open_flags(session: Session, sets: Sequence[DocumentSet]) -> list[Flag]:
    """The flags nobody has settled or dismissed yet."""
    return [s.flag for s in flag_states(session, sets) if s.open]


def _covered_by_termbase(session: Session) -> dict[tuple[str, str], set[int]]:
    """For each term (base language, text casefolded) of a concept that decides its
    language (two terms or more there, one of them preferred), those concepts: a flag
    whose variants are all terms of one such concept is settled by the termbase itself
    (the concept may hold more terms than the flag has variants)."""
    covered: dict[tuple[str, str], set[int]] = {}
    for concept in session.scalars(select(Concept).options(selectinload(Concept.terms))):
        # flags speak of a base language (en), terms keep their region (en-GB, en-US)
        by_base: dict[str, list[Term]] = {}
        for term in concept.terms:
            by_base.setdefault(base_lang(term.lang), []).append(term)
        for base, terms in by_base.items():
            if len(terms) >= 2 and any(t.status == "preferred" for t in terms):
                for term in terms:
                    covered.setdefault((base, term.text.casefold()), set()).add(concept.id)
    return covered


def find_flag(session: Session, key: str, set_ids: Sequence[int] = ()) -> Flag:
    """The flag with this key among the sets' flags (all sets when none given)."""
    sets = ([get_set(session, i) for i in set_ids] if set_ids
            else chosen_sets(session, discovery=True))
    for state in flag_states(session, sets):
        if state.flag.key == key:
            return state.flag
    raise TermbaseError(
        _("There is no flag %(key)s any more (the sets may have changed); reload the flags.",
          key=key), status=404)


def concept_of(session: Session, lang: str, texts: Sequence[str]) -> Concept | None:
    """The concept that already holds one of these terms in ``lang`` (base code), compared
    in dictionary form: where settling a flag of the same source term adds its terms, so
    that one source term is one concept across every language."""
    wanted = {term_key(t, lang) for t in texts if t.strip()} - {()}
    initials = {t.strip()[:1] for t in texts if t.strip()}
    if not wanted:
        return None
    letters = {c for i in initials for c in (i.lower(), i.upper())}
    query = (select(Term).where((Term.lang == lang) | Term.lang.like(f"{lang}-%"))
             .where(or_(*(Term.text.like(f"{c}%") for c in sorted(letters))))
             .order_by(Term.concept_id))
    for term in session.scalars(query):
        if term_key(term.text, lang) in wanted:
            return term.concept
    return None
