"""The alignment editor's operations, as library functions over a session.

Every operation takes the set's ``revision`` the edit was made on (a stale one is refused
with ``StaleEdit``), records an ``Edit`` with before/after snapshots of what it changed so
it can be undone and redone without limit, and bumps the revision. The caller commits, or
rolls back on any error (then nothing was changed).
"""

from workbench.editing.history import EditRefused, EditResult, redo, steps, undo
from workbench.editing.operations import (
    confirm_row,
    confirm_through,
    edit_text,
    isolate_sentence,
    merge_next,
    move_sentence,
    split_sentence,
)
from workbench.editing.realign import realign_after_confirmed

__all__ = [
    "EditRefused",
    "EditResult",
    "confirm_row",
    "confirm_through",
    "edit_text",
    "isolate_sentence",
    "merge_next",
    "move_sentence",
    "realign_after_confirmed",
    "redo",
    "split_sentence",
    "steps",
    "undo",
]
