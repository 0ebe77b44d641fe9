"""TBX: v3 (TBX-Basic) round trips, DCA and DCT styles read alike, every status and detail
kept at every level, the output valid against LTAC's core RelaxNG, a v2 martif file, hostile
files refused."""

from __future__ import annotations

import io
from pathlib import Path

import elementpath
import pytest
from elementpath import XPath2Parser
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tmx.tbx import (
    STATUSES,
    Concept,
    Detail,
    LanguageSection,
    TbxError,
    Termbase,
    TermEntry,
    Transaction,
    plain_status,
    read_tbx,
    write_tbx,
)
from tmx.tbx_writer import RNG_URL, SCH_URL

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"
CORE_RNG = etree.RelaxNG(etree.parse(str(SCHEMAS / "TBXcoreStructV03.rng")))
DCA_SCHEMATRON = etree.parse(str(SCHEMAS / "TBX-Basic_DCA.sch"))
SCH = "{http://purl.oclc.org/dsdl/schematron}"


def schematron_problems(data: bytes) -> list[tuple[str, str]]:
    """The assertions of LTAC's TBX-Basic DCA Schematron (TBX-Basic_DCA.sch) the file fails,
    as (message, text of the element): each rule's context is looked for anywhere in the
    file, and within a pattern an element is checked by the first rule it matches, as
    Schematron has it; tests and contexts are XPath 2 (the schema's ``xslt2`` binding),
    evaluated by elementpath. That schema uses nothing but rules and asserts."""
    document = etree.parse(io.BytesIO(data))
    namespaces = {ns.get("prefix"): ns.get("uri") for ns in DCA_SCHEMATRON.iter(SCH + "ns")}
    problems = []
    for pattern in DCA_SCHEMATRON.iter(SCH + "pattern"):
        checked: set[str] = set()
        for rule in pattern.iter(SCH + "rule"):
            for element in elementpath.select(document, "//" + rule.get("context", ""),
                                              namespaces=namespaces, parser=XPath2Parser):
                if document.getpath(element) in checked:
                    continue
                checked.add(document.getpath(element))
                for assertion in rule.iter(SCH + "assert"):
                    if not elementpath.select(document, f"boolean({assertion.get('test')})",
                                              namespaces=namespaces, parser=XPath2Parser,
                                              item=element):
                        problems.append((" ".join((assertion.text or "").split()),
                                         element.text or ""))
    return problems


def assert_valid(data: bytes) -> None:
    """The file is valid against TBX's core RelaxNG (LTAC's TBXcoreStructV03.rng) and
    TBX-Basic's DCA Schematron."""
    document = etree.parse(io.BytesIO(data))
    assert CORE_RNG.validate(document), CORE_RNG.error_log.last_error
    assert schematron_problems(data) == []

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
    assert_valid(write(COUNCIL))


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
    assert_valid(write(termbase))


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
        ("en", "Council of Foreign Ministers", ""),  # none given: none invented
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


# The first concept of LTAC's TBX-Basic sample (DCA/Example_Astronomy_DCA_VALID.tbx in
# LTAC-Global/TBX-Basic_dialect), abridged (one transaction, shorter texts, no reference to
# the sample's back matter), and the same concept in the sample's DCT style.
LTAC_DCA = """<?xml version="1.0" encoding="utf-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>TBX file, created via MultiTerm Export</p></sourceDesc>
 </fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <transacGrp>
    <transac type="transactionType">origination</transac>
    <date>2010-04-17</date>
    <transacNote type="responsibility">Tommy</transacNote>
   </transacGrp>
   <descrip type="subjectField">General</descrip>
   <xref type="xGraphic" target="https://en.wikipedia.org/wiki/Galaxy_cluster">Open_Cluster.JPG</xref>
   <note>G-Source: http://www.physics.drexel.edu/observatory/dump.shtml</note>
   <langSec xml:lang="en">
    <descripGrp>
     <descrip type="definition">A group of stars formed together in the spiral
      arms of a galaxy.</descrip>
     <admin type="source">Oxford2007</admin>
    </descripGrp>
    <termSec>
     <term>open cluster</term>
     <termNote type="partOfSpeech">noun</termNote>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>
     <descripGrp>
      <descrip type="context">Over 1100 open clusters are known in our Milky Way Galaxy.</descrip>
      <admin type="source">http://seds.org/MESSIER/open.html</admin>
     </descripGrp>
    </termSec>
    <termSec>
     <term>galactic cluster</term>
     <termNote type="partOfSpeech">noun</termNote>
     <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote>
     <termNote type="termType">fullForm</termNote>
     <note>Another name for an open star cluster.</note>
     <note>N-Source: http://www.delscope.demon.co.uk/astronomy/glossary.htm#G</note>
    </termSec>
   </langSec>
   <langSec xml:lang="es">
    <descripGrp>
     <descrip type="definition">Una acumulación de una docena hasta varios miles de jóvenes
      estrellas.</descrip>
     <admin type="source">http://www.espacioprofundo.com.ar/</admin>
    </descripGrp>
    <termSec><term>cúmulo abierto</term><termNote type="partOfSpeech">noun</termNote></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>""".encode()

