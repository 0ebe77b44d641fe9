"""What a CAT tool put in its TMX comes back out of the memory: files in the styles of Trados
Studio, memoQ, OmegaT and Heartsome/Okapi are imported (library, CLI, web), exported, and
what the tool would see is compared: unit and variant metadata (dates, ids, usage counts,
properties, notes), the text (sub-flows included, for search), and the source-language
rules (a file never declares a source language one of its units lacks). Every export stays
valid TMX 1.4b."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import text

from tmx import read_tmx, validate_tmx
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.memory.concordance import concordance
from workbench.memory.export import MemoryExport, export_memory
from workbench.memory.store import import_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Trados Studio 2011+ ("SDL Language Platform"): header properties, every unit with its
# dates, creator, last editor, usage and a set of x- properties; empty inline tags.
TRADOS = r"""<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
  <header creationtool="SDL Language Platform" creationtoolversion="8.0" o-tmf="SDL TM8 Format"
      datatype="xml" segtype="sentence" adminlang="en-US" srclang="en-US"
      creationdate="20130514T091402Z" creationid="ACME\jsmith">
    <prop type="x-Recognizers">RecognizeAll</prop>
    <prop type="x-TMName">Ministry en-de</prop>
  </header>
  <body>
    <tu creationdate="20130514T091402Z" creationid="ACME\jsmith" changedate="20130612T154501Z"
        changeid="ACME\mmueller" lastusagedate="20140102T080000Z" usagecount="3">
      <prop type="x-LastUsedBy">ACME\mmueller</prop>
      <prop type="x-Context">0, 0</prop>
      <prop type="x-Origin">TM</prop>
      <prop type="x-ConfirmationLevel">ApprovedSignOff</prop>
      <prop type="x-Client:MultipleString">Ministry of Foreign Affairs</prop>
      <tuv xml:lang="en-US">
        <seg>Click <bpt i="1" type="1" x="1" />Save<ept i="1" /> &amp; close.</seg>
      </tuv>
      <tuv xml:lang="de-DE">
        <seg>Klicken Sie auf <bpt i="1" type="1" x="1" />Speichern<ept i="1"
          /> &amp; schließen.</seg>
      </tuv>
    </tu>
    <tu creationdate="20130515T101010Z" creationid="ACME\jsmith" changedate="20130515T101010Z"
        changeid="ACME\jsmith" lastusagedate="20130515T101010Z" usagecount="0">
      <prop type="x-Context">-2128125125, 0</prop>
      <prop type="x-Origin">Alignment</prop>
      <prop type="x-ConfirmationLevel">Translated</prop>
      <tuv xml:lang="en-US"><seg>The ministers met in Minsk.</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Die Minister trafen sich in Minsk.</seg></tuv>
    </tu>
  </body>
</tmx>
"""

# memoQ: its own property types without the x- prefix (client, project, domain ...), an
# x-document of its own, language codes in lower case.
MEMOQ = """<?xml version="1.0" encoding="utf-8"?>
<tmx version="1.4">
<header creationtool="MemoQ" creationtoolversion="9.5.8" segtype="sentence" o-tmf="MemoQTM"
    adminlang="en-us" srclang="en-gb" datatype="unknown" creationdate="20231012T101010Z"
    creationid="PM"><prop type="defclient">Ministry</prop></header>
<body>
<tu changedate="20231012T101010Z" creationdate="20231011T090000Z" creationid="translator1"
    changeid="reviewer1"><prop type="client">Ministry</prop><prop type="project">CSTO 2023</prop
    ><prop type="domain">Diplomacy</prop><prop type="subject"></prop><prop type="corrected"
    >no</prop><prop type="aligned">no</prop><prop type="x-document">statement.docx</prop><prop
    type="x-context-pre">The Council met.</prop><prop type="x-context-post"></prop>
