"""`workbench serve` as a team meets it: many open connections, host names, real sockets."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
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

    def server(app: Flask, *, sockets: list[socket.socket], **_options: object) -> object:
        return SimpleNamespace(run=lambda: serving(app),
                               close=lambda: [bound.close() for bound in sockets],
                               task_dispatcher=SimpleNamespace(shutdown=lambda: None))

    monkeypatch.setattr(waitress, "create_server", server)
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
    assert result.exit_code == 0, result.output
    # it was sweeping, and running jobs in its pool
    assert "workbench-job-sweeper" in seen and "workbench-job_0" in seen
    assert [thread.name for thread in threading.enumerate()
            if thread.name.startswith("workbench-")] == []
    with session_scope(database_url) as session:
        [job] = session.query(Job).all()
        assert job.state == "failed" and job.failure_kind == "nothing-to-discover"


def test_ctrl_c_again_while_a_sweep_ends_stops_the_jobs_at_once_and_says_so(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C again while `workbench serve` waits for the sweep under way to end (long, on a
    busy database) stops it at once, as Ctrl+C again while its jobs finish does: its job
    pool is closed without waiting for the job running in it, which is said to run again at
    the next start, as is the one waiting, which the pool never runs; a third Ctrl+C
    changes nothing."""
    import threading
    from types import SimpleNamespace

    import waitress
    from click.testing import CliRunner
    from flask import Flask

    from tests.jobs.conftest import wait_for
    from workbench.cli import main
    from workbench.jobs import runner

    monkeypatch.delenv("WORKBENCH_BROKER_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_JOBS_RUNNER", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "instance").mkdir()
    # one job runs, the other waits for the pool's thread
    (tmp_path / "instance" / "config.py").write_text("JOB_THREADS = 1\n")
    apps: list[Flask] = []
    submitted: list[int] = []
    ran: list[int] = []
    threads: list[threading.Thread] = []
    release = threading.Event()

    def run(_url: str, job_id: int) -> None:  # a long job: it ends when the test says so
        threads.append(threading.current_thread())
        release.wait(60)
        ran.append(job_id)

    def serving(app: Flask) -> None:
        with app.app_context():
            submitted.extend(runner.submit(database_url, "discover_terms",
                                           params={"set_ids": []}) for _job in range(2))
        wait_for(lambda: runner.in_pool(app, runner.RUNNING) == submitted[:1],
                 "the first job to run in the server's pool")

    def server(app: Flask, *, sockets: list[socket.socket], **_options: object) -> object:
        apps.append(app)
        return SimpleNamespace(run=lambda: serving(app),
                               close=lambda: [bound.close() for bound in sockets],
                               task_dispatcher=SimpleNamespace(shutdown=lambda: None))

    stop = runner.Sweeper.stop

    def interrupted(sweeper: runner.Sweeper) -> None:  # Ctrl+C while it waited for a sweep
        stop(sweeper)
        raise KeyboardInterrupt

    def exit_at_once(status: int) -> None:  # the test's process goes on
        raise SystemExit(status)

    monkeypatch.setattr(waitress, "create_server", server)
    monkeypatch.setattr(runner, "run", run)
    monkeypatch.setattr(runner.Sweeper, "stop", interrupted)
    monkeypatch.setattr(os, "_exit", exit_at_once)
    ctrl_c = signal.getsignal(signal.SIGINT)
    try:
        result = CliRunner().invoke(main, ["serve", "--port", str(free_port())])
        ran_when_stopped = list(ran)
        third_ctrl_c = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, ctrl_c)
        release.set()
        for app in apps:
            runner.stop_pool(app)
        for thread in threads:
            thread.join(60)
    first, second = submitted
    assert result.exit_code == 130, result.output
    assert ran_when_stopped == []  # the running job was not waited for
    assert "Stopping once" not in result.output
    assert (f"Job {second}, waiting here, runs when the workbench next starts."
            in result.output)
    assert (f"Stopped without finishing job {first}: it runs again when the workbench "
            "next starts." in result.output)
    assert "Traceback" not in result.output
    assert third_ctrl_c == signal.SIG_IGN
    assert ran == [first]  # the pool was closed: the waiting job did not run in it


