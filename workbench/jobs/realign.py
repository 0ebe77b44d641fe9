"""The ``realign`` job: the rows below a set's last confirmed row aligned again, outside the
web request (``POST /sets/<id>/edit/realign``; the editor follows the job's progress).

The job calls the editor's own operation (``workbench.editing.realign_after_confirmed``) at
the revision the page was on when the translator asked: the change is one edit step, undone
by Ctrl+Z like any other, and it is committed together with the job's end. A set edited
after the job was submitted (another tab, someone else) moves its revision on: the job then
fails with the editor's stale-edit message, and nothing of it is written.

Parameters: ``set_id``, ``set_name`` (for its title), ``revision`` and ``author`` (who
asked: the step records them). Result: what the editor needs to show the edit
(``workbench.views.editor``): the revision it made, the rows it replaced (``removed``) and
those it made (``added``), the row to focus and the message.

Run again (a job cancelled, failed or interrupted), it re-aligns the set at the revision it
was asked at: on a set changed since (``set_since``: the translator confirmed or edited rows
after it, in the editor or elsewhere) it would only fail. Such a job is run again only on
the set as it is now, when the person says so (``again_params``: the revision they saw, and
they are the step's author); a job whose set was deleted is not run again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.jobs.models import Job
from workbench.jobs.runner import JobContext, JobRefused, transaction
from workbench.models import DocumentSet


@dataclass(frozen=True)
class SetSince:
    """What became of a re-align job's set since the job was asked for: the revision it
    was asked at, and the set's revision now (None: the set was deleted)."""

    asked_at: int
    now: int | None

    @property
    def gone(self) -> bool:
        return self.now is None

    @property
    def changed(self) -> bool:
        return self.now is not None and self.now != self.asked_at


def set_since(session: Session, job: Job) -> SetSince:
    """The set of a re-align job as it is now. Every edit of a set moves its revision on
    (``workbench.editing.history.claim_revision``), so a revision other than the job's
    says that rows were confirmed, edited, undone … since. A set made after the job, under
    the number of a deleted one (SQLite may give it again), is not the job's set."""
    params = job.params or {}
    asked = int(params.get("revision") or 0)
    found = session.execute(select(DocumentSet.revision, DocumentSet.created_at)
                            .where(DocumentSet.id == int(params.get("set_id") or 0))).first()
    if found is None or (job.created_at is not None and found.created_at > job.created_at):
        return SetSince(asked, None)
    return SetSince(asked, found.revision)


def deleted_message() -> str:
    return _("The set was deleted after this re-alignment was asked for: there is nothing to "
             "run it on.")


def changed_message(since: SetSince) -> str:
    return _("The set was changed after this re-alignment was asked for (it was at revision "
             "%(then)s, it is now at %(now)s): run again, it re-aligns the rows below the "
             "last confirmed one as they are now, in one step that Ctrl+Z undoes in the "
             "editor.", then=since.asked_at, now=since.now)


def again_params(session: Session, job: Job, revision: int | None,
                 author: str | None) -> dict[str, Any]:
    """The parameters to run ``job`` again with: the same, on a set unchanged since; at
    ``revision``, by ``author``, on a set changed since, when ``revision`` is the set's
    revision now (the one the person was shown). ``JobRefused`` when the set was deleted,
    or changed and no revision (or an older one) given."""
    since = set_since(session, job)
    params = dict(job.params or {})
    if since.gone:
        raise JobRefused(deleted_message())
    if revision is None and not since.changed:
        return params
    if revision is None:
        raise JobRefused(_(
            "The set was changed after job %(id)s was asked for (it was at revision "
            "%(then)s, it is now at %(now)s): run as it was, the job would only fail. It "
            "re-aligns the set as it is now when asked to: “Re-align the set as it is now” "
            "on its page, or workbench jobs rerun %(id)s --as-it-is-now.",
            id=job.id, then=since.asked_at, now=since.now))
    if revision != since.now:
        raise JobRefused(_(
            "The set was changed again (it is now at revision %(now)s, not %(seen)s): "
            "reload the page to see it before re-aligning it.", now=since.now, seen=revision))
    return {**params, "revision": revision, "author": author}


def realign_rest(context: JobContext) -> dict[str, Any]:
    """Re-align the set's rows below its last confirmed one, as one undoable edit."""
    from workbench.editing import realign_after_confirmed
    from workbench.jobs.kinds import pause_for_tests

    set_id, revision = int(context.params["set_id"]), int(context.params["revision"])
    paused = False

    def progress(done: int, total: int) -> None:
        nonlocal paused
        context.progress(done, total)
        if not paused and os.environ.get("WORKBENCH_TEST_PAUSE_BEFORE_COMMIT"):
            # In the tests only: the job seen running (0 done), with no lock held.
            paused = True
            context.folder.mkdir(parents=True, exist_ok=True)
            pause_for_tests(context)

    with transaction(context.url) as session:
        edit = realign_after_confirmed(session, set_id, revision, progress=progress,
                                       author=context.params.get("author"))
        result: dict[str, Any] = {
            "set_id": set_id, "operation": edit.operation, "revision": edit.revision,
            "removed": list(edit.removed), "added": list(edit.added),
            "focus_row": edit.focus_row, "message": edit.message, "rows": len(edit.added)}
        context.finish(session, result)
    return result
