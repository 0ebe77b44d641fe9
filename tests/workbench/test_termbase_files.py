"""Termbases from other tools come back as they went in: real TBX files (Okapi, GlobalSight's
LISA samples, mojito; see tests/data/README.md) imported into the termbase, exported,
checked against TBX's core RelaxNG, and imported again — the same concepts, terms,
languages, statuses, definitions, notes and transactions each time. Regional codes stay
apart (en-US and en-GB, zh-CN and zh-TW), while the checks still match a term to the rows
of any region of its language. And the ``workbench termbase`` commands."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from click.testing import CliRunner
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import delete, select, text

from tests.tmx.test_tbx import schematron_problems
from workbench.db import MIGRATIONS, engine_for, session_scope, upgrade
from workbench.terminology import TermbaseError
from workbench.terminology.checks import TermChecker, term_records
from workbench.terminology.models import Concept, Term
from workbench.terminology.termbase import concepts, export_tbx, import_tbx
from workbench.terminology.termbase_cli import termbase

DATA = Path(__file__).resolve().parents[1] / "data"
REAL_FILES = sorted(p for p in (DATA / "tbx").glob("*.tbx") if "notWellformed" not in p.name)
BROKEN = DATA / "tbx" / "globalsight_sampleTBXfile-notWellformed.tbx"
CORE_RNG = etree.RelaxNG(etree.parse(str(DATA / "schemas" / "TBXcoreStructV03.rng")))


@pytest.fixture
def url(database_url: str) -> str:
    """The database, with the schema."""
    upgrade(database_url)
    return database_url


def independent_count(path: Path) -> tuple[int, int]:
    """Concepts and terms of a TBX file as XPath counts them: entries with a non-empty term
    inside a language section, and those terms (each term is unique in its section here)."""
    root = etree.parse(str(path)).getroot()
    terms_of = ("./*[local-name()='langSet' or local-name()='langSec']//*[local-name()='term']"
                "[normalize-space()]")
    entries = root.xpath("//*[local-name()='termEntry' or local-name()='conceptEntry']")
    counts = [len(entry.xpath(terms_of)) for entry in entries]
    return sum(1 for c in counts if c), sum(counts)


def snapshot(url: str) -> list[dict[str, Any]]:
    """What the termbase holds, concept by concept, as a terminologist would compare it."""
    with session_scope(url) as session:
        return [{
            "name": c.name, "definition": c.definition, "subject": c.subject, "note": c.note,
            "details": c.data.get("details"), "transactions": c.data.get("transactions"),
            "languages": c.data.get("languages"),
            "terms": sorted((t.lang, t.text, t.status, t.note, t.data.get("status"),
                             repr(t.data.get("details")), repr(t.data.get("transactions")))
                            for t in c.terms),
        } for c in concepts(session)]


def clear(url: str) -> None:
    with session_scope(url) as session:
        session.execute(delete(Term))
        session.execute(delete(Concept))


def test_real_tbx_files_round_trip_through_the_termbase(url: str) -> None:
    assert len(REAL_FILES) >= 10
    for path in REAL_FILES:
        clear(url)
        with session_scope(url) as session, path.open("rb") as source:
            added = import_tbx(session, source, name=path.name).added
        concepts_in_file, terms_in_file = independent_count(path)
        assert added == concepts_in_file, path.name
        first = snapshot(url)
        assert sum(len(c["terms"]) for c in first) == terms_in_file, path.name
        with session_scope(url) as session:
            exported = export_tbx(session)
        assert CORE_RNG.validate(etree.parse(io.BytesIO(exported))), \
            (path.name, CORE_RNG.error_log.last_error)
        # TBX-Basic's Schematron finds nothing but picklist values the file itself used
        # (partOfSpeech "nom", termType "synonym", a standardized status ...): kept as given.
        original = path.read_bytes().decode("cp1254" if "1254" in path.name else "utf-8")
        for message, value in schematron_problems(exported):
            assert message.startswith(("Permitted values", "The termType must be")), message
            assert re.search(rf">\s*{re.escape(value)}\s*<", original), (path.name, value)
        clear(url)
        with session_scope(url) as session:
            assert import_tbx(session, exported, name="again.tbx").added == added, path.name
        assert snapshot(url) == first, path.name
        # the same export imported again into the termbase that made it adds nothing
        with session_scope(url) as session:
            assert import_tbx(session, exported, name="again.tbx") == (0, added), path.name
        assert snapshot(url) == first, path.name


def test_statuses_definitions_and_notes_of_real_files_are_kept(url: str) -> None:
    with session_scope(url) as session:
        for name in ("okapi_oracle_TBX.tbx", "okapi_ibm_tbx.tbx", "okapi_maryland.tbx"):
            import_tbx(session, (DATA / "tbx" / name).read_bytes(), name=name)
    with session_scope(url) as session:
        terms = {(t.lang, t.text): t for c in concepts(session) for t in c.terms}
        valor = terms[("pt", "Valor a Atingir")]
        assert (valor.status, valor.data["status"]) == ("preferred", "standardized")
        oracle = concepts(session)[0]
        assert oracle.data["languages"]["pt"]["details"] == [
            ["note", "Termo específico aos EUA.", "", ""]]
        assert oracle.definition.startswith("GREs and PREs")  # a language-level definition
        navigation = terms[("en", "navigation trail")]
        assert ["partOfSpeech", "noun", "", ""] in navigation.data["details"]
        assert navigation.data["details"][-1][0] == "context"
        scribe = terms[("fr", "scribe")]
        assert scribe.data["details"] == [["termType", "synonym", "", ""]]
        assert scribe.data["status"] == "" and scribe.status == "admitted"
        exported = export_tbx(session).decode()
    assert "standardizedTerm-admn-sts" in exported
    assert "<note>Termo específico aos EUA.</note>" in exported
    assert exported.count("<note>") == 2  # the two the files have: no concept name as a note


TWO_REGIONS = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>regions</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="c1">
 <langSec xml:lang="en-US"><termSec><term>Foreign Ministry</term>
  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
 <langSec xml:lang="en-GB"><termSec><term>Foreign Ministry</term>
  <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
  <termSec><term>Foreign Office</term>
  <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></termSec></langSec>
 <langSec xml:lang="zh-CN"><termSec><term>外交部</term></termSec></langSec>
 <langSec xml:lang="zh-TW"><termSec><term>外交部</term></termSec></langSec>
 <langSec xml:lang="ru"><termSec><term>МИД</term></termSec></langSec>
</conceptEntry></body></text></tbx>""".encode()


