"""The database: engine, sessions, migrations (after flaskr's ``db.py``, with SQLAlchemy 2).

The URL comes from ``WORKBENCH_DATABASE_URL`` when set, else an SQLite file in the
instance folder (WAL mode). The schema is created and upgraded by Alembic migrations that
ship inside the package, so a team can point the same code at PostgreSQL.

SQLite lets one writer at a time. Long work (an import, a re-alignment) therefore computes
with no write transaction open and writes in short transactions; a writer that finds the
database locked waits up to the busy timeout (``WORKBENCH_DATABASE_BUSY_TIMEOUT`` or the
app's ``DATABASE_BUSY_TIMEOUT``, in seconds; 15 by default). Past it, the engine raises
``DatabaseBusy`` instead of SQLite's "database is locked": a ``WorkbenchError`` like any
other, so the web answers 503 with a sentence (and ``Retry-After``), the editor shows it
as a refused edit, and the CLI prints it in one line; never a bare 500.

PostgreSQL (``postgresql+psycopg://user:password@host/database``, psycopg 3) lets writers
work side by side and locks rows, not the file: the same timeout is its ``lock_timeout``,
and a statement that waited that long for another's lock raises ``DatabaseBusy`` too; one
chosen to break a deadlock raises ``ConflictingChange`` (a ``DatabaseBusy`` that says
another person changed the same thing at once), which ``retried`` makes again.
Connections are checked before use (``pool_pre_ping``), so a restarted server costs no
request an error.

A database that cannot be reached at all (the server stopped or unreachable, the SQLite
file gone or unreadable) raises ``DatabaseUnreachable``, another ``WorkbenchError``: the web
answers 503 with the workbench's page (or JSON) and the command line says it in one line.
Nothing is kept of the failure: the next request connects afresh, so the workbench comes
back by itself with the database. A server database that is not up yet when ``workbench
serve`` or ``workbench worker`` starts (started together by systemd or docker-compose) is
waited for (``wait_for_database``), for a bounded time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from workbench.errors import (
    ConflictingChange,
    DatabaseBusy,
    DatabaseUnreachable,
    is_busy,
)

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_INSTANCE = Path.cwd() / "instance"
BUSY_TIMEOUT = 15.0  # seconds a writer waits for the lock before DatabaseBusy
# seconds to wait for a PostgreSQL server to answer a new connection: a host that drops
# packets would otherwise hold a request (and a waitress thread) for minutes
CONNECT_TIMEOUT = 10
CHECKPOINT_TIMEOUT = 2.0  # seconds a WAL checkpoint waits for readers (it is only tidying)
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes the -wal file is cut back to after a checkpoint
# SQLSTATEs of a PostgreSQL statement that gave up waiting for a lock, or lost a deadlock
# or a serialization conflict with another transaction
LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED, SERIALIZATION_FAILURE = "55P03", "40P01", "40001"
CONFLICT_ATTEMPTS = 3  # tries of a change that PostgreSQL undid to break a deadlock
# seconds ``serve`` and ``worker`` wait for a database server that does not answer yet
DATABASE_WAIT = 120.0
# SQLSTATE classes of a server that answers and refuses (a wrong password or role, no such
# database): waiting would not change it
REFUSED_FOR_GOOD = ("28", "3D")
MIGRATION_LOCK = 0x776F726B62656E63  # PostgreSQL advisory lock held while migrating
_ENGINES: dict[tuple[str, float], Engine] = {}
_ENGINES_LOCK = threading.Lock()
log = logging.getLogger(__name__)
T = TypeVar("T")


def database_url(instance_path: str | Path | None = None) -> str:
    """The SQLAlchemy URL: ``WORKBENCH_DATABASE_URL``, else instance/workbench.sqlite."""
    url = os.environ.get("WORKBENCH_DATABASE_URL")
    if url:
        return url
    folder = Path(instance_path) if instance_path else DEFAULT_INSTANCE
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'workbench.sqlite'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # After a checkpoint has emptied it, the -wal file is cut back to this size rather than
    # staying as large as the largest transaction ever made.
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cursor.close()


def busy_timeout(configured: float | str | None = None) -> float:
    """Seconds a writer waits for a lock (SQLite's, or a row's on PostgreSQL): ``configured``
    (the app's ``DATABASE_BUSY_TIMEOUT``), else ``WORKBENCH_DATABASE_BUSY_TIMEOUT``, else 15."""
    value = configured if configured is not None else os.environ.get(
        "WORKBENCH_DATABASE_BUSY_TIMEOUT")
    if value is None or value == "":
        return BUSY_TIMEOUT
    return max(0.0, float(value))


def engine_for(url: str, timeout: float | None = None) -> Engine:
    """One engine per URL (and busy timeout) and process."""
    key = (url, busy_timeout(timeout))
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _engine(*key)
        return _ENGINES[key]


def dispose(url: str) -> None:
    """Close this process's pooled connections to ``url`` (before its database is dropped
    or copied)."""
    with _ENGINES_LOCK:
        engines = [_ENGINES.pop(key) for key in list(_ENGINES) if key[0] == url]
    for engine in engines:
        engine.dispose()


def _forget_parents_connections() -> None:
    """In a forked child (a Celery worker process): leave the parent's pooled connections
    to the parent, and open the child's own."""
    global _ENGINES_LOCK
    _ENGINES_LOCK = threading.Lock()  # another thread of the parent may have held it
    for engine in list(_ENGINES.values()):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_parents_connections)


