"""Imported units a set's row says already: shown once, as the row, whichever came first
(the file or the row), through edits and their undo, re-alignment, the removal of files and
the deletion of sets; and what the memory's page says of such a file."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.conftest import demo_page
from tests.workbench.test_memory import MONDAY, MONDAY_RU, UNITS, upload
from tests.workbench.test_memory_export import (
    DEMO_LANGS,
    exported,
    hit_origins,
    memory,  # noqa: F401 (a fixture)
    own_export_imported_back,
    set_rows_with_two_languages,
)
from tmx import TmxHeader, TranslationUnit, Variant, write_tmx
from workbench.db import session_factory, session_scope
from workbench.editing import edit_text
from workbench.importers import read_version
from workbench.memory.concordance import concordance
from workbench.memory.models import MemoryOrigin
from workbench.memory.store import fingerprint, import_tmx, origins
from workbench.models import DocumentSet, Row, Sentence
from workbench.sets import create_set, delete_set


def overview(client: FlaskClient) -> dict[str, Any]:
    data: dict[str, Any] = client.get("/memory/?format=json").get_json()
    return data


def file_units(client: FlaskClient) -> dict[str, tuple[int, int]]:
    """Each imported file's units shown and units kept with a set's row, by name."""
    return {f["file"]: (f["units"], f["in_sets"]) for f in overview(client)["imported"]}


def sentence_with(url: str, words: str) -> tuple[int, int, int, str]:
    """The sentence holding ``words``: its id, its set, the set's revision, its text."""
    with session_scope(url) as session:
        sentence = session.scalars(select(Sentence).where(Sentence.text.contains(words))).one()
        row = session.get(Row, sentence.row_id)
        assert row is not None
        document_set = session.get(DocumentSet, row.set_id)
        assert document_set is not None
        return sentence.id, document_set.id, document_set.revision, sentence.text


# The list of files: what a file holds, and how much of it the sets' rows say


