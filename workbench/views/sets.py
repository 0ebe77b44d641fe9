"""Document sets in the browser: the list, a new set from uploads or pasted text, a set's
rows, and its TMX download. Every page is also available as JSON from the same data."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from workbench.db import get_session
from workbench.errors import PageImportError
from workbench.importers import Version, read_version
from workbench.security import create_limit, limiter
from workbench.sets import (
    DuplicatePages,
    create_set,
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
    return render_template("sets/new.html", slots=LANGUAGE_SLOTS)


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
            versions.append(read_version(text.encode("utf-8"), name, lang=lang))
    return versions


@bp.post("/sets")
@limiter.limit(create_limit)
def create() -> BaseResponse:
    """Create a set; on bad input nothing is stored and the message says why. An uploaded
    file whose text a stored set already has is stored only with "add anyway" (the form
    comes back saying which set has it)."""
    files: list[Version] = []
    versions = versions_from_form(files)
    if not versions:
        raise PageImportError(_(
            "Nothing to align: upload the language versions of a page or paste their text."))
    session = get_session()
    try:
        if len(versions) >= 2 and not request.form.get("add_anyway"):
            duplicates = find_duplicates(session, files)
            if duplicates:
                raise DuplicatePages(duplicates)
        document_set = create_set(
            session,
            versions,
            name=request.form.get("name", "").strip() or None,
            pivot=request.form.get("pivot") or None,
            slots=LANGUAGE_SLOTS,
        )
        session.commit()
    except DuplicatePages as duplicate:
        from workbench.app import wants_json

        session.rollback()
        if wants_json():
            raise
        return Response(render_template("sets/new.html", slots=LANGUAGE_SLOTS,
                                        duplicates=duplicate.duplicates, form=request.form),
                        status=duplicate.status)
    except Exception:
        session.rollback()
        raise
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=document_set.id, url=url_for("sets.show", set_id=document_set.id))
    return redirect(url_for("sets.show", set_id=document_set.id), code=303)


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
    try:
        document_set = rename_set(session, set_id, request.form.get("name", ""))
        session.commit()
    except Exception:
        session.rollback()
        raise
    if request.accept_mimetypes.best == "application/json":
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
    try:
        name = delete_set(session, set_id)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if request.accept_mimetypes.best == "application/json":
        return jsonify(id=set_id, deleted=True)
    flash(_("The set “%(name)s” was deleted.", name=name))
    return redirect(url_for("sets.index"), code=303)


@bp.get("/sets/<int:set_id>/export")
def export_form(set_id: int) -> str:
    """The export dialog as a page of its own (the set's page has it too)."""
    return render_template("sets/export.html", document_set=get_set(get_session(), set_id))
