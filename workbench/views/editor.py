"""The alignment editor in the browser: one row per aligned unit, one column per language.

The page is server-rendered; editor.js only moves the focus and calls the operations below
through htmx. Each operation answers with the rows it changed (an htmx partial: the changed
window of rows, swapped in place; after a bulk edit, the whole grid in one piece) or, for a
JSON client, with what it did. The operations themselves live in ``workbench.editing``.
Finding rows (search, filters, go to row) and the layout (compact, column widths) happen in
the browser; the columns shown are chosen here, and remembered in a cookie.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import parse_qsl, urlencode
from uuid import uuid4

from babel import Locale, UnknownLocaleError
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from workbench import editing
from workbench.app import LARGEST_ID, is_htmx, wants_json
from workbench.db import committed, get_session
from workbench.editing import EditResult
from workbench.editing.history import current_author
from workbench.editing.history import history as edit_history
from workbench.editing.operations import LOW_CONFIDENCE, rows_needing_a_look
from workbench.errors import DatabaseUnreachable, NotFound, StaleEdit, WorkbenchError
from workbench.jobs.models import DONE, FINISHED, Job
from workbench.jobs.runner import get_job
from workbench.models import DocumentSet, Row, Sentence, read_cell_scores
from workbench.sets import get_set

bp = Blueprint("editor", __name__)

# Row confidences are calibrated (alignments.align.KIND_PRECISION): under this, a row is
# less than nine times in ten right, and the editor asks for a look.
UI_LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "de": "Deutsch", "fr": "Français",
                     "es": "Español"}


@bp.app_context_processor
def _interface_languages() -> dict[str, object]:
    """The switcher in base.html: the current interface language and the choices."""
    return {"get_locale": get_locale, "ui_languages": UI_LANGUAGE_NAMES}


@bp.after_app_request
def _remember_interface_language(response: BaseResponse) -> BaseResponse:
    """``?ui=xx`` (the switcher in base.html, or a link) sticks: it is kept in the ``ui``
    cookie that the locale selector reads on the following pages."""
    from workbench.app import UI_LANGUAGES

    wanted = request.args.get("ui")
    if wanted in UI_LANGUAGES and request.cookies.get("ui") != wanted:
        response.set_cookie("ui", wanted, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@cache
def language_name(lang: str, ui: str) -> str:
    """A version's language as the interface names it: 'ru-RU' -> 'Russian (Russia)'."""
    try:
        name = Locale.parse(lang.replace("-", "_")).get_display_name(ui)
    except (ValueError, UnknownLocaleError):
        name = _name_of_parts(lang, ui)
    return name[:1].upper() + name[1:] if name else lang


def _name_of_parts(lang: str, ui: str) -> str | None:
    """A code Babel has no locale for, from the interface's names of its language and its
    region ('no-NO', stored before Norwegian was tagged nb-NO: 'Norwegian (Norway)');
    None when its language has no name."""
    language, *rest = lang.replace("_", "-").split("-")
    try:
        names = Locale.parse(ui)
    except (ValueError, UnknownLocaleError):
        return None
    name = names.languages.get(language.lower())
    if not name:
        return None
    parts = [names.scripts.get(part.title(), part) if len(part) == 4
             else names.territories.get(part.upper(), part) for part in rest]
    return f"{name} ({', '.join(parts)})" if parts else name


def row_labels() -> dict[str, str]:
    """The words every row repeats, translated once per response rather than once per row."""
    return {"confidence": _("Confidence"), "shape": _("Sentences per language"),
            "confirmed": _("confirmed"), "unconfirmed": _("unconfirmed"),
            "look": _("needs a look"), "empty": _("no sentence"),
            "unsure": _("the aligner is unsure of this version here: read it first"),
            "title": _("The document's title"), "title_short": _("title")}


def confirmed_counts(session: Session, set_id: int) -> dict[str, int]:
    """How many of the set's rows are confirmed, and how many rows it has."""
    confirmed, total = session.execute(
        select(func.count().filter(Row.status == "confirmed"), func.count())
        .where(Row.set_id == set_id)
    ).one()
    return {"confirmed": confirmed or 0, "total": total or 0}


def needs_look(view: EditorRow) -> bool:
    """Whether a row needs the translator's eye: not confirmed, and the aligner unsure of it
    (``LOW_CONFIDENCE``)."""
    return view.status != "confirmed" and view.score < LOW_CONFIDENCE


