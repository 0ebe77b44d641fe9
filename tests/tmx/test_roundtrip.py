"""Round trips: read(write(units)) == units, and other tools read our files the same way."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tmx import TmxHeader, TranslationUnit, Variant, read_tmx, validate_tmx, write_tmx
from tmx.units import property_type, xml_safe

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
units = st.builds(
    TranslationUnit,
    tuid=st.none() | texts,
    variants=st.lists(st.builds(Variant, st.sampled_from(LANGS), texts), max_size=5).map(tuple),
    properties=st.lists(st.tuples(texts, texts), max_size=3).map(tuple),
    creation_date=dates,
    change_date=dates,
    note=st.none() | texts,
)


def as_written(unit: TranslationUnit) -> TranslationUnit | None:
    """What a unit should read back as: forbidden characters gone, blank variants left out."""
    variants = tuple(Variant(v.lang, xml_safe(v.text)) for v in unit.variants
                     if xml_safe(v.text).strip())
    if len(variants) < 2:
        return None
    return TranslationUnit(
        tuid=None if unit.tuid is None else xml_safe(unit.tuid),
        variants=variants,
        properties=tuple((xml_safe(property_type(name)), xml_safe(value))
                         for name, value in unit.properties),
        creation_date=unit.creation_date and unit.creation_date.astimezone(UTC),
        change_date=unit.change_date and unit.change_date.astimezone(UTC),
        note=None if unit.note is None else xml_safe(unit.note),
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
                                   Variant("de-DE", de)), note=f"row {n}")
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
