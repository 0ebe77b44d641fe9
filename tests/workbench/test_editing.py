"""The editor's operations as library calls: each one, undo/redo chains, stale revisions,
re-alignment around confirmed rows. After every step the set must still be well formed:
rows numbered 0..n-1, no empty row, every language in document order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workbench import editing
from workbench.db import session_factory, upgrade
from workbench.editing import EditRefused
from workbench.errors import AlignmentFailed, NotFound, StaleEdit
from workbench.models import DocumentSet, Edit, Row, Sentence, Version
from workbench.sets import row_views

Cells = list[dict[str, list[str]]]

# Three rows: 1-1, 2-1, 1-1 (ru, en).
SMALL: Cells = [
    {"ru": ["Р1."], "en": ["E1."]},
    {"ru": ["Р2.", "Р3."], "en": ["E2 E3."]},
    {"ru": ["Р4 и Р5."], "en": ["E4."]},
]


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    upgrade(database_url)
    with session_factory(database_url)() as session:
        yield session


def build(session: Session, rows: Cells, *, confirmed: tuple[int, ...] = ()) -> DocumentSet:
    """A set stored straight from cells (first language is the pivot)."""
    langs = list(rows[0])
    document_set = DocumentSet(name="small", pivot_lang=langs[0])
    session.add(document_set)
    versions = {lang: Version(lang=lang, position=n, title="", source="test", variants=[])
                for n, lang in enumerate(langs)}
    document_set.versions.extend(versions.values())
    counters = dict.fromkeys(langs, 0)
    for position, cells in enumerate(rows):
        row = Row(position=position, score=0.9 - position / 10,
                  status="confirmed" if position in confirmed else "auto")
        document_set.rows.append(row)
        for lang, texts in cells.items():
            for text in texts:
                sentence = Sentence(position=counters[lang], text=text, paragraph=0)
                counters[lang] += 1
                versions[lang].sentences.append(sentence)
                sentence.row = row
    session.commit()
    return document_set


def cells(session: Session, document_set: DocumentSet) -> Cells:
    """The set's rows as texts per language, checking it is well formed on the way."""
    session.expire_all()
    views = row_views(session, document_set)
    assert [v.position for v in views] == list(range(len(views)))
    for view in views:
        assert any(view.cells.values()), f"row {view.id} is empty"
    for version in document_set.versions:
        order = [s.position for v in views for s in v.cells[version.lang]]
        assert order == list(range(len(order))), f"{version.lang} out of order: {order}"
        stored = session.scalars(select(Sentence).where(Sentence.version_id == version.id))
        assert all(s.row_id is not None for s in stored)
    return [{lang: [s.text for s in v.cells[lang]] for lang in v.cells} for v in views]


def state(session: Session, document_set: DocumentSet) -> tuple[Cells, list[str]]:
    """The cells and each row's status."""
    found = cells(session, document_set)
    return found, [v.status for v in row_views(session, document_set)]


def row_id(session: Session, document_set: DocumentSet, position: int) -> int:
    return session.scalars(select(Row.id).where(
        Row.set_id == document_set.id, Row.position == position)).one()


def sentence_id(session: Session, text: str) -> int:
    return session.scalars(select(Sentence.id).where(Sentence.text == text)).one()


def revision(session: Session, document_set: DocumentSet) -> int:
    session.expire_all()
    return session.get(DocumentSet, document_set.id).revision  # type: ignore[union-attr]


def run(session: Session, document_set: DocumentSet, operation, *args, **kwargs):
    """Call an operation at the current revision and commit, as the web view does."""
    try:
        result = operation(session, document_set.id, revision(session, document_set),
                           *args, **kwargs)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result


def test_merge_with_next_row_in_all_languages(session: Session) -> None:
    s = build(session, SMALL)
    result = run(session, s, editing.merge_next, row_id(session, s, 0))
    assert cells(session, s) == [
        {"ru": ["Р1.", "Р2.", "Р3."], "en": ["E1.", "E2 E3."]},
        {"ru": ["Р4 и Р5."], "en": ["E4."]},
    ]
    assert result.revision == 1 and len(result.removed) == 2 and len(result.added) == 1