def test_one_term_in_two_regions_imports_and_regions_stay_apart(client: FlaskClient) -> None:
    response = client.post("/terms/termbase/import",
                           data={"file": (io.BytesIO(TWO_REGIONS), "regions.tbx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    (concept,) = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert [(t["lang"], t["text"], t["status"]) for t in concept["terms"]] == [
        ("en-US", "Foreign Ministry", "preferred"), ("en-GB", "Foreign Ministry", "preferred"),
        ("en-GB", "Foreign Office", "deprecated"), ("zh-CN", "外交部", "admitted"),
        ("zh-TW", "外交部", "admitted"), ("ru", "МИД", "admitted")]
    exported = client.get("/terms/termbase.tbx").get_data(as_text=True)
    assert 'xml:lang="en-GB"' in exported and 'xml:lang="zh-TW"' in exported
    assert "supersededTerm-admn-sts" in exported


def test_the_checks_match_a_regional_term_in_rows_of_its_language(url: str) -> None:
    with session_scope(url) as session:
        import_tbx(session, TWO_REGIONS)
        checker = TermChecker(term_records(session))
    found = checker.matches("He wrote to the Foreign Office yesterday.", "en")
    assert [(m.group(), entry.status) for m, entry in found] == [("Foreign Office",
                                                                  "deprecated")]


def test_export_keeps_the_languages_asked_for(url: str) -> None:
    with session_scope(url) as session:
        import_tbx(session, TWO_REGIONS)
        base = export_tbx(session, langs=["en"]).decode()
        exact = export_tbx(session, langs=["en-GB", "ru"]).decode()
        with pytest.raises(TermbaseError, match=r"no terms in de \(it has en-GB, en-US, ru"):
            export_tbx(session, langs=["de"])
    assert 'xml:lang="en-US"' in base and 'xml:lang="en-GB"' in base
    assert "zh-CN" not in base and "МИД" not in base
    assert 'xml:lang="en-US"' not in exact and "Foreign Office" in exact and "МИД" in exact


def test_a_status_the_terminologist_changed_is_exported_as_changed(url: str) -> None:
    with session_scope(url) as session:
        import_tbx(session, (DATA / "tbx" / "okapi_oracle_TBX.tbx").read_bytes())
        term = session.scalar(select(Term).where(Term.text == "Valor a Atingir"))
        assert term is not None
        term.status = "deprecated"
    with session_scope(url) as session:
        exported = export_tbx(session).decode()
    assert exported.count("standardizedTerm-admn-sts") == 1  # the other one
    assert "deprecatedTerm-admn-sts" in exported


def test_a_concept_the_workbench_made_is_exported_without_an_invented_note(url: str) -> None:
    with session_scope(url) as session:
        concept = Concept(name="CSTO CFM", definition="The ministers' council.")
        concept.terms.append(Term(lang="en", text="CSTO Council of Foreign Ministers",
                                  status="preferred"))
        session.add(concept)
    with session_scope(url) as session:
        exported = export_tbx(session)
    assert b"CSTO CFM" not in exported and b"<note>" not in exported
    assert b'<descrip type="definition">The ministers\' council.</descrip>' in exported
    assert CORE_RNG.validate(etree.parse(io.BytesIO(exported)))


def test_cli_imports_each_file_on_its_own_and_sums_up(runner: CliRunner, tmp_path: Path,
                                                       url: str) -> None:
    for path in (REAL_FILES[0], BROKEN, DATA / "tbx" / "okapi_ibm_tbx.tbx"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    result = runner.invoke(termbase, ["import", REAL_FILES[0].name, BROKEN.name,
                                      "okapi_ibm_tbx.tbx", "missing.tbx"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{REAL_FILES[0].name}: 1 concept imported.", "okapi_ibm_tbx.tbx: 5 concepts imported."]
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"Error: {BROKEN.name} is not well-formed XML: Opening and "
                                "ending tag mismatch")
    assert errors[1] == "Error: missing.tbx: cannot be read (No such file or directory)."
    assert errors[2] == "Imported 2 of 4 files (6 concepts); refused 2:"
    with session_scope(url) as session:
        assert len(concepts(session)) == 6  # nothing of the refused files


def test_a_region_asked_for_takes_the_terms_written_without_one(url: str) -> None:
    # the workbench settles flags in bare codes (en): they hold for en-GB as for en-US
    with session_scope(url) as session:
        concept = Concept(name="CSTO CFM")
        concept.terms += [Term(lang="en", text="CSTO Council of Foreign Ministers",
                               status="preferred"),
                          Term(lang="ru", text="СМИД ОДКБ", status="preferred")]
        session.add(concept)
    with session_scope(url) as session:
        british = export_tbx(session, langs=["en-GB"]).decode()
    assert "CSTO Council of Foreign Ministers" in british and "СМИД" not in british


def test_cli_imports_its_own_export_without_doubling_it(runner: CliRunner, tmp_path: Path,
                                                       url: str) -> None:
    (tmp_path / "regions.tbx").write_bytes(TWO_REGIONS)
    runner.invoke(termbase, ["import", "regions.tbx"])
    assert runner.invoke(termbase, ["export", "-o", "out.tbx"]).exit_code == 0
    again = runner.invoke(termbase, ["import", "out.tbx"])
    assert again.exit_code == 0
    assert again.output == "out.tbx: 0 concepts imported, 1 already in the termbase.\n"
    with session_scope(url) as session:
        assert len(concepts(session)) == 1
    empty = runner.invoke(termbase, ["export", "--langs", "de"])
    assert empty.exit_code == 1
    assert "The termbase has no terms in de (it has en-GB, en-US, ru, zh-CN, zh-TW)." \
        in empty.stderr


def test_cli_exports_the_termbase(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "regions.tbx").write_bytes(TWO_REGIONS)
    assert runner.invoke(termbase, ["import", "regions.tbx"]).output == \
        "regions.tbx: 1 concept imported.\n"
    result = runner.invoke(termbase, ["export", "-o", "out.tbx", "--langs", "ru, zh-TW"])
    assert result.exit_code == 0 and result.output == ""
    written = (tmp_path / "out.tbx").read_text(encoding="utf-8")
    assert "外交部" in written and "МИД" in written and "Foreign" not in written
    assert runner.invoke(termbase, ["export"]).stdout.startswith("<?xml")
    failed = runner.invoke(termbase, ["export", "-o", str(tmp_path / "no" / "such.tbx")])
    assert failed.exit_code == 1
    assert "such.tbx: cannot be written (No such file or directory)." in failed.stderr


def test_migration_0009_keeps_the_terms_stored_before(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008_jobs")
        connection.execute(text(
            "INSERT INTO term_concept (id, name, definition, subject, note, created_at) "
            "VALUES (1, 'council', 'the body', '', 'old note', '2024-01-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO term_entry (concept_id, lang, text, status, note) "
            "VALUES (1, 'en', 'council', 'preferred', '')"))
        command.upgrade(config, "head")
    with session_scope(url) as session:
        (concept,) = concepts(session)
        assert concept.data == {} and concept.terms[0].data == {}
        exported = export_tbx(session).decode()
        import_tbx(session, TWO_REGIONS)  # regional codes next to the old bare ones
    assert "<note>old note</note>" in exported and "preferredTerm-admn-sts" in exported
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_jobs")
        assert connection.execute(text("SELECT count(*) FROM term_entry")).scalar() == 7


@pytest.mark.parametrize("name", ["okapi_test02_win1254.tbx"])
def test_a_windows_1254_file_is_read_in_its_encoding(url: str, name: str) -> None:
    with session_scope(url) as session:
        import_tbx(session, (DATA / "tbx" / name).read_bytes(), name=name)
        texts = [t.text for c in concepts(session) for t in c.terms]
    assert texts == ["term with: éá and İı", "tr term with: éá and İı"]