LTAC_DCT = """<?xml version="1.0" encoding="utf-8"?>
<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:min="http://www.tbxinfo.net/ns/min" xmlns:basic="http://www.tbxinfo.net/ns/basic">
 <tbxHeader><fileDesc><sourceDesc><p>TBX file, created via MultiTerm Export</p></sourceDesc>
 </fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <transacGrp>
    <basic:transactionType>origination</basic:transactionType>
    <date>2010-04-17</date>
    <basic:responsibility>Tommy</basic:responsibility>
   </transacGrp>
   <basic:subjectField>General</basic:subjectField>
   <basic:xGraphic target="https://en.wikipedia.org/wiki/Galaxy_cluster">Open_Cluster.JPG</basic:xGraphic>
   <note>G-Source: http://www.physics.drexel.edu/observatory/dump.shtml</note>
   <langSec xml:lang="en">
    <descripGrp>
     <basic:definition>A group of stars formed together in the spiral
      arms of a galaxy.</basic:definition>
     <basic:source>Oxford2007</basic:source>
    </descripGrp>
    <termSec>
     <term>open cluster</term>
     <min:partOfSpeech>noun</min:partOfSpeech>
     <min:administrativeStatus>preferredTerm-admn-sts</min:administrativeStatus>
     <descripGrp>
      <basic:context>Over 1100 open clusters are known in our Milky Way Galaxy.</basic:context>
      <basic:source>http://seds.org/MESSIER/open.html</basic:source>
     </descripGrp>
    </termSec>
    <termSec>
     <term>galactic cluster</term>
     <min:partOfSpeech>noun</min:partOfSpeech>
     <min:administrativeStatus>supersededTerm-admn-sts</min:administrativeStatus>
     <basic:termType>fullForm</basic:termType>
     <note>Another name for an open star cluster.</note>
     <note>N-Source: http://www.delscope.demon.co.uk/astronomy/glossary.htm#G</note>
    </termSec>
   </langSec>
   <langSec xml:lang="es">
    <descripGrp>
     <basic:definition>Una acumulación de una docena hasta varios miles de jóvenes
      estrellas.</basic:definition>
     <basic:source>http://www.espacioprofundo.com.ar/</basic:source>
    </descripGrp>
    <termSec><term>cúmulo abierto</term><min:partOfSpeech>noun</min:partOfSpeech></termSec>
   </langSec>
  </conceptEntry>
 </body></text>
</tbx>""".encode()


