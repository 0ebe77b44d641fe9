"""The translation memory in the browser: the imported TMX files and an upload form, the
concordance search, the fuzzy-match lookup. Each page is also JSON (``?format=json``), and
``/memory/concordance.json`` and ``/memory/fuzzy.json`` answer CAT-tool style clients."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response as BaseResponse

from workbench.app import wants_json
from workbench.db import committed, get_session
from workbench.memory import MemoryImportError, MemoryQueryError
from workbench.memory.concordance import Concordance, concordance
from workbench.memory.fuzzy import DEFAULT_MINIMUM, FuzzyMatch, fuzzy_matches
from workbench.memory.search import Origin
from workbench.memory.store import describe, in_sets_sentence, origins, remove_origin, summary
from workbench.security import create_limit, limiter

bp = Blueprint("memory", __name__, url_prefix="/memory")


@bp.app_template_global()
def memory_origin_url(origin: Origin) -> str | None:
    """Where a memory segment can be seen: its row in the editor (or the set's page)."""
    if origin.kind != "set":
        return None
    endpoint = "editor.edit" if "editor" in current_app.blueprints else "sets.show"
    return url_for(endpoint, set_id=origin.id, _anchor=f"row-{origin.row_id}")



def _lang(name: str = "lang") -> str | None:
    return request.args.get(name, "").strip() or None


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    # isascii: "²" is a digit to str.isdigit but not to int().
    if not (value.isascii() and value.isdigit() and len(value) <= 9
            and low <= int(value) <= high):
        raise MemoryQueryError(_("'%(name)s' must be a whole number from %(low)s to %(high)s, "
                                 "not '%(value)s'.", name=name, low=low, high=high, value=value))
    return int(value)


def _with_url(item: dict[str, object], origin: Origin) -> dict[str, object]:
    item["origin"] = {**origin.as_json(), "url": memory_origin_url(origin)}
    return item


def _concordance_json(found: Concordance) -> dict[str, object]:
    return {**found.as_json(),
            "hits": [_with_url(hit.as_json(), hit.origin) for hit in found.hits]}


def _fuzzy_json(matches: list[FuzzyMatch]) -> list[dict[str, object]]:
    return [_with_url(match.as_json(), match.origin) for match in matches]


@bp.get("/")
def index() -> str | BaseResponse:
    """The memory: imported files with their counts, the upload form, the search box."""
    session = get_session()
    files = origins(session)
    held = summary(session)
    if wants_json():
        return jsonify({**held.as_json(), "imported": [describe(o) for o in files]})
    wanted = request.args.get("imported")
    return render_template("memory/index.html", files=files, held=held,
                           imported=next((f for f in files if str(f.id) == wanted), None),
                           already=_count("already"),
                           in_sets=in_sets_sentence(count) if (count := _count("in_sets"))
                           else "",
                           removed=request.args.get("removed"))


def _count(name: str) -> int:
    """A count the import's job put in the address (0 when it is not one)."""
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


@bp.get("/export.tmx")
def export_file() -> Response:
    """The whole memory as TMX 1.4b: ``lang`` (repeated) or ``langs`` (comma-separated),
    ``source``, ``pairs=1`` (a zip of pair files), ``confirmed=1`` (confirmed set rows
    only), ``sets_only=1`` (no imported units). See workbench.memory.export."""
    from workbench.memory.export import MemoryExport, export_memory

    args = request.args
    session = get_session()
    options = MemoryExport.build(
        session,
        langs=args.getlist("lang") or args.get("langs") or None,
        source_lang=args.get("source") or None,
        pairs=args.get("pairs") in ("1", "true", "on"),
        confirmed_only=args.get("confirmed") in ("1", "true", "on"),
        imported=args.get("sets_only") not in ("1", "true", "on"),
    )
    return send_file(export_memory(session, options), as_attachment=True,
                     download_name=options.file_name(),
                     mimetype="application/zip" if options.pairs else "application/x-tmx+xml")


@bp.get("/search")
def search() -> str | BaseResponse:
    """The concordance page: the segments holding the words, with their translations."""
    if wants_json():
        return concordance_json()
    session = get_session()
    query = request.args.get("q", "")
    lang = _lang()
    limit = _whole_number("limit", 50, 1, 1000)
    found = concordance(session, query, lang, limit) if query.strip() else None
    return render_template("memory/search.html", found=found, query=query, lang=lang,
                           langs=summary(session).langs)


@bp.get("/concordance.json")
def concordance_json() -> BaseResponse:
    """Concordance as JSON: ``?q=words&lang=ru&limit=50``."""
    found = concordance(get_session(), request.args.get("q", ""), _lang(),
                        _whole_number("limit", 50, 1, 1000))
    return jsonify(_concordance_json(found))


@bp.get("/fuzzy")
def fuzzy() -> str | BaseResponse:
    """The fuzzy-match lookup: a source sentence in, the memory's best matches out."""
    if wants_json():
        return fuzzy_json()
    session = get_session()
    text = request.args.get("text", "")
    source, target = _lang("source"), _lang("target")
    minimum = _whole_number("min", DEFAULT_MINIMUM, 0, 100)
    matches = None
    if text.strip() and source and target:
        matches = fuzzy_matches(session, text, source, target, minimum=minimum)
    return render_template("memory/fuzzy.html", matches=matches, text=text, source=source,
                           target=target, minimum=minimum, langs=summary(session).langs)


@bp.get("/fuzzy.json")
def fuzzy_json() -> BaseResponse:
    """Fuzzy matches as JSON: ``?text=...&source=en-GB&target=ru-RU&min=70&limit=10``."""
    source, target = _lang("source"), _lang("target")
    if not source or not target:
        raise MemoryQueryError(_("Name the source and the target language "
                                 "(source=en-GB&target=ru-RU)."))
    matches = fuzzy_matches(get_session(), request.args.get("text", ""), source, target,
                            minimum=_whole_number("min", DEFAULT_MINIMUM, 0, 100),
                            limit=_whole_number("limit", 10, 1, 100))
    return jsonify(_fuzzy_json(matches))


@bp.post("/import")
@limiter.limit(create_limit)
def import_file() -> BaseResponse:
    """Import an uploaded TMX file (field ``file``) as a job, and go to its page (which goes
    on to the memory when it is done); a bad file stores nothing."""
    from workbench.jobs import submit
    from workbench.jobs.views import job_answer, locale

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise MemoryImportError(_("Choose a TMX file to import."))
    name = upload.filename

    def keep(folder: Path) -> Path:  # the file itself, for the job and for running it again
        folder.mkdir(parents=True, exist_ok=True)
        # (the end of a long name: its extension stays; a file system takes 255 bytes)
        path = folder / (secure_filename(name)[-120:] or "memory.tmx")
        upload.save(path)
        return path

    get_session().rollback()  # nothing of this request's reading stays open meanwhile
    job_id = submit(current_app.config["DATABASE_URL"], "tmx-import",
                    params={"file_name": name},
                    store_input=keep, locale=locale())
    return job_answer(job_id)


@bp.post("/export")
@limiter.limit(create_limit)
def export_job() -> BaseResponse:
    """Export the memory as a job (the form of the memory page); its page offers the file
    for download when it is written. The fields are those of ``export.tmx``."""
    from workbench.jobs import submit
    from workbench.jobs.views import job_answer, locale
    from workbench.memory.export import MemoryExport

    form = request.form
    options = MemoryExport.build(  # checked now: a bad choice is said at once
        get_session(), langs=form.getlist("lang") or form.get("langs") or None,
        source_lang=form.get("source") or None,
        pairs=form.get("pairs") in ("1", "true", "on"),
        confirmed_only=form.get("confirmed") in ("1", "true", "on"),
        imported=form.get("sets_only") not in ("1", "true", "on"))
    get_session().rollback()
    job_id = submit(current_app.config["DATABASE_URL"], "memory-export",
                    params={"langs": list(options.langs), "source_lang": options.source_lang,
                            "pairs": options.pairs, "confirmed_only": options.confirmed_only,
                            "imported": options.imported},
                    locale=locale())
    return job_answer(job_id)


@bp.post("/files/<int:origin_id>/remove")
def remove_file(origin_id: int) -> BaseResponse:
    """Take an imported file and all its units out of the memory."""
    session = get_session()
    with committed(session):
        origin = remove_origin(session, origin_id)
    if wants_json():
        return jsonify(removed=origin_id, file=origin.file_name)
    return redirect(url_for("memory.index", removed=origin.file_name), code=303)
