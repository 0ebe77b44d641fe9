"""The translation memory: TMX import (whole or not at all), concordance over imported files
and aligned sets, fuzzy matches; through the library, the web pages, the JSON and the CLI."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from tmx import TmxHeader, TranslationUnit, Variant, write_tmx
from workbench.app import create_app
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.memory.concordance import concordance
from workbench.memory.fuzzy import fuzzy_matches, similarity
from workbench.memory.search import match_expression
from workbench.memory.store import import_tmx, normal_lang
from workbench.models import DocumentSet, Sentence
from workbench.terminology.gold import store_gold_corpus

MONDAY = "The ministers met in Moscow on Monday."
MONDAY_RU = "Министры встретились в Москве в понедельник."
UNITS = [
    (MONDAY, MONDAY_RU, "Die Minister trafen sich am Montag in Moskau."),
    ("The Council of Foreign Ministers adopted a statement.",
     "Совет министров иностранных дел принял заявление.", None),
    ('Tom & Jerry say "hi" <b>twice</b>.', "Том и Джерри здороваются дважды.", None),
    ("The ministers met in Minsk on Friday.", "Министры встретились в Минске в пятницу.", None),
    ("The coffee is ready.", "Кофе готов.", "Le café est prêt."),
]


def memory_tmx(units: list[tuple[str, str, str | None]] = UNITS) -> bytes:
    """A TMX 1.4b file as the workbench's own writer makes it (en-GB, ru-RU, a third language)."""
    out = io.BytesIO()
    write_tmx(out, [
        TranslationUnit(str(n), tuple(Variant(lang, t) for lang, t in
                                      zip(("en-GB", "ru-RU", "de-DE" if n != 4 else "fr-FR"),
                                          unit, strict=True) if t))
        for n, unit in enumerate(units)
    ], TmxHeader(srclang="en-GB", creation_tool="OmegaT", creation_tool_version="6.0"))
    return out.getvalue()


TMX11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="version 1.1">
<header creationtool="Wordfast" creationtoolversion="3.2" segtype="sentence" o-tmf="wf"
        adminlang="EN-US" srclang="EN-US" datatype="plaintext">
</header>
<body>
<tu><tuv lang="EN-US"><seg>The <bpt i="1">{b}</bpt>Security Council<ept i="1">{/b}</ept> met.</seg>
</tuv>
<tuv lang="RU-RU"><seg>Совет Безопасности собрался.</seg></tuv></tu>
<tu><tuv lang="EN-US"><seg>The vote was postponed.</seg></tuv>
<tuv lang="RU-RU"><seg>Голосование отложено.</seg></tuv></tu>
</body>
</tmx>
""".encode()

BILLION_LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY lol "lol">\n' + b"".join(
    b'<!ENTITY lol%d "%s">\n' % (n, (b"&lol%s;" % (str(n - 1).encode() if n > 1 else b"")) * 10)
    for n in range(1, 10)) + b"]>\n" + memory_tmx().split(b"\n", 2)[2].replace(
    b"Monday", b"&lol9;")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY xxe SYSTEM '
                   b'"file:///etc/passwd">\n]>\n'
                   + memory_tmx().split(b"\n", 2)[2].replace(b"Monday", b"&xxe;"))


def memory_counts(url: str) -> tuple[int, int, int]:
    """Imported files, units and variants stored."""
    with session_scope(url) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(text(f"SELECT count(*) FROM {table}"))
            for table in ("memory_origin", "memory_unit", "memory_variant"))


def upload(client: FlaskClient, data: bytes, name: str = "memory.tmx"):  # type: ignore[no-untyped-def]
    return client.post("/memory/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture
def imported(database_url: str) -> Iterator[str]:
    upgrade(database_url)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(memory_tmx()), "omegat.tmx")
    yield database_url


@pytest.fixture
def gold(database_url: str) -> Iterator[list[int]]:
    """The five demo pages stored through their gold rows."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        ids = [s.id for s in store_gold_corpus(session)]
    yield ids


# Import


def test_a_tmx_from_the_writer_is_imported_with_its_tool_and_languages(imported: str) -> None:
    with session_scope(imported) as session:
        found = concordance(session, "понедельник")
    assert memory_counts(imported) == (1, 5, 12)
    [hit] = found.hits
    assert hit.lang == "ru-RU" and hit.text == MONDAY_RU
    assert hit.counterparts == (("en-GB", MONDAY),
                                ("de-DE", "Die Minister trafen sich am Montag in Moskau."))
    assert hit.origin.label() == "omegat.tmx, unit 1"


@pytest.mark.parametrize(("code", "normal"), [
    ("EN-US", "en-US"), ("ru_ru", "ru-RU"), ("zh-hant-tw", "zh-Hant-TW"), ("es-419", "es-419"),
    ("de", "de"),
])
def test_language_codes_from_other_tools_are_normalised(code: str, normal: str) -> None:
    assert normal_lang(code) == normal


def test_a_tmx_11_upload_appears_in_the_memory(client: FlaskClient) -> None:
    response = upload(client, TMX11, "wordfast.tmx")
    # Imported as a job (at once, in the test config), whose page goes on to the memory.
    assert response.status_code == 303 and response.headers["Location"] == "/jobs/1?follow=1"
    job_page = client.get(response.headers["Location"])
    assert job_page.headers["Location"] == "/memory/?imported=1"
    page = client.get(job_page.headers["Location"]).get_data(as_text=True)
    assert "wordfast.tmx" in page and "Wordfast 3.2" in page
    assert re.search(r'<td class="num">2</td>', page)
    assert "wordfast.tmx: 2 units imported." in page
    found = client.get("/memory/concordance.json?q=Security+Council&lang=en").get_json()
    [hit] = found["hits"]
    assert hit["lang"] == "en-US" and hit["text"] == "The Security Council met."
    assert hit["counterparts"] == [{"lang": "ru-RU", "text": "Совет Безопасности собрался."}]
    assert hit["origin"] == {"kind": "tmx", "id": 1, "name": "wordfast.tmx", "unit_number": 1,
                             "url": None}
    assert [hit["text"][a:b] for a, b in hit["matches"]] == ["Security", "Council"]


