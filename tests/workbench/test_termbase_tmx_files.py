"""Translation memories from other tools come back as they went in: real TMX files (Okapi's
and Pontoon's test data; see tests/data/README.md) imported into the memory, exported, and
compared unit by unit with what the file said — the same number of units, the same texts in
the same languages, the same dates, ids, attributes, properties and notes (the export adds
only the file's name and the unit's own tuid as ``x-document`` and ``x-tuid``), for every
unit that has a translation. Every export is valid TMX 1.4b. (The memory belongs to
``workbench.memory``; this file only calls it.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tmx import TranslationUnit, read_tmx, validate_tmx
from workbench.db import session_scope, upgrade
from workbench.errors import ExportError
from workbench.memory.export import MemoryExport, export_memory
from workbench.memory.store import import_tmx

DATA = Path(__file__).resolve().parents[1] / "data" / "tmx"
REAL_FILES = sorted(DATA.glob("*.tmx"))


def as_seen(unit: TranslationUnit, added: tuple[tuple[str, str], ...] = ()) -> dict[str, object]:
    """What a CAT tool reads of a unit: its variants (language case folded), dates, attributes,
    properties (less those in ``added``) and notes."""
    return {
        "variants": {v.lang.lower(): (v.text.strip(), v.attributes, v.properties, v.notes)
                     for v in unit.variants},
        "dates": (unit.creation_date, unit.change_date),
        "attributes": unit.attributes,
        "properties": tuple(p for p in unit.properties if p not in added),
        "notes": unit.notes,
    }


@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_real_tmx_files_round_trip_through_the_memory(database_url: str, path: Path) -> None:
    upgrade(database_url)
    data = path.read_bytes()
    with session_scope(database_url) as session:
        origin = import_tmx(session, io.BytesIO(data), path.name)
    _header, originals = read_tmx(io.BytesIO(data))
    units_in_file = list(originals)
    assert origin.unit_count == sum(1 for u in units_in_file
                                    if any(v.text.strip() for v in u.variants))
    # A unit in one language only (no translation) is kept in the memory, for search, but
    # not exported: a translation memory's unit pairs languages.
    kept = [u for u in units_in_file if sum(1 for v in u.variants if v.text.strip()) >= 2]
    languages = {v.lang.lower() for u in units_in_file for v in u.variants}
    if len(languages) < 2:  # Okapi's untranslated .po export, an aligner's en-en test
        with session_scope(database_url) as session, \
                pytest.raises(ExportError, match="A TMX needs at least two languages."):
            MemoryExport.build(session)
        return
    with session_scope(database_url) as session:
        exported = export_memory(session, MemoryExport.build(session)).read()
    assert validate_tmx(exported) == []
    _header, back = read_tmx(io.BytesIO(exported))
    units = list(back)
    assert len(units) == len(kept)
    for original, unit in zip(kept, units, strict=True):
        added = (("x-document", path.name),) + ((("x-tuid", original.tuid),)
                                                 if original.tuid else ())
        assert as_seen(unit, added) == as_seen(original), (path.name, original.tuid)
