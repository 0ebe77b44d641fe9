"""Imported units a set's row says already: shown once, as the row, whichever came first
(the file or the row), through edits and their undo, re-alignment, the removal of files and
the deletion of sets; and what the memory's page says of such a file."""

from __future__ import annotations

import html
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.workbench.test_memory_export import (
    DEMO_LANGS,
    memory,  # noqa: F401 (a fixture)
    own_export_imported_back,
    set_rows_with_two_languages,
)
from workbench.db import session_scope
from workbench.models import DocumentSet, Row, Sentence


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
