"""TBX termbases: what a concept holds, and the reading of TBX v3 (TBX-Basic, DCA and DCT
styles) and v2 (martif) files; ``tmx.tbx_writer`` writes TBX-Basic (DCA).

A concept, each of its languages and each of its terms carry ``details``: every piece of
information the file gives about them, in order, each with its data category (``kind``) —
definitions, notes, subject fields, contexts, part of speech, term types, sources, cross
references —, and ``transactions`` (who created or changed it, and when). A term keeps its
administrative status exactly (``superseded`` stays superseded, ``standardized`` stays
standardized); ``plain_status`` says what it means to the workbench's checks. Nothing is
invented: a concept without a name, or a term without a status, gets none.

Pure over binary streams. Files from outside are read as a stream, with the TMX reader's
guards (``tmx.reader``): without resolving entities, without the network and without loading
a DTD; a document type that declares entities (entity bombs, external entities) is refused
before parsing, whatever the file's encoding; memory stays flat however large the file, and
``read_tbx`` has limits (``max_concepts``, ``max_terms`` per concept, ``max_term_chars``)
over which the file is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import BinaryIO, NamedTuple

from lxml import etree

from tmx.reader import (
    SAFE_PARSING,
    HostileDoctype,
    StreamGuard,
    check_doctype,
    is_entity_trouble,
    probe_root,
    read_head,
)
from tmx.units import N_

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The administrative statuses of TBX-Basic (``preferredTerm-admn-sts`` ...), as they are
# kept; the older normativeAuthorization values (``preferredTerm`` ...) mean the same.
STATUSES = ("preferred", "admitted", "deprecated", "superseded", "notRecommended", "obsolete",
            "standardized", "legal", "regulated")
_STATUS_BY_KEY = {status.lower(): status for status in STATUSES}
# What each status means to a workbench that knows only preferred, admitted and deprecated.
PLAIN_STATUS = {"preferred": "preferred", "standardized": "preferred", "legal": "preferred",
                "regulated": "preferred", "admitted": "admitted", "": "admitted",
                "deprecated": "deprecated", "superseded": "deprecated",
                "notRecommended": "deprecated", "obsolete": "deprecated"}
STATUS_KINDS = ("administrativeStatus", "normativeAuthorization")

# Where a data category goes in a DCA file; any other kind is a <termNote> on a term and a
# <descrip> above it, and a detail with a link (an http(s) ``target``) is an <xref>.
DESCRIP_KINDS = frozenset({"definition", "subjectField", "context", "explanation", "example",
                           "relatedConcept", "relatedConceptBroader", "relatedConceptNarrower",
                           "figure", "reliabilityCode", "sampleSentence"})
ADMIN_KINDS = frozenset({"source", "customerSubset", "projectSubset", "productSubset",
                         "businessUnitSubset", "sourceIdentifier", "entrySource",
                         "originatingDatabase", "conceptOrigin", "elementWorkingStatus",
                         "securitySubset", "applicationSubset", "environmentSubset"})
REF_KINDS = frozenset({"crossReference"})
LINK = re.compile(r"https?://\S+")
# An internal reference's target: an xsd:IDREF, the id of another element of the file.
IDREF = re.compile(r"[A-Za-z_][\w.\-]*")
DATE = re.compile(r"\s*(\d{4})-?(\d\d)-?(\d\d)")

MAX_BYTES = 50 * 1024 * 1024
MAX_CONCEPTS = 50_000
MAX_TERMS = 1_000  # in one concept, all languages together
MAX_TERM_CHARS = 1_000
MAX_NODES = 100_000  # elements and attributes in one concept, or in the title's element
TITLES = ("sourceDesc", "title")  # the first one in the file gives the termbase's title


class TbxError(ValueError):
    """A TBX file that cannot be read; the message says why, in plain words.

    As with ``TmxParseError``, ``template`` and ``params`` let an application translate it.
    """

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params if params else template)
        self.template = template
        self.params = params


class Detail(NamedTuple):
    """One piece of information about a concept, a language or a term: its data category
    (``definition``, ``note``, ``subjectField``, ``context``, ``partOfSpeech``, ``termType``,
    ``source`` ...), its text, the target of a reference and the source the file cites for
    it. A target is an http(s) link (an external ``xref``: ``xGraphic`` ...) or the id of
    another concept of the same file (an internal ``ref``: ``crossReference``,
    ``relatedConcept`` ...); an internal target naming no concept of the file is not kept."""

    kind: str
    text: str
    target: str = ""
    source: str = ""


class Transaction(NamedTuple):
    """Who did what to an entry, and when: ``origination`` or ``modification``, the date
    (``YYYY-MM-DD``, as TBX has it) and the person responsible."""

    kind: str
    date: str = ""
    responsibility: str = ""


class LanguageSection(NamedTuple):
    """What a concept says about one of its languages, apart from the terms: definitions
    and notes in that language, and its transactions."""

    lang: str
    details: tuple[Detail, ...] = ()
    transactions: tuple[Transaction, ...] = ()


def plain_status(status: str) -> str:
    """What a TBX status means where only preferred, admitted and deprecated exist:
    standardized, legal and regulated terms are preferred; superseded, obsolete and not
    recommended ones deprecated; a term without a status is admitted."""
    return PLAIN_STATUS.get(status, "admitted")


def _settle(entry: object, fields: Iterable[tuple[str, str]]) -> None:
    # The one-value fields (``note``, ``definition``, ``subject``) and ``details`` say the
    # same: a field given alone becomes a detail, and a field not given is the first detail
    # of its kind.
    details: tuple[Detail, ...] = entry.details  # type: ignore[attr-defined]
    added = []
    for field, kind in fields:
        value = getattr(entry, field)
        first = next((d.text for d in details if d.kind == kind), None)
        if first is None and value:
            added.append(Detail(kind, value))
        elif first is not None and not value:
            object.__setattr__(entry, field, first)
    if added:
        object.__setattr__(entry, "details", (*details, *added))


@dataclass(frozen=True, slots=True)
class TermEntry:
    """A term of a concept in one language, with its administrative status (one of
    ``STATUSES``, or "" when the file gives none), its details and transactions; ``note``
    is its first note."""

    lang: str
    text: str
    status: str = "admitted"
    note: str = ""
    details: tuple[Detail, ...] = ()
    transactions: tuple[Transaction, ...] = ()

    def __post_init__(self) -> None:
        _settle(self, (("note", "note"),))


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept (TBX conceptEntry): its terms in every language, its own details and
    transactions, and those of its languages. ``definition``, ``subject`` and ``note`` are
    the first concept-level detail of each kind."""

    id: str
    terms: tuple[TermEntry, ...] = ()
    definition: str = ""
    subject: str = ""
    note: str = ""
    details: tuple[Detail, ...] = ()
    languages: tuple[LanguageSection, ...] = ()
    transactions: tuple[Transaction, ...] = ()

    def __post_init__(self) -> None:
        _settle(self, (("subject", "subjectField"), ("definition", "definition"),
                       ("note", "note")))

    def language(self, lang: str) -> LanguageSection:
        """What the concept says about ``lang`` (an empty section when nothing)."""
        return next((s for s in self.languages if s.lang == lang), LanguageSection(lang))


