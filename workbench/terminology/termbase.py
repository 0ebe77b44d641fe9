"""The termbase: settle or dismiss a flag, list concepts, TBX out and in."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import BinaryIO, NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, selectinload

from alignments.terms import Flag
from tmx.tbx import Concept as TbxConcept
from tmx.tbx import (
    Detail,
    LanguageSection,
    TbxError,
    Termbase,
    TermEntry,
    Transaction,
    plain_status,
    read_tbx,
    write_tbx,
)
from workbench.db import checkpoint_after_commit
from workbench.errors import in_user_language
from workbench.memory.prints import normal_lang
from workbench.models import utcnow
from workbench.terminology import TermbaseError
from workbench.terminology.models import Concept, Decision, Term

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
    texts: Mapping[str, str] | None = None,
    source_term: str | None = None,
) -> Concept:
    """Settle a flag: ``preferred`` becomes the preferred term, the other variants admitted
    or deprecated (``statuses``; deprecated by default), and the pivot term the flag came
    from the concept's preferred source term.

    Terms are stored in their dictionary form: ``texts`` (variant -> term as the
    terminologist wrote it) and ``source_term`` replace the forms discovery proposes
    (``dictionary_form`` of each). One source term is one concept: when a concept already
    holds the source term (or, for a flag without one, one of the variants), the terms go
    into it (the English flag and then the German flag of one Russian term make one
    concept, every language in it); its preferred term in the flag's language, if another,
    becomes admitted. The decision keeps the terms it added, for ``reopen``.

    Terms are stored under the language tags of the flag's sets (``en-GB``, ``ru-RU``),
    not the flag's base codes; a term stored under a base code before (``en``) is the
    same term of the language and is updated in place."""
    from alignments.terms import dictionary_form
    from workbench.terminology.flags import concept_of

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
    written = {v: " ".join((dict(texts or {}).get(v) or dictionary_form(v, flag.lang)).split())
               for v in flag.variants}
    source = None
    if flag.source_lang and flag.source_term:
        source = " ".join((source_term or dictionary_form(flag.source_term,
                                                          flag.source_lang)).split())
    for text in [*written.values(), *([source] if source is not None else [])]:
        if not text:
            raise TermbaseError(_("A term cannot be empty."))
        if len(text) > 500:
            raise TermbaseError(_("A term has at most 500 characters."))
    _refuse_decided(session, flag)
    # Terms go in under the corpus's tags (en-GB, ru-RU), as a TBX file would give them;
    # the flag itself speaks of base languages.
    tags = _corpus_tags(session, flag)
    concept = (concept_of(session, flag.source_lang, [source]) if flag.source_lang and source
               else concept_of(session, flag.lang, list(written.values())))
    if concept is None:
        concept = Concept(name=(name or source or written[preferred])[:500])
        session.add(concept)
    added: list[list[str]] = []

    def put(lang: str, text: str, status: str, *, keep: bool = False) -> None:
        same = next((t for t in concept.terms if _base(t.lang) == _base(lang)
                     and t.text.casefold() == text.casefold()), None)
        if same is None:
            concept.terms.append(Term(lang=lang, text=text, status=status))
            added.append([lang, text])
        elif not keep:
            same.status = status

    chosen = written[preferred]
    for term in concept.terms:  # the flag's language gets one preferred term: the chosen
        if (_base(term.lang) == _base(flag.lang) and term.status == "preferred"
                and term.text.casefold() != chosen.casefold()):
            term.status = "admitted"
    put(tags(flag.lang), chosen, "preferred")
    for variant in flag.variants:
        if variant != preferred and written[variant].casefold() != chosen.casefold():
            put(tags(flag.lang), written[variant], statuses.get(variant, "deprecated"))
    if flag.source_lang and source:
        put(tags(flag.source_lang), source, "preferred", keep=True)
    session.flush()
    session.add(Decision(flag_key=flag.key, action="settled", lang=flag.lang,
                         variants=list(flag.variants), concept_id=concept.id, terms=added))
    session.flush()
    return concept


def _corpus_tags(session: Session, flag: Flag) -> Callable[[str], str]:
    """The language tag the corpus gives a base language where the flag occurs: 'en' ->
    'en-GB' when the flag's sets all write English as en-GB. Sets that disagree (en-GB
    beside en-US) keep the base code, which holds for every region; so does a flag whose
    sets are gone."""
    from workbench.models import DocumentSet

    ids = {int(o.set_id) for o in flag.occurrences if str(o.set_id).isdigit()}
    langs = [lang for set_id in sorted(ids)
             if (found := session.get(DocumentSet, set_id)) is not None
             for lang in found.langs]

    def tag(base: str) -> str:
        regional = {normal_lang(lang) for lang in langs if _base(lang) == _base(base)}
        return regional.pop() if len(regional) == 1 else base

    return tag


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

    A dismissal is simply removed. A settlement takes out the terms it added to its
    concept (``Decision.terms``): those of the flag's language, and its source term too
    unless another decision still uses the concept (which then counts the source term as
    its own); a concept left without terms goes.
    Statuses it changed on terms that were there before stay as they are. Concepts
    imported from TBX are never removed (no decision points at them). A settlement from
    before migration 0010 (no terms kept) removes the concept it created, terms and all,
    unless another decision points at it or it holds more than the flag's variants and
    one source term (then only the variant terms go)."""
    decision = session.scalar(select(Decision).where(Decision.flag_key == key))
    if decision is None:
        raise TermbaseError(_("This flag is open already: there is nothing to reopen."),
                            status=409)
    concept = session.get(Concept, decision.concept_id) if decision.concept_id else None
    if concept is not None:
        others = session.scalar(select(Decision.id).where(
            Decision.concept_id == concept.id, Decision.id != decision.id))
        if decision.terms is not None:
            made = {(_base(lang), text) for lang, text in decision.terms
                    if others is None or _base(lang) == _base(decision.lang)}
            for term in [t for t in concept.terms if (_base(t.lang), t.text) in made]:
                concept.terms.remove(term)
            if others is not None:
                # The source term it added stays for the other settlement, which now
                # counts it as its own (reopened in turn, it takes it out).
                heir = session.get(Decision, others)
                kept = [[lang, text] for lang, text in decision.terms
                        if (_base(lang), text) not in made]
                if heir is not None and heir.terms is not None and kept:
                    heir.terms = [*heir.terms, *kept]
            if not concept.terms:
                session.delete(concept)
        else:
            variants = set(decision.variants)
            made_terms = [t for t in concept.terms
                          if t.lang == decision.lang and t.text in variants]
            rest = [t for t in concept.terms if t not in made_terms]
            source_only = len(rest) <= 1 and all(
                t.lang != decision.lang and t.status == "preferred" for t in rest)
            if others is None and source_only:
                session.delete(concept)
            elif others is None:
                for term in made_terms:
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


