"""Round trips: read(write(units)) == units, and other tools read our files the same way."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmx import TmxHeader, TranslationUnit, Variant, read_tmx, validate_tmx, write_tmx
from tmx.units import TU_ATTRIBUTES, TUV_ATTRIBUTES, attribute_value, xml_safe

HEADER = TmxHeader(srclang="en-GB", creation_tool_version="0.1.0")
LANGS = ["en-GB", "ru-RU", "de-DE", "fr-FR", "es-ES", "de", "sr-Latn-RS"]
TRICKY = ["&", "<", ">", '"', "'", "\n", "\r\n", "\r", "\t", " ", "  ", "«", "»", "„", "“",
          "ß", "Совет", "ОДКБ", "\u00a0", "]]>", "&amp;", "<seg>", "\x00", "\x07", "\x0b",
          "\x1f", "\ufffe", "\uffff", "\ud800", "\U0001f600", "\u200b"]
texts = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=8)), max_size=8).map("".join)
dates = st.none() | st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 31),
    timezones=st.builds(timezone, st.integers(-14 * 60, 14 * 60).map(
        lambda minutes: timedelta(minutes=minutes))),
).map(lambda moment: moment.replace(microsecond=0))
pairs = st.lists(st.tuples(texts, texts), max_size=3).map(tuple)
notes = st.lists(texts, max_size=2).map(tuple)


def attributes(allowed: tuple[str, ...]) -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Attributes as a unit or variant may carry them: names TMX allows there or not, dates
    in TMX's form or another, segtypes TMX knows or not."""
    names = st.sampled_from([*allowed, "tuid", "srclang", "x-mine", "segtype"])
    values = st.one_of(texts, st.sampled_from(["20130514T091402Z", "2013-05-14T09:14:02Z",
                                               "yesterday", "sentence", "word", "3"]))
    return st.lists(st.tuples(names, values), max_size=3).map(tuple)


variants = st.builds(Variant, st.sampled_from(LANGS), texts, attributes(TUV_ATTRIBUTES),
                     pairs, notes)
units = st.builds(
    TranslationUnit,
    tuid=st.none() | texts,
    variants=st.lists(variants, max_size=5).map(tuple),
    properties=pairs,
    creation_date=dates,
    change_date=dates,
    notes=notes,
    srclang=st.none() | st.sampled_from([*LANGS, "EN-gb", "ja"]),
    attributes=attributes(TU_ATTRIBUTES),
)


def kept(given: tuple[tuple[str, str], ...],
         allowed: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The attributes that go out: those TMX allows there, the first of a name, dates and
    segtypes TMX reads, values XML-safe."""
    out: dict[str, str] = {}
    for name, value in given:
        value = attribute_value(name, xml_safe(value), allowed)  # type: ignore[assignment]
        if value is not None and name not in out:
            out[name] = value
    return tuple(out.items())


def as_written(unit: TranslationUnit) -> TranslationUnit | None:
    """What a unit should read back as: forbidden characters gone, blank variants left out,
    a srclang only when a variant is in it (spelled as the variant is), attributes only where
    TMX allows them."""
    variants = tuple(
        Variant(v.lang, xml_safe(v.text), kept(v.attributes, TUV_ATTRIBUTES),
                tuple((xml_safe(name), xml_safe(value)) for name, value in v.properties),
                tuple(map(xml_safe, v.notes)))
        for v in unit.variants if xml_safe(v.text).strip())
    if len(variants) < 2:
        return None
    srclang = unit.srclang and next(
        (v.lang for v in variants if v.lang.casefold() == unit.srclang.casefold()), None)
    return TranslationUnit(
        tuid=None if unit.tuid is None else xml_safe(unit.tuid),
        variants=variants,
        properties=tuple((xml_safe(name), xml_safe(value)) for name, value in unit.properties),
        creation_date=unit.creation_date and unit.creation_date.astimezone(UTC),
        change_date=unit.change_date and unit.change_date.astimezone(UTC),
        notes=tuple(map(xml_safe, unit.notes)),
        srclang=srclang,
        attributes=kept(unit.attributes, TU_ATTRIBUTES),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(units, max_size=6))
def test_read_of_write_gives_the_units_back(units: list[TranslationUnit]) -> None:
    out = io.BytesIO()
    count = write_tmx(out, units, HEADER)
    assert validate_tmx(out.getvalue()) == []
    header, back = read_tmx(io.BytesIO(out.getvalue()))
    expected = [u for u in map(as_written, units) if u is not None]
    assert header == HEADER
    assert list(back) == expected
    assert count == len(expected)


def test_translate_toolkit_reads_our_file_with_the_same_units() -> None:
    # translate-toolkit is GPL: a test dependency only, never imported by the workbench.
    from translate.storage import tmx as ttk_tmx

    ours = [
        TranslationUnit(f"1-{n}", (Variant("en-GB", en), Variant("ru-RU", ru),
                                   Variant("de-DE", de)), notes=(f"row {n}",))
        for n, (en, ru, de) in enumerate([
            ("The CSTO Ministerial Council met.", "«Совет министров ОДКБ» собрался.",
             "Der Rat „tagte“."),
            ("Lavrov & Guterres: <talks>", "Лавров и Гутерриш:\nпереговоры", "Straße & ß"),
            ("  spaced  ", "Новая строка\r\nи возврат", "\"quoted\" 'too'"),
        ], 1)
    ]
    out = io.BytesIO()
    write_tmx(out, ours, HEADER)
    store = ttk_tmx.tmxfile.parsestring(out.getvalue())
    assert store.sourcelanguage == "en-GB"
    assert len(store.units) == len(ours)
    for theirs, unit in zip(store.units, ours, strict=True):
        assert theirs.getid() == unit.tuid
        assert theirs.source == unit.text("en-GB")
        assert theirs.gettarget("ru-RU") == unit.text("ru-RU")
        assert theirs.gettarget("de-DE") == unit.text("de-DE")
        assert theirs.getnotes() == unit.note
