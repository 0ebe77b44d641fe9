"""The demo corpus: five ministry pages in ru-RU, en-GB, de-DE, fr-FR and es-ES.

``pages/`` holds the HTML as a user would import it; ``gold/`` the hand alignment used by
the tests and benchmarks; ``source/`` the authoring files both are built from
(``python bench/build_demo.py``).
"""

from __future__ import annotations

from collections import defaultdict
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.models import DocumentSet


def demo_pages() -> dict[str, list[tuple[str, bytes]]]:
    """The demo pages grouped by page number: (file name, bytes) for each language."""
    pages: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    folder = resources.files("workbench.demo") / "pages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".html"):
            pages[entry.name.split(".")[0]].append((entry.name, entry.read_bytes()))
    return dict(pages)


def load_demo(session: Session) -> int:
    """Import and align the demo corpus when the database holds no set; the number created."""
    from workbench.importers import read_version
    from workbench.sets import create_set

    if session.scalar(select(func.count()).select_from(DocumentSet)):
        return 0
    created = 0
    for files in demo_pages().values():
        versions = [read_version(data, name) for name, data in files]
        if len(versions) >= 2:
            create_set(session, versions)
            created += 1
    return created
