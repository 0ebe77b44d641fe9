"""TBX termbases: write TBX v3 (TBX-Basic dialect, DCA style); read TBX v3 and v2 (martif).

Pure over binary streams. Files from outside are read as a stream, with the TMX reader's
guards (``tmx.reader``): without resolving entities, without the network and without loading
a DTD; a document type that declares entities (entity bombs, external entities) is refused
before parsing, whatever the file's encoding; memory stays flat however large the file, and
``read_tbx`` has limits (``max_concepts``, ``max_terms`` per concept, ``max_term_chars``)
over which the file is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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
STATUSES = ("preferred", "admitted", "deprecated")
STATUS_VALUES = {s: f"{s}Term-admn-sts" for s in STATUSES}
# TBX v2 and older exports spell the statuses several ways.
STATUS_FROM_TBX = {
    "preferredterm-admn-sts": "preferred",
    "admittedterm-admn-sts": "admitted",
    "deprecatedterm-admn-sts": "deprecated",
    "supersededterm-admn-sts": "deprecated",
    "preferredterm": "preferred",
    "admittedterm": "admitted",
    "deprecatedterm": "deprecated",
    "supersededterm": "deprecated",
    "legalterm": "preferred",
    "regulatedterm": "preferred",
    "standardizedterm": "preferred",
}
MAX_BYTES = 50 * 1024 * 1024
MAX_CONCEPTS = 50_000
MAX_TERMS = 1_000  # in one concept, all languages together
MAX_TERM_CHARS = 1_000
MAX_NODES = 100_000  # elements and attributes in one concept, or in the title's element
TITLES = ("sourceDesc", "title")  # the first one in the file gives the termbase's title
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TbxError(ValueError):
    """A TBX file that cannot be read; the message says why, in plain words.

    As with ``TmxParseError``, ``template`` and ``params`` let an application translate it.
    """

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params if params else template)
        self.template = template
        self.params = params


@dataclass(frozen=True, slots=True)
class TermEntry:
    """A term of a concept in one language, with its administrative status."""

    lang: str
    text: str
    status: str = "admitted"  # preferred | admitted | deprecated
    note: str = ""


@dataclass(frozen=True, slots=True)
class Concept:
    """A concept (TBX conceptEntry) and its terms in every language."""

    id: str
    terms: tuple[TermEntry, ...] = ()
    definition: str = ""
    subject: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Termbase:
    """A termbase: its concepts, the language of its header, and a description."""

    concepts: tuple[Concept, ...] = ()
    lang: str = "en"
    title: str = ""


def clean(text: str) -> str:
    """The text without the control characters XML 1.0 cannot carry."""
    return XML_ILLEGAL.sub("", text)


def write_tbx(termbase: Termbase, out: BinaryIO) -> None:
    """Write the termbase as TBX v3, TBX-Basic dialect, DCA style, in UTF-8."""
    root = etree.Element(_tag("tbx"), nsmap={None: TBX_NS})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, termbase.lang)
    header = _sub(root, "tbxHeader")
    _sub(_sub(_sub(header, "fileDesc"), "sourceDesc"), "p").text = clean(termbase.title)
    body = _sub(_sub(root, "text"), "body")
    for concept in termbase.concepts:
        _concept_element(body, concept)
    document = etree.ElementTree(root)
    root.addprevious(etree.PI("xml-model", RNG_MODEL))
    document.write(out, xml_declaration=True, encoding="utf-8", pretty_print=True)


RNG_MODEL = (
    'href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/'
    'TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" '
    'schematypens="http://relaxng.org/ns/structure/1.0"'
)


def _tag(name: str) -> str:
    return f"{{{TBX_NS}}}{name}"


def _sub(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, _tag(name), attributes)


def _concept_element(body: etree._Element, concept: Concept) -> None:
    entry = _sub(body, "conceptEntry", id=clean(concept.id))
    for kind, value in (("subjectField", concept.subject), ("definition", concept.definition)):
        if value:
            _sub(entry, "descrip", type=kind).text = clean(value)
    if concept.note:
        _sub(entry, "note").text = clean(concept.note)
    by_lang: dict[str, list[TermEntry]] = {}
    for term in concept.terms:
        by_lang.setdefault(term.lang, []).append(term)
    for lang, terms in by_lang.items():
        lang_sec = _sub(entry, "langSec")
        lang_sec.set(XML_LANG, lang)
        for term in terms:
            term_sec = _sub(lang_sec, "termSec")
            _sub(term_sec, "term").text = clean(term.text)
            status = _sub(term_sec, "termNote", type="administrativeStatus")
            status.text = STATUS_VALUES[term.status]
            if term.note:
                _sub(term_sec, "note").text = clean(term.note)


def read_tbx(source: BinaryIO, *, name: str = "the TBX file",
             max_concepts: int = MAX_CONCEPTS, max_terms: int = MAX_TERMS,
             max_term_chars: int = MAX_TERM_CHARS) -> Termbase:
    """The termbase in a TBX v3 (``tbx``) or v2 (``martif``) file, read as a stream.

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
        return tuple(concepts), title or "", lang

    def _concept(self, entry: etree._Element, number: int) -> Concept:
        version, limits = self.version, self.limits
        descrips = _descrips(entry)
        terms: list[TermEntry] = []
        for lang_sec in _children(entry, version.lang_section):
            lang = lang_sec.get(XML_LANG) or lang_sec.get("lang") or ""
            if not lang:
                raise TbxError(N_("Concept %(concept)s has a language section without "
                                  "xml:lang."), concept=entry.get("id") or number + 1)
            for term_sec in _children(lang_sec, *version.term_sections):
                term = next((e for e in term_sec.iter() if _local(e) == "term"), None)
                if term is None:
                    continue
                text = _text(term)
                if not text.strip():
                    continue
                if len(text) > limits.term_chars:
                    raise TbxError(N_("Concept %(concept)s of %(name)s has a term longer than "
                                      "%(count)s characters, so the file was refused."),
                                   name=self.name, concept=entry.get("id") or number + 1,
                                   count=f"{limits.term_chars:,}")
                terms.append(TermEntry(lang, text, _status(term_sec), _note(term_sec)))
                if len(terms) > limits.terms:
                    raise self._too_many_terms(entry, number)
        return Concept(
            id=entry.get("id") or f"c{number + 1}",
            terms=tuple(terms),
            definition=descrips.get("definition", ""),
            subject=descrips.get("subjectField", ""),
            note=_note(entry),
        )


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child) in names:
            yield child


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _title(element: etree._Element) -> str:
    if _local(element) == "sourceDesc":
        return " ".join(_text(p).strip() for p in _children(element, "p"))
    return _text(element).strip()


def _descrips(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for child in element:
        if _local(child) == "descrip":
            found.setdefault(child.get("type", ""), _text(child))
        elif _local(child) in ("descripGrp",):
            found.update({k: v for k, v in _descrips(child).items() if k not in found})
    return found


def _note(element: etree._Element) -> str:
    return next((_text(n) for n in _children(element, "note")), "")


def _status(term_sec: etree._Element) -> str:
    for element in term_sec.iter():
        if _local(element) == "termNote" and element.get("type") in (
            "administrativeStatus", "normativeAuthorization"
        ):
            value = _text(element).strip().lower()
            if value in STATUS_FROM_TBX:
                return STATUS_FROM_TBX[value]
    return "admitted"
