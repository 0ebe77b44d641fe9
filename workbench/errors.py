"""One error tree for the application: each error carries a sentence a person understands.

The web layer maps an error to its HTTP status and a page (or JSON); the CLI maps it to a
one-line message on stderr and a non-zero exit status.
"""

from __future__ import annotations

from typing import Protocol

from flask_babel import gettext


class Translatable(Protocol):
    """An error of the ``tmx`` package: an English template with its parameters."""

    template: str
    params: dict[str, object]


def in_user_language(error: Translatable) -> str:
    """The message of a ``tmx`` error (TMX or TBX reading) in the user's language."""
    return gettext(error.template, **error.params)


class WorkbenchError(Exception):
    """Something the user can act on went wrong; ``str(error)`` says what, in plain words.

    ``kind`` and ``params``, when given (``workbench.failures.refusal``), name the failure
    and its particulars, so that a job it stops says it in each reader's language (the
    database's own errors below carry theirs)."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None, kind: str = "",
                 params: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.params = dict(params or {})
        if status is not None:
            self.status = status


class PageImportError(WorkbenchError):
    """A page could not be imported: wrong encoding, empty, not a page, unknown language."""


class NotFound(WorkbenchError):
    """A document set, row or term that does not exist."""

    status = 404


class StaleEdit(WorkbenchError):
    """An edit made on an out-of-date view of a set; the fresh state must be shown."""

    status = 409


class AlignmentFailed(WorkbenchError):
    """The engine could not align the versions."""

    status = 422


class ExportError(WorkbenchError):
    """A TMX or TBX export could not be produced (no rows, an unknown language ...)."""


class DatabaseBusy(WorkbenchError):
    """The database stayed locked by another writer (a large import, a re-alignment) for
    longer than the busy timeout; nothing of the request was stored, it can be tried again."""

    status = 503
    retry_after = 5  # seconds, for the Retry-After header

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext(
            "Another import or re-alignment is writing to the database; nothing of yours was "
            "lost. Try again in a moment."), kind="" if message else "database-busy")


class DatabaseUnreachable(WorkbenchError):
    """The database server does not answer (PostgreSQL stopped, the network down) or the
    database file cannot be opened: nothing of the request was read or stored. The next
    request tries again (pooled connections are checked before use), so the workbench
    recovers by itself once the database is back.

    ``message`` is for whoever is at the screen and names no server, file or password;
    ``reason`` is the driver's own first line, for the log and the command line (whose user
    runs the server)."""

    status = 503
    retry_after = 30  # seconds: a restart of the database takes longer than a lock

    def __init__(self, reason: str = "") -> None:
        super().__init__(gettext(
            "The database cannot be reached just now, so nothing could be read or stored. "
            "Try again in a minute; if it lasts, tell the workbench's administrator."))
        self.kind = "database-unreachable"  # a job it stops says it in its reader's language
        self.reason = reason


class ConflictingChange(DatabaseBusy):
    """PostgreSQL broke a deadlock between this change and another person's, or could not
    serialize them, by undoing this one: nothing of it was stored, and trying it again
    works (``db.retried`` does so a few times before saying it)."""

    def __init__(self) -> None:
        super().__init__(gettext(
            "Someone else was changing the same set at that very moment; nothing of yours "
            "was stored. Try again."))
        self.kind = "conflicting-change"


BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` (an ``sqlalchemy.exc.OperationalError`` or a DB-API error) says the
    database was locked by another connection."""
    reason = str(getattr(error, "orig", None) or error).lower()
    return any(message in reason for message in BUSY_MESSAGES)
