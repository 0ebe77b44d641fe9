"""Why a job failed or was cancelled, by kind and particulars, said in the reader's language.

A job keeps what stopped it as a kind and its parameters (``Job.failure_kind`` and
``Job.failure_params``, migration 0019), and the jobs page, a job's page and its JSON say
it in the language of whoever reads them (``failure_message``), as they say its title
(``workbench.jobs.titles``): a colleague reads in Russian why the alignment an English
speaker started failed. The errors the workbench raises where a job can stop carry their
kind too (``WorkbenchError.kind``; ``refusal`` makes one): the alignment engine's refusals,
a set changed or deleted meanwhile, a page past the limits, a TMX file that cannot be read
or is in the memory already, an export with nothing to write, discovery with no set to
search; and a job's files on disk (``unreadable_input``, ``unwritable_output``): its input
gone, its output not written (the disk full, a folder it may not write to). A job
cancelled, stopped by an unexpected error or given up by the sweep
(``workbench.jobs.runner``) has its kind as well.

The ``message`` column keeps the English sentence (``english_message``): what the command
line prints and an older workbench shows. A failure with no kind (a ``WorkbenchError``
raised with a finished sentence only) keeps its sentence in the submitter's language, and a
job stored before 0019 its message as it was: they are shown as stored.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import has_app_context
from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _

from alignments.errors import AlignmentError
from workbench.engine_messages import engine_message
from workbench.errors import (
    ConflictingChange,
    DatabaseBusy,
    DatabaseUnreachable,
    WorkbenchError,
)


def _engine(params: Mapping[str, Any]) -> str:
    refusal = AlignmentError(str(params["kind"]), **dict(params.get("params") or {}))
    return _("The versions could not be aligned: %(reason)s", reason=engine_message(refusal))


def _sentence_too_long(params: Mapping[str, Any]) -> str:
    return _(
        "%(file)s has a sentence of %(length)s characters; a sentence may have "
        "at most %(limit)s. It begins: “%(start)s …”. This is usually running text without "
        "sentence punctuation (a list, a table, or text saved without full stops): add the "
        "full stops, or blank lines between its parts, and import the page again. Nothing "
        "was stored.",
        file=params["file"], length=format_decimal(params["length"]),
        limit=format_decimal(params["limit"]), start=params["start"])


def _too_many_sentences(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(file)s has %(count)s sentence; a language version of a page may "
        "have at most %(limit)s. Import a document this long as several pages. Nothing "
        "was stored.",
        "%(file)s has %(count)s sentences; a language version of a page may "
        "have at most %(limit)s. Import a document this long as several pages. Nothing "
        "was stored.",
        count, file=params["file"], count=format_decimal(count),
        limit=format_decimal(params["limit"]))


def _about_too_many_sentences(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(file)s has about %(count)s sentence (counting stopped past "
        "%(limit)s); a language version of a page may have at most %(limit)s. Import a "
        "document this long as several pages. Nothing was stored.",
        "%(file)s has about %(count)s sentences (counting stopped past "
        "%(limit)s); a language version of a page may have at most %(limit)s. Import a "
        "document this long as several pages. Nothing was stored.",
        count, file=params["file"], count=format_decimal(count),
        limit=format_decimal(params["limit"]))


def _tmx_unreadable(params: Mapping[str, Any]) -> str:
    # the reason is the ``tmx`` reader's own template (marked with N_) and its particulars
    reason = _(str(params["reason"]), **dict(params.get("details") or {}))
    where = _("%(file)s, line %(line)s", file=params["file"], line=params["line"]) \
        if params.get("line") else params["file"]
    return _("%(where)s: %(reason)s. Nothing was imported.", where=where, reason=reason)


def _count(number: int) -> str:
    """``number`` as the reader writes it (2,000; 2 000 in Russian); outside the app (a
    script importing into the memory) as English does."""
    return format_decimal(number) if has_app_context() else f"{number:,}"


def _tmx_same_file(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(file)s is the same file as %(earlier)s, imported on %(date)s: its "
        "%(count)s unit with text is in the memory already. Nothing was added.",
        "%(file)s is the same file as %(earlier)s, imported on %(date)s: its "
        "%(count)s units with text are all in the memory already. Nothing was added.",
        count, file=params["file"], earlier=params["earlier"], date=params["date"],
        count=_count(count))


def _tmx_in_memory(params: Mapping[str, Any]) -> str:
    count = int(params["count"])
    return ngettext(
        "%(file)s: its %(count)s unit with text is in the memory already "
        "(imported from %(files)s). Nothing was added.",
        "%(file)s: its %(count)s units with text are all in the memory already "
        "(imported from %(files)s). Nothing was added.",
        count, file=params["file"], count=_count(count), files=params["files"])


def _too_few_languages(params: Mapping[str, Any]) -> str:
    chosen = list(params.get("chosen") or ())
    if chosen:
        return _("A TMX needs at least two languages, and only %(lang)s was chosen.",
                 lang=", ".join(map(str, chosen)))
    return _("A TMX needs at least two languages, and none was chosen.")


def _nothing_to_export(params: Mapping[str, Any]) -> str:
    if params.get("confirmed_only"):
        return _("Nothing to export: no confirmed row and no imported unit has text in two "
                 "of these languages.")
    return _("Nothing to export: no unit has text in two of these languages.")


# What the system said of a file or folder it could not read or write (an ``OSError``),
# by its errno's name, in the reader's language; the system's own words (``strerror``,
# in the language the server runs in) are kept beside, and shown only where none of
# these fits.
OS_PROBLEMS: dict[str, Callable[[], str]] = {
    "EACCES": lambda: _("no permission"),
    "EPERM": lambda: _("no permission"),
    "ENOENT": lambda: _("no such file or folder"),
    "ENOTDIR": lambda: _("a part of the path is not a folder"),
    "EISDIR": lambda: _("it is a folder, not a file"),
    "EROFS": lambda: _("the disk is read-only"),
    "ENAMETOOLONG": lambda: _("the name is too long"),
}


def os_problem(error: OSError) -> dict[str, str]:
    """What a failure keeps of ``error``: its kind (``problem``, the errno's name) and the
    system's own words as a detail (``reason``)."""
    return {"problem": errno.errorcode.get(error.errno or 0, ""),
            "reason": error.strerror or type(error).__name__}


def os_reason(params: Mapping[str, Any]) -> str:
    """Why a file could not be read or written (``os_problem``), in the reader's language;
    the system's words where its kind is not one of ``OS_PROBLEMS`` (or a job stored before
    the kind was kept)."""
    say = OS_PROBLEMS.get(str(params.get("problem") or ""))
    return say() if say is not None else str(params["reason"])


FAILURES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # the job itself: cancelled, stopped by an error nobody foresaw, not queued
    "cancelled": lambda p: _("Cancelled: nothing of it was stored."),
    "unexpected": lambda p: _(
        "The job stopped on an unexpected error (%(error)s); nothing of it was stored. Run it "
        "again; if it fails again, report this message.", error=p["error"]),
    "queue-unreachable": lambda p: _(
        "The job queue cannot be reached (%(reason)s): is Redis running, and "
        "WORKBENCH_BROKER_URL right? Nothing was stored; try again once it is.",
        reason=p["reason"]),
    # an interrupted job the sweep does not run again, ended once (runner.requeue_interrupted)
    "set-changed-since": lambda p: _(
        "Interrupted: the process running it stopped, and the set was changed after this "
        "re-alignment was asked for (from revision %(then)s to %(now)s), so it was not run "
        "again by itself.", then=p["then"], now=p["now"]),
    "set-deleted-since": lambda p: _(
        "Interrupted: the process running it stopped, and the set was deleted since, so "
        "there is nothing to run it on."),
    "input-gone": lambda p: _(
        "Interrupted: the process running it stopped, and its input (%(file)s) is gone, so "
        "it cannot be run again.", file=p["file"]),
    # the alignment engine's refusals (alignments.errors; kind and params are the engine's)
    "engine": _engine,
    # the editor's refusals, for a re-alignment
    "stale-set": lambda p: _(
        "This set was changed in another tab or by someone else while you were looking "
        "at it (your view was at revision %(yours)s, it is now at %(now)s). The rows now "
        "show the current state: check them and make your change again.",
        yours=p["yours"], now=p["now"]),
    "no-set": lambda p: _("There is no document set %(id)s.", id=p["id"]),
    "nothing-to-realign": lambda p: _(
        "Every row is confirmed: there is nothing left to re-align."),
    # a page past the limits (workbench.limits)
    "sentence-too-long": _sentence_too_long,
    "too-many-sentences": _too_many_sentences,
    "about-too-many-sentences": _about_too_many_sentences,
    # a TMX file imported into the memory (workbench.memory.store)
    "tmx-unreadable": _tmx_unreadable,
    "tmx-language-code": lambda p: _(
        "%(file)s, unit %(unit)s: '%(code)s' is not a language code the memory can keep "
        "(like en-GB or zh-Hant-TW, at most 20 characters). Nothing was imported.",
        file=p["file"], unit=p["unit"], code=p["code"]),
    "tmx-same-file": _tmx_same_file,
    "tmx-in-memory": _tmx_in_memory,
    "tmx-no-units": lambda p: _(
        "%(file)s: the file holds no translation unit with text. Nothing was imported.",
        file=p["file"]),
    # an export of the memory (workbench.memory.export) or of sets (workbench.exports)
    "memory-empty": lambda p: _(
        "The memory is empty: align a page or import a TMX file first."),
    "too-few-languages": _too_few_languages,
    "tmx-two-languages": lambda p: _("A TMX needs at least two languages."),
    "language-not-held": lambda p: _(
        "The memory holds no text in '%(lang)s' (it has %(langs)s).",
        lang=p["lang"], langs=p["langs"]),
    "source-not-chosen": lambda p: _(
        "The source language %(source)s is not among the languages chosen (%(langs)s): "
        "choose it too, or take one of these as the source.",
        source=p["source"], langs=p["langs"]),
    "nothing-to-export": _nothing_to_export,
    # finding terminology flags (workbench.terminology.discovery)
    "nothing-to-discover": lambda p: _(
        "There is no set to find terminology flags in: import a set first, or take sets "
        "back into discovery on the flags page. Nothing was stored."),
    # the database, busy or out of reach while the job ran (workbench.errors, which says
    # them; the reason the log gives of an unreachable one is not the reader's)
    "database-busy": lambda p: DatabaseBusy().message,
    "conflicting-change": lambda p: ConflictingChange().message,
    "database-unreachable": lambda p: DatabaseUnreachable().message,
    # the job's files on disk: its input, its output (an export, the flags found)
    "input-unreadable": lambda p: _(
        "The job's input (%(file)s) cannot be read (%(reason)s): it may have been removed "
        "from the jobs folder. Nothing was stored.", file=p["file"], reason=os_reason(p)),
    "disk-full": lambda p: _(
        "The disk is full: the job's file could not be written in %(folder)s. Nothing was "
        "kept; make room on the disk, then run the job again.", folder=p["folder"]),
    "output-unwritable": lambda p: _(
        "The job's file could not be written in %(folder)s (%(reason)s): the workbench may "
        "not write there. Nothing was kept; give it that folder (or set "
        "WORKBENCH_JOBS_FOLDER), then run the job again.",
        folder=p["folder"], reason=os_reason(p)),
}


