"""Check a TMX file against LISA's TMX 1.4b DTD (packaged with ``tmx``) and TMX's date rule."""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib.resources import files
from typing import BinaryIO

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_DATE = re.compile(r"\d{8}T\d{6}Z")
DATE_ATTRIBUTES = ("creationdate", "changedate", "lastusagedate")
# One DTD object is shared, and its error log is the last validation's: two threads checking
# at once read each other's log (an invalid file came back with no problems). One at a time.
_DTD_LOCK = threading.Lock()


@cache
def tmx14_dtd() -> etree.DTD:
    """The packaged TMX 1.4b DTD, loaded once."""
    with files("tmx").joinpath("resources/tmx14.dtd").open("rb") as dtd:
        return etree.DTD(dtd)


def validate_tmx(tmx: bytes | BinaryIO) -> list[str]:
    """The problems that make ``tmx`` (bytes or an open binary file) invalid TMX 1.4b; [] if none.

    Each problem reads "line N: ...". The file is parsed whole (this is a check, not a
    streaming read) and safely: no entities resolved, no network, no DTD it names loaded.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        if isinstance(tmx, bytes):
            tree = etree.fromstring(tmx, parser).getroottree()
        else:
            tree = etree.parse(tmx, parser)
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not well-formed XML: {error.msg}"]
    with _DTD_LOCK:
        dtd = tmx14_dtd()
        problems = [] if dtd.validate(tree) else [
            f"line {entry.line}: {entry.message}" for entry in dtd.error_log.filter_from_errors()
        ]
    for element in tree.iter("header", "tu", "tuv"):
        for name in DATE_ATTRIBUTES:
            value = element.get(name)
            if value is not None and not TMX_DATE.fullmatch(value):
                problems.append(f"line {element.sourceline}: <{element.tag} {name}> is '{value}',"
                                " not a UTC date like 20260124T093000Z")
        if element.tag != "tuv":
            continue
        # libxml2's DTD check lets a <tuv> without xml:lang through; TMX 1.4 requires it.
        if element.get(XML_LANG) is None:
            problems.append(f"line {element.sourceline}: a <tuv> has no xml:lang (TMX 1.4 "
                            "requires it; lang is deprecated)")
        elif element.get(XML_LANG) == "*all*":
            problems.append(f"line {element.sourceline}: a <tuv> cannot have xml:lang='*all*'")
    return problems
