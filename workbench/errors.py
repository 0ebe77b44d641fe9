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
    """Something the user can act on went wrong; ``str(error)`` says what, in plain words."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
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