def _engine(url: str, timeout: float) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _busy_error)
        event.listen(engine, "handle_error", _unreachable_error)
    elif make_url(url).get_backend_name() == "postgresql":
        address = make_url(url)
        if address.drivername == "postgresql":  # psycopg 3, not SQLAlchemy's default psycopg2
            address = address.set(drivername="postgresql+psycopg")
        engine = create_engine(address, pool_pre_ping=True, connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            # 0 would mean no limit at all
            "options": f"-c lock_timeout={max(1, int(timeout * 1000))}"})
        event.listen(engine, "handle_error", _lock_wait_error)
        event.listen(engine, "handle_error", _unreachable_error)
    else:
        engine = create_engine(url)
    return engine


def _unreachable_error(context: ExceptionContext) -> DatabaseUnreachable | None:
    """A connection that could not be opened (``context.connection`` is None: the error came
    from the pool's connect) or that broke under a statement (``is_disconnect``) as
    ``DatabaseUnreachable``. Not during the pool's pre-ping: there SQLAlchemy itself must see
    the disconnect, to throw the stale connection away and open a new one."""
    if context.is_pre_ping or not (context.connection is None or context.is_disconnect):
        return None
    original = context.original_exception
    reason = (str(original).strip().splitlines() or [type(original).__name__])[0]
    log.warning("The database cannot be reached: %s", reason)
    return DatabaseUnreachable(reason)


def database_address(url: str) -> str:
    """Where a database server is, as host:port (never its user or password)."""
    address = make_url(url)
    host = address.host or str(address.query.get("host") or "") or "localhost"
    port = address.port or (5432 if address.get_backend_name() == "postgresql" else "")
    return f"{host}:{port}" if port else host


def wait_for_database(url: str, wait: float, say: Callable[[str], None]) -> None:
    """Return once the database of ``url`` takes a connection. A database server that does
    not answer (not started yet, or starting up) is tried again every few seconds for up to
    ``wait`` seconds, which ``say`` is told of (where it is, never its password); past that,
    or when the server refuses for good (a wrong password, no such database), the
    ``DatabaseUnreachable`` of the last try is raised. An SQLite file is not waited for: a
    file does not come up by itself."""
    engine = engine_for(url)
    if engine.dialect.name == "sqlite":
        return
    deadline = time.monotonic() + max(0.0, wait)
    waited_since = time.monotonic()
    pause, said_at = 0.5, 0.0
    quiet = _Quiet()  # one line from here, not the engine's warning at every try
    log.addFilter(quiet)
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            except DatabaseUnreachable as error:
                state = str(getattr(error.__cause__, "sqlstate", None) or "")
                now = time.monotonic()
                if state[:2] in REFUSED_FOR_GOOD or now >= deadline:
                    raise
                if not said_at:
                    say(f"Waiting for the database at {database_address(url)} "
                        f"({error.reason}); giving up after {wait:.0f} s …")
                    said_at = now
                elif now - said_at >= 30:
                    say(f"Still waiting for the database at {database_address(url)} "
                        f"({now - waited_since:.0f} s of {wait:.0f} s) …")
                    said_at = now
                time.sleep(min(pause, deadline - now))
                pause = min(pause * 2, 5.0)
                continue
            if said_at:
                say(f"The database at {database_address(url)} answers; starting.")
            return
    finally:
        log.removeFilter(quiet)


class _Quiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("The database cannot be reached")


