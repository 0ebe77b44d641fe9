"""Document sets in the browser: the list, a new set from uploads or pasted text, a set's
rows, and its TMX download. Every page is also available as JSON from the same data."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from workbench.app import wants_json
from workbench.db import committed, get_session, retried
from workbench.errors import PageImportError
from workbench.importers import Version, detect_language, read_version
from workbench.security import create_limit, limiter
from workbench.sets import (
    DuplicatePages,
    check_versions,
    delete_set,
    find_duplicates,
    get_set,
    list_sets,
    rename_set,
    row_views,
    set_contents,
)

bp = Blueprint("sets", __name__)

LANGUAGE_SLOTS = ("ru-RU", "en-GB", "de-DE", "fr-FR", "es-ES")
# offered for the pivot beside the slots' languages; any language of the versions will do
PIVOT_SUGGESTIONS = (*LANGUAGE_SLOTS, "zh-CN", "ja-JP", "ar", "it-IT", "pt-PT", "pl-PL", "uk-UA")


@bp.get("/")
def index() -> str | BaseResponse:
    """The document sets."""
    summaries = list_sets(get_session())
    if request.args.get("format") == "json":
        return jsonify([s.as_json() for s in summaries])
    return render_template("sets/index.html", sets=summaries)


@bp.get("/sets.json")
def index_json() -> BaseResponse:
    return jsonify([s.as_json() for s in list_sets(get_session())])


@bp.get("/sets/new")
def new() -> str:
    """The form: upload the language versions of a page, or paste them."""
    return render_template("sets/new.html", slots=LANGUAGE_SLOTS, pivots=PIVOT_SUGGESTIONS)


def versions_from_form(files: list[Version] | None = None) -> list[Version]:
    """The versions a user sent: files (several at once or one per slot) and pasted text.
    Those read from files are also added to ``files``."""
    versions: list[Version] = []
    files = [] if files is None else files
    for sent in request.files.getlist("files"):
        if sent.filename:
            versions.append(read_version(sent.read(), sent.filename))
            files.append(versions[-1])
    for n in range(len(LANGUAGE_SLOTS)):
        lang = request.form.get(f"slot-lang-{n}") or None
        upload = request.files.get(f"slot-file-{n}")
        text = request.form.get(f"slot-text-{n}", "")
        if upload is not None and upload.filename:
            versions.append(read_version(upload.read(), upload.filename, lang=lang))
            files.append(versions[-1])
        elif text.strip():
            name = _("pasted text (%(lang)s)", lang=lang or _("language to detect"))
            if lang:
                _check_script(text, lang)
            versions.append(read_version(text.encode("utf-8"), name, lang=lang))
    return versions


_CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"})


def _check_script(text: str, lang: str) -> None:
    """Text pasted under a language it is plainly not written in (English in the Russian
    box, Russian in the English one: the boxes come with languages preset) is refused,
    or the TMX would file each under the other's language. Only the script is judged
    (Cyrillic or not), which never mistakes one language for another of its script."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)
    expects_cyrillic = lang.split("-")[0].lower() in _CYRILLIC_LANGS
    if (expects_cyrillic and cyrillic < 0.2) or (not expects_cyrillic and cyrillic > 0.8):
        found = detect_language(text)
        raise PageImportError(_(
            "The text pasted as %(lang)s is not written in that language (it reads as "
            "%(found)s): choose its language in the list beside it. Nothing was stored.",
            lang=lang, found=found or _("another script")))


@bp.post("/sets")
@limiter.limit(create_limit)
def create() -> BaseResponse:
    """Start aligning the versions sent as a job, and go to its page (which goes on to the
    new set in the editor); on bad input nothing is stored and the message says why. An
    uploaded file whose text a stored set already has is aligned only with "add anyway"
    (the form comes back saying which set has it): that is checked before the job is
    queued."""
    from workbench.jobs import submit
    from workbench.jobs.kinds import store_versions
    from workbench.jobs.views import job_answer, locale

    files: list[Version] = []
    versions = versions_from_form(files)
    if not versions:
        raise PageImportError(_(
            "Nothing to align: upload the language versions of a page or paste their text."))
    check_versions(versions)
    session = get_session()
    if not request.form.get("add_anyway"):
        duplicates = find_duplicates(session, files)
        if duplicates:
            if wants_json():
                raise DuplicatePages(duplicates)
            return Response(render_template("sets/new.html", slots=LANGUAGE_SLOTS,
                                            pivots=PIVOT_SUGGESTIONS, duplicates=duplicates,
                                            form=request.form),
                            status=DuplicatePages.status)
    session.rollback()  # nothing of this request's reading stays open while the job runs
    name = request.form.get("name", "").strip() or None
    job_id = submit(
        current_app.config["DATABASE_URL"], "align",
        params={"name": name, "pivot": request.form.get("pivot") or None,
                "slots": list(LANGUAGE_SLOTS), "files": [v.source for v in versions]},
        store_input=store_versions(versions), locale=locale())
    return job_answer(job_id)


