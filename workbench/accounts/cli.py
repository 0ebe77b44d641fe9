"""``workbench accounts``: people and roles from the command line (library first, thin)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from workbench.accounts.policy import Role
from workbench.accounts.store import (
    add_account,
    list_accounts,
    role_label,
    set_active,
    set_password,
    set_role,
)
from workbench.db import database_url, session_scope, upgrade
from workbench.errors import WorkbenchError

ROLES = click.Choice([str(role) for role in Role])


F = TypeVar("F", bound=Callable[..., Any])


def _one_line(command: F) -> F:
    """A ``WorkbenchError`` as one line on stderr and exit status 1, like every command."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except WorkbenchError as error:
            raise click.ClickException(error.message) from error

    return wrapper  # type: ignore[return-value]


def _url() -> str:
    url = database_url(Path.cwd() / "instance")
    upgrade(url)
    return url


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.group()
def accounts() -> None:
    """People who sign in, and their roles.

    With no account the workbench is one person's desk and asks nobody to sign in; the
    first account turns sign-in on (make it an administrator).

    Example: workbench accounts add ada --role administrator
    """


@accounts.command("list")
@_one_line
def list_command() -> None:
    """Every account with its role."""
    with session_scope(_url()) as session:
        for account in list_accounts(session):
            state = "" if account.active else "  (cannot sign in)"
            click.echo(f"{account.name}\t{account.role}{state}")


@accounts.command("add")
@click.argument("name")
@click.option("--role", type=ROLES, required=True,
              help="translator, terminologist or administrator")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_one_line
def add_command(name: str, role: str, password_stdin: bool) -> None:
    """Add an account (the first one should be an administrator)."""
    password = _password(password_stdin)
    with session_scope(_url()) as session:
        account = add_account(session, name, role, password)
        click.echo(f"Added {account.name} ({role_label(account.role)}).")


@accounts.command("role")
@click.argument("name")
@click.argument("role", type=ROLES)
@_one_line
def role_command(name: str, role: str) -> None:
    """Give an account another role."""
    with session_scope(_url()) as session:
        account = set_role(session, name, role)
        click.echo(f"{account.name} is now {account.role}.")


@accounts.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@_one_line
def password_command(name: str, password_stdin: bool) -> None:
    """Set an account's password."""
    password = _password(password_stdin)
    with session_scope(_url()) as session:
        set_password(session, name, password)
        click.echo(f"The password of {name} was changed.")


@accounts.command("disable")
@click.argument("name")
@_one_line
def disable_command(name: str) -> None:
    """Stop an account from signing in (its activity stays in the log)."""
    with session_scope(_url()) as session:
        set_active(session, name, False)
        click.echo(f"{name} can no longer sign in.")


@accounts.command("enable")
@click.argument("name")
@_one_line
def enable_command(name: str) -> None:
    """Let an account sign in again."""
    with session_scope(_url()) as session:
        set_active(session, name, True)
        click.echo(f"{name} can sign in again.")