def test_a_merged_row_keeps_each_versions_weaker_confidence_and_undo_restores_it(
        session: Session) -> None:
    s = build(session, SMALL)
    first, second = row_id(session, s, 0), row_id(session, s, 1)
    session.execute(update(Row).where(Row.id == first).values(cell_scores='{"en":0.99}'))
    session.execute(update(Row).where(Row.id == second).values(cell_scores='{"en":0.61}'))
    session.commit()
    run(session, s, editing.merge_next, first)
    session.expire_all()
    assert session.get(Row, first).cell_scores == '{"en":0.61}'  # type: ignore[union-attr]
    run(session, s, editing.undo)
    session.expire_all()
    assert [session.get(Row, i).cell_scores for i in (first, second)] == [  # type: ignore[union-attr]
        '{"en":0.99}', '{"en":0.61}']


def test_merge_one_language_keeps_the_rest_of_the_next_row(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.merge_next, row_id(session, s, 1), "en")
    assert cells(session, s)[1:] == [
        {"ru": ["Р2.", "Р3."], "en": ["E2 E3.", "E4."]},
        {"ru": ["Р4 и Р5."], "en": []},
    ]


def test_split_at_the_cursor_makes_two_sentences_in_the_cell(session: Session) -> None:
    s = build(session, SMALL)
    result = run(session, s, editing.split_sentence, sentence_id(session, "Р4 и Р5."), 4)
    assert cells(session, s)[2] == {"ru": ["Р4 и", "Р5."], "en": ["E4."]}
    first = session.get(Sentence, sentence_id(session, "Р4 и"))
    assert first is not None and first.original_text == "Р4 и Р5."
    assert result.focus_sentence == sentence_id(session, "Р5.")


@pytest.mark.parametrize("offset", [0, 2, 8, 99])
def test_a_split_needs_text_on_both_sides(session: Session, offset: int) -> None:
    s = build(session, SMALL)
    with pytest.raises(EditRefused, match="between two words"):
        run(session, s, editing.split_sentence, sentence_id(session, "Р4 и Р5."),
            offset if offset != 2 else 0)
    assert revision(session, s) == 0


def test_move_up_takes_the_sentences_before_it_along(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.move_sentence, sentence_id(session, "Р2."), "up")
    assert cells(session, s)[:2] == [
        {"ru": ["Р1.", "Р2."], "en": ["E1."]},
        {"ru": ["Р3."], "en": ["E2 E3."]},
    ]
    run(session, s, editing.move_sentence, sentence_id(session, "Р3."), "down")
    assert cells(session, s)[1:] == [
        {"ru": [], "en": ["E2 E3."]},
        {"ru": ["Р3.", "Р4 и Р5."], "en": ["E4."]},
    ]


def test_moving_the_last_sentence_out_of_a_row_removes_the_row(session: Session) -> None:
    s = build(session, [{"ru": ["A."], "en": ["B."]}, {"ru": [], "en": ["C."]}])
    run(session, s, editing.move_sentence, sentence_id(session, "C."), "up")
    assert cells(session, s) == [{"ru": ["A."], "en": ["B.", "C."]}]


@pytest.mark.parametrize("text, direction, message", [
    ("Р1.", "up", "first row"),
    ("E4.", "down", "last row"),
    ("E4.", "sideways", "up or down"),
])
def test_moves_off_the_edge_are_refused(session: Session, text: str, direction: str,
                                        message: str) -> None:
    s = build(session, SMALL)
    with pytest.raises(EditRefused, match=message):
        run(session, s, editing.move_sentence, sentence_id(session, text), direction)


def test_isolate_gives_a_sentence_a_row_of_its_own(session: Session) -> None:
    s = build(session, SMALL)
    result = run(session, s, editing.isolate_sentence, sentence_id(session, "Р2."))
    assert cells(session, s)[1:3] == [
        {"ru": ["Р2."], "en": []},
        {"ru": ["Р3."], "en": ["E2 E3."]},
    ]
    assert result.focus_row == row_id(session, s, 1)


def test_isolating_a_middle_sentence_keeps_the_language_in_order(session: Session) -> None:
    s = build(session, [{"ru": ["A.", "B.", "C."], "en": ["X."]}])
    run(session, s, editing.isolate_sentence, sentence_id(session, "B."))
    assert cells(session, s) == [
        {"ru": ["A."], "en": ["X."]}, {"ru": ["B."], "en": []}, {"ru": ["C."], "en": []},
    ]