def test_a_tmx_in_lisas_namespace_is_imported_like_any_other(client: FlaskClient) -> None:
    # <tmx xmlns="http://www.lisa.org/tmx14">, as some tools write it: read, not refused.
    namespaced = memory_tmx().replace(b'<tmx version="1.4">',
                                      b'<tmx xmlns="http://www.lisa.org/tmx14" version="1.4">')
    assert b"xmlns=" in namespaced
    response = upload(client, namespaced, "lisa.tmx")
    job_page = client.get(response.headers["Location"])
    assert job_page.headers["Location"] == "/memory/?imported=1"
    page = client.get(job_page.headers["Location"]).get_data(as_text=True)
    assert "lisa.tmx: 5 units imported." in page
    [hit] = client.get("/memory/concordance.json?q=Minsk&lang=en").get_json()["hits"]
    assert hit["text"] == "The ministers met in Minsk on Friday."


def test_the_memory_is_in_the_navigation(client: FlaskClient) -> None:
    assert 'href="/memory/">Translation memory</a>' in client.get("/").get_data(as_text=True)


def test_a_truncated_file_names_its_line_and_keeps_nothing(client: FlaskClient,
                                                           database_url: str) -> None:
    assert upload(client, memory_tmx()).status_code == 303
    before = memory_counts(database_url)
    # Long enough for several batches to be written before the reader finds the cut.
    whole = memory_tmx([(f"Unit number {n} of the consignment.", f"Единица {n}.", None)
                        for n in range(3_500)])
    cut = whole[: whole.index(b"Unit number 3400 ")]
    response = upload(client, cut, "consignment.tmx")
    assert response.status_code == 400
    line = cut.count(b"\n") + 1
    assert (f"consignment.tmx, line {line}: the file ends inside a &lt;tu&gt; — it is "
            "truncated. Nothing was imported.") in response.get_data(as_text=True)
    assert memory_counts(database_url) == before
    assert client.get("/memory/concordance.json?q=consignment").get_json()["hits"] == []