def rows_to_check(session: Session, document_set: DocumentSet) -> int:
    """How many rows need a look (``needs_look``), counted in the database."""
    return rows_needing_a_look(session, document_set.id)


# The columns a translator chose, per combination of languages ("en-GB,fr-FR,ru-RU" ->
# "fr-FR,ru-RU"), kept in a cookie so that the next set in the same languages opens alike.
COLUMNS_COOKIE = "editor-columns"
REMEMBERED_COMBINATIONS = 30


def remembered_columns() -> dict[str, str]:
    """The column choices kept in the translator's cookie."""
    return dict(parse_qsl(request.cookies.get(COLUMNS_COOKIE, ""))[-REMEMBERED_COMBINATIONS:])


def remember_columns(response: BaseResponse, document_set: DocumentSet,
                     langs: list[str]) -> None:
    """Keep the columns shown (and their order) for sets in these languages."""
    remembered = remembered_columns()
    key = ",".join(sorted(document_set.langs))
    remembered.pop(key, None)
    if langs != document_set.langs:
        remembered[key] = ",".join(langs)
    response.set_cookie(COLUMNS_COOKIE, urlencode(remembered), max_age=365 * 24 * 3600,
                        samesite="Lax", httponly=True)


def chosen_langs(document_set: DocumentSet, wanted: str | None) -> list[str]:
    """The columns to show, in the asked order (``?langs=en-GB,ru-RU``); all by default."""
    langs = document_set.langs
    if not wanted:
        return langs
    chosen = [lang for lang in wanted.split(",") if lang in langs]
    return list(dict.fromkeys(chosen)) or langs


def column_links(document_set: DocumentSet, shown: list[str]) -> list[dict[str, object]]:
    """For the column chooser: each language with links to hide/show it and move it."""
    def url(langs: list[str]) -> str:
        return url_for("editor.edit", set_id=document_set.id, langs=",".join(langs))

    links: list[dict[str, object]] = []
    for lang in shown + [lang for lang in document_set.langs if lang not in shown]:
        visible = lang in shown
        n = shown.index(lang) if visible else -1
        links.append({
            "lang": lang,
            "visible": visible,
            "toggle": url([x for x in shown if x != lang] if visible else shown + [lang])
            if not (visible and len(shown) == 1) else None,
            "left": url(shown[: n - 1] + [lang, shown[n - 1]] + shown[n + 1:])
            if visible and n > 0 else None,
            "right": url(shown[:n] + [shown[n + 1], lang] + shown[n + 2:])
            if visible and n < len(shown) - 1 else None,
        })
    return links


def _read_only() -> str | None:
    """Why the person reading may not change the set here (their role), or None: the page
    says so at once, instead of refusing each key they press."""
    from workbench.accounts.policy import may_change
    from workbench.accounts.store import role_label
    from workbench.accounts.web import acting_person

    person = acting_person()
    if person is None or may_change(person.role, "editor.merge"):
        return None
    return _("Read only: your role (%(role)s) may look at the alignment but not change it.",
             role=role_label(person.role))


@bp.get("/sets/<int:set_id>/edit")
def edit(set_id: int) -> BaseResponse:
    """The editor page for a set. The columns are those of ``?langs=``; without it, those
    the translator last chose for sets in the same languages (a cookie), else all."""
    session = get_session()
    document_set = get_set(session, set_id)
    asked = request.args.get("langs")
    langs = chosen_langs(document_set, asked if asked is not None else
                         remembered_columns().get(",".join(sorted(document_set.langs))))
    rows = editor_rows(session, document_set)
    undo_steps, redo_steps = editing.steps(session, set_id)
    ui = str(get_locale() or "en")
    running = _running_realign(session, set_id)
    page = make_response(render_template(
        "editor/edit.html",
        document_set=document_set,
        read_only=_read_only(),
        realign_job=None if running is None else {
            "status_url": url_for("jobs.show_json", job_id=running.id),
            "result_url": url_for("editor.realign_done", set_id=set_id, job_id=running.id)},
        rows=rows,
        langs=langs,
        names={lang: language_name(lang, ui) for lang in document_set.langs},
        columns=column_links(document_set, langs),
        needs_look=needs_look,
        labels=row_labels(),
        to_check=sum(1 for r in rows if needs_look(r)),
        counts={"confirmed": sum(1 for r in rows if r.status == "confirmed"),
                "total": len(rows)},
        undo_steps=undo_steps,
        redo_steps=redo_steps,
    ))
    if asked is not None:
        remember_columns(page, document_set, langs)
    return page


