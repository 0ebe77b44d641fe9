"""People with roles (issue 16, part 4): a desk asks nobody to sign in; the first account
turns sign-in on; each role may change only its own area; every change is logged with who
made it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from workbench.accounts.store import add_account
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.terminology.gold import store_gold_corpus

PASSWORD = "correct horse battery"


@pytest.fixture
def set_id(database_url: str) -> int:
    """A demo set stored through its gold rows (no aligner: fast)."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        return store_gold_corpus(session)[0].id


@pytest.fixture
def team(database_url: str) -> None:
    """An administrator, a translator and a terminologist."""
    upgrade(database_url)
    with session_scope(database_url) as session:
        for name, role in (("ada", "administrator"), ("tom", "translator"),
                           ("tess", "terminologist")):
            add_account(session, name, role, PASSWORD)


def signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def test_a_desk_without_accounts_asks_nobody_and_logs_the_local_user(
        client: FlaskClient, set_id: int) -> None:
    assert client.get("/").status_code == 200
    response = client.post(f"/sets/{set_id}/rename", data={"name": "Bishkek meeting"})
    assert response.status_code == 303
    log = client.get(f"/activity?set={set_id}").get_data(as_text=True)
    assert "local" in log and "renamed a set" in log


def test_the_first_administrator_made_on_the_web_turns_sign_in_on(
        app: Flask, client: FlaskClient) -> None:
    response = client.post("/accounts", data={"name": "ada", "password": PASSWORD,
                                              "role": "translator"})
    assert response.status_code == 303
    page = client.get("/accounts").get_data(as_text=True)
    assert "ada" in page and "Signed in as ada (administrator)" in page  # stays signed in

    stranger = app.test_client()
    response = stranger.get("/sets/new")
    assert response.status_code == 302 and "/login?next=/sets/new" in response.location
    response = stranger.get("/sets.json", headers={"Accept": "application/json"})
    assert response.status_code == 401 and "Sign in" in response.get_json()["error"]


def test_a_short_password_or_a_taken_name_is_refused_with_a_sentence(
        client: FlaskClient, team: None) -> None:
    admin = client
    admin.post("/login", data={"name": "ada", "password": PASSWORD})
    response = admin.post("/accounts", data={"name": "zoe", "password": "short",
                                             "role": "translator"})
    assert response.status_code == 400
    assert "at least 8 characters" in response.get_data(as_text=True)
    response = admin.post("/accounts", data={"name": "TOM", "password": PASSWORD,
                                             "role": "translator"})
    assert response.status_code == 400 and "is taken" in response.get_data(as_text=True)


def test_signing_in_goes_back_where_one_was_but_never_to_another_site(
        app: Flask, team: None) -> None:
    client = app.test_client()
    wrong = client.post("/login", data={"name": "tom", "password": "not it at all"})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.get_data(as_text=True)
    nobody = client.post("/login", data={"name": "nobody", "password": PASSWORD})
    assert nobody.status_code == 401
    went = client.post("/login", data={"name": "tom", "password": PASSWORD,
                                       "next": "/memory/"})
    assert went.status_code == 303 and went.location.endswith("/memory/")
    other = app.test_client()
    went = other.post("/login", data={"name": "tom", "password": PASSWORD,
                                      "next": "//evil.example/steal"})
    assert went.status_code == 303 and "evil.example" not in went.location


def test_each_role_changes_only_its_own_area(app: Flask, team: None, set_id: int) -> None:
    translator, terminologist, admin = (signed_in(app, n) for n in ("tom", "tess", "ada"))

    # the translator aligns and edits, but settles no term and manages no account
    assert translator.post(f"/sets/{set_id}/rename", data={"name": "T"}).status_code == 303
    refused = translator.post("/terms/sets/excluded", data={"excluded": [str(set_id)]})
    assert refused.status_code == 403
    assert "(translator) does not allow this change" in refused.get_data(as_text=True)
    assert translator.get("/accounts").status_code == 403
    assert translator.post("/accounts", data={"name": "eve", "password": PASSWORD,
                                              "role": "administrator"}).status_code == 403

    # the terminologist decides terms but does not touch the alignment
    assert terminologist.post("/terms/sets/excluded",
                              data={"excluded": [str(set_id)]}).status_code == 303
    assert terminologist.post(f"/sets/{set_id}/edit/confirm",
                              data={"row": "1", "revision": "0"}).status_code == 403
    assert terminologist.post(f"/sets/{set_id}/delete").status_code == 403
    # and the editor says so at once, before any key is pressed
    looking = terminologist.get(f"/sets/{set_id}/edit").get_data(as_text=True)
    assert "Read only: your role (terminologist) may look at the alignment" in looking
    assert "data-read-only" not in translator.get(f"/sets/{set_id}/edit").get_data(as_text=True)
    # both may read everything, the memory exported as a file included
    assert terminologist.get(f"/sets/{set_id}").status_code == 200
    assert translator.get("/terms/").status_code == 200
    exported = terminologist.post("/memory/export", data={"langs": "ru-RU,en-GB"})
    assert exported.status_code in (200, 202, 303), exported.status_code

    # the administrator may do anything, removing memory files included
    assert admin.post(f"/sets/{set_id}/rename", data={"name": "A"}).status_code == 303
    assert translator.post("/memory/files/1/remove").status_code == 403


