"""Write TMX 1.4b, streaming: one ``<tu>`` at a time, so memory stays flat on any size."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import IO

from lxml import etree

from tmx.units import (
    XML_FORBIDDEN,
    TmxHeader,
    TranslationUnit,
    Variant,
    format_date,
    property_type,
    xml_safe,
)

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
BATCH_UNITS = 1_000
SEGTYPES = ("block", "paragraph", "sentence", "phrase")
# The shape of a BCP 47 tag (en, en-GB, sr-Latn-RS, x-klingon), not a registry check.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def write_tmx(out: IO[bytes], units: Iterable[TranslationUnit], header: TmxHeader, *,
              min_variants: int = 2) -> int:
    """Write ``units`` to ``out`` as TMX 1.4b; gives back how many ``<tu>`` were written.

    Characters XML 1.0 forbids are stripped; all other text is kept exactly (spaces at
    either end, newlines, quotes). A variant whose text is empty or only whitespace is left
    out, and so is a unit left with fewer than ``min_variants`` variants: one-sided units are
    what CAT tools choke on. ``min_variants=1`` keeps them. Dates are written in UTC (a naive
    datetime is taken as UTC); property types get the ``x-`` prefix TMX asks for.
    Raises ValueError for a header or language code TMX cannot express.
    """
    if min_variants < 1:
        raise ValueError("a <tu> needs at least one <tuv>: min_variants must be 1 or more")
    header_element = _header_element(header)
    written = 0
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        xf.write_doctype(DOCTYPE)
        with xf.element("tmx", version="1.4"):
            xf.write("\n")
            xf.write(header_element)
            xf.write("\n")
            with xf.element("body"):
                xf.write("\n")
                xf.flush()
                # The units go straight to ``out`` between the envelope's tags: serialising
                # them by hand is four times faster than building lxml elements for each.
                batch: list[str] = []
                for unit in units:
                    xml = _unit_xml(unit, min_variants)
                    if xml:
                        batch.append(xml)
                        written += 1
                        if len(batch) == BATCH_UNITS:
                            out.write("".join(batch).encode("utf-8"))
                            batch.clear()
                out.write("".join(batch).encode("utf-8"))
            xf.write("\n")
    return written


def pair_units(units: Iterable[TranslationUnit], source_lang: str,
               target_lang: str) -> Iterator[TranslationUnit]:
    """The units cut down to one language pair, source first (memoQ and Trados import pairs).

    Languages match exactly or, failing that, ignoring case. Units lacking either language
    come out with one variant and are then skipped by ``write_tmx``.
    """
    for unit in units:
        variants = tuple(v for v in (_variant_in(unit, source_lang), _variant_in(unit, target_lang))
                         if v is not None)
        yield unit._replace(variants=variants)


def write_tmx_pair(out: IO[bytes], units: Iterable[TranslationUnit], header: TmxHeader,
                   source_lang: str, target_lang: str) -> int:
    """Write the ``source_lang``/``target_lang`` pair of multilingual ``units``; gives the count."""
    pair_header = replace(header, srclang=source_lang)
    return write_tmx(out, pair_units(units, source_lang, target_lang), pair_header)


def _variant_in(unit: TranslationUnit, lang: str) -> Variant | None:
    for variant in unit.variants:
        if variant.lang == lang:
            return variant
    folded = lang.casefold()
    for variant in unit.variants:
        if variant.lang.casefold() == folded:
            return variant
    return None


@lru_cache(maxsize=1024)
def _check_lang(lang: str) -> str:
    if lang == "*all*":
        raise ValueError("a variant's language cannot be '*all*': that is for <header srclang>")
    if not LANGUAGE_TAG.fullmatch(lang):
        raise ValueError(f"'{lang}' is not a language code TMX accepts (like en-GB or ru-RU)")
    return lang


def _header_element(header: TmxHeader) -> etree._Element:
    if header.segtype not in SEGTYPES:
        raise ValueError(f"segtype must be one of {', '.join(SEGTYPES)}, not '{header.segtype}'")
    if header.srclang != "*all*":
        _check_lang(header.srclang)
    element = etree.Element("header", {
        "creationtool": xml_safe(header.creation_tool),
        "creationtoolversion": xml_safe(header.creation_tool_version),
        "segtype": header.segtype,
        "o-tmf": xml_safe(header.o_tmf),
        "adminlang": _check_lang(header.adminlang),
        "srclang": header.srclang,
        "datatype": xml_safe(header.datatype),
    })
    if header.creation_date is not None:
        element.set("creationdate", format_date(header.creation_date))
    for name, value in header.properties:
        etree.SubElement(element, "prop", type=xml_safe(property_type(name))).text = \
            xml_safe(value)
    return element


def _unit_xml(unit: TranslationUnit, min_variants: int = 2) -> str:
    """One ``<tu>`` as TMX 1.4b text (a line), or "" when the unit has too few variants."""
    tuid, variants, properties, created, changed, note = unit
    joined = "".join([text for _, text in variants] + [value for _, value in properties])
    joined += (note or "") + (tuid or "")
    # One scan decides: the usual unit has nothing to strip or escape and goes out as it is.
    careful = _NEEDS_CARE.search(joined) is not None
    if careful and XML_FORBIDDEN.search(joined) is not None:
        tuid, variants, properties, created, changed, note = _stripped(unit)
    kept = [(lang, text) for lang, text in variants if text.strip()]
    if len(kept) < min_variants:
        return ""
    escape = _text if careful else str  # str() of a str is the str itself
    return "".join([
        _unit_start(tuid, created, changed),
        "" if note is None else f"<note>{escape(note)}</note>",
        *[f"{_prop_start(name)}{escape(value)}</prop>" for name, value in properties],
        *[f"{_tuv_start(lang)}{escape(text)}</seg></tuv>" for lang, text in kept],
        "</tu>\n",
    ])


def _unit_start(tuid: str | None, created: datetime | None, changed: datetime | None) -> str:
    start = "<tu" if tuid is None else f'<tu tuid="{_attribute(tuid)}"'
    if created is not None:
        start += f' creationdate="{_date(created)}"'
    if changed is not None:
        start += f' changedate="{_date(changed)}"'
    return start + ">"


def _stripped(unit: TranslationUnit) -> TranslationUnit:
    return unit._replace(
        tuid=None if unit.tuid is None else xml_safe(unit.tuid),
        variants=tuple(Variant(v.lang, xml_safe(v.text)) for v in unit.variants),
        properties=tuple((name, xml_safe(value)) for name, value in unit.properties),
        note=None if unit.note is None else xml_safe(unit.note),
    )


@lru_cache(maxsize=1024)
def _date(moment: datetime) -> str:
    return format_date(moment)  # a memory's units share a few dates: each formatted once


@lru_cache(maxsize=1024)
def _prop_start(name: str) -> str:
    return f'<prop type="{_attribute(xml_safe(property_type(name)))}">'


@lru_cache(maxsize=1024)
def _tuv_start(lang: str) -> str:
    return f'<tuv xml:lang="{_check_lang(lang)}"><seg>'


_ESCAPED = re.compile(r"[&<>\r]")
# What text cannot carry as it is: a character XML forbids, or one to escape (& < > CR).
_NEEDS_CARE = re.compile("[^\t\n\u0020-\u0025\u0027-\u003b\u003d"
                         "\u003f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(text: str) -> str:
    # Most segments hold nothing to escape: one scan, and they go out as they are.
    if _ESCAPED.search(text) is None:
        return text
    # CR is written as a reference, or a parser would read it back as LF.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace("\r", "&#13;")


def _attribute(value: str) -> str:
    # Parsers turn a literal TAB, LF or CR in an attribute into a space; references survive.
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