@pytest.mark.parametrize("data", [LTAC_DCA, LTAC_DCT], ids=["dca", "dct"])
def test_tbx_basic_keeps_what_each_level_says(data: bytes) -> None:
    (concept,) = read(data).concepts
    assert concept.subject == "General"
    assert concept.transactions == (Transaction("origination", "2010-04-17", "Tommy"),)
    assert concept.details == (
        Detail("subjectField", "General"),
        Detail("xGraphic", "Open_Cluster.JPG", "https://en.wikipedia.org/wiki/Galaxy_cluster"),
        Detail("note", "G-Source: http://www.physics.drexel.edu/observatory/dump.shtml"),
    )
    assert concept.language("en").details == (Detail(
        "definition", "A group of stars formed together in the spiral\n      arms of a galaxy.",
        source="Oxford2007"),)
    assert concept.language("es").details[0].source == "http://www.espacioprofundo.com.ar/"
    open_cluster, galactic, cumulo = concept.terms
    assert (open_cluster.status, galactic.status, cumulo.status) == ("preferred", "superseded",
                                                                      "")
    assert open_cluster.details == (
        Detail("partOfSpeech", "noun"),
        Detail("context", "Over 1100 open clusters are known in our Milky Way Galaxy.",
               source="http://seds.org/MESSIER/open.html"))
    assert galactic.details == (
        Detail("partOfSpeech", "noun"), Detail("termType", "fullForm"),
        Detail("note", "Another name for an open star cluster."),
        Detail("note", "N-Source: http://www.delscope.demon.co.uk/astronomy/glossary.htm#G"))
    assert galactic.note == "Another name for an open star cluster."
    assert cumulo.lang == "es" and cumulo.details == (Detail("partOfSpeech", "noun"),)


def test_the_schematron_check_finds_what_tbx_basic_forbids() -> None:
    misplaced = LTAC_DCA.replace(b'<descrip type="subjectField">General</descrip>',
                                 b'<descrip type="context">General</descrip>')
    assert schematron_problems(misplaced) == [("Context appears at the termSec level",
                                               "General")]
    assert CORE_RNG.validate(etree.parse(io.BytesIO(misplaced)))  # the core allows it
    assert_valid(LTAC_DCA)


def test_dca_and_dct_styles_read_alike_and_write_back_the_same() -> None:
    dca, dct = read(LTAC_DCA), read(LTAC_DCT)
    assert dca == dct
    written = write(dct)
    assert_valid(written)
    assert read(written) == dca
    assert b"<descripGrp>" in written and b"supersededTerm-admn-sts" in written


@pytest.mark.parametrize("status", STATUSES)
def test_every_administrative_status_comes_back_as_it_was(status: str) -> None:
    termbase = Termbase((Concept("c1", (TermEntry("de", "Term", status),)),))
    written = write(termbase)
    assert f"<termNote type=\"administrativeStatus\">{status}Term-admn-sts</termNote>" in \
        written.decode()
    assert read(written).concepts[0].terms[0].status == status
    assert plain_status(status) in ("preferred", "admitted", "deprecated")


@pytest.mark.parametrize(("status", "plain"), [
    ("standardized", "preferred"), ("legal", "preferred"), ("regulated", "preferred"),
    ("superseded", "deprecated"), ("obsolete", "deprecated"), ("", "admitted")])
def test_what_a_status_means_to_the_checks(status: str, plain: str) -> None:
    assert plain_status(status) == plain


def test_tbx_v2_normative_authorization_is_a_status() -> None:
    data = MARTIF.replace(b'<termNote type="administrativeStatus">deprecatedTerm-admn-sts',
                          b'<termNote type="normativeAuthorization">supersededTerm')
    statuses = [t.status for t in read(data).concepts[0].terms]
    assert statuses == ["preferred", "preferred", "superseded", ""]


def test_regional_codes_stay_apart() -> None:
    termbase = Termbase((Concept("c1", (
        TermEntry("en-US", "color", "preferred"), TermEntry("en-GB", "colour", "preferred"),
        TermEntry("en-GB", "color", "deprecated"), TermEntry("zh-CN", "颜色"),
        TermEntry("zh-TW", "顏色"))),))
    again = read(write(termbase))
    assert again == termbase
    assert [t.lang for t in again.concepts[0].terms] == ["en-US", "en-GB", "en-GB", "zh-CN",
                                                         "zh-TW"]


def test_a_concept_without_a_note_gets_none_and_ids_stay_xml_names() -> None:
    termbase = Termbase((Concept("8300f245-5072", (TermEntry("en", "house"),)),
                         Concept("eid-VocCod-211.01", (TermEntry("en", "school"),)),
                         Concept("eid-VocCod-211.01", (TermEntry("en", "field"),))))
    written = write(termbase)
    assert b"<note>" not in written
    ids = etree.fromstring(written).xpath("//*[local-name()='conceptEntry']/@id")
    assert ids == ["c1", "eid-VocCod-211.01", "c3"]  # a digit cannot begin an XML name
    assert_valid(written)


