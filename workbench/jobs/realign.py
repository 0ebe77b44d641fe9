"""The ``realign`` job: the rows below a set's last confirmed row aligned again, outside the
web request (``POST /sets/<id>/edit/realign``; the editor follows the job's progress).

The job calls the editor's own operation (``workbench.editing.realign_after_confirmed``) at
the revision the page was on when the translator asked: the change is one edit step, undone
by Ctrl+Z like any other, and it is committed together with the job's end. A set edited
after the job was submitted (another tab, someone else) moves its revision on: the job then
fails with the editor's stale-edit message, and nothing of it is written.

Parameters: ``set_id``, ``revision`` and ``author`` (who asked: the step records them).
Result: what the editor needs to show the edit (``workbench.views.editor``): the revision
it made, the rows it replaced (``removed``) and those it made (``added``), the row to focus
and the message.
"""

from __future__ import annotations

import os
from typing import Any

from workbench.jobs.runner import JobContext, transaction


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
