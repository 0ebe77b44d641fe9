"""What every command group shares (``workbench memory``, ``jobs``, ``termbase``,
``accounts`` …): the database it works on, errors as one line and exit status 1, and the
activity log of the changes made from the command line (``log_changes``)."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask_babel import ngettext

from alignments import AlignmentError
from workbench.db import database_url, upgrade
from workbench.errors import DatabaseUnreachable, WorkbenchError

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)
# where the root command keeps ``--as NAME`` (``ctx.meta``)
ACTING_AS = "workbench.acting_as"
CLI_METHOD = "CLI"


def reports_errors(command: F) -> F:
    """Turn workbench and engine errors into ``click.ClickException`` (one line, exit 1)."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatabaseUnreachable as error:
            raise click.ClickException(unreachable_line(error)) from error
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
    except DatabaseUnreachable as error:
        raise click.ClickException(unreachable_line(error)) from error
    except WorkbenchError as error:  # DatabaseBusy
        raise click.ClickException(error.message) from error
    return url


def wait_option(command: F) -> F:
    """``--wait-for-database SECONDS`` (``WORKBENCH_DATABASE_WAIT``), of the commands a
    service manager starts together with the database (``serve``, ``worker``)."""
    from workbench.db import DATABASE_WAIT

    return click.option(
        "--wait-for-database", "wait", type=click.FloatRange(0, 24 * 3600),
        default=DATABASE_WAIT, show_default=True, envvar="WORKBENCH_DATABASE_WAIT",
        metavar="SECONDS",
        help="How long to wait for a database server that does not answer yet (started "
             "at the same time, by systemd or docker-compose), saying so on stderr; 0: "
             "not at all. Also WORKBENCH_DATABASE_WAIT.")(command)


def database_awaited(wait: float) -> str:
    """The database of the command (as ``current_database``), once its server answers:
    waited for up to ``wait`` seconds (``db.wait_for_database``); past that, one line and
    exit status 1."""
    from workbench.db import wait_for_database

    url = database_url(Path.cwd() / "instance")
    try:
        wait_for_database(url, wait, lambda line: click.echo(line, err=True))
    except DatabaseUnreachable as error:
        tail = (f" Gave up after waiting {wait:.0f} s: start the database first, or wait "
                "longer with --wait-for-database SECONDS (WORKBENCH_DATABASE_WAIT)."
                if wait > 0 else "")
        raise click.ClickException(unreachable_line(error).rstrip(".") + "." + tail) \
            from error
    return current_database()


def shown_url(url: str) -> str:
    """A database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot even parse: as it was given
        return url


def unreachable_line(error: DatabaseUnreachable) -> str:
    """A database that cannot be reached, for the command line: whoever runs it runs the
    server too, so the line names the database (never its password) and the driver's
    reason, which the web's page leaves out."""
    return (f"The database {shown_url(database_url(Path.cwd() / 'instance'))} cannot be "
            f"used: {error.reason or error.message}")


def sum_up(files: int, imported: int, items: str, refused: Sequence[str], *,
           summary: bool = True) -> None:
    """The end of an import of several files, each on its own: how many went in (``items``:
    what they held, counted in words, "1 unit", "1,234 units") and what was refused and why
    (for one file, its own line said it all; none without ``summary``); exit 1 if any was
    refused."""
    if summary and files > 1:
        line = ngettext("Imported %(done)s of %(num)d file (%(items)s)",
                        "Imported %(done)s of %(num)d files (%(items)s)", files,
                        done=imported, items=items) \
            + (ngettext("; refused %(num)d:", "; refused %(num)d:", len(refused))
               if refused else ".")
        click.echo(line, err=bool(refused))
        for reason in refused:
            click.echo(f"  {reason}", err=True)
    if refused:
        raise SystemExit(1)


# -- the activity log of the command line --------------------------------------------------

# A command that changes data is logged always (True) or when its parameters say it does.
Logged = bool | Callable[[Mapping[str, Any]], bool]