def test_the_schema_links_are_ltac_s_current_ones() -> None:
    written = write(COUNCIL).decode()
    assert RNG_URL == ("https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/"
                       "TBXcoreStructV03.rng")
    assert f'<?xml-model href="{RNG_URL}" type="application/xml" ' \
           'schematypens="http://relaxng.org/ns/structure/1.0"?>' in written
    assert f'<?xml-model href="{SCH_URL}" type="application/xml" ' \
           'schematypens="http://purl.oclc.org/dsdl/schematron"?>' in written
    assert "TBXcoreStructV03_TBX-Basic_integrated.rng" not in written


def test_dates_are_written_as_xml_dates_and_transactions_survive() -> None:
    data = MARTIF.replace(b'<termEntry id="t1">', b"""<termEntry id="t1"><transacGrp>
        <transac type="transactionType">modification</transac>
        <transacNote type="responsibility">CDigel</transacNote>
        <date>20010507T10:58:02Z</date></transacGrp>""")
    concept = read(data).concepts[0]
    assert concept.transactions == (Transaction("modification", "2001-05-07", "CDigel"),)
    written = write(Termbase((concept,)))
    assert_valid(written)
    assert read(written).concepts[0].transactions == concept.transactions


def test_lone_surrogates_and_control_characters_are_dropped_as_in_tmx() -> None:
    dirty = Termbase((Concept("c", (TermEntry("en", "half\ud800 term\x07", "preferred",
                                              "note \udfff"),),
                              definition="def\x0b"),))
    again = read(write(dirty))  # no UnicodeEncodeError
    term = again.concepts[0].terms[0]
    assert (term.text, term.note, again.concepts[0].definition) == ("half term", "note ", "def")


def test_language_sections_and_concept_details_round_trip() -> None:
    concept = Concept(
        "c9", (TermEntry("ru", "совет", "preferred", details=(
                   Detail("partOfSpeech", "noun"), Detail("grammaticalGender", "masculine"),
                   Detail("context", "Совет собрался.", source="mid.ru"),
                   Detail("note", "первая"), Detail("note", "вторая")),
                   transactions=(Transaction("origination", "2024-01-02", "anna"),)),),
        details=(Detail("definition", "one"), Detail("definition", "two"),
                 Detail("note", "n1"), Detail("note", "n2"),
                 Detail("productSubset", "PER"), Detail("crossReference", "c2")),
        languages=(LanguageSection("ru", (Detail("definition", "орган"),
                                          Detail("note", "о языке")),
                                   (Transaction("modification", "2024-02-03", "boris"),)),),
        transactions=(Transaction("origination", "2024-01-01", "anna"),))
    termbase = Termbase((concept,), lang="ru", title="Совет")
    written = write(termbase)
    assert_valid(written)
    assert read(written) == termbase
    assert read(written).concepts[0].definition == "one"


def details_of(kinds: list[str], sourced: frozenset[str] = frozenset()
               ) -> st.SearchStrategy[tuple[Detail, ...]]:
    """Details of the given kinds; a link on an image, a cited source where TBX groups one."""
    def detail(kind: str) -> st.SearchStrategy[Detail]:
        target = st.just("https://example.org/figure.png") if kind == "xGraphic" else st.just("")
        source = st.one_of(st.just(""), XML_TEXT) if kind in sourced else st.just("")
        return st.builds(Detail, st.just(kind), XML_TEXT, target, source)
    return st.lists(st.sampled_from(kinds).flatmap(detail), max_size=4).map(tuple)


TRANSACTIONS = st.lists(st.builds(
    Transaction, st.sampled_from(["origination", "modification"]),
    st.sampled_from(["", "2010-04-17", "2024-12-31"]), st.one_of(st.just(""), XML_TEXT)),
    max_size=2).map(tuple)
TERM_NOTES = ["partOfSpeech", "termType", "grammaticalGender", "geographicalUsage"]


