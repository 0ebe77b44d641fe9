"""The whole memory as TMX: every set's rows and the imported units, valid TMX 1.4b, with the
choices a CAT user needs; through the library, the web and the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.workbench.test_memory import memory_tmx
from tmx import TmxHeader, TranslationUnit, Variant, read_tmx, validate_tmx, write_tmx
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.errors import ExportError
from workbench.memory.export import MemoryExport, export_memory
from workbench.memory.store import import_tmx
from workbench.models import DocumentSet, Row, Sentence
from workbench.sets import row_views
from workbench.terminology.gold import store_gold_corpus

DEMO_LANGS = {"ru-RU", "en-GB", "de-DE", "fr-FR", "es-ES"}


@pytest.fixture
def memory(database_url: str) -> Iterator[str]:
    """The five demo sets (gold rows, all confirmed) and one imported TMX of five units."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        store_gold_corpus(session)
        import_tmx(session, io.BytesIO(memory_tmx()), "omegat.tmx")
    yield database_url


def exported(url: str, **choices: object) -> tuple[str, list[TranslationUnit], bytes]:
    with session_scope(url) as session:
        options = MemoryExport.build(session, **choices)  # type: ignore[arg-type]
        data = export_memory(session, options).read()
    header, units = read_tmx(io.BytesIO(data))
    return header.srclang, list(units), data


def set_rows_with_two_languages(url: str, langs: set[str]) -> int:
    from workbench.models import DocumentSet

    with session_scope(url) as session:
        return sum(
            1 for document_set in session.scalars(select(DocumentSet))
            for row in row_views(session, document_set)
            if sum(1 for lang in langs if row.text(lang)) >= 2)


def test_everything_goes_out_in_one_valid_file_source_first(memory: str) -> None:
    source, units, data = exported(memory)
    assert validate_tmx(data) == []
    # The pivot of the demo sets is ru-RU, but one gold row has no Russian (3-11: de, en, fr):
    # the file may not declare a source language a unit lacks.
    assert source == "*all*"
    assert [u.tuid for u in units if not u.text("ru-RU")] == ["3-11"]
    assert exported(memory, langs="ru,en")[0] == "ru-RU"  # every unit of that pair has ru
    from_sets = [u for u in units if "x-row" in dict(u.properties)]
    imported = [u for u in units if "x-row" not in dict(u.properties)]
    assert len(from_sets) == set_rows_with_two_languages(memory, DEMO_LANGS)
    assert len(imported) == 5
    assert all(u.variants[0].lang == "ru-RU" for u in from_sets if u.text("ru-RU"))
    # under a header of *all*, each row says its source itself (else a CAT tool takes
    # the first variant for it, and OmegaT skips units with a warning)
    assert all(u.srclang == "ru-RU" for u in from_sets if u.text("ru-RU"))
    assert next(u for u in from_sets if u.tuid == "3-11").srclang is None
    tom = next(u for u in imported if "Tom" in (u.text("en-GB") or ""))
    assert tom.text("en-GB") == 'Tom & Jerry say "hi" <b>twice</b>.'
    # its own tuid goes back as its tuid (TMX 1.4b: any text), not as a property
    assert ("x-document", "omegat.tmx") in tom.properties and tom.tuid == "2"
    assert not any(name == "x-tuid" for name, _value in tom.properties)
    assert {v.lang for u in units for v in u.variants} == DEMO_LANGS


def test_languages_by_code_or_by_language_and_sets_only(memory: str) -> None:
    source, units, _ = exported(memory, langs="ru,en-GB", imported=False)
    assert source == "ru-RU"
    assert {v.lang for u in units for v in u.variants} == {"ru-RU", "en-GB"}
    assert all("x-row" in dict(u.properties) for u in units)
    assert len(units) == set_rows_with_two_languages(memory, {"ru-RU", "en-GB"})


def test_confirmed_only_leaves_out_unconfirmed_rows_not_imported_units(memory: str) -> None:
    with session_scope(memory) as session:
        session.execute(update(Row).where(Row.position % 2 == 1).values(status="auto"))
        confirmed = session.scalar(select(func.count()).select_from(Row)
                                   .where(Row.status == "confirmed"))
    _, units, _ = exported(memory, confirmed_only=True)
    statuses = [dict(u.properties).get("x-status") for u in units]
    assert "auto" not in statuses
    assert 0 < statuses.count("confirmed") <= (confirmed or 0)
    assert sum(1 for u in units if "x-row" not in dict(u.properties)) == 5