@dataclass(frozen=True)
class Failure:
    """What stopped a job: a kind of ``FAILURES`` and its parameters (plain JSON)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, error: WorkbenchError) -> Failure | None:
        """The failure ``error`` says; None when it has no kind this table knows."""
        if error.kind not in FAILURES:
            return None
        return cls(error.kind, plain(error.params))

    def said(self) -> str:
        """In the language of the request, or of the job (English where there is none)."""
        return FAILURES[self.kind](self.params)

    def english(self) -> str:
        """What the ``message`` column keeps."""
        return english_message(self.kind, self.params)


def failure_message(kind: str | None, params: Mapping[str, Any] | None, stored: str = ""
                    ) -> str:
    """Why a job failed or was cancelled, in the reader's language; ``stored`` for a
    failure with no kind this table knows (or whose parameters do not say it)."""
    say = FAILURES.get(kind or "")
    if say is None:
        return stored
    try:
        return say(params or {})
    except (KeyError, TypeError, ValueError):
        return stored


def english_message(kind: str, params: Mapping[str, Any] | None) -> str:
    """``failure_message`` in English."""
    english = force_locale("en") if has_app_context() else nullcontext()
    with english:
        return failure_message(kind, params)


Error = TypeVar("Error", bound=WorkbenchError)


def refusal(error_class: type[Error], kind: str, /, **params: Any) -> Error:
    """An error of ``error_class`` that says the failure ``kind`` (in the language of the
    request or the job) and carries it, so that a job it stops keeps its kind."""
    return error_class(FAILURES[kind](params), kind=kind, params=params)


def plain(value: Any) -> Any:
    """``value`` as JSON keeps it: numbers, strings, lists and mappings as they are, any
    other thing (a path, a language object) as its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return str(value)


def unreadable_input(error: OSError, file: object) -> WorkbenchError:
    """The refusal of a job whose input file ``file`` cannot be read (``error``: gone,
    not readable), the reason said in the reader's language (``os_problem``)."""
    return refusal(WorkbenchError, "input-unreadable", file=str(file), **os_problem(error))


def unwritable_output(error: OSError, folder: object) -> WorkbenchError:
    """The refusal of a job whose file could not be written in ``folder``: the disk full
    (or the user's quota spent), else the folder not writable (``error``'s reason, said in
    the reader's language: ``os_problem``)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return refusal(WorkbenchError, "disk-full", folder=str(folder))
    return refusal(WorkbenchError, "output-unwritable", folder=str(folder),
                   **os_problem(error))


def unexpected(error: BaseException) -> Failure:
    """An error nobody foresaw, with what the log says of it: its type and first line."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    said = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return Failure("unexpected", {"error": said[:300]})
