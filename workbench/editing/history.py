"""The edit history: snapshots of what an operation changed, applied forward and back.

Every operation is written the same way: capture the rows it touches (and all their
sentences) as a ``before`` snapshot, compute the ``after`` snapshot in plain Python, and
``apply`` it. Undo applies ``before`` over ``after``; redo applies ``after`` over ``before``.

A snapshot covers a *window*: rows that are contiguous in the set (or, when the number of rows
does not change, any rows). Rows and sentences outside the window are never rewritten, only
shifted: when the window grows or shrinks by ``d`` rows, every row after it moves by ``d``;
when a version gains or loses sentences inside the window (a split), its later sentences
move likewise. That keeps an edit on a 2,000-row set down to a handful of statements.

New rows and sentences carry negative placeholder ids in a computed snapshot; ``apply``
inserts them and rewrites the snapshot with the ids the database gave them, so the stored
history always names real ids (redo re-inserts a row under the id it had).

Undo and redo must leave the window exactly as the snapshot says, so the number of rows and
the sentence positions around it are restored by the same shifts, run the other way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from workbench.errors import NotFound, StaleEdit, WorkbenchError
from workbench.failures import refusal
from workbench.limits import limit
from workbench.memory.rows import cover_rows, release_rows
from workbench.models import DocumentSet, Edit, Row, Sentence, Version, utcnow


class EditRefused(WorkbenchError):
    """An edit that cannot be made as asked (no row below to merge into, an empty text ...)."""


@dataclass(frozen=True)
class RowState:
    """A row as a snapshot keeps it."""

    id: int
    position: int
    score: float
    status: str
    cell_scores: str | None = None  # Row.cell_scores (JSON); snapshots before 0016 lack it


@dataclass(frozen=True)
class SentenceState:
    """A sentence as a snapshot keeps it (enough to re-create it after an undone split)."""

    id: int
    version_id: int
    row_id: int
    position: int
    paragraph: int
    text: str
    original_text: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The rows of a window, in order, and every sentence in them."""

    rows: tuple[RowState, ...] = ()
    sentences: tuple[SentenceState, ...] = ()

    def as_json(self) -> dict[str, object]:
        # vars(), not dataclasses.asdict: the fields are plain values, and asdict's deep
        # copy took a second on a 2,000-row window.
        return {"rows": [dict(vars(r)) for r in self.rows],
                "sentences": [dict(vars(s)) for s in self.sentences]}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Snapshot:
        rows = data.get("rows", [])
        sentences = data.get("sentences", [])
        assert isinstance(rows, list) and isinstance(sentences, list)
        return cls(tuple(RowState(**r) for r in rows),
                   tuple(SentenceState(**s) for s in sentences))

    def cells(self, row_id: int) -> dict[int, list[SentenceState]]:
        """The sentences of one row per version id, in document order."""
        found: dict[int, list[SentenceState]] = defaultdict(list)
        for s in sorted(self.sentences, key=lambda s: (s.version_id, s.position)):
            if s.row_id == row_id:
                found[s.version_id].append(s)
        return found


@dataclass(frozen=True)
class EditResult:
    """What an operation, undo or redo did: for the page to re-render and refocus."""

    operation: str
    revision: int
    removed: tuple[int, ...]  # row ids of the window before, in order
    added: tuple[int, ...]  # row ids of the window after, in order
    focus_sentence: int | None = None
    focus_row: int | None = None
    message: str = ""
    undo_steps: int = 0
    redo_steps: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def same_rows(self) -> bool:
        """Whether the window kept its rows (then each row is simply re-rendered)."""
        return self.removed == self.added


