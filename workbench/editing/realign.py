"""Re-align the rows after the last confirmed one, keeping everything above as anchors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alignments import Row as AlignedRow
from workbench.editing.history import (
    EditRefused,
    EditResult,
    RowState,
    SentenceState,
    Snapshot,
    capture_rows,
    check_revision,
    claim_revision,
    record,
    version_langs,
)
from workbench.errors import AlignmentFailed
from workbench.failures import refusal
from workbench.models import DocumentSet, Edit, Row, Sentence, Version, cell_scores_text


def realign_after_confirmed(session: Session, set_id: int, revision: int, *,
                            progress: Callable[[int, int], None] | None = None,
                            author: str | None = None) -> EditResult:
    """Align again every row below the last confirmed row.

    The rows down to the last confirmed one are kept as they are and handed to the engine
    as hard anchors (``confirmed``; sentence ids are positions within each version); only
    the rows below are replaced. With no confirmed row, the whole set is aligned again.

    The alignment takes seconds on a large set, so it runs with no transaction open: the
    rows are read, the read transaction is ended (``session`` must have nothing pending),
    the engine aligns, and only then is the revision claimed, as the first write, and the
    result written. An edit made meanwhile has moved the revision on: the re-alignment is
    then refused with ``StaleEdit`` and nothing of it is written.

    ``author``: who asked for it, when a job runs it for them (else the request's person).
    ``progress``, when given, is called with the sentences aligned so far and the set's
    sentences (all its versions'): with 0 once the rows are read, as the engine reports
    (after each version aligned to the pivot), and with the total once it is done. It is
    called with no transaction open, so it may write (a job's progress) or raise (a job
    cancelled) and nothing of the re-alignment is written.
    """
    # the engine is imported only when needed
    from workbench.sets import align_sentences

    # The revision is read first: an edit landing during the reads below moves it on, and
    # the claim after the alignment then fails (stale) rather than writing over that edit.
    check_revision(session, set_id, revision)
    document_set = session.get(DocumentSet, set_id)
    assert document_set is not None
    pivot_lang = document_set.pivot_lang
    last = session.scalar(
        select(func.max(Row.position)).where(Row.set_id == set_id, Row.status == "confirmed")
    )
    last = -1 if last is None else last
    kept_ids = list(session.scalars(
        select(Row.id).where(Row.set_id == set_id, Row.position <= last).order_by(Row.position)
    ))
    open_ids = list(session.scalars(
        select(Row.id).where(Row.set_id == set_id, Row.position > last).order_by(Row.position)
    ))
    if not open_ids:
        raise refusal(EditRefused, "nothing-to-realign")

    langs = version_langs(session, set_id)
    segmented: dict[str, list[tuple[int, str]]] = {lang: [] for lang in langs.values()}
    index: dict[int, tuple[str, int]] = {}  # sentence id -> (lang, position in its version)
    row_of: dict[int, int] = {}
    for sentence_id, version_id, row_id, paragraph, text in session.execute(
        select(Sentence.id, Sentence.version_id, Sentence.row_id, Sentence.paragraph,
               Sentence.text)
        .join(Version).where(Version.set_id == set_id)
        .order_by(Sentence.version_id, Sentence.position)
    ):
        lang = langs[version_id]
        index[sentence_id] = (lang, len(segmented[lang]))
        segmented[lang].append((paragraph, text))
        if row_id is not None:
            row_of[sentence_id] = row_id

    anchors = _anchors(kept_ids, row_of, index, session)
    before = capture_rows(session, open_ids)
    # End the read transaction: no lock and no snapshot is held while the engine works.
    session.rollback()

    kept_sentences = {(lang, i) for row in anchors for lang, ids in row.cells.items()
                      for i in ids}
    total = sum(len(sentences) for sentences in segmented.values())
    if progress is None:
        aligned = align_sentences(segmented, pivot_lang, confirmed=anchors)
    else:
        progress(0, total)
        aligned = align_sentences(segmented, pivot_lang, confirmed=anchors,
                                  progress=lambda done: progress(done, total))
        progress(total, total)

    by_place = {index[s.id]: s for s in before.sentences}
    rows: list[RowState] = []
    sentences: list[SentenceState] = []
    start = last + 1
    for aligned_row in aligned:
        places = [(lang, i) for lang, ids in aligned_row.cells.items() for i in ids]
        if not places or all(p in kept_sentences for p in places):
            continue
        if any(p in kept_sentences for p in places):
            raise AlignmentFailed(_(
                "The aligner mixed confirmed sentences into a new row; nothing was changed."))
        placeholder = -(len(rows) + 1)
        rows.append(RowState(placeholder, start + len(rows), float(aligned_row.score), "auto",
                             cell_scores_text(aligned_row.cell_scores)))
        for place in places:
            if place not in by_place:
                raise AlignmentFailed(_("The aligner returned an unknown sentence; "
                                        "nothing was changed."))
            sentences.append(_moved(by_place.pop(place), placeholder))
    if by_place:
        raise AlignmentFailed(ngettext(
            "The aligner left %(num)d sentence out; nothing was changed.",
            "The aligner left %(num)d sentences out; nothing was changed.", len(by_place)))
    after = Snapshot(tuple(rows), tuple(sentences))
    # The first write: StaleEdit if anyone changed the set since it was read above, so the
    # rows written over are exactly those ``before`` holds.
    revision = claim_revision(session, set_id, revision)
    message = ngettext("Re-aligned %(num)d row below the last confirmed one.",
                       "Re-aligned %(num)d rows below the last confirmed one.", len(open_ids))
    if _fixed_by_hand_since_last_realign(session, set_id):  # not replaced in silence
        message += " " + _("Your unconfirmed changes there were aligned again: Ctrl+Z brings "
                           "them back.")
    return record(session, set_id, revision, "realign", before, after, author=author,
                  focus_row=-1, message=message)


# What a translator does to rows by hand; confirming and re-aligning are not fixes.
NOT_FIXES = ("confirm", "unconfirm", "confirm-through", "realign")


def _fixed_by_hand_since_last_realign(session: Session, set_id: int) -> bool:
    """Whether the set's history holds a manual fix (merge, split, move, text …) made after
    its last re-align, and not undone."""
    last = session.scalar(select(func.max(Edit.seq)).where(
        Edit.set_id == set_id, Edit.operation == "realign", Edit.undone.is_(False)))
    return session.scalar(select(func.count()).select_from(Edit).where(
        Edit.set_id == set_id, Edit.undone.is_(False), Edit.operation.not_in(NOT_FIXES),
        Edit.seq > (last if last is not None else -1))) != 0


def _moved(sentence: SentenceState, row_id: int) -> SentenceState:
    return SentenceState(sentence.id, sentence.version_id, row_id, sentence.position,
                         sentence.paragraph, sentence.text, sentence.original_text)


def _anchors(kept_ids: list[int], row_of: dict[int, int], index: dict[int, tuple[str, int]],
             session: Session) -> list[AlignedRow]:
    """The kept rows as the engine's rows: for each language, positions in its version."""
    cells: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sentence_id, row_id in row_of.items():
        lang, position = index[sentence_id]
        cells[row_id][lang].append(position)
    scores = dict(session.execute(select(Row.id, Row.score).where(Row.id.in_(kept_ids)))
                  .all()) if kept_ids else {}
    return [
        AlignedRow({lang: tuple(sorted(ids)) for lang, ids in cells[row_id].items()},
                   float(scores.get(row_id, 1.0)))
        for row_id in kept_ids
    ]