def cli_person_name(ctx: click.Context | None = None) -> str:
    """Who runs this command: ``--as NAME`` when given, else ``cli:`` and the system user."""
    ctx = ctx or click.get_current_context(silent=True)
    named = ctx.find_root().meta.get(ACTING_AS) if ctx is not None else None
    if named:
        return str(named)
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no entry in the password file
        user = "unknown"
    return f"cli:{user}"


def log_changes(root: click.Group, changing: Mapping[str, Logged]) -> None:
    """Have every command named in ``changing`` ("import", "accounts add" …) write what it
    did to the activity log when it ends: who (``cli_person_name``), method ``CLI``, the
    command as endpoint, the command line as path, its exit status, and the set when a
    ``SET`` argument names one by id. One place for every command group, their modules
    unchanged: the commands' callbacks are wrapped here."""
    for name, when in changing.items():
        command: click.Command | None = root
        for part in name.split():
            command = command.commands.get(part) if isinstance(command, click.Group) else None
        if command is None or command.callback is None:
            raise LookupError(f"no command 'workbench {name}' to log")
        command.callback = _logged(command.callback, name, when)


def _logged(callback: Callable[..., Any], name: str, when: Logged) -> Callable[..., Any]:
    @wraps(callback)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            outcome = callback(*args, **kwargs)
        except SystemExit as stop:  # some of it done (an import with a file refused …)
            code = stop.code if isinstance(stop.code, int) else 1
            if code and _wanted(when, ctx.params):
                write_cli_activity(ctx, name, status=code)
            raise
        # a ClickException or Abort: nothing was changed, nothing to log
        if _wanted(when, ctx.params):
            write_cli_activity(ctx, name, status=0)
        return outcome

    wrapper.logs_activity = name  # type: ignore[attr-defined]
    return wrapper


def _wanted(when: Logged, params: Mapping[str, Any]) -> bool:
    return when(params) if callable(when) else bool(when)


def write_cli_activity(ctx: click.Context, name: str, *, status: int) -> None:
    """One line of the activity log for a command that ran (in its own transaction); a
    database that cannot take it only costs a warning: the change itself is made."""
    from sqlalchemy.exc import SQLAlchemyError

    from workbench.accounts.policy import Role
    from workbench.accounts.store import Person, record
    from workbench.db import session_scope

    person = Person(cli_person_name(ctx), Role.ADMINISTRATOR, signed_in=False)
    set_ref = ctx.params.get("set_ref")
    set_id = int(set_ref) if isinstance(set_ref, str) and set_ref.isdigit() \
        and len(set_ref) < 10 else None
    try:
        url = database_url(Path.cwd() / "instance")
        with session_scope(url) as session:
            record(session, person, method=CLI_METHOD, endpoint=name,
                   path=command_line(ctx, name), status=status, set_id=set_id)
    except (WorkbenchError, SQLAlchemyError) as error:
        log.warning("The activity log missed 'workbench %s' by %s: %s", name, person.name,
                    error)
        if status == 0:  # a command that failed has said so already, in one line
            click.echo(f"Warning: the activity log could not record this change ({error}).",
                       err=True)


def command_line(ctx: click.Context, name: str) -> str:
    """The command as it was given, for the log: its arguments and the options that were
    set (never a password: those are read from a prompt or standard input)."""
    words: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value is None or value is False or value == () or param.name == "yes":
            continue
        if isinstance(param, click.Argument):
            words += [str(v) for v in value] if isinstance(value, tuple | list) \
                else [str(value)]
        elif isinstance(param, click.Option):
            if value == param.default and not param.required:
                continue
            flag = max(param.opts, key=len)
            if param.is_flag:
                words.append(flag)
            else:
                for item in value if isinstance(value, tuple | list) else [value]:
                    words += [flag, str(item)]
    return " ".join(["workbench", name, *(_quoted(word) for word in words)])[:500]


def _quoted(word: str) -> str:
    return f'"{word}"' if not word or any(c.isspace() for c in word) else word