def _busy_error(context: ExceptionContext) -> DatabaseBusy | None:
    """SQLite's "database is locked" (after the busy timeout) as ``DatabaseBusy``, raised
    in its place by the engine, on whatever path the statement ran (the rollback that
    follows is the caller's, as for any error)."""
    return DatabaseBusy() if is_busy(context.original_exception) else None


def _lock_wait_error(context: ExceptionContext) -> DatabaseBusy | None:
    """PostgreSQL's lock timeout as ``DatabaseBusy``; a deadlock it broke, or a
    serialization failure, as ``ConflictingChange`` (another person's change at the same
    moment, not a long import: it says so, and ``retried`` tries it again)."""
    state = getattr(context.original_exception, "sqlstate", None)
    if state in (DEADLOCK_DETECTED, SERIALIZATION_FAILURE):
        return ConflictingChange()
    return DatabaseBusy() if state == LOCK_NOT_AVAILABLE else None


def retried(change: Callable[[], T], attempts: int | None = None) -> T:
    """``change()`` (a whole transaction: it begins, writes and commits or rolls back),
    made again when PostgreSQL undid it to break a deadlock (``ConflictingChange``), up to
    ``attempts`` times (``CONFLICT_ATTEMPTS``); then the error, with its sentence."""
    attempts = attempts or CONFLICT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return change()
        except ConflictingChange:
            if attempt == attempts:
                raise
            log.info("A change lost a deadlock and is made again (attempt %d)", attempt + 1)
            time.sleep(0.05 * attempt)  # let the other transaction finish first
    raise AssertionError("unreachable")


def session_factory(url: str, timeout: float | None = None) -> sessionmaker[Session]:
    """Sessions bound to the engine of ``url``."""
    return sessionmaker(engine_for(url, timeout), expire_on_commit=False)


def upgrade(url: str) -> None:
    """Create or upgrade the schema to the newest migration, then finish what an interrupted
    import or removal of a TMX file left behind (``workbench.memory.store``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine_for(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            # The web app and the workers may start together: one migrates, the others wait
            # for it (until its transaction ends, however long) and find nothing left to do.
            connection.execute(text("SET LOCAL lock_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    from workbench.memory.store import remove_interrupted

    try:
        with session_scope(url) as session:
            remove_interrupted(session)
    except DatabaseBusy:  # another process is writing: the next start or import tidies up
        log.warning("The database is busy; what an interrupted import left is removed later.")


@contextmanager
def session_scope(url: str, timeout: float | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (nothing half-stored);
    ``timeout``: the busy timeout, as ``engine_for`` takes it."""
    session = session_factory(url, timeout)()
    try:
        with committed(session):
            yield session
    finally:
        session.close()


def checkpoint(bind: Session | Connection | Engine) -> None:
    """Copy SQLite's write-ahead log into the database and truncate the -wal file, after a
    large write (an import): best effort, waiting at most a moment for readers to finish."""
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    engine = engine.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
        connection.exec_driver_sql(f"PRAGMA busy_timeout={int(CHECKPOINT_TIMEOUT * 1000)}")
        try:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").all()
        except (OperationalError, DatabaseBusy) as error:  # it is only tidying
            log.info("WAL checkpoint skipped: %s", error)
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(usual or 0)}")


def checkpoint_after_commit(session: Session) -> None:
    """Checkpoint the WAL (``checkpoint``) once ``session`` next commits: for a large write
    whose caller commits."""
    event.listen(session, "after_commit", checkpoint, once=True)


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = session_factory(current_app.config["DATABASE_URL"],
                                       current_app.config.get("DATABASE_BUSY_TIMEOUT"))()
    session: Session = g.db_session
    return session


@contextmanager
def committed(session: Session | None = None) -> Iterator[Session]:
    """The request's session (or ``session``) for one change: what the block writes is
    committed at its end, and rolled back if it raises (the error handlers then read a
    clean session). Every view that writes goes through here."""
    session = session if session is not None else get_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def close_session(_exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if _exc is not None:
            session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Register teardown and the ``Retry-After`` of a busy database's answer; make sure the
    schema is current."""
    app.teardown_appcontext(close_session)
    app.after_request(_retry_after)
    upgrade(app.config["DATABASE_URL"])


def _retry_after(response: Response) -> Response:
    """A 503 (``DatabaseBusy``, however the view answered it) says when to try again."""
    if response.status_code == DatabaseBusy.status and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(DatabaseBusy.retry_after)
    return response