@bp.get("/sets/<int:set_id>/history")
def history(set_id: int) -> str | BaseResponse:
    """The set's latest edit steps with who made each ("by anna"): the editor's history
    panel (htmx asks for the list alone), a page of its own, or JSON (``?format=json``)."""
    session = get_session()
    document_set = get_set(session, set_id)
    steps = edit_history(session, set_id)
    if wants_json():
        return jsonify({"set_id": set_id, "revision": document_set.revision,
                        "steps": [step.as_json() for step in steps]})
    template = "editor/_history.html" if is_htmx() else "editor/history.html"
    return render_template(template, document_set=document_set, steps=steps)


@dataclass(frozen=True, slots=True)
class CellSentence:
    """A sentence as a cell shows it; ``paragraph`` counts the document's paragraphs from 1,
    the title being 0."""

    id: int
    text: str
    original_text: str | None
    paragraph: int = 1


@dataclass(slots=True)
class EditorRow:
    """A row as the grid shows it (plain values: a 2,000-row page builds no ORM objects)."""

    id: int
    position: int
    score: float
    status: str
    cells: dict[str, list[CellSentence]]
    cell_scores: dict[str, float] = field(default_factory=dict)

    def unsure(self, lang: str) -> bool:
        """Whether the aligner is unsure of this version's cell (``LOW_CONFIDENCE``): in a
        row that needs a look, the cells to read first. Not said in a set of two versions,
        where the one pair is the whole row."""
        return len(self.cells) > 2 and self.cell_scores.get(lang, 1.0) < LOW_CONFIDENCE

    @property
    def shape(self) -> str:
        """The bead shape across languages, e.g. '1-1-2'."""
        return "-".join(str(len(c)) for c in self.cells.values())

    @property
    def paragraph(self) -> int | None:
        """The paragraph the row starts in, in the first language (pivot first) that has a
        sentence in it: 0 is the title."""
        return next((cell[0].paragraph for cell in self.cells.values() if cell), None)


def editor_rows(session: Session, document_set: DocumentSet,
                ids: Sequence[int] | None = None) -> list[EditorRow]:
    """The set's rows in order (or only the rows ``ids``), with their sentences per language:
    two column queries."""
    if ids is not None and not ids:
        return []
    langs = document_set.langs
    lang_of = {v.id: v.lang for v in document_set.versions}
    # Stored paragraph numbers start at 0, which is the title when the version has one.
    first_paragraph = {v.id: 0 if v.title else 1 for v in document_set.versions}
    row_query = select(Row.id, Row.position, Row.score, Row.status,
                       Row.cell_scores).order_by(Row.position)
    sentence_query = (
        select(Sentence.row_id, Sentence.version_id, Sentence.id, Sentence.text,
               Sentence.original_text, Sentence.paragraph)
        .order_by(Sentence.version_id, Sentence.position)
    )
    if ids is None:
        row_query = row_query.where(Row.set_id == document_set.id)
        sentence_query = sentence_query.where(Sentence.version_id.in_(list(lang_of)))
    else:
        row_query = row_query.where(Row.id.in_(ids))
        sentence_query = sentence_query.where(Sentence.row_id.in_(ids))
    rows = {
        row_id: EditorRow(row_id, position, score, status, {lang: [] for lang in langs},
                          read_cell_scores(cell_scores))
        for row_id, position, score, status, cell_scores in session.execute(row_query)
    }
    for row_id, version_id, sentence_id, text, original, paragraph in session.execute(
            sentence_query):
        row = rows.get(row_id) if row_id is not None else None
        if row is not None:
            row.cells[lang_of[version_id]].append(CellSentence(
                sentence_id, text, original, paragraph + first_paragraph[version_id]))
    return list(rows.values())


def _int(name: str) -> int:
    value = request.form.get(name, "")
    try:
        number = int(value)
        if abs(number) > LARGEST_ID:
            raise ValueError(value)
        return number
    except ValueError:
        raise WorkbenchError(_("The request is missing a number for '%(name)s'; reload the "
                               "page and try again.", name=name)) from None



