"""Terminology: variant flags found in the aligned sets, a termbase (TBX in and out), the
terminologist's decisions, and the checks of every row against the termbase.

``alignments.terms`` finds the flags (pure); this package reads the rows from the
database, stores concepts and decisions, and answers the CLI and the web views.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError


class TermbaseError(WorkbenchError):
    """A termbase file or a decision that cannot be taken (bad TBX, unknown flag ...)."""


__all__ = ["TermbaseError"]
