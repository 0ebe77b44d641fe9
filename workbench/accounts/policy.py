"""Who may do what: the three roles of a translation department, as data.

Reading is open to every signed-in person. A change (any request other than GET, HEAD or
OPTIONS) is allowed by the area it touches:

- translators align, correct and confirm rows, manage document sets, import memories and
  run jobs;
- terminologists settle, dismiss and reopen terminology flags and import termbases;
- administrators may do everything, and alone manage accounts and remove imported memory
  files (a removal takes every unit of a file away from the whole team).

An area this table does not name is for administrators only: a new area must say who may
change it before anyone but an administrator can.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Role", "may_change", "READ_METHODS"]

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Role(StrEnum):
    TRANSLATOR = "translator"
    TERMINOLOGIST = "terminologist"
    ADMINISTRATOR = "administrator"


# blueprint -> the roles that may change what it shows
_AREAS: dict[str, frozenset[Role]] = {
    "sets": frozenset({Role.TRANSLATOR}),
    "editor": frozenset({Role.TRANSLATOR}),
    "memory": frozenset({Role.TRANSLATOR}),
    "jobs": frozenset({Role.TRANSLATOR, Role.TERMINOLOGIST}),
    "terminology": frozenset({Role.TERMINOLOGIST}),
    "accounts": frozenset(),
}
# endpoints that differ from their area
_ENDPOINTS: dict[str, frozenset[Role]] = {
    "memory.remove_file": frozenset(),
    "accounts.login": frozenset(Role),
    "accounts.logout": frozenset(Role),
    "accounts.change_password": frozenset(Role),
    # finding the flags again decides nothing: whoever may run jobs
    "terminology.discover": frozenset({Role.TRANSLATOR, Role.TERMINOLOGIST}),
    # exporting the memory (a job writing a file) reads it: anyone who may read it
    "memory.export_job": frozenset(Role),
}


def may_change(role: str, endpoint: str | None) -> bool:
    """Whether a person with ``role`` may make a change through ``endpoint`` ("area.view")."""
    if role == Role.ADMINISTRATOR:
        return True
    if not endpoint:
        return False
    allowed = _ENDPOINTS.get(endpoint)
    if allowed is None:
        allowed = _AREAS.get(endpoint.split(".", 1)[0], frozenset())
    return role in allowed
