"""Write TMX 1.4b, streaming: one ``<tu>`` at a time, so memory stays flat on any size."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import IO

from lxml import etree

from tmx.units import (
    SEGTYPES,
    TU_ATTRIBUTES,
    TUV_ATTRIBUTES,
    XML_FORBIDDEN,
    Pairs,
    TmxHeader,
    TranslationUnit,
    Variant,
    attribute_value,
    format_date,
    xml_safe,
)

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
BATCH_UNITS = 1_000
ANY_SOURCE = "*all*"
# The shape of a BCP 47 tag (en, en-GB, sr-Latn-RS, x-klingon), not a registry check.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def write_tmx(out: IO[bytes], units: Iterable[TranslationUnit], header: TmxHeader, *,
              min_variants: int = 2, body: IO[bytes] | None = None) -> int:
    """Write ``units`` to ``out`` as TMX 1.4b; gives back how many ``<tu>`` were written.

    Characters XML 1.0 forbids are stripped; all other text is kept exactly (spaces at
    either end, newlines, quotes). A variant whose text is empty or only whitespace is left
    out, and so is a unit left with fewer than ``min_variants`` variants: one-sided units are
    what CAT tools choke on. ``min_variants=1`` keeps them. Dates are written in UTC (a naive
    datetime is taken as UTC); property types go out as given (the workbench's own begin
    with ``x-``, as TMX recommends; a memoQ ``client`` stays ``client``). A unit's own
    ``srclang`` is written only when the unit has a variant in that language, and its other
    attributes only where the TMX 1.4b DTD allows them.

    The header declares ``header.srclang`` as it is. When the units may lack it, pass
    ``body``, an empty seekable binary file (a temporary one): the units are written there
    first, and the header declares ``header.srclang`` only if every unit written has a
    variant in it, ``*all*`` otherwise; then the file is written to ``out``.

    Raises ValueError for a header or language code TMX cannot express.
    """
    if min_variants < 1:
        raise ValueError("a <tu> needs at least one <tuv>: min_variants must be 1 or more")
    _header_element(header)  # refused before anything is written
    if body is None or header.srclang == ANY_SOURCE:
        return _write_file(out, header, lambda: _write_units(out, units, min_variants))
    written, lacking = _write_units(body, units, min_variants, header.srclang)
    if lacking:
        header = replace(header, srclang=ANY_SOURCE)

    def copy_body() -> tuple[int, int]:
        body.seek(0)
        shutil.copyfileobj(body, out)
        return written, lacking

    return _write_file(out, header, copy_body)


def _write_file(out: IO[bytes], header: TmxHeader,
                write_body: Callable[[], tuple[int, int]]) -> int:
    """The envelope written around what ``write_body`` writes to ``out``; the units written."""
    header_element = _header_element(header)
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
                written, _lacking = write_body()
            xf.write("\n")
    return written


def _write_units(out: IO[bytes], units: Iterable[TranslationUnit], min_variants: int,
                 source: str | None = None) -> tuple[int, int]:
    """Write the ``<tu>`` lines of ``units`` to ``out``: how many, and whether (1) or not (0)
    one of them lacks a variant in ``source`` (0 when ``source`` is None)."""
    # The units go straight to ``out`` between the envelope's tags: serialising them by hand
    # is four times faster than building lxml elements for each.
    written = lacking = 0
    batch: list[str] = []
    for unit in units:
        xml = _unit_xml(unit, min_variants)
        if xml:
            batch.append(xml)
            written += 1
            if source is not None and not lacking and not _has_text_in(unit, source):
                lacking = 1
            if len(batch) == BATCH_UNITS:
                out.write("".join(batch).encode("utf-8"))
                batch.clear()
    out.write("".join(batch).encode("utf-8"))
    return written, lacking


def _has_text_in(unit: TranslationUnit, lang: str) -> bool:
    """Whether ``unit`` goes out with a variant in ``lang`` (the case aside)."""
    folded = lang.casefold()
    return any((v.lang == lang or v.lang.casefold() == folded) and xml_safe(v.text).strip()
               for v in unit.variants)


def pair_units(units: Iterable[TranslationUnit], source_lang: str,
               target_lang: str) -> Iterator[TranslationUnit]:
    """The units cut down to one language pair, source first (memoQ and Trados import pairs).

    Languages match exactly or, failing that, ignoring case. Units lacking either language
    come out with one variant and are then skipped by ``write_tmx``; a unit's own srclang is
    kept only when it is ``source_lang`` (a pair file has one direction).
    """
    folded = source_lang.casefold()
    for unit in units:
        variants = tuple(v for v in (_variant_in(unit, source_lang), _variant_in(unit, target_lang))
                         if v is not None)
        # A pair file has one direction: a unit's own srclang stays only if it is the source.
        srclang = unit.srclang if unit.srclang and unit.srclang.casefold() == folded else None
        yield unit._replace(variants=variants, srclang=srclang)


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
        etree.SubElement(element, "prop", type=xml_safe(name)).text = xml_safe(value)
    return element


def _unit_xml(unit: TranslationUnit, min_variants: int = 2) -> str:
    """One ``<tu>`` as TMX 1.4b text (a line), or "" when the unit has too few variants."""
    tuid, variants, properties, created, changed, notes, srclang, attributes = unit
    # Most units carry nothing on their variants: those take the short way.
    rich = bool(attributes)
    if not rich:
        for variant in variants:
            if variant[2] or variant[3] or variant[4]:
                rich = True
                break
    if rich:
        careful = True
        tuid, variants, properties, created, changed, notes, srclang, attributes = \
            _stripped(unit)
    else:
        joined = "".join([v[1] for v in variants] + [value for _, value in properties])
        joined += "".join(notes) + (tuid or "")
        # One scan decides: the usual unit has nothing to strip or escape and goes out as it is.
        careful = _NEEDS_CARE.search(joined) is not None
        if careful and XML_FORBIDDEN.search(joined) is not None:
            tuid, variants, properties, created, changed, notes, srclang, attributes = \
                _stripped(unit)
    kept = [v for v in variants if v[1].strip()]
    if len(kept) < min_variants:
        return ""
    if srclang is not None:
        # Never declare a source language the unit lacks; spelled as its variant is.
        folded = srclang.casefold()
        srclang = next((v[0] for v in kept if v[0].casefold() == folded), None)
    escape = _text if careful else str  # str() of a str is the str itself
    return "".join([
        _unit_start(tuid, created, changed, srclang, attributes),
        *[f"<note>{escape(note)}</note>" for note in notes],
        *[f"{_prop_start(name)}{escape(value)}</prop>" for name, value in properties],
        *([_rich_tuv(v) for v in kept] if rich
          else [f"{_tuv_start(lang)}{escape(text)}</seg></tuv>" for lang, text, *_ in kept]),
        "</tu>\n",
    ])


def _unit_start(tuid: str | None, created: datetime | None, changed: datetime | None,
                srclang: str | None = None, attributes: Pairs = ()) -> str:
    start = "<tu" if tuid is None else f'<tu tuid="{_attribute(tuid)}"'
    if srclang is not None:
        start += f' srclang="{_check_lang(srclang)}"'
    if created is not None:
        start += f' creationdate="{_date(created)}"'
    if changed is not None:
        start += f' changedate="{_date(changed)}"'
    if attributes:
        start += _attributes(attributes, TU_ATTRIBUTES)
    return start + ">"


def _attributes(attributes: Pairs, allowed: tuple[str, ...]) -> str:
    """`` name="value"`` for each attribute the DTD allows (the first of a name), dates in
    TMX's form; what TMX cannot carry is left out."""
    written: set[str] = set()
    out = []
    for name, value in attributes:
        kept = attribute_value(name, value, allowed)
        if kept is not None and name not in written:
            written.add(name)
            out.append(f' {name}="{_attribute(kept)}"')
    return "".join(out)