def test_the_file_list_says_how_many_units_a_file_holds_and_how_many_the_sets_say(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    own_export_imported_back(client)
    rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    page = client.get("/memory/").get_data(as_text=True)
    cell = html.unescape(page.split('<tr data-id="2">')[1].split("</tr>")[0])
    assert (f'<td class="num">{rows}<br><small>{rows} of them are in the sets\' rows '
            "already (shown from there)</small></td>") in cell
    assert '<td class="num">5</td>' in page.split('<tr data-id="1">')[1].split("</tr>")[0]
    russian = client.get("/memory/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert f"из них {rows} уже в строках наборов (показаны оттуда)" in html.unescape(russian)
    assert file_units(client) == {"omegat.tmx": (5, 0), "memory.tmx": (0, rows)}
    # asked before removing it, the translator hears what the file holds, not 'its 0 units'
    assert (f"Remove memory.tmx and its {rows:,} units from the memory of the whole team? "
            "This cannot be undone. The rows of the sets that say the same keep their text."
            ) in cell
    assert "Remove omegat.tmx and its 5 units from the memory of the whole team? This " \
        'cannot be undone."' in html.unescape(page)


# An edit undone: the row says the unit again, which is hidden again


def test_undoing_an_edit_hides_the_files_unit_again_and_redoing_shows_it(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    own_export_imported_back(client)
    hidden = file_units(client)["memory.tmx"]
    sentence_id, set_id, revision, old = sentence_with(memory, "deescalating")
    assert client.post(f"/sets/{set_id}/edit/text", data={
        "revision": revision, "sentence": sentence_id,
        "text": old.replace("deescalating", "de-escalating")}).status_code == 200
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    assert overview(client)["units"] == 6
    # undone, the row holds exactly the file's unit again: one hit, from the set
    assert client.post(f"/sets/{set_id}/edit/undo",
                       data={"revision": revision + 1}).status_code == 200
    assert [kind for kind, _name in hit_origins(client, "deescalating")] == ["set"]
    assert overview(client)["units"] == 5
    assert file_units(client)["memory.tmx"] == hidden
    matches = client.get("/memory/fuzzy.json", query_string={
        "text": old, "source": "en-GB", "target": "ru-RU"}).get_json()
    assert [m["origin"]["kind"] for m in matches if m["score"] == 100] == ["set"]
    # and redone, the file's copy is seen again
    assert client.post(f"/sets/{set_id}/edit/redo",
                       data={"revision": revision + 2}).status_code == 200
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    assert overview(client)["units"] == 6


# Rows stored after the file: a new set, a re-alignment


def aligned_set(url: str) -> int:
    """Demo page 000 in Russian and English, aligned as an upload aligns it."""
    versions = [read_version(demo_page("000", lang).read_bytes(), f"000.{lang}.html")
                for lang in ("ru-RU", "en-GB")]
    with session_scope(url) as session:
        return create_set(session, versions).id


def test_a_set_aligned_after_the_file_shows_the_files_units_once(
        database_url: str, client: FlaskClient) -> None:
    # the memory's export of a set, imported once that set is gone, is all shown ...
    first = aligned_set(database_url)
    _, units, data = exported(database_url)
    with session_scope(database_url) as session:
        delete_set(session, first)
    upload(client, data, "memory.tmx")
    assert overview(client)["units"] == len(units)
    assert hit_origins(client, "deescalating") == [("tmx", "memory.tmx")]
    # ... until the same pages are aligned again: the rows say what the file does
    second = aligned_set(database_url)
    assert overview(client)["units"] == 0
    assert file_units(client) == {"memory.tmx": (0, len(units))}
    assert [kind for kind, _name in hit_origins(client, "deescalating")] == ["set"]
    _, units_now, _ = exported(database_url)
    assert len(units_now) == len(units)
    # the file's units come back with the set's deletion, as before
    with session_scope(database_url) as session:
        delete_set(session, second)
    assert file_units(client) == {"memory.tmx": (len(units), 0)}


def test_rows_realigned_after_an_edit_hide_the_files_units_again(
        database_url: str, client: FlaskClient) -> None:
    set_id = aligned_set(database_url)
    _, units, data = exported(database_url)
    upload(client, data, "memory.tmx")
    assert file_units(client) == {"memory.tmx": (0, len(units))}
    with session_scope(database_url) as session:
        first = session.scalars(select(Row.id).where(Row.set_id == set_id)
                                .order_by(Row.position)).first()
        revision = session.get(DocumentSet, set_id).revision  # type: ignore[union-attr]
    # two rows merged into one: the file's two units are seen again
    assert client.post(f"/sets/{set_id}/edit/merge", data={
        "revision": revision, "row": first}).status_code == 200
    assert file_units(client) == {"memory.tmx": (2, len(units) - 2)}
    # the rows aligned again as they were: hidden again
    response = client.post(f"/sets/{set_id}/edit/realign", data={"revision": revision + 1})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert file_units(client) == {"memory.tmx": (0, len(units))}
    assert overview(client)["units"] == 0


def test_a_gold_set_stored_after_the_file_shows_the_files_units_once(
        database_url: str, client: FlaskClient) -> None:
    from workbench.terminology.gold import gold_pages, store_gold_set

    page = gold_pages()[0]
    said = {lang: " ".join(page["rows"][1][lang]) for lang in ("en-GB", "ru-RU")}
    upload(client, english_russian((said["en-GB"], said["ru-RU"]), (MONDAY, MONDAY_RU)),
           "memory.tmx")
    assert hit_origins(client, "chairmanship") == [("tmx", "memory.tmx")]
    with session_scope(database_url) as session:
        store_gold_set(session, page)
    assert hit_origins(client, "chairmanship") == [("set", "demo 000")]
    assert file_units(client) == {"memory.tmx": (1, 1)}
    assert overview(client)["units"] == 1


# The units stored before migration 0018 are found by rows aligned after it

MEETING_RU = "Встреча министров прошла в Бишкеке."
MEETING_EN = "The meeting of the ministers took place in Bishkek."


def migrated_to(url: str, revision: str) -> None:
    """The database of ``url`` with the schema of ``revision``, as an older version left it."""
    from alembic import command
    from alembic.config import Config

    from workbench.db import MIGRATIONS, engine_for

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.mark.empty_database
def test_units_imported_before_pair_prints_are_found_by_a_set_aligned_after_the_upgrade(
        database_url: str) -> None:
    from workbench.db import engine_for, upgrade

    migrated_to(database_url, "0017_row_cell_scores")
    with engine_for(database_url).begin() as connection:
        origin_id = connection.execute(text(
            "INSERT INTO memory_origin (file_name, tool, source_lang, imported_at, "
            "unit_count, langs, status, importer) VALUES ('old.tmx', '', 'en-GB', "
            "'2026-01-01 00:00:00', 2, '[\"en-GB\", \"ru-RU\"]', 'ready', '') "
            "RETURNING id")).scalar_one()
        for position, (en, ru) in enumerate([(MEETING_EN, MEETING_RU), (MONDAY, MONDAY_RU)]):
            unit_id = connection.execute(text(
                "INSERT INTO memory_unit (origin_id, position, fingerprint) VALUES "
                "(:origin, :position, :print) RETURNING id"),
                {"origin": origin_id, "position": position + 1,
                 "print": fingerprint([("en-GB", en), ("ru-RU", ru)])}).scalar_one()
            connection.execute(text("INSERT INTO memory_variant (unit_id, lang, text) VALUES "
                                    "(:unit, 'en-GB', :en), (:unit, 'ru-RU', :ru)"),
                               {"unit": unit_id, "en": en, "ru": ru})
    upgrade(database_url)
    with session_scope(database_url) as session:
        create_set(session, [read_version(MEETING_RU.encode(), "a.ru-RU.txt"),
                             read_version(MEETING_EN.encode(), "a.en-GB.txt")])
    with session_scope(database_url) as session:
        [old] = origins(session)
        # the set's row says the first unit: shown once, from the set; the other as before
        assert (old.unit_count, old.in_sets) == (1, 1)
    _, units, _ = exported(database_url)
    assert sorted((u.text("en-GB"), "x-row" in dict(u.properties)) for u in units) == [
        (MEETING_EN, True), (MONDAY, False)]


# Units a set aligned before 0018 says: shown twice by that version, once after the upgrade


def segments(url: str, query: str) -> list[str]:
    """Where concordance finds ``query``: 'tmx' or 'set' for each hit."""
    with session_scope(url) as session:
        return [hit.origin.kind for hit in concordance(session, query).hits]


@pytest.mark.empty_database
def test_units_a_set_aligned_before_0018_says_are_shown_once_after_the_upgrade(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench import sets
    from workbench.db import upgrade

    migrated_to(database_url, "0018_memory_unit_pair_print")
    with session_scope(database_url) as session:
        import_tmx(session, io.BytesIO(english_russian((MEETING_EN, MEETING_RU),
                                                       (MONDAY, MONDAY_RU))), "old.tmx")
    with monkeypatch.context() as before_0018:  # rows were compared with no imported file
        before_0018.setattr(sets, "cover_rows", lambda session, row_ids: 0)
        with session_scope(database_url) as session:
            create_set(session, [read_version(MEETING_RU.encode(), "a.ru-RU.txt"),
                                 read_version(MEETING_EN.encode(), "a.en-GB.txt")])
    assert sorted(segments(database_url, "Bishkek")) == ["set", "tmx"]  # the duplicate
    upgrade(database_url)
    assert segments(database_url, "Bishkek") == ["set"]
    assert segments(database_url, "Monday") == ["tmx"]
    with session_scope(database_url) as session:
        [old] = origins(session)
        assert (old.unit_count, old.in_sets) == (1, 1)
    _, units, _ = exported(database_url)
    assert sorted((u.text("en-GB"), "x-row" in dict(u.properties)) for u in units) == [
        (MEETING_EN, True), (MONDAY, False)]
    # the row edited, the file's copy is seen again, as for units hidden since
    sentence_id, set_id, revision, text_now = sentence_with(database_url, "Bishkek")
    with session_scope(database_url) as session:
        edit_text(session, set_id, revision, sentence_id, text_now.replace("Bishkek", "Osh"))
    assert sorted(segments(database_url, "Bishkek")) == ["tmx"]


# A set stored while an import is storing a batch of units its rows say

FILLER = [(f"Consignment line {n} of the shipment.", f"Строка {n} партии.") for n in range(4)]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # see below
@pytest.mark.parametrize("committed_at", [1, 5])
def test_a_set_stored_while_an_import_batch_is_stored_shows_the_files_units_once(
        database_url: str, committed_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The set is stored, its rows compared with the memory, while the batch holding the
    unit they say is stored but not committed: neither sees the other. It is committed
    in that transaction (1: the import's next transaction sees the rows), or once the
    import's last batch is being stored (5: only the transaction that makes the file
    ready sees them). Only on
    PostgreSQL: SQLite lets one writer at a time, and the set's rows would wait for the
    batch's commit, then see its units."""
    from workbench.memory import store

    monkeypatch.setattr(store, "BATCH_UNITS", 1)
    monkeypatch.setattr(store, "COMMIT_UNITS", 2)  # batches 1-2, 3-4, 5, then the last
    aligning = session_factory(database_url)()  # a colleague's, beside the import's

    def meanwhile(read: int) -> None:
        if read == 1:  # the batch holding the meeting stored, not committed
            create_set(aligning, [read_version(MEETING_RU.encode(), "a.ru-RU.txt"),
                                  read_version(MEETING_EN.encode(), "a.en-GB.txt")])
        if read == committed_at:
            aligning.commit()
            aligning.close()

    with session_scope(database_url) as session:
        store.import_tmx(session, io.BytesIO(english_russian((MEETING_EN, MEETING_RU),
                                                             *FILLER)),
                         "shipment.tmx", progress=meanwhile)
    assert segments(database_url, "Bishkek") == ["set"]
    with session_scope(database_url) as session:
        [shipment] = origins(session)
        assert (shipment.unit_count, shipment.in_sets) == (4, 1)
    _, units, _ = exported(database_url)
    assert sorted(u.text("en-GB") for u in units) == sorted(
        [MEETING_EN] + [en for en, _ru in FILLER])


# The same file imported again


def test_the_same_export_imported_again_is_named_as_the_earlier_import(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    own_export_imported_back(client)
    with session_scope(memory) as session:
        earlier = session.get(MemoryOrigin, 2)
        assert earlier is not None
        when = f"{earlier.imported_at:%Y-%m-%d %H:%M} UTC"
    total = set_rows_with_two_languages(memory, DEMO_LANGS) + 5
    data = client.get("/memory/export.tmx").data
    again = client.post("/memory/import", data={"file": (io.BytesIO(data), "memory.tmx")},
                        headers={"Accept": "application/json"},
                        content_type="multipart/form-data")
    assert again.status_code == 400
    assert again.get_json()["error"] == (
        f"memory.tmx is the same file as memory.tmx, imported on {when}: its {total:,} "
        "units with text are all in the memory already. Nothing was added.")
    assert [f["file"] for f in overview(client)["imported"]] == ["omegat.tmx", "memory.tmx"]
    russian = client.post("/memory/import", data={"file": (io.BytesIO(data), "memory.tmx")},
                          headers={"Accept": "application/json", "Accept-Language": "ru"},
                          content_type="multipart/form-data")
    assert russian.get_json()["error"].startswith(
        f"memory.tmx — тот же файл, что и memory.tmx, импортированный {when}: все его ")


def english_russian(*units: tuple[str, str]) -> bytes:
    out = io.BytesIO()
    write_tmx(out, [TranslationUnit(str(n), (Variant("en-GB", en), Variant("ru-RU", ru)))
                    for n, (en, ru) in enumerate(units)], TmxHeader(srclang="en-GB"))
    return out.getvalue()


def refusal(client: FlaskClient, data: bytes, name: str) -> str:
    response = client.post("/memory/import", data={"file": (io.BytesIO(data), name)},
                           headers={"Accept": "application/json"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    return str(response.get_json()["error"])


def test_a_file_whose_units_other_files_hold_between_them_is_not_called_the_same(
        client: FlaskClient) -> None:
    monday, council, tom, postponed = [(en, ru) for en, ru, _de in UNITS[:3]] + [
        ("The vote was postponed.", "Голосование отложено.")]
    upload(client, english_russian(monday, council), "first.tmx")
    upload(client, english_russian(tom), "second.tmx")
    assert refusal(client, english_russian(monday, council, tom), "all.tmx") == (
        "all.tmx: its 3 units with text are all in the memory already (imported from "
        "first.tmx, second.tmx). Nothing was added.")
    # nor is a file holding them and more (a newer export), nor one holding fewer
    upload(client, english_russian(monday, council, tom, postponed), "newer.tmx")
    assert "is the same file" not in refusal(client, english_russian(monday, council, tom),
                                             "older.tmx")
    assert refusal(client, english_russian(monday), "one.tmx") == (
        "one.tmx: its 1 unit with text is in the memory already (imported from first.tmx). "
        "Nothing was added.")
    # the newer export again is
    assert refusal(client, english_russian(monday, council, tom, postponed), "newer.tmx") \
        .startswith("newer.tmx is the same file as newer.tmx, imported on ")


# Files removed and sets deleted: each unit shown once where it still is

POSTPONED = ('<tu><tuv xml:lang="en-GB"><seg>The vote was postponed.</seg></tuv>'
             '<tuv xml:lang="ru-RU"><seg>Голосование отложено.</seg></tuv></tu>')


def shown_once(client: FlaskClient, query: str, where: list[tuple[str, str]]) -> None:
    hits = hit_origins(client, query)
    assert hits == where, (query, hits)


def export_with_one_unit_more(client: FlaskClient) -> bytes:
    """The memory's export, and one unit it does not hold at its end: a newer export."""
    data = client.get("/memory/export.tmx").get_data(as_text=True)
    return data.replace("</body>", POSTPONED + "</body>").encode()


def the_sets_rows(url: str, words: str) -> tuple[int, int]:
    """The set holding ``words`` and how many of its rows have text in two languages."""
    with session_scope(url) as session:
        set_id = session.scalars(select(Row.set_id).join(Sentence, Sentence.row_id == Row.id)
                                 .where(Sentence.text.contains(words))).one()
        rows = sum(1 for row in session.scalars(select(Row).where(Row.set_id == set_id))
                   if sum(1 for s in row.sentences if s.text.strip()) >= 2)
    return set_id, rows


def test_removing_the_file_of_a_rows_hidden_copy_hands_it_to_the_next_file(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    own_export_imported_back(client)  # memory.tmx: every row, hidden; omegat's five left out
    upload(client, export_with_one_unit_more(client), "newer.tmx")  # all left out but one
    assert file_units(client) == {"omegat.tmx": (5, 0), "memory.tmx": (0, rows),
                                  "newer.tmx": (1, 0)}
    [set_hit] = hit_origins(client, "deescalating")
    # memory.tmx removed: newer.tmx keeps its rows' copies, hidden still
    assert client.post("/memory/files/2/remove").status_code == 303
    assert file_units(client) == {"omegat.tmx": (5, 0), "newer.tmx": (1, rows)}
    shown_once(client, "deescalating", [set_hit])
    # the set deleted: newer.tmx's copy of its rows is seen, once
    set_id, set_rows = the_sets_rows(memory, "deescalating")
    with session_scope(memory) as session:
        delete_set(session, set_id)
    assert file_units(client)["newer.tmx"] == (1 + set_rows, rows - set_rows)
    shown_once(client, "deescalating", [("tmx", "newer.tmx")])
    # omegat.tmx removed: its five go to newer.tmx, which left them out
    assert client.post("/memory/files/1/remove").status_code == 303
    shown_once(client, "Minsk", [("tmx", "newer.tmx")])
    assert file_units(client) == {"newer.tmx": (6 + set_rows, rows - set_rows)}
    assert overview(client)["units"] == 6 + set_rows
    _, units, _ = exported(memory)
    assert len(units) == rows + 6  # the other sets' rows, and newer.tmx's units shown
    # and with the last file gone, the sets' rows are what is left
    assert client.post("/memory/files/3/remove").status_code == 303
    assert overview(client)["units"] == 0
    assert len(exported(memory)[1]) == rows - set_rows


def test_deleting_the_set_then_removing_the_file_leaves_each_unit_once(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    own_export_imported_back(client)
    upload(client, export_with_one_unit_more(client), "newer.tmx")
    with session_scope(memory) as session:
        for set_id in session.scalars(select(DocumentSet.id)).all():
            delete_set(session, set_id)
    # every row's copy is memory.tmx's now, seen; newer.tmx left them out
    assert file_units(client) == {"omegat.tmx": (5, 0), "memory.tmx": (rows, 0),
                                  "newer.tmx": (1, 0)}
    shown_once(client, "deescalating", [("tmx", "memory.tmx")])
    assert client.post("/memory/files/2/remove").status_code == 303
    assert file_units(client) == {"omegat.tmx": (5, 0), "newer.tmx": (1 + rows, 0)}
    shown_once(client, "deescalating", [("tmx", "newer.tmx")])
    shown_once(client, "Minsk", [("tmx", "omegat.tmx")])
    assert len(exported(memory)[1]) == rows + 6


def test_a_file_removed_while_a_set_hides_its_units_leaves_the_sets_rows_alone(
        memory: str, client: FlaskClient) -> None:  # noqa: F811
    rows = set_rows_with_two_languages(memory, DEMO_LANGS)
    own_export_imported_back(client)
    [set_hit] = hit_origins(client, "deescalating")
    assert client.post("/memory/files/2/remove").status_code == 303
    shown_once(client, "deescalating", [set_hit])
    assert file_units(client) == {"omegat.tmx": (5, 0)}
    assert len(exported(memory)[1]) == rows + 5
    # and the set deleted after: nothing of the removed file comes back
    set_id, set_rows = the_sets_rows(memory, "deescalating")
    with session_scope(memory) as session:
        delete_set(session, set_id)
    assert hit_origins(client, "deescalating") == []
    assert overview(client)["units"] == 5
    assert len(exported(memory)[1]) == rows - set_rows + 5


def test_units_a_set_aligned_later_hides_are_handed_over_hidden(
        database_url: str, client: FlaskClient) -> None:
    first = aligned_set(database_url)
    _, units, data = exported(database_url)
    with session_scope(database_url) as session:
        delete_set(session, first)
    upload(client, data, "memory.tmx")
    upload(client, export_with_one_unit_more(client), "newer.tmx")  # all left out but one
    second = aligned_set(database_url)  # says memory.tmx's units: hidden
    assert file_units(client) == {"memory.tmx": (0, len(units)), "newer.tmx": (1, 0)}
    assert client.post("/memory/files/1/remove").status_code == 303
    assert file_units(client) == {"newer.tmx": (1, len(units))}
    assert [kind for kind, _name in hit_origins(client, "deescalating")] == ["set"]
    with session_scope(database_url) as session:
        delete_set(session, second)
    assert file_units(client) == {"newer.tmx": (1 + len(units), 0)}
    shown_once(client, "deescalating", [("tmx", "newer.tmx")])
