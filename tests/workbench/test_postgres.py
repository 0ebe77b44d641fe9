"""The team set-up: the same workbench on PostgreSQL. Every test of the other files that uses
``database_url`` already runs on both databases; here is what is PostgreSQL's own (its row
locks, its integer ids, its full-text and trigram indexes) and what tells the two apart
(the migrations down and up again, the search on text both must treat alike).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from tests.conftest import PageClient, demo_page
from tmx import TmxHeader, TranslationUnit, Variant, write_tmx
from workbench.app import LARGEST_ID, create_app
from workbench.cli import main
from workbench.db import MIGRATIONS, checkpoint, engine_for, session_scope, upgrade
from workbench.memory import MemoryImportError, store
from workbench.memory.concordance import concordance, highlighted
from workbench.memory.fuzzy import fuzzy_matches, similarity
from workbench.memory.search import search_terms, ts_query
from workbench.models import DocumentSet, Edit, Row

BUSY = ("Another import or re-alignment is writing to the database; nothing of yours was "
        "lost. Try again in a moment.")
ON_POSTGRESQL = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def tmx(*units: tuple[str, str]) -> bytes:
    """A TMX file of (English, Russian) units."""
    out = io.BytesIO()
    write_tmx(out, [TranslationUnit(str(n), (Variant("en-GB", en), Variant("ru-RU", ru)))
                    for n, (en, ru) in enumerate(units, 1)], TmxHeader(srclang="en-GB"))
    return out.getvalue()


def import_file(url: str, data: bytes, name: str) -> int:
    with session_scope(url) as session:
        return store.import_tmx(session, io.BytesIO(data), name).id


def demo_set(client: FlaskClient) -> tuple[int, int]:
    """A set aligned from the first demo page in Russian and English: its id and first row."""
    files = [(demo_page("000", lang).open("rb"), f"000.{lang}.html")
             for lang in ("ru-RU", "en-GB")]
    response = client.post("/sets", data={"files": files}, content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    with session_scope(client.application.config["DATABASE_URL"]) as session:
        set_id = session.scalars(select(DocumentSet.id)).one()
        row = session.scalars(select(Row.id).where(Row.set_id == set_id)
                              .order_by(Row.position).limit(1)).one()
    return set_id, row


# --- another writer's lock ------------------------------------------------------------


def holding(url: str, *tables: str) -> psycopg.Connection:
    """A connection of another writer, holding ``tables`` against every write until it
    rolls back (reading them stays possible, as under SQLite's lock)."""
    address = make_url(url)
    holder = psycopg.connect(host=address.host, port=address.port, user=address.username,
                             password=address.password, dbname=address.database)
    holder.execute("LOCK TABLE " + ", ".join(tables) + " IN EXCLUSIVE MODE")
    return holder


@pytest.fixture
def impatient_app(database_url: str) -> Iterator[Flask]:
    """The app, whose requests wait at most 0.2 s for another writer's lock."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "DATABASE_BUSY_TIMEOUT": 0.2})
    app.test_client_class = PageClient
    yield app


@ON_POSTGRESQL
def test_an_edit_waiting_on_another_writers_lock_gets_503_and_stores_nothing(
        database_url: str, impatient_app: Flask) -> None:
    client = impatient_app.test_client()
    set_id, row = demo_set(client)
    holder = holding(database_url, "document_set", "memory_origin")
    try:
        edit = {"revision": 0, "row": row}
        refused = client.post(f"/sets/{set_id}/edit/confirm", data=edit)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
        assert refused.get_json() == {"error": BUSY, "status": 503}
        upload = client.post("/memory/import", data={"file": (io.BytesIO(tmx(
            ("The coffee is ready.", "Кофе готов."))), "coffee.tmx")},
            content_type="multipart/form-data", headers={"Accept": "application/json"})
        assert upload.status_code == 503, upload.get_data(as_text=True)
        # The refusal left the connection usable: reading still works meanwhile.
        assert client.get(f"/sets/{set_id}/edit").status_code == 200
    finally:
        holder.rollback()
        holder.close()
    with session_scope(database_url) as session:
        assert session.scalar(select(DocumentSet.revision)) == 0
        assert session.scalars(select(Edit)).all() == []
        assert store.origins(session) == []
    accepted = client.post(f"/sets/{set_id}/edit/confirm", data={"revision": 0, "row": row})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)


@ON_POSTGRESQL
def test_the_cli_says_a_locked_table_is_busy_in_one_line(
        database_url: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_DATABASE_BUSY_TIMEOUT", "0.2")
    with open("coffee.tmx", "wb") as out:
        out.write(tmx(("The coffee is ready.", "Кофе готов.")))
    holder = holding(database_url, "memory_origin")
    try:
        result = runner.invoke(main, ["memory", "import", "coffee.tmx"])
    finally:
        holder.rollback()
        holder.close()
    assert (result.exit_code, result.output) == (1, f"Error: {BUSY}\n")
    result = runner.invoke(main, ["memory", "import", "coffee.tmx"])
    assert result.exit_code == 0, result.output


# --- ids ------------------------------------------------------------------------------


def test_numbers_beyond_a_database_integer_name_nothing(client: FlaskClient) -> None:
    set_id, row = demo_set(client)
    beyond = str(LARGEST_ID + 1)
    for address in (f"/sets/{beyond}", f"/sets/{beyond}/edit", f"/memory/files/{beyond}",
                    f"/sets/{beyond}/export.tmx"):
        assert client.get(address).status_code == 404, address
    for edit in ({"revision": beyond, "row": row}, {"revision": 0, "row": beyond}):
        assert client.post(f"/sets/{set_id}/edit/confirm", data=edit).status_code == 400
    # The largest id itself is looked up, and is not there.
    assert client.get(f"/sets/{LARGEST_ID}").status_code == 404
    assert client.post(f"/sets/{set_id}/edit/confirm",
                       data={"revision": 0, "row": LARGEST_ID}).status_code == 404


def test_a_name_longer_than_its_column_is_cut_not_a_server_error(client: FlaskClient) -> None:
    # SQLite stores any length; PostgreSQL refuses more than VARCHAR(300) holds.
    files = [(demo_page("000", lang).open("rb"), f"000.{lang}.html")
             for lang in ("ru-RU", "en-GB")]
    response = client.post("/sets", data={"name": "Совет " * 80, "files": files},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    [stored] = client.get("/sets.json").get_json()
    assert stored["name"] == ("Совет " * 80)[:300]


def test_a_failed_import_leaves_nothing_and_the_next_one_is_found(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BATCH_UNITS", 50)
    monkeypatch.setattr(store, "COMMIT_UNITS", 100)
    upgrade(database_url)
    whole = tmx(*((f"Consignment line {n} of the shipment.", f"Строка {n} партии.")
                  for n in range(400)))
    with pytest.raises(MemoryImportError, match=r"shipment\.tmx, line \d+"):
        import_file(database_url, whole[:whole.index(b"Consignment line 300 ")],
                    "shipment.tmx")
    import_file(database_url, tmx(("The coffee is ready.", "Кофе готов.")), "coffee.tmx")
    with session_scope(database_url) as session:
        assert concordance(session, "shipment").hits == []
        assert [origin.file_name for origin in store.origins(session)] == ["coffee.tmx"]
        assert [hit.text for hit in concordance(session, "coffee").hits] == [
            "The coffee is ready."]
        checkpoint(session)  # nothing to tidy on PostgreSQL; never an error


# --- the migrations -------------------------------------------------------------------


@pytest.mark.empty_database
def test_the_migrations_go_down_to_nothing_and_up_again(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    def migrate(action: str, revision: str) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine_for(database_url).begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)

    def indexes() -> set[str]:
        found = inspect(engine_for(database_url))
        return {index["name"] or "" for table in ("memory_variant", "sentence")
                for index in found.get_indexes(table)}

    upgrade(database_url)
    import_file(database_url, tmx(("The café is open.", "Кафе открыто.")), "cafe.tmx")
    postgresql = database_url.startswith("postgresql")
    if postgresql:
        assert {"ix_memory_variant_text_search", "ix_sentence_text_search"} <= indexes()
    migrate("downgrade", "0006")
    assert not {name for name in indexes() if name.endswith("_text_search")}
    migrate("upgrade", "head")  # the indexes of 0007 take in what is stored
    with session_scope(database_url) as session:
        assert [hit.text for hit in concordance(session, "cafe").hits] == ["The café is open."]
    migrate("downgrade", "base")
    assert inspect(engine_for(database_url)).get_table_names() == ["alembic_version"]
    upgrade(database_url)
    with session_scope(database_url) as session:
        assert store.origins(session) == []


# --- search on both databases ---------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("Café", "('cafe')"),
    ("Foreign Ministers", "('foreign') & ('ministers')"),
    ('"Conseil des ministres"', "('conseil' <-> 'des' <-> 'ministres')"),
    ("министр*", "('министр':*)"),
    ("e-mail", "('e' <-> 'mail')"),
    ("it's & | ! <-> :* ( )", "('it' <-> 's')"),
    ("'; DROP TABLE memory_variant; --", "('drop') & ('table') & ('memory' <-> 'variant')"),
    ("!!! ...", None),
])
def test_what_a_translator_types_becomes_a_safe_tsquery(query: str,
                                                         expected: str | None) -> None:
    assert ts_query(query) == expected


@pytest.mark.parametrize(("segment", "query", "picked"), [
    ("Le café est prêt.", "cafe pret", ["café", "prêt"]),
    ("The Security Council met.", "security council", ["Security", "Council"]),
    ("The Security Council met.", '"security council"', ["Security Council"]),
    ("Министры и министров.", "министр*", ["Министры", "министров"]),
    ("A minister, not ministers.", "minister", ["minister"]),
    ("The e-mail arrived.", "e-mail", ["e-mail"]),
    ("Nothing here.", "absent", []),
])
def test_the_match_is_picked_out_word_by_word(segment: str, query: str,
                                              picked: list[str]) -> None:
    parts = highlighted(segment, search_terms(query))
    assert "".join(piece for piece, _ in parts) == segment
    assert [piece for piece, matched in parts if matched] == picked


def test_concordance_and_fuzzy_lookup_agree_on_both_databases(database_url: str) -> None:
    upgrade(database_url)
    import_file(database_url, tmx(
        ("The Council of Foreign Ministers met in Minsk on Monday.",
         "Совет министров иностранных дел собрался в Минске в понедельник."),
        ("The ministers discussed the budget.", "Министры обсудили бюджет."),
        ("Le café est prêt.", "Кофе готов."),
    ), "council.tmx")
    with session_scope(database_url) as session:
        def texts(query: str, lang: str | None = None) -> list[str]:
            return [hit.text for hit in concordance(session, query, lang).hits]

        assert texts("ministers") == ["The ministers discussed the budget.",
                                      "The Council of Foreign Ministers met in Minsk on Monday."]
        assert texts("министр*", "ru") == [
            "Совет министров иностранных дел собрался в Минске в понедельник.",
            "Министры обсудили бюджет."] or texts("министр*", "ru") == [
            "Министры обсудили бюджет.",
            "Совет министров иностранных дел собрался в Минске в понедельник."]
        assert texts('"foreign ministers" minsk') == [
            "The Council of Foreign Ministers met in Minsk on Monday."]
        assert texts('"ministers foreign"') == []
        assert texts("cafe", "fr") == []  # the unit's languages are en-GB and ru-RU
        assert texts("CAFÉ") == ["Le café est prêt."]
        [hit] = concordance(session, "minsk monday").hits
        assert [hit.text[a:b] for a, b in hit.matches()] == ["Minsk", "Monday"]
        assert hit.counterparts == (("ru-RU", "Совет министров иностранных дел собрался в "
                                              "Минске в понедельник."),)

        tuesday = "The Council of Foreign Ministers met in Minsk on Tuesday."
        [best, *_] = fuzzy_matches(session, tuesday, "en", "ru")
        assert (best.score, best.target) == (
            similarity(tuesday, best.source),
            "Совет министров иностранных дел собрался в Минске в понедельник.")
        assert 90 <= best.score < 100
        loose = fuzzy_matches(session, "The ministers discussed it.", "en", "ru", minimum=50)
        assert [match.source for match in loose][:1] == ["The ministers discussed the budget."]
        assert fuzzy_matches(session, "Something else entirely.", "en", "ru") == []