def test_pairs_come_as_a_zip_of_two_language_files(memory: str) -> None:
    with session_scope(memory) as session:
        options = MemoryExport.build(session, langs=["en-GB", "de-DE", "fr-FR"],
                                     source_lang="en", pairs=True)
        data = export_memory(session, options).read()
    assert options.file_name() == "memory.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        names = sorted(zipped.namelist())
        assert names == ["memory.en-GB_de-DE.tmx", "memory.en-GB_fr-FR.tmx"]
        for name in names:
            tmx = zipped.read(name)
            assert validate_tmx(tmx) == []
            header, units = read_tmx(io.BytesIO(tmx))
            target = name.split("_")[1].removesuffix(".tmx")
            assert header.srclang == "en-GB"
            assert all([v.lang for v in u.variants] == ["en-GB", target] for u in units)


def test_pairs_with_no_source_named_leave_no_unit_out(memory: str, runner: CliRunner) -> None:
    # More American TMX files than Russian-pivot sets: the most usual source is en-US,
    # which no set has. Each unit goes out from its own source instead.
    american = memory_tmx().replace(b'"en-GB"', b'"en-US"')
    with session_scope(memory) as session:
        for n in range(6):  # six files, each its own units
            import_tmx(session, io.BytesIO(american.replace(b"</seg>", b" %d</seg>" % n)),
                       f"american-{n}.tmx")
    result = runner.invoke(main, ["memory", "export", "--pairs", "-o", "pairs.zip"])
    assert result.exit_code == 0, result.output
    tuids: set[tuple[str, str]] = set()  # (file or set, tuid)
    with zipfile.ZipFile("pairs.zip") as zipped:
        names = zipped.namelist()
        for name in names:
            data = zipped.read(name)
            assert validate_tmx(data) == []
            header, units = read_tmx(io.BytesIO(data))
            source, target = name.removeprefix("memory.").removesuffix(".tmx").split("_")
            assert header.srclang == source
            for unit in units:
                assert [v.lang for v in unit.variants] == [source, target]
                properties = dict(unit.properties)
                tuids.add(("set" if "x-row" in properties else properties["x-document"],
                           unit.tuid or ""))
    assert {"memory.ru-RU_en-GB.tmx", "memory.ru-RU_de-DE.tmx", "memory.en-US_ru-RU.tmx",
            "memory.en-GB_ru-RU.tmx"} <= set(names)
    assert not any(name.startswith("memory.ru-RU_en-US") for name in names)
    # every set row with two languages, and every imported unit with a translation
    set_rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    assert len([t for where, t in tuids if where == "set"]) == set_rows
    assert len([t for where, t in tuids if where != "set"]) == 7 * 5  # omegat.tmx and six


def test_the_memory_form_exports_pairs_from_each_units_own_source(
        memory: str, client: FlaskClient) -> None:
    american = memory_tmx().replace(b'"en-GB"', b'"en-US"')
    with session_scope(memory) as session:
        for n in range(6):  # six files, each its own units
            import_tmx(session, io.BytesIO(american.replace(b"</seg>", b" %d</seg>" % n)),
                       f"american-{n}.tmx")
    page = client.get("/memory/").get_data(as_text=True)
    assert "the pivot of most sets; for pairs, each unit" in page
    started = client.post("/memory/export", data={"pairs": "1", "source": ""})
    assert started.status_code == 303
    client.get(started.headers["Location"])
    with zipfile.ZipFile(io.BytesIO(client.get("/jobs/1/download").data)) as zipped:
        names = set(zipped.namelist())
    assert {"memory.ru-RU_en-GB.tmx", "memory.en-US_ru-RU.tmx"} <= names


def test_pairs_from_a_bare_source_language_take_every_region_of_it(
        memory: str, runner: CliRunner) -> None:
    # the demo sets and omegat.tmx are in en-GB; an American file beside them
    american = memory_tmx().replace(b'"en-GB"', b'"en-US"').replace(b"</seg>", b" US</seg>")
    with session_scope(memory) as session:
        import_tmx(session, io.BytesIO(american), "american.tmx")
    result = runner.invoke(main, ["memory", "export", "--pairs", "--source-lang", "en",
                                  "-o", "pairs.zip"])
    assert result.exit_code == 0, result.output
    american_units = 0
    with zipfile.ZipFile("pairs.zip") as zipped:
        names = zipped.namelist()
        for name in names:
            data = zipped.read(name)
            assert validate_tmx(data) == []
            header, units = read_tmx(io.BytesIO(data))
            source = name.removeprefix("memory.").split("_")[0]
            assert source in ("en-GB", "en-US") and header.srclang == source
            american_units += sum(1 for u in units
                                  if dict(u.properties).get("x-document") == "american.tmx")
    assert "memory.en-US_ru-RU.tmx" in names and "memory.en-GB_ru-RU.tmx" in names
    assert not any("_en-" in name for name in names)  # no English-to-English pair
    # each of american.tmx's five units in its pair with Russian (and three in another)
    assert american_units == 5 + 2


