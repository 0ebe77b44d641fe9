"""What every command group shares (``workbench memory``, ``jobs``, ``termbase``,
``accounts`` …): the database it works on, and errors as one line and exit status 1."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from alignments import AlignmentError
from workbench.db import database_url, upgrade
from workbench.errors import WorkbenchError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn workbench and engine errors into ``click.ClickException`` (one line, exit 1)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except WorkbenchError as error:
            raise click.ClickException(error.message) from error
        except AlignmentError as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def current_database() -> str:
    """The database of every command: ``WORKBENCH_DATABASE_URL``, else instance/ under the
    current folder; created or upgraded first (a locked database: one line, exit 1)."""
    url = database_url(Path.cwd() / "instance")
    try:
        upgrade(url)
    except WorkbenchError as error:  # DatabaseBusy
        raise click.ClickException(error.message) from error
    return url


def sum_up(files: int, imported: int, items: int, what: str, refused: Sequence[str], *,
           summary: bool = True) -> None:
    """The end of an import of several files, each on its own: how many went in and what
    was refused and why (for one file, its own line said it all; none without
    ``summary``); exit 1 if any was refused."""
    if summary and files > 1:
        line = (f"Imported {imported} of {files} files ({items:,} {what})"
                + (f"; refused {len(refused)}:" if refused else "."))
        click.echo(line, err=bool(refused))
        for reason in refused:
            click.echo(f"  {reason}", err=True)
    if refused:
        raise SystemExit(1)
