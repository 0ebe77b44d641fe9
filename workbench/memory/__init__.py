"""The translation memory: TMX files imported from other tools plus the aligned sets, searched
by concordance (SQLite FTS5) and by fuzzy match (rapidfuzz), as a CAT tool would.

``imports`` stores a TMX file's units in one transaction; ``concordance`` and ``fuzzy``
search both the imported units and the rows of every document set.
"""

from __future__ import annotations

from workbench.errors import WorkbenchError


class MemoryImportError(WorkbenchError):
    """A TMX file that cannot go into the memory (malformed, hostile, empty); nothing of it
    is stored."""


class MemoryQueryError(WorkbenchError):
    """A search the memory cannot answer as asked (no words, an unknown language code ...)."""


__all__ = ["MemoryImportError", "MemoryQueryError"]