# An edit that changes more rows than this (confirm all above, re-align, their undo) answers
# with the whole grid, swapped at once: the browser takes seconds to swap a thousand rows
# one by one (each out-of-band swap looks its row up in the whole page).
WHOLE_GRID_FROM = 150
WHOLE_GRID_HEADER = "Workbench-Whole-Grid"  # editor.js clears the old rows first


def _respond(session: Session, set_id: int, result: EditResult) -> Response | BaseResponse:
    document_set = get_set(session, set_id)
    whole = is_htmx() and len(result.removed) + len(result.added) > WHOLE_GRID_FROM
    views = editor_rows(session, document_set, None if whole else result.added)
    if not is_htmx():
        return jsonify({
            "operation": result.operation, "revision": result.revision,
            "message": result.message, "undo": result.undo_steps, "redo": result.redo_steps,
            "focus_sentence": result.focus_sentence, "focus_row": result.focus_row,
            "rows": [{"id": v.id, "position": v.position, "status": v.status,
                      "score": round(v.score, 4),
                      "cells": {lang: [s.text for s in c] for lang, c in v.cells.items()}}
                     for v in views],
        })
    langs = chosen_langs(document_set, request.form.get("langs"))
    body = render_template(
        "editor/_edited.html", rows=views, langs=langs, needs_look=needs_look, labels=row_labels(),
        result=result, oob_rows=result.same_rows, whole=whole,
        removed=() if result.same_rows or whole else result.removed[1:],
        revision=result.revision, message=result.message, alert="",
        to_check=rows_to_check(session, document_set),
        counts=confirmed_counts(session, set_id),
    )
    response = Response(body, mimetype="text/html")
    if whole or result.same_rows:
        response.headers["HX-Reswap"] = "none"
    else:
        response.headers["HX-Retarget"] = f"#row-{result.removed[0]}"
        response.headers["HX-Reswap"] = "outerHTML"
    if whole:
        response.headers[WHOLE_GRID_HEADER] = "1"
    response.headers["HX-Trigger-After-Settle"] = json.dumps({"workbench:edited": {
        "focusSentence": result.focus_sentence, "focusRow": result.focus_row,
        "structural": whole or not result.same_rows, "undo": result.undo_steps,
        "redo": result.redo_steps,
    }})
    return response


def _refused(session: Session, set_id: int, error: WorkbenchError) -> Response | BaseResponse:
    """A refused edit: the message, and after a stale edit the whole fresh set."""
    session.rollback()
    if not is_htmx():
        refused = jsonify(error=error.message, status=error.status)
        refused.status_code = error.status
        return refused
    if isinstance(error, DatabaseUnreachable):  # nothing to render the rows from: the
        raise error  # workbench's error page, whose sentence editor.js shows as the alert
    document_set = get_set(session, set_id)
    stale = isinstance(error, StaleEdit)
    views = editor_rows(session, document_set) if stale else []
    undo_steps, redo_steps = editing.steps(session, set_id)
    body = render_template(
        "editor/_edited.html", rows=views,
        langs=chosen_langs(document_set, request.form.get("langs")),
        needs_look=needs_look, labels=row_labels(), result=None, oob_rows=False, removed=(),
        whole=stale,
        revision=document_set.revision, message="", alert=error.message,
        to_check=rows_to_check(session, document_set),
        counts=confirmed_counts(session, set_id),
    )
    response = Response(body, status=error.status, mimetype="text/html")
    response.headers["HX-Reswap"] = "none"
    if stale:
        response.headers[WHOLE_GRID_HEADER] = "1"
    response.headers["HX-Trigger-After-Settle"] = json.dumps({"workbench:refused": {
        "stale": stale, "status": error.status, "undo": undo_steps, "redo": redo_steps,
    }})
    return response


Operation = Callable[[Session, int, int], EditResult]


def _run(set_id: int, operation: Operation) -> Response | BaseResponse:
    """Call an operation at the revision the page was on, answer, and commit. The form is
    read inside, so a malformed request is answered like any refused edit.

    The answer (the rows as the edit left them) is read in the edit's own transaction,
    before it commits: read after, it could show another's change that came in between,
    or find the set gone (a deletion that was waiting for this edit), and an edit that
    was saved would be answered as refused."""
    session = get_session()
    try:
        with committed(session):
            result = operation(session, set_id, _int("revision"))
            answer = _respond(session, set_id, result)
    except WorkbenchError as error:
        return _refused(session, set_id, error)
    return answer