<tuv xml:lang="en-gb"><seg>The ministers adopted a statement.</seg></tuv>
<tuv xml:lang="ru-ru"><seg>Министры приняли заявление.</seg></tuv>
</tu>
</body>
</tmx>
"""

# OmegaT's project_save.tmx: who translated what on the target <tuv>, notes, alternative
# translations with their context properties; and an empty one, as a new project has.
OMEGAT = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
      creationtoolversion="6.0.1_0_ab12cd34" segtype="sentence" srclang="en-GB"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv xml:lang="en-GB">
        <seg>The next meeting will take place in Minsk.</seg>
      </tuv>
      <tuv xml:lang="ru-RU" changeid="ivanova" changedate="20240311T101500Z" creationid="ivanova"
          creationdate="20240311T101000Z">
        <note>Checked against the Russian original.</note>
        <seg>Следующая встреча состоится в Минске.</seg>
      </tuv>
    </tu>
<!-- Alternative translations -->
    <tu>
      <prop type="file">page.txt</prop>
      <prop type="prev">The next meeting will take place in Minsk.</prop>
      <prop type="next"></prop>
      <note>Alternative for the press release.</note>
      <note>Second note.</note>
      <tuv xml:lang="en-GB">
        <seg>Thank you.</seg>
      </tuv>
      <tuv xml:lang="ru-RU" changeid="petrov" changedate="20240312T080000Z">
        <seg>Благодарим вас.</seg>
      </tuv>
    </tu>
  </body>
</tmx>
"""
OMEGAT_EMPTY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext"
      creationtoolversion="6.0.1_0_ab12cd34" segtype="sentence" srclang="en-GB"/>
  <body>
<!-- Default translations -->
<!-- Alternative translations -->
  </body>
</tmx>
"""

# Heartsome/Okapi style: the TMX 1.4b DTD by its public name, srclang *all*, units in
# several directions, one with its own srclang.
ALL_SOURCES = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx PUBLIC "-//LISA OSCAR:1998//DTD for Translation Memory eXchange//EN"
    "tmx14b.dtd">
<tmx version="1.4">
<header creationtool="Heartsome TM Server" creationtoolversion="2.0" segtype="sentence"
    o-tmf="unknown" adminlang="en" srclang="*all*" datatype="unknown"/>
<body>
<tu tuid="a"><tuv xml:lang="de"><seg>Der Rat tagte.</seg></tuv>
<tuv xml:lang="en"><seg>The Council met.</seg></tuv></tu>
<tu tuid="b" srclang="en"><tuv xml:lang="en"><seg>The vote was postponed.</seg></tuv>
<tuv xml:lang="fr"><seg>Le vote a été reporté.</seg></tuv></tu>
<tu tuid="c"><tuv xml:lang="de"><seg>Die Sitzung ist eröffnet.</seg></tuv>
<tuv xml:lang="fr"><seg>La séance est ouverte.</seg></tuv></tu>
<tu tuid="d" srclang="fr"><tuv xml:lang="fr"><seg>Merci.</seg></tuv>
<tuv xml:lang="en"><seg>Thank you.</seg></tuv></tu>
</body>
</tmx>
"""

# Sub-flows: the text of a button label and of a footnote inside inline codes.
SUB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
<header creationtool="Okapi" creationtoolversion="1.44" segtype="sentence" o-tmf="okp"
    adminlang="en" srclang="en" datatype="html"/>
<body>
<tu><tuv xml:lang="en"><seg>Click <bpt i="1" x="1">&lt;a title="<sub>Start Here!</sub>"&gt;</bpt
><ept i="1">&lt;/a&gt;</ept> to start.</seg></tuv>
<tuv xml:lang="de"><seg>Klicken Sie auf <bpt i="1" x="1">&lt;a title="<sub>Hier beginnen!</sub
>"&gt;</bpt><ept i="1">&lt;/a&gt;</ept>, um zu beginnen.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Signed<ph type="fnote">{\\footnote <sub>In Moscow, 2023.</sub>}</ph
> today.</seg></tuv>
<tuv xml:lang="de"><seg>Heute<ph type="fnote">{\\footnote <sub>In Moskau, 2023.</sub>}</ph
> unterzeichnet.</seg></tuv></tu>
</body>
</tmx>
"""

FILES = {"trados.tmx": TRADOS, "memoq.tmx": MEMOQ, "project_save.tmx": OMEGAT,
         "all.tmx": ALL_SOURCES, "okapi-sub.tmx": SUB}


def seen_by_a_cat_tool(tu: etree._Element) -> dict[str, object]:
    """What a CAT tool reads of a <tu>, language codes folded (the memory normalises their
    case) and the memory's own tuid left aside: attributes, properties, notes, variants."""
    def attributes(element: etree._Element) -> dict[str, str]:
        return {name: value for name, value in element.items()
                if name not in ("tuid", XML_LANG, "lang")}

    def props(element: etree._Element) -> list[tuple[str | None, str]]:
        return [(p.get("type"), p.text or "") for p in element.findall("prop")]

    def notes(element: etree._Element) -> list[str]:
        return [n.text or "" for n in element.findall("note")]

    return {
        "attributes": {name: value.lower() if name == "srclang" else value
                       for name, value in attributes(tu).items()},
        "props": props(tu),
        "notes": notes(tu),
        "variants": {
            (tuv.get(XML_LANG) or tuv.get("lang") or "").lower(): (
                attributes(tuv), props(tuv), notes(tuv), "".join(tuv.find("seg").itertext()))
            for tuv in tu.findall("tuv")},
    }