@bp.get("/sets/<int:set_id>")
def show(set_id: int) -> str | BaseResponse:
    """A set's aligned rows, one column per language, with each row's confidence."""
    session = get_session()
    document_set = get_set(session, set_id)
    rows = row_views(session, document_set)
    if request.args.get("format") == "json":
        return jsonify(set_json(document_set, rows))
    return render_template("sets/show.html", document_set=document_set, rows=rows)


@bp.get("/sets/<int:set_id>.json")
def show_json(set_id: int) -> BaseResponse:
    session = get_session()
    document_set = get_set(session, set_id)
    return jsonify(set_json(document_set, row_views(session, document_set)))


def set_json(document_set, rows) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": document_set.id,
        "name": document_set.name,
        "pivot": document_set.pivot_lang,
        "languages": document_set.langs,
        "revision": document_set.revision,
        "rows": [
            {
                "id": r.id,
                "position": r.position,
                "score": round(r.score, 4),
                "status": r.status,
                "cells": {lang: [s.text for s in cell] for lang, cell in r.cells.items()},
                "cell_scores": r.cell_scores,
            }
            for r in rows
        ],
    }


@bp.get("/sets/<int:set_id>/export.tmx")
def export_tmx(set_id: int) -> Response:
    """The set as a TMX 1.4b file (see workbench.exports for the choices)."""
    from workbench.exports import ExportOptions, tmx_bytes

    session = get_session()
    document_set = get_set(session, set_id)
    options = ExportOptions.from_query(request.args, document_set)
    data, filename = tmx_bytes(session, document_set, options)
    return Response(
        data,
        mimetype=("application/zip" if filename.endswith(".zip") else "application/x-tmx+xml"),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _back_to(set_id: int | None = None) -> str:
    """Where a form goes back to: the list or the set's page (``next``), never elsewhere."""
    if request.form.get("next") == "index" or set_id is None:
        return url_for("sets.index")
    return url_for("sets.show", set_id=set_id)


@bp.post("/sets/<int:set_id>/rename")
def rename(set_id: int) -> BaseResponse:
    """Give a set a new name (from its page or the list)."""
    session = get_session()
    with committed(session):
        document_set = rename_set(session, set_id, request.form.get("name", ""))
    if wants_json():
        return jsonify(id=document_set.id, name=document_set.name)
    flash(_("The set is now called “%(name)s”.", name=document_set.name))
    return redirect(_back_to(set_id), code=303)


@bp.get("/sets/<int:set_id>/delete")
def confirm_delete(set_id: int) -> str:
    """The confirmation: what deleting the set takes away, and the button that does it."""
    return render_template("sets/delete.html", contents=set_contents(get_session(), set_id))


@bp.post("/sets/<int:set_id>/delete")
def delete(set_id: int) -> BaseResponse:
    """Delete the set and everything of it, in one transaction."""
    session = get_session()

    def deleting() -> str:
        with committed(session):
            return delete_set(session, set_id)

    name = retried(deleting)  # after a deadlock another's edit broke: again
    if wants_json():
        return jsonify(id=set_id, deleted=True)
    flash(_("The set “%(name)s” was deleted.", name=name))
    return redirect(url_for("sets.index"), code=303)


@bp.get("/sets/<int:set_id>/export")
def export_form(set_id: int) -> str:
    """The export dialog as a page of its own (the set's page has it too)."""
    return render_template("sets/export.html", document_set=get_set(get_session(), set_id))


@bp.get("/sets/archive")
def archive_form() -> str:
    """The form: a folder of saved pages (an archive), each page made a set."""
    return render_template("sets/archive.html", report=None)


@bp.post("/sets/archive")
@limiter.limit(create_limit)
def archive() -> str:
    """Group the uploaded folder's pages into sets, align each as a job, and say what was
    imported (or queued), skipped and refused, and why (``workbench.jobs.archive``)."""
    import uuid

    from workbench.jobs.archive import import_archive
    from workbench.jobs.runner import jobs_folder, runner_name

    sent = [f for f in request.files.getlist("files") if f.filename]
    if not sent:
        raise PageImportError(_("Choose a folder of saved pages (or several page files)."))
    url = current_app.config["DATABASE_URL"]
    # Kept as they came, folders and all (the browser sends each file's path in the folder),
    # so that each set's job can be run again.
    folder = jobs_folder(url) / f"archive-{uuid.uuid4().hex[:12]}"
    for upload in sent:
        parts = [_safe_part(part) for part in (upload.filename or "").split("/")]
        path = folder.joinpath(*[part for part in parts if part] or ["page"])
        path.parent.mkdir(parents=True, exist_ok=True)
        upload.save(path)
    get_session().rollback()
    report = import_archive(url, [folder], runner=runner_name(),
                            add_anyway=bool(request.form.get("add_anyway")))
    return render_template("sets/archive.html", report=report)


def _safe_part(part: str) -> str:
    """A part of an uploaded file's path that stays inside the folder it is saved in (the
    name kept, Cyrillic and all, for the grouping by name)."""
    if part in (".", ".."):
        return ""
    safe = "".join("_" if ord(c) < 32 or c in "\\:" else c for c in part).strip()
    while len(safe.encode()) > 200:  # a file system takes 255 bytes a name
        safe = safe[:-1]
    return safe
