"""Managing sets (issue 13): rename, delete with what goes with it, a page already stored,
the export form and its file names, one language code per version."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from tests.conftest import demo_page
from tests.workbench.test_web import demo_files, upload
from tmx import validate_tmx
from workbench.db import session_scope, upgrade
from workbench.importers import read_version
from workbench.memory.store import languages
from workbench.models import DocumentSet, Edit, Row, Sentence, Version
from workbench.sets import (
    DEFAULT_REGIONS,
    canonical_lang,
    create_set,
    delete_set,
    find_duplicates,
    rename_set,
)
from workbench.terminology.gold import store_gold_corpus

PASTED = {
    "slot-lang-0": "ru-RU",
    "slot-text-0": "Встреча прошла в Бишкеке. Она была продуктивной.",
    "slot-lang-1": "en-GB",
    "slot-text-1": "The meeting took place in Bishkek. It was productive.",
}


@pytest.fixture
def gold(database_url: str) -> Iterator[list[int]]:
    """The five demo pages stored through their gold rows (no aligner: fast)."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        ids = [s.id for s in store_gold_corpus(session)]
    yield ids


def attachment_name(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"])
    assert found, response.headers["Content-Disposition"]
    return found.group(1)


# --- rename ----------------------------------------------------------------------------------

def test_a_set_is_renamed_from_its_page_and_from_the_list(client: FlaskClient) -> None:
    assert client.post("/sets", data=PASTED).status_code == 303
    page = client.get("/sets/1").get_data(as_text=True)
    assert 'action="/sets/1/rename"' in page and 'name="csrf_token"' in page

    response = client.post("/sets/1/rename", data={"name": "  CSTO   council 2019 "})
    assert response.status_code == 303 and response.headers["Location"] == "/sets/1"
    shown = client.get("/sets/1").get_data(as_text=True)
    assert "<h1>CSTO council 2019</h1>" in shown
    assert "The set is now called “CSTO council 2019”." in shown

    listing = client.get("/").get_data(as_text=True)
    assert 'action="/sets/1/rename"' in listing and 'name="next" value="index"' in listing
    response = client.post("/sets/1/rename", data={"name": "Bishkek", "next": "index"})
    assert response.headers["Location"] == "/"
    assert client.get("/sets.json").get_json()[0]["name"] == "Bishkek"


def test_an_empty_or_overlong_name_is_refused_and_the_name_kept(client: FlaskClient) -> None:
    client.post("/sets", data=PASTED)
    before = client.get("/sets.json").get_json()[0]["name"]
    response = client.post("/sets/1/rename", data={"name": "   "})
    assert response.status_code == 400
    assert "A set needs a name" in response.get_data(as_text=True)
    response = client.post("/sets/1/rename", data={"name": "x" * 301})
    assert response.status_code == 400 and "at most 300 characters" in response.get_data(
        as_text=True)
    assert client.get("/sets.json").get_json()[0]["name"] == before
    assert client.post("/sets/9/rename", data={"name": "A"}).status_code == 404


def test_renaming_and_deleting_need_the_csrf_token(client: FlaskClient,
                                                   bare_client: FlaskClient) -> None:
    client.post("/sets", data=PASTED)
    assert bare_client.post("/sets/1/rename", data={"name": "Evil"}).status_code == 400
    assert bare_client.post("/sets/1/delete").status_code == 400
    assert [s["id"] for s in client.get("/sets.json").get_json()] == [1]
    assert client.get("/sets.json").get_json()[0]["name"] != "Evil"


# --- delete ----------------------------------------------------------------------------------

def test_delete_asks_first_saying_what_goes(client: FlaskClient, gold: list[int]) -> None:
    assert f'href="/sets/{gold[0]}/delete"' in client.get("/").get_data(as_text=True)
    assert f'href="/sets/{gold[0]}/delete"' in client.get(f"/sets/{gold[0]}").get_data(
        as_text=True)
    page = client.get(f"/sets/{gold[0]}/delete").get_data(as_text=True)
    assert "Its rows leave the translation memory, the concordance and fuzzy search, and the " \
           "terminology flags." in page
    assert re.search(r"removes its \d+ rows in ru-RU, en-GB, de-DE, fr-FR, es-ES", page)
    assert f'<form method="post" action="/sets/{gold[0]}/delete">' in page
    assert 'name="csrf_token"' in page
    # Asking changes nothing.
    assert len(client.get("/sets.json").get_json()) == len(gold)


def test_deleting_a_set_takes_it_out_of_the_memory_and_the_flags(
        client: FlaskClient, gold: list[int], database_url: str) -> None:
    [hit] = client.get("/memory/concordance.json?q=deescalating").get_json()["hits"]
    doomed = hit["origin"]["id"]
    english = hit["text"]
    fuzzy = {"text": english, "source": "en-GB", "target": "ru-RU"}
    matches = client.get("/memory/fuzzy.json", query_string=fuzzy).get_json()
    assert any(m["origin"]["id"] == doomed and m["score"] == 100 for m in matches)
    flags = client.get("/terms/flags.json?show=all").get_json()
    assert any(o["set"] == doomed for f in flags for o in f["occurrences"])
    # An edit, so that the set has a history to lose too.
    with session_scope(database_url) as session:
        row_id = session.scalars(select(Row.id).where(Row.set_id == doomed)).first()
        revision = session.get(DocumentSet, doomed).revision  # type: ignore[union-attr]
    assert client.post(f"/sets/{doomed}/edit/confirm",
                       data={"revision": revision, "row": row_id, "confirmed": "0"}
                       ).status_code == 200

    response = client.post(f"/sets/{doomed}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    listing = client.get("/").get_data(as_text=True)
    assert "was deleted." in listing
    assert doomed not in [s["id"] for s in client.get("/sets.json").get_json()]
    assert client.get(f"/sets/{doomed}").status_code == 404

    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).where(Row.set_id == doomed)) == 0
        assert session.scalar(select(func.count()).where(Version.set_id == doomed)) == 0
        assert session.scalar(select(func.count()).where(Edit.set_id == doomed)) == 0
        assert session.scalar(select(func.count()).select_from(Sentence).where(
            Sentence.text == english)) == 0
        orphans = session.scalar(text(
            "SELECT count(*) FROM sentence s LEFT JOIN version v ON v.id = s.version_id "
            "WHERE v.id IS NULL"))
        assert orphans == 0
    assert client.get("/memory/concordance.json?q=deescalating").get_json()["hits"] == []
    matches = client.get("/memory/fuzzy.json", query_string=fuzzy).get_json()
    assert all(m["origin"]["id"] != doomed and m["score"] < 100 for m in matches)
    flags = client.get("/terms/flags.json?show=all").get_json()
    assert flags and not any(o["set"] == doomed for f in flags for o in f["occurrences"])
    # The other sets are whole.
    assert len(client.get("/sets.json").get_json()) == len(gold) - 1