@bp.post("/sets/<int:set_id>/edit/merge")
def merge(set_id: int) -> Response | BaseResponse:
    """Merge a row with the next one (``lang`` given: only that language's sentences)."""
    return _run(set_id, lambda session, set_id, revision: editing.merge_next(
        session, set_id, revision, _int("row"), request.form.get("lang") or None))


@bp.post("/sets/<int:set_id>/edit/split")
def split(set_id: int) -> Response | BaseResponse:
    """Split a sentence at the cursor (``offset``, in characters)."""
    return _run(set_id, lambda session, set_id, revision: editing.split_sentence(
        session, set_id, revision, _int("sentence"), _int("offset")))


@bp.post("/sets/<int:set_id>/edit/move")
def move(set_id: int) -> Response | BaseResponse:
    """Move a sentence into the row above or below (``direction``: up | down)."""
    return _run(set_id, lambda session, set_id, revision: editing.move_sentence(
        session, set_id, revision, _int("sentence"), request.form.get("direction", "")))


@bp.post("/sets/<int:set_id>/edit/isolate")
def isolate(set_id: int) -> Response | BaseResponse:
    """Give a sentence a row of its own (a sentence with no counterpart)."""
    return _run(set_id, lambda session, set_id, revision: editing.isolate_sentence(
        session, set_id, revision, _int("sentence")))


@bp.post("/sets/<int:set_id>/edit/text")
def text(set_id: int) -> Response | BaseResponse:
    """Change a sentence's text."""
    return _run(set_id, lambda session, set_id, revision: editing.edit_text(
        session, set_id, revision, _int("sentence"), request.form.get("text", "")))


@bp.post("/sets/<int:set_id>/edit/confirm")
def confirm(set_id: int) -> Response | BaseResponse:
    """Confirm a row (``confirmed=0`` takes the confirmation back)."""
    return _run(set_id, lambda session, set_id, revision: editing.confirm_row(
        session, set_id, revision, _int("row"), request.form.get("confirmed", "1") != "0"))


@bp.post("/sets/<int:set_id>/edit/confirm-through")
def confirm_through(set_id: int) -> Response | BaseResponse:
    """Confirm every row down to this one."""
    return _run(set_id, lambda session, set_id, revision: editing.confirm_through(
        session, set_id, revision, _int("row")))


@bp.post("/sets/<int:set_id>/edit/realign")
def realign(set_id: int) -> Response | BaseResponse:
    """Re-align everything below the last confirmed row, as a job (``realign``) at the
    revision the page was on.

    A client that asks for JSON (``Accept: application/json``, as editor.js does) is
    answered at once with the job (202): its id, state, progress, ``status_url`` to poll and
    ``result_url``, the editor's answer once it has finished. So is every client when jobs
    run elsewhere (threads, Celery). When they run at once (``eager``: the test config),
    any other client gets the edit's answer, as before jobs: the rows (JSON) or the htmx
    partial, or the refusal."""
    from workbench.jobs.runner import runner_name, submit
    from workbench.jobs.views import locale

    session = get_session()
    try:
        revision = _int("revision")
    except WorkbenchError as error:
        return _refused(session, set_id, error)
    set_name = get_set(session, set_id).name
    wants_job = wants_json()
    runner = runner_name()
    token = uuid4().hex  # finds the job again when an eager run raised
    url = str(current_app.config["DATABASE_URL"])
    session.rollback()  # the job reads and writes in transactions of its own
    try:
        job_id = submit(url, "realign", locale=locale(), runner=runner,
                        params={"set_id": set_id, "set_name": set_name,
                                "revision": revision, "token": token,
                                "author": current_author()})
    except WorkbenchError as error:
        if runner != "eager":  # the queue cannot be reached: nothing was submitted
            raise
        if not wants_job:
            return _refused(session, set_id, error)
        job_id = _job_of(session, token)
    job = get_job(session, job_id)
    if wants_job or not job.finished:
        return _job_answer(job, set_id, 202)
    return _respond(session, set_id, _realigned(session, job))