def test_edit_text_keeps_the_original(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.edit_text, sentence_id(session, "E4."), "  E4,  edited. ")
    sentence = session.get(Sentence, sentence_id(session, "E4, edited."))
    assert sentence is not None and sentence.original_text == "E4."
    with pytest.raises(EditRefused, match="cannot be empty"):
        run(session, s, editing.edit_text, sentence.id, "   ")


def test_confirm_row_and_everything_above(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.confirm_row, row_id(session, s, 0))
    result = run(session, s, editing.confirm_through, row_id(session, s, 2))
    assert [v.status for v in row_views(session, s)] == ["confirmed"] * 3
    assert "2 rows" in result.message
    assert "2 of them needed a look" in result.message  # not confirmed in silence
    with pytest.raises(EditRefused, match="already confirmed"):
        run(session, s, editing.confirm_through, row_id(session, s, 1))
    run(session, s, editing.confirm_row, row_id(session, s, 1), confirmed=False)
    assert [v.status for v in row_views(session, s)] == ["confirmed", "auto", "confirmed"]


def test_undo_and_redo_walk_the_whole_chain_back_and_forth(session: Session) -> None:
    s = build(session, SMALL)
    states = [state(session, s)]
    steps = [
        (editing.merge_next, lambda: (row_id(session, s, 0),)),
        (editing.split_sentence, lambda: (sentence_id(session, "Р4 и Р5."), 4)),
        (editing.isolate_sentence, lambda: (sentence_id(session, "Р5."),)),
        (editing.move_sentence, lambda: (sentence_id(session, "E4."), "up")),
        (editing.edit_text, lambda: (sentence_id(session, "E1."), "E-one.")),
        (editing.confirm_through, lambda: (row_id(session, s, 1),)),
        (editing.merge_next, lambda: (row_id(session, s, 1), "ru")),
    ]
    for operation, arguments in steps:
        run(session, s, operation, *arguments())
        states.append(state(session, s))
    assert len({repr(state) for state in states}) == len(states)
    for expected in reversed(states[:-1]):
        run(session, s, editing.undo)
        assert state(session, s) == expected
    with pytest.raises(EditRefused, match="nothing to undo"):
        run(session, s, editing.undo)
    for expected in states[1:]:
        run(session, s, editing.redo)
        assert state(session, s) == expected
    with pytest.raises(EditRefused, match="nothing to redo"):
        run(session, s, editing.redo)
    assert revision(session, s) == 3 * len(steps)


def test_a_new_edit_after_undos_discards_the_redo_tail(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.merge_next, row_id(session, s, 0))
    run(session, s, editing.merge_next, row_id(session, s, 0))
    run(session, s, editing.undo)
    run(session, s, editing.undo)
    assert editing.steps(session, s.id) == (0, 2)
    run(session, s, editing.confirm_row, row_id(session, s, 2))
    assert editing.steps(session, s.id) == (1, 0)
    assert session.scalars(select(Edit.operation).where(Edit.set_id == s.id)).all() == [
        "confirm"]
    with pytest.raises(EditRefused, match="nothing to redo"):
        run(session, s, editing.redo)


def test_undo_restores_rows_under_their_old_ids(session: Session) -> None:
    s = build(session, SMALL)
    ids = [row_id(session, s, n) for n in range(3)]
    run(session, s, editing.merge_next, ids[1])
    run(session, s, editing.undo)
    assert [row_id(session, s, n) for n in range(3)] == ids


def test_a_stale_revision_is_refused_and_nothing_changes(session: Session) -> None:
    s = build(session, SMALL)
    run(session, s, editing.confirm_row, row_id(session, s, 0))
    with pytest.raises(StaleEdit, match="another tab") as refused:
        editing.merge_next(session, s.id, 0, row_id(session, s, 1))
    session.rollback()
    assert refused.value.status == 409
    assert revision(session, s) == 1 and len(cells(session, s)) == 3


def test_unknown_rows_and_sentences_are_not_found(session: Session) -> None:
    s = build(session, SMALL)
    with pytest.raises(NotFound, match="reload the page"):
        run(session, s, editing.merge_next, 999)
    with pytest.raises(NotFound, match="reload the page"):
        run(session, s, editing.split_sentence, 999, 1)


