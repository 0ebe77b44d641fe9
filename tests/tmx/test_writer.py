"""The TMX writer: TMX 1.4b exactly as LISA's DTD has it, text kept, one-sided units left out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from tmx import (
    TmxHeader,
    TranslationUnit,
    Variant,
    pair_units,
    read_tmx,
    validate_tmx,
    write_tmx,
    write_tmx_pair,
)

HEADER = TmxHeader(srclang="en-GB", creation_tool_version="0.1.0",
                   creation_date=datetime(2026, 1, 24, 9, 30, tzinfo=UTC),
                   properties=(("x-project", "CSTO"),))
MOSCOW = timezone(timedelta(hours=3))
TEXTS = {
    "en-GB": "  The CSTO Ministerial Council met in Moscow & <Minsk>.\n",
    "ru-RU": "«Совет министров ОДКБ» собрался в Москве\u00a0— „зачем?“",
    "de-DE": "Der Rat tagte in Moskau: „Straße“ & ß ",
    "fr-FR": "Le Conseil s'est réuni «\u00a0à Moscou\u00a0»\r\n",
    "es-ES": "El Consejo se reunió en Moscú: \"¿por qué?\"",
}


def unit(n: int = 1, **changes: object) -> TranslationUnit:
    fields: dict[str, object] = {
        "tuid": f"1-{n}",
        "variants": tuple(Variant(lang, text) for lang, text in TEXTS.items()),
        "properties": (("x-document", "csto"), ("x-score", "0.9123")),
        "creation_date": datetime(2026, 1, 24, 12, 30, 15, tzinfo=MOSCOW),
        "change_date": datetime(2026, 1, 25, 8, 0, 0),
        "notes": ("checked by M. Ivanova",),
    }
    fields.update(changes)
    return TranslationUnit(**fields)  # type: ignore[arg-type]


def written(units: list[TranslationUnit], header: TmxHeader = HEADER,
            min_variants: int = 2) -> bytes:
    out = io.BytesIO()
    write_tmx(out, units, header, min_variants=min_variants)
    return out.getvalue()


def test_the_file_is_valid_tmx_14b_with_every_required_header_attribute() -> None:
    data = written([unit(1), unit(2)])
    assert validate_tmx(data) == []
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "<?xml version='1.0' encoding='UTF-8'?>"
    assert lines[1] == '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    root = etree.fromstring(data)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert dict(header.attrib) == {
        "creationtool": "alignment-workbench", "creationtoolversion": "0.1.0",
        "segtype": "sentence", "o-tmf": "alignment-workbench", "adminlang": "en-US",
        "srclang": "en-GB", "datatype": "plaintext", "creationdate": "20260124T093000Z",
    }
    assert [(p.get("type"), p.text) for p in header.iter("prop")] == [("x-project", "CSTO")]


def test_a_unit_carries_tuid_utc_dates_properties_note_and_languages_as_given() -> None:
    tu = etree.fromstring(written([unit(7)])).find("body/tu")
    assert tu is not None
    assert tu.get("tuid") == "1-7"
    assert tu.get("creationdate") == "20260124T093015Z"  # 12:30:15 in Moscow is 09:30:15 UTC
    assert tu.get("changedate") == "20260125T080000Z"  # a naive datetime is taken as UTC
    assert [(p.get("type"), p.text) for p in tu.iter("prop")] == [
        ("x-document", "csto"), ("x-score", "0.9123")]
    assert tu.findtext("note") == "checked by M. Ivanova"
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.iter("tuv")]
    assert langs == ["en-GB", "ru-RU", "de-DE", "fr-FR", "es-ES"]


def test_text_comes_back_exactly_spaces_quotes_newlines_and_all() -> None:
    _, units = read_tmx(io.BytesIO(written([unit(1)])))
    (back,) = list(units)
    assert {v.lang: v.text for v in back.variants} == TEXTS


def test_characters_xml_forbids_are_stripped_and_nothing_else() -> None:
    dirty = unit(1, variants=(Variant("en-GB", "Bell\x07 and\x00 null\x1f\ufffe end\ud800"),
                              Variant("ru-RU", "Звонок\x0b\tи\x0c табуляция")),
                 notes=("note\x01",), tuid="id\x02")
    data = written([dirty])
    assert validate_tmx(data) == []
    _, units = read_tmx(io.BytesIO(data))
    (back,) = list(units)
    assert back.variants == (Variant("en-GB", "Bell and null end"),
                             Variant("ru-RU", "Звонок\tи табуляция"))
    assert (back.tuid, back.note) == ("id", "note")


@pytest.mark.parametrize(("variants", "min_variants", "expected_langs"), [
    ((Variant("en-GB", "Only English."),), 2, None),
    ((Variant("en-GB", "English."), Variant("ru-RU", "")), 2, None),
    ((Variant("en-GB", "English."), Variant("ru-RU", " \n\x00")), 2, None),
    ((Variant("en-GB", "English."), Variant("ru-RU", ""), Variant("de-DE", "Deutsch.")), 2,
     ["en-GB", "de-DE"]),
    ((Variant("en-GB", "Only English."),), 1, ["en-GB"]),
    ((Variant("en-GB", " "),), 1, None),
], ids=["one-sided", "empty-target", "blank-target", "empty-middle-dropped", "kept-with-1",
        "blank-never"])
def test_empty_variants_and_one_sided_units_are_left_out(
        variants: tuple[Variant, ...], min_variants: int, expected_langs: list[str] | None) -> None:
    out = io.BytesIO()
    count = write_tmx(out, [unit(1, variants=variants)], HEADER, min_variants=min_variants)
    assert validate_tmx(out.getvalue()) == []
    _, units = read_tmx(io.BytesIO(out.getvalue()))
    back = list(units)
    if expected_langs is None:
        assert (count, back) == (0, [])
    else:
        assert count == 1 and list(back[0].langs) == expected_langs


def test_an_empty_export_is_still_a_valid_file() -> None:
    assert validate_tmx(written([])) == []


@pytest.mark.parametrize(("bad", "message"), [
    (unit(1, variants=(Variant("*all*", "x"), Variant("ru-RU", "y"))),
     "a variant's language cannot be '*all*': that is for <header srclang>"),
    (unit(1, variants=(Variant("en GB", "x"), Variant("ru-RU", "y"))),
     "'en GB' is not a language code TMX accepts (like en-GB or ru-RU)"),
    (unit(1, variants=(Variant("", "x"), Variant("ru-RU", "y"))),
     "'' is not a language code TMX accepts (like en-GB or ru-RU)"),
])
def test_a_language_tmx_cannot_express_is_refused(bad: TranslationUnit, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        written([bad])
    assert str(raised.value) == message


def test_header_srclang_may_be_all_but_segtype_must_be_tmx_one() -> None:
    assert validate_tmx(written([unit(1)], TmxHeader(srclang="*all*"))) == []
    with pytest.raises(ValueError, match="segtype must be one of block, paragraph, sentence"):
        written([unit(1)], TmxHeader(srclang="en-GB", segtype="word"))
    with pytest.raises(ValueError, match="min_variants must be 1 or more"):
        written([unit(1)], min_variants=0)


def test_attribute_values_keep_tabs_newlines_and_quotes() -> None:
    data = written([unit(1, tuid='a\tb\nc\r"d" <&>')])
    assert validate_tmx(data) == []
    _, units = read_tmx(io.BytesIO(data))
    assert next(units).tuid == 'a\tb\nc\r"d" <&>'


def test_writing_streams_units_as_they_come() -> None:
    out = io.BytesIO()

    def units() -> Iterator[TranslationUnit]:
        for n in range(5_000):
            if n == 4_000:  # earlier units must already be in the output by now
                assert out.getvalue().count(b"<tu ") >= 3_000
            yield unit(n)

    assert write_tmx(out, units(), HEADER) == 5_000


def test_a_language_pair_keeps_two_variants_source_first() -> None:
    units = [unit(1), unit(2, variants=(Variant("en-GB", "Hi."), Variant("de-DE", "Hallo."))),
             unit(3, variants=(Variant("ru-RU", "Привет."), Variant("en-GB", "Hello.")))]
    out = io.BytesIO()
    assert write_tmx_pair(out, units, HEADER, "en-gb", "ru-RU") == 2
    assert validate_tmx(out.getvalue()) == []
    header, back = read_tmx(io.BytesIO(out.getvalue()))
    assert header.srclang == "en-gb"
    assert [u.variants for u in back] == [
        (Variant("en-GB", TEXTS["en-GB"]), Variant("ru-RU", TEXTS["ru-RU"])),
        (Variant("en-GB", "Hello."), Variant("ru-RU", "Привет.")),
    ]
    assert [len(u.variants) for u in pair_units(units, "en-GB", "de-DE")] == [2, 2, 1]


def test_the_header_declares_the_source_only_when_every_unit_has_it() -> None:
    both = unit(1, variants=(Variant("en-GB", "Hi."), Variant("de-DE", "Hallo.")))
    without = unit(2, variants=(Variant("ru-RU", "Привет."), Variant("de-DE", "Hallo.")))
    one_sided = unit(3, variants=(Variant("ru-RU", "Привет."), Variant("en-GB", " ")))
    for units, declared in (([both], "en-GB"), ([both, without], "*all*"),
                            ([both, one_sided], "en-GB"), ([], "en-GB")):
        out, body = io.BytesIO(), io.BytesIO()
        count = write_tmx(out, units, HEADER, body=body)
        assert validate_tmx(out.getvalue()) == []
        header, back = read_tmx(io.BytesIO(out.getvalue()))
        assert header.srclang == declared
        assert [u.tuid for u in back] == [u.tuid for u in units if u is not one_sided]
        assert count == len(units) - (one_sided in units)
    # Without ``body`` the header is written first, as given.
    assert read_tmx(io.BytesIO(written([both, without])))[0].srclang == "en-GB"


def test_a_units_own_srclang_is_written_only_if_it_has_that_language() -> None:
    units = [unit(1, srclang="ru-ru"), unit(2, srclang="ja"),
             unit(3, srclang="de-DE", variants=(Variant("en-GB", "Hi."), Variant("de-DE", " "),
                                                Variant("fr-FR", "Salut.")))]
    data = written(units, TmxHeader(srclang="*all*"))
    assert validate_tmx(data) == []
    assert [tu.get("srclang") for tu in etree.fromstring(data).iter("tu")] == ["ru-RU", None,
                                                                               None]
    pair = io.BytesIO()
    write_tmx_pair(pair, units[:1] + [unit(4, srclang="en-GB")], HEADER, "en-GB", "ru-RU")
    assert [u.srclang for u in read_tmx(io.BytesIO(pair.getvalue()))[1]] == [None, "en-GB"]


def test_unit_and_variant_metadata_go_out_where_the_dtd_allows_it() -> None:
    rich = unit(1, attributes=(("creationid", "ACME\\jsmith"), ("usagecount", "3"),
                               ("lastusagedate", "2014-01-02T08:00:00Z"), ("segtype", "word"),
                               ("changeid", 'a "quoted" <id>'), ("x-mine", "no"),
                               ("usagecount", "4")),
                variants=(Variant("en-GB", "Hi.", (("changeid", "ivanova"), ("tuid", "no")),
                                  (("x-Origin", "TM"),), ("first", "second")),
                          Variant("ru-RU", "Привет.")),
                properties=(("client", "Ministry"), ("x-Context", "0, 0")))
    data = written([rich])
    assert validate_tmx(data) == []
    tu = etree.fromstring(data).find("body/tu")
    assert tu is not None
    assert {k: v for k, v in tu.items() if k not in ("tuid", "creationdate", "changedate")} == {
        "creationid": "ACME\\jsmith", "usagecount": "3", "lastusagedate": "20140102T080000Z",
        "changeid": 'a "quoted" <id>'}
    assert [(p.get("type"), p.text) for p in tu.findall("prop")] == [
        ("client", "Ministry"), ("x-Context", "0, 0")]  # types as given, no x- added
    tuv = tu.find("tuv")
    assert tuv is not None and tuv.get("changeid") == "ivanova" and tuv.get("tuid") is None
    assert [n.text for n in tuv.findall("note")] == ["first", "second"]
    assert [(p.get("type"), p.text) for p in tuv.findall("prop")] == [("x-Origin", "TM")]
    back = next(read_tmx(io.BytesIO(data))[1])
    assert back.variants[0] == Variant("en-GB", "Hi.", (("changeid", "ivanova"),),
                                       (("x-Origin", "TM"),), ("first", "second"))
