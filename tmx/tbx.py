"""TBX termbases: write TBX v3 (TBX-Basic dialect, DCA style); read TBX v3 and v2 (martif).

Pure over binary streams. Files from outside are parsed without resolving entities,
without the network and without loading a DTD; a document type with an internal subset
(where entity bombs and external entities live) is refused before parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

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
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


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


def read_tbx(source: BinaryIO, *, name: str = "the TBX file") -> Termbase:
    """The termbase in a TBX v3 (``tbx``) or v2 (``martif``) file."""
    data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TbxError(N_("%(name)s is larger than %(size)s MB."), name=name,
                       size=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise TbxError(N_("%(name)s is empty."), name=name)
    if DOCTYPE_SUBSET.search(data[:65536]) or b"<!ENTITY" in data:
        raise TbxError(N_("%(name)s declares entities in its document type; such files can "
                          "expand without end or read other files, so it was refused."),
                       name=name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise TbxError(N_("%(name)s is not well-formed XML: %(detail)s (line %(line)s)."),
                       name=name, detail=error.msg, line=error.lineno) from error
    tag = etree.QName(root).localname
    if tag == "tbx":
        return Termbase(tuple(_v3_concepts(root)), root.get(XML_LANG, "en"), _title(root))
    if tag == "martif":
        return Termbase(tuple(_v2_concepts(root)), root.get(XML_LANG, "en"), _title(root))
    raise TbxError(N_("%(name)s is not a termbase: its root element is <%(element)s>, not "
                      "<tbx> (TBX v3) or <martif> (TBX v2)."), name=name, element=tag)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        if _local(child) in names:
            yield child


def _text(element: etree._Element) -> str:
    return "".join(element.itertext())


def _title(root: etree._Element) -> str:
    for element in root.iter():
        if _local(element) == "sourceDesc":
            return " ".join(_text(p).strip() for p in _children(element, "p"))
        if _local(element) == "title":
            return _text(element).strip()
    return ""


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


def _v3_concepts(root: etree._Element) -> Iterator[Concept]:
    for number, entry in enumerate(e for e in root.iter() if _local(e) == "conceptEntry"):
        yield _concept(entry, number, "langSec", ("termSec",))


def _v2_concepts(root: etree._Element) -> Iterator[Concept]:
    for number, entry in enumerate(e for e in root.iter() if _local(e) == "termEntry"):
        yield _concept(entry, number, "langSet", ("tig", "ntig"))


def _concept(entry: etree._Element, number: int, lang_tag: str,
             term_tags: tuple[str, ...]) -> Concept:
    descrips = _descrips(entry)
    terms: list[TermEntry] = []
    for lang_sec in _children(entry, lang_tag):
        lang = lang_sec.get(XML_LANG) or lang_sec.get("lang") or ""
        if not lang:
            raise TbxError(N_("Concept %(concept)s has a language section without xml:lang."),
                           concept=entry.get("id") or number + 1)
        for term_sec in _children(lang_sec, *term_tags):
            term = next((e for e in term_sec.iter() if _local(e) == "term"), None)
            if term is None:
                continue
            text = _text(term)
            if not text.strip():
                continue
            terms.append(TermEntry(lang, text, _status(term_sec), _note(term_sec)))
    return Concept(
        id=entry.get("id") or f"c{number + 1}",
        terms=tuple(terms),
        definition=descrips.get("definition", ""),
        subject=descrips.get("subjectField", ""),
        note=_note(entry),
    )
