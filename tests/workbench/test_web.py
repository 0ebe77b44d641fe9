"""Every page and its errors, through Flask's test client."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from tests.conftest import demo_page
from tmx import validate_tmx


def upload(client: FlaskClient, files: dict[str, tuple[bytes, str]], **form: str):
    data: dict[str, object] = dict(form)
    data["files"] = [(io.BytesIO(content), name) for content, name in files.values()]
    return client.post("/sets", data=data, content_type="multipart/form-data")


def demo_files(number: str = "004", langs=("ru-RU", "en-GB", "de-DE")):
    return {lang: (demo_page(number, lang).read_bytes(), f"{number}.{lang}.html") for lang in langs}


def test_the_empty_workbench_invites_a_first_set(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "No document set yet." in page


def test_uploading_a_page_set_shows_aligned_rows_with_confidence(client: FlaskClient) -> None:
    response = upload(client, demo_files())
    # The upload is aligned as a job (at once, in the test config); its page goes on to
    # the new set in the editor.
    assert response.status_code == 303 and response.headers["Location"] == "/jobs/1?follow=1"
    job_page = client.get(response.headers["Location"])
    assert job_page.status_code == 303 and job_page.headers["Location"] == "/sets/1/edit"
    assert client.get("/jobs/1.json").get_json()["state"] == "done"
    page = client.get("/sets/1").get_data(as_text=True)
    for lang in ("ru-RU", "en-GB", "de-DE"):
        assert f'<th lang="{lang}">{lang}</th>' in page
    assert page.count('class="score"') >= 15
    data = client.get("/sets/1.json").get_json()
    assert data["languages"] == ["ru-RU", "en-GB", "de-DE"]
    assert all(0.0 <= row["score"] <= 1.0 for row in data["rows"])
    listed = client.get("/sets.json").get_json()
    assert listed[0]["languages"] == ["ru-RU", "en-GB", "de-DE"]


def test_pasted_text_with_chosen_languages_makes_a_set(client: FlaskClient) -> None:
    response = client.post(
        "/sets",
        data={
            "slot-lang-0": "ru-RU",
            "slot-text-0": "Встреча прошла в Бишкеке. Она была продуктивной.",
            "slot-lang-1": "en-GB",
            "slot-text-1": "The meeting took place in Bishkek. It was productive.",
        },
    )
    assert response.status_code == 303
    data = client.get("/sets/1.json").get_json()
    assert [row["cells"]["en-GB"] for row in data["rows"]] == [
        ["The meeting took place in Bishkek."],
        ["It was productive."],
    ]


def test_a_norwegian_version_is_nb_no_and_named_in_the_editor(client: FlaskClient) -> None:
    # detected as 'no', the version was stored as 'no-NO' (a tag CAT tools do not list) and
    # the editor's column said 'no-NO' where the others say 'English (United Kingdom)'
    response = upload(client, {
        "nb": ("Møtet fant sted i Bishkek i går. Ministrene vedtok en felles erklæring om "
               "samarbeid.".encode(), "statement.txt"),
        "en": (b"The meeting took place in Bishkek yesterday. The ministers adopted a joint "
               b"statement on cooperation.", "statement.en-GB.txt")})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert client.get("/sets/1.json").get_json()["languages"] == ["nb-NO", "en-GB"]
    page = client.get("/sets/1/edit").get_data(as_text=True)
    assert "<span>Norwegian Bokmål (Norway)</span> <code>nb-NO</code>" in page
    assert "Норвежский букмол (Норвегия)" in client.get("/sets/1/edit?ui=ru").get_data(
        as_text=True)


def test_a_version_stored_as_no_no_is_named_all_the_same() -> None:
    from workbench.views.editor import language_name

    # sets stored before Norwegian was tagged nb-NO, and any region Babel has no locale for
    assert language_name("no-NO", "en") == "Norwegian (Norway)"
    assert language_name("en-RU", "de") == "Englisch (Russland)"
    assert language_name("ru-RU", "en") == "Russian (Russia)"
    assert language_name("xx-YY", "en") == "xx-YY"


def test_a_row_that_needs_a_look_never_shows_the_mark_as_its_confidence(
        client: FlaskClient, database_url: str) -> None:
    from sqlalchemy import update

    from workbench.db import session_scope
    from workbench.models import Row

    client.post("/sets", data={
        "slot-lang-0": "ru-RU", "slot-text-0": "Встреча прошла в Бишкеке. Она была продуктивной.",
        "slot-lang-1": "en-GB", "slot-text-1": "The meeting took place in Bishkek. It was "
                                               "productive."})
    with session_scope(database_url) as session:  # just under the mark of 0.97
        session.execute(update(Row).where(Row.position == 0).values(
            score=0.9654, cell_scores='{"en-GB":0.9654}'))
    page = client.get("/sets/1/edit").get_data(as_text=True)
    first = page[page.index('<span class="num">1</span>'):]
    assert first.startswith('<span class="num">1</span> <span class="score" '
                            'title="Confidence">0.96</span>')
    assert "cell unsure" not in page  # two versions: the one pair is the whole row


def test_text_pasted_under_a_language_of_another_script_is_refused(
        client: FlaskClient) -> None:
    # the boxes come with languages preset: English pasted in the Russian one, Russian in
    # the English one, would file each under the other's language in every TMX
    response = client.post("/sets", data={
        "slot-lang-0": "ru-RU",
        "slot-text-0": "The meeting took place in Bishkek. It was productive.",
        "slot-lang-1": "en-GB",
        "slot-text-1": "Встреча прошла в Бишкеке. Она была продуктивной.",
    })
    assert response.status_code == 400
    said = response.get_data(as_text=True)
    assert "The text pasted as ru-RU is not written in that language (it reads as en)" in said
    assert client.get("/sets.json").get_json() == []


def test_an_empty_file_is_refused_and_nothing_is_stored(client: FlaskClient) -> None:
    files = demo_files(langs=("ru-RU",))
    files["en"] = (b"", "page.en.html")
    response = upload(client, files)
    assert response.status_code == 400
    assert "page.en.html" in response.get_data(as_text=True)
    assert client.get("/sets.json").get_json() == []


def test_a_single_version_is_not_enough(client: FlaskClient) -> None:
    response = upload(client, demo_files(langs=("ru-RU",)))
    assert response.status_code == 400
    assert "at least two language versions" in response.get_data(as_text=True)


def test_an_oversized_upload_gets_a_clear_message(client: FlaskClient) -> None:
    client.application.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(client, demo_files())
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    client.application.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert client.get("/sets.json").get_json() == []


def test_an_unknown_set_is_a_404_page_and_json(client: FlaskClient) -> None:
    response = client.get("/sets/99")
    assert response.status_code == 404
    assert "There is no document set 99." in response.get_data(as_text=True)
    assert client.get("/sets/99.json").get_json()["error"] == "There is no document set 99."


def test_the_set_downloads_as_valid_tmx(client: FlaskClient) -> None:
    upload(client, demo_files())
    response = client.get("/sets/1/export.tmx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert validate_tmx(response.data) == []
    assert b'srclang="ru-RU"' in response.data


def test_the_new_set_form_offers_files_and_language_slots(client: FlaskClient) -> None:
    page = client.get("/sets/new").get_data(as_text=True)
    assert 'name="files"' in page and "multiple" in page
    assert 'name="slot-text-4"' in page


# --- error messages in the interface language ------------------------------------------------

def catalog(lang: str, message: str, **params: object) -> str:
    """``message`` as the compiled catalogue of ``lang`` says it (what the user must see)."""
    from pathlib import Path

    from babel.support import Translations

    folder = Path(__file__).resolve().parents[2] / "workbench" / "translations"
    said = Translations.load(str(folder), [lang]).gettext(message)
    assert said != message, f"{message!r} has no {lang} translation"
    return said % params if params else said


def test_a_refused_page_is_explained_in_the_browsers_language(client: FlaskClient) -> None:
    files = demo_files(langs=("ru-RU",))
    files["en"] = (b"", "page.en.html")
    response = client.post("/sets", data={"files": [(io.BytesIO(c), n) for c, n in files.values()]},
                           content_type="multipart/form-data",
                           headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 400
    assert catalog("de", "%(file)s is empty.", file="page.en.html") in \
        response.get_data(as_text=True)
    assert client.get("/sets.json").get_json() == []


def test_a_truncated_memory_is_explained_in_russian_with_its_line(client: FlaskClient) -> None:
    from markupsafe import escape

    from tests.workbench.test_memory import memory_tmx

    whole = memory_tmx()
    cut = whole[: whole.rindex(b"<tuv")]
    response = client.post("/memory/import?ui=ru",
                           data={"file": (io.BytesIO(cut), "память.tmx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    reason = catalog("ru", "the file ends inside a <%(element)s> — it is truncated",
                     element="tu")
    where = catalog("ru", "%(file)s, line %(line)s", file="память.tmx",
                    line=cut.count(b"\n") + 1)
    said = catalog("ru", "%(where)s: %(reason)s. Nothing was imported.", where=where,
                   reason=reason)
    assert str(escape(said)) in response.get_data(as_text=True)


def test_an_unknown_address_answers_in_french_as_json(client: FlaskClient) -> None:
    response = client.get("/no/such/page", headers={"Accept-Language": "fr",
                                                    "Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == catalog("fr", "There is no such page in the workbench.")



def test_a_set_export_never_declares_a_source_language_a_unit_lacks(
        database_url: str) -> None:
    from tests.workbench.test_editing import build
    from workbench.db import session_factory, upgrade
    from workbench.exports import ExportOptions, tmx_bytes

    upgrade(database_url)
    with session_factory(database_url)() as session:
        document_set = build(session, [
            {"ru": ["Встреча прошла в Бишкеке."], "en": ["The meeting was in Bishkek."],
             "de": ["Das Treffen war in Bischkek."]},
            {"ru": [], "en": ["It was sunny."], "de": ["Es war sonnig."]},  # no Russian
        ])
        options = ExportOptions.build(document_set, source_lang="ru")
        tmx, _name = tmx_bytes(session, document_set, options)
        assert validate_tmx(tmx) == []
        header = tmx.split(b"<body>")[0]
        assert b'srclang="*all*"' in header and b"It was sunny." in tmx
        alone, _name = tmx_bytes(session, document_set, ExportOptions.build(
            document_set, source_lang="ru", langs="ru,en"))
        assert b'srclang="ru"' in alone.split(b"<body>")[0]  # every unit has Russian


def test_the_pivot_can_be_any_language_of_the_versions(client: FlaskClient) -> None:
    # Debian's manuals are written in English: their translators worked from it, and the
    # rows merge best over it even when a Russian version is there
    form = client.get("/sets/new").get_data(as_text=True)
    assert '<input id="pivot" name="pivot" list="pivot-langs"' in form
    assert '<option value="ja-JP">' in form
    response = upload(client, demo_files(langs=("ru-RU", "en-GB", "de-DE")), pivot="de")
    assert client.get(response.headers["Location"]).headers["Location"] == "/sets/1/edit"
    assert client.get("/sets.json").get_json()[0]["pivot"] == "de-DE"


def test_a_pivot_none_of_the_versions_has_is_refused_saying_so(client: FlaskClient) -> None:
    response = upload(client, demo_files(langs=("ru-RU", "en-GB")), pivot="ja-JP")
    assert response.status_code == 400
    assert ("The pivot language &#39;ja-JP&#39; is not among the versions (ru-RU, en-GB)"
            in response.get_data(as_text=True))
    assert client.get("/sets.json").get_json() == []


def test_a_row_that_needs_a_look_marks_the_versions_the_aligner_is_unsure_of(
        client: FlaskClient, database_url: str) -> None:
    # with five to seven versions a third of the rows need a look; the translator reads
    # the cells that made the row unsure first, not every cell
    import json

    from sqlalchemy import select, update

    from workbench.db import session_scope
    from workbench.models import Row

    upload(client, demo_files(langs=("ru-RU", "en-GB", "de-DE")))
    with session_scope(database_url) as session:
        stored = [json.loads(c) for c in session.scalars(select(Row.cell_scores))]
        # the versions aligned to the Russian pivot; the Russian too, in the rows where
        # they agree with each other better than with it
        assert stored and all(set(c) <= {"ru-RU", "en-GB", "de-DE"} for c in stored)
        assert sum({"en-GB", "de-DE"} <= set(c) for c in stored) > len(stored) // 2
        session.execute(update(Row).where(Row.position == 0).values(
            score=0.5, status="auto", cell_scores='{"de-DE":0.5,"en-GB":0.99}'))
        # a confirmed row needs no look, whatever the aligner thought of it
        session.execute(update(Row).where(Row.position == 1).values(
            score=0.5, status="confirmed", cell_scores='{"de-DE":0.5,"en-GB":0.5}'))
    page = client.get("/sets/1/edit").get_data(as_text=True)
    first = page[page.index('<span class="num">1</span>'):page.index('<span class="num">2</span>')]
    assert 'class="cell unsure" lang="de-DE"' in first
    assert 'class="cell" lang="en-GB"' in first and 'class="cell" lang="ru-RU"' in first
    assert "the aligner is unsure of this version here: read it first" in first
    second = page[page.index('<span class="num">2</span>'):page.index('<span class="num">3</span>')]
    assert "cell unsure" not in second
    assert client.get("/sets/1.json").get_json()["rows"][0]["cell_scores"] == {
        "de-DE": 0.5, "en-GB": 0.99}


def _editor_of_gold_rows(client: FlaskClient, corpus: str, page_id: str) -> str:
    """The editor of a set made of a corpus page's first 12 gold rows, every version."""
    import json

    from tests.conftest import ROOT

    page = json.loads((ROOT / "bench" / "corpora" / corpus / "gold" / f"{page_id}.json")
                      .read_text(encoding="utf-8"))
    gold = page["rows"][:12]
    form = {}
    for n, lang in enumerate(page["langs"]):
        form[f"slot-lang-{n}"] = lang
        form[f"slot-text-{n}"] = " ".join(s for row in gold for s in row.get(lang, []))
    assert client.post("/sets", data=form).status_code == 303
    return client.get("/sets/1/edit").get_data(as_text=True)


