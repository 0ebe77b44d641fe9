"""TBX: v3 (TBX-Basic) round trips, a v2 martif file, hostile files refused."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tmx.tbx import Concept, TbxError, Termbase, TermEntry, read_tbx, write_tbx

COUNCIL = Termbase(
    (
        Concept(
            "c1",
            (
                TermEntry("ru", "Совет министров иностранных дел ОДКБ", "preferred"),
                TermEntry("en", "CSTO Council of Foreign Ministers", "preferred"),
                TermEntry("en", "Council of Foreign Ministers", "admitted"),
                TermEntry("en", "CSTO Ministerial Council", "deprecated", "not in ru & <en>"),
            ),
            definition="The body of the CSTO's foreign ministers.\nMeets twice a year.",
            subject="international relations",
        ),
        Concept("c2", (TermEntry("fr", "Kirghizstan", "preferred"),
                       TermEntry("fr", "Kirghizistan", "deprecated"))),
    ),
    lang="en",
    title="Demo termbase",
)


def write(termbase: Termbase) -> bytes:
    out = io.BytesIO()
    write_tbx(termbase, out)
    return out.getvalue()


def read(data: bytes) -> Termbase:
    return read_tbx(io.BytesIO(data))


def test_round_trip_keeps_every_concept_term_status_and_note() -> None:
    assert read(write(COUNCIL)) == COUNCIL


def test_output_is_tbx_basic_v3_dca() -> None:
    root = etree.fromstring(write(COUNCIL))
    assert root.tag == "{urn:iso:std:iso:30042:ed-2}tbx"
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    ns = {"t": "urn:iso:std:iso:30042:ed-2"}
    statuses = root.xpath(
        "//t:termSec[t:term='CSTO Ministerial Council']"
        "/t:termNote[@type='administrativeStatus']/text()", namespaces=ns)
    assert statuses == ["deprecatedTerm-admn-sts"]
    assert root.xpath("//t:conceptEntry[@id='c1']/t:descrip/@type", namespaces=ns) == [
        "subjectField", "definition"]
    assert root.xpath("//t:langSec/@xml:lang", namespaces=ns) == ["ru", "en", "fr"]


XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00\ufffe\uffff",
                  min_codepoint=0x20),
    min_size=1, max_size=30,
).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["en", "ru", "de-DE", "fr", "es"]),
            XML_TEXT,
            st.sampled_from(["preferred", "admitted", "deprecated"]),
            st.one_of(st.just(""), XML_TEXT),
        ),
        min_size=1, max_size=6,
    ),
    st.one_of(st.just(""), XML_TEXT),
)
def test_round_trip_property(terms: list[tuple[str, str, str, str]], definition: str) -> None:
    by_lang: dict[str, list[TermEntry]] = {}
    for lang, text, status, note in terms:
        by_lang.setdefault(lang, []).append(TermEntry(lang, text, status, note))
    entries = tuple(t for group in by_lang.values() for t in group)  # grouped as written
    termbase = Termbase((Concept("x1", entries, definition=definition),))
    assert read(write(termbase)) == termbase


def test_control_characters_xml_forbids_are_dropped_on_write() -> None:
    dirty = Termbase((Concept("c", (TermEntry("en", "bell\x07 term", "preferred"),)),))
    assert read(write(dirty)).concepts[0].terms[0].text == "bell term"


MARTIF = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX" xml:lang="en">
  <martifHeader><fileDesc><sourceDesc><p>Exported from a CAT tool</p></sourceDesc></fileDesc>
  </martifHeader>
  <text><body>
    <termEntry id="t1">
      <descrip type="definition">Foreign ministers of the CSTO</descrip>
      <langSet xml:lang="ru">
        <tig><term>Совет министров иностранных дел ОДКБ</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="en">
        <tig><term>CSTO Council of Foreign Ministers</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <ntig><termGrp><term>CSTO Ministerial Council</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termGrp></ntig>
        <tig><term>Council of Foreign Ministers</term></tig>
      </langSet>
    </termEntry>
  </body></text>
</martif>
""".encode()


def test_tbx_v2_martif_is_read() -> None:
    termbase = read(MARTIF)
    assert termbase.title == "Exported from a CAT tool"
    (concept,) = termbase.concepts
    assert concept.id == "t1"
    assert concept.definition == "Foreign ministers of the CSTO"
    assert [(t.lang, t.text, t.status) for t in concept.terms] == [
        ("ru", "Совет министров иностранных дел ОДКБ", "preferred"),
        ("en", "CSTO Council of Foreign Ministers", "preferred"),
        ("en", "CSTO Ministerial Council", "deprecated"),
        ("en", "Council of Foreign Ministers", "admitted"),
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE tbx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="a"><langSec xml:lang="en">
<termSec><term>&lol3;</term></termSec></langSec></conceptEntry></body></text></tbx>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="a"><langSec xml:lang="en">
<termSec><term>&secret;</term></termSec></langSec></conceptEntry></body></text></tbx>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "declares entities in its document type"),
        (XXE, "declares entities in its document type"),
        (b"<tbx><text><body><conceptEntry>", "is not well-formed XML"),
        (b"", "is empty"),
        (b"<html><body>not a termbase</body></html>", "its root element is <html>"),
        (b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="a">'
         b"<langSec><termSec><term>x</term></termSec></langSec></conceptEntry></body></text></tbx>",
         "without xml:lang"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(TbxError, match=message):
        read_tbx(io.BytesIO(data), name="upload.tbx")


def test_external_dtd_is_not_fetched() -> None:
    data = MARTIF.replace(b"TBXcoreStructV02.dtd", b"http://127.0.0.1:9/never.dtd")
    assert read(data).concepts[0].id == "t1"
