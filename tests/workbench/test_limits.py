"""The limits on what one request may make the workbench store or compute (workbench.limits):
a sentence's length (an edit, an imported page), the sentences of a page, the undo history;
and the termbase and its checks shown a page at a time. Each refusal is checked as the user
reads it, and that nothing was changed or stored."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.workbench.test_editing import SMALL, build, cells, row_id, sentence_id
from tests.workbench.test_web import catalog
from workbench import editing
from workbench.cli import main
from workbench.db import session_factory, upgrade
from workbench.editing import EditRefused
from workbench.errors import PageImportError
from workbench.importers import read_version
from workbench.limits import DEFAULTS, MAX_SENTENCE_CHARS
from workbench.models import DocumentSet, Edit, Sentence
from workbench.sets import create_set
from workbench.terminology import checks as term_checks


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade(database_url)
    with session_factory(database_url)() as session:
        yield session


def sets_stored(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(DocumentSet)) or 0


def test_every_limit_has_a_default_and_a_config_key(app: Flask) -> None:
    assert DEFAULTS == {"MAX_SENTENCE_CHARS": 3_000, "MAX_PAGE_SENTENCES": 5_000,
                        "MAX_HISTORY_STEPS": 1_000, "TERMS_PAGE_SIZE": 100}
    from workbench.limits import limit

    assert limit("MAX_SENTENCE_CHARS") == 3_000  # no app: the command line's default
    assert limit("MAX_SENTENCE_CHARS", 7) == 7  # a caller's own limit wins
    app.config["MAX_SENTENCE_CHARS"] = 10
    with app.app_context():
        assert limit("MAX_SENTENCE_CHARS") == 10
        assert limit("MAX_PAGE_SENTENCES") == 5_000


# --- a sentence's length: an edit --------------------------------------------------------

EDIT_REFUSED = ("The new text has %(length)s characters; a sentence may have at most "
                "%(limit)s. Nothing was changed: shorten the text, or split the sentence (S) "
                "and edit each part.")


def test_an_edit_longer_than_the_limit_is_refused_and_nothing_changes(
    client: FlaskClient, session: Session
) -> None:
    s = build(session, SMALL)
    before = cells(session, s)
    target = sentence_id(session, "E4.")
    too_long = "word " * 700  # 3,499 characters once the spaces are collapsed
    response = client.post(f"/sets/{s.id}/edit/text",
                           data={"revision": 0, "sentence": target, "text": too_long})
    assert response.status_code == 400
    assert response.get_json()["error"] == EDIT_REFUSED % {"length": "3,499",
                                                            "limit": "3,000"}
    # The configured limit, in the user's language; the text at the limit is accepted.
    client.application.config["MAX_SENTENCE_CHARS"] = 20
    response = client.post(f"/sets/{s.id}/edit/text?ui=ru",
                           data={"revision": 0, "sentence": target, "text": "x" * 21})
    assert response.status_code == 400
    assert response.get_json()["error"] == catalog("ru", EDIT_REFUSED) % {
        "length": "21", "limit": "20"}
    session.expire_all()
    assert cells(session, s) == before
    assert session.get(DocumentSet, s.id).revision == 0  # type: ignore[union-attr]
    assert session.scalar(select(func.count()).select_from(Edit)) == 0
    accepted = client.post(f"/sets/{s.id}/edit/text",
                           data={"revision": 0, "sentence": target, "text": "y" * 20})
    assert accepted.status_code == 200, accepted.get_json()


def test_the_library_takes_the_limit_as_a_parameter(session: Session) -> None:
    s = build(session, SMALL)
    with pytest.raises(EditRefused, match="The new text has 6 characters"):
        editing.edit_text(session, s.id, 0, sentence_id(session, "E4."), "E4 new",
                          max_chars=5)
    session.rollback()
    with pytest.raises(EditRefused, match="at most 3000"):  # no app: the default
        editing.edit_text(session, s.id, 0, sentence_id(session, "E4."),
                          "x" * (MAX_SENTENCE_CHARS + 1))
    session.rollback()
    assert cells(session, s) == [{lang: list(t) for lang, t in c.items()} for c in SMALL]


# --- a sentence's length: an imported page ---------------------------------------------------

PAGE_SENTENCE_REFUSED = (
    "%(file)s has a sentence of %(length)s characters; a sentence may have at most "
    "%(limit)s. It begins: “%(start)s …”. This is usually running text without sentence "
    "punctuation (a list, a table, or text saved without full stops): add the full stops, "
    "or blank lines between its parts, and import the page again. Nothing was stored.")


def test_a_pasted_page_with_a_sentence_over_the_limit_is_refused(client: FlaskClient) -> None:
    client.application.config["MAX_SENTENCE_CHARS"] = 120
    running = " ".join(f"item {n} of the list" for n in range(12))  # 229 characters, no stop
    response = client.post(
        "/sets",
        data={"slot-lang-0": "ru-RU", "slot-text-0": "Встреча прошла в Бишкеке. Она была "
              "продуктивной.",
              "slot-lang-1": "en-GB", "slot-text-1": "The meeting took place.\n\n" + running},
        headers={"Accept": "application/json", "Accept-Language": "de"})
    assert response.status_code == 400
    expected = catalog("de", PAGE_SENTENCE_REFUSED) % {
        "file": catalog("de", "pasted text (%(lang)s)") % {"lang": "en-GB"}, "length": "229",
        "limit": "120",
        "start": "item 0 of the list item 1 of the list item 2 of the list item 3 of the list"}
    assert response.get_json()["error"] == expected
    assert client.get("/sets.json").get_json() == []


def test_the_command_line_import_refuses_a_sentence_over_the_default(
    runner: CliRunner, tmp_path: Path
) -> None:
    from flask_babel import format_decimal

    (tmp_path / "page.ru.txt").write_text("Встреча прошла в Бишкеке. Она была продуктивной.\n",
                                          encoding="utf-8")
    running = "a list without full stops " * 120  # 3,119 characters once stripped
    (tmp_path / "page.en.txt").write_text("The meeting took place.\n\n" + running,
                                          encoding="utf-8")
    result = runner.invoke(main, ["import", str(tmp_path / "page.ru.txt"),
                                  str(tmp_path / "page.en.txt")])
    assert result.exit_code == 1
    assert PAGE_SENTENCE_REFUSED % {
        "file": "page.en.txt (en)", "length": format_decimal(3119),
        "limit": format_decimal(3000), "start": " ".join(running[:80].split()[:-1]),
    } in " ".join(result.output.split())
    assert runner.invoke(main, ["sets", "--format", "json"]).output.strip() == "[]"


# --- the sentences of a page ------------------------------------------------------------------

TOO_MANY = ("%(file)s has %(count)s sentences; a language version of a page may have at most "
            "%(limit)s. Import a document this long as several pages. Nothing was stored.")
ABOUT = ("%(file)s has about %(count)s sentences (counting stopped past %(limit)s); a "
         "language version of a page may have at most %(limit)s. Import a document this "
         "long as several pages. Nothing was stored.")


def test_a_pasted_version_with_too_many_sentences_is_refused(client: FlaskClient) -> None:
    client.application.config["MAX_PAGE_SENTENCES"] = 3
    response = client.post(
        "/sets?ui=ru",
        data={"slot-lang-0": "ru-RU", "slot-text-0": "Встреча прошла в Бишкеке. Она была "
              "продуктивной.",
              "slot-lang-1": "en-GB", "slot-text-1": "The meeting took place in Bishkek. It "
              "was productive. It lasted an hour. It ended at noon."},
        headers={"Accept": "application/json"})
    assert response.status_code == 400
    said = response.get_json()["error"]
    from babel.support import Translations

    folder = Path(__file__).resolve().parents[2] / "workbench" / "translations"
    russian = Translations.load(str(folder), ["ru"]).ngettext(
        TOO_MANY.replace("sentences;", "sentence;"), TOO_MANY, 4)
    pasted = catalog("ru", "pasted text (%(lang)s)") % {"lang": "en-GB"}
    assert said == russian % {"file": pasted, "count": "4", "limit": "3"}
    assert "4 предложения" in said
    assert client.get("/sets.json").get_json() == []


def test_counting_stops_past_the_limit_and_the_count_is_estimated(session: Session) -> None:
    """A page far over the limit is not segmented to its end: the refusal comes once the
    limit is passed, with the count estimated from the share of the text read."""
    ru = read_version("Встреча прошла в Бишкеке. Она была продуктивной.".encode(),
                      "page.ru.txt")
    lines = "\n".join(f"Sentence number {n:02d} is here." for n in range(30))
    en = read_version(lines.encode(), "page.en.txt")
    assert len(en.paragraphs) == 30
    with pytest.raises(PageImportError) as refused:
        create_set(session, [ru, en], max_page_sentences=5)
    assert refused.value.message == ABOUT % {"file": "page.en.txt (en)", "count": "30",
                                              "limit": "5"}
    with pytest.raises(PageImportError) as exact:
        create_set(session, [ru, en], max_page_sentences=29)
    assert exact.value.message == TOO_MANY % {"file": "page.en.txt (en)", "count": "30",
                                              "limit": "29"}
    assert sets_stored(session) == 0
    assert session.scalar(select(func.count()).select_from(Sentence)) == 0


def test_one_huge_paragraph_is_refused_without_segmenting_it_whole(session: Session) -> None:
    """A single paragraph of 122,200 characters (4,700 sentences): its sentences are counted
    one at a time and counting stops past the limit, so the count is an estimate."""
    from flask_babel import format_decimal

    ru = read_version("Встреча прошла в Бишкеке. Она была продуктивной.".encode(),
                      "page.ru.txt")
    en = read_version(("A short sentence is here. " * 4_700).encode(), "page.en.txt")
    assert len(en.paragraphs) == 1 and len(en.paragraphs[0]) == 122_199
    with pytest.raises(PageImportError) as refused:
        create_set(session, [ru, en], max_page_sentences=50)
    assert refused.value.message == ABOUT % {"file": "page.en.txt (en)",
                                              "count": format_decimal(4_700), "limit": "50"}
    assert sets_stored(session) == 0


# --- the undo history -------------------------------------------------------------------------

def test_the_history_keeps_the_latest_steps_and_undo_stops_at_the_oldest_kept(
    client: FlaskClient, session: Session
) -> None:
    client.application.config["MAX_HISTORY_STEPS"] = 3
    s = build(session, SMALL)
    rows = [row_id(session, s, n) for n in range(3)]

    def post(operation: str, revision: int, **form: object) -> dict[str, object]:
        response = client.post(f"/sets/{s.id}/edit/{operation}",
                               data={"revision": revision, **form})
        assert response.status_code in (200, 400), response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    def statuses() -> list[str]:
        return [r["status"] for r in client.get(f"/sets/{s.id}.json").get_json()["rows"]]

    steps = [(rows[0], "1"), (rows[1], "1"), (rows[2], "1"), (rows[0], "0"), (rows[1], "0")]
    undo_counts = []
    for revision, (row, confirmed) in enumerate(steps):
        done = post("confirm", revision, row=row, confirmed=confirmed)
        undo_counts.append(done["undo"])
    assert undo_counts == [1, 2, 3, 3, 3]  # what the editor shows: never more than kept
    assert statuses() == ["auto", "auto", "confirmed"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Edit)) == 3

    for n in range(3):
        undone = post("undo", 5 + n)
        assert undone["undo"] == 2 - n and undone["redo"] == n + 1
    # Back to the state after the second step: the first two steps are no longer kept.
    assert statuses() == ["confirmed", "confirmed", "auto"]
    refused = post("undo", 8)
    assert refused["error"] == "There is nothing to undo."
    assert statuses() == ["confirmed", "confirmed", "auto"]
    assert post("redo", 8)["undo"] == 1  # redo still replays the kept steps
    assert statuses() == ["confirmed", "confirmed", "confirmed"]


def test_the_library_prunes_to_its_max_steps(session: Session) -> None:
    from workbench.editing.history import capture_rows, record

    s = build(session, SMALL)
    first = row_id(session, s, 0)
    for revision in range(4):
        snapshot = capture_rows(session, [first])
        result = record(session, s.id, revision + 1, "confirm", snapshot, snapshot,
                        max_steps=2)
        session.commit()
    assert (result.undo_steps, result.redo_steps) == (2, 0)
    assert session.scalars(select(Edit.seq).order_by(Edit.seq)).all() == [3, 4]


# --- the termbase and its checks, a page at a time ---------------------------------------

def tbx(concepts: list[tuple[str, str]]) -> bytes:
    """A TBX v3 file: one concept per (preferred, deprecated) English pair."""
    entries = "".join(
        f'<conceptEntry id="c{n}"><langSec xml:lang="en">'
        f"<termSec><term>{preferred}</term><termNote type=\"administrativeStatus\">"
        f"preferredTerm-admn-sts</termNote></termSec>"
        f"<termSec><term>{deprecated}</term><termNote type=\"administrativeStatus\">"
        f"deprecatedTerm-admn-sts</termNote></termSec></langSec></conceptEntry>"
        for n, (preferred, deprecated) in enumerate(concepts)
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
            "<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>"
            f"<text><body>{entries}</body></text></tbx>").encode()


def import_tbx(client: FlaskClient, data: bytes) -> None:
    response = client.post("/terms/termbase/import",
                           data={"file": (io.BytesIO(data), "terms.tbx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)


def test_the_termbase_is_shown_a_hundred_concepts_a_page(client: FlaskClient) -> None:
    import_tbx(client, tbx([(f"Term {n:03d}", f"Old term {n:03d}") for n in range(250)]))

    first = client.get("/terms/termbase").get_data(as_text=True)
    assert first.count('<tr class="concept"') == 100
    assert "1–100 of 250" in first
    assert 'rel="next" href="/terms/termbase?page=2"' in first
    assert 'rel="prev"' not in first
    assert "Term 000" in first and "Term 100" not in first

    second = client.get("/terms/termbase?page=2").get_data(as_text=True)
    assert second.count('<tr class="concept"') == 100
    assert "101–200 of 250" in second and "Term 100" in second and "Term 099" not in second
    assert 'rel="prev" href="/terms/termbase?page=1"' in second
    assert 'rel="next" href="/terms/termbase?page=3"' in second

    third = client.get("/terms/termbase?page=3&ui=ru").get_data(as_text=True)
    assert third.count('<tr class="concept"') == 50
    assert "201–250 из 250" in third
    assert 'rel="prev" href="/terms/termbase?page=2"' in third and 'rel="next"' not in third
    assert "Предыдущая страница" in third

    data = client.get("/terms/termbase?format=json&page=3").get_json()
    assert (data["page"], data["per_page"], data["pages"], data["total"]) == (3, 100, 3, 250)
    assert [c["name"] for c in data["concepts"]][:1] == ["Term 200"]
    assert len(data["concepts"]) == 50
    past = client.get("/terms/termbase?format=json&page=4").get_json()
    assert past["concepts"] == [] and past["total"] == 250
    assert client.get("/terms/termbase?page=9").headers["Location"].endswith("page=3")
    assert client.get("/terms/termbase?page=x").status_code == 200  # the first page


def test_the_checks_are_shown_a_page_at_a_time_and_computed_once(
    client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"ru": [f"Совет собрался {n} раз."], "en": [f"The Ministerial Council met {n} times."]}
            for n in range(250)]
    s = build(session, rows)
    import_tbx(client, tbx([("Council of Foreign Ministers", "Ministerial Council")]))
    computed = []
    real = term_checks.check_sets

    def counted(*args: object, **kwargs: object) -> list[term_checks.Issue]:
        computed.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(term_checks, "check_sets", counted)

    first = client.get("/terms/checks").get_data(as_text=True)
    assert first.count('<tr class="issue deprecated"') == 100
    assert "250 issues" in first and "1–100 of 250" in first
    assert 'rel="next" href="/terms/checks?page=2"' in first
    assert "<mark>Ministerial Council</mark> met 0 times." in first
    third = client.get(f"/terms/checks?set={s.id}&page=3").get_data(as_text=True)
    assert third.count('<tr class="issue deprecated"') == 50
    assert "201–250 of 250" in third
    assert f'rel="prev" href="/terms/checks?set={s.id}&amp;page=2"' in third
    assert "<mark>Ministerial Council</mark> met 249 times." in third
    data = client.get("/terms/checks.json?page=2").get_json()
    assert (data["page"], data["total"], len(data["issues"])) == (2, 250, 100)
    assert data["issues"][0]["text"] == "Ministerial Council"
    assert len(computed) == 1  # every page and the JSON sliced one computation

    # An edit changes the set's revision: the next page checks the rows afresh.
    edited = client.post(f"/sets/{s.id}/edit/text", data={
        "revision": 0, "sentence": sentence_id(session, "The Ministerial Council met 0 times."),
        "text": "The Council of Foreign Ministers met 0 times."})
    assert edited.status_code == 200
    assert client.get("/terms/checks.json").get_json()["total"] == 249
    assert len(computed) == 2


def test_page_numbers_use_the_users_language(client: FlaskClient) -> None:
    import_tbx(client, tbx([(f"Term {n:04d}", f"Old {n:04d}") for n in range(1_050)]))
    page = client.get("/terms/termbase?page=11&ui=de").get_data(as_text=True)
    assert "1.001–1.050 von 1.050" in page