def units_of(tmx: str | bytes) -> list[etree._Element]:
    data = tmx.encode() if isinstance(tmx, str) else tmx
    return etree.fromstring(data).findall("body/tu")


def exported_units(data: bytes, document: str) -> list[etree._Element]:
    """The units an export holds from one imported file, in its order."""
    return [tu for tu in units_of(data)
            if any(p.get("type") == "x-document" and p.text == document
                   for p in tu.findall("prop"))
            or (document == "memoq.tmx" and tu.get("tuid", "").startswith("tmx"))]


def export(url: str, **choices: object) -> bytes:
    with session_scope(url) as session:
        options = MemoryExport.build(session, **choices)  # type: ignore[arg-type]
        return export_memory(session, options).read()


@pytest.fixture
def memory(database_url: str) -> Iterator[str]:
    upgrade(database_url)
    for name, data in FILES.items():
        with session_scope(database_url) as session:
            import_tmx(session, io.BytesIO(data.encode()), name)
    yield database_url


def test_trados_units_come_back_with_their_dates_ids_usage_and_properties(memory: str) -> None:
    data = export(memory, langs="en,de")
    assert validate_tmx(data) == []
    originals, back = units_of(TRADOS), exported_units(data, "trados.tmx")
    assert len(back) == len(originals) == 2
    for original, exported in zip(originals, back, strict=True):
        seen, expected = seen_by_a_cat_tool(exported), seen_by_a_cat_tool(original)
        assert seen["props"] == [*expected["props"], ("x-document", "trados.tmx")]  # type: ignore[misc]
        # The unit's direction comes with it: the file said en-US.
        assert seen["attributes"] == {**expected["attributes"], "srclang": "en-us"}  # type: ignore[dict-item]
        assert seen["notes"] == expected["notes"] and seen["variants"] == expected["variants"]
    first = back[0]
    assert (first.get("creationdate"), first.get("changedate"), first.get("usagecount"),
            first.get("changeid")) == ("20130514T091402Z", "20130612T154501Z", "3",
                                       "ACME\\mmueller")


def test_memoq_properties_keep_their_own_types(memory: str) -> None:
    data = export(memory, langs="en-GB,ru-RU", source_lang="en-GB")
    assert validate_tmx(data) == []
    [original] = units_of(MEMOQ)
    [back] = [tu for tu in units_of(data) if any(
        p.get("type") == "project" and p.text == "CSTO 2023" for p in tu.findall("prop"))]
    seen, expected = seen_by_a_cat_tool(back), seen_by_a_cat_tool(original)
    # memoQ's client, project, domain ... stay as they are (no x- added), its own
    # x-document stays the only one; it had no tuid, and gets one of ours.
    assert seen["props"] == expected["props"]
    assert seen["attributes"] == {**expected["attributes"], "srclang": "en-gb"}  # type: ignore[dict-item]
    assert seen["variants"] == expected["variants"]


def test_omegat_variant_metadata_and_notes_come_back(memory: str) -> None:
    data = export(memory, langs="en-GB,ru-RU", source_lang="en-GB")
    assert validate_tmx(data) == []
    originals, back = units_of(OMEGAT), exported_units(data, "project_save.tmx")
    assert len(back) == 2
    for original, exported in zip(originals, back, strict=True):
        seen, expected = seen_by_a_cat_tool(exported), seen_by_a_cat_tool(original)
        assert seen["variants"] == {lang: (attributes, props, notes, text.strip())
                                    for lang, (attributes, props, notes, text)
                                    in expected["variants"].items()}  # type: ignore[attr-defined]
        assert seen["notes"] == expected["notes"]
        assert seen["props"] == [*expected["props"], ("x-document", "project_save.tmx")]  # type: ignore[misc]
    ru = back[0].find("tuv[2]")
    assert ru is not None and ru.get("changeid") == "ivanova"
    assert ru.findtext("note") == "Checked against the Russian original."