def export_tbx(session: Session, *, lang: str = "en",
               langs: Sequence[str] | None = None) -> bytes:
    """The termbase as a TBX v3 (TBX-Basic, DCA style) document: every concept with its
    terms, their exact statuses, and all that an imported file said about them.

    ``langs`` keeps only the terms (and language sections) of those languages: a code
    with a region is that language only (``en-GB``) and its terms without a region (``en``,
    as the workbench settled them before it used the corpus's tags, and still does for a
    flag whose sets write the language with different regions: they hold for every
    region), a bare code every region
    of its language (``en`` is en, en-GB, en-US ...); a concept left without terms is left
    out, and when none is left the export is refused (a TBX file must hold a concept).
    """
    wanted = _language_filter(langs)
    stored = concepts(session)
    exported = tuple(c for c in (_tbx_concept(concept, wanted) for concept in stored)
                     if c.terms)
    if langs and not exported:
        have = sorted({term.lang for concept in stored for term in concept.terms})
        raise TermbaseError(_("The termbase has no terms in %(langs)s (it has %(have)s).",
                              langs=", ".join(langs), have=", ".join(have) or _("none")))
    termbase = Termbase(exported, lang=lang, title="Alignment workbench termbase")
    out = io.BytesIO()
    write_tbx(termbase, out)
    return out.getvalue()


class Imported(NamedTuple):
    """What a TBX import did: concepts added, and concepts the termbase held already."""

    added: int
    known: int = 0


def import_tbx(session: Session, data: bytes | BinaryIO, *, name: str | None = None
               ) -> Imported:
    """Add the concepts of a TBX file (v3 in the DCA or DCT style, or v2). Nothing is
    stored when the file is refused. ``data`` is the file's bytes or the file open for
    reading.

    A concept whose terms (language and text) are all in one concept of the termbase
    already is that concept: it is not added again (the termbase's own export, imported
    back, adds nothing), and the stored concept stays as it is.

    Every term keeps its language with its region (``en-US`` and ``en-GB`` are two), its
    exact status (``Term.status`` says what it means: superseded is deprecated ...) and
    its details; the concept keeps its details and those of its languages. A concept's
    name is its first preferred term (the first term when none is preferred): TBX has no
    concept names, and none is written back. A term given twice in a language of a
    concept is kept once.

    The file is read and checked whole before anything is written, and the concepts and
    terms go in with one executemany each, so the write lock is held for a moment, not
    for the reading of the file. The caller commits; the WAL is checkpointed after that.
    """
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        termbase = read_tbx(source, name=name or _("the TBX file"))
    except TbxError as error:
        raise TermbaseError(in_user_language(error)) from error
    holders = _term_holders(session)
    new_concepts: list[dict[str, object]] = []
    new_terms: list[list[dict[str, object]]] = []
    known = 0
    for tbx_concept in termbase.concepts:
        kept = _stored_terms(tbx_concept)
        if not kept:
            continue
        keys = [(str(term["lang"]), str(term["text"])) for term in kept]
        if set.intersection(*(holders.get(key, set()) for key in keys)):
            known += 1
            continue
        new_concepts.append(_stored_concept(tbx_concept))
        new_terms.append(kept)
    if not new_concepts:
        return Imported(0, known)
    ids = session.execute(
        insert(_CONCEPTS).returning(_CONCEPTS.c.id, sort_by_parameter_order=True), new_concepts
    ).scalars().all()
    rows = [{"concept_id": concept_id, **term}
            for concept_id, kept in zip(ids, new_terms, strict=True) for term in kept]
    session.execute(insert(_TERMS), rows)
    checkpoint_after_commit(session)  # a large file would leave the -wal file as large
    return Imported(len(new_concepts), known)


