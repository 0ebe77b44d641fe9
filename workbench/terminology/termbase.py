"""The termbase: settle or dismiss a flag, list concepts, TBX out and in."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, selectinload

from alignments.terms import Flag
from tmx.tbx import Concept as TbxConcept
from tmx.tbx import TbxError, Termbase, TermEntry, read_tbx, write_tbx
from workbench.db import checkpoint_after_commit
from workbench.errors import in_user_language
from workbench.models import utcnow
from workbench.terminology import TermbaseError
from workbench.terminology.models import STATUSES, Concept, Decision, Term

_CONCEPTS: Table = Concept.__table__  # type: ignore[assignment]
_TERMS: Table = Term.__table__  # type: ignore[assignment]


def concepts(session: Session) -> list[Concept]:
    """Every concept with its terms, oldest first."""
    return list(
        session.scalars(select(Concept).options(selectinload(Concept.terms)).order_by(Concept.id))
    )


def settle(
    session: Session,
    flag: Flag,
    preferred: str,
    statuses: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
) -> Concept:
    """Settle a flag: ``preferred`` becomes the preferred term of a new concept, the
    other variants admitted or deprecated (``statuses``; deprecated by default); the
    pivot term the flag came from is recorded as the concept's preferred source term."""
    if preferred not in flag.variants:
        raise TermbaseError(_("'%(term)s' is not one of the flag's variants (%(variants)s).",
                              term=preferred, variants=", ".join(flag.variants)))
    statuses = dict(statuses or {})
    for variant, status in statuses.items():
        if variant not in flag.variants:
            raise TermbaseError(_("'%(term)s' is not one of the flag's variants.", term=variant))
        if status not in ("admitted", "deprecated"):
            raise TermbaseError(_(
                "The status of '%(term)s' must be admitted or deprecated, not '%(status)s'.",
                term=variant, status=status))
    _refuse_decided(session, flag)
    concept = Concept(name=(name or flag.source_term or preferred)[:500])
    concept.terms.append(Term(lang=flag.lang, text=preferred, status="preferred"))
    for variant in flag.variants:
        if variant != preferred:
            status = statuses.get(variant, "deprecated")
            concept.terms.append(Term(lang=flag.lang, text=variant, status=status))
    if flag.source_lang and flag.source_term:
        concept.terms.append(Term(lang=flag.source_lang, text=flag.source_term,
                                  status="preferred"))
    session.add(concept)
    session.flush()
    session.add(Decision(flag_key=flag.key, action="settled", lang=flag.lang,
                         variants=list(flag.variants), concept_id=concept.id))
    session.flush()
    return concept


def dismiss(session: Session, flag: Flag) -> Decision:
    """Dismiss a flag as not a term: it no longer shows as open."""
    _refuse_decided(session, flag)
    decision = Decision(flag_key=flag.key, action="dismissed", lang=flag.lang,
                        variants=list(flag.variants))
    session.add(decision)
    session.flush()
    return decision


def reopen(session: Session, key: str) -> Decision:
    """Undo the decision on a flag, which shows among the open flags again.

    A dismissal is simply removed. A settlement is removed with the concept it created,
    terms and all, so that the termbase no longer settles the flag, unless something
    else uses that concept: when another decision points at it, the concept stays whole;
    when it holds terms beyond the settlement's own (the flag's variants and one source
    term), only the variant terms go and the rest stays. Concepts imported from TBX are
    never touched (no decision points at them)."""
    decision = session.scalar(select(Decision).where(Decision.flag_key == key))
    if decision is None:
        raise TermbaseError(_("This flag is open already: there is nothing to reopen."),
                            status=409)
    concept = session.get(Concept, decision.concept_id) if decision.concept_id else None
    if concept is not None:
        others = session.scalar(select(Decision.id).where(
            Decision.concept_id == concept.id, Decision.id != decision.id))
        variants = set(decision.variants)
        made = [t for t in concept.terms if t.lang == decision.lang and t.text in variants]
        rest = [t for t in concept.terms if t not in made]
        source_only = len(rest) <= 1 and all(
            t.lang != decision.lang and t.status == "preferred" for t in rest)
        if others is None and source_only:
            session.delete(concept)
        elif others is None:
            for term in made:
                concept.terms.remove(term)
    session.delete(decision)
    session.flush()
    return decision


def _refuse_decided(session: Session, flag: Flag) -> None:
    existing = session.scalar(select(Decision).where(Decision.flag_key == flag.key))
    if existing is not None:
        already = (_("This flag was already settled.") if existing.action == "settled"
                   else _("This flag was already dismissed."))
        raise TermbaseError(already, status=409)


def export_tbx(session: Session, *, lang: str = "en") -> bytes:
    """The termbase as a TBX v3 (TBX-Basic) document."""
    termbase = Termbase(
        tuple(
            TbxConcept(
                id=f"c{c.id}",
                terms=tuple(TermEntry(t.lang, t.text, t.status, t.note) for t in c.terms),
                definition=c.definition,
                subject=c.subject,
                note=c.note or c.name,
            )
            for c in concepts(session)
        ),
        lang=lang,
        title="Alignment workbench termbase",
    )
    out = io.BytesIO()
    write_tbx(termbase, out)
    return out.getvalue()


def import_tbx(session: Session, data: bytes, *, name: str | None = None) -> int:
    """Add the concepts of a TBX v3 or v2 file; the number added. Nothing is stored
    when the file is refused.

    The file is read and checked whole before anything is written, and the concepts and
    terms go in with one executemany each, so the write lock is held for a moment, not
    for the reading of the file. The caller commits; the WAL is checkpointed after that.
    """
    try:
        termbase = read_tbx(io.BytesIO(data), name=name or _("the TBX file"))
    except TbxError as error:
        raise TermbaseError(in_user_language(error)) from error
    new_concepts: list[dict[str, object]] = []
    new_terms: list[list[dict[str, object]]] = []
    for tbx_concept in termbase.concepts:
        if not tbx_concept.terms:
            continue
        new_concepts.append({
            "name": (tbx_concept.note or _label(tbx_concept))[:500],
            "definition": tbx_concept.definition,
            "subject": tbx_concept.subject,
            "note": tbx_concept.note,
            "created_at": utcnow(),
        })
        seen: set[tuple[str, str]] = set()
        kept: list[dict[str, object]] = []
        for term in tbx_concept.terms:
            key = (_base(term.lang), term.text[:500])  # as stored: unique per concept
            if key in seen or term.status not in STATUSES:
                continue
            seen.add(key)
            kept.append({"lang": key[0], "text": key[1], "status": term.status,
                         "note": term.note})
        new_terms.append(kept)
    if not new_concepts:
        return 0
    ids = session.execute(
        insert(_CONCEPTS).returning(_CONCEPTS.c.id, sort_by_parameter_order=True), new_concepts
    ).scalars().all()
    rows = [{"concept_id": concept_id, **term}
            for concept_id, kept in zip(ids, new_terms, strict=True) for term in kept]
    if rows:
        session.execute(insert(_TERMS), rows)
    checkpoint_after_commit(session)  # a large file would leave the -wal file as large
    return len(new_concepts)


def _label(concept: TbxConcept) -> str:
    preferred = [t for t in concept.terms if t.status == "preferred"] or list(concept.terms)
    return preferred[0].text


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()