def test_delete_set_is_one_transaction(database_url: str, gold: list[int]) -> None:
    with session_scope(database_url) as session:
        rows = session.scalar(select(func.count()).select_from(Row))
        name = delete_set(session, gold[1])
        session.rollback()  # nothing of it was committed
        assert session.scalar(select(func.count()).select_from(Row)) == rows
        assert session.get(DocumentSet, gold[1]).name == name  # type: ignore[union-attr]


# --- a page already in a set -----------------------------------------------------------------

def test_uploading_a_page_already_stored_warns_and_add_anyway_stores_it(
        client: FlaskClient) -> None:
    files = demo_files("004", ("ru-RU", "en-GB"))
    assert upload(client, files).status_code == 303
    name = client.get("/sets.json").get_json()[0]["name"]

    response = upload(client, files)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "is already in the set" in page
    assert '<a href="/sets/1">' in page and name in page
    assert "004.ru-RU.html" in page and 'name="add_anyway"' in page
    assert len(client.get("/sets.json").get_json()) == 1

    # The same page saved under another name is the same text: still warned.
    renamed = {"en": (files["en-GB"][0], "council.en.html"),
               "fr": (demo_page("004", "fr-FR").read_bytes(), "004.fr-FR.html")}
    response = upload(client, renamed)
    assert response.status_code == 409 and "council.en.html" in response.get_data(as_text=True)

    assert upload(client, files, add_anyway="1").status_code == 303
    assert len(client.get("/sets.json").get_json()) == 2