def test_the_log_says_who_changed_a_set(app: Flask, team: None, set_id: int) -> None:
    signed_in(app, "tom").post(f"/sets/{set_id}/rename", data={"name": "By Tom"})
    admin = signed_in(app, "ada")
    admin.post(f"/sets/{set_id}/rename", data={"name": "By Ada"})
    page = admin.get(f"/activity?set={set_id}").get_data(as_text=True)
    assert page.index("ada") < page.index("tom")  # newest first
    assert page.count("renamed a set") == 2
    mine = admin.get("/activity?account=tom").get_data(as_text=True)
    assert "signed in" in mine and "By Ada" not in mine and "ada</a>" not in mine


def test_a_stopped_account_is_signed_out_at_its_next_request(app: Flask, team: None) -> None:
    translator = signed_in(app, "tom")
    admin = signed_in(app, "ada")
    assert admin.post("/accounts/tom/active", data={"active": "0"}).status_code == 303
    assert translator.get("/sets/new").status_code == 302  # back to the sign-in page
    assert app.test_client().post(
        "/login", data={"name": "tom", "password": PASSWORD}).status_code == 401


def test_a_new_password_signs_the_account_out_everywhere_else(
        app: Flask, team: None, runner: CliRunner) -> None:
    elsewhere = signed_in(app, "tom")  # another browser of tom's, or someone with his cookie
    here = signed_in(app, "tom")
    new = "a brand new long password 7"
    changed = here.post("/account/password", data={"current": PASSWORD, "password": new})
    assert changed.status_code == 303
    assert here.get("/sets/new").status_code == 200  # the session that changed it goes on
    assert elsewhere.get("/sets/new").status_code == 302  # the other is signed out
    again = signed_in(app, "ada")
    assert runner.invoke(main, ["accounts", "password", "ada", "--password-stdin"],
                         input="an administrator's new one 8\n").exit_code == 0
    assert again.get("/sets/new").status_code == 302  # changed from the command line too


def test_the_last_administrator_cannot_be_demoted_or_stopped(app: Flask, team: None) -> None:
    admin = signed_in(app, "ada")
    response = admin.post("/accounts/ada/role", data={"role": "translator"})
    assert response.status_code == 400
    assert "last active administrator" in response.get_data(as_text=True)
    assert admin.post("/accounts/ada/active", data={"active": "0"}).status_code == 400
    assert admin.post("/accounts/tom/role", data={"role": "administrator"}).status_code == 303
    assert admin.post("/accounts/ada/role", data={"role": "translator"}).status_code == 303


def test_signing_in_needs_the_pages_token(app: Flask, team: None) -> None:
    from flask.testing import FlaskClient as Bare

    bare = Bare(app, app.response_class, use_cookies=True)
    bare.post("/login", data={"name": "tom", "password": PASSWORD})  # refused: no token
    assert bare.get("/sets/new").status_code == 302


def test_accounts_on_the_command_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["accounts", "add", "ada", "--role", "administrator",
                                  "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["accounts", "add", "tom", "--role", "translator",
                                  "--password-stdin"], input="short\n")
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    result = runner.invoke(main, ["accounts", "role", "ada", "translator"])
    assert result.exit_code == 1 and "last active administrator" in result.output
    result = runner.invoke(main, ["accounts", "list"])
    assert result.output.splitlines() == ["ada\tadministrator"]
    result = runner.invoke(main, ["accounts", "role", "nobody", "translator"])
    assert result.exit_code == 1 and "no account named" in result.output


def test_serving_beyond_this_machine_without_accounts_warns(
        runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import waitress

    from tests.workbench.test_serve import free_port

    # bound and served by nothing: the warnings come before the server runs
    monkeypatch.setattr(waitress, "create_server", lambda *args, sockets, **kwargs:
                        SimpleNamespace(run=lambda: None,
                                        close=lambda: [bound.close() for bound in sockets],
                                        task_dispatcher=SimpleNamespace(shutdown=lambda: None)))
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    assert "has no accounts: anyone who reaches it can change anything" in result.output
    runner.invoke(main, ["accounts", "add", "ada", "--role", "administrator",
                         "--password-stdin"], input=PASSWORD + "\n")
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--port", str(free_port())])
    assert "has no accounts" not in result.output
    result = runner.invoke(main, ["serve", "--port", str(free_port())])  # one person's desk
    assert "has no accounts" not in result.output


def test_translators_and_terminologists_may_find_the_flags_again(
        app: Flask, team: None, set_id: int) -> None:
    for name in ("tom", "tess"):
        answer = signed_in(app, name).post("/terms/discover",
                                           headers={"Accept": "application/json"})
        assert answer.status_code == 202, answer.get_data(as_text=True)
        assert answer.get_json()["state"] == "done"
    log = signed_in(app, "ada").get("/activity").get_data(as_text=True)
    assert log.count("/terms/discover") == 2


def test_the_session_cookie_stays_on_this_site(app: Flask, team: None) -> None:
    # SameSite=Lax: another site's form does not carry it (Flask's own default is none)
    client = app.test_client()
    answer = client.post("/login", data={"name": "tom", "password": PASSWORD})
    cookies = [value for name, value in answer.headers.items() if name == "Set-Cookie"]
    assert any(c.startswith("session=") and "SameSite=Lax" in c for c in cookies), cookies
