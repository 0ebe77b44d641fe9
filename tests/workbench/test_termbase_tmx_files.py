"""Translation memories from other tools come back as they went in: real TMX files (the
test data of Okapi, Pontoon, Zanata, ModernMT, SuperTMXMerge and python-tmx; see
tests/data/README.md) imported into the memory, exported, and compared unit by unit with
what the file said: the same number of units (checked against lxml's own count of
``<tu>`` elements), the same texts in the same languages, the same dates, ids, attributes,
properties and notes (the export adds only the file's name as ``x-document``; a unit's own
tuid stays its tuid), for every unit that has text: a unit in one language only goes out
too, with its one variant. Every export is valid TMX 1.4b. The files the memory
refuses, and why, are listed in ``REFUSED``. (The memory belongs to ``workbench.memory``;
this file only calls it.)"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tmx import TranslationUnit, read_tmx, validate_tmx
from workbench.db import session_scope, upgrade
from workbench.errors import ExportError
from workbench.memory import MemoryImportError
from workbench.memory.export import MemoryExport, export_memory
from workbench.memory.store import import_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATA = Path(__file__).resolve().parents[1] / "data" / "tmx"
REAL_FILES = sorted(DATA.glob("*.tmx"))

# Real files the memory refuses, with the reason it gives: they do not count as imported.
REFUSED = {
    # Okapi's gold output of an old filter: raw <b> inside <bpt>, not well-formed XML.
    "okapi_ImportTest2A.out.tmx": r"<b> opened on line 8 is closed by </bpt>",
    # Empty bodies: a Pontoon test of an empty file, python-tmx's minimal file.
    "pontoon_no_entries.tmx": "the file holds no translation unit with text",
    "python-tmx_minimal.tmx": "the file holds no translation unit with text",
}
# Files whose every unit is in one language: imported, but a TMX export needs two.
ONE_LANGUAGE = {"okapi_potest.po.empty.tmx", "okapi_okapi-confusion.tmx", "okapi_aligned.tmx"}


def test_the_corpus_holds_forty_files_the_memory_imports() -> None:
    assert len([p for p in REAL_FILES if p.name not in REFUSED]) >= 40
    assert set(REFUSED) | ONE_LANGUAGE <= {p.name for p in REAL_FILES}


def tu_count(data: bytes) -> int:
    """The ``<tu>`` elements of a TMX as lxml counts them (not through ``tmx.reader``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return len(etree.fromstring(data, parser).findall("body/tu"))


def lang(code: str) -> str:
    """A language code as the memory keeps it: case folded, ``en_US`` spelled ``en-us``."""
    return code.lower().replace("_", "-")


def as_seen(unit: TranslationUnit, added: tuple[tuple[str, str], ...] = ()) -> dict[str, object]:
    """What a CAT tool reads of a unit: its variants (language case folded), dates, attributes,
    properties (less those in ``added``) and notes."""
    return {
        "variants": {lang(v.lang): (v.text.strip(), v.attributes, v.properties, v.notes)
                     for v in unit.variants if v.text.strip()},
        "dates": (unit.creation_date, unit.change_date),
        "attributes": unit.attributes,
        "properties": tuple(p for p in unit.properties if p not in added),
        "notes": unit.notes,
    }


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_real_tmx_files_round_trip_through_the_memory(database_url: str, path: Path) -> None:
    upgrade(database_url)
    data = path.read_bytes()
    if path.name in REFUSED:
        with session_scope(database_url) as session, \
                pytest.raises(MemoryImportError, match=REFUSED[path.name]):
            import_tmx(session, io.BytesIO(data), path.name)
        return
    with session_scope(database_url) as session:
        origin = import_tmx(session, io.BytesIO(data), path.name)
    header, originals = read_tmx(io.BytesIO(data))
    units_in_file = list(originals)
    assert len(units_in_file) == tu_count(data)
    # Every unit with text is kept, in one language or more, and exported (the export asks
    # for every language the memory holds).
    kept = [u for u in units_in_file if any(v.text.strip() for v in u.variants)]
    assert origin.unit_count == len(kept)
    if path.name in ONE_LANGUAGE:  # Okapi's untranslated .po, an SDLXLIFF source, en-en
        assert len({lang(v.lang) for u in units_in_file for v in u.variants}) == 1
        with session_scope(database_url) as session, \
                pytest.raises(ExportError, match="A TMX needs at least two languages."):
            MemoryExport.build(session)
        return
    with session_scope(database_url) as session:
        exported = export_memory(session, MemoryExport.build(session)).read()
    assert validate_tmx(exported) == []
    assert tu_count(exported) == len(kept)
    _header, back = read_tmx(io.BytesIO(exported))
    units = list(back)
    assert len(units) == len(kept)
    for original, unit in zip(kept, units, strict=True):
        assert as_seen(unit, (("x-document", path.name),)) == as_seen(original), \
            (path.name, original.tuid)
        if original.tuid:  # the file's own tuid goes back as the unit's tuid
            assert unit.tuid == original.tuid, path.name
        assert source_of(unit, "*all*") == source_of(original, header.srclang), path.name


def source_of(unit: TranslationUnit, file_source: str) -> str | None:
    """The source language a unit declares (its own, else its file's), folded, when the unit
    has a variant in it: what a CAT tool takes as the unit's source."""
    declared = lang(unit.srclang or file_source)
    texted = {lang(v.lang) for v in unit.variants if v.text.strip()}
    return declared if declared in texted else None


def test_a_real_unit_in_one_language_goes_out_alone_and_never_in_a_pair(
        database_url: str) -> None:
    # SuperTMXMerge's test file (written by OmegaT): "Hello" in en-us only, among en/ja
    # units. Its one <tuv> goes out in the multilingual file, with no srclang it lacks; the
    # pair file leaves it out. Before, the multilingual export dropped it too.
    upgrade(database_url)
    name = "supertmxmerge_left.tmx"
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO((DATA / name).read_bytes()), name)
    with session_scope(database_url) as session:
        exported = export_memory(session, MemoryExport.build(session)).read()
        paired = export_memory(session, MemoryExport.build(session, langs="en-US,ja-JP",
                                                           pairs=True)).read()
    assert validate_tmx(exported) == []
    alone = [tu for tu in etree.fromstring(exported).findall("body/tu")
             if len(tu.findall("tuv")) == 1]
    assert [tu.findtext("tuv/seg") for tu in alone] == ["Hello"]
    assert alone[0].get("srclang") in (None, alone[0].find("tuv").get(XML_LANG))
    with zipfile.ZipFile(io.BytesIO(paired)) as zipped:
        [pair] = zipped.namelist()
        texts = [tu.findtext("tuv/seg") for tu in
                 etree.fromstring(zipped.read(pair)).findall("body/tu")]
    assert "Hello" not in texts
    assert len(texts) == 29  # the 31 units less "Hello" and en-GB's "Cheerio"
