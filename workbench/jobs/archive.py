"""An archive at once: a folder of saved pages, searched through, grouped into document sets,
each set aligned as a job, and a summary of what was imported, skipped and refused, and why.

Which files are versions of one page:

- by their names: in one folder, the files whose names differ only by the language
  (``000.ru-RU.html``, ``000.en-GB.html``; ``report_ru.txt``, ``report_en.txt``);
- else by their language-variant lists: in one folder, the files whose names give no
  language and whose pages list the same language versions ("• de-DE1 en-GB1 …", or
  ``hreflang`` links), one file per language.

A group with a single version is skipped (nothing to align it with), and so is one whose
pages are already in a set (unless ``add_anyway``); a file that cannot be read, or a group
with two files in one language, is refused. Nothing of a refused file is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from workbench.errors import WorkbenchError
from workbench.failures import os_problem, os_reason
from workbench.importers import Version, page_name, read_page_bytes, read_version

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".docx")


@dataclass(frozen=True)
class PageGroup:
    """The language versions of one page found in the archive."""

    name: str  # folder/page, relative to the archive's folder
    versions: tuple[Version, ...]


@dataclass
class ArchiveReport:
    """What became of the archive: sets made (or queued), groups skipped, files refused."""

    files: int = 0
    imported: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    queued: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def page_files(roots: Iterable[Path]) -> list[Path]:
    """The page files under ``roots`` (folders searched through, files taken as given), in
    name order."""
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.rglob("*")
                            if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                            and not any(part.startswith(".") for part in p.parts))
        else:
            found.append(root)
    return found


def group_pages(files: Sequence[Path], base: Path, report: ArchiveReport) -> list[PageGroup]:
    """The files read and grouped into pages; a file that cannot be read is refused."""
    by_name: dict[tuple[Path, str], list[Version]] = defaultdict(list)
    by_variants: dict[tuple[Path, tuple[str, ...]], list[Version]] = defaultdict(list)
    for path in files:
        shown = _relative(path, base)
        try:
            version = read_version(read_page_bytes(path), path.name)
        except OSError as error:
            report.refused.append((shown, _("cannot be read (%(reason)s).",
                                            reason=os_reason(os_problem(error)))))
            continue
        except WorkbenchError as error:
            report.refused.append((shown, error.message))
            continue
        version = Version(version.lang, version.title, version.paragraphs, version.published,
                          version.variants, shown)
        stem, named = page_name(path.name)
        if named or not version.variants:
            by_name[(path.parent, stem)].append(version)
        else:
            by_variants[(path.parent, tuple(sorted(version.variants)))].append(version)
    groups = [PageGroup(_relative(folder / stem, base), tuple(versions))
              for (folder, stem), versions in by_name.items()]
    for versions in by_variants.values():
        langs = [v.lang.split("-")[0] for v in versions]
        if len(set(langs)) < len(langs):  # two pages in one language: which go together?
            for v in versions:
                report.skipped.append((v.source, _(
                    "%(count)s files here list the same language versions, several in one "
                    "language, so which go together cannot be told; name them "
                    "page.ru-RU.html, page.en-GB.html …", count=len(versions))))
            continue
        groups.append(PageGroup(versions[0].source.rsplit(".", 1)[0], tuple(versions)))
    return sorted(groups, key=lambda g: g.name)


def import_archive(url: str, roots: Sequence[Path], *, runner: str,
                   add_anyway: bool = False, pivot: str | None = None) -> ArchiveReport:
    """Every page under ``roots`` aligned as a set, each set one job on ``runner``."""
    from workbench.db import session_factory
    from workbench.jobs.kinds import store_versions
    from workbench.jobs.runner import get_job, submit
    from workbench.sets import check_versions, find_duplicates

    report = ArchiveReport()
    files = page_files(roots)
    report.files = len(files)
    base = roots[0] if len(roots) == 1 and roots[0].is_dir() else Path.cwd()
    for group in group_pages(files, base, report):
        versions = group.versions
        if len(versions) < 2:
            report.skipped.append((group.name, _(
                "one language version only (%(file)s, %(lang)s).", file=versions[0].source,
                lang=versions[0].lang)))
            continue
        try:
            check_versions(versions)
        except WorkbenchError as error:
            report.refused.append((group.name, error.message))
            continue
        if not add_anyway:
            with session_factory(url)() as session:
                duplicates = find_duplicates(session, versions)
            if duplicates:
                report.skipped.append((group.name, _(
                    "already in the set “%(set)s” (%(id)s); “add anyway” (--add-anyway) stores it "
                    "again.",
                    set=duplicates[0].set_name, id=duplicates[0].set_id)))
                continue
        try:
            job_id = submit(url, "align", title=group.name, params={"pivot": pivot},
                            store_input=store_versions(versions), runner=runner)
        except WorkbenchError as error:
            report.refused.append((group.name, error.message))
            continue
        if runner == "eager":
            with session_factory(url)() as session:
                report.imported.append((group.name, job_id,
                                        dict(get_job(session, job_id).result or {})))
        else:
            report.queued.append((group.name, job_id))
    return report


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
