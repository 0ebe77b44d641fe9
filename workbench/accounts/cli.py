"""``workbench accounts``: people and roles from the command line (library first, thin)."""

from __future__ import annotations

import sys

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
from workbench.commands import current_database, reports_errors
from workbench.db import session_scope

ROLES = click.Choice([str(role) for role in Role])




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
@reports_errors
def list_command() -> None:
    """Every account with its role."""
    with session_scope(current_database()) as session:
        for account in list_accounts(session):
            state = "" if account.active else "  (cannot sign in)"
            click.echo(f"{account.name}\t{account.role}{state}")


@accounts.command("add")
@click.argument("name")
@click.option("--role", type=ROLES, required=True,
              help="translator, terminologist or administrator")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@reports_errors
def add_command(name: str, role: str, password_stdin: bool) -> None:
    """Add an account (the first one should be an administrator)."""
    password = _password(password_stdin)
    with session_scope(current_database()) as session:
        account = add_account(session, name, role, password)
        click.echo(f"Added {account.name} ({role_label(account.role)}).")


@accounts.command("role")
@click.argument("name")
@click.argument("role", type=ROLES)
@reports_errors
def role_command(name: str, role: str) -> None:
    """Give an account another role."""
    with session_scope(current_database()) as session:
        account = set_role(session, name, role)
        click.echo(f"{account.name} is now {account.role}.")


@accounts.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@reports_errors
def password_command(name: str, password_stdin: bool) -> None:
    """Set an account's password."""
    password = _password(password_stdin)
    with session_scope(current_database()) as session:
        set_password(session, name, password)
        click.echo(f"The password of {name} was changed.")


@accounts.command("disable")
@click.argument("name")
@reports_errors
def disable_command(name: str) -> None:
    """Stop an account from signing in (its activity stays in the log)."""
    _allow(name, False)


@accounts.command("enable")
@click.argument("name")
@reports_errors
def enable_command(name: str) -> None:
    """Let an account sign in again."""
    _allow(name, True)


def _allow(name: str, active: bool) -> None:
    with session_scope(current_database()) as session:
        set_active(session, name, active)
    click.echo(f"{name} can sign in again." if active else f"{name} can no longer sign in.")