def test_the_duplicate_warning_as_json(client: FlaskClient) -> None:
    files = demo_files("004", ("ru-RU", "en-GB"))
    upload(client, files)
    data = {"files": [(io.BytesIO(c), n) for c, n in files.values()]}
    response = client.post("/sets", data=data, content_type="multipart/form-data",
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert "Add anyway" in response.get_json()["error"]


def test_other_pages_and_pasted_text_are_not_duplicates(client: FlaskClient,
                                                        database_url: str) -> None:
    assert upload(client, demo_files("004", ("ru-RU", "en-GB"))).status_code == 303
    assert upload(client, demo_files("001", ("ru-RU", "en-GB"))).status_code == 303
    assert client.post("/sets", data=PASTED).status_code == 303
    assert client.post("/sets", data=PASTED).status_code == 303
    with session_scope(database_url) as session:
        edited = read_version(demo_page("002", "de-DE").read_bytes(), "002.de-DE.html")
        assert find_duplicates(session, [edited]) == []
        same = read_version(demo_page("001", "en-GB").read_bytes(), "001.en-GB.html")
        [found] = find_duplicates(session, [same])
        assert (found.set_id, found.lang, found.stored_source) == (2, "en-GB", "001.en-GB.html")


# --- the export form -------------------------------------------------------------------------

def test_the_export_form_offers_the_choices(client: FlaskClient) -> None:
    upload(client, demo_files())
    for page in (client.get("/sets/1").get_data(as_text=True),
                 client.get("/sets/1/export").get_data(as_text=True)):
        assert 'action="/sets/1/export.tmx"' in page
        for lang in ("ru-RU", "en-GB", "de-DE"):
            assert f'name="langs" value="{lang}" checked' in page
        assert '<option value="ru-RU" selected>' in page
        assert 'name="pairs" value="1"' in page and 'name="confirmed" value="1"' in page
    assert 'href="/sets/1/export"' in client.get("/").get_data(as_text=True)


def test_the_export_form_gives_named_files(client: FlaskClient, database_url: str) -> None:
    upload(client, demo_files())
    client.post("/sets/1/rename", data={"name": "CSTO Council 2019: Душанбе"})
    whole = client.get("/sets/1/export.tmx")
    assert attachment_name(whole) == "csto-council-2019-dushanbe.ru-en-de.tmx"

    # Two languages, English as the source, confirmed rows only (none confirmed yet: one).
    with session_scope(database_url) as session:
        first = session.scalars(select(Row).where(Row.set_id == 1).order_by(Row.position)
                                ).first()
        assert first is not None
        first.status = "confirmed"
    answer = client.get("/sets/1/export.tmx?pairs=0&langs=ru-RU&langs=en-GB&source=en-GB"
                        "&confirmed=1")
    assert answer.status_code == 200
    assert attachment_name(answer) == "csto-council-2019-dushanbe.en-ru.tmx"
    assert validate_tmx(answer.data) == []
    assert b'srclang="en-GB"' in answer.data and b"de-DE" not in answer.data
    assert answer.data.count(b"<tu ") == 1

    pairs = client.get("/sets/1/export.tmx?pairs=1&langs=ru-RU&langs=en-GB&langs=de-DE"
                       "&source=ru-RU")
    assert pairs.mimetype == "application/zip"
    assert attachment_name(pairs) == "csto-council-2019-dushanbe.ru-en-de.pairs.zip"
    with zipfile.ZipFile(io.BytesIO(pairs.data)) as zipped:
        assert sorted(zipped.namelist()) == ["csto-council-2019-dushanbe.ru-de.tmx",
                                             "csto-council-2019-dushanbe.ru-en.tmx"]
        for member in zipped.namelist():
            assert validate_tmx(zipped.read(member)) == []


def test_a_language_unticked_in_the_export_form_stays_out_even_the_source(
        client: FlaskClient) -> None:
    upload(client, demo_files())
    form = client.get("/sets/1/export").get_data(as_text=True)
    assert '<input type="hidden" name="langs" value="">' in form
    # What the form sends with ru-RU unticked and the source list left on it (the pivot).
    answer = client.get("/sets/1/export.tmx?pairs=0&langs=&langs=en-GB&langs=de-DE"
                        "&source=ru-RU")
    assert answer.status_code == 200
    assert attachment_name(answer).endswith(".en-de.tmx")
    assert b"ru-RU" not in answer.data and answer.data.count(b"<tu ") > 10
    assert b'srclang="en-GB"' in answer.data.split(b"<body>")[0]
    assert validate_tmx(answer.data) == []
    # Pairs too: no ru-RU file.
    pairs = client.get("/sets/1/export.tmx?pairs=1&langs=&langs=en-GB&langs=de-DE"
                       "&source=ru-RU")
    with zipfile.ZipFile(io.BytesIO(pairs.data)) as zipped:
        [member] = zipped.namelist()
        assert member.endswith(".en-de.tmx") and b"ru-RU" not in zipped.read(member)


@pytest.mark.parametrize(("query", "said"), [
    ("langs=&langs=en-GB&source=ru-RU",
     "A TMX needs at least two languages, and only en-GB was chosen."),
    ("langs=&source=ru-RU", "A TMX needs at least two languages, and none was chosen."),
    ("langs=en-GB,de-DE&source=ru-RU",  # a link, not the form: said, not guessed
     "The source language ru-RU is not among the languages chosen (en-GB, de-DE): choose it "
     "too, or take one of these as the source."),
])
def test_an_export_of_fewer_than_two_languages_is_refused_saying_why(
        client: FlaskClient, query: str, said: str) -> None:
    upload(client, demo_files())
    answer = client.get(f"/sets/1/export.tmx?{query}", headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == said
    page = client.get(f"/sets/1/export.tmx?{query}").get_data(as_text=True)
    assert html.escape(said, quote=False) in page


def test_a_name_with_nothing_ascii_can_say_falls_back_to_the_id(client: FlaskClient) -> None:
    upload(client, demo_files())
    client.post("/sets/1/rename", data={"name": "— … —"})
    assert attachment_name(client.get("/sets/1/export.tmx?langs=ru,en")) == "set-1.ru-en.tmx"


# --- one language code per version ----------------------------------------------------------

@pytest.mark.parametrize(("given", "canonical"), [
    ("en", "en-GB"), ("ru", "ru-RU"), ("de", "de-DE"), ("fr", "fr-FR"), ("es", "es-ES"),
    ("zh", "zh-CN"), ("EN", "en-GB"), ("en-US", "en-US"), ("en_US", "en-US"),
    ("zh-Hant", "zh-Hant"), ("ko", "ko-KR"),
])
def test_a_bare_code_gets_its_default_region(given: str, canonical: str) -> None:
    assert canonical_lang(given) == canonical


def test_the_stored_sets_region_comes_before_the_default() -> None:
    assert canonical_lang("en", {"en": "en-US"}) == "en-US"
    assert canonical_lang("en-GB", {"en": "en-US"}) == "en-GB"  # an explicit region is kept
    assert DEFAULT_REGIONS["en"] == "en-GB"


RU = "Встреча министров прошла в Бишкеке. Она была продуктивной.".encode()
EN = b"The meeting of the ministers took place in Bishkek. It was productive."
DE = ("Das Treffen der Minister fand in Bischkek statt. Es war sehr produktiv und die "
      "Teilnehmer haben über die Zusammenarbeit gesprochen.").encode()


def test_file_names_detection_and_slots_give_one_code_per_language(
        client: FlaskClient, database_url: str) -> None:
    # File names with bare codes, text without any region in it.
    assert upload(client, {"ru": (RU, "page.ru.txt"), "en": (EN, "page.en.txt")}
                  ).status_code == 303
    assert client.get("/sets/1.json").get_json()["languages"] == ["ru-RU", "en-GB"]
    # A slot with an explicit region is kept; a detected language gets its region.
    response = client.post("/sets", data={
        "slot-lang-0": "en-US", "slot-file-0": (io.BytesIO(EN), "english.txt"),
        "slot-file-1": (io.BytesIO(DE), "seite.txt"), "add_anyway": "1"},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert client.get("/sets/2.json").get_json()["languages"] == ["en-US", "de-DE"]
    with session_scope(database_url) as session:
        assert languages(session, imported=False) == ["de-DE", "en-GB", "en-US", "ru-RU"]


def test_a_bare_code_follows_the_region_the_stored_sets_use(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        create_set(session, [read_version(RU, "a.ru.txt"), read_version(EN, "a.en-US.txt")])
        later = create_set(session, [read_version(RU, "b.ru.txt"), read_version(EN, "b.en.txt")],
                           slots=("en-GB",))
        assert later.langs == ["ru-RU", "en-US"]
        assert rename_set(session, later.id, " b ").name == "b"
        assert languages(session, imported=False) == ["en-US", "ru-RU"]
        # With nothing stored for a language, the user's slot decides, then the default.
        third = create_set(session, [read_version(RU, "c.ru.txt"), read_version(DE, "c.de.txt")],
                           slots=("de-AT",))
        assert third.langs == ["ru-RU", "de-AT"]


# --- the command line ------------------------------------------------------------------------

def test_cli_renames_and_deletes_a_set(runner, database_url: str) -> None:  # type: ignore[no-untyped-def]
    import json

    from workbench.cli import main

    upgrade(database_url)
    with session_scope(database_url) as session:
        create_set(session, [read_version(RU, "a.ru.txt"), read_version(EN, "a.en.txt")])
    result = runner.invoke(main, ["sets", "rename", "1", "Bishkek 2019"])
    assert result.exit_code == 0 and "Set 1 is now 'Bishkek 2019'." in result.output
    listed = json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)
    assert listed[0]["name"] == "Bishkek 2019"
    assert "Bishkek 2019" in runner.invoke(main, ["sets"]).output

    refused = runner.invoke(main, ["sets", "delete", "Bishkek 2019"], input="n\n")
    assert refused.exit_code == 1 and "Delete set 1 'Bishkek 2019' (2 rows" in refused.output
    assert len(json.loads(runner.invoke(main, ["sets", "--format", "json"]).output)) == 1
    result = runner.invoke(main, ["sets", "delete", "Bishkek 2019", "--yes"])
    assert result.exit_code == 0 and "Set 1 'Bishkek 2019' deleted." in result.output
    assert runner.invoke(main, ["sets", "--format", "json"]).output.strip() == "[]"
    missing = runner.invoke(main, ["sets", "delete", "7", "--yes"])
    assert missing.exit_code == 1 and "There is no document set 7." in missing.output