def claim_revision(session: Session, set_id: int, revision: int) -> int:
    """The set's next revision, claimed atomically; StaleEdit when ``revision`` is old.

    The compare-and-set is the first write of the transaction, so two tabs racing on the
    same revision cannot both win. On any later error the caller rolls back.
    """
    claimed = session.execute(
        update(DocumentSet)
        .where(DocumentSet.id == set_id, DocumentSet.revision == revision)
        .values(revision=DocumentSet.revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return revision + 1
    check_revision(session, set_id, revision)
    raise AssertionError("unreachable: the revision matched but was not claimed")


def check_revision(session: Session, set_id: int, revision: int) -> None:
    """StaleEdit (NotFound) unless the set is at ``revision``, with no write: for work that
    reads and computes before it claims the revision (``claim_revision``) and writes."""
    current = session.scalar(select(DocumentSet.revision).where(DocumentSet.id == set_id))
    if current is None:
        raise refusal(NotFound, "no-set", id=set_id)
    if current != revision:
        raise refusal(StaleEdit, "stale-set", yours=revision, now=current)


def capture_rows(session: Session, row_ids: Iterable[int], *,
                 sentences: bool = True) -> Snapshot:
    """The snapshot of these rows (ordered by position) with all their sentences.

    ``sentences=False`` leaves the sentences out, for an edit that changes only the rows'
    statuses or scores: ``apply`` writes only what a snapshot holds, so the sentences stay
    as they are, and the step kept for undo stays small.
    """
    ids = list(row_ids)
    if not ids:
        return Snapshot()
    rows = tuple(RowState(i, p, float(sc), st, cs) for i, p, sc, st, cs in session.execute(
        select(Row.id, Row.position, Row.score, Row.status, Row.cell_scores)
        .where(Row.id.in_(ids)).order_by(Row.position)
    ))
    if not sentences:
        return Snapshot(rows)
    cells = session.execute(
        select(Sentence.id, Sentence.version_id, Sentence.row_id, Sentence.position,
               Sentence.paragraph, Sentence.text, Sentence.original_text)
        .where(Sentence.row_id.in_(ids))
        .order_by(Sentence.version_id, Sentence.position)
    )
    return Snapshot(
        rows,
        tuple(SentenceState(i, v, r or 0, p, pa, t, o) for i, v, r, p, pa, t, o in cells),
    )


def rows_at(session: Session, set_id: int, first: int, last: int) -> list[int]:
    """The ids of the rows at positions ``first..last`` (inclusive), in order."""
    return list(session.scalars(
        select(Row.id).where(Row.set_id == set_id, Row.position.between(first, last))
        .order_by(Row.position)
    ))


@dataclass(frozen=True)
class Applied:
    """A snapshot as written, with the real ids given to its placeholders."""

    snapshot: Snapshot
    rows: dict[int, int]
    sentences: dict[int, int]


def apply(session: Session, set_id: int, current: Snapshot, target: Snapshot) -> Applied:
    """Write ``target`` over the window whose stored state is ``current``. Rows and
    sentences that the two snapshots hold alike are not written: confirming 2,000 rows
    rewrites 2,000 statuses, not every sentence in them. An imported unit not shown because
    a row of the window said the same is shown again once the row says otherwise or is
    gone (``memory.rows.release_rows``); one a row written says the same as is hidden
    (``memory.rows.cover_rows``)."""
    current_rows = {r.id: r for r in current.rows}
    target_rows = {r.id for r in target.rows}
    gone_rows = current_rows.keys() - target_rows
    current_sentences = {s.id: s for s in current.sentences}
    target_sentences = {s.id for s in target.sentences}
    gone_sentences = current_sentences.keys() - target_sentences

    if gone_rows:  # the imported units not shown because these rows said the same are
        release_rows(session, gone_rows, unless_same=False)
    if gone_sentences:
        session.execute(delete(Sentence).where(Sentence.id.in_(gone_sentences)))
    if gone_rows:
        session.execute(delete(Row).where(Row.id.in_(gone_rows)))
    _shift_rows(session, set_id, current, target)
    _shift_sentences(session, current, target)

    kept_rows: list[dict[str, object]] = []
    back_rows: list[dict[str, object]] = []
    new_rows: dict[int, dict[str, object]] = {}
    for r in target.rows:
        values = {"position": r.position, "score": r.score, "status": r.status,
                  "cell_scores": r.cell_scores}
        if r.id in current_rows:
            if current_rows[r.id] != r:
                kept_rows.append({"row": r.id, **values})
        elif r.id > 0:  # a row an undo removed: back under its own id
            back_rows.append({"id": r.id, "set_id": set_id, **values})
        else:
            new_rows[r.id] = {"set_id": set_id, **values}
    row_ids = _inserted(session, _table(Row), back_rows, new_rows)
    if kept_rows:
        session.execute(  # one executemany (Core: the ORM form would want "id" keys)
            update(_table(Row)).where(_table(Row).c.id == bindparam("row"))
            .values(position=bindparam("position"), score=bindparam("score"),
                    status=bindparam("status"), cell_scores=bindparam("cell_scores"))
            .execution_options(synchronize_session=False),
            kept_rows,
        )
    kept_sentences: list[dict[str, object]] = []
    back_sentences: list[dict[str, object]] = []
    new_sentences: dict[int, dict[str, object]] = {}
    for s in target.sentences:
        row_id = row_ids.get(s.row_id, s.row_id)
        values = {"row_id": row_id, "position": s.position,
                  "paragraph": s.paragraph, "text": s.text, "original_text": s.original_text}
        if s.id in current_sentences:
            stored = current_sentences[s.id]
            # a deleted row took its sentences' row_id with it (ON DELETE SET NULL), even
            # when the row's id comes back on a new row
            if stored != replace(s, row_id=row_id) or stored.row_id in gone_rows:
                kept_sentences.append({"sentence": s.id, **values})
        elif s.id > 0:
            back_sentences.append({"id": s.id, "version_id": s.version_id, **values})
        else:
            new_sentences[s.id] = {"version_id": s.version_id, **values}
    sentence_ids = _inserted(session, _table(Sentence), back_sentences, new_sentences)
    if kept_sentences:
        session.execute(
            update(_table(Sentence)).where(_table(Sentence).c.id == bindparam("sentence"))
            .values({name: bindparam(name) for name in
                     ("row_id", "position", "paragraph", "text", "original_text")})
            .execution_options(synchronize_session=False),
            kept_sentences,
        )
    # and those of the rows kept, when a row no longer says the same; and the units the
    # rows written say now are hidden (a row as it was before an edit, back by an undo)
    release_rows(session, current_rows.keys() & target_rows)
    if target.sentences:
        cover_rows(session, [row_ids.get(r.id, r.id) for r in target.rows])
    session.expire_all()
    if row_ids or sentence_ids:
        target = Snapshot(
            tuple(replace(r, id=row_ids.get(r.id, r.id)) for r in target.rows),
            tuple(replace(s, id=sentence_ids.get(s.id, s.id),
                          row_id=row_ids.get(s.row_id, s.row_id)) for s in target.sentences),
        )
    return Applied(target, row_ids, sentence_ids)


def _inserted(session: Session, table: Table, back: list[dict[str, object]],
              new: dict[int, dict[str, object]]) -> dict[int, int]:
    """Insert rows (or sentences) back under their own ids, and new ones under ids the
    database gives: one executemany each (a re-alignment inserts thousands). Gives the new
    ids by placeholder."""
    if back:
        session.execute(insert(table), back)
    if not new:
        return {}
    ids = session.scalars(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), list(new.values())
    ).all()
    return dict(zip(new, ids, strict=True))


def _table(model: type[Row] | type[Sentence]) -> Table:
    table: Table = model.__table__  # type: ignore[assignment]
    return table


def _shift_rows(session: Session, set_id: int, current: Snapshot, target: Snapshot) -> None:
    delta = len(target.rows) - len(current.rows)
    if delta == 0:
        return
    start = min(r.position for r in (*current.rows, *target.rows))
    session.execute(
        update(Row)
        .where(Row.set_id == set_id, Row.position >= start + len(current.rows),
               Row.id.not_in([r.id for r in current.rows]))
        .values(position=Row.position + delta)
        .execution_options(synchronize_session=False)
    )


def _shift_sentences(session: Session, current: Snapshot, target: Snapshot) -> None:
    before: dict[int, list[SentenceState]] = defaultdict(list)
    after: dict[int, list[SentenceState]] = defaultdict(list)
    for s in current.sentences:
        before[s.version_id].append(s)
    for s in target.sentences:
        after[s.version_id].append(s)
    for version_id in before.keys() | after.keys():
        delta = len(after[version_id]) - len(before[version_id])
        if delta == 0:
            continue
        start = min(s.position for s in (*before[version_id], *after[version_id]))
        session.execute(
            update(Sentence)
            .where(Sentence.version_id == version_id,
                   Sentence.position >= start + len(before[version_id]),
                   Sentence.id.not_in([s.id for s in before[version_id]]))
            .values(position=Sentence.position + delta)
            .execution_options(synchronize_session=False)
        )


# Who makes the edits of this request: ``workbench.accounts.web`` sets it for a signed-in
# person (``g.edit_author``); a desk with no accounts, a job, a script leave it unset.
AUTHOR_KEY = "edit_author"


def current_author() -> str | None:
    """The name of the person whose edits this request makes (None: nobody in particular,
    a desk with no accounts)."""
    if not has_app_context():
        return None
    author = g.get(AUTHOR_KEY)
    return str(author)[:80] if author else None


def record(session: Session, set_id: int, revision: int, operation: str,
           before: Snapshot, after: Snapshot, *, max_steps: int | None = None,
           author: str | None = None, **result: object) -> EditResult:
    """Apply ``after`` over ``before``, keep both as a new step of the history (dropping the
    steps that were undone, and the oldest steps past ``max_steps``: by default the app's
    ``MAX_HISTORY_STEPS``), and say what changed. The step's author is ``author``, else the
    signed-in person making the request (``current_author``)."""
    applied = apply(session, set_id, before, after)
    after = applied.snapshot
    for key, ids in (("focus_row", applied.rows), ("focus_sentence", applied.sentences)):
        hint = result.get(key)
        if isinstance(hint, int) and hint in ids:
            result[key] = ids[hint]
    session.execute(delete(Edit).where(Edit.set_id == set_id, Edit.undone.is_(True)))
    seq = (session.scalar(select(func.max(Edit.seq)).where(Edit.set_id == set_id)) or 0) + 1
    session.add(Edit(set_id=set_id, seq=seq, operation=operation,
                     before=before.as_json(), after=after.as_json(),
                     author=(author or current_author() or None)))
    session.flush()
    _prune(session, set_id, limit("MAX_HISTORY_STEPS", max_steps))
    return _result(session, set_id, operation, revision, before, after, **result)


def _prune(session: Session, set_id: int, keep: int) -> None:
    """Drop the set's oldest steps beyond the latest ``keep``: undo then stops at the oldest
    step kept (whose ``before`` is still the state its window had)."""
    oldest_dropped = session.scalar(
        select(Edit.seq).where(Edit.set_id == set_id)
        .order_by(Edit.seq.desc()).offset(max(keep, 1)).limit(1)
    )
    if oldest_dropped is not None:
        session.execute(delete(Edit).where(Edit.set_id == set_id,
                                           Edit.seq <= oldest_dropped))


def _result(session: Session, set_id: int, operation: str, revision: int,
            old: Snapshot, new: Snapshot, **result: object) -> EditResult:
    undo, redo = steps(session, set_id)
    focus_sentence = result.pop("focus_sentence", None)
    focus_row = result.pop("focus_row", None)
    message = str(result.pop("message", ""))
    return EditResult(
        operation=operation, revision=revision,
        removed=tuple(r.id for r in old.rows), added=tuple(r.id for r in new.rows),
        focus_sentence=focus_sentence if isinstance(focus_sentence, int) else None,
        focus_row=focus_row if isinstance(focus_row, int) else None,
        message=message, undo_steps=undo, redo_steps=redo, extra=dict(result),
    )


def steps(session: Session, set_id: int) -> tuple[int, int]:
    """How many steps can be undone and redone."""
    counts = dict(session.execute(
        select(Edit.undone, func.count()).where(Edit.set_id == set_id).group_by(Edit.undone)
    ).all())
    return counts.get(False, 0), counts.get(True, 0)


def undo(session: Session, set_id: int, revision: int) -> EditResult:
    """Undo the latest edit that is not undone yet (any number of times, across reloads)."""
    revision = claim_revision(session, set_id, revision)
    edit = session.scalars(
        select(Edit).where(Edit.set_id == set_id, Edit.undone.is_(False))
        .order_by(Edit.seq.desc()).limit(1)
    ).first()
    if edit is None:
        raise EditRefused(_("There is nothing to undo."))
    after, before = Snapshot.from_json(edit.after), Snapshot.from_json(edit.before)
    apply(session, set_id, after, before)
    edit.undone = True
    session.flush()
    return _result(session, set_id, "undo", revision, after, before,
                   message=_step_message(edit, undone=True),
                   focus_row=before.rows[0].id if before.rows else None)


def redo(session: Session, set_id: int, revision: int) -> EditResult:
    """Redo the earliest undone edit."""
    revision = claim_revision(session, set_id, revision)
    edit = session.scalars(
        select(Edit).where(Edit.set_id == set_id, Edit.undone.is_(True))
        .order_by(Edit.seq).limit(1)
    ).first()
    if edit is None:
        raise EditRefused(_("There is nothing to redo."))
    after, before = Snapshot.from_json(edit.after), Snapshot.from_json(edit.before)
    apply(session, set_id, before, after)
    edit.undone = False
    session.flush()
    return _result(session, set_id, "redo", revision, before, after,
                   message=_step_message(edit, undone=False),
                   focus_row=after.rows[0].id if after.rows else None)


def _step_message(edit: Edit, *, undone: bool) -> str:
    """What the status line says after an undo or redo: the step, and whose it was."""
    what = describe(edit.operation)
    if edit.author:
        return (_("Undone: %(what)s (by %(author)s).", what=what, author=edit.author)
                if undone else
                _("Redone: %(what)s (by %(author)s).", what=what, author=edit.author))
    return _("Undone: %(what)s.", what=what) if undone else _("Redone: %(what)s.", what=what)


@dataclass(frozen=True)
class Step:
    """One step of the history as the editor lists it."""

    seq: int
    operation: str
    label: str  # the operation as the interface says it
    author: str | None  # None: a desk with no accounts (or a step made before 0012)
    at: datetime
    undone: bool

    def as_json(self) -> dict[str, object]:
        return {"seq": self.seq, "operation": self.operation, "label": self.label,
                "author": self.author, "at": self.at.isoformat(), "undone": self.undone}


def history(session: Session, set_id: int, limit: int = 50) -> list[Step]:
    """The set's latest steps, newest first (undone ones too, marked), with who made them."""
    return [
        Step(seq, operation, describe(operation), author, at, bool(undone))
        for seq, operation, author, at, undone in session.execute(
            select(Edit.seq, Edit.operation, Edit.author, Edit.created_at, Edit.undone)
            .where(Edit.set_id == set_id).order_by(Edit.seq.desc()).limit(limit))
    ]


def describe(operation: str) -> str:
    """An operation's name as the interface says it."""
    names = {
        "merge": _("merge with the next row"),
        "split": _("split a sentence"),
        "move": _("move a sentence"),
        "isolate": _("put a sentence in a row of its own"),
        "text": _("edit a sentence"),
        "confirm": _("confirm a row"),
        "unconfirm": _("unconfirm a row"),
        "confirm-through": _("confirm the rows above"),
        "realign": _("re-align after the last confirmed row"),
    }
    return names.get(operation, operation)


def version_langs(session: Session, set_id: int) -> dict[int, str]:
    """The language of each version id of the set."""
    return dict(session.execute(
        select(Version.id, Version.lang).where(Version.set_id == set_id)
    ).all())