def test_a_file_for_any_source_never_declares_one_a_unit_lacks(memory: str) -> None:
    # The case: *all* in, 4 units, 2 of them without de; asked for de as the source.
    data = export(memory, langs="de,en,fr", source_lang="de")
    assert validate_tmx(data) == []
    header, units = read_tmx(io.BytesIO(data))
    assert header.srclang == "*all*"
    back = {u.tuid: u for u in units if dict(u.properties).get("x-document") == "all.tmx"}
    assert set(back) == {"a", "b", "c", "d"}
    # A unit's own srclang goes back; one the file left to *all* gets none.
    assert {tuid: u.srclang for tuid, u in back.items()} == {
        "a": None, "b": "en", "c": None, "d": "fr"}
    # Every unit written declares only a language it has.
    for tu in units_of(data):
        langs = {tuv.get(XML_LANG) for tuv in tu.findall("tuv")}
        assert tu.get("srclang") is None or tu.get("srclang") in langs


def test_the_source_is_declared_when_every_unit_has_it(memory: str) -> None:
    header, units = read_tmx(io.BytesIO(export(memory, langs="fr,en", source_lang="fr")))
    assert header.srclang == "fr"
    assert [u.text("fr") for u in units] == ["Le vote a été reporté.", "Merci."]
    # "en" names en-US and en-GB too: the Trados units have en-US, not en.
    assert read_tmx(io.BytesIO(export(memory, langs="de,en", source_lang="en")))[0].srclang \
        == "*all*"


def test_a_pair_file_declares_its_source_and_no_other_unit_direction(memory: str) -> None:
    import zipfile

    data = export(memory, langs="en,fr", source_lang="fr", pairs=True)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        tmx = zipped.read("memory.fr_en.tmx")
    assert validate_tmx(tmx) == []
    header, units = read_tmx(io.BytesIO(tmx))
    assert header.srclang == "fr"
    by_text = {u.text("fr"): u.srclang for u in units}
    assert by_text == {"Le vote a été reporté.": None, "Merci.": "fr"}


def test_sub_flow_text_is_found_by_search_and_exported(memory: str) -> None:
    with session_scope(memory) as session:
        [hit] = concordance(session, '"Start Here"').hits
        assert hit.text == "Click Start Here! to start."
        assert hit.counterparts == (("de", "Klicken Sie auf Hier beginnen!, um zu beginnen."),)
        [footnote] = concordance(session, "Moskau").hits
        assert footnote.text == "Heute In Moskau, 2023. unterzeichnet."


def test_tmx14b_doctype_is_imported(database_url: str) -> None:
    upgrade(database_url)
    for n, doctype in enumerate(('<!DOCTYPE tmx SYSTEM "tmx14b.dtd">',
                                 '<!DOCTYPE tmx SYSTEM "http://www.lisa.org/tmx/tmx14b.dtd">')):
        data = SUB.replace('<!DOCTYPE tmx SYSTEM "tmx14.dtd">', doctype).encode()
        # (texts of their own: the same units twice would be left out as already stored)
        data = data.replace(b"</seg>", b" %d</seg>" % n)
        with session_scope(database_url) as session:
            assert import_tmx(session, io.BytesIO(data), "okapi.tmx").unit_count == 2
    with session_scope(database_url) as session:  # and the PUBLIC form of the fixture
        assert import_tmx(session, io.BytesIO(ALL_SOURCES.encode()), "hs.tmx").unit_count == 4


def test_units_without_metadata_store_none(memory: str) -> None:
    with session_scope(memory) as session:
        stored: dict[str, int] = dict(session.execute(text(
            "SELECT o.file_name, count(u.meta) FROM memory_origin o JOIN memory_unit u "
            "ON u.origin_id = o.id GROUP BY o.file_name")).all())
        variants = session.scalar(text("SELECT count(meta) FROM memory_variant"))
    assert stored == {"trados.tmx": 2, "memoq.tmx": 1, "project_save.tmx": 1, "all.tmx": 2,
                      "okapi-sub.tmx": 0}
    assert variants == 2  # OmegaT's two Russian variants


# Through the command line and the web