def test_in_a_set_too_long_for_a_second_hub_the_pivot_is_still_marked(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # The relay page below, as if it were a manual's chapter of 10,000 sentences: no
    # version is aligned to a second hub in full, only around the rows the Russian's cell
    # could be marked in. The Russian is marked, the versions that agree are not.
    import alignments.multi

    monkeypatch.setattr(alignments.multi, "HUB_TRIAL_SENTENCES", 10)
    editor = _editor_of_gold_rows(client, "relay", "800")
    start = editor.rindex('<div role="row"', 0, editor.index("Куртинами называют"))
    row = editor[start:editor.index('<div role="row"', start + 1)]
    assert " look" in row.split(">", 1)[0]
    assert 'class="cell unsure" lang="ru-RU"' in row
    for lang in ("en-GB", "de-DE", "fr-FR"):
        assert f'class="cell" lang="{lang}"' in row


def test_a_row_the_versions_agree_on_through_a_second_hub_needs_no_look(
        client: FlaskClient) -> None:
    # Beside the Russian pivot one version of 'our ASEAN partners supported the idea' is
    # unsure (the row needed a look); aligned to the English, tried as the hub, every
    # version sits exactly beside it, surely. The row is right and no longer asks for one.
    editor = _editor_of_gold_rows(client, "asia", "141")
    start = editor.rindex('<div role="row"', 0, editor.index("Партнеры по АСЕАН поддержали"))
    row = editor[start:editor.index('<div role="row"', start + 1)]
    for sentence in ("Our ASEAN partners supported", "Unsere ASEAN-Partner unterstützten",
                     "Nos partenaires de", "Nuestros socios de la ASEAN"):
        assert sentence in row  # every version beside it, as in the gold
    assert " look" not in row.split(">", 1)[0]


def test_where_the_pivot_has_a_sentence_no_other_version_has_the_pivot_is_marked(
        client: FlaskClient) -> None:
    # Every other version is aligned to the pivot, so when the pivot's cell is the odd one
    # (here a sentence only the Russian has, merged with the one before), every other
    # version was unsure beside it and marked: four cells to read, the Russian not among
    # them. Now the Russian is marked, and the versions that agree with each other are not.
    editor = _editor_of_gold_rows(client, "relay", "800")
    start = editor.rindex('<div role="row"', 0, editor.index("Куртинами называют"))
    row = editor[start:editor.index('<div role="row"', start + 1)]
    assert " look" in row.split(">", 1)[0]  # the row needs a look
    assert 'class="cell unsure" lang="ru-RU"' in row
    for lang in ("en-GB", "de-DE", "fr-FR"):
        assert f'class="cell" lang="{lang}"' in row
