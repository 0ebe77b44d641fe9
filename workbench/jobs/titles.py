"""A job's title, in the language of whoever reads it.

A job stores what it is (its kind) and its parameters; its title is made from them each
time it is shown (``job_title``), in the reader's interface language: a colleague reads in
German the title of the alignment a Russian-speaking translator started. The words a person
gave the job (the name typed for a new set) are shown as they were typed.

Each kind names the function that makes its title (``workbench.jobs.kinds.KINDS``), among
those here.

The ``title`` column keeps the English title (``english_title``) or those words: what an
older workbench and a look into the database show. A job stored before titles were made
when shown has its title in its submitter's language and may lack the parameters the title
is made of: its stored title is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _


def aligning(params: Mapping[str, Any]) -> str | None:
    if params.get("name"):  # the new set's name, as the person typed it
        return str(params["name"])
    files = params.get("files")
    return _("Aligning %(files)s", files=_listed(files)) if files else None


def importing(params: Mapping[str, Any]) -> str | None:
    name = params.get("file_name")
    return _("Importing %(file)s", file=name) if name else None


def exporting(params: Mapping[str, Any]) -> str | None:
    langs = params.get("langs")
    return _("Exporting the memory (%(langs)s)", langs=_listed(langs)) if langs else None


def realigning(params: Mapping[str, Any]) -> str | None:
    name = params.get("set_name")
    return _("Re-aligning %(name)s", name=name) if name else None


def discovering(params: Mapping[str, Any]) -> str | None:
    if "set_ids" not in params:
        return None
    ids = params["set_ids"] or ()
    return (_("Finding terminology flags in sets %(ids)s", ids=_listed(ids)) if ids
            else _("Finding terminology flags in the whole corpus"))


def _listed(values: Sequence[object]) -> str:
    return ", ".join(map(str, values))


def job_title(kind: str, params: Mapping[str, Any] | None, stored: str = "") -> str:
    """The title of a job of ``kind`` with ``params``, in the interface language of the
    request (English where there is none: the command line); ``stored`` where the
    parameters do not say it (a job stored before titles were made when shown, a page of an
    archive)."""
    from workbench.jobs.kinds import KINDS  # (the kinds' module runs jobs, which title them)

    found = KINDS.get(kind)
    made = found.title(params or {}) if found is not None and found.title else None
    return made if made is not None else stored


def english_title(kind: str, params: Mapping[str, Any] | None, given: str = "") -> str:
    """The title kept in the ``title`` column: ``job_title`` in English."""
    english = force_locale("en") if has_app_context() else nullcontext()
    with english:
        return job_title(kind, params, given)
