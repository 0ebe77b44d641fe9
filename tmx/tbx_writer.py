"""Write a termbase as TBX v3, TBX-Basic dialect, DCA style: the form LTAC's TBX-Basic
schemas (the core RelaxNG ``TBXcoreStructV03.rng`` and the dialect's Schematron) check.

Every detail of a concept, a language and a term goes out with its data category as the
``type`` of the element TBX-Basic puts it in (``<descrip>``, ``<admin>``, ``<termNote>``,
``<note>``, ``<xref>`` for a link, ``<ref>`` for a reference to another concept of the
termbase; a definition or context that cites a source as a ``<descripGrp>``), each
transaction as a ``<transacGrp>``. A reference's target is the id the other concept gets in
the file written; one to a concept not written (it has no terms) or not in the termbase
loses its target and keeps its text. What the schemas refuse is left out rather than
written wrong: a concept without terms (a ``<conceptEntry>`` needs a ``<langSec>``, and
that a ``<termSec>``), a date that is no date, an identifier that is no XML name (the
concept gets ``c`` and its number instead). Characters XML 1.0 cannot carry are dropped
(``tmx.units.xml_safe``, as the TMX writer does).
"""

from __future__ import annotations

import re
from typing import BinaryIO

from lxml import etree

from tmx.tbx import (
    ADMIN_KINDS,
    REF_KINDS,
    TBX_NS,
    XML_LANG,
    Concept,
    Detail,
    Termbase,
    TermEntry,
    Transaction,
    is_internal,
    is_term_note,
)
from tmx.units import xml_safe

# Where LTAC keeps TBX-Basic's schemas since version 1.2.1 (February 2023), as its own
# sample files name them: the core RelaxNG and the dialect's Schematron for the DCA style.
RNG_URL = "https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/TBXcoreStructV03.rng"
SCH_URL = ("https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
           "TBX-Basic_DCA.sch")
SCHEMAS = (
    (RNG_URL, "http://relaxng.org/ns/structure/1.0"),
    (SCH_URL, "http://purl.oclc.org/dsdl/schematron"),
)
XML_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def write_tbx(termbase: Termbase, out: BinaryIO) -> None:
    """Write the termbase as TBX v3, TBX-Basic dialect, DCA style, in UTF-8."""
    root = etree.Element(_tag("tbx"), nsmap={None: TBX_NS})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, xml_safe(termbase.lang) or "en")
    header = _sub(root, "tbxHeader")
    _sub(_sub(_sub(header, "fileDesc"), "sourceDesc"), "p").text = xml_safe(termbase.title)
    body = _sub(_sub(root, "text"), "body")
    used: set[str] = set()
    # The id each concept written gets: an internal reference's target is rewritten to it.
    written = [(concept, _identifier(concept.id, number, used))
               for number, concept in enumerate(termbase.concepts, 1) if concept.terms]
    ids: dict[str, str] = {}
    for concept, identifier in written:
        ids.setdefault(concept.id, identifier)
    for concept, identifier in written:
        _concept_element(body, concept, identifier, ids)
    document = etree.ElementTree(root)
    for href, schema_type in SCHEMAS:
        root.addprevious(etree.PI(
            "xml-model", f'href="{href}" type="application/xml" schematypens="{schema_type}"'))
    document.write(out, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _identifier(given: str, number: int, used: set[str]) -> str:
    # An xsd:ID, unique in the file: the concept's own when it is one.
    name = given if XML_NAME.fullmatch(given) and given not in used else f"c{number}"
    while name in used:
        name += "x"
    used.add(name)
    return name


def _tag(name: str) -> str:
    return f"{{{TBX_NS}}}{name}"


def _sub(parent: etree._Element, name: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, _tag(name), attributes)


def _concept_element(body: etree._Element, concept: Concept, identifier: str,
                     ids: dict[str, str]) -> None:
    entry = _sub(body, "conceptEntry", id=identifier)
    _transactions(entry, concept.transactions)
    _details(entry, _targeted(concept.details, ids))
    by_lang: dict[str, list[TermEntry]] = {}
    for term in concept.terms:
        by_lang.setdefault(term.lang, []).append(term)
    for lang, terms in by_lang.items():
        lang_sec = _sub(entry, "langSec")
        lang_sec.set(XML_LANG, xml_safe(lang))
        section = concept.language(lang)
        _transactions(lang_sec, section.transactions)
        _details(lang_sec, _targeted(section.details, ids))
        for term in terms:
            _term_element(lang_sec, term, ids)


def _targeted(details: tuple[Detail, ...], ids: dict[str, str]) -> tuple[Detail, ...]:
    """``details`` with each internal target rewritten to the id its concept is written
    with, or dropped when that concept is not written."""
    return tuple(d._replace(target=ids.get(d.target, "")) if is_internal(d) else d
                 for d in details)


def _term_element(lang_sec: etree._Element, term: TermEntry, ids: dict[str, str]) -> None:
    details = _targeted(term.details, ids)
    term_sec = _sub(lang_sec, "termSec")
    _sub(term_sec, "term").text = xml_safe(term.text)
    # The core schema wants the term notes right after the term, the rest after them.
    if term.status:
        _sub(term_sec, "termNote", type="administrativeStatus").text = \
            f"{term.status}Term-admn-sts"
    notes = [d for d in details if is_term_note(d)]
    for detail in notes:
        _detail(term_sec, detail, "termNote")
    _transactions(term_sec, term.transactions)
    _details(term_sec, [d for d in details if not is_term_note(d)])


def _details(parent: etree._Element, details: list[Detail] | tuple[Detail, ...]) -> None:
    for detail in details:
        if detail.target and is_internal(detail):
            element = "ref"  # a reference to another concept: an IDREF
        elif detail.target:
            element = "xref"
        elif detail.kind == "note":
            element = "note"
        elif detail.kind in ADMIN_KINDS:
            element = "admin"
        elif detail.kind in REF_KINDS:
            element = "ref"
        else:
            element = "descrip"  # the DESCRIP_KINDS, and any other kind above a term
        _detail(parent, detail, element)


def _detail(parent: etree._Element, detail: Detail, element: str) -> None:
    holder = parent
    if detail.source and element in ("descrip", "termNote"):
        holder = _sub(parent, element + "Grp")
    if element == "note":
        written = _sub(holder, "note")
    elif element == "xref" or (element == "ref" and detail.target):
        written = _sub(holder, element, type=xml_safe(detail.kind),
                       target=xml_safe(detail.target))
    else:
        written = _sub(holder, element, type=xml_safe(detail.kind))
    written.text = xml_safe(detail.text)
    if holder is not parent:
        _sub(holder, "admin", type="source").text = xml_safe(detail.source)


def _transactions(parent: etree._Element, transactions: tuple[Transaction, ...]) -> None:
    for transaction in transactions:
        group = _sub(parent, "transacGrp")
        _sub(group, "transac", type="transactionType").text = xml_safe(transaction.kind)
        if ISO_DATE.fullmatch(transaction.date):
            _sub(group, "date").text = transaction.date
        if transaction.responsibility:
            _sub(group, "transacNote", type="responsibility").text = \
                xml_safe(transaction.responsibility)

