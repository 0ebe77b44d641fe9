"""Job fixtures: an app whose jobs run in its own threads (the asynchronous path), a real
Redis (Debian's ``redis-server``, on a free loopback port in a temporary folder, once per
run) and real ``workbench worker`` processes on it.

Without ``/usr/bin/redis-server`` the broker tests are skipped, saying why, unless
``WORKBENCH_REQUIRE_SYSTEM_TOOLS`` is set (CI): then they fail.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import ROOT, PageClient
from workbench.app import create_app
from workbench.jobs.runner import stop_pool

REDIS = Path("/usr/bin/redis-server")
WORKBENCH = Path(sys.executable).parent / "workbench"
WAIT = 180.0  # seconds a job may take on a busy machine (the first loads the model)


@pytest.fixture(autouse=True)
def jobs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The jobs' files in the test's own folder, whatever the database."""
    folder = tmp_path / "jobs"
    monkeypatch.setenv("WORKBENCH_JOBS_FOLDER", str(folder))
    return folder


@pytest.fixture
def threads_app(database_url: str) -> Iterator[Flask]:
    """The app with jobs in its own thread pool, as ``workbench serve`` runs them."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "JOBS_RUNNER": "threads"})
    app.test_client_class = PageClient
    yield app
    stop_pool(app)  # as the server does when it stops: no thread of it outlives the test


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT) -> object:
    """``condition()`` once it is true; fails the test saying ``what`` after ``timeout``
    (a safety net against a hung test, not a measure of speed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting {timeout:.0f} s for {what}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throw-away Redis on 127.0.0.1, its URL."""
    if not REDIS.exists():
        if os.environ.get("WORKBENCH_REQUIRE_SYSTEM_TOOLS"):
            pytest.fail("Debian's redis-server is required here (/usr/bin/redis-server)")
        pytest.skip("Debian's redis-server is not installed (/usr/bin/redis-server); "
                    "install it with `make system-deps`")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    server = subprocess.Popen(
        [str(REDIS), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        wait_for(lambda: _pings(client), "redis-server to answer", 30)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def _pings(client: object) -> bool:
    import redis

    try:
        return bool(client.ping())  # type: ignore[attr-defined]
    except redis.exceptions.ConnectionError:
        return False


class Workers:
    """``workbench worker`` processes started by a test, each in its own process group."""

    def __init__(self, database_url: str, broker: str, folder: Path) -> None:
        self.database_url, self.broker, self.folder = database_url, broker, folder
        self.running: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "WORKBENCH_DATABASE_URL": self.database_url,
                "WORKBENCH_BROKER_URL": self.broker, **extra}

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"worker-{len(self.running)}.log", "wb")  # noqa: SIM115
        worker = subprocess.Popen([str(WORKBENCH), "worker", "--loglevel", "INFO"],
                                  cwd=self.folder, env=self.env(**extra), stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would: no clean-up."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(30)  # reaped: its pid is gone, so its job reads as interrupted

    def freeze(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGSTOP: alive but silent, as a machine that hangs or loses the database would
        be (its heartbeat stops); ``thaw`` goes on."""
        os.killpg(worker.pid, signal.SIGSTOP)

    def thaw(self, worker: subprocess.Popen[bytes]) -> None:
        os.killpg(worker.pid, signal.SIGCONT)

    def log(self, worker: subprocess.Popen[bytes]) -> str:
        """What the worker has written so far."""
        index = self.running.index(worker)
        return (self.folder / f"worker-{index}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for worker in self.running:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGCONT)  # a frozen one too
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(10)


@pytest.fixture
def workers(database_url: str, redis_url: str, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Workers]:
    """Start ``workbench worker`` processes on the test's database and the Redis broker;
    this process submits to the same broker (``WORKBENCH_BROKER_URL``)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # no message of an earlier test
    monkeypatch.setenv("WORKBENCH_BROKER_URL", redis_url)
    monkeypatch.chdir(tmp_path)
    started = Workers(database_url, redis_url, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


__all__ = ["ROOT", "Workers", "wait_for"]
