"""Read TMX 1.1-1.4, streaming: the header first, then one translation unit at a time.

Files from outside are parsed without resolving entities, without the network, without
loading any DTD and with libxml2's size limits on. A document type that declares entities
(billion laughs, external entities) or points to a DTD other than TMX's own is refused.

Inline markup is flattened: the text of ``<seg>`` and of ``<hi>`` is kept; the native codes
inside ``<bpt> <ept> <ph> <it> <ut>`` (and any ``<sub>`` flow within them) are dropped, the
text around them is kept. Properties and notes on a ``<tuv>`` are not kept; several notes
on a ``<tu>`` are joined with a newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from tmx.units import N_, TmxHeader, TmxParseError, TranslationUnit, Variant, parse_date

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SAFE_PARSING = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                "huge_tree": False, "remove_comments": True, "remove_pis": True}
KEEP_TEXT = frozenset({"hi"})
MAX_SEGMENT_CHARS = 1_000_000
MAX_VARIANTS = 1_000
TMX_DTD = re.compile(r"(?:^|/)tmx\d*\.dtd$", re.IGNORECASE)
POSITION = re.compile(r",? line \d+, column \d+$")
HEAD_BYTES = 65_536


def read_tmx(source: BinaryIO) -> tuple[TmxHeader, Iterator[TranslationUnit]]:
    """The header and a lazy iterator over the units of the TMX file open on ``source``.

    Raises ``TmxParseError`` (a ValueError) with the line and a plain sentence when the file
    is not a TMX, is malformed or truncated, or looks hostile; errors after the header are
    raised while iterating.
    """
    events = _Events(source)
    header = _read_header(events)
    return header, _read_units(events)


class _Source:
    """``source`` as the parser reads it: its first bytes first, then the rest."""

    def __init__(self, source: BinaryIO, head: bytes) -> None:
        self._source = source
        self._head: bytes | None = head
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        if self._head is not None:
            chunk, self._head = self._head, None
            return chunk
        chunk = self._source.read(size)
        self.ended = not chunk
        return chunk


class _Events:
    """The events the reader needs; parse errors come out as ``TmxParseError``.

    The first 64 KiB go through a probe parser first, so the root element and the document
    type are checked before anything else is read; the main parser then reports only
    ``<header>``, ``<body>`` and ``<tu>``, which keeps it fast.
    """

    def __init__(self, source: BinaryIO) -> None:
        etree.clear_error_log()
        self.head = _read_head(source)
        self.source = _Source(source, self.head)
        self.inside = "tmx"
        self._probe()
        parser = etree.iterparse(self.source, events=("start", "end"),
                                 tag=("header", "body", "tu"), **SAFE_PARSING)
        self.stream = self._translated(parser)

    def _probe(self) -> None:
        probe = etree.XMLPullParser(events=("start",), **SAFE_PARSING)
        try:
            probe.feed(self.head)
            root = next((element for _, element in probe.read_events()), None)
            if root is None and len(self.head) < HEAD_BYTES:
                probe.close()
        except etree.XMLSyntaxError as error:
            self.source.ended = len(self.head) < HEAD_BYTES
            raise self._explain(error) from None
        if root is None:
            raise TmxParseError(N_("no <tmx> element begins in the file's first 64 KB — it is "
                                   "not a TMX file"))
        _check_root(root, self.head)

    def _translated(self, parser: etree.iterparse) -> Iterator[tuple[str, etree._Element]]:
        try:
            yield from parser
        except etree.XMLSyntaxError as error:
            raise self._explain(error) from None

    def _explain(self, error: etree.XMLSyntaxError) -> TmxParseError:
        entry = error.error_log.last_error
        line = error.lineno or (entry.line if entry else 0)
        message = POSITION.sub("", error.msg or "")
        if (not line or message == "no element found") and entry is not None:
            message, line = entry.message, entry.line
        kind = entry.type_name if entry is not None else ""
        if not self.head.strip() or (message == "no element found" and not line):
            return TmxParseError(N_("the file is empty — it holds no TMX at all"))
        if "Start tag expected" in message or kind == "ERR_DOCUMENT_EMPTY":
            return TmxParseError(
                N_("this is not an XML file — a TMX file begins with <?xml or <tmx"), line or 1)
        if "amplification" in message or "entity reference loop" in message.lower():
            return TmxParseError(_ENTITIES_REFUSED, _doctype_line(self.head) or line)
        if "Premature end of data" in message or self._at_end(error):
            return TmxParseError(N_("the file ends inside a <%(element)s> — it is truncated"),
                                 line, element=self.inside)
        if match := re.search(r"Entity '([^']+)' not defined", message):
            return TmxParseError(
                N_("the file uses the entity &%(entity)s; which XML does not know — only &amp; "
                   "&lt; &gt; &quot; &apos; and numeric ones such as &#160; are allowed"),
                line, entity=match[1])
        if match := re.search(r"tag mismatch: (\S+) line (\d+) and (\S+)", message):
            return TmxParseError(N_("<%(opened)s> opened on line %(opened_line)s is closed by "
                                    "</%(closed)s> — the markup is broken"),
                                 line, opened=match[1], opened_line=match[2], closed=match[3])
        if match := re.search(r"(?:Char|xmlChar) value (\d+)", message):
            return TmxParseError(N_("the file contains a control character XML does not "
                                    "allow (code %(code)s)"), line, code=match[1])
        if "encoding" in message.lower():
            return TmxParseError(N_("the text is not in the encoding the file declares (UTF-8 "
                                    "unless its first line says otherwise) — save it as UTF-8"),
                                 line)
        if "Extra content at the end" in message:
            return TmxParseError(N_("there is more after the closing </tmx> — two files "
                                    "pasted together?"), line)
        if "Resource limit" in message or "too long" in message or "depth" in message.lower():
            return TmxParseError(N_("an element is absurdly large or deeply nested (a text "
                                    "over 10 MB, or 256 levels) — the file is refused"), line)
        return TmxParseError(N_("the file is not well-formed XML (%(detail)s)"), line,
                             detail=message)

    def _at_end(self, error: etree.XMLSyntaxError) -> bool:
        # A file cut short fails on its very last line with "expected '>'" and the like.
        if not self.source.ended:
            return False
        last_line = self.head.count(b"\n") + 1 if len(self.head) < HEAD_BYTES else None
        return error.code in (73, 74, 77) and (last_line is None or error.lineno >= last_line - 1)


def _read_head(source: BinaryIO) -> bytes:
    # Pipes and sockets may answer short reads; the head must be whole or the whole file.
    head = b""
    while len(head) < HEAD_BYTES:
        chunk = source.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


_ENTITIES_REFUSED = N_("the file declares its own entities in its <!DOCTYPE> — that is how "
                       "'billion laughs' XML bombs work, so the file is refused")


def _doctype_line(head: bytes) -> int | None:
    position = head.find(b"<!DOCTYPE")
    return head.count(b"\n", 0, position) + 1 if position >= 0 else None


def _check_root(root: etree._Element, head: bytes) -> None:
    docinfo = root.getroottree().docinfo
    line = _doctype_line(head)
    subset = docinfo.internalDTD
    entities = list(subset.iterentities()) if subset is not None else []
    for entity in entities:
        url = getattr(entity, "system_url", None)
        if url:
            raise TmxParseError(
                N_("the file declares an external entity '%(entity)s' pointing to %(url)s — "
                   "a TMX never needs one, and reading it could leak files from this "
                   "computer, so the file is refused"), line, entity=entity.name, url=url)
    if entities:
        raise TmxParseError(_ENTITIES_REFUSED, line)
    if docinfo.system_url and not TMX_DTD.search(docinfo.system_url):
        raise TmxParseError(
            N_("the file's <!DOCTYPE> points to an outside DTD (%(url)s); only the TMX DTD "
               "(tmx14.dtd) is accepted, and it is never fetched"), line, url=docinfo.system_url)
    if root.tag != "tmx":
        name = root.tag if isinstance(root.tag, str) else "?"
        raise TmxParseError(N_("the file is XML but not a TMX: its root element is "
                               "<%(element)s>, not <tmx>"), root.sourceline, element=name)
    # Some tools of the TMX 1.1 era wrote the word too: version="version 1.1".
    version = re.sub(r"^version\s+", "", root.get("version", "").strip(), flags=re.IGNORECASE)
    if version and not version.startswith("1."):
        raise TmxParseError(N_("this is TMX %(version)s; only TMX 1.1 to 1.4 can be read"),
                            root.sourceline, version=version)


def _read_header(events: _Events) -> TmxHeader:
    for event, element in events.stream:
        if event == "start":
            if element.tag == "body":
                raise TmxParseError(N_("the <tmx> has no <header> before its <body>"),
                                    element.sourceline)
            events.inside = element.tag
            continue
        if element.tag == "header":
            header = TmxHeader(
                srclang=element.get("srclang", "*all*"),
                creation_tool=element.get("creationtool", ""),
                creation_tool_version=element.get("creationtoolversion", ""),
                segtype=element.get("segtype", "sentence"),
                o_tmf=element.get("o-tmf", ""),
                adminlang=element.get("adminlang", ""),
                datatype=element.get("datatype", ""),
                creation_date=parse_date(element.get("creationdate")),
                properties=_properties(element),
            )
            element.clear()
            return header
    raise TmxParseError(N_("the file has no <header> — it is not a TMX file"))


def _read_units(events: _Events) -> Iterator[TranslationUnit]:
    read = 0
    for event, element in events.stream:
        if event == "start":
            events.inside = element.tag
        elif element.tag == "tu":
            yield _unit(element)
            events.inside = "body"
            element.clear()
            read += 1
            # Units already read stay attached to <body> unless removed; memory must stay flat.
            parent = element.getparent()
            if read % 64 == 0 and parent is not None:
                del parent[:-1]


def _unit(element: etree._Element) -> TranslationUnit:
    # The hot loop of a million-unit import: kept flat, one pass over the children.
    variants: list[Variant] = []
    notes: list[str] = []
    properties: list[tuple[str, str]] = []
    for child in element:
        tag = child.tag
        if tag == "tuv":
            lang = child.get(XML_LANG) or child.get("lang")
            if not lang:
                raise TmxParseError(N_("a <tuv> has no language (xml:lang, or lang in TMX "
                                       "1.1-1.2)"),
                                    child.sourceline)
            variants.append(Variant(lang, _segment_text(child)))
        elif tag == "prop":
            properties.append((child.get("type", ""), child.text or ""))
        elif tag == "note":
            notes.append(child.text or "")
    if len(variants) > MAX_VARIANTS:
        raise TmxParseError(N_("a <tu> has more than %(count)s variants — the file is "
                               "refused"), element.sourceline, count=f"{MAX_VARIANTS:,}")
    get = element.get
    return TranslationUnit(get("tuid"), tuple(variants), tuple(properties),
                           parse_date(get("creationdate")), parse_date(get("changedate")),
                           "\n".join(notes) if notes else None)


def _segment_text(tuv: etree._Element) -> str:
    try:
        seg = tuv[-1]  # <seg> comes last in a <tuv>; find() costs ten times more
    except IndexError:
        return ""
    if seg.tag != "seg":
        seg = tuv.find("seg")
        if seg is None:
            return ""
    text = _flatten(seg) if len(seg) else seg.text or ""
    if len(text) > MAX_SEGMENT_CHARS:
        raise TmxParseError(N_("a <seg> holds more than %(count)s characters — absurdly "
                               "large for a translation unit, so the file is refused"),
                            seg.sourceline, count=f"{MAX_SEGMENT_CHARS:,}")
    return text


def _flatten(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            raise TmxParseError(N_("the text uses the entity %(entity)s which the file does "
                                   "not define — entities are not allowed"),
                                child.sourceline, entity=child.text)
        if child.tag in KEEP_TEXT:
            parts.append(_flatten(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _properties(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple((prop.get("type", ""), prop.text or "") for prop in element.iterchildren("prop"))