@st.composite
def concepts(draw: st.DrawFn) -> Concept:
    langs = draw(st.lists(st.sampled_from(["en-US", "en-GB", "zh-CN", "zh-TW", "ru", "de"]),
                          min_size=1, max_size=3, unique=True))
    terms = []
    for lang in langs:
        for text in draw(st.lists(XML_TEXT, min_size=1, max_size=2, unique=True)):
            notes = draw(details_of(TERM_NOTES))
            others = draw(details_of(["context", "note", "source", "customerSubset"],
                                     frozenset({"context"})))
            terms.append(TermEntry(lang, text, draw(st.sampled_from(("", *STATUSES))),
                                   details=notes + others, transactions=draw(TRANSACTIONS)))
    languages = tuple(
        section for section in (
            LanguageSection(lang, draw(details_of(["definition", "note"],
                                                  frozenset({"definition"}))),
                            draw(TRANSACTIONS)) for lang in langs)
        if section.details or section.transactions)
    return Concept("c1", tuple(terms), languages=languages, transactions=draw(TRANSACTIONS),
                   details=draw(details_of(["subjectField", "definition", "note", "xGraphic",
                                            "productSubset"], frozenset({"definition"}))))


@settings(max_examples=80, deadline=None)
@given(concepts())
def test_every_level_round_trips_and_stays_valid(concept: Concept) -> None:
    termbase = Termbase((concept,), lang="en")
    written = write(termbase)
    assert CORE_RNG.validate(etree.parse(io.BytesIO(written))), CORE_RNG.error_log.last_error
    assert read(written) == termbase


CROSS_REFERENCES = b"""<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>Cross references</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <ref type="crossReference" target="c5">galaxy cluster</ref>
   <xref type="externalCrossReference" target="https://example.org/star">star</xref>
   <langSec xml:lang="en">
    <termSec id="t1">
     <term>star</term>
     <ref type="crossReference" target="c5">cluster</ref>
     <ref type="relatedTerm" target="t5">cluster (a term: no concept)</ref>
    </termSec>
   </langSec>
  </conceptEntry>
  <conceptEntry id="c5">
   <ref type="crossReference" target="c1">star</ref>
   <ref type="crossReference" target="c404">nowhere</ref>
   <langSec xml:lang="en"><termSec id="t5"><term>galaxy cluster</term></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_internal_cross_references_are_kept_and_written_back() -> None:
    termbase = read(CROSS_REFERENCES)
    first, fifth = termbase.concepts
    assert first.details[0] == Detail("crossReference", "galaxy cluster", "c5")
    assert first.details[1].target == "https://example.org/star"
    # To a concept: kept; to a term's id or to no element: the text stays, not the target
    # (and a term's detail without a target is a term note, which comes first).
    assert [(d.kind, d.target) for d in first.terms[0].details] == [
        ("relatedTerm", ""), ("crossReference", "c5")]
    assert [(d.text, d.target) for d in fifth.details] == [("star", "c1"), ("nowhere", "")]
    written = write(termbase)
    assert_valid(written)
    root = etree.fromstring(written)
    refs = [(r.getparent().tag.rpartition("}")[2], r.get("type"), r.get("target"))
            for r in root.iter("{*}ref")]
    # (The relatedTerm, its target gone, is a term note like any other detail of a term.)
    assert refs == [("conceptEntry", "crossReference", "c5"),
                    ("termSec", "crossReference", "c5"),
                    ("conceptEntry", "crossReference", "c1"),
                    ("conceptEntry", "crossReference", None)]
    assert [x.get("target") for x in root.iter("{*}xref")] == ["https://example.org/star"]
    assert read(written) == termbase


def test_a_reference_follows_its_concept_when_the_id_must_change() -> None:
    # "1 a" is no XML name: the concept is written as c1, and the reference to it follows;
    # a reference to a concept without terms (not written) loses its target.
    termbase = Termbase((
        Concept("1 a", (TermEntry("en", "star"),)),
        Concept("c2", (TermEntry("en", "cluster"),),
                details=(Detail("crossReference", "star", "1 a"),
                         Detail("crossReference", "empty", "c3"))),
        Concept("c3"),
    ))
    written = write(termbase)
    assert_valid(written)
    again = read(written)
    assert [c.id for c in again.concepts] == ["c1", "c2"]
    assert [(d.text, d.target) for d in again.concepts[1].details] == [
        ("star", "c1"), ("empty", "")]