class StoppedServer:
    """`workbench serve` processes on one SQLite database, started and stopped with signals
    as a person does (Ctrl+C) or a service manager (SIGTERM); their output in a file each.
    Alignments pause before they commit (``WORKBENCH_TEST_PAUSE_BEFORE_COMMIT``) until a
    ``resume`` file appears in the job's folder: a job that is still running when the
    server is told to stop."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url, self.folder = database_url, folder
        self.jobs = Path(os.environ["WORKBENCH_JOBS_FOLDER"])
        (folder / "instance").mkdir(exist_ok=True)  # forms sent without the page's token
        (folder / "instance" / "config.py").write_text("WTF_CSRF_ENABLED = False\n")
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *, paused: bool) -> tuple[subprocess.Popen[bytes], int]:
        env = {key: value for key, value in os.environ.items()
               if key not in ("WORKBENCH_BROKER_URL", "WORKBENCH_JOBS_RUNNER")}
        if paused:
            env["WORKBENCH_TEST_PAUSE_BEFORE_COMMIT"] = "3600"
        # the job behind the paused one waits for SQLite's lock as long as the test takes,
        # not the usual 15 s (on a busy machine it gave up, failed, and never paused)
        env["WORKBENCH_DATABASE_BUSY_TIMEOUT"] = "900"
        port = free_port()
        with open(self.log(len(self.started)), "wb") as output:
            server = subprocess.Popen(
                [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port)],
                cwd=self.folder, env={**env, "WORKBENCH_DATABASE_URL": self.database_url},
                stdout=output, stderr=subprocess.STDOUT)
        self.started.append(server)
        self.wait(lambda: get(port, "/sets.json") is not None or server.poll() is not None,
                  "the server to answer")
        assert server.poll() is None, self.output(server)
        return server, port

    def log(self, index: int) -> Path:
        return self.folder / f"serve-{index}.log"

    def output(self, server: subprocess.Popen[bytes]) -> str:
        return self.log(self.started.index(server)).read_text(errors="replace")

    def align(self, port: int, number: str) -> None:
        """Upload a demo page's Russian and English versions to be aligned."""
        from tests.conftest import demo_page

        boundary = "workbench-test-boundary"
        body = b""
        for lang in ("ru-RU", "en-GB"):
            body += (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                     f'filename="{number}.{lang}.html"\r\nContent-Type: text/html\r\n\r\n'
                     ).encode() + demo_page(number, lang).read_bytes() + b"\r\n"
        body += f"--{boundary}--\r\n".encode()
        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("POST", "/sets", body=body, headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}"})
            answer = connection.getresponse()
            assert answer.status == 303, answer.read().decode(errors="replace")
        finally:
            connection.close()

    def states(self) -> list[tuple[str, int]]:
        """Each job's state and runs, by id."""
        from workbench.db import session_factory
        from workbench.jobs import Job

        with session_factory(self.database_url)() as session:
            return [(job.state, job.attempts)
                    for job in session.query(Job).order_by(Job.id)]

    @staticmethod
    def wait(condition: Callable[[], object], what: str) -> None:
        from tests.jobs.conftest import wait_for

        wait_for(condition, what)

    def stop_all(self) -> None:
        for server in self.started:
            if server.poll() is None:
                server.kill()
            server.wait(30)


@pytest.fixture
def stopped_servers(database_url: str, tmp_path: Path) -> Iterator[StoppedServer]:
    from workbench.db import upgrade

    upgrade(database_url)
    servers = StoppedServer(database_url, tmp_path)
    try:
        yield servers
    finally:
        servers.stop_all()


def two_running_one_waiting(servers: StoppedServer
                            ) -> tuple[subprocess.Popen[bytes], int, int, int]:
    """A server whose pool (two threads) runs two alignments, one paused before its commit
    (the other waits for SQLite's lock), and has a third waiting for a thread; and which
    of jobs 1 and 2 paused (whichever reached its commit first: on a busy machine job 2
    may), and which waits."""
    server, port = servers.start(paused=True)
    for number in ("000", "001", "002"):
        servers.align(port, number)
    servers.wait(lambda: any((servers.jobs / str(job) / "paused").exists() for job in (1, 2)),
                 "job 1 or 2 to pause")
    servers.wait(lambda: [state for state, _runs in servers.states()]
                 == ["running", "running", "queued"], "jobs 1 and 2 to run, 3 to wait")
    paused = 1 if (servers.jobs / "1" / "paused").exists() else 2
    return server, port, paused, 3 - paused