def fake_aligner(texts, pivot, *, paragraph_starts=None, confirmed=(), progress=None):
    """One row per pivot sentence, the other languages matched by index (test double)."""
    from alignments import Row as AlignedRow

    fake_aligner.confirmed = list(confirmed)  # type: ignore[attr-defined]
    taken = {lang: {i for row in confirmed for i in row.sentences(lang)} for lang in texts}
    rows = list(confirmed)
    free = {lang: [i for i in range(len(t)) if i not in taken[lang]] for lang, t in texts.items()}
    longest = max(len(f) for f in free.values())
    for n in range(longest):
        rows.append(AlignedRow({lang: tuple(f[n:n + 1]) if n < longest - 1 else tuple(f[n:])
                                for lang, f in free.items()}, 0.5))
    return rows


def test_a_confirmed_row_whose_sentences_change_is_confirmed_no_more(
        session: Session) -> None:
    def statuses() -> list[str]:
        session.expire_all()
        return list(session.scalars(select(Row.status).where(Row.set_id == s.id)
                                    .order_by(Row.position)))

    s = build(session, SMALL, confirmed=(0, 1, 2))
    run(session, s, editing.split_sentence, sentence_id(session, "Р4 и Р5."), 2)
    run(session, s, editing.edit_text, sentence_id(session, "E1."), "E1 (revised).")
    assert statuses() == ["confirmed"] * 3  # the same sentences, one in two: as it was
    run(session, s, editing.move_sentence, sentence_id(session, "Р3."), "down")
    assert statuses() == ["confirmed", "auto", "auto"]  # both rows hold other sentences
    run(session, s, editing.undo)
    assert statuses() == ["confirmed"] * 3
    run(session, s, editing.merge_next, row_id(session, s, 0))
    assert statuses() == ["auto", "confirmed"]
    run(session, s, editing.isolate_sentence, sentence_id(session, "E4."))
    assert statuses()[1] == "auto"


