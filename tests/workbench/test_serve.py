"""`workbench serve` as a team meets it: many open connections, host names, real sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from http.client import HTTPConnection
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(database_url: str, *options: str) -> Iterator[int]:
    """A real `workbench serve` on a free loopback port, stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port), *options],
        env={**os.environ, "WORKBENCH_DATABASE_URL": database_url},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while get(port, "/sets.json") is None:
            if time.monotonic() > deadline or server.poll() is not None:
                output = server.stdout.read().decode() if server.poll() is not None \
                    and server.stdout else ""
                raise AssertionError(f"the server did not start: {output}")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port: int, path: str, host: str | None = None,
        timeout: float = 10) -> tuple[int, str] | None:
    """The status and body of GET ``path``, or None when no answer came."""
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode()
    except OSError:
        return None
    finally:
        connection.close()


def test_idle_connections_do_not_lock_other_people_out(database_url: str) -> None:
    with serving(database_url) as port, ExitStack() as idle:
        for _ in range(150):  # waitress's default limit was 100 connections
            sock = idle.enter_context(socket.create_connection(("127.0.0.1", port)))
            sock.sendall(b"GET / HTTP/1.1\r\n")  # started, never finished
        answer = get(port, "/sets.json", timeout=20)
        assert answer is not None and answer[0] == 200


def test_a_rebound_host_name_gets_nothing_from_the_real_server(database_url: str) -> None:
    with serving(database_url) as port:
        answer = get(port, "/sets.json", host="rebind.evil.example")
        assert answer is not None and answer[0] == 421
        assert "--allowed-host rebind.evil.example" in answer[1]
        answer = get(port, "/sets.json", host=f"localhost:{port}")
        assert answer is not None and answer[0] == 200


def test_a_team_names_its_host(database_url: str) -> None:
    with serving(database_url, "--allowed-host", "workbench.team.lan") as port:
        answer = get(port, "/sets.json", host="workbench.team.lan")
        assert answer is not None and answer[0] == 200
        answer = get(port, "/sets.json", host="other.team.lan")
        assert answer is not None and answer[0] == 421


@pytest.mark.parametrize("option", [["--threads", "0"], ["--connection-limit", "1"]])
def test_serve_refuses_settings_that_cannot_work(option: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "serve", *option],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Invalid value" in result.stderr


def test_serve_says_a_sweep_interval_that_is_no_number_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "serve", "--port", "65530"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "WORKBENCH_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
             "WORKBENCH_JOBS_SWEEP_EVERY": "a minute", "WORKBENCH_BROKER_URL": ""})
    assert result.returncode == 1
    assert ("Error: WORKBENCH_JOBS_SWEEP_EVERY must be a number of seconds, not 'a minute'."
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_the_servers_settings_come_from_the_instance_folder_it_runs_in(tmp_path: Path) -> None:
    # serve and worker read instance/config.py beside the database the command line uses;
    # what the command line was told goes over it
    from workbench.app import create_app

    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text(
        "MAX_PAGE_SENTENCES = 10\nDATABASE_URL = 'sqlite:///elsewhere.sqlite'\n",
        encoding="utf-8")
    app = create_app(instance_path=str(tmp_path / "instance"),
                     overrides={"DATABASE_URL": f"sqlite:///{tmp_path / 'here.sqlite'}"})
    assert app.config["MAX_PAGE_SENTENCES"] == 10
    assert app.config["DATABASE_URL"].endswith("here.sqlite")
    assert (tmp_path / "instance" / "secret_key").exists()  # made here, not in the package


def test_a_server_that_stops_leaves_no_thread_of_its_jobs_running(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a broker, `workbench serve` sweeps for interrupted jobs and runs jobs in
    threads of its own. Once it has stopped (here: its server's run returns, as after
    Ctrl+C), none of them goes on: a sweep every minute, or a job waiting in its pool, would
    try the database while the process closes, and log that it cannot be reached once the
    database is gone."""
    import threading
    from types import SimpleNamespace

    import waitress
    from click.testing import CliRunner
    from flask import Flask

    from tests.jobs.conftest import wait_for
    from workbench.cli import main
    from workbench.db import session_scope
    from workbench.jobs import Job
    from workbench.jobs.runner import submit

    monkeypatch.delenv("WORKBENCH_BROKER_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_JOBS_RUNNER", raising=False)
    monkeypatch.chdir(tmp_path)
    seen: list[str] = []

    def serving(app: Flask) -> None:  # what the server does meanwhile: a job is asked for
        with app.app_context():
            job_id = submit(database_url, "discover_terms", params={"set_ids": []})
        wait_for(lambda: finished(job_id), "the job to run in the server's pool")
        seen.extend(thread.name for thread in threading.enumerate())

    def finished(job_id: int) -> bool:
        with session_scope(database_url) as session:
            return session.get(Job, job_id).finished

    monkeypatch.setattr(waitress, "create_server", lambda app, **_options: SimpleNamespace(
        run=lambda: serving(app)))
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 0, result.output
    # it was sweeping, and running jobs in its pool
    assert "workbench-job-sweeper" in seen and "workbench-job_0" in seen
    assert [thread.name for thread in threading.enumerate()
            if thread.name.startswith("workbench-")] == []
    with session_scope(database_url) as session:
        [job] = session.query(Job).all()
        assert job.state == "failed" and job.failure_kind == "nothing-to-discover"
