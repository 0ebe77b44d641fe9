"""Accounts and the activity log: the library the web pages and the CLI call.

With no active account the workbench is one person's desk: nobody signs in and every change
is made by the local administrator (``LOCAL``). Adding the first account turns sign-in on;
from then on every page asks who is there. The last active administrator can be neither
demoted nor deactivated, so a team cannot lock itself out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from workbench.accounts.models import Account, Activity
from workbench.accounts.policy import Role
from workbench.errors import NotFound, WorkbenchError

MIN_PASSWORD = 8
MAX_NAME = 80
# a hash to check against when the name is unknown, so that a wrong name takes as long as
# a wrong password (no way to learn which names exist by timing)
_NOBODY = generate_password_hash("not a password of anyone's")


class AccountError(WorkbenchError):
    """An account cannot be made or changed as asked (a taken name, a short password …)."""


@dataclass(frozen=True)
class Person:
    """Who makes a change: an account's name and role, or the local user of a desk."""

    name: str
    role: str
    signed_in: bool = True  # False for the local user of a desk with no accounts


LOCAL = Person("local", Role.ADMINISTRATOR, signed_in=False)


def role_label(role: str) -> str:
    """A role as the interface names it."""
    labels: dict[str, str] = {Role.TRANSLATOR: _("translator"),
                              Role.TERMINOLOGIST: _("terminologist"),
                              Role.ADMINISTRATOR: _("administrator")}
    return labels.get(role, role)


def activity_label(endpoint: str) -> str:
    """What a logged change did, as the interface names it (the address when unknown)."""
    return {
        "sets.create": _("created a set"), "sets.rename": _("renamed a set"),
        "sets.delete": _("deleted a set"), "editor.merge": _("merged rows"),
        "editor.split": _("split a row"), "editor.move": _("moved a sentence"),
        "editor.isolate": _("gave a sentence its own row"),
        "editor.text": _("edited a sentence"),
        "editor.confirm": _("confirmed a row"), "editor.confirm_through": _("confirmed rows"),
        "editor.realign": _("re-aligned"), "editor.undo": _("undid an edit"),
        "editor.redo": _("redid an edit"), "memory.import_file": _("imported a memory file"),
        "memory.remove_file": _("removed a memory file"),
        "terminology.settle_flag": _("settled a term"),
        "terminology.dismiss_flag": _("dismissed a flag"),
        "terminology.reopen_flag": _("reopened a flag"),
        "terminology.termbase_import": _("imported a termbase"),
        "terminology.exclude_sets_view": _("left sets out of the terminology"),
        "terminology.false_positive": _("marked a check as a false positive"),
        "accounts.login": _("signed in"), "accounts.logout": _("signed out"),
        "accounts.create": _("added an account"), "accounts.change_role": _("changed a role"),
        "accounts.change_active": _("allowed or stopped an account"),
        "accounts.change_password": _("changed their password"),
    }.get(endpoint, "")


def in_use(session: Session) -> bool:
    """Whether sign-in is on: some account is active."""
    return session.scalar(select(Account.id).where(Account.active).limit(1)) is not None


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.name)))


def get_account(session: Session, name: str) -> Account:
    account = session.scalar(select(Account).where(Account.name == name.strip()))
    if account is None:
        raise NotFound(_("There is no account named “%(name)s”.", name=name))
    return account


def add_account(session: Session, name: str, role: str, password: str) -> Account:
    """A new active account. Raises ``AccountError`` for a taken or unusable name, an
    unknown role or a password shorter than ``MIN_PASSWORD``."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(c.isspace() for c in name):
        raise AccountError(_("A name has 1 to %(most)s characters and no spaces.",
                             most=MAX_NAME))
    _check_role(role)
    _check_password(password)
    if session.scalar(select(Account.id).where(func.lower(Account.name) == name.lower())):
        raise AccountError(_("The name “%(name)s” is taken.", name=name))
    account = Account(name=name, role=str(role), active=True,
                      password_hash=generate_password_hash(password))
    session.add(account)
    session.flush()
    return account


def set_role(session: Session, name: str, role: str) -> Account:
    account = get_account(session, name)
    _check_role(role)
    if account.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        _keep_an_administrator(session, account)
    account.role = str(role)
    return account


def set_active(session: Session, name: str, active: bool) -> Account:
    account = get_account(session, name)
    if not active and account.role == Role.ADMINISTRATOR:
        _keep_an_administrator(session, account)
    account.active = active
    return account


def set_password(session: Session, name: str, password: str) -> Account:
    account = get_account(session, name)
    _check_password(password)
    account.password_hash = generate_password_hash(password)
    return account


def authenticate(session: Session, name: str, password: str) -> Account | None:
    """The active account with this name and password, else None."""
    account = session.scalar(select(Account).where(Account.name == name.strip()))
    if account is None:
        check_password_hash(_NOBODY, password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    return account


def record(session: Session, person: Person, *, method: str, endpoint: str, path: str,
           status: int, set_id: int | None) -> None:
    session.add(Activity(account=person.name[:MAX_NAME], role=person.role, method=method,
                         endpoint=endpoint[:120], path=path[:500], status=status,
                         set_id=set_id))


def activities(session: Session, *, set_id: int | None = None, account: str | None = None,
               limit: int = 200) -> Sequence[Activity]:
    """The newest changes first, of one set or one person when asked."""
    query = select(Activity).order_by(Activity.id.desc()).limit(limit)
    if set_id is not None:
        query = query.where(Activity.set_id == set_id)
    if account:
        query = query.where(Activity.account == account)
    return list(session.scalars(query))


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise AccountError(_("Unknown role “%(role)s”: translator, terminologist or "
                             "administrator.", role=role))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("A password has at least %(least)s characters.",
                             least=MIN_PASSWORD))


def _keep_an_administrator(session: Session, account: Account) -> None:
    others = session.scalar(select(func.count(Account.id)).where(
        Account.role == Role.ADMINISTRATOR, Account.active, Account.id != account.id))
    if not others:
        raise AccountError(_("“%(name)s” is the last active administrator; make another "
                             "administrator first.", name=account.name))
