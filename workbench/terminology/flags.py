"""Flags over the stored sets: rows read from the database, ``alignments.terms.discover``
run on them, and the terminologist's decisions applied (settled flags are not open)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from alignments.terms import AlignedRow, Flag, discover
from workbench.models import DocumentSet
from workbench.sets import base_lang, get_set, row_views
from workbench.terminology import TermbaseError
from workbench.terminology.models import Concept, Decision


def chosen_sets(session: Session, refs: Sequence[str] = ()) -> list[DocumentSet]:
    """The sets named by id or name, or every set when none is named."""
    from workbench.sets import find_set

    if refs:
        return [find_set(session, ref) for ref in refs]
    return list(session.scalars(select(DocumentSet).order_by(DocumentSet.id)))


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

    @property
    def open(self) -> bool:
        return self.decision is None


_CACHE: dict[tuple[object, ...], list[Flag]] = {}


def set_flags(session: Session, sets: Sequence[DocumentSet]) -> list[Flag]:
    """The flags of the sets, found again only when a set changed (its revision)."""
    bind = session.get_bind()
    url = str(bind.engine.url)
    key = (url, *((s.id, s.revision, s.updated_at, len(s.rows)) for s in sets))
    if key not in _CACHE:
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = discover(aligned_rows(session, sets), pivot=pivot_of(sets))
    return _CACHE[key]


def flag_states(session: Session, sets: Sequence[DocumentSet]) -> list[FlagState]:
    """Every flag of the sets, highest impact first, with its decision if any."""
    flags = set_flags(session, sets)
    decisions = {d.flag_key: d for d in session.scalars(select(Decision))}
    covered = _covered_by_termbase(session)
    states = []
    for flag in flags:
        decision = decisions.get(flag.key)
        if decision is not None:
            states.append(FlagState(flag, decision.action, decision.concept_id))
        elif (flag.lang, frozenset(v.casefold() for v in flag.variants)) in covered:
            concept_id = covered[(flag.lang, frozenset(v.casefold() for v in flag.variants))]
            states.append(FlagState(flag, "settled", concept_id))
        else:
            states.append(FlagState(flag))
    return states


def open_flags(session: Session, sets: Sequence[DocumentSet]) -> list[Flag]:
    """The flags nobody has settled or dismissed yet."""
    return [s.flag for s in flag_states(session, sets) if s.open]


def _covered_by_termbase(session: Session) -> dict[tuple[str, frozenset[str]], int]:
    """Variant sets a concept already decides (each of its languages with a preferred
    term): a flag over exactly those variants is settled by the termbase itself."""
    covered: dict[tuple[str, frozenset[str]], int] = {}
    for concept in session.scalars(select(Concept)):
        langs = {t.lang for t in concept.terms}
        for lang in langs:
            terms = concept.terms_in(lang)
            if len(terms) >= 2 and terms[0].status == "preferred":
                covered[(lang, frozenset(t.text.casefold() for t in terms))] = concept.id
    return covered


def find_flag(session: Session, key: str, set_ids: Sequence[int] = ()) -> Flag:
    """The flag with this key among the sets' flags (all sets when none given)."""
    sets = [get_set(session, i) for i in set_ids] if set_ids else chosen_sets(session)
    for state in flag_states(session, sets):
        if state.flag.key == key:
            return state.flag
    raise TermbaseError(
        _("There is no flag %(key)s any more (the sets may have changed); reload the flags.",
          key=key), status=404)
