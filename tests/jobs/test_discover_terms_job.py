"""Terminology discovery over the whole corpus as a job (issue 16): the flags page's button
submits it and follows it, the job stores the flags it found, the flags pages use them,
and a job with nothing to search fails saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench.cli import main
from workbench.db import session_scope, upgrade
from workbench.jobs.models import Job
from workbench.terminology import discovery
from workbench.terminology.flags import _CACHE, chosen_sets, exclude_sets
from workbench.terminology.gold import store_gold_corpus


@pytest.fixture
def corpus(database_url: str) -> list[int]:
    upgrade(database_url)
    with session_scope(database_url) as session:
        return [s.id for s in store_gold_corpus(session)]


def only_job(database_url: str) -> Job:
    with session_scope(database_url) as session:
        jobs = list(session.scalars(select(Job)))
        assert len(jobs) == 1, jobs
        return jobs[0]


def test_discovery_from_the_web_is_a_job_that_ends_done_with_the_flags_stored(
        app: Flask, client: FlaskClient, database_url: str, corpus: list[int]) -> None:
    assert "Find the flags again" in client.get("/terms/").get_data(as_text=True)
    _CACHE.clear()
    answer = client.post("/terms/discover")
    assert answer.status_code == 303
    job = only_job(database_url)
    assert answer.headers["Location"].endswith(f"/jobs/{job.id}?follow=1")
    assert job.kind == "discover_terms" and job.state == "done", job.message
    result = job.result or {}
    assert sorted(result["sets"]) == sorted(corpus)
    assert result["flags"] > 0 and result["open"] <= result["flags"]
    assert job.done == job.total == len(corpus) + 1 and job.unit == "sets"
    stored = json.loads(Path(result["path"]).read_text(encoding="utf-8"))
    assert len(stored["flags"]) == result["flags"]

    # the flags pages use what the job stored (here: not found again)
    _CACHE.clear()
    with session_scope(database_url) as session:
        sets = chosen_sets(session, discovery=True)
        kept = discovery.stored_flags(session, sets)
    assert kept is not None and [f.key for f in kept] == [f["key"] for f in stored["flags"]]
    flags = client.get("/terms/flags.json").get_json()
    assert [f["key"] for f in flags] == [f["key"] for f in stored["flags"]]
    assert client.get(f"/jobs/{job.id}").status_code == 200
    assert f"/jobs/{job.id}" in client.get("/terms/").get_data(as_text=True)


def test_discovery_of_chosen_sets_as_json(
        client: FlaskClient, database_url: str, corpus: list[int]) -> None:
    answer = client.post("/terms/discover", data={"set": [str(corpus[0])]},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 202
    assert answer.get_json()["state"] == "done"
    assert only_job(database_url).result["sets"] == [corpus[0]]  # type: ignore[index]


def test_with_no_set_to_search_the_job_fails_saying_why(
        client: FlaskClient, database_url: str, corpus: list[int]) -> None:
    with session_scope(database_url) as session:
        exclude_sets(session, corpus)
    answer = client.post("/terms/discover", headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert "no set to find terminology flags in" in answer.get_json()["error"]
    job = only_job(database_url)
    assert job.state == "failed" and "no set to find terminology flags in" in job.message


def test_the_command_line_runs_discovery_as_a_job(
        runner: CliRunner, database_url: str, corpus: list[int]) -> None:
    result = runner.invoke(main, ["terms", "--job"])
    assert result.exit_code == 0, result.output
    job = only_job(database_url)
    assert result.output.startswith(f"Job {job.id}: ") and job.state == "done"