def test_pairs_from_a_source_named_are_that_sources(memory: str) -> None:
    with session_scope(memory) as session:
        options = MemoryExport.build(session, source_lang="ru", pairs=True)
        with zipfile.ZipFile(export_memory(session, options)) as zipped:
            names = zipped.namelist()
    assert options.source_lang == "ru-RU"
    assert sorted(names) == [f"memory.ru-RU_{lang}.tmx"
                             for lang in sorted(DEMO_LANGS - {"ru-RU"})]


def test_a_pair_no_unit_holds_gets_no_file(memory: str) -> None:
    # an Arabic-English file beside the Russian-pivot sets: ru-RU has no Arabic, and
    # memory.ru-RU_ar.tmx came out empty
    with session_scope(memory) as session:
        out = io.BytesIO()
        write_tmx(out, [TranslationUnit("1", (Variant("en-GB", "Good morning."),
                                              Variant("ar", "صباح الخير.")))],
                  TmxHeader(srclang="en-GB"))
        import_tmx(session, io.BytesIO(out.getvalue()), "arabic.tmx")
        session.commit()
        options = MemoryExport.build(session, source_lang="ru", pairs=True)
        with zipfile.ZipFile(export_memory(session, options)) as zipped:
            names = zipped.namelist()
    assert "ar" in options.langs
    assert sorted(names) == [f"memory.ru-RU_{lang}.tmx"
                             for lang in sorted(DEMO_LANGS - {"ru-RU"})]


def test_a_language_the_memory_lacks_and_an_empty_memory_are_refused(memory: str,
                                                                     tmp_path: Path) -> None:
    with session_scope(memory) as session, pytest.raises(ExportError) as refused:
        MemoryExport.build(session, langs="ru,ja")
    assert "'ja'" in refused.value.message and "ru-RU" in refused.value.message
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    upgrade(empty)
    with session_scope(empty) as session, pytest.raises(ExportError, match="empty"):
        MemoryExport.build(session)