@dataclass(frozen=True, slots=True)
class Termbase:
    """A termbase: its concepts, the language of its header, and a description."""

    concepts: tuple[Concept, ...] = ()
    lang: str = "en"
    title: str = ""


def write_tbx(termbase: Termbase, out: BinaryIO) -> None:
    """Write the termbase as TBX v3, TBX-Basic dialect, DCA style, in UTF-8 (see
    ``tmx.tbx_writer``)."""
    from tmx.tbx_writer import write_tbx as write

    write(termbase, out)


def read_tbx(source: BinaryIO, *, name: str = "the TBX file",
             max_concepts: int = MAX_CONCEPTS, max_terms: int = MAX_TERMS,
             max_term_chars: int = MAX_TERM_CHARS) -> Termbase:
    """The termbase in a TBX v3 (``tbx``, DCA or DCT style) or v2 (``martif``) file, read as
    a stream.

    Raises ``TbxError`` when the file is not a termbase, is malformed, looks hostile, or has
    more than ``max_concepts`` concepts, more than ``max_terms`` terms in a concept or a term
    longer than ``max_term_chars`` characters (or a concept, or the element of the title,
    with more than ``MAX_NODES`` elements and attributes; or is larger than ``MAX_BYTES``).
    The whole file is read before anything is returned, so a refusal stores nothing. Memory
    stays flat: each concept is dropped from the tree once read, and everything else is
    dropped as it is parsed.
    """
    head = read_head(source)
    if not head.strip():
        raise TbxError(N_("%(name)s is empty."), name=name)
    try:
        root = probe_root(head)
        if root is not None:
            check_doctype(root, head, lambda _url: True)  # a DTD it names is never loaded
    except HostileDoctype:
        raise TbxError(ENTITIES_REFUSED, name=name) from None
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, name) from None
    if root is None:
        raise TbxError(N_("%(name)s is not a termbase: no <tbx> or <martif> element begins "
                          "in its first 64 KB."), name=name)
    kind = _local(root)
    if kind not in VERSIONS:
        raise TbxError(N_("%(name)s is not a termbase: its root element is <%(element)s>, not "
                          "<tbx> (TBX v3) or <martif> (TBX v2)."), name=name, element=kind)
    reading = _Reading(source, head, name, VERSIONS[kind],
                       _Limits(max_concepts, max_terms, max_term_chars))
    try:
        concepts, title, lang = reading.run(root.tag)
    except etree.XMLSyntaxError as error:
        raise _syntax_error(error, name) from None
    return Termbase(concepts, lang, title)


