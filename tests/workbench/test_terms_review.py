"""The terminologist's review (issue 11, item 4) through the Flask client: settle and
dismiss in place, reopen, filters, sets left out of discovery, the termbase checks (one
issue per problem, set-local row numbers linking to the editor, false positives kept, CSV),
occurrence links, and the interface's language.

Discovery on the demo corpus takes seconds, so the corpus is stored once per module and
copied for each test; the flags found for the template stand for the copy's (same sets,
same revisions, same rows: ``flags.set_flags`` keys its cache by them and the database).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from workbench.db import session_scope, upgrade
from workbench.terminology import flags as flags_module
from workbench.terminology.flags import chosen_sets, flag_states
from workbench.terminology.gold import store_gold_corpus

COUNCIL = "CSTO Ministerial Council"
PREFERRED = "CSTO Council of Foreign Ministers"
MUHRIDDIN = "Muhriddin"  # a flag whose every occurrence is in the last demo set


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    path = tmp_path_factory.mktemp("review") / "template.sqlite"
    url = f"sqlite:///{path}"
    upgrade(url)
    with session_scope(url) as session:
        store_gold_corpus(session)
    with session_scope(url) as session:
        sets = chosen_sets(session)
        flag_states(session, sets)  # every set
        flag_states(session, sets[:-1])  # the last one left out
    from workbench.db import engine_for

    engine_for(url).dispose()
    yield path, url


@pytest.fixture
def database_url(template: tuple[Path, str], tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> str:
    path, template_url = template
    copy = tmp_path / "workbench.sqlite"
    shutil.copyfile(path, copy)
    url = f"sqlite:///{copy}"
    for key, found in list(flags_module._CACHE.items()):
        if key[0] == template_url:
            flags_module._CACHE[(url, *key[1:])] = found
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    return url


def flags(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    return client.get(f"/terms/flags.json{query}").get_json()  # type: ignore[no-any-return]


def council(client: FlaskClient) -> dict[str, Any]:
    return next(f for f in flags(client, "?show=all") if COUNCIL in f["variants"])


def settle_form(flag: dict[str, Any]) -> dict[str, str]:
    form = {"preferred": PREFERRED, "name": "CSTO CFM"}
    for n, _variant in enumerate(flag["variants"]):
        form[f"status-{n}"] = "deprecated"
    return form


HTMX = {"HX-Request": "true"}


def test_settle_in_place_answers_with_the_flag_in_its_new_state(client: FlaskClient) -> None:
    flag = council(client)
    answer = client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag),
                         headers=HTMX)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    # Only this flag's article, now settled, with a way back; and the live status line.
    assert html.count('<article class="flag') == 1
    assert f'id="article-{flag["key"]}"' in html and 'data-status="settled"' in html
    assert ">Reopen</button>" in html and ">Settle</button>" not in html
    assert 'id="terms-status" role="status"' in html and 'hx-swap-oob="true"' in html
    assert "Settled: CSTO CFM" in html
    assert flag["key"] not in [f["key"] for f in flags(client)]


def test_without_javascript_an_action_returns_to_the_flags_anchor(client: FlaskClient) -> None:
    first, second = flags(client, "?lang=en")[:2]
    answer = client.post(f"/terms/flags/{second['key']}/dismiss",
                         data={"lang": "en"})
    assert answer.status_code == 303
    location = answer.headers["Location"]
    assert location.endswith(f"#flag-{second['key']}")
    assert "lang=en" in location  # the same filtered list
    page = client.get(location.split("#")[0]).get_data(as_text=True)
    # The decided flag stays where it was, so the anchor lands on it, with its new state.
    assert f'id="flag-{second["key"]}"' in page
    assert page.index(f'id="flag-{first["key"]}"') < page.index(f'id="flag-{second["key"]}"')
    assert 'data-status="dismissed"' in page
    assert "Dismissed: " + " / ".join(second["variants"]) in page
    assert second["key"] not in [f["key"] for f in flags(client)]


def test_a_settled_flag_reopens_and_its_concept_goes(client: FlaskClient) -> None:
    flag = council(client)
    client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag))
    assert len(client.get("/terms/termbase?format=json").get_json()["concepts"]) == 1
    assert any(i["text"] == COUNCIL for i in client.get("/terms/checks.json").get_json()["issues"])
    all_page = client.get("/terms/?show=all").get_data(as_text=True)
    assert f'action="/terms/flags/{flag["key"]}/reopen"' in all_page

    answer = client.post(f"/terms/flags/{flag['key']}/reopen", headers=HTMX)
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'data-status="open"' in html and ">Settle</button>" in html
    assert "Reopened: " in html
    assert flag["key"] in [f["key"] for f in flags(client)]
    # The concept the settlement made is gone: nothing else used it.
    assert client.get("/terms/termbase?format=json").get_json()["concepts"] == []
    assert client.get("/terms/checks.json").get_json()["issues"] == []
    # Reopening an open flag says so.
    again = client.post(f"/terms/flags/{flag['key']}/reopen",
                        headers={"Accept": "application/json"})
    assert again.status_code == 409 and "open already" in again.get_json()["error"]


def test_a_flag_a_concept_of_the_termbase_decides_stays_settled_when_reopened(
        client: FlaskClient, database_url: str) -> None:
    """A concept holding the flag's variants (and more terms), one of them preferred,
    decides the flag: undoing the decision says so instead of a plain "Reopened"."""
    from workbench.terminology.models import Concept, Term

    flag = council(client)
    client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag))
    with session_scope(database_url) as session:  # a copy, as an imported file makes one
        concept = Concept(name="imported")
        concept.terms += [Term(lang="en", text=text, status=status) for text, status in
                          [(PREFERRED, "preferred"), *((v, "admitted") for v in
                                                     flag["variants"] if v != PREFERRED),
                           ("CSTO CFM", "admitted")]]
        session.add(concept)
    answer = client.post(f"/terms/flags/{flag['key']}/reopen", headers=HTMX)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'data-status="settled"' in html
    assert "so the flag stays settled" in html and "Reopened: " not in html
    assert flag["key"] not in [f["key"] for f in flags(client)]


def test_a_flag_settled_in_another_tab_shows_settled_in_this_one(client: FlaskClient) -> None:
    """Settled in a second tab, the flag is settled again from the first, which still shows
    it open: the answer (409, nothing stored) is the flag's article as it is now, settled
    with a way back and no settle form, and the status line says why."""
    flag = council(client)
    assert client.post(f"/terms/flags/{flag['key']}/settle",
                       data=settle_form(flag)).status_code == 303  # the second tab
    again = client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag),
                        headers=HTMX)
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert html.count('<article class="flag') == 1
    assert f'id="article-{flag["key"]}"' in html and 'data-status="settled"' in html
    assert ">Reopen</button>" in html and ">Settle</button>" not in html
    assert 'id="terms-status"' in html and 'hx-swap-oob="true"' in html
    assert ("This flag was already settled. It was changed in another tab or by someone "
            "else meanwhile: it is shown as it is now") in html
    assert len(client.get("/terms/termbase?format=json").get_json()["concepts"]) == 1
    # Dismissed from the first tab instead: the same.
    dismissed = client.post(f"/terms/flags/{flag['key']}/dismiss", headers=HTMX)
    assert dismissed.status_code == 409 and 'data-status="settled"' in dismissed.get_data(
        as_text=True)


def test_a_flag_reopened_in_another_tab_shows_open_in_this_one(client: FlaskClient) -> None:
    flag = flags(client)[0]
    client.post(f"/terms/flags/{flag['key']}/dismiss")
    client.post(f"/terms/flags/{flag['key']}/reopen")  # the second tab
    again = client.post(f"/terms/flags/{flag['key']}/reopen", headers=HTMX)
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert 'data-status="open"' in html and ">Settle</button>" in html
    assert "This flag is open already: there is nothing to reopen. It was changed" in html


def test_without_javascript_a_flag_decided_elsewhere_is_shown_as_it_is(
        client: FlaskClient) -> None:
    """The form without JavaScript goes back to the list at the flag, shown decided, with
    the reason; JSON keeps the plain refusal."""
    flag = flags(client, "?lang=en")[0]
    client.post(f"/terms/flags/{flag['key']}/dismiss")
    again = client.post(f"/terms/flags/{flag['key']}/dismiss", data={"lang": "en"})
    assert again.status_code == 303
    location = again.headers["Location"]
    assert location.endswith(f"#flag-{flag['key']}") and "lang=en" in location
    page = client.get(location.split("#")[0]).get_data(as_text=True)
    assert f'id="article-{flag["key"]}"' in page and 'data-status="dismissed"' in page
    assert "This flag was already dismissed. It was changed in another tab" in page
    plain = client.post(f"/terms/flags/{flag['key']}/dismiss",
                        headers={"Accept": "application/json"})
    assert plain.status_code == 409
    assert plain.get_json()["error"] == "This flag was already dismissed."


def test_a_dismissed_flag_reopens(client: FlaskClient) -> None:
    flag = flags(client)[0]
    client.post(f"/terms/flags/{flag['key']}/dismiss")
    assert flag["key"] not in [f["key"] for f in flags(client)]
    answer = client.post(f"/terms/flags/{flag['key']}/reopen")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        f"#flag-{flag['key']}")
    assert flags(client)[0]["key"] == flag["key"]  # back in its place by impact


def test_reopening_keeps_a_concept_something_else_uses(client: FlaskClient,
                                                      database_url: str) -> None:
    from workbench.terminology.models import Concept, Term

    flag = council(client)
    client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag))
    with session_scope(database_url) as session:
        concept = session.query(Concept).one()
        concept.terms.append(Term(lang="de", text="Rat der Außenminister der OVKS",
                                  status="preferred"))
    client.post(f"/terms/flags/{flag['key']}/reopen")
    concepts = client.get("/terms/termbase?format=json").get_json()["concepts"]
    assert len(concepts) == 1
    kept = {(t["lang"], t["text"]) for t in concepts[0]["terms"]}
    assert ("de", "Rat der Außenminister der OVKS") in kept
    assert not any(text in flag["variants"] for _, text in kept)  # the settlement's went
    assert flag["key"] in [f["key"] for f in flags(client)]


def test_filters_by_language_kind_and_set(client: FlaskClient) -> None:
    everything = flags(client)
    french = flags(client, "?lang=fr")
    assert french and {f["lang"] for f in french} == {"fr"}
    assert len(french) < len(everything)
    spelling = flags(client, "?kind=spelling&lang=en")
    assert spelling and {(f["lang"], f["kind"]) for f in spelling} == {("en", "spelling")}
    page = client.get("/terms/?kind=spelling&lang=en").get_data(as_text=True)
    assert page.count('<article class="flag') == len(spelling)
    assert '<option value="spelling" selected>spelling</option>' in page
    assert '<option value="en" selected>en</option>' in page


def test_a_set_left_out_of_discovery_raises_no_flags(client: FlaskClient,
                                                    database_url: str) -> None:
    with session_scope(database_url) as session:
        last = chosen_sets(session)[-1].id
    before = flags(client)
    assert any(MUHRIDDIN in f["variants"] for f in before)
    answer = client.post("/terms/sets/excluded", data={"excluded": str(last)})
    assert answer.status_code == 303
    after = flags(client)
    assert not any(MUHRIDDIN in f["variants"] for f in after)
    assert all(o["set"] != last for f in after for o in f["occurrences"])
    page = client.get("/terms/").get_data(as_text=True)
    assert "left out of discovery" in page
    assert f'name="excluded" value="{last}" checked' in page
    # Chosen by name, a left-out set is looked at all the same.
    assert any(MUHRIDDIN in f["variants"] for f in flags(client, f"?set={last}"))
    # Taking it back in restores its flags.
    client.post("/terms/sets/excluded", data={})
    assert any(MUHRIDDIN in f["variants"] for f in flags(client))


def settled_council(client: FlaskClient) -> None:
    flag = council(client)
    client.post(f"/terms/flags/{flag['key']}/settle", data=settle_form(flag))


def test_checks_report_one_issue_per_problem_with_the_editors_row_numbers(
        client: FlaskClient, database_url: str) -> None:
    from workbench.models import Row

    settled_council(client)
    issues = client.get("/terms/checks.json").get_json()["issues"]
    assert issues
    # One issue per problem: each use once, and a row using a deprecated term is not also
    # reported for missing the preferred one (two different deprecated names of the body in
    # one row are two problems).
    uses = [(i["set"], i["row"], i["lang"], i["start"]) for i in issues
            if i["kind"] == "deprecated"]
    assert len(uses) == len(set(uses)), "a deprecated use reported twice"
    deprecated_at = {(i["set"], i["row"], i["lang"], i["concept_id"]) for i in issues
                     if i["kind"] == "deprecated"}
    missing_at = {(i["set"], i["row"], i["lang"], i["concept_id"]) for i in issues
                  if i["kind"] == "missing-preferred"}
    assert not deprecated_at & missing_at, "a deprecated use also reported as missing"
    deprecated = next(i for i in issues if i["kind"] == "deprecated" and i["text"] == COUNCIL)
    assert deprecated["expected"] == PREFERRED
    with session_scope(database_url) as session:
        row = session.get(Row, deprecated["row"])
        assert row is not None
        assert deprecated["row_number"] == row.position + 1
    link = f"/sets/{deprecated['set']}/edit#row-{deprecated['row']}"
    assert deprecated["url"] == link
    page = client.get("/terms/checks").get_data(as_text=True)
    assert f'href="{link}"' in page
    assert f">{deprecated['row_number']}</a>" in page
    editor = client.get(link.split("#")[0]).get_data(as_text=True)
    assert f'id="row-{deprecated["row"]}"' in editor


def test_a_false_positive_is_kept(client: FlaskClient) -> None:
    settled_council(client)
    before = client.get("/terms/checks.json").get_json()
    issue = before["issues"][0]
    answer = client.post(f"/terms/checks/{issue['key']}/false-positive", headers=HTMX)
    assert answer.status_code == 200
    assert "Marked as a false positive" in answer.get_data(as_text=True)
    after = client.get("/terms/checks.json").get_json()
    assert after["total"] == before["total"] - 1
    assert issue["key"] not in [i["key"] for i in after["issues"]]
    # Without JavaScript: back to the same list.
    other = after["issues"][0]
    plain = client.post(f"/terms/checks/{other['key']}/false-positive",
                        data={"lang": other["lang"], "page": "1"})
    assert plain.status_code == 303 and f"lang={other['lang']}" in plain.headers["Location"]
    assert client.get("/terms/checks.json").get_json()["total"] == before["total"] - 2


def test_checks_filter_and_download_as_csv(client: FlaskClient) -> None:
    settled_council(client)
    english = client.get("/terms/checks.json?lang=en&kind=deprecated").get_json()
    assert english["total"] and all(
        i["lang"] == "en" and i["kind"] == "deprecated" for i in english["issues"])
    response = client.get("/terms/checks.csv?lang=en&kind=deprecated")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "checks.csv" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert table[0][:4] == ["Set", "Set name", "Row", "Language"]
    assert len(table) - 1 == english["total"]
    first = english["issues"][0]
    assert table[1][2] == str(first["row_number"])
    assert table[1][-1].endswith(first["url"])
    page = client.get("/terms/checks?lang=en&kind=deprecated").get_data(as_text=True)
    assert 'href="/terms/checks.csv?lang=en&amp;kind=deprecated"' in page


def test_occurrences_link_to_their_row_in_the_editor(client: FlaskClient) -> None:
    flag = council(client)
    occ = flag["occurrences"][0]
    page = client.get("/terms/").get_data(as_text=True)
    assert f'href="/sets/{occ["set"]}/edit#row-{occ["row"]}"' in page


@pytest.mark.parametrize(("ui", "words"), [
    ("ru", ["транслитерац", "открыт"]),
    ("de", ["Transliteration", "offen"]),
    ("fr", ["translittération", "ouvert"]),
    ("es", ["transliteración", "abiert"]),
])
def test_flags_and_checks_speak_the_interface_language(client: FlaskClient, ui: str,
                                                       words: list[str]) -> None:
    page = client.get(f"/terms/?ui={ui}&kind=transliteration").get_data(as_text=True)
    for word in words:
        assert word.lower() in page.lower()
    assert "transliterated differently" not in page
    settled_council(client)
    checks = client.get(f"/terms/checks.json?ui={ui}&kind=deprecated").get_json()["issues"]
    assert checks and "deprecated term" not in checks[0]["message"]


def test_a_malformed_set_number_is_passed_over_not_a_server_error(client: FlaskClient) -> None:
    everything = flags(client)
    for odd in ("%C2%B2", str(2**63), "1x"):  # '²' is a digit to str.isdigit, not to int
        response = client.get(f"/terms/flags.json?set={odd}")
        assert response.status_code == 200, odd
        assert response.get_json() == everything
        assert client.get(f"/terms/checks.json?set={odd}").status_code == 200, odd
    response = client.post("/terms/sets/excluded", data={"excluded": ["²", str(2**64)]})
    assert response.status_code < 500
    assert flags(client) == everything  # nothing was left out


def test_flags_are_found_again_when_a_set_changes(database_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The flags are kept per state of the corpus (each set's revision) for every thread
    of the server: asked again, they come from the cache; after an edit, afresh."""
    from sqlalchemy import update

    from workbench.models import DocumentSet

    runs: list[int] = []
    real = flags_module.discover

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(flags_module, "discover", counted)
    with session_scope(database_url) as session:
        sets = chosen_sets(session)[:1]
        first = flags_module.set_flags(session, sets)
        before = len(runs)  # none when the template's flags stand for the copy's
        assert flags_module.set_flags(session, sets) is first
        assert len(runs) == before
        session.execute(update(DocumentSet).where(DocumentSet.id == sets[0].id)
                        .values(revision=DocumentSet.revision + 1))
        session.refresh(sets[0])
        flags_module.set_flags(session, sets)
        assert len(runs) == before + 1


def test_a_large_corpus_that_changed_finds_its_flags_in_a_job_not_in_the_page(
        client: FlaskClient, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.jobs.models import Job
    from workbench.models import DocumentSet
    from workbench.views import terminology as view

    monkeypatch.setattr(view, "INLINE_DISCOVERY_ROWS", 100)  # the demo's 1,200 rows: large
    with session_scope(database_url) as session:  # an edit: the flags found are of before
        first = session.query(DocumentSet).order_by(DocumentSet.id).first()
        first.revision += 1
    answer = client.get("/terms/")
    assert answer.status_code == 303 and "/jobs/" in answer.headers["Location"]
    with session_scope(database_url) as session:
        [job] = session.query(Job).filter(Job.kind == "discover_terms").all()
        assert job.state == "done"  # eager in tests; a server runs it in a thread
    # the job's flags are those of the sets as they are now: the page shows them
    page = client.get("/terms/")
    assert page.status_code == 200 and COUNCIL in page.get_data(as_text=True)
    assert any(COUNCIL in f["variants"] for f in flags(client, "?show=all"))
    with session_scope(database_url) as session:
        assert session.query(Job).filter(Job.kind == "discover_terms").count() == 1