@bp.get("/sets/<int:set_id>/edit/realign/<int:job_id>")
def realign_done(set_id: int, job_id: int) -> Response | BaseResponse:
    """A re-align job's end as the editor shows it (htmx): the whole grid, the revision and
    the message of the edit, or the job's failure (with the fresh grid when the set was
    changed meanwhile). Before its end, and for a JSON client, the job."""
    session = get_session()
    job = get_job(session, job_id)
    if job.kind != "realign" or (job.params or {}).get("set_id") != set_id:
        raise NotFound(_("There is no re-alignment %(job)s of set %(set)s.",
                         job=job_id, set=set_id))
    ended = job.finished or job.interrupted
    if not is_htmx() or not ended:
        return _job_answer(job, set_id)
    document_set = get_set(session, set_id)
    done = job.state == DONE
    stale = not done and document_set.revision != (job.params or {}).get("revision")
    views = editor_rows(session, document_set) if done or stale else []
    undo_steps, redo_steps = editing.steps(session, set_id)
    result = job.result or {}
    if done:
        alert = ""
    elif job.interrupted:
        alert = _("The re-alignment stopped before it finished (the server was stopped?); "
                  "nothing was changed. Press R to try again.")
    else:
        alert = job.shown_message
    body = render_template(
        "editor/_edited.html", rows=views, langs=chosen_langs(document_set,
                                                              request.values.get("langs")),
        needs_look=needs_look, labels=row_labels(), result=None, oob_rows=False, removed=(),
        whole=bool(views), revision=document_set.revision,
        message=result.get("message", "") if done else "", alert=alert,
        to_check=rows_to_check(session, document_set),
        counts=confirmed_counts(session, set_id),
    )
    response = Response(body, mimetype="text/html")
    response.headers["HX-Reswap"] = "none"
    if views:
        response.headers[WHOLE_GRID_HEADER] = "1"
    event = {"workbench:edited": {
        "focusSentence": None, "focusRow": result.get("focus_row"), "structural": True,
        "undo": undo_steps, "redo": redo_steps}} if done else {"workbench:refused": {
            "stale": stale, "status": 409 if stale else 400, "undo": undo_steps,
            "redo": redo_steps}}
    response.headers["HX-Trigger-After-Settle"] = json.dumps(event)
    return response


def _running_realign(session: Session, set_id: int) -> Job | None:
    """The set's re-align job still waiting or running, if any (a page loaded meanwhile
    follows it as the page that asked for it does)."""
    for job in session.scalars(select(Job).where(Job.kind == "realign", ~Job.state.in_(
            FINISHED)).order_by(Job.id.desc()).limit(20)):
        if (job.params or {}).get("set_id") == set_id and not job.interrupted:
            return job
    return None


def _job_answer(job: Job, set_id: int, status: int = 200) -> BaseResponse:
    """A re-align job as JSON, with where to follow it and where its end is shown."""
    answer = jsonify({**job.as_json(),
                      "url": url_for("jobs.show", job_id=job.id),
                      "status_url": url_for("jobs.show_json", job_id=job.id),
                      "result_url": url_for("editor.realign_done", set_id=set_id,
                                            job_id=job.id)})
    answer.status_code = status
    return answer


def _job_of(session: Session, token: str) -> int:
    """The re-align job submitted with ``token`` (among the latest)."""
    for job in session.scalars(select(Job).where(Job.kind == "realign")
                               .order_by(Job.id.desc()).limit(50)):
        if (job.params or {}).get("token") == token:
            return job.id
    raise AssertionError("the re-align job just submitted is not stored")


def _realigned(session: Session, job: Job) -> EditResult:
    """The edit a finished re-align job made, as the operation gave it."""
    result = job.result or {}
    undo_steps, redo_steps = editing.steps(session, int(result["set_id"]))
    return EditResult(
        "realign", int(result["revision"]), tuple(result["removed"]), tuple(result["added"]),
        focus_row=result.get("focus_row"), message=str(result.get("message", "")),
        undo_steps=undo_steps, redo_steps=redo_steps)


@bp.post("/sets/<int:set_id>/edit/undo")
def undo(set_id: int) -> Response | BaseResponse:
    """Undo the latest edit."""
    return _run(set_id, editing.undo)


@bp.post("/sets/<int:set_id>/edit/redo")
def redo(set_id: int) -> Response | BaseResponse:
    """Redo the edit undone last."""
    return _run(set_id, editing.redo)
