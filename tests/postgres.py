"""A throw-away PostgreSQL for the tests: Debian's ``postgresql`` package, a cluster in a
temporary folder, started on a free loopback port and stopped (and deleted) at the end.

``WORKBENCH_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://me:secret@db.example/postgres``)
points the tests at an existing server instead; its role must be allowed to create
databases. Either way the schema is migrated once into a template database, and each test
gets a copy of it (``CREATE DATABASE ... TEMPLATE``, a fraction of a second) that is
dropped after.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from workbench.db import dispose, upgrade

ENVIRONMENT = "WORKBENCH_TEST_POSTGRES_URL"
SYSTEM_USER = "postgres"  # Debian's; PostgreSQL refuses to run as root
# A test server need not survive a crash: no waiting for the disk.
SETTINGS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=32MB")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL could be started or reached; the message says why."""


def binaries() -> Path:
    """The folder of Debian's PostgreSQL programs (the newest installed version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit()
                   else 0)
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
            "`make system-deps` as root installs Debian's postgresql and postgresql-contrib")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.bin: Path | None = None
        self.admin_url = ""  # a SQLAlchemy URL of the server's maintenance database
        self._numbers = itertools.count(1)
        self._prefix = f"workbench_test_{os.getpid()}"
        self.template = f"{self._prefix}_template"
        self._options = ""  # the server's command line options (our own cluster's)

    # -- the server ------------------------------------------------------------------------

    def start(self, given: str | None = None) -> None:
        """Reach the server of ``given`` (a URL of its maintenance database) or of
        ``WORKBENCH_TEST_POSTGRES_URL``, or start a cluster of our own; then migrate the
        template database."""
        given = given or os.environ.get(ENVIRONMENT)
        if given:
            self.admin_url = given
        else:
            self._start_cluster()
        try:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
            self._execute(f'CREATE DATABASE "{self.template}" ENCODING \'UTF8\' '
                          "TEMPLATE template0")
        except psycopg.Error as error:
            self.stop()
            raise PostgresUnavailable(f"PostgreSQL at {self._shown()} refused: {error}") \
                from error
        template_url = self.url(self.template)
        upgrade(template_url)
        dispose(template_url)  # a template must have no one connected when it is copied

    def _start_cluster(self) -> None:
        self.bin = binaries()
        as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-postgres-"))
        data = self.folder / "data"
        if as_root:
            user = pwd.getpwnam(SYSTEM_USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        port = free_port()
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres",
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        self._options = (f"-p {port} -c listen_addresses=127.0.0.1 "
                         f"-c unix_socket_directories={self.folder} {SETTINGS}")
        self.resume()
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def pause(self) -> None:
        """Stop our own cluster's server, as an administrator would (``pg_ctl stop``), its
        databases kept for ``resume``."""
        assert self.folder is not None and self.bin is not None, "not a cluster of our own"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                  "-w", "-t", "60", "stop")

    def resume(self) -> None:
        """Start our own cluster's server (again), on the same port."""
        assert self.folder is not None and self.bin is not None, "not a cluster of our own"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                  str(self.folder / "log"), "-w", "-t", "60", "-o", self._options, "start")

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", SYSTEM_USER, "--", *command)
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=120,
                           cwd=self.folder)
        except (OSError, subprocess.SubprocessError) as error:
            details = getattr(error, "stderr", "") or ""
            log = self.folder / "log" if self.folder else None
            if log and log.exists():
                details += log.read_text(errors="replace")[-2000:]
            self.stop()
            raise PostgresUnavailable(f"{' '.join(command[:6])} failed: {error} "
                                      f"{details.strip()}") from error

    def stop(self) -> None:
        """Drop the template (on a server of someone else's) or stop and delete our cluster."""
        if self.folder is None:
            if self.admin_url:
                with contextlib.suppress(psycopg.Error):  # the server may be gone by now
                    self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
            return
        data = self.folder / "data"
        if self.bin is not None and (data / "postmaster.pid").exists():
            command: tuple[str, ...] = (str(self.bin / "pg_ctl"), "-D", str(data), "-m",
                                        "immediate", "-w", "stop")
            if os.geteuid() == 0:
                command = ("runuser", "-u", SYSTEM_USER, "--", *command)
            subprocess.run(command, capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    # -- databases -------------------------------------------------------------------------

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server."""
        return make_url(self.admin_url).set(database=database).render_as_string(
            hide_password=False)

    def create_database(self, empty: bool = False) -> str:
        """The URL of a new database holding the migrated schema and nothing else (with
        ``empty``, not even the schema)."""
        name = f"{self._prefix}_{next(self._numbers)}"
        template = "template0" if empty else self.template
        self._execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Close this process's connections to the database of ``url``, then drop it."""
        dispose(url)
        name = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _execute(self, statement: str) -> None:
        with psycopg.connect(self._conninfo(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(statement.encode())

    def _conninfo(self) -> str:
        url = make_url(self.admin_url)
        given: dict[str, str | int | None] = {
            "host": url.host, "port": url.port, "user": url.username,
            "password": url.password, "dbname": url.database or "postgres",
            **{key: str(value) for key, value in url.query.items()}}
        return psycopg.conninfo.make_conninfo(
            "", **{key: value for key, value in given.items() if value is not None})

    def _shown(self) -> str:
        return make_url(self.admin_url).render_as_string(hide_password=True)