def _rich_tuv(variant: Variant) -> str:
    """A ``<tuv>`` with its attributes, notes and properties (its texts already XML-safe)."""
    lang, text, attributes, properties, notes = variant
    return "".join([
        f'<tuv xml:lang="{_check_lang(lang)}"{_attributes(attributes, TUV_ATTRIBUTES)}>',
        *[f"<note>{_text(note)}</note>" for note in notes],
        *[f"{_prop_start(name)}{_text(value)}</prop>" for name, value in properties],
        f"<seg>{_text(text)}</seg></tuv>",
    ])


def _stripped(unit: TranslationUnit) -> TranslationUnit:
    safe = xml_safe
    return unit._replace(
        tuid=None if unit.tuid is None else safe(unit.tuid),
        variants=tuple(
            Variant(v.lang, safe(v.text), tuple((n, safe(x)) for n, x in v.attributes),
                    tuple((n, safe(x)) for n, x in v.properties), tuple(map(safe, v.notes)))
            for v in unit.variants),
        properties=tuple((name, safe(value)) for name, value in unit.properties),
        notes=tuple(map(safe, unit.notes)),
        attributes=tuple((name, safe(value)) for name, value in unit.attributes),
    )


@lru_cache(maxsize=1024)
def _date(moment: datetime) -> str:
    return format_date(moment)  # a memory's units share a few dates: each formatted once


@lru_cache(maxsize=1024)
def _prop_start(name: str) -> str:
    return f'<prop type="{_attribute(xml_safe(name))}">'


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
