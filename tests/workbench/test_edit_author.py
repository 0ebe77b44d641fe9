"""Who made each edit step (issue 16): the step keeps the signed-in person's name, the
history panel shows it ("by tom"), and a desk with no accounts records nobody."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench.accounts.store import add_account, set_active
from workbench.db import session_scope, upgrade
from workbench.models import Edit, Row
from workbench.terminology.gold import store_gold_corpus

PASSWORD = "correct horse battery"


@pytest.fixture
def set_id(database_url: str) -> int:
    upgrade(database_url)
    with session_scope(database_url) as session:
        return store_gold_corpus(session)[0].id


@pytest.fixture
def team(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        add_account(session, "ada", "administrator", PASSWORD)
        add_account(session, "tom", "translator", PASSWORD)


def signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"name": name, "password": PASSWORD}).status_code == 303
    return client


def first_row(database_url: str, set_id: int) -> int:
    with session_scope(database_url) as session:
        return int(session.scalar(select(Row.id).where(Row.set_id == set_id)
                                  .order_by(Row.position).limit(1)) or 0)


def unconfirm(client: FlaskClient, set_id: int, revision: int, row: int) -> None:
    answer = client.post(f"/sets/{set_id}/edit/confirm",
                         data={"revision": revision, "row": row, "confirmed": "0"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)


def authors(database_url: str, set_id: int) -> list[tuple[str, str | None, bool]]:
    with session_scope(database_url) as session:
        return [tuple(r) for r in session.execute(  # type: ignore[misc]
            select(Edit.operation, Edit.author, Edit.undone)
            .where(Edit.set_id == set_id).order_by(Edit.seq))]


def test_a_signed_in_translators_edit_shows_their_name_in_the_history(
        app: Flask, database_url: str, team: None, set_id: int) -> None:
    tom = signed_in(app, "tom")
    unconfirm(tom, set_id, 0, first_row(database_url, set_id))
    assert authors(database_url, set_id) == [("unconfirm", "tom", False)]

    panel = tom.get(f"/sets/{set_id}/history", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    text = panel.get_data(as_text=True)
    assert "by tom" in text and "<html" not in text  # the panel's list alone
    page = tom.get(f"/sets/{set_id}/history").get_data(as_text=True)
    assert "by tom" in page and "Edit history" in page
    steps = tom.get(f"/sets/{set_id}/history?format=json").get_json()["steps"]
    assert [(s["operation"], s["author"], s["undone"]) for s in steps] == [
        ("unconfirm", "tom", False)]
    assert "Edit history" in tom.get(f"/sets/{set_id}/edit").get_data(as_text=True)

    # the undo list names whose step was undone; the step stays tom's
    ada = signed_in(app, "ada")
    undone = ada.post(f"/sets/{set_id}/edit/undo", data={"revision": 1},
                      headers={"Accept": "application/json"})
    assert undone.status_code == 200, undone.get_data(as_text=True)
    assert "(by tom)" in undone.get_json()["message"]
    assert authors(database_url, set_id) == [("unconfirm", "tom", True)]
    # a new step by ada is hers; the name stays after her account is stopped
    unconfirm(ada, set_id, 2, first_row(database_url, set_id))
    assert authors(database_url, set_id) == [("unconfirm", "ada", False)]
    with session_scope(database_url) as session:
        add_account(session, "root2", "administrator", PASSWORD)
        set_active(session, "ada", False)
    assert "by ada" in signed_in(app, "tom").get(f"/sets/{set_id}/history").get_data(
        as_text=True)


def test_a_desk_without_accounts_records_no_author(
        client: FlaskClient, database_url: str, set_id: int) -> None:
    unconfirm(client, set_id, 0, first_row(database_url, set_id))
    assert authors(database_url, set_id) == [("unconfirm", None, False)]
    page = client.get(f"/sets/{set_id}/history").get_data(as_text=True)
    assert "unconfirm a row" in page and "by " not in page.split("<main", 1)[-1]


def test_a_re_alignment_run_as_a_job_is_the_step_of_who_asked_for_it(
        app: Flask, database_url: str, team: None, set_id: int) -> None:
    tom = signed_in(app, "tom")
    with session_scope(database_url) as session:  # the gold set is confirmed throughout
        last = int(session.scalar(select(Row.id).where(Row.set_id == set_id)
                                  .order_by(Row.position.desc()).limit(1)) or 0)
    unconfirm(tom, set_id, 0, last)
    answer = tom.post(f"/sets/{set_id}/edit/realign", data={"revision": 1},
                      headers={"Accept": "application/json"})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = tom.get(answer.get_json()["status_url"]).get_json()
    assert job["state"] == "done", job.get("message")
    assert authors(database_url, set_id) == [("unconfirm", "tom", False),
                                             ("realign", "tom", False)]