@pytest.mark.sqlite_only(reason="the same SQLite file served again; one writer at a time")
def test_ctrl_c_finishes_the_running_jobs_or_leaves_them_and_the_next_start_runs_the_rest(
        stopped_servers: StoppedServer) -> None:
    """Ctrl+C on `workbench serve`: it says it stops once the jobs running in it have
    finished, and which wait; Ctrl+C again stops it at once. Started again on the same
    database, it runs what was left: the job that was stopped half-way from the start,
    the one that was waiting; the one that finished is not run twice."""
    servers = stopped_servers
    server, port, paused, waiting = two_running_one_waiting(servers)

    server.send_signal(signal.SIGINT)
    servers.wait(lambda: "Job 3, waiting here" in servers.output(server), "it to say so")
    with pytest.raises(ConnectionRefusedError):  # the port let go, not left open unanswered
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    said = servers.output(server)
    assert ("Stopping once jobs 1 and 2 running here have finished. Ctrl+C again stops "
            "them now: they run again, from the start, when the workbench next starts."
            in said)
    assert "Job 3, waiting here, runs when the workbench next starts." in said
    # the paused job ends, so the other goes on and pauses
    (servers.jobs / str(paused) / "resume").touch()
    servers.wait(lambda: (servers.jobs / str(waiting) / "paused").exists(),
                 f"job {waiting} to pause")
    assert servers.states()[paused - 1] == ("done", 1)
    assert server.poll() is None  # still waiting for the other

    server.send_signal(signal.SIGINT)
    servers.wait(lambda: server.poll() is not None, "the server to stop")
    assert server.returncode == 130
    assert (f"Stopped without finishing job {waiting}: it runs again when the workbench "
            "next starts." in servers.output(server))
    left = {paused: ("done", 1), waiting: ("running", 1), 3: ("queued", 0)}
    assert servers.states() == [left[job] for job in (1, 2, 3)]

    again, _port = servers.start(paused=False)
    servers.wait(lambda: all(state == "done" for state, _runs in servers.states()),
                 "the jobs left to run after the restart")
    ran = {paused: ("done", 1), waiting: ("done", 2), 3: ("done", 1)}
    assert servers.states() == [ran[job] for job in (1, 2, 3)]
    again.send_signal(signal.SIGINT)
    servers.wait(lambda: again.poll() is not None, "the server to stop")
    assert "Stopping once" not in servers.output(again)  # nothing left running
    from workbench.db import session_factory
    from workbench.models import DocumentSet

    with session_factory(servers.database_url)() as session:
        assert session.query(DocumentSet).count() == 3  # each page aligned once


@pytest.mark.sqlite_only(reason="the same SQLite file served again; one writer at a time")
def test_jobs_of_a_server_ended_by_sigterm_run_when_it_starts_again(
        stopped_servers: StoppedServer) -> None:
    """A service manager's SIGTERM ends `workbench serve` at once, mid-job: started again
    on the same database, it runs both running jobs again from the start and the waiting
    one; none is left 'running' or lost, each page is aligned once."""
    servers = stopped_servers
    server, _port, _paused, _waiting = two_running_one_waiting(servers)
    server.send_signal(signal.SIGTERM)
    servers.wait(lambda: server.poll() is not None, "the server to stop")
    assert servers.states() == [("running", 1), ("running", 1), ("queued", 0)]

    again, _port = servers.start(paused=False)
    servers.wait(lambda: all(state == "done" for state, _runs in servers.states()),
                 "the jobs left to run after the restart")
    assert servers.states() == [("done", 2), ("done", 2), ("done", 1)]
    again.send_signal(signal.SIGINT)
    servers.wait(lambda: again.poll() is not None, "the server to stop")
    from workbench.db import session_factory
    from workbench.models import DocumentSet

    with session_factory(servers.database_url)() as session:
        assert session.query(DocumentSet).count() == 3
