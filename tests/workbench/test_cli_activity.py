"""Changes made on the command line are in the activity log with who made them (issue 16):
the system user (``cli:NAME``) or ``workbench --as NAME``; reading commands log nothing,
and a command that changed nothing (an error) is not logged."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from tests.conftest import ROOT
from workbench.accounts.store import activities
from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.terminology.gold import store_gold_corpus

PASSWORD = "correct horse battery"
ME = f"cli:{getpass.getuser()}"


def logged(database_url: str) -> list[tuple[str, str, str, int, int | None]]:
    with session_scope(database_url) as session:
        return [(a.account, a.method, a.endpoint, a.status, a.set_id)
                for a in reversed(activities(session))]


def test_cli_changes_are_logged_with_the_person_and_listed_on_the_activity_page(
        runner: CliRunner, app: Flask, database_url: str) -> None:
    result = runner.invoke(main, ["accounts", "add", "ada", "--role", "administrator",
                                  "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--as", "ada", "accounts", "add", "tom", "--role",
                                  "translator", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["accounts", "list"]).exit_code == 0  # reads: not logged
    failed = runner.invoke(main, ["accounts", "role", "nobody", "translator"])
    assert failed.exit_code == 1  # nothing changed: not logged
    assert logged(database_url) == [(ME, "CLI", "accounts add", 0, None),
                                    ("ada", "CLI", "accounts add", 0, None)]
    with session_scope(database_url) as session:
        entry = activities(session)[0]
        assert entry.path == "workbench accounts add tom --role translator --password-stdin"
        assert entry.role == "administrator"

    client = app.test_client()
    assert client.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 303
    page = client.get("/activity").get_data(as_text=True)
    assert ME in page and "workbench accounts add tom --role translator" in page
    mine = client.get("/activity?account=ada").get_data(as_text=True)
    assert "workbench accounts add tom" in mine and ME not in mine


def test_set_and_memory_changes_from_the_command_line(
        runner: CliRunner, database_url: str, tmp_path: Path) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        set_id = store_gold_corpus(session)[0].id
    assert runner.invoke(main, ["sets"]).exit_code == 0
    result = runner.invoke(main, ["--as", "anna", "sets", "rename", str(set_id), "New name"])
    assert result.exit_code == 0, result.output
    shutil.copy(ROOT / "tests" / "data" / "tmx" / "okapi_Paragraph_TM.tmx", tmp_path / "p.tmx")
    result = runner.invoke(main, ["memory", "import", "p.tmx"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["sets", "delete", str(set_id), "--yes"])
    assert result.exit_code == 0, result.output
    assert logged(database_url) == [
        ("anna", "CLI", "sets rename", 0, set_id),
        (ME, "CLI", "memory import", 0, None),
        (ME, "CLI", "sets delete", 0, set_id),
    ]
    with session_scope(database_url) as session:
        assert [a.path for a in activities(session, account="anna")] == [
            f'workbench sets rename {set_id} "New name"']


@pytest.mark.parametrize("name", ["import", "memory import", "termbase import",
                                  "accounts add", "accounts role", "accounts password",
                                  "accounts disable", "accounts enable", "jobs cancel",
                                  "jobs rerun", "sets delete", "sets rename"])
def test_every_changing_command_is_logged(name: str) -> None:
    command = main
    for part in name.split():
        command = command.commands[part]  # type: ignore[attr-defined]
    assert getattr(command.callback, "logs_activity", None) == name