ENTITIES_REFUSED = N_("%(name)s declares entities in its document type; such files can expand "
                      "without end or read other files, so it was refused.")


def _syntax_error(error: etree.XMLSyntaxError, name: str) -> TbxError:
    if is_entity_trouble(error.msg or ""):
        return TbxError(ENTITIES_REFUSED, name=name)
    return TbxError(N_("%(name)s is not well-formed XML: %(detail)s (line %(line)s)."),
                    name=name, detail=error.msg, line=error.lineno)


class _Version(NamedTuple):
    entry: str  # the concept's element
    lang_section: str
    term_sections: tuple[str, ...]


VERSIONS = {"tbx": _Version("conceptEntry", "langSec", ("termSec",)),
            "martif": _Version("termEntry", "langSet", ("tig", "ntig"))}


class _Limits(NamedTuple):
    concepts: int
    terms: int
    term_chars: int


class _Reading:
    """One pass of iterparse over the file: the root, the title, the concepts."""

    def __init__(self, source: BinaryIO, head: bytes, name: str, version: _Version,
                 limits: _Limits) -> None:
        self.name = name
        self.version = version
        self.limits = limits
        self.concepts: list[Concept] = []
        self.ids: set[str] = set()  # the ids the file gives its concepts
        self.guard = StreamGuard(source, head, max_bytes=MAX_BYTES, too_large=self._too_large)
        self.guard.check = self._check

    def _too_large(self) -> TbxError:
        return TbxError(N_("%(name)s is larger than %(size)s MB."), name=self.name,
                        size=MAX_BYTES // (1024 * 1024))

    def _check(self, kept: etree._Element, nodes: int) -> None:
        # Called between reads on the element being read, so that it is refused as it grows.
        if _local(kept) == self.version.entry:
            terms = sum(1 for _ in islice(kept.iter("{*}term"), self.limits.terms + 1))
            if terms > self.limits.terms:
                raise self._too_many_terms(kept, len(self.concepts))
        if nodes > MAX_NODES:
            raise TbxError(N_("%(name)s has a <%(element)s> (line %(line)s) holding more than "
                              "%(count)s elements and attributes, so it was refused."),
                           name=self.name, element=_local(kept), line=kept.sourceline,
                           count=f"{MAX_NODES:,}")

    def _too_many_terms(self, entry: etree._Element, number: int) -> TbxError:
        return TbxError(N_("Concept %(concept)s of %(name)s has more than %(count)s terms, so "
                           "the file was refused."), name=self.name,
                        concept=entry.get("id") or number + 1, count=f"{self.limits.terms:,}")

    def run(self, root_tag: str) -> tuple[tuple[Concept, ...], str, str]:
        guard, entry_tag, limits = self.guard, self.version.entry, self.limits
        concepts = self.concepts
        lang, title = "en", None
        title_element: etree._Element | None = None
        # The header is no concept, but holds the title; anything else is dropped unread.
        parser = etree.iterparse(guard, events=("start", "end"),
                                 tag=(root_tag, "{*}" + entry_tag, *("{*}" + t for t in TITLES)),
                                 **SAFE_PARSING)
        for event, element in parser:
            local = _local(element)
            if event == "start":
                if guard.root is None:
                    guard.root = element
                    lang = element.get(XML_LANG, "en")
                elif local == entry_tag or (local in TITLES and title is None
                                            and title_element is None):
                    if local != entry_tag:
                        title_element = element
                    if guard.kept is None:
                        guard.kept = element
                continue
            if element is title_element:
                title, title_element = _title(element), None
            if local == entry_tag:
                if len(concepts) == limits.concepts:
                    raise TbxError(N_("%(name)s holds more than %(count)s concepts, the most "
                                      "one import takes, so it was refused."),
                                   name=self.name, count=f"{limits.concepts:,}")
                concepts.append(self._concept(element, len(concepts)))
                element.clear(keep_tail=True)
            if element is guard.kept:
                guard.kept = None
        # Internal references: kept when they name a concept of the file (the writer maps
        # them to the ids it writes), left out otherwise (a term's id, an id of no element).
        ids = frozenset(self.ids)
        resolved = tuple(_resolved(concept, ids) for concept in concepts)
        return resolved, title or "", lang

    def _concept(self, entry: etree._Element, number: int) -> Concept:
        version = self.version
        label = entry.get("id") or number + 1
        terms: list[TermEntry] = []
        languages: dict[str, tuple[list[Detail], list[Transaction]]] = {}
        for lang_sec in _children(entry, version.lang_section):
            lang = lang_sec.get(XML_LANG) or lang_sec.get("lang") or ""
            if not lang:
                raise TbxError(N_("Concept %(concept)s has a language section without "
                                  "xml:lang."), concept=label)
            details, transactions = languages.setdefault(lang, ([], []))
            _information(lang_sec, details, transactions)
            for term_sec in _children(lang_sec, *version.term_sections):
                term = self._term(term_sec, lang, label)
                if term is not None:
                    terms.append(term)
                    if len(terms) > self.limits.terms:
                        raise self._too_many_terms(entry, number)
        details, transactions = [], []
        _information(entry, details, transactions)
        with_terms = {t.lang for t in terms}
        if entry.get("id") and terms:
            self.ids.add(entry.get("id", ""))
        return Concept(
            id=entry.get("id") or f"c{number + 1}",
            terms=tuple(terms),
            details=tuple(details),
            transactions=tuple(transactions),
            languages=tuple(LanguageSection(lang, tuple(d), tuple(t))
                            for lang, (d, t) in languages.items()
                            if (d or t) and lang in with_terms),
        )

    def _term(self, term_sec: etree._Element, lang: str, concept: object) -> TermEntry | None:
        group = next(_children(term_sec, "termGrp"), None)  # TBX v2's <ntig>
        holder = term_sec if group is None else group
        term = next(_children(holder, "term"), None)
        if term is None:
            return None
        text = _text(term).strip()
        if not text:
            return None
        if len(text) > self.limits.term_chars:
            raise TbxError(N_("Concept %(concept)s of %(name)s has a term longer than "
                              "%(count)s characters, so the file was refused."),
                           name=self.name, concept=concept,
                           count=f"{self.limits.term_chars:,}")
        details: list[Detail] = []
        transactions: list[Transaction] = []
        if group is not None:
            _information(group, details, transactions)
        _information(term_sec, details, transactions)
        status = ""  # the first one TBX knows; one it does not stays a detail, as given
        for detail in [d for d in details if d.kind in STATUS_KINDS]:
            known = _STATUS_BY_KEY.get(_status_key(detail.text))
            if known:
                status = status or known
                details.remove(detail)
        # Term notes come first in a term section: the order a written file has.
        details.sort(key=lambda d: not is_term_note(d))
        return TermEntry(lang, text, status, details=tuple(details),
                         transactions=tuple(transactions))


def is_term_note(detail: Detail) -> bool:
    """Whether a term's detail is written as a <termNote> (part of speech, term type ...)."""
    kind = detail.kind
    return not (detail.target or kind == "note" or kind in DESCRIP_KINDS
                or kind in ADMIN_KINDS or kind in REF_KINDS)


def _status_key(value: str) -> str:
    key = value.strip().lower()
    key = key.removesuffix("-admn-sts")
    return key.removesuffix("term")


# Elements that hold information about the element they are in (DCA style; a DCT file has
# an element named for each data category instead, in another namespace).
_DCA_ELEMENTS = frozenset({"descrip", "admin", "termNote", "ref", "xref", "descripNote",
                           "adminNote"})
_GROUPS = frozenset({"descripGrp", "adminGrp", "termNoteGrp"})


def _information(element: etree._Element, details: list[Detail],
                 transactions: list[Transaction]) -> None:
    """Add the details and transactions ``element`` holds (its own, not those of the
    sections inside it) to ``details`` and ``transactions``."""
    for child in element:
        local = _local(child)
        if not local:
            continue
        if local == "transacGrp":
            transactions.append(_transaction(child))
        elif local in _GROUPS:
            _group(child, details, transactions)
        else:
            detail = _detail(child)
            if detail is not None:
                details.append(detail)


def _detail(element: etree._Element) -> Detail | None:
    local = _local(element)
    if _is_dct(element):
        kind = local
    elif local == "note":
        kind = "note"
    elif local in _DCA_ELEMENTS:
        kind = element.get("type", "").strip()
    else:
        return None
    if not kind:
        return None
    target = element.get("target", "").strip()
    # An internal target is kept for now; ``_Reading.run`` drops it unless it names a
    # concept of the file, once every concept's id is known.
    keep = LINK.fullmatch(target) or IDREF.fullmatch(target)
    return Detail(kind, _text(element), target if keep else "")


def is_internal(detail: Detail) -> bool:
    """Whether ``detail`` refers to another element of its file (a target, not a link)."""
    return bool(detail.target) and not LINK.fullmatch(detail.target)


def _resolved(concept: Concept, ids: frozenset[str]) -> Concept:
    """``concept`` with the internal targets that name no concept of ``ids`` left out."""
    def keep(details: tuple[Detail, ...]) -> tuple[Detail, ...]:
        if not any(is_internal(d) and d.target not in ids for d in details):
            return details
        return tuple(d._replace(target="") if is_internal(d) and d.target not in ids else d
                     for d in details)

    return replace(
        concept,
        details=keep(concept.details),
        # A term's detail whose target is dropped may now be a term note: those come first.
        terms=tuple(replace(t, details=tuple(sorted(keep(t.details),
                                                    key=lambda d: not is_term_note(d))))
                    for t in concept.terms),
        languages=tuple(s._replace(details=keep(s.details)) for s in concept.languages))


def _group(group: etree._Element, details: list[Detail],
           transactions: list[Transaction]) -> None:
    # <descripGrp>: the description, then the source it cites (and possibly more).
    main: Detail | None = None
    rest: list[Detail] = []
    for child in group:
        if _local(child) == "transacGrp":
            transactions.append(_transaction(child))
            continue
        detail = _detail(child)
        if detail is None:
            continue
        if main is None and detail.kind != "note":
            main = detail
        elif main is not None and detail.kind == "source" and not main.source:
            main = main._replace(source=detail.text)
        else:
            rest.append(detail)
    details.extend(([main] if main is not None else []) + rest)


def _transaction(group: etree._Element) -> Transaction:
    kind = date = responsibility = ""
    for child in group:
        local = _local(child)
        dct = _is_dct(child)
        if (local == "transac" and not dct) or (dct and local == "transactionType"):
            kind = kind or _text(child).strip()
        elif local == "date":
            date = date or _date(_text(child))
        elif ((local == "transacNote" and not dct and child.get("type") == "responsibility")
              or (dct and local == "responsibility")):
            responsibility = responsibility or _text(child).strip()
    return Transaction(kind, date, responsibility)


def _date(text: str) -> str:
    """A date as TBX writes it (``2010-04-17``), whatever the file's spelling of it."""
    found = DATE.match(text)
    return "-".join(found.groups()) if found else text.strip()


def _is_dct(element: etree._Element) -> bool:
    # A data category as an element of its own namespace (TBX-Basic's DCT style: min:,
    # basic: ...), not one of TBX's (ISO 30042's, whichever edition) nor of none (TBX v2).
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return False
    namespace = tag[1:].partition("}")[0]
    return "30042" not in namespace and "ns/tbx" not in namespace


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child) in names and not _is_dct(child):
            yield child


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _title(element: etree._Element) -> str:
    if _local(element) == "sourceDesc":
        return " ".join(_text(p).strip() for p in _children(element, "p"))
    return _text(element).strip()