def _term_holders(session: Session) -> dict[tuple[str, str], set[int]]:
    """For each stored term (language, text), the concepts that hold it."""
    holders: dict[tuple[str, str], set[int]] = {}
    for concept_id, lang, text in session.execute(
            select(_TERMS.c.concept_id, _TERMS.c.lang, _TERMS.c.text)):
        holders.setdefault((lang, text), set()).add(concept_id)
    return holders


def _stored_concept(concept: TbxConcept) -> dict[str, object]:
    # The columns show the first definition, subject field and note; ``data`` keeps all.
    languages: dict[str, dict[str, list[list[str]]]] = {}
    for section in concept.languages:
        stored = languages.setdefault(normal_lang(section.lang),
                                      {"details": [], "transactions": []})
        stored["details"] += _plain(section.details)
        stored["transactions"] += _plain(section.transactions)
    definition = concept.definition or next(
        (d.text for s in concept.languages for d in s.details if d.kind == "definition"), "")
    return {
        "name": _label(concept)[:500],
        "definition": definition,
        "subject": concept.subject[:200],
        "note": concept.note,
        "created_at": utcnow(),
        "data": {"id": concept.id, "details": _plain(concept.details),
                 "transactions": _plain(concept.transactions), "languages": languages},
    }


def _stored_terms(concept: TbxConcept) -> list[dict[str, object]]:
    seen: set[tuple[str, str]] = set()
    kept: list[dict[str, object]] = []
    for term in concept.terms:
        key = (normal_lang(term.lang), term.text[:500])  # as stored: unique per concept
        if key in seen:
            continue
        seen.add(key)
        kept.append({
            "lang": key[0], "text": key[1], "status": plain_status(term.status),
            "note": term.note,
            "data": {"status": term.status, "details": _plain(term.details),
                     "transactions": _plain(term.transactions)},
        })
    return kept


def _plain(items: Iterable[tuple[str, ...]]) -> list[list[str]]:
    return [list(item) for item in items]


def _tbx_concept(concept: Concept, wanted: Callable[[str], bool]) -> TbxConcept:
    data = concept.data or {}
    if "details" in data:
        details = _details(data["details"])
    else:  # made by the workbench, or imported before its details were kept
        details = tuple(Detail(kind, text) for kind, text in (
            ("subjectField", concept.subject), ("definition", concept.definition),
            ("note", concept.note)) if text)
    languages = tuple(
        LanguageSection(lang, _details(section.get("details", ())),
                        _transactions(section.get("transactions", ())))
        for lang, section in (data.get("languages") or {}).items() if wanted(lang))
    return TbxConcept(
        id=f"c{concept.id}",
        terms=tuple(_tbx_term(term) for term in concept.terms if wanted(term.lang)),
        details=details,
        languages=languages,
        transactions=_transactions(data.get("transactions", ())),
    )


def _tbx_term(term: Term) -> TermEntry:
    data = term.data or {}
    status = data.get("status")
    if not isinstance(status, str) or plain_status(status) != term.status:
        status = term.status  # set by the workbench, or changed since the import
    if "details" in data:
        details = _details(data["details"])
    else:
        details = (Detail("note", term.note),) if term.note else ()
    return TermEntry(term.lang, term.text, status, details=details,
                     transactions=_transactions(data.get("transactions", ())))


def _details(stored: Iterable[object]) -> tuple[Detail, ...]:
    return tuple(Detail(*(str(part) for part in item[:4]))
                 for item in stored if isinstance(item, list) and len(item) >= 2)


def _transactions(stored: Iterable[object]) -> tuple[Transaction, ...]:
    return tuple(Transaction(*(str(part) for part in item[:3]))
                 for item in stored if isinstance(item, list) and item)


def _language_filter(langs: Sequence[str] | None) -> Callable[[str], bool]:
    """Whether a stored language is among ``langs`` (all when none are given): a code with
    a region matches itself, a bare code every region of its language."""
    if not langs:
        return lambda _lang: True
    exact = {normal_lang(code) for code in langs if "-" in code.replace("_", "-")}
    bases = {_base(code) for code in langs if "-" not in code.replace("_", "-")}
    regionless = {_base(code) for code in exact}  # en-GB takes the terms written en too
    return lambda lang: (normal_lang(lang) in exact or _base(lang) in bases
                         or ("-" not in lang.replace("_", "-") and _base(lang) in regionless))


def _label(concept: TbxConcept) -> str:
    preferred = [t for t in concept.terms if plain_status(t.status) == "preferred"]
    return (preferred or list(concept.terms))[0].text


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()