def test_the_memory_page_offers_the_export_and_serves_it(memory: str,
                                                         client: FlaskClient) -> None:
    page = client.get("/memory/").get_data(as_text=True)
    assert 'action="/memory/export"' in page and 'value="es-ES"' in page
    # The form makes the export a job; its page offers the file when it is written.
    started = client.post("/memory/export", data={"lang": ["ru-RU", "fr-FR"], "confirmed": "1"})
    assert started.status_code == 303
    job_page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Download memory.tmx" in job_page
    download = client.get("/jobs/1/download")
    assert 'filename=memory.tmx' in download.headers["Content-Disposition"]
    assert validate_tmx(download.data) == []
    _, units = read_tmx(io.BytesIO(download.data))
    assert {v.lang for u in units for v in u.variants} == {"ru-RU", "fr-FR"}
    refused = client.post("/memory/export", data={"langs": "ja"})
    assert refused.status_code == 400
    assert "holds no text in &#39;ja&#39;" in refused.get_data(as_text=True)
    # The same export straight away, for tools that fetch it.
    response = client.get("/memory/export.tmx?lang=ru-RU&lang=fr-FR&confirmed=1")
    assert response.status_code == 200
    assert 'filename=memory.tmx' in response.headers["Content-Disposition"]
    assert validate_tmx(response.data) == []
    _, units = read_tmx(io.BytesIO(response.data))
    assert {v.lang for u in units for v in u.variants} == {"ru-RU", "fr-FR"}
    refused = client.get("/memory/export.tmx?langs=ja", headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "'ja'" in refused.get_json()["error"]


@pytest.mark.parametrize(("ticked", "source", "said"), [
    (["fr-FR"], "", "A TMX needs at least two languages, and only fr-FR was chosen."),
    ([], "", "A TMX needs at least two languages, and none was chosen."),
    (["en-GB", "fr-FR"], "ru-RU", "The source language ru-RU is not among the languages "
     "chosen (en-GB, fr-FR): choose it too, or take one of these as the source."),
])
def test_the_memory_form_exports_only_the_languages_ticked(
        memory: str, client: FlaskClient, ticked: list[str], source: str, said: str) -> None:
    page = client.get("/memory/").get_data(as_text=True)
    assert '<input type="hidden" name="lang" value="">' in page
    # As the form sends it: the empty "lang" beside the boxes ticked.
    refused = client.post("/memory/export", data={"lang": ["", *ticked], "source": source},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.get_json()["error"] == said
    assert client.get("/jobs/1").status_code == 404  # no job started


def test_the_cli_writes_the_memory_to_a_file(memory: str, runner: CliRunner) -> None:
    result = runner.invoke(main, ["memory", "export", "-o", "all.tmx", "--langs", "ru,es",
                                  "--sets-only"])
    assert result.exit_code == 0, result.output
    with open("all.tmx", "rb") as written:
        data = written.read()
    assert validate_tmx(data) == []
    _, units = read_tmx(io.BytesIO(data))
    assert len(list(units)) == set_rows_with_two_languages(memory, {"ru-RU", "es-ES"})
    wrong = runner.invoke(main, ["memory", "export", "--langs", "xx"])
    assert wrong.exit_code == 1 and "'xx'" in wrong.output


@pytest.mark.parametrize(("asked", "chosen"), [
    ("en", ["en", "en-GB", "en-US"]), ("en-GB", ["en-GB"]), ("EN-us", ["en-US"]),
    ("en-AU", ["en", "en-GB", "en-US"]), ("ru", ["ru-RU"]),
])
def test_a_language_names_its_codes(asked: str, chosen: list[str]) -> None:
    from workbench.memory.export import _matching

    assert _matching(asked, ["en", "en-GB", "en-US", "ru-RU"]) == chosen


def test_nothing_to_export_is_said_rather_than_an_empty_file(memory: str,
                                                             client: FlaskClient) -> None:
    with session_scope(memory) as session:
        session.execute(update(Row).values(status="auto"))
    refused = client.get("/memory/export.tmx?confirmed=1&sets_only=1",
                         headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert refused.get_json()["error"].startswith("Nothing to export: no confirmed row")


def test_pair_files_in_the_zip_carry_the_time_of_export(memory: str) -> None:
    import time

    with session_scope(memory) as session:
        options = MemoryExport.build(session, langs="ru,en", source_lang="ru", pairs=True)
        data = export_memory(session, options).read()
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        (entry,) = zipped.infolist()
        assert entry.date_time[0] == time.localtime().tm_year
        assert entry.compress_type == zipfile.ZIP_DEFLATED


# The memory's own export imported back (after a round trip through a CAT tool, say)


def own_export_imported_back(client: FlaskClient, query: str = "") -> str:
    """The memory's export (every language, sets and files) uploaded back as memory.tmx;
    the page the import's job goes on to."""
    from tests.workbench.test_memory import upload

    data = client.get(f"/memory/export.tmx{query}").data
    response = upload(client, data, "memory.tmx")
    job_page = client.get(response.headers["Location"])
    return str(job_page.headers["Location"])


def hit_origins(client: FlaskClient, query: str) -> list[tuple[str, str]]:
    hits = client.get("/memory/concordance.json", query_string={"q": query}).get_json()["hits"]
    return [(hit["origin"]["kind"], hit["origin"]["name"]) for hit in hits]


def test_the_memorys_own_export_imported_back_adds_nothing_and_says_so(
        memory: str, client: FlaskClient) -> None:
    rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    before = {query: hit_origins(client, query) for query in ("deescalating", "Minsk", "ОДКБ")}
    _, units_before, _ = exported(memory)
    assert len(units_before) == rows + 5
    where = own_export_imported_back(client)
    assert where == f"/memory/?imported=2&already=5&in_sets={rows}"
    page = client.get(where).get_data(as_text=True)
    assert (f"memory.tmx: 0 units added, 5 already in the memory (not added again). {rows} "
            "units were already in the memory (from the document sets): they are shown once, "
            "from their sets, and the file keeps them for when those rows are edited or the "
            "sets deleted.") in page
    russian = client.get(where, headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert f"{rows} единиц уже были в памяти (из наборов документов)" in russian
    # every concordance hit once, from where it was; the counts and the export as before
    assert {query: hit_origins(client, query) for query in before} == before
    assert hit_origins(client, "deescalating") == [("set", hit_origins(
        client, "deescalating")[0][1])]
    overview = client.get("/memory/?format=json").get_json()
    assert (overview["files"], overview["units"]) == (2, 5)
    _, units_after, _ = exported(memory)
    assert len(units_after) == len(units_before)
    matches = client.get("/memory/fuzzy.json", query_string={
        "text": "The ministers met in Moscow on Monday.", "source": "en-GB",
        "target": "ru-RU"}).get_json()
    assert [m["score"] for m in matches].count(100) == 1


def test_the_cli_says_a_pair_files_units_are_in_the_sets_already(memory: str,
                                                                 runner: CliRunner) -> None:
    result = runner.invoke(main, ["memory", "export", "-o", "ru-en.tmx", "--langs", "ru,en",
                                  "--sets-only"])
    assert result.exit_code == 0, result.output
    rows = set_rows_with_two_languages(memory, {"ru-RU", "en-GB"})
    result = runner.invoke(main, ["memory", "import", "ru-en.tmx"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"ru-en.tmx: 0 units added (memory file 2). {rows} units were already in the memory "
        "(from the document sets): they are shown once, from their sets, and the file keeps "
        "them for when those rows are edited or the sets deleted.\n")
    result = runner.invoke(main, ["memory", "search", "deescalating", "--format", "json"])
    assert [hit["origin"]["kind"] for hit in json.loads(result.output)["hits"]] == ["set"]


def test_after_deleting_the_set_the_reimported_files_units_are_still_in_the_memory(
        memory: str, client: FlaskClient) -> None:
    own_export_imported_back(client)
    [(kind, name)] = hit_origins(client, "deescalating")
    [hit] = client.get("/memory/concordance.json?q=deescalating").get_json()["hits"]
    doomed = hit["origin"]["id"]
    with session_scope(memory) as session:
        doomed_rows = sum(1 for row in row_views(session, session.get(DocumentSet, doomed))
                          if sum(1 for lang in DEMO_LANGS if row.text(lang)) >= 2)
    assert client.post(f"/sets/{doomed}/delete").status_code == 303
    # the file's copy of the set's rows is seen now, in search, counts and export
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    overview = client.get("/memory/?format=json").get_json()
    assert (overview["files"], overview["units"]) == (2, 5 + doomed_rows)
    assert {"memory.tmx": doomed_rows}.items() <= {
        f["file"]: f["units"] for f in overview["imported"]}.items()
    _, units, _ = exported(memory)
    assert len(units) == set_rows_with_two_languages(memory, DEMO_LANGS) + 5 + doomed_rows
    # and it stays the file's when the other file is removed
    assert client.post("/memory/files/1/remove").status_code == 303
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    assert client.get("/memory/?format=json").get_json()["units"] == 5 + doomed_rows


def test_an_edited_row_lets_the_files_unit_be_seen_again(memory: str,
                                                         client: FlaskClient) -> None:
    own_export_imported_back(client)
    with session_scope(memory) as session:
        sentence = session.scalars(select(Sentence).where(
            Sentence.text.contains("deescalating"))).one()
        set_id = session.get(Row, sentence.row_id).set_id  # type: ignore[union-attr]
        revision = session.get(DocumentSet, set_id).revision  # type: ignore[union-attr]
    # confirming a row changes no text: the file's unit stays unseen
    assert client.post(f"/sets/{set_id}/edit/confirm", data={
        "revision": revision, "row": sentence.row_id, "confirmed": "0"}).status_code == 200
    assert [kind for kind, _name in hit_origins(client, "deescalating")] == ["set"]
    edited = sentence.text.replace("deescalating", "de-escalating")
    response = client.post(f"/sets/{set_id}/edit/text", data={
        "revision": revision + 1, "sentence": sentence.id, "text": edited})
    assert response.status_code == 200, response.get_data(as_text=True)
    # the row says something else now: the file's unit, with the old text, is seen again
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    assert [kind for kind, _name in hit_origins(client, '"de-escalating"')] == ["set"]
    assert client.get("/memory/?format=json").get_json()["units"] == 6


def test_confirmed_only_gives_the_files_unit_of_a_row_not_confirmed(
        memory: str, client: FlaskClient) -> None:
    own_export_imported_back(client)
    with session_scope(memory) as session:
        session.execute(update(Row).where(Row.position % 2 == 1).values(status="auto"))
    _, units, _ = exported(memory, confirmed_only=True)
    # each row once: as the set's when confirmed, else as the file's unit (which says
    # "confirmed": it was when exported)
    assert len(units) == set_rows_with_two_languages(memory, DEMO_LANGS) + 5
    tuids = [u.tuid for u in units]
    assert len(tuids) == len(set(tuids))
