"""Read TMX 1.1-1.4, streaming: the header first, then one translation unit at a time.

Files from outside are parsed without resolving entities, without the network, without
loading any DTD and with libxml2's size limits on. A document type that declares entities
(billion laughs, external entities) or points to a DTD other than TMX's own is refused,
whatever the file's encoding.

Memory stays flat whatever the file holds: what the reader does not keep is dropped as it is
parsed (see ``StreamGuard``), and what it keeps has limits, each a keyword of ``read_tmx``:
``max_variants`` (``<tuv>`` in one ``<tu>``), ``max_segment_chars`` (characters in one
``<seg>``), ``max_unit_nodes`` (elements of any kind — variants, inline codes, properties —
and their attributes inside one ``<tu>``) and ``max_header_nodes`` (the same inside the
``<header>``). A file over a limit is refused with a ``TmxParseError`` that
names the line.

Inline markup is flattened: the text of ``<seg>`` and of ``<hi>`` is kept; the native codes
inside ``<bpt> <ept> <ph> <it> <ut>`` are dropped, the text around them is kept, and so is
the text of a sub-flow (``<sub>``: a footnote, a title or alt attribute, a button label
inside a code), where its code stood, set off by a space from text it would otherwise touch
— "Click <bpt>…<sub>Start Here!</sub>…</bpt> to start." reads "Click Start Here! to start.",
so that search finds it. A ``<ph>`` standing for a line break or a space, or saying nothing,
keeps the words on either side apart ("Version<ph/>2.0" reads "Version 2.0").

What a unit and its variants say about themselves is kept: the ``<tu>``'s ``tuid``, dates,
``srclang`` and other attributes (``creationid``, ``changeid``, ``usagecount``,
``lastusagedate`` ...), its ``<prop>`` and ``<note>`` elements in order, and the same on each
``<tuv>``; dates come back in TMX's form, attributes the TMX 1.4b DTD does not allow (or
unreadable dates) are left out. Elements TMX does not define are skipped. TMX 1.4 has no
XML namespace, but some tools put its elements in one (``<tmx
xmlns="http://www.lisa.org/tmx14">``): a namespace naming TMX is read as if it were absent,
any other is refused as not TMX.

``StreamGuard``, ``read_head``, ``probe_root`` and ``check_doctype`` are shared with the TBX
reader (``tmx.tbx``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from lxml import etree

from tmx.units import (
    N_,
    TU_ATTRIBUTES,
    TUV_ATTRIBUTES,
    TmxHeader,
    TmxParseError,
    TranslationUnit,
    Variant,
    attribute_value,
    parse_date,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SAFE_PARSING = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                "huge_tree": False, "remove_comments": True, "remove_pis": True}
KEEP_TEXT = frozenset({"hi"})
MAX_VARIANTS = 1_000
MAX_SEGMENT_CHARS = 1_000_000
MAX_UNIT_NODES = 500_000  # a node is an element, an attribute or an entity reference
MAX_HEADER_NODES = 50_000
# tmx14.dtd, tmx14b.dtd (the name TMX 1.4b files give), tmx11.dtd ..., with or without a path.
TMX_DTD = re.compile(r"(?:^|/)tmx\d*b?\.dtd$", re.IGNORECASE)
POSITION = re.compile(r",? line \d+, column \d+$")
HEAD_BYTES = 65_536
# Some tools put TMX's elements in a namespace of their own making
# (<tmx xmlns="http://www.lisa.org/tmx14">); TMX 1.4 itself has none. A namespace naming TMX
# is read as if it were absent; any other is refused as not TMX.
TMX_NAMESPACE = re.compile(r"tmx", re.IGNORECASE)
# libxml2 takes UTF-32 without its byte-order mark, not with it.
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
TOO_MANY_NODES = N_("a <%(element)s> holds more than %(count)s elements and attributes — "
                    "absurdly many, so the file is refused")


def read_tmx(source: BinaryIO, *, max_variants: int = MAX_VARIANTS,
             max_segment_chars: int = MAX_SEGMENT_CHARS,
             max_unit_nodes: int = MAX_UNIT_NODES,
             max_header_nodes: int = MAX_HEADER_NODES,
             ) -> tuple[TmxHeader, Iterator[TranslationUnit]]:
    """The header and a lazy iterator over the units of the TMX file open on ``source``.

    Raises ``TmxParseError`` (a ValueError) with the line and a plain sentence when the file
    is not a TMX, is malformed or truncated, looks hostile, or goes over one of the limits
    (see the module's documentation); errors after the header are raised while iterating.
    """
    limits = _Limits(max_variants, max_segment_chars, max_unit_nodes, max_header_nodes)
    events = _Events(source, limits)
    header = _read_header(events)
    return header, _read_units(events)


class _Limits(NamedTuple):
    variants: int
    segment_chars: int
    unit_nodes: int
    header_nodes: int


# --- shared with the TBX reader ------------------------------------------------------------


class StreamGuard:
    """A binary file as lxml's ``iterparse`` reads it — ``head`` first, then the rest — with
    the tree it builds kept small.

    iterparse reads 32 KB at a time, and only once the reader has taken every event of what
    it read before; so each read is a moment when the reader is done with everything parsed
    so far. The guard uses it to drop every element that has ended, from ``root`` down,
    except ``kept`` (the element the reader is collecting, e.g. a ``<tu>``, and what it
    holds) and the parser's path (the elements still open, which it leaves alone). Elements
    the reader asks no event for — unknown ones, anywhere — thus cost at most 32 KB's worth
    of memory however many there are. ``check(kept, nodes)`` is then called with the number
    of elements, attributes and entity references ``kept`` holds so far (counted a part at
    a time, see ``NodeCount``), so that the reader can refuse a kept element that grows past
    a limit before it is whole; and more than ``max_bytes`` in all makes ``too_large()``
    raised.

    The reader sets ``root`` at the root's start event, and ``kept`` and ``check`` as it goes.
    """

    def __init__(self, source: BinaryIO, head: bytes, *, max_bytes: int | None = None,
                 too_large: Callable[[], Exception] | None = None) -> None:
        self._source = source
        self._head: bytes | None = head
        self._max_bytes = max_bytes
        self._too_large = too_large
        self.size = len(head)
        self.ended = False
        self.root: etree._Element | None = None
        self.kept: etree._Element | None = None
        self.check: Callable[[etree._Element, int], None] | None = None
        self._count: NodeCount | None = None

    def read(self, size: int = -1) -> bytes:
        if self._head is not None:
            chunk, self._head = self._head, None
            return chunk
        self.tidy()
        chunk = self._source.read(size)
        self.ended = not chunk
        self.size += len(chunk)
        if self._max_bytes is not None and self.size > self._max_bytes and self._too_large:
            raise self._too_large()
        return chunk

    def tidy(self) -> None:
        """Drop what has been parsed and is neither kept nor open; check what is kept."""
        element, kept = self.root, self.kept
        while element is not None and element is not kept:
            try:
                last = element[-1]  # the only child that may still be open
            except IndexError:
                break
            if last.getprevious() is not None:
                # Ended, so the parser no longer points into them (their tails go with them).
                del element[:-1]
            element = last
        if kept is None or self.check is None:
            return
        if self._count is None or self._count.element is not kept:
            # Begun since the last read, so at most 32 KB's worth: counted from the next one
            # on (most elements are whole by then, and never counted at all).
            self._count = NodeCount(kept)
            return
        self.check(kept, self._count.update())


class NodeCount:
    """The elements, attributes and entity references inside an element being parsed (its
    own attributes included) — what its memory grows with, apart from its text — counted a
    part at a time: each ``update`` counts only what was parsed since the one before, so
    that counting as the element grows costs as much as counting it once."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.total = len(element.keys())
        self._path = [element]  # then each one's last child, as at the last update

    def update(self) -> int:
        """The count now."""
        path = self._path
        for depth, element in enumerate(path):
            # All that comes after the last child of the time is new, as are the children of
            # an element that had none then.
            new = path[depth + 1].itersiblings() if depth + 1 < len(path) else iter(element)
            total = 0
            for child in new:
                if len(child):
                    total += sum(1 + len(node.keys()) for node in child.iter())
                else:
                    total += 1 + len(child.keys())
            self.total += total
        element = self.element
        path[1:] = []
        while True:
            try:
                element = element[-1]
            except IndexError:
                break
            path.append(element)
        return self.total


def read_head(source: BinaryIO) -> bytes:
    """The file's first 64 KB (or all of it, if shorter), without a UTF-32 byte-order mark."""
    # Pipes and sockets may answer short reads; the head must be whole or the whole file.
    head, looked = b"", False
    while len(head) < HEAD_BYTES:
        chunk = source.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
        if not looked and len(head) >= 4:
            looked = True
            head = head[4:] if head[:4] in UTF32_BOMS else head
    return head


def probe_root(head: bytes) -> etree._Element | None:
    """The root element of the document that begins with ``head`` (its start tag only), or
    None when it does not begin there; libxml2's ``XMLSyntaxError`` when the head is broken.

    libxml2 decodes the head as the file says (byte-order mark, ``encoding=``), so what
    ``check_doctype`` then looks at does not depend on the encoding.
    """
    probe = etree.XMLPullParser(events=("start",), **SAFE_PARSING)
    probe.feed(head)
    root = next((element for _, element in probe.read_events()), None)
    if root is None and len(head) < HEAD_BYTES:
        probe.close()
    return root


class HostileDoctype(TmxParseError):
    """A document type that declares entities or names an outside DTD."""


ENTITIES_REFUSED = N_("the file declares its own entities in its <!DOCTYPE> — that is how "
                      "'billion laughs' XML bombs work, so the file is refused")


def doctype_line(head: bytes) -> int | None:
    """The line of the ``<!DOCTYPE`` in ``head`` (UTF-8 or an ASCII superset, UTF-16, UTF-32)."""
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        position = head.find("<!DOCTYPE".encode(codec))
        if position >= 0:
            return head.count("\n".encode(codec), 0, position) + 1
    return None


def check_doctype(root: etree._Element, head: bytes,
                  allowed_dtd: Callable[[str], object]) -> None:
    """Raise ``HostileDoctype`` when the document type of ``root``'s document declares
    entities (inner or outer, general or parameter) or points to a DTD ``allowed_dtd`` does
    not accept (the DTD is never loaded either way)."""
    docinfo = root.getroottree().docinfo
    line = doctype_line(head) or root.sourceline
    subset = docinfo.internalDTD
    entities = list(subset.iterentities()) if subset is not None else []
    for entity in entities:
        url = getattr(entity, "system_url", None)
        if url:
            raise HostileDoctype(
                N_("the file declares an external entity '%(entity)s' pointing to %(url)s — "
                   "a TMX never needs one, and reading it could leak files from this "
                   "computer, so the file is refused"), line, entity=entity.name, url=url)
    if entities:
        raise HostileDoctype(ENTITIES_REFUSED, line)
    if docinfo.system_url and not allowed_dtd(docinfo.system_url):
        raise HostileDoctype(
            N_("the file's <!DOCTYPE> points to an outside DTD (%(url)s); only the TMX DTD "
               "(tmx14.dtd) is accepted, and it is never fetched"), line, url=docinfo.system_url)


def is_entity_trouble(message: str) -> bool:
    """Whether a libxml2 error is its own defence against an entity bomb."""
    return "amplification" in message or "entity reference loop" in message.lower()


# --- the TMX reader -----------------------------------------------------------------------


class _Events:
    """The events the reader needs; parse errors come out as ``TmxParseError``.

    The first 64 KiB go through a probe parser first, so the root element and the document
    type are checked before anything else is read; the main parser then reports only
    ``<tmx>``, ``<header>``, ``<body>`` and ``<tu>``, which keeps it fast, and its source, a
    ``StreamGuard``, drops the rest as it goes.
    """

    def __init__(self, source: BinaryIO, limits: _Limits) -> None:
        etree.clear_error_log()
        self.limits = limits
        self.head = read_head(source)
        self.source = StreamGuard(source, self.head)
        self.inside = "tmx"
        self.namespace = ""  # "{uri}" when the file puts TMX's elements in a namespace
        self._probe()
        ns = self.namespace
        self.unit_tag = ns + "tu"
        self._variants = _VARIANTS if not ns else etree.XPath(
            "count(t:tuv)", namespaces={"t": ns[1:-1]})
        parser = etree.iterparse(self.source, events=("start", "end"),
                                 tag=tuple(ns + tag for tag in ("tmx", "header", "body", "tu")),
                                 **SAFE_PARSING)
        self.stream = self._translated(parser)

    def _probe(self) -> None:
        try:
            root = probe_root(self.head)
        except etree.XMLSyntaxError as error:
            self.source.ended = len(self.head) < HEAD_BYTES
            raise self._explain(error) from None
        if root is None:
            raise TmxParseError(N_("no <tmx> element begins in the file's first 64 KB — it is "
                                   "not a TMX file"))
        self.namespace = _check_root(root, self.head)

    def local(self, element: etree._Element) -> etree._Element:
        """``element`` with the file's namespace taken off its tag and its descendants'
        (nothing to do for the usual file, without one), so the rest reads it as TMX."""
        ns = self.namespace
        if ns:
            for node in element.iter():
                if isinstance(node.tag, str) and node.tag.startswith(ns):
                    node.tag = node.tag[len(ns):]
        return element

    def check_header(self, header: etree._Element, nodes: int) -> None:
        limit = self.limits.header_nodes
        if nodes > limit:
            raise TmxParseError(TOO_MANY_NODES, header.sourceline, element="header",
                                count=f"{limit:,}")

    def check_unit(self, unit: etree._Element, nodes: int) -> None:
        limit = self.limits.variants
        if self._variants(unit) > limit:
            raise _too_many_variants(unit, limit)
        limit = self.limits.unit_nodes
        if nodes > limit:
            raise TmxParseError(TOO_MANY_NODES, unit.sourceline, element="tu",
                                count=f"{limit:,}")

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
        if is_entity_trouble(message):
            return TmxParseError(ENTITIES_REFUSED, doctype_line(self.head) or line)
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


def _check_root(root: etree._Element, head: bytes) -> str:
    """Refuse a root that is not TMX 1.1-1.4's; the namespace its elements are in, as
    ``{uri}`` ("" for none, as TMX has it)."""
    check_doctype(root, head, TMX_DTD.search)
    name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
    if name != "tmx":
        if namespace:
            raise TmxParseError(N_("the file is XML but not a TMX: its root element is "
                                   "<%(element)s> (of the namespace %(namespace)s), not <tmx>"),
                                root.sourceline, element=name, namespace=namespace)
        raise TmxParseError(N_("the file is XML but not a TMX: its root element is "
                               "<%(element)s>, not <tmx>"), root.sourceline, element=name)
    if namespace and not TMX_NAMESPACE.search(namespace):
        raise TmxParseError(N_("the file's <tmx> is in the XML namespace %(namespace)s, which "
                               "is not TMX's (TMX 1.4 uses none) — it is not a TMX file"),
                            root.sourceline, namespace=namespace)
    # Some tools of the TMX 1.1 era wrote the word too: version="version 1.1".
    version = re.sub(r"^version\s+", "", root.get("version", "").strip(), flags=re.IGNORECASE)
    if version and not version.startswith("1."):
        raise TmxParseError(N_("this is TMX %(version)s; only TMX 1.1 to 1.4 can be read"),
                            root.sourceline, version=version)
    return f"{{{namespace}}}" if namespace else ""


def _read_header(events: _Events) -> TmxHeader:
    guard = events.source
    guard.check = events.check_header
    for event, element in events.stream:
        tag = etree.QName(element).localname if events.namespace else element.tag
        if event == "start":
            if guard.root is None:  # the first event: the <tmx> the probe saw
                guard.root = element
                continue
            if tag == "body":
                raise TmxParseError(N_("the <tmx> has no <header> before its <body>"),
                                    element.sourceline)
            events.inside = tag
            if tag == "header" and guard.kept is None:
                guard.kept = element
            continue
        if tag == "header":
            events.check_header(element, NodeCount(element).update())
            events.local(element)
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
            guard.kept = None
            element.clear()
            return header
    raise TmxParseError(N_("the file has no <header> — it is not a TMX file"))


def _read_units(events: _Events) -> Iterator[TranslationUnit]:
    # Ended units are cleared here and taken out of <body> by the StreamGuard, with anything
    # else that has ended: memory stays flat.
    guard = events.source
    guard.check = events.check_unit
    max_variants, max_chars = events.limits.variants, events.limits.segment_chars
    unit_tag, namespace = events.unit_tag, events.namespace
    for event, element in events.stream:
        if event == "start":
            tag = element.tag
            events.inside = tag[len(namespace):] if namespace else tag
            if tag == unit_tag and guard.kept is None:
                guard.kept = element
        elif element.tag == unit_tag:
            if element is guard.kept:
                guard.kept = None
            yield _unit(events.local(element) if namespace else element, max_variants,
                        max_chars)
            events.inside = "body"
            element.clear()


_VARIANTS = etree.XPath("count(tuv)")


def _too_many_variants(unit: etree._Element, limit: int) -> TmxParseError:
    return TmxParseError(N_("a <tu> has more than %(count)s variants — the file is refused"),
                         unit.sourceline, count=f"{limit:,}")


def _unit(element: etree._Element, max_variants: int, max_chars: int) -> TranslationUnit:
    # The hot loop of a million-unit import: kept flat, one pass over the children, and a
    # <tuv> that holds only its language and <seg> (most of them) takes the short way.
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
            text = _segment_text(child, max_chars)
            if len(child) == 1 and len(child.attrib) == 1:
                variants.append(Variant(lang, text))
            else:
                variants.append(_variant(child, lang, text))
        elif tag == "prop":
            properties.append((_prop_type(child), child.text or ""))
        elif tag == "note":
            notes.append(child.text or "")
    if len(variants) > max_variants:
        raise _too_many_variants(element, max_variants)
    tuid = srclang = None
    created = changed = None
    attributes: list[tuple[str, str]] = []
    for name, value in element.items():
        if name == "tuid":
            tuid = value
        elif name == "creationdate":
            created = parse_date(value)
        elif name == "changedate":
            changed = parse_date(value)
        elif name == "srclang":
            srclang = value.strip() or None
        elif (kept := attribute_value(name, value, TU_ATTRIBUTES)) is not None:
            attributes.append((name, kept))
    return TranslationUnit(tuid, tuple(variants), tuple(properties), created, changed,
                           tuple(notes), srclang, tuple(attributes))


def _variant(tuv: etree._Element, lang: str, text: str) -> Variant:
    """A variant with what its ``<tuv>`` says besides the language: attributes, properties
    and notes."""
    attributes = []
    for name, value in tuv.items():
        if (kept := attribute_value(name, value, TUV_ATTRIBUTES)) is not None:
            attributes.append((name, kept))
    properties, notes = [], []
    for child in tuv:
        tag = child.tag
        if tag == "prop":
            properties.append((_prop_type(child), child.text or ""))
        elif tag == "note":
            notes.append(child.text or "")
    return Variant(lang, text, tuple(attributes), tuple(properties), tuple(notes))


def _segment_text(tuv: etree._Element, max_chars: int) -> str:
    try:
        seg = tuv[-1]  # <seg> comes last in a <tuv>; find() costs ten times more
    except IndexError:
        return ""
    if seg.tag != "seg":
        seg = tuv.find("seg")
        if seg is None:
            return ""
    text = _flatten(seg) if len(seg) else seg.text or ""
    if len(text) > max_chars:
        raise TmxParseError(N_("a <seg> holds more than %(count)s characters — absurdly "
                               "large for a translation unit, so the file is refused"),
                            seg.sourceline, count=f"{max_chars:,}")
    return text


def _flatten(element: etree._Element) -> str:
    """The plain text of a ``<seg>`` (or ``<hi>``, ``<sub>``): its text and its ``<hi>``'s,
    without the native codes of ``<bpt> <ept> <ph> <it> <ut>`` but with the text of the
    sub-flows (``<sub>``) inside them, where the code stood, set off by a space from text it
    would otherwise touch."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            raise TmxParseError(N_("the text uses the entity %(entity)s which the file does "
                                   "not define — entities are not allowed"),
                                child.sourceline, entity=child.text)
        if child.tag in KEEP_TEXT:
            _append(parts, _flatten(child))
        elif child.tag == "ph" and not len(child) and _BREAK_CODE.search(child.text or ""):
            # a placeholder for a line break, a space or nothing said: the words on either
            # side are two ("The file<ph><br/></ph>was saved." is not "The filewas saved.")
            joined = "".join(parts)
            if joined and not joined[-1].isspace() and parts[-1] is not SET_OFF:
                parts[:] = [joined, SET_OFF]
        elif len(child):  # an inline code holding sub-flows
            for sub in child:
                if sub.tag == "sub" and (flow := _flatten(sub).strip()):
                    _append_apart(parts, flow)
        if child.tail:
            _append(parts, child.tail)
    return "".join(parts)


# The native code of a <ph> that stands between two words: empty, a line break or a space.
_BREAK_CODE = re.compile(r"^\s*$|<\s*br\b|\\[nrt]|&?nbsp;?|&#(?:160|x[aA]0);|\btab\b", re.I)


class _SetOff(str):
    """The empty marker after a sub-flow's text: what comes next may need a space."""


SET_OFF = _SetOff()
# Where no space is needed: after an opening bracket or quote, before a closing one or
# before other punctuation (, . ! ? ; :).
_OPENING = frozenset({"Ps", "Pi"})
_CLOSING = frozenset({"Pe", "Pf", "Po"})


def _apart(before: str, after: str) -> bool:
    """Whether text ending in ``before`` and text beginning with ``after`` (a character
    each) would touch if joined: neither is a space, and no bracket or punctuation sits
    between them."""
    return not (before.isspace() or after.isspace()
                or unicodedata.category(before) in _OPENING
                or unicodedata.category(after) in _CLOSING)


def _append(parts: list[str], text: str) -> None:
    if parts[-1] is SET_OFF and text and _apart(parts[-2][-1], text[0]):
        parts.append(" ")
    parts.append(text)


def _append_apart(parts: list[str], flow: str) -> None:
    """Append a sub-flow's text to ``parts``, apart from the text before it and after it."""
    before = parts[-2] if parts[-1] is SET_OFF else "".join(parts)
    if before and _apart(before[-1], flow[0]):
        parts.append(" ")
    parts.append(flow)
    parts.append(SET_OFF)


def _properties(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple((_prop_type(prop), prop.text or "") for prop in element.iterchildren("prop"))


def _prop_type(prop: etree._Element) -> str:
    """A ``<prop>``'s type; Zanata's TMX export names it in ``name``, which TMX does not
    have: that name is the type (else it would be lost, and the property with it)."""
    given = prop.get("type")
    return given if given is not None else prop.get("name", "")