@pytest.mark.parametrize(("data", "reason"), [
    (BILLION_LAUGHS, "the file declares its own entities in its <!DOCTYPE> — that is how "
                     "'billion laughs' XML bombs work, so the file is refused"),
    (EXTERNAL_ENTITY, "the file declares an external entity 'xxe' pointing to "
                      "file:///etc/passwd"),
], ids=["billion laughs", "external entity"])
def test_hostile_files_are_refused_with_nothing_stored(client: FlaskClient, database_url: str,
                                                       data: bytes, reason: str) -> None:
    response = client.post("/memory/import", data={"file": (io.BytesIO(data), "evil.tmx")},
                           headers={"Accept": "application/json"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith(f"evil.tmx, line 2: {reason}")
    assert memory_counts(database_url) == (0, 0, 0)


@pytest.mark.parametrize("code", ["*all*", "12345", "fr FR", "zh-Hant-TW-x-abcdef-gh"])
def test_a_language_code_no_tmx_can_carry_is_refused_with_nothing_stored(
        client: FlaskClient, database_url: str, code: str) -> None:
    # stored, it made every later export of the whole memory fail
    data = memory_tmx().replace(b'xml:lang="de-DE"', f'xml:lang="{code}"'.encode(), 1)
    response = upload(client, data, "odd.tmx")
    assert response.status_code == 400
    assert (f"odd.tmx, unit 1: '{code}' is not a language code the memory can keep"
            in html.unescape(response.get_data(as_text=True)))
    assert memory_counts(database_url) == (0, 0, 0)
    assert client.get("/memory/export.tmx").status_code != 500


def test_a_file_without_units_and_a_missing_file_are_refused(client: FlaskClient) -> None:
    empty = memory_tmx([])
    response = upload(client, empty, "empty.tmx")
    assert response.status_code == 400
    assert ("empty.tmx: the file holds no translation unit with text. Nothing was imported."
            in response.get_data(as_text=True))
    response = client.post("/memory/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a TMX file" in response.get_data(as_text=True)


def test_the_same_file_imported_twice_is_not_stored_twice(client: FlaskClient,
                                                         database_url: str) -> None:
    assert upload(client, memory_tmx(), "omegat.tmx").status_code == 303
    again = client.post("/memory/import", data={"file": (io.BytesIO(memory_tmx()), "copy.tmx")},
                        headers={"Accept": "application/json"},
                        content_type="multipart/form-data")
    assert again.status_code == 400
    [earlier] = client.get("/memory/?format=json").get_json()["imported"]
    when = earlier["imported_at"].replace("T", " ")[:16]
    # the same file, under another name: named as the earlier import, with its date
    assert again.get_json()["error"] == (
        f"copy.tmx is the same file as omegat.tmx, imported on {when} UTC: its 5 units with "
        "text are all in the memory already. Nothing was added.")
    assert memory_counts(database_url) == (1, 5, 12)
    assert len(client.get("/memory/concordance.json?q=Minsk").get_json()["hits"]) == 1
    assert "5 units from 1 imported TMX file," in client.get("/memory/").get_data(as_text=True)


def test_a_file_with_some_units_already_in_the_memory_says_how_many(
        client: FlaskClient, database_url: str) -> None:
    upload(client, memory_tmx(), "omegat.tmx")
    # A newer export of the same memory: its five units and one new one.
    newer = memory_tmx([*UNITS, ("The vote was postponed.", "Голосование отложено.", None)])
    response = upload(client, newer, "omegat-newer.tmx")
    job_page = client.get(response.headers["Location"])
    assert job_page.headers["Location"] == "/memory/?imported=2&already=5"
    page = client.get(job_page.headers["Location"]).get_data(as_text=True)
    assert ("omegat-newer.tmx: 1 unit added, 5 already in the memory (not added again)."
            in page)
    # in words of the reader's language, each number with its own plural form
    russian = client.get(job_page.headers["Location"], headers={"Accept-Language": "ru"})
    assert ("omegat-newer.tmx: добавлена 1 единица, 5 уже были в памяти (повторно не "
            "добавлены).") in russian.get_data(as_text=True)
    assert memory_counts(database_url) == (2, 6, 14)
    assert len(client.get("/memory/concordance.json?q=Minsk").get_json()["hits"]) == 1
    [hit] = client.get("/memory/concordance.json?q=postponed").get_json()["hits"]
    assert hit["origin"]["name"] == "omegat-newer.tmx" and hit["origin"]["unit_number"] == 6


def test_removing_a_file_leaves_the_units_another_file_shares_with_it(
        client: FlaskClient, database_url: str) -> None:
    upload(client, memory_tmx(), "omegat.tmx")
    newer = memory_tmx([*UNITS, ("The vote was postponed.", "Голосование отложено.", None)])
    upload(client, newer, "omegat-newer.tmx")
    [hit] = client.get("/memory/concordance.json?q=Minsk").get_json()["hits"]
    assert hit["origin"]["name"] == "omegat.tmx"
    # the first file removed: the five units the newer one shares stay, now its own, at
    # their places in it
    assert client.post("/memory/files/1/remove").status_code == 303
    assert memory_counts(database_url) == (1, 6, 14)
    [hit] = client.get("/memory/concordance.json?q=Minsk").get_json()["hits"]
    assert hit["origin"] == {**hit["origin"], "name": "omegat-newer.tmx"}
    page = client.get("/memory/").get_data(as_text=True)
    assert "omegat-newer.tmx" in page
    # and with the newer one removed too, nothing is left
    assert client.post("/memory/files/2/remove").status_code == 303
    assert memory_counts(database_url) == (0, 0, 0)


def test_a_units_fingerprint_is_its_texts_in_any_order() -> None:
    from workbench.memory.store import fingerprint

    one = fingerprint([("en-GB", "Hello."), ("ru-RU", "Привет."), ("de-DE", " ")])
    assert one == fingerprint([("ru-RU", "Привет."), ("en-GB", "Hello.")])
    assert one != fingerprint([("en-US", "Hello."), ("ru-RU", "Привет.")])
    assert one != fingerprint([("en-GB", "Hello!"), ("ru-RU", "Привет.")])


@pytest.mark.empty_database
def test_units_imported_before_fingerprints_get_theirs_in_the_upgrade(
        database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from workbench.db import MIGRATIONS, engine_for

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine_for(database_url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012_edit_author")
        origin_id = connection.execute(text(
            "INSERT INTO memory_origin (file_name, tool, source_lang, imported_at, "
            "unit_count, langs, status, importer) VALUES ('old.tmx', '', 'en-GB', "
            "'2026-01-01 00:00:00', 1, '[\"en-GB\", \"ru-RU\"]', 'ready', '') "
            "RETURNING id")).scalar_one()
        unit_id = connection.execute(text("INSERT INTO memory_unit (origin_id, position) "
                                          "VALUES (:origin, 1) RETURNING id"),
                                     {"origin": origin_id}).scalar_one()
        connection.execute(text("INSERT INTO memory_variant (unit_id, lang, text) VALUES "
                                "(:unit, 'ru-RU', :ru), (:unit, 'de-DE', :de), "
                                "(:unit, 'en-GB', :en)"),
                           {"unit": unit_id, "en": MONDAY, "ru": MONDAY_RU, "de": UNITS[0][2]})
    upgrade(database_url)
    with session_scope(database_url) as session:
        origin = import_tmx(session, io.BytesIO(memory_tmx()), "omegat.tmx")
        assert (origin.unit_count, origin.already_in_memory) == (4, 1)


def test_an_upload_over_the_limit_gets_the_apps_413(database_url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "MAX_CONTENT_LENGTH": 2048})
    response = upload(app.test_client(), memory_tmx() * 4)
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_removing_an_imported_file_takes_its_units_out_of_the_search(
        client: FlaskClient, database_url: str) -> None:
    upload(client, memory_tmx(), "old.tmx")
    assert client.get("/memory/concordance.json?q=Minsk").get_json()["hits"]
    response = client.post("/memory/files/1/remove")
    assert response.status_code == 303
    assert "old.tmx was removed from the memory." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert client.get("/memory/concordance.json?q=Minsk").get_json()["hits"] == []
    assert memory_counts(database_url) == (0, 0, 0)
    assert client.post("/memory/files/1/remove").status_code == 404


# Concordance


def test_words_match_as_written_and_a_star_asks_for_the_prefix(imported: str) -> None:
    with session_scope(imported) as session:
        assert concordance(session, "Москва").hits == []  # no stemming: Москве is another word
        hits = concordance(session, "Москв*").hits
    assert [h.text for h in hits] == [MONDAY_RU]
    assert [piece for piece, matched in hits[0].parts if matched] == ["Москве"]


def test_diacritics_and_case_are_ignored(imported: str) -> None:
    with session_scope(imported) as session:
        [hit] = concordance(session, "CAFE pret").hits
    assert hit.text == "Le café est prêt." and hit.matches() == [(3, 7), (12, 16)]


def test_a_regional_language_filter_keeps_to_its_region(database_url: str) -> None:
    # An American TMX beside the British one: en-GB is the British only, en both.
    upgrade(database_url)
    american = memory_tmx().replace(b'"en-GB"', b'"en-US"')
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(memory_tmx()), "british.tmx")
        import_tmx(session, io.BytesIO(american), "american.tmx")

    def found(lang: str) -> list[tuple[str, str]]:
        with session_scope(database_url) as session:
            hits = concordance(session, "Minsk", lang).hits
        return sorted((hit.lang, hit.origin.name) for hit in hits)

    assert found("en-GB") == [("en-GB", "british.tmx")]
    assert found("en_us") == found("EN-US") == [("en-US", "american.tmx")]
    assert found("en") == [("en-GB", "british.tmx"), ("en-US", "american.tmx")]
    assert found("en-AU") == []
    assert found("ru") == []  # Minsk is in Latin letters in the English only


ARABIC = "كَتَبَ الطَّالِبُ الكِتَـــابَ."  # with harakat, shadda and a tatweel


def yo_and_harakat_tmx() -> bytes:
    out = io.BytesIO()
    write_tmx(out, [
        TranslationUnit("1", (Variant("en-GB", "The Christmas tree is green."),
                              Variant("ru-RU", "Ёлка зелёная."))),
        TranslationUnit("2", (Variant("en-GB", "The student wrote the book."),
                              Variant("ar-SA", ARABIC))),
    ], TmxHeader(srclang="en-GB"))
    return out.getvalue()


@pytest.mark.parametrize(("query", "found", "marked"), [
    ("елка", "Ёлка зелёная.", ["Ёлка"]),
    ("ёлка", "Ёлка зелёная.", ["Ёлка"]),
    ("ЕЛКА зеленая", "Ёлка зелёная.", ["Ёлка", "зелёная"]),
    ("зел*", "Ёлка зелёная.", ["зелёная"]),
    ("كتب", ARABIC, ["كَتَبَ"]),
    ("الكتاب", ARABIC, ["الكِتَـــابَ"]),
    ('"كتب الطالب"', ARABIC, ["كَتَبَ الطَّالِبُ"]),
    ("الكِتَابَ", ARABIC, ["الكِتَـــابَ"]),
])
def test_yo_and_arabic_marks_are_passed_over_in_search(
        database_url: str, client: FlaskClient, query: str, found: str,
        marked: list[str]) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(yo_and_harakat_tmx()), "yo.tmx")
        [hit] = concordance(session, query).hits
    assert hit.text == found  # as stored: folded for matching only
    assert [piece for piece, matched in hit.parts if matched] == marked
    # and in a set's rows: the editor's text goes through the same index
    answer = client.get("/memory/concordance.json", query_string={"q": query}).get_json()
    assert [h["text"] for h in answer["hits"]] == [found]


def test_a_sets_row_with_yo_is_found_without_it(client: FlaskClient, database_url: str) -> None:
    from tests.workbench.test_editing import build

    upgrade(database_url)
    with session_scope(database_url) as session:
        build(session, [{"ru": ["Ёлку поставили в зале."], "en": ["The tree was put up."]}])
    [hit] = client.get("/memory/concordance.json?q=елку").get_json()["hits"]
    assert hit["text"] == "Ёлку поставили в зале." and hit["matches"] == [[0, 4]]


@pytest.mark.sqlite_only(reason="FTS5's own rebuild and integrity check")
def test_the_folded_index_survives_fts5s_rebuild_and_check(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(yo_and_harakat_tmx()), "yo.tmx")
        for index in ("memory_variant_fts", "sentence_fts"):
            session.execute(text(f"INSERT INTO {index}({index}) VALUES ('integrity-check')"))
            session.execute(text(f"INSERT INTO {index}({index}) VALUES ('rebuild')"))
    with session_scope(database_url) as session:
        assert [hit.text for hit in concordance(session, "елка").hits] == ["Ёлка зелёная."]
        assert [hit.text for hit in concordance(session, "كتب").hits] == [ARABIC]


def test_the_migration_folds_as_the_search_does() -> None:
    # Migration 0014 keeps its own copy of the folding: the two must agree, or the index
    # holds one form and the import or the search another.
    import importlib.util

    from workbench.db import MIGRATIONS
    from workbench.memory.search import search_form_sql

    spec = importlib.util.spec_from_file_location(
        "search_form_migration", MIGRATIONS / "versions" / "0014_search_form.py")
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for postgresql in (False, True):
        assert migration.folded("old.text", postgresql) == search_form_sql("old.text",
                                                                           postgresql)


def test_fuzzy_lookup_passes_over_yo_and_harakat(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(yo_and_harakat_tmx()), "yo.tmx")
        [match] = fuzzy_matches(session, "Елка зеленая.", "ru", "en")
        assert (match.score, match.source) == (99, "Ёлка зелёная.")  # not the same text
        [match] = fuzzy_matches(session, "كتب الطالب الكتاب.", "ar", "en")
        assert (match.score, match.target) == (99, "The student wrote the book.")


def test_a_quoted_phrase_must_occur_in_that_order(imported: str) -> None:
    with session_scope(imported) as session:
        assert len(concordance(session, "ministers met", lang="en").hits) == 2
        assert concordance(session, '"met ministers"', lang="en").hits == []
        assert [h.text for h in concordance(session, '"ministers met in Minsk"').hits] == [
            "The ministers met in Minsk on Friday."]


@pytest.mark.parametrize(("query", "expression"), [
    ("Foreign Ministers", '"Foreign" "Ministers"'),
    ('"Foreign Ministers" council*', '"Foreign Ministers" "council" *'),
    ('NEAR(a b)', '"NEAR(a" "b)"'),
    ('say "hi', '"say" "hi"'),
    ('a"b', '"a" "b"'),
    ('* ) ( " -', None),
])
def test_what_a_user_types_becomes_a_quoted_fts_query(query: str,
                                                       expression: str | None) -> None:
    assert match_expression(query) == expression


@pytest.mark.parametrize(("query", "finds"), [
    ('"', False), ("NEAR(", False), ("*", False), (")", False), ("\\", False), ("'", False),
    ("%", False), ("_", False), ('""""', False), ("AND OR NOT", False),
    ('"NEAR(ministers', False),  # the phrase "near ministers", which no segment holds
    ('ministers"', True), ("-ministers", True), ("ministers:", True), ("^ministers", True),
    ("{en} : ministers", False), ("NEAR(ministers met, 2)", False), ("ministers**", True),
    ("Jerry*)", True), ("ministers OR NOT", False),
])
def test_hostile_queries_give_results_or_nothing_never_an_error(client: FlaskClient,
                                                                query: str, finds: bool) -> None:
    upload(client, memory_tmx())
    response = client.get("/memory/concordance.json", query_string={"q": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert bool(response.get_json()["hits"]) is finds
    assert client.get("/memory/search", query_string={"q": query}).status_code == 200


def test_an_empty_query_and_a_bad_language_are_told_apart(client: FlaskClient) -> None:
    response = client.get("/memory/concordance.json?q=+")
    assert response.status_code == 400
    assert response.get_json()["error"] == "Type a word or a phrase to look for in the memory."
    response = client.get("/memory/concordance.json?q=Minsk&lang=en;drop")
    assert response.status_code == 400
    assert response.get_json()["error"] == "'en;drop' is not a language code such as ru or en-GB."


def test_the_results_page_marks_the_match_and_escapes_the_text(client: FlaskClient) -> None:
    upload(client, memory_tmx())
    page = client.get("/memory/search?q=jerry").get_data(as_text=True)
    assert ("Tom &amp; <mark>Jerry</mark> say &#34;hi&#34; &lt;b&gt;twice&lt;/b&gt;." in page
            or "Tom &amp; <mark>Jerry</mark> say &quot;hi&quot; &lt;b&gt;twice&lt;/b&gt;." in page)
    assert "Том и Джерри здороваются дважды." in page
    assert "From the TMX file memory.tmx, unit 3" in page
    assert '<p role="status">1 segment:</p>' in page
    ministers = client.get("/memory/search?q=ministers", headers={"Accept-Language": "ru"})
    assert '<p role="status">3 сегмента:</p>' in ministers.get_data(as_text=True)


def test_concordance_over_the_demo_sets_links_each_row(client: FlaskClient,
                                                       gold: list[int]) -> None:
    found = client.get("/memory/concordance.json?q=ОДКБ&lang=ru&limit=5").get_json()
    assert len(found["hits"]) == 5 and found["more"] is True
    for hit in found["hits"]:
        assert hit["lang"] == "ru-RU"
        assert any(hit["text"][a:b] == "ОДКБ" for a, b in hit["matches"])
        origin = hit["origin"]
        assert origin["kind"] == "set" and origin["id"] in gold
        assert origin["url"] == f"/sets/{origin['id']}/edit#row-{origin['row']}"
        assert {c["lang"] for c in hit["counterparts"]} == {"en-GB", "de-DE", "fr-FR", "es-ES"}
    page = client.get("/memory/search?q=ОДКБ&lang=ru-RU").get_data(as_text=True)
    assert "<mark>ОДКБ</mark>" in page
    assert re.search(r'href="/sets/\d+/edit#row-\d+" title="[^"]+">Set \d+ «', page)


def test_a_row_with_two_sentences_shows_them_together(client: FlaskClient,
                                                      gold: list[int]) -> None:
    found = client.get("/memory/concordance.json?q=Befreiung+Belarus&lang=de").get_json()
    [hit] = found["hits"]
    english = dict((c["lang"], c["text"]) for c in hit["counterparts"])["en-GB"]
    assert english.startswith("The participants approved, in particular, a statement on Belarus")
    found = client.get("/memory/concordance.json?q=Belarus+liberation&lang=en").get_json()
    german = dict((c["lang"], c["text"]) for c in found["hits"][0]["counterparts"])["de-DE"]
    assert german.startswith("Insbesondere wurde eine Erklärung") and "Außerdem haben" in german


def test_edits_in_the_editor_stay_searchable(client: FlaskClient, gold: list[int],
                                             database_url: str) -> None:
    [hit] = client.get("/memory/concordance.json?q=deescalating").get_json()["hits"]
    set_id = hit["origin"]["id"]
    with session_scope(database_url) as session:
        sentence = session.scalars(select(Sentence).where(
            Sentence.text.contains("deescalating"))).one()
        revision = session.get(DocumentSet, set_id).revision  # type: ignore[union-attr]
    edited = sentence.text.replace("deescalating", "de-escalating")
    response = client.post(f"/sets/{set_id}/edit/text", data={
        "revision": revision, "sentence": sentence.id, "text": edited})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert client.get("/memory/concordance.json?q=deescalating").get_json()["hits"] == []
    [hit] = client.get("/memory/concordance.json?q=\"de-escalating\"").get_json()["hits"]
    assert hit["text"] == edited
    client.post(f"/sets/{set_id}/edit/undo", data={"revision": revision + 1})
    assert len(client.get("/memory/concordance.json?q=deescalating").get_json()["hits"]) == 1


@pytest.mark.empty_database
def test_sets_stored_before_the_memory_existed_are_indexed_by_the_upgrade(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from alembic import command
    from alembic.config import Config

    from workbench.db import MIGRATIONS, engine_for
    from workbench.terminology import gold

    # stored as the code of then stored them: with no memory to compare the rows with
    monkeypatch.setattr(gold, "cover_rows", lambda session, row_ids: 0)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine_for(database_url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    with session_scope(database_url) as session:
        store_gold_corpus(session)
    upgrade(database_url)
    with session_scope(database_url) as session:
        assert len(concordance(session, "deescalating").hits) == 1


# Fuzzy matches


@pytest.mark.parametrize(("sentence", "segment", "score"), [
    (MONDAY, MONDAY, 100),
    (MONDAY, "  The ministers met in  Moscow on Monday. ", 100),
    (MONDAY, MONDAY.lower(), 99),  # the same words, but not the same text: never shown as 100
    (MONDAY, "The ministers met in Moscow on Monday", 99),
    ("Le café est prêt.", "Le cafe\u0301 est pre\u0302t.", 100),  # accents decomposed (NFD)
])
def test_only_the_same_text_is_a_100_percent_match(sentence: str, segment: str,
                                                   score: int) -> None:
    assert similarity(sentence, segment) == score


def test_fuzzy_matches_are_scored_and_ordered_like_a_cat_tool(imported: str) -> None:
    with session_scope(imported) as session:
        exact = fuzzy_matches(session, MONDAY, "en-GB", "ru-RU")
        one_word = fuzzy_matches(session, "The ministers met in Moscow on Tuesday.", "en", "ru")
        strict = fuzzy_matches(session, "The ministers met in Moscow on Tuesday.", "en", "ru",
                               minimum=95)
        german = fuzzy_matches(session, MONDAY, "en-GB", "de-DE")
    assert (exact[0].score, exact[0].target, exact[0].target_lang) == (100, MONDAY_RU, "ru-RU")
    assert all(m.score < 100 for m in exact[1:])
    assert one_word[0].source == MONDAY and 80 <= one_word[0].score < 100
    scores = [m.score for m in one_word]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 70
    assert "The ministers met in Minsk on Friday." in [m.source for m in one_word]
    assert strict == []
    assert [(m.score, m.target) for m in german] == [
        (100, "Die Minister trafen sich am Montag in Moskau.")]


def test_fuzzy_gives_the_translation_in_the_script_and_region_asked_for(
        database_url: str) -> None:
    upgrade(database_url)
    unit = TranslationUnit("1", (Variant("en-US", "Open the software settings."),
                                 Variant("zh-CN", "打开软件设置。"),
                                 Variant("zh-TW", "打開軟體設定。"),
                                 Variant("pt-BR", "Abra as configurações do software."),
                                 Variant("pt-PT", "Abra as definições do software.")))
    only_simplified = TranslationUnit("2", (Variant("en-US", "Close the settings."),
                                            Variant("zh-CN", "关闭设置。")))
    out = io.BytesIO()
    write_tmx(out, [unit, only_simplified], TmxHeader(srclang="en-US"))
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(out.getvalue()), "software.tmx")
    with session_scope(database_url) as session:
        def target(sentence: str, lang: str) -> list[str]:
            return [m.target for m in fuzzy_matches(session, sentence, "en", lang)]

        assert target("Open the software settings.", "zh-TW") == ["打開軟體設定。"]
        assert target("Open the software settings.", "zh-Hant") == ["打開軟體設定。"]
        assert target("Open the software settings.", "zh-CN") == ["打开软件设置。"]
        assert target("Open the software settings.", "zh") == ["打开软件设置。"]
        assert target("Open the software settings.", "pt-PT") == [
            "Abra as definições do software."]
        assert target("Close the settings.", "zh-TW") == []  # simplified is no answer


def test_fuzzy_ranks_the_region_asked_for_before_a_higher_match_in_another(
        database_url: str) -> None:
    upgrade(database_url)
    out = io.BytesIO()
    write_tmx(out, [
        TranslationUnit("1", (Variant("en-US", "Open the software settings."),
                              Variant("pt-BR", "Abra as configurações do software."))),
        TranslationUnit("2", (Variant("en-US", "Open the network settings."),
                              Variant("pt-PT", "Abra as definições da rede."))),
    ], TmxHeader(srclang="en-US"))
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(out.getvalue()), "software.tmx")
    with session_scope(database_url) as session:
        def found(lang: str) -> list[tuple[int, str]]:
            return [(m.score, m.target_lang) for m in fuzzy_matches(
                session, "Open the software settings.", "en", lang)]

        # the 82% pt-PT match first, the 100% pt-BR one after it
        assert found("pt-PT") == [(82, "pt-PT"), (100, "pt-BR")]
        assert found("pt-BR") == [(100, "pt-BR"), (82, "pt-PT")]
        assert found("pt") == [(100, "pt-BR"), (82, "pt-PT")]  # no region: by score


def test_chinese_is_found_inside_its_unspaced_runs(database_url: str) -> None:
    # the index holds a run of Chinese characters as one word: what a translator types is
    # looked for inside the runs, in concordance and in fuzzy lookup alike
    upgrade(database_url)
    units = [TranslationUnit(str(n), (Variant("zh-CN", zh), Variant("en-GB", en)))
             for n, (zh, en) in enumerate([
                 ("外交部发言人在北京举行记者会。",
                  "The Foreign Ministry spokesman held a press conference in Beijing."),
                 ("部长们在莫斯科签署了协议。", "The ministers signed the agreement in Moscow."),
                 ("天气很好。", "The weather is fine.")])]
    out = io.BytesIO()
    write_tmx(out, units, TmxHeader(srclang="zh-CN"))
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(out.getvalue()), "zh.tmx")
    with session_scope(database_url) as session:
        [hit] = concordance(session, "北京").hits
        assert [piece for piece, matched in hit.parts if matched] == ["北京"]
        assert hit.counterparts[0][1].endswith("in Beijing.")
        assert [h.text for h in concordance(session, "外交部 记者会").hits] == [
            "外交部发言人在北京举行记者会。"]
        assert concordance(session, "上海").hits == []
        [match] = fuzzy_matches(session, "部长们在上海签署了协议。", "zh", "en")
        assert match.target == "The ministers signed the agreement in Moscow."
        assert 75 <= match.score < 100


def test_fuzzy_json_and_page(client: FlaskClient) -> None:
    upload(client, memory_tmx(), "omegat.tmx")
    matches = client.get("/memory/fuzzy.json", query_string={
        "text": MONDAY, "source": "en-GB", "target": "ru-RU", "min": "70"}).get_json()
    assert matches[0] == {
        "score": 100, "source": MONDAY, "target": MONDAY_RU, "source_lang": "en-GB",
        "target_lang": "ru-RU",
        "origin": {"kind": "tmx", "id": 1, "name": "omegat.tmx", "unit_number": 1,
                   "url": None},
    }
    page = client.get("/memory/fuzzy", query_string={
        "text": "The ministers met in Minsk on Monday.", "source": "en-GB",
        "target": "ru-RU"}).get_data(as_text=True)
    assert "Министры встретились в Минске в пятницу." in page
    assert re.search(r">\s*9\d%<", page)


@pytest.mark.parametrize(("query", "message"), [
    ({"text": MONDAY, "source": "en-GB", "target": "en-US"},
     "The source and target languages must differ (en-GB and en-US are one language)."),
    ({"text": MONDAY, "source": "en-GB", "target": "ru-RU", "min": "150"},
     "'min' must be a whole number from 0 to 100, not '150'."),
    ({"text": MONDAY, "source": "en-GB", "target": "ru-RU", "min": "²"},
     "'min' must be a whole number from 0 to 100, not '²'."),
    ({"text": MONDAY, "source": "en-GB", "target": "ru-RU", "limit": "9" * 5000},
     f"'limit' must be a whole number from 1 to 100, not '{'9' * 5000}'."),
    ({"text": MONDAY, "source": "en-GB"},
     "Name the source and the target language (source=en-GB&target=ru-RU)."),
    ({"text": " ", "source": "en-GB", "target": "ru"}, "Type the source sentence to look up."),
])
def test_fuzzy_json_says_what_is_wrong(client: FlaskClient, query: dict[str, str],
                                       message: str) -> None:
    response = client.get("/memory/fuzzy.json", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"] == message


def test_fuzzy_matches_come_from_the_sets_too(client: FlaskClient, gold: list[int]) -> None:
    english = ("The CSTO member states adopted a fairly important statement inviting NATO "
               "countries to seriously consider specific measures on deescalating tensions in "
               "the Euro-Atlantic area and Eurasia.")
    [best, *_] = client.get("/memory/fuzzy.json", query_string={
        "text": english.replace("fairly", "very"), "source": "en", "target": "fr"}).get_json()
    assert best["score"] >= 90 and best["source"] == english
    assert best["target_lang"] == "fr-FR" and "OTAN" in best["target"]
    assert best["origin"]["url"].startswith(f"/sets/{best['origin']['id']}/edit#row-")


# Overview


def test_the_overview_counts_files_units_sets_and_rows(client: FlaskClient,
                                                       gold: list[int]) -> None:
    upload(client, memory_tmx())
    overview = client.get("/memory/?format=json").get_json()
    assert overview["files"] == 1 and overview["units"] == 5 and overview["sets"] == 5
    assert overview["rows"] > 200
    assert {"en-GB", "ru-RU", "fr-FR"} <= set(overview["languages"])
    assert overview["imported"][0]["file"] == "memory.tmx"
    assert overview["imported"][0]["languages"] == ["de-DE", "en-GB", "fr-FR", "ru-RU"]
    page = client.get("/memory/").get_data(as_text=True)
    assert (f"5 units from 1 imported TMX file, and {overview['rows']:,} aligned rows in 5 "
            "document sets.") in page
    # each count with its own plural form, in the reader's language too
    russian = client.get("/memory/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert overview["rows"] == 244  # the gold corpus's: a number of the "few" form
    assert ("5 единиц перевода из 1 импортированного файла TMX, и 244 выровненные строки в "
            "5 наборах документов.") in russian
    assert '<option value="ru-RU">ru-RU</option>' in page


# Command line


def test_cli_imports_searches_and_looks_up(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "omegat.tmx").write_bytes(memory_tmx())
    result = runner.invoke(main, ["memory", "import", "omegat.tmx"])
    assert result.exit_code == 0, result.output
    assert result.output == "omegat.tmx: 5 units imported (memory file 1).\n"

    # the same file again, then a newer one with a unit more
    result = runner.invoke(main, ["memory", "import", "omegat.tmx"])
    assert result.exit_code == 1
    assert re.fullmatch(
        r"Error: omegat\.tmx is the same file as omegat\.tmx, imported on "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC: its 5 units with text are all in the memory already\. "
        r"Nothing was added\.\n", result.output), result.output
    (tmp_path / "newer.tmx").write_bytes(memory_tmx([*UNITS, ("The vote was postponed.",
                                                               "Голосование отложено.", None)]))
    result = runner.invoke(main, ["memory", "import", "newer.tmx"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"newer\.tmx: 1 unit added, 5 already in the memory \(not added "
                        r"again; memory file \d+\)\.\n", result.output)

    result = runner.invoke(main, ["memory", "search", "ministers met", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "en-GB\tThe [ministers] [met] in Moscow on Monday.\n" in result.output
    assert "  ru-RU\tМинистры встретились в Москве в понедельник.\n  de-DE\t" in result.output
    assert "  — omegat.tmx, unit 1\n" in result.output

    result = runner.invoke(main, ["memory", "search", "Москв*", "--format", "json"])
    assert [h["text"] for h in json.loads(result.output)["hits"]] == [MONDAY_RU]

    result = runner.invoke(main, ["memory", "fuzzy", "The ministers met in Moscow on Tuesday.",
                                  "--source", "en-GB", "--target", "ru-RU"])
    assert result.exit_code == 0, result.output
    assert re.match(r" 9\d%\ten-GB\tThe ministers met in Moscow on Monday.\n"
                    r"\tru-RU\tМинистры встретились в Москве в понедельник.\n", result.output)

    result = runner.invoke(main, ["memory", "fuzzy", MONDAY, "--source", "en-GB", "--target",
                                  "ru-RU", "--format", "json"])
    assert json.loads(result.output)[0]["score"] == 100


def test_cli_errors_are_one_line_and_exit_1(runner: CliRunner, tmp_path: Path,
                                            database_url: str) -> None:
    missing = runner.invoke(main, ["memory", "import", "nowhere.tmx"])
    assert missing.exit_code == 1 and "nowhere.tmx: cannot be read" in missing.output
    (tmp_path / "cut.tmx").write_bytes(memory_tmx()[:-40])
    cut = runner.invoke(main, ["memory", "import", "cut.tmx"])
    assert cut.exit_code == 1
    assert re.search(r"Error: cut\.tmx, line \d+: .* Nothing was imported\.", cut.output)
    assert memory_counts(database_url) == (0, 0, 0)
    same = runner.invoke(main, ["memory", "fuzzy", "x", "--source", "ru", "--target", "ru-RU"])
    assert same.exit_code == 1 and "must differ" in same.output
    nothing = runner.invoke(main, ["memory", "search", "Lavrov"])
    assert nothing.exit_code == 0 and nothing.output == "Nothing in the memory holds these words.\n"


@pytest.mark.parametrize("command", ["import", "search", "fuzzy"])
def test_cli_memory_commands_have_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, ["memory", command, "--help"])
    assert "Example: workbench memory " + command in result.output


def test_cli_on_the_demo_corpus_from_init(runner: CliRunner, database_url: str) -> None:
    assert runner.invoke(main, ["init", "--demo"]).exit_code == 0
    result = runner.invoke(main, ["memory", "search", "Москв*", "--lang", "ru", "--format",
                                  "json", "--limit", "3"])
    hits = json.loads(result.output)["hits"]
    assert len(hits) == 3 and all(h["origin"]["kind"] == "set" for h in hits)
    with session_scope(database_url) as session:
        sentence = session.scalars(select(Sentence).where(
            Sentence.text.contains("deescalating"))).one()
        sets = session.scalar(select(func.count()).select_from(DocumentSet))
    assert sets == 5
    result = runner.invoke(main, ["memory", "fuzzy", sentence.text, "--source", "en-GB",
                                  "--target", "de-DE", "--format", "json"])
    best = json.loads(result.output)[0]
    assert best["score"] == 100 and best["source"].startswith(sentence.text)
    assert "Deeskalation" in best["target"] or "Spannungen" in best["target"]


def test_a_file_with_a_very_long_name_is_imported_all_the_same(client: FlaskClient) -> None:
    name = "csto-council-" * 50 + "memory.tmx"  # 660 characters: too long for a file name
    response = upload(client, TMX11, name)
    assert response.status_code == 303
    job_page = client.get(response.headers["Location"])
    assert job_page.headers["Location"] == "/memory/?imported=1"
    found = client.get("/memory/concordance.json?q=Security+Council&lang=en").get_json()
    assert len(found["hits"]) == 1


def test_a_file_queued_for_the_workers_goes_in_the_jobs_folder(tmp_path: Path) -> None:
    # a worker on another machine, or as another user, cannot read the user's own file,
    # and the user may move it before the job runs: a queued import takes a copy
    from workbench.memory.cli import _as_it_is

    mine = tmp_path / "home" / "project.tmx"
    mine.parent.mkdir()
    mine.write_bytes(memory_tmx())
    queued = _as_it_is(mine, here=False)(tmp_path / "jobs" / "7")
    assert queued == tmp_path / "jobs" / "7" / "project.tmx"
    mine.unlink()
    assert queued.read_bytes() == memory_tmx()
    assert _as_it_is(tmp_path / "big.tmx")(tmp_path / "jobs" / "8") == tmp_path / "big.tmx"


def test_the_command_line_says_a_large_count_of_units_already_in_the_memory_with_commas(
        runner: CliRunner, tmp_path: Path) -> None:
    from tests.workbench.test_busy import generated_tmx

    (tmp_path / "large.tmx").write_bytes(generated_tmx(1200))
    (tmp_path / "again.tmx").write_bytes(generated_tmx(1200))
    assert runner.invoke(main, ["memory", "import", "large.tmx"]).exit_code == 0
    again = runner.invoke(main, ["memory", "import", "again.tmx"])
    assert again.exit_code == 1
    assert "its 1,200 units with text are all in the memory already" in again.output
