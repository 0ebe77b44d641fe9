"""The database: engine, sessions, migrations (after flaskr's ``db.py``, with SQLAlchemy 2).

The URL comes from ``WORKBENCH_DATABASE_URL`` when set, else an SQLite file in the
instance folder (WAL mode). The schema is created and upgraded by Alembic migrations that
ship inside the package, so a team can point the same code at PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_INSTANCE = Path.cwd() / "instance"


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
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL and process."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(url: str) -> sessionmaker[Session]:
    """Sessions bound to the engine of ``url``."""
    return sessionmaker(engine_for(url), expire_on_commit=False)


def upgrade(url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (nothing half-stored)."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = session_factory(current_app.config["DATABASE_URL"])()
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        if _exc is not None:
            session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    """Register teardown and make sure the schema is current."""
    app.teardown_appcontext(close_session)
    upgrade(app.config["DATABASE_URL"])
