"""Jobs in the browser: the list, one job's page with its progress (polled by htmx, which
goes on to the result when the job is done), cancel, run again, and an export's download.
Every page is also JSON (``/jobs.json``, ``/jobs/<id>.json``)."""

from __future__ import annotations

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
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from workbench.app import wants_json
from workbench.db import get_session
from workbench.errors import NotFound
from workbench.jobs.kinds import KINDS, UNITS
from workbench.jobs.models import CANCELLED, DONE, FAILED, INTERRUPTED, QUEUED, RUNNING, Job
from workbench.jobs.runner import cancel, get_job, list_jobs, rerun

bp = Blueprint("jobs", __name__, static_folder="static", static_url_path="/jobs/static")

STATES = {
    QUEUED: lazy_gettext("Waiting"),
    RUNNING: lazy_gettext("Running"),
    DONE: lazy_gettext("Done"),
    FAILED: lazy_gettext("Failed"),
    CANCELLED: lazy_gettext("Cancelled"),
    INTERRUPTED: lazy_gettext("Interrupted: the process running it stopped; nothing of it "
                              "was stored. Run it again."),
}
# kinds whose page goes on to the result when done
FOLLOWED = ("align", "tmx-import", "discover_terms")


def locale() -> str:
    """The user's interface language, which a job speaks in its messages."""
    return str(get_locale() or "en")


def result_url(job: Job) -> str | None:
    """Where a finished job's result is seen: the new set in the editor, the imported
    file in the memory, the export's download, the terminology flags, the re-aligned set."""
    result = job.result or {}
    if job.state != DONE:
        return None
    if job.kind == "align" and "set_id" in result:
        endpoint = "editor.edit" if "editor" in current_app.blueprints else "sets.show"
        return url_for(endpoint, set_id=result["set_id"])
    if job.kind == "tmx-import" and "origin_id" in result:
        # (and how many of its units were in the memory already, to say so: in another
        # file, or in the sets' rows)
        return url_for("memory.index", imported=result["origin_id"],
                       already=result.get("already") or None,
                       in_sets=result.get("in_sets") or None)
    if job.kind == "memory-export" and "path" in result:
        return url_for("jobs.download", job_id=job.id)
    if job.kind == "discover_terms":
        return url_for("terminology.flags")
    if job.kind == "realign" and "set_id" in (job.params or {}):
        return url_for("editor.edit", set_id=job.params["set_id"])
    return None


def result_label(job: Job) -> str:
    labels = {"align": lazy_gettext("Open the new set in the editor"),
              "tmx-import": lazy_gettext("See the imported file in the memory"),
              "memory-export": lazy_gettext("Download %(file)s",
                                            file=(job.result or {}).get("file_name", "")),
              "discover_terms": lazy_gettext("See the terminology flags"),
              "realign": lazy_gettext("Open the set in the editor")}
    return str(labels.get(job.kind, lazy_gettext("See the result")))


@bp.app_template_global()
def job_view(job: Job) -> dict[str, object]:
    """What the templates show of a job."""
    active = job.state in (QUEUED, RUNNING) and not job.interrupted
    view: dict[str, object] = {
        "job": job, "state": job.shown_state, "state_label": STATES[job.shown_state],
        "kind": KINDS[job.kind].label if job.kind in KINDS else job.kind,
        "unit": UNITS.get(job.unit, job.unit), "url": result_url(job),
        "result_label": result_label(job), "active": active,
        "can_rerun": not active and (job.state != DONE or job.kind == "memory-export"),
        "rerun_label": _("Run again"), "rerun_revision": None, "rerun_note": ""}
    if view["can_rerun"] and job.kind == "realign":
        view.update(_realign_again(job))
    return view


def _realign_again(job: Job) -> dict[str, object]:
    """Run again, for a re-align job: on a set changed since, only on the set as it is now,
    and saying so; not at all on a deleted set, saying why."""
    from workbench.jobs.realign import changed_message, deleted_message, set_since

    since = set_since(get_session(), job)
    if since.gone:
        return {"can_rerun": False, "rerun_note": deleted_message()}
    if since.changed:
        return {"rerun_label": _("Re-align the set as it is now"),
                "rerun_revision": since.now, "rerun_note": changed_message(since)}
    return {}