def test_cli_imports_every_file_it_can_and_sums_up(runner: CliRunner, tmp_path: Path,
                                                   database_url: str) -> None:
    (tmp_path / "project_save.tmx").write_text(OMEGAT_EMPTY, encoding="utf-8")
    (tmp_path / "trados.tmx").write_text(TRADOS, encoding="utf-8")
    (tmp_path / "cut.tmx").write_text(MEMOQ[:-60], encoding="utf-8")
    (tmp_path / "memoq.tmx").write_text(MEMOQ, encoding="utf-8")
    result = runner.invoke(main, ["memory", "import", "project_save.tmx", "trados.tmx",
                                  "missing.tmx", "cut.tmx", "memoq.tmx"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ("Error: project_save.tmx: the file holds no translation unit with "
                        "text. Nothing was imported.")
    # (PostgreSQL spends an id on the refused file; SQLite gives it to the next one)
    assert re.fullmatch(r"trados\.tmx: 2 units imported \(memory file \d+\)\.", lines[1])
    assert lines[2].startswith("Error: missing.tmx: cannot be read")
    assert lines[3].startswith("Error: cut.tmx, line ")
    assert lines[3].endswith("truncated. Nothing was imported.")
    assert lines[4].startswith("memoq.tmx: 1 unit imported (memory file ")
    assert lines[5] == "Imported 2 of 5 files (3 units); refused 3:"
    assert [line.split(":")[0] for line in lines[6:]] == [
        "  project_save.tmx", "  missing.tmx", "  cut.tmx, line 13"]

    exported = runner.invoke(main, ["memory", "export", "-o", "out.tmx", "--langs", "en,de"])
    assert exported.exit_code == 0, exported.output
    data = (tmp_path / "out.tmx").read_bytes()
    assert validate_tmx(data) == []
    assert [tu.get("creationdate") for tu in exported_units(data, "trados.tmx")] == [
        "20130514T091402Z", "20130515T101010Z"]


def test_cli_all_imported_sums_up_with_status_0(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("trados.tmx", "memoq.tmx"):
        (tmp_path / name).write_text(FILES[name], encoding="utf-8")
    result = runner.invoke(main, ["memory", "import", "trados.tmx", "memoq.tmx"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Imported 2 of 2 files (3 units)."


def test_the_web_import_and_export_keep_the_metadata(client: FlaskClient) -> None:
    response = client.post("/memory/import", data={"file": (io.BytesIO(TRADOS.encode()),
                                                            "trados.tmx")},
                           content_type="multipart/form-data",
                           headers={"Accept": "application/json"})
    # A job (run at once in the test config): the answer is the job, with its result.
    assert response.status_code == 202, response.get_data(as_text=True)
    job = response.get_json()
    assert job["state"] == "done" and job["result"]["units"] == 2
    assert job["result_url"] == f"/memory/?imported={job['result']['origin_id']}"
    data = client.get("/memory/export.tmx?langs=en,de").data
    assert validate_tmx(data) == []
    back = exported_units(data, "trados.tmx")
    assert [seen_by_a_cat_tool(tu)["props"] for tu in back] == [
        [*seen_by_a_cat_tool(tu)["props"], ("x-document", "trados.tmx")]  # type: ignore[misc]
        for tu in units_of(TRADOS)]
    found = client.get("/memory/concordance.json?q=Speichern").get_json()["hits"]
    assert [hit["text"] for hit in found] == [
        "Klicken Sie auf Speichern & schließen."]


@pytest.mark.sqlite_only(reason="reads SQLite's PRAGMA table_info")
def test_the_migration_keeps_earlier_imports_and_goes_back(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from workbench.db import MIGRATIONS, engine_for

    def migrate(action: str, revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", database_url)
        with engine_for(database_url).begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)

    migrate("upgrade", "0004")
    with engine_for(database_url).begin() as connection:  # a file imported before 0006
        connection.execute(text(
            "INSERT INTO memory_origin (id, file_name, tool, source_lang, imported_at, "
            "unit_count, langs, status, importer) VALUES (1, 'old.tmx', '', 'en', "
            "'2026-01-01 00:00:00', 1, '[\"de\", \"en\"]', 'ready', '')"))
        connection.execute(text("INSERT INTO memory_unit (id, origin_id, position, tuid) "
                                "VALUES (1, 1, 1, 'x')"))
        connection.execute(text("INSERT INTO memory_variant (unit_id, lang, text) VALUES "
                                "(1, 'en', 'Old text.'), (1, 'de', 'Alter Text.')"))
    upgrade(database_url)
    header, units = read_tmx(io.BytesIO(export(database_url, langs="en,de")))
    [old] = list(units)
    assert (old.text("de"), old.srclang, old.creation_date) == ("Alter Text.", "en", None)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(TRADOS.encode()), "trados.tmx")
    migrate("downgrade", "0004")
    with engine_for(database_url).begin() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(memory_unit)"))]
        assert "meta" not in columns
        assert connection.execute(text("SELECT count(*) FROM memory_variant")).scalar() == 6
    upgrade(database_url)