def test_realign_keeps_confirmed_rows_as_anchors(session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.sets

    monkeypatch.setattr(workbench.sets, "align_versions", fake_aligner, raising=False)
    s = build(session, [
        {"ru": ["A.", "B."], "en": ["X."]},
        {"ru": ["C."], "en": ["Y.", "Z."]},
        {"ru": ["D."], "en": []},
    ], confirmed=(0,))
    result = run(session, s, editing.realign_after_confirmed)
    assert "Ctrl+Z" not in result.message  # nothing was fixed by hand
    assert cells(session, s) == [
        {"ru": ["A.", "B."], "en": ["X."]},
        {"ru": ["C."], "en": ["Y."]},
        {"ru": ["D."], "en": ["Z."]},
    ]
    anchors = fake_aligner.confirmed  # type: ignore[attr-defined]
    assert [dict(a.cells) for a in anchors] == [{"ru": (0, 1), "en": (0,)}]
    assert result.focus_row == row_id(session, s, 1)
    run(session, s, editing.undo)
    assert cells(session, s)[1] == {"ru": ["C."], "en": ["Y.", "Z."]}


def test_realign_refuses_an_aligner_that_loses_sentences(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import workbench.sets

    monkeypatch.setattr(workbench.sets, "align_versions",
                        lambda texts, pivot, **kw: list(kw["confirmed"]), raising=False)
    s = build(session, SMALL, confirmed=(0,))
    with pytest.raises(AlignmentFailed, match="left 5 sentences out"):
        run(session, s, editing.realign_after_confirmed)
    assert len(cells(session, s)) == 3


@pytest.mark.slow
def test_realign_keeps_a_confirmed_row_without_a_pivot_sentence(session: Session) -> None:
    # the real aligner: a confirmed row with no Russian whose English comes after the
    # Russian position of the next confirmed row (it was refused as "crossing" it)
    s = build(session, [
        {"ru": ["Встреча прошла в Бишкеке."],
         "en": ["The meeting was held.", "It took place in Bishkek."]},
        {"ru": [], "en": ["It was productive."]},
        {"ru": ["Стороны подписали три документа."],
         "en": ["The parties signed three documents."]},
        {"ru": ["Следующая встреча пройдёт в Москве."],
         "en": ["The next meeting will be in Moscow."]},
    ], confirmed=(1, 2))
    run(session, s, editing.realign_after_confirmed)
    after = cells(session, s)
    assert {"ru": [], "en": ["It was productive."]} in after
    assert {"ru": ["Стороны подписали три документа."],
            "en": ["The parties signed three documents."]} in after
    assert after[-1] == {"ru": ["Следующая встреча пройдёт в Москве."],
                         "en": ["The next meeting will be in Moscow."]}


def test_realign_with_every_row_confirmed_is_refused(session: Session) -> None:
    s = build(session, SMALL, confirmed=(0, 1, 2))
    with pytest.raises(EditRefused, match="nothing left to re-align"):
        run(session, s, editing.realign_after_confirmed)


# --- on a demo page, through the importer and the real aligner ---------------------------

def demo_set(session: Session, number: str = "000") -> DocumentSet:
    from tests.conftest import demo_page
    from workbench.importers import read_version
    from workbench.sets import create_set

    versions = [read_version(demo_page(number, lang).read_bytes(), f"{number}.{lang}.html")
                for lang in ("ru-RU", "en-GB", "fr-FR")]
    document_set = create_set(session, versions)
    session.commit()
    return document_set


def test_a_demo_set_survives_a_session_of_edits_and_a_realign(session: Session) -> None:
    s = demo_set(session)
    start = state(session, s)
    run(session, s, editing.merge_next, row_id(session, s, 2))
    english = cells(session, s)[4]["en-GB"][0]
    run(session, s, editing.split_sentence, sentence_id(session, english),
        english.index(" ", len(english) // 2))
    second_half = cells(session, s)[4]["en-GB"][-1]
    run(session, s, editing.isolate_sentence, sentence_id(session, second_half))
    assert {"ru-RU": [], "en-GB": [second_half], "fr-FR": []} in cells(session, s)
    run(session, s, editing.confirm_through, row_id(session, s, 5))
    kept = cells(session, s)[:6]
    result = run(session, s, editing.realign_after_confirmed)
    assert "unconfirmed changes there were aligned again" in result.message  # said, not silent
    assert cells(session, s)[:6] == kept
    assert all(v.status == "auto" for v in row_views(session, s)[6:])
    # the re-aligned rows say how sure the aligner is of each version (the editor's marks)
    assert all(set(v.cell_scores) and set(v.cell_scores) <= {"ru-RU", "en-GB", "fr-FR"}
               for v in row_views(session, s)[6:])
    assert result.focus_row == row_id(session, s, 6)
    for _ in range(5):
        run(session, s, editing.undo)
    assert state(session, s) == start


def long_set(session: Session, rows: int) -> DocumentSet:
    """``rows`` rows in two languages, every fifth one 2-1 and unsure (0.8), the rest sure."""
    document_set = build(session, [
        {"ru": [f"Р{n}."] + ([f"Р{n}б."] if n % 5 == 0 else []), "en": [f"E{n}."]}
        for n in range(rows)])
    session.execute(update(Row).where(Row.set_id == document_set.id).values(score=0.99))
    session.execute(update(Row).where(Row.set_id == document_set.id, Row.position % 5 == 0)
                    .values(score=0.8))
    session.commit()
    return document_set


def test_confirm_all_above_on_a_long_set_keeps_the_sentences_and_a_small_step(
        session: Session) -> None:
    s = long_set(session, 300)
    run(session, s, editing.confirm_row, row_id(session, s, 10))
    before = state(session, s)
    result = run(session, s, editing.confirm_through, row_id(session, s, 299))
    assert "Confirmed 299 rows" in result.message and "59 of them needed a look" in result.message
    after = state(session, s)
    assert after[0] == before[0] and after[1] == ["confirmed"] * 300
    step = session.scalars(select(Edit).where(Edit.set_id == s.id)
                           .order_by(Edit.seq.desc())).first()
    assert step is not None and step.operation == "confirm-through"
    rows, sentences = step.before["rows"], step.before["sentences"]
    assert isinstance(rows, list) and len(rows) == 299 and sentences == []  # statuses only
    run(session, s, editing.undo)
    assert state(session, s) == before
    run(session, s, editing.redo)
    assert state(session, s) == after


# --- through the web endpoints ------------------------------------------------------------

def test_a_bulk_edit_answers_htmx_with_the_whole_grid_in_one_piece(client,
                                                                   session: Session) -> None:
    s = long_set(session, 300)
    response = client.post(f"/sets/{s.id}/edit/confirm-through",
                           data={"revision": 0, "row": row_id(session, s, 299)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["Workbench-Whole-Grid"] == "1"
    assert response.headers["HX-Reswap"] == "none"
    body = response.get_data(as_text=True)
    assert body.count('id="rows" hx-swap-oob="true"') == 1
    assert body.count('role="row"') == 300 and body.count("hx-swap-oob=\"true\"") == 2
    assert "300 of 300 rows confirmed" in body
    response = client.post(f"/sets/{s.id}/edit/undo", data={"revision": 1},
                           headers={"HX-Request": "true"})
    assert response.headers["Workbench-Whole-Grid"] == "1"
    assert "0 of 300 rows confirmed" in response.get_data(as_text=True)


def test_the_editor_shows_the_paragraphs_and_the_confirmed_count(client,
                                                                  session: Session) -> None:
    s = demo_set(session)
    views = row_views(session, s)
    page = client.get(f"/sets/{s.id}/edit").get_data(as_text=True)
    assert f"0 of {len(views)} rows confirmed" in page
    marks = re.findall(r'<span class="para"(?: title="[^"]*")?>¶ ?([^<]+)</span>', page)
    assert len(marks) == len(views)
    assert marks[0] == "title"
    numbers = [int(m) for m in marks[1:]]
    assert numbers == sorted(numbers) and numbers[0] == 1
    paragraphs = session.scalars(select(func.count(func.distinct(Sentence.paragraph)))
                                 .where(Sentence.version_id == s.versions[0].id)).one()
    assert numbers[-1] == paragraphs - 1  # the title is paragraph 0 of the stored numbers


def test_the_columns_chosen_are_remembered_for_sets_in_the_same_languages(
        client, session: Session) -> None:
    s = build(session, SMALL)
    other = build(session, SMALL)
    client.get(f"/sets/{s.id}/edit?langs=en")
    page = client.get(f"/sets/{other.id}/edit").get_data(as_text=True)  # same languages
    assert 'data-lang="ru"' not in page and "--langs: 1" in page
    client.get(f"/sets/{s.id}/edit?langs=ru,en")  # all again: nothing left to remember
    page = client.get(f"/sets/{other.id}/edit").get_data(as_text=True)
    assert page.index("<code>ru</code>") < page.index("<code>en</code>")
    assert "--langs: 2" in page


def test_an_edit_answers_htmx_with_the_changed_rows(app, client, session: Session) -> None:
    s = build(session, SMALL)
    first = row_id(session, s, 0)
    response = client.post(f"/sets/{s.id}/edit/merge", data={"revision": 0, "row": first},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#row-{first}"
    assert response.headers["HX-Reswap"] == "outerHTML"
    body = response.get_data(as_text=True)
    assert body.count('role="row"') == 1 and 'hx-swap-oob="delete"' in body
    assert 'data-revision="1"' in body and "Merged with the next row." in body

    response = client.post(f"/sets/{s.id}/edit/confirm", data={"revision": 1, "row": first},
                           headers={"HX-Request": "true"})
    assert response.headers["HX-Reswap"] == "none"
    body = response.get_data(as_text=True)
    assert f'id="row-{first}" class="erow confirmed" data-row="{first}"' in body
    assert body.count('role="row"') == 1  # only the row confirmed
    assert "1 of 2 rows confirmed" in body  # the counter follows every edit


def test_a_stale_edit_is_a_409_with_the_fresh_rows(client, session: Session) -> None:
    s = build(session, SMALL)
    assert client.post(f"/sets/{s.id}/edit/confirm",
                       data={"revision": 0, "row": row_id(session, s, 0)}).status_code == 200
    response = client.post(f"/sets/{s.id}/edit/merge",
                           data={"revision": 0, "row": row_id(session, s, 1)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert response.headers["Workbench-Whole-Grid"] == "1"  # the fresh grid, in one piece
    body = response.get_data(as_text=True)
    assert body.count('role="row"') == 3 and "another tab" in body
    assert body.count('id="rows" hx-swap-oob="true"') == 1
    assert 'data-revision="1"' in body

    response = client.post(f"/sets/{s.id}/edit/merge",
                           data={"revision": 0, "row": row_id(session, s, 1)})
    assert response.status_code == 409
    assert "another tab" in response.get_json()["error"]


@pytest.mark.parametrize("operation, form, status, message", [
    ("merge", {"row": "x"}, 400, "missing a number for 'row'"),
    ("merge", {}, 400, "missing a number for 'row'"),
    ("move", {"sentence": "1", "direction": "left"}, 400, "up or down"),
    ("split", {"sentence": "999", "offset": "2"}, 404, "not in this set"),
    ("undo", {}, 400, "nothing to undo"),
    ("redo", {}, 400, "nothing to redo"),
])
def test_bad_edits_get_a_sentence_a_person_understands(client, session: Session, operation: str,
                                                      form: dict[str, str], status: int,
                                                      message: str) -> None:
    s = build(session, SMALL)
    response = client.post(f"/sets/{s.id}/edit/{operation}", data={"revision": 0, **form})
    assert response.status_code == status
    assert message in response.get_json()["error"]
    assert revision(session, s) == 0


def test_the_editor_page_in_every_interface_language(app, client, session: Session) -> None:
    s = build(session, SMALL)
    expected = {"en": "Undo", "ru": "Отменить", "de": "Rückgängig", "fr": "Annuler",
                "es": "Deshacer"}
    for ui, word in expected.items():
        page = client.get(f"/sets/{s.id}/edit?ui={ui}").get_data(as_text=True)
        assert f'<html lang="{ui}">' in page and f">{word} <kbd>" in page
    # ?ui= sticks (a cookie): the last one asked for is Spanish.
    assert "Columnas" in client.get(f"/sets/{s.id}/edit").get_data(as_text=True)
    assert "Conjuntos de documentos" in client.get("/").get_data(as_text=True)
    fresh = app.test_client()
    page = fresh.get(f"/sets/{s.id}/edit", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert "Spalten" in page.get_data(as_text=True)


def test_columns_follow_the_query(client, session: Session) -> None:
    s = build(session, SMALL)
    page = client.get(f"/sets/{s.id}/edit?langs=en,ru,xx").get_data(as_text=True)
    assert page.index("<code>en</code>") < page.index("<code>ru</code>")
    page = client.get(f"/sets/{s.id}/edit?langs=en").get_data(as_text=True)
    assert 'data-lang="ru"' not in page and "--langs: 1" in page


# --- the interface catalogues --------------------------------------------------------------

TRANSLATIONS = Path(__file__).resolve().parents[2] / "workbench" / "translations"


@pytest.mark.parametrize("lang", ["ru", "de", "fr", "es"])
def test_every_interface_string_is_translated_and_compiled(lang: str) -> None:
    """Fails when a marked string has no translation: run the three pybabel commands in
    babel.cfg and translate what is new."""
    from babel.messages.catalog import Message
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    root = TRANSLATIONS.parents[1]
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "N_": None}
    wanted = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(root), method_map, options_map,
                                                     keywords=keywords)
    }
    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and all(
        m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy}
    assert not wanted - translated, f"untranslated in {lang}: {sorted(wanted - translated)}"
    with (po_path.with_suffix(".mo")).open("rb") as mo_file:
        compiled = read_mo(mo_file)

    def flat(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    def pairs(messages: Iterable[Message]) -> dict[object, object]:
        return {flat(m.id): flat(m.string) for m in messages if m.id and not m.fuzzy}

    assert pairs(compiled) == pairs(catalog), \
        f"{lang}: the .mo is older than the .po; run pybabel compile"


def test_a_row_needs_a_look_when_the_aligner_was_unsure_of_it_whatever_its_shape(
        session: Session) -> None:
    from workbench.editing.operations import LOW_CONFIDENCE, rows_needing_a_look
    from workbench.views.editor import needs_look

    s = build(session, SMALL + [{"ru": ["Р6."], "en": ["E6."]}], confirmed=(3,))
    # a sure 1-1, a sure 2-1, a 1-1 just under the mark, a confirmed row the aligner was
    # unsure of
    for position, score in enumerate([0.99, 0.99, LOW_CONFIDENCE - 0.01, 0.2]):
        session.execute(update(Row).where(Row.set_id == s.id, Row.position == position)
                        .values(score=score))
    session.commit()
    views = row_views(session, s)
    assert [v.shape for v in views] == ["1-1", "2-1", "1-1", "1-1"]
    assert [needs_look(v) for v in views] == [False, False, True, False]
    assert rows_needing_a_look(session, s.id) == 1