def job_answer(job_id: int) -> BaseResponse:
    """The answer to a form that started a job: its page, which follows it to the result
    (303), or, for a JSON client, the job (202)."""
    if wants_json():
        job = get_job(get_session(), job_id)
        return _json(job, 202)
    return redirect(url_for("jobs.show", job_id=job_id, follow=1), code=303)


def _json(job: Job, status: int = 200) -> BaseResponse:
    answer = jsonify({**job.as_json(), "url": url_for("jobs.show", job_id=job.id),
                      "result_url": result_url(job)})
    answer.status_code = status
    return answer



@bp.get("/jobs/")
def index() -> str | BaseResponse:
    """The jobs, newest first."""
    found = list_jobs(get_session())
    if wants_json():
        return jsonify([job.as_json() for job in found])
    return render_template("jobs/index.html", jobs=found)


@bp.get("/jobs.json")
def index_json() -> BaseResponse:
    return jsonify([job.as_json() for job in list_jobs(get_session())])


@bp.get("/jobs/<int:job_id>")
def show(job_id: int) -> str | BaseResponse:
    """A job's page. Reached from the form that started it (``follow=1``), a job done goes
    straight on to its result."""
    job = get_job(get_session(), job_id)
    if wants_json():
        return _json(job)
    follow = request.args.get("follow") == "1" and job.kind in FOLLOWED
    if follow and (url := result_url(job)):
        return redirect(url, code=303)
    return render_template("jobs/show.html", job=job, follow=follow)


@bp.get("/jobs/<int:job_id>.json")
def show_json(job_id: int) -> BaseResponse:
    return _json(get_job(get_session(), job_id))


@bp.get("/jobs/<int:job_id>/progress")
def progress(job_id: int) -> Response:
    """The progress part of a job's page, for htmx to poll; once a followed job is done,
    htmx is told to go on to its result (``HX-Redirect``)."""
    job = get_job(get_session(), job_id)
    follow = request.args.get("follow") == "1" and job.kind in FOLLOWED
    answer = Response(render_template("jobs/_progress.html", job=job, follow=follow))
    if follow and (url := result_url(job)):
        answer.headers["HX-Redirect"] = url
    return answer


@bp.post("/jobs/<int:job_id>/cancel")
def cancel_job(job_id: int) -> BaseResponse:
    """Cancel a job (what it stored is removed)."""
    job = cancel(get_session(), job_id)
    if wants_json():
        return _json(job)
    return redirect(url_for("jobs.show", job_id=job_id), code=303)


@bp.post("/jobs/<int:job_id>/rerun")
def rerun_job(job_id: int) -> BaseResponse:
    """Run a job again with the same input; a re-align job whose set was changed since, on
    the set at ``revision`` (the one its page showed), as the person's own step."""
    from workbench.editing.history import current_author

    session = get_session()
    kind = get_job(session, job_id).kind
    seen = request.form.get("revision", "")
    rerun(session, current_app.config["DATABASE_URL"], job_id,
          revision=int(seen) if seen.isdigit() else None, author=current_author())
    if wants_json():
        return _json(get_job(session, job_id), 202)
    return redirect(url_for("jobs.show", job_id=job_id, follow=int(kind in FOLLOWED)),
                    code=303)


@bp.get("/jobs/<int:job_id>/download")
def download(job_id: int) -> Response:
    """The file a finished export made."""
    job = get_job(get_session(), job_id)
    result = job.result or {}
    if job.state != DONE or "path" not in result:
        raise NotFound(_("Job %(id)s has no file to download.", id=job_id))
    name = str(result.get("file_name") or "memory.tmx")
    try:
        return send_file(result["path"], as_attachment=True, download_name=name,
                         mimetype="application/zip" if name.endswith(".zip")
                         else "application/x-tmx+xml")
    except FileNotFoundError:
        raise NotFound(_("The file of job %(id)s is gone; run the export again.",
                         id=job_id)) from None
