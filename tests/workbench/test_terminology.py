"""Terminology through the CLI and the Flask test client, on the demo corpus stored
through its gold rows."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from alignments.terms.checks import TermChecker, TermRecord
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.terminology.flags import aligned_rows, chosen_sets
from workbench.terminology.gold import store_gold_corpus

COUNCIL = "CSTO Ministerial Council"


@pytest.fixture
def demo(database_url: str) -> Iterator[list[int]]:
    upgrade(database_url)
    with session_scope(database_url) as session:
        ids = [s.id for s in store_gold_corpus(session)]
    yield ids


def council_flag(flags: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in flags if f["lang"] == "en" and COUNCIL in f["variants"])


def test_cli_prints_flags_as_json(runner: CliRunner, demo: list[int], database_url: str) -> None:
    result = runner.invoke(main, ["terms", "--format", "json"])
    assert result.exit_code == 0, result.output
    flags = json.loads(result.output)
    assert isinstance(flags, list) and flags
    impacts = [f["impact"] for f in flags]
    assert impacts == sorted(impacts, reverse=True)
    with session_scope(database_url) as session:
        texts = {(r.set_id, r.row_id): r.texts for r in aligned_rows(session,
                                                                     chosen_sets(session))}
    for flag in flags:
        assert {"lang", "variants", "counts", "occurrences"} <= set(flag)
        assert all(isinstance(v, str) for v in flag["variants"])
        assert len(flag["counts"]) == len(flag["variants"]) >= 2
        assert sum(flag["counts"]) == len(flag["occurrences"])
        for occ in flag["occurrences"]:
            assert texts[(occ["set"], occ["row"])][occ["lang"]][occ["start"]:occ["end"]] \
                == occ["text"]
    council = council_flag(flags)
    assert council["source_lang"] == "ru"
    assert "ОДКБ" in str(council["source_term"])
    # One variant per dictionary form: "Foreign Minister Council" is a number of the same
    # name. The body's name with the organisation spelled out is one of its inconsistent
    # names too, shown whole as the page writes it ("… of the Collective Security Treaty
    # Organization (CSTO Ministerial Council)"), not cut after "Council of Foreign
    # Ministers".
    assert set(council["variants"]) == {
        "CSTO Council of Foreign Ministers", "CSTO Foreign Ministers Council", COUNCIL,
        "Council of Foreign Ministers of the Collective Security Treaty Organization",
    }


def test_the_demo_flags_no_place_beside_its_own_adjective(client: FlaskClient,
                                                         demo: list[int]) -> None:
    """The demo's Russian says 'в Нюрнберге' and 'Нюрнбергского процесса' for the German
    'Nürnberger': one name, not two renderings of it."""
    flags = client.get("/terms/flags.json?show=all").get_json()
    together = [f["variants"] for f in flags
                if any(v.startswith("Нюрнберг") for v in f["variants"])]
    assert together == []
    assert any(COUNCIL in f["variants"] for f in flags)


def test_cli_text_for_named_sets_and_a_clear_error(runner: CliRunner, demo: list[int]) -> None:
    result = runner.invoke(main, ["terms", str(demo[1])])
    assert result.exit_code == 0, result.output
    assert "en  spelling: Secretary-General (2) | Secretary General (1)" in result.output
    assert "Foreign Minister Council" not in result.output  # number, not a word-order flag
    missing = runner.invoke(main, ["terms", "999"])
    assert missing.exit_code == 1
    assert "There is no document set 999." in missing.output
    assert "Example: workbench terms 1 --format json" in runner.invoke(
        main, ["terms", "--help"]).output


def test_settling_a_flag_feeds_the_checks_and_the_tbx(client: FlaskClient, demo: list[int]
                                                      ) -> None:
    flags = client.get("/terms/flags.json").get_json()
    council = council_flag(flags)
    variants = council["variants"]
    form = {"preferred": "CSTO Council of Foreign Ministers", "name": "CSTO CFM"}
    for n, variant in enumerate(variants):
        form[f"status-{n}"] = "admitted" if variant == "CSTO Foreign Ministers Council" \
            else "deprecated"
    response = client.post(f"/terms/flags/{council['key']}/settle", data=form)
    assert response.status_code == 303
    assert council["key"] not in [f["key"] for f in client.get("/terms/flags.json").get_json()]
    settled = client.get("/terms/flags.json?show=all").get_json()
    assert {f["key"]: f["status"] for f in settled}[council["key"]] == "settled"

    issues = client.get("/terms/checks.json").get_json()["issues"]
    deprecated = [i for i in issues if i["kind"] == "deprecated" and i["lang"] == "en"]
    assert COUNCIL in {i["text"] for i in deprecated}
    assert "CSTO Foreign Ministers Council" not in {i["text"] for i in deprecated}
    assert any(i["kind"] == "missing-preferred" for i in issues)
    page = client.get("/terms/checks").get_data(as_text=True)
    assert f"<mark>{COUNCIL}</mark>" in page

    tbx = client.get("/terms/termbase.tbx")
    assert tbx.status_code == 200
    body = tbx.get_data(as_text=True)
    assert 'type="TBX-Basic"' in body
    assert f"<term>{COUNCIL}</term>" in body
    assert "deprecatedTerm-admn-sts" in body and "admittedTerm-admn-sts" in body

    again = client.post(f"/terms/flags/{council['key']}/settle", data=form,
                        headers={"Accept": "application/json"})
    assert again.status_code == 409
    assert "already settled" in again.get_json()["error"]


def test_the_flags_page_shows_each_variant_in_context(client: FlaskClient, demo: list[int]
                                                      ) -> None:
    page = client.get("/terms/").get_data(as_text=True)
    assert page.count('class="flag"') >= 5
    assert f"<mark>{COUNCIL}</mark>" in page
    assert "Совета министров иностранных дел ОДКБ" in page  # the aligned Russian row
    assert 'href="/terms/"' in client.get("/").get_data(as_text=True)  # the nav link


def test_dismissing_a_flag_and_refusing_a_bad_settlement(client: FlaskClient, demo: list[int]
                                                         ) -> None:
    flags = client.get("/terms/flags.json").get_json()
    first, second = flags[0], flags[1]
    bad = client.post(f"/terms/flags/{first['key']}/settle", data={"preferred": "nonsense"},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 400
    assert "'nonsense' is not one of the flag's variants" in bad.get_json()["error"]
    assert client.post(f"/terms/flags/{second['key']}/dismiss").status_code == 303
    keys = [f["key"] for f in client.get("/terms/flags.json").get_json()]
    assert second["key"] not in keys and first["key"] in keys
    assert client.get("/terms/termbase?format=json").get_json()["concepts"] == []
    gone = client.post("/terms/flags/0000000000000000/dismiss",
                       headers={"Accept": "application/json"})
    assert gone.status_code == 404


TBX = b"""<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="k"><langSec xml:lang="fr"><termSec><term>Kirghizstan</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
<termSec><term>Kirghizistan</term>
<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
</langSec></conceptEntry></body></text></tbx>"""


def test_tbx_import_then_checks_use_it(client: FlaskClient, demo: list[int]) -> None:
    response = client.post("/terms/termbase/import",
                           data={"file": (io.BytesIO(TBX), "kg.tbx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    concepts = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert [(t["text"], t["status"]) for t in concepts[0]["terms"]] == [
        ("Kirghizstan", "preferred"), ("Kirghizistan", "deprecated")]
    issues = client.get("/terms/checks.json").get_json()["issues"]
    assert any(i["kind"] == "deprecated" and i["text"] == "Kirghizistan" for i in issues)
    flags = client.get("/terms/flags.json").get_json()
    assert not any(set(f["variants"]) == {"Kirghizstan", "Kirghizistan"} for f in flags)


def test_hostile_tbx_upload_is_refused_and_nothing_is_stored(client: FlaskClient) -> None:
    hostile = (b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b"<tbx><text><body/></text></tbx>")
    response = client.post("/terms/termbase/import",
                           data={"file": (io.BytesIO(hostile), "evil.tbx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "evil.tbx declares entities" in response.get_data(as_text=True)
    assert client.get("/terms/termbase?format=json").get_json()["concepts"] == []


@pytest.mark.parametrize(
    ("ru", "en", "kinds"),
    [
        ("Заседание Совета министров иностранных дел ОДКБ.",
         "A CSTO Council of Foreign Ministers meeting.", []),
        ("Заседание Совета министров иностранных дел ОДКБ.",
         "A CSTO Ministerial Council meeting.", ["deprecated"]),  # one problem, one issue
        ("Члены СМИД ОДКБ.", "Members of the CSTO Ministerial Council.", ["deprecated"]),
        ("Заседание Советом министров иностранных дел ОДКБ.", "A meeting.",
         ["missing-preferred"]),
    ],
)
def test_row_checks_are_inflection_aware(ru: str, en: str, kinds: list[str]) -> None:
    checker = TermChecker([
        TermRecord(1, "CFM", "ru", "Совет министров иностранных дел ОДКБ", "preferred"),
        TermRecord(1, "CFM", "en", "CSTO Council of Foreign Ministers", "preferred"),
        TermRecord(1, "CFM", "en", "CSTO Ministerial Council", "deprecated"),
    ])
    issues = checker.check_row("s", 1, {"ru": ru, "en": en}, "ru")
    assert sorted(i.kind for i in issues) == kinds
    for issue in issues:
        if issue.kind == "deprecated":
            assert en[issue.start:issue.end] == "CSTO Ministerial Council"


def test_cli_check_reports_the_deprecated_variant(runner: CliRunner, demo: list[int],
                                                  database_url: str) -> None:
    from workbench.terminology.flags import find_flag
    from workbench.terminology.termbase import settle

    flags = json.loads(runner.invoke(main, ["terms", "--format", "json"]).output)
    with session_scope(database_url) as session:
        flag = find_flag(session, str(council_flag(flags)["key"]))
        settle(session, flag, "CSTO Council of Foreign Ministers")
    result = runner.invoke(main, ["terms", "--check", "--format", "json"])
    assert result.exit_code == 0, result.output
    issues = json.loads(result.output)
    assert {"kind", "set", "row", "lang", "start", "end", "text", "expected"} <= set(issues[0])
    assert any(i["kind"] == "deprecated" and i["text"] == COUNCIL for i in issues)
    text = runner.invoke(main, ["terms", "--check"]).output
    assert f"deprecated term '{COUNCIL}' used; preferred: 'CSTO Council of Foreign Ministers'" \
        in text
    listed = json.loads(runner.invoke(main, ["terms", "--all", "--format", "json"]).output)
    assert {f["key"]: f["status"] for f in listed}[flag.key] == "settled"


def test_an_empty_workbench_has_no_flags_and_an_empty_termbase(
    client: FlaskClient, runner: CliRunner
) -> None:
    assert "No open terminology flags." in client.get("/terms/").get_data(as_text=True)
    assert client.get("/terms/flags.json").get_json() == []
    assert "Every row agrees with the termbase." in client.get("/terms/checks").get_data(
        as_text=True)
    assert "The termbase is empty" in client.get("/terms/termbase").get_data(as_text=True)
    result = runner.invoke(main, ["terms"])
    assert result.exit_code == 0 and "No open terminology flags." in result.output


# A small corpus whose Russian and German name the council only in the genitive, in two
# German ways and three English ways.
OBLIQUE = [
    ("Состоялось заседание Совета министров иностранных дел ОДКБ.",
     "A CSTO Council of Foreign Ministers meeting was held.",
     "Eine Sitzung des Rates der Außenminister der OVKS fand statt."),
    ("Мы провели заседание Совета министров иностранных дел ОДКБ в режиме видеосвязи.",
     "We held a CSTO Foreign Ministers Council meeting via videoconference.",
     "Wir hielten eine Sitzung des Außenministerrates der OVKS per Videokonferenz ab."),
    ("Следующее заседание Совета министров иностранных дел ОДКБ пройдет в Москве.",
     "The next CSTO Ministerial Council meeting will be in Moscow.",
     "Die nächste Sitzung des Außenministerrates der OVKS findet in Moskau statt."),
    ("Решение Совета министров иностранных дел ОДКБ принято.",
     "The decision of the CSTO Council of Foreign Ministers was taken.",
     "Der Beschluss des Rates der Außenminister der OVKS wurde gefasst."),
    ("Члены Совета министров иностранных дел ОДКБ выступили.",
     "The members of the CSTO Ministerial Council spoke.",
     "Die Mitglieder des Rates der Außenminister der OVKS sprachen."),
    ("ОДКБ укрепляет сотрудничество.", "The CSTO strengthens cooperation.",
     "Die OVKS stärkt die Zusammenarbeit."),
    ("Заседание прошло в Москве.", "The meeting took place in Moscow.",
     "Die Sitzung fand in Moskau statt."),
]
SOURCE = "Совет министров иностранных дел ОДКБ"


@pytest.fixture
def oblique(database_url: str) -> int:
    from workbench.terminology.gold import store_gold_set

    upgrade(database_url)
    gold = {"page": "oblique", "langs": ["ru-RU", "en-GB", "de-DE"],
            "rows": [{"ru-RU": [ru], "en-GB": [en], "de-DE": [de]} for ru, en, de in OBLIQUE]}
    with session_scope(database_url) as session:
        return store_gold_set(session, gold).id


def rendering(client: FlaskClient, lang: str) -> dict[str, Any]:
    flags = client.get("/terms/flags.json?show=all").get_json()
    return next(f for f in flags if f["kind"] == "rendering" and f["lang"] == lang)


def terms_of(client: FlaskClient) -> list[set[tuple[str, str, str]]]:
    concepts = client.get("/terms/termbase?format=json").get_json()["concepts"]
    return [{(t["lang"].split("-")[0], t["text"], t["status"]) for t in c["terms"]}
            for c in concepts]


def test_one_source_term_is_one_concept_across_languages(client: FlaskClient,
                                                         oblique: int) -> None:
    english, german = rendering(client, "en"), rendering(client, "de")
    # Seen only in the genitive, both are proposed in their dictionary form.
    assert english["source_term"] == german["source_term"] == SOURCE
    assert set(german["variants"]) == {
        "Rat der Außenminister der OVKS", "Außenministerrat der OVKS"}
    client.post(f"/terms/flags/{english['key']}/settle",
                data={"preferred": "CSTO Council of Foreign Ministers"})
    client.post(f"/terms/flags/{german['key']}/settle",
                data={"preferred": "Rat der Außenminister der OVKS"})
    [concept] = terms_of(client)
    assert concept == {
        ("ru", SOURCE, "preferred"),
        ("en", "CSTO Council of Foreign Ministers", "preferred"),
        ("en", "CSTO Foreign Ministers Council", "deprecated"),
        ("en", "CSTO Ministerial Council", "deprecated"),
        ("de", "Rat der Außenminister der OVKS", "preferred"),
        ("de", "Außenministerrat der OVKS", "deprecated"),
    }
    tbx = client.get("/terms/termbase.tbx").get_data(as_text=True)
    assert tbx.count("<conceptEntry") == 1
    for text in (SOURCE, "Rat der Außenminister der OVKS", "Außenministerrat der OVKS",
                 "CSTO Council of Foreign Ministers"):
        assert f"<term>{text}</term>" in tbx
    assert "Совета министров" not in tbx and "Rates der" not in tbx
    # Undoing the English settlement takes out the English terms only (the German one
    # still uses the concept and its source term); undoing the German one then leaves
    # nothing of the concept.
    client.post(f"/terms/flags/{english['key']}/reopen")
    [concept] = terms_of(client)
    assert {lang for lang, _, _ in concept} == {"ru", "de"}
    client.post(f"/terms/flags/{german['key']}/reopen")
    assert terms_of(client) == []


def test_terms_are_stored_as_written_in_the_settle_form(client: FlaskClient,
                                                        oblique: int) -> None:
    german = rendering(client, "de")
    variants = list(german["variants"])
    form = {"preferred": variants[0], "source": "Совет министров иностранных дел (ОДКБ)"}
    for n, variant in enumerate(variants):
        form[f"term-{n}"] = f"  {variant}  der Organisation "
    assert client.post(f"/terms/flags/{german['key']}/settle", data=form).status_code == 303
    [concept] = terms_of(client)
    assert ("ru", "Совет министров иностранных дел (ОДКБ)", "preferred") in concept
    assert ("de", f"{variants[0]} der Organisation", "preferred") in concept
    assert ("de", f"{variants[1]} der Organisation", "deprecated") in concept
    # An empty term is refused, and nothing is stored.
    english = rendering(client, "en")
    preferred = english["variants"][0]
    empty = client.post(f"/terms/flags/{english['key']}/settle",
                        data={"preferred": preferred, "term-0": "  "},
                        headers={"Accept": "application/json"})
    assert empty.status_code == 400
    assert empty.get_json()["error"] == "A term cannot be empty."
    assert len(terms_of(client)) == 1


def test_the_settle_form_proposes_the_dictionary_forms(client: FlaskClient,
                                                       oblique: int) -> None:
    german = rendering(client, "de")
    page = client.get("/terms/?lang=de").get_data(as_text=True)
    assert f'name="source" value="{SOURCE}"' in page
    assert 'name="term-0" value="Rat der Außenminister der OVKS"' in page \
        or 'name="term-1" value="Rat der Außenminister der OVKS"' in page
    assert german["key"] in page


def test_a_termbase_in_regional_codes_settles_the_flag_of_its_language(
        client: FlaskClient, demo: list[int]) -> None:
    from tmx.tbx import Concept as TbxConcept
    from tmx.tbx import Termbase, TermEntry, write_tbx

    council = council_flag(client.get("/terms/flags.json").get_json())
    preferred, *others = council["variants"]
    out = io.BytesIO()
    write_tbx(Termbase((TbxConcept("c1", (
        TermEntry("en-GB", preferred, "preferred"),
        *(TermEntry("en-GB", text, "deprecated") for text in others))),)), out)
    response = client.post("/terms/termbase/import",
                           data={"file": (io.BytesIO(out.getvalue()), "council.tbx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    flags = client.get("/terms/flags.json?show=all").get_json()
    assert {f["key"]: f["status"] for f in flags}[council["key"]] == "settled"


def test_settled_terms_carry_the_corpus_language_tags(client: FlaskClient,
                                                      oblique: int) -> None:
    """The corpus is ru-RU, en-GB, de-DE: the termbase page and the TBX show the terms a
    settlement made under those tags, not under bare 'en' and 'ru'."""
    english = rendering(client, "en")
    client.post(f"/terms/flags/{english['key']}/settle",
                data={"preferred": "CSTO Council of Foreign Ministers"})
    [concept] = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert {t["lang"] for t in concept["terms"]} == {"en-GB", "ru-RU"}
    page = client.get("/terms/termbase").get_data(as_text=True)
    assert '<td lang="en-GB">CSTO Council of Foreign Ministers</td>' in page
    assert '<span class="lang">ru-RU</span>' in page
    tbx = client.get("/terms/termbase.tbx").get_data(as_text=True)
    assert 'xml:lang="en-GB"' in tbx and 'xml:lang="ru-RU"' in tbx
    assert '<langSec xml:lang="en">' not in tbx and '<langSec xml:lang="ru">' not in tbx
    # Asked for en-GB only, the export keeps the English terms.
    only = client.get("/terms/termbase.tbx?langs=en-GB").get_data(as_text=True)
    assert "<term>CSTO Council of Foreign Ministers</term>" in only and "ОДКБ" not in only


def test_a_termbase_stored_with_bare_codes_still_takes_a_settlement(
        client: FlaskClient, oblique: int, database_url: str) -> None:
    """Terms settled before the tags were kept ('ru', 'en') are the same terms: a new
    settlement of the same source term goes into their concept, updates the bare English
    term in place (no en-GB twin), and reopening it leaves the old terms as they were."""
    from workbench.terminology.models import Concept, Term

    with session_scope(database_url) as session:
        old = Concept(name="old")
        old.terms += [Term(lang="ru", text=SOURCE, status="preferred"),
                      Term(lang="en", text="CSTO Ministerial Council", status="preferred")]
        session.add(old)
    english = rendering(client, "en")
    answer = client.post(f"/terms/flags/{english['key']}/settle",
                         data={"preferred": "CSTO Council of Foreign Ministers"})
    assert answer.status_code == 303
    [concept] = client.get("/terms/termbase?format=json").get_json()["concepts"]
    terms = {(t["lang"], t["text"], t["status"]) for t in concept["terms"]}
    assert terms == {
        ("ru", SOURCE, "preferred"),
        ("en", "CSTO Ministerial Council", "deprecated"),
        ("en-GB", "CSTO Council of Foreign Ministers", "preferred"),
        ("en-GB", "CSTO Foreign Ministers Council", "deprecated"),
    }
    # Both the old and the new English terms are English of Great Britain to the export.
    only = client.get("/terms/termbase.tbx?langs=en-GB").get_data(as_text=True)
    assert "<term>CSTO Ministerial Council</term>" in only
    assert "<term>CSTO Council of Foreign Ministers</term>" in only
    client.post(f"/terms/flags/{english['key']}/reopen")
    [concept] = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert {(t["lang"], t["text"]) for t in concept["terms"]} == {
        ("ru", SOURCE), ("en", "CSTO Ministerial Council")}


def test_sets_in_two_regions_settle_under_the_language_alone(client: FlaskClient,
                                                             database_url: str) -> None:
    """The same English in an en-GB set and an en-US set: the flag's terms hold for both,
    so they are stored under 'en'; the Russian, ru-RU in both, keeps its tag."""
    from workbench.terminology.gold import store_gold_set

    upgrade(database_url)
    with session_scope(database_url) as session:
        for english in ("en-GB", "en-US"):
            store_gold_set(session, {
                "page": english, "langs": ["ru-RU", english, "de-DE"],
                "rows": [{"ru-RU": [ru], english: [en], "de-DE": [de]}
                         for ru, en, de in OBLIQUE]})
    english = rendering(client, "en")
    assert {o["set"] for o in english["occurrences"]} == {1, 2}
    client.post(f"/terms/flags/{english['key']}/settle",
                data={"preferred": "CSTO Council of Foreign Ministers"})
    [concept] = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert {t["lang"] for t in concept["terms"]} == {"en", "ru-RU"}


def test_a_russian_flag_stays_when_a_set_in_other_languages_is_added(
        client: FlaskClient, demo: list[int], database_url: str) -> None:
    """The demo's Russian writes Киргизия and Кыргызстан. A report in Russian, English,
    Arabic, Japanese and Korean imported beside it (another subject) leaves that flag where
    it was: open, with the same key, so a decision on it would still hold."""
    from bench.terms import ROOT
    from workbench.terminology.gold import store_gold_set

    def kyrgyzstan() -> list[str]:
        return [f["key"] for f in client.get("/terms/flags.json").get_json()
                if f["lang"] == "ru" and "Кыргызстан" in f["variants"]]

    before = kyrgyzstan()
    assert len(before) == 1
    report = json.loads((ROOT / "bench/corpora/report/gold/961.json").read_text(
        encoding="utf-8"))
    with session_scope(database_url) as session:
        store_gold_set(session, report, name="annual report")
    assert kyrgyzstan() == before
