"""Terminology in the browser: the open flags by impact, each with every occurrence in
context beside its aligned rows (each linking to its row in the editor); one action to
settle (a termbase concept) or dismiss it, and one to reopen it; the row checks against the
termbase; the termbase as TBX out and in. Every page is also JSON (``?format=json``).

The review works in place: settle, dismiss and reopen answer htmx with the flag's article
in its new state and the status line (out of band), so the list keeps its position; without
JavaScript they redirect to the same list at the flag's anchor (``#flag-<key>``), the flag
kept in its place (``decided=<key>``). The flags filter by set, language and kind (GET
parameters); a set can be left out of discovery (``term_excluded_set``). The checks filter
the same way, number rows as the editor does and link to them, keep false positives
(``term_check_dismissal``), and download as CSV (``/terms/checks.csv``)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from alignments.terms import AlignedRow, Flag, Occurrence
from workbench.app import LARGEST_ID, is_htmx, wants_json
from workbench.db import committed, get_session
from workbench.limits import limit
from workbench.models import DocumentSet
from workbench.security import create_limit, limiter
from workbench.sets import get_set
from workbench.terminology import TermbaseError
from workbench.terminology.checks import (
    Issue,
    cached_checks,
    dismiss_issue,
    localized_message,
    reported_issues,
    row_numbers,
    row_texts,
    term_pattern,
)
from workbench.terminology.discovery import latest_discovery
from workbench.terminology.flags import (
    KINDS,
    FlagState,
    aligned_rows,
    chosen_sets,
    describe,
    exclude_sets,
    excluded_set_ids,
    find_flag,
    flag_states,
    kind_label,
    status_label,
)
from workbench.terminology.models import Concept
from workbench.terminology.termbase import dismiss, export_tbx, import_tbx, reopen, settle

bp = Blueprint("terminology", __name__, url_prefix="/terms")

CONTEXT = 60  # characters of context each side of an occurrence


@bp.context_processor
def _labels() -> dict[str, object]:
    """The localised labels every terminology template uses."""
    return {"kind_label": kind_label, "status_label": status_label, "describe": describe,
            "issue_kind_label": issue_kind_label, "term_status_label": term_status_label,
            "issue_message": localized_message}


def term_status_label(status: str) -> str:
    """A term's status (preferred, admitted, deprecated) in the interface's language."""
    return {"preferred": _("preferred"), "admitted": _("admitted"),
            "deprecated": _("deprecated")}.get(status, status)


@dataclass(frozen=True)
class Page:
    """One page of a long list (the termbase, the checks): its number (from 1), its size,
    and how many items the whole list has."""

    number: int
    size: int
    total: int

    @classmethod
    def asked(cls, total: int) -> Page:
        """The page ``?page=N`` asks for (the first when N is missing or not a number from
        1); its size is the app's ``TERMS_PAGE_SIZE``."""
        number = request.args.get("page", default=1, type=int) or 1
        return cls(max(number, 1), max(limit("TERMS_PAGE_SIZE"), 1), total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def past_the_end(self) -> bool:
        return self.number > self.pages

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The 1-based position of the page's first item (0 when the list is empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def previous(self) -> int | None:
        return min(self.number - 1, self.pages) if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    def as_json(self) -> dict[str, int]:
        return {"page": self.number, "per_page": self.size, "pages": self.pages,
                "total": self.total}


@dataclass(frozen=True)
class Context:
    """An occurrence in its row: left context, the variant, right context, and the row's
    text in the other languages."""

    occurrence: Occurrence
    left: str
    match: str
    right: str
    aligned: list[tuple[str, str, str, str]]  # lang, before, the source term, after


def _sets() -> list[DocumentSet]:
    """The sets discovery runs on: the chosen ones, else every set not left out of it."""
    session = get_session()
    ids = _ids(request.values.getlist("set"))
    return [get_set(session, i) for i in ids] if ids else chosen_sets(session, discovery=True)



def contexts(flag: Flag, rows: dict[tuple[int | str, int], AlignedRow]) -> list[list[Context]]:
    """For each variant of the flag, its occurrences keyword-in-context."""
    by_variant: list[list[Context]] = [[] for _ in flag.variants]
    source = (
        re.compile(term_pattern(flag.source_term, flag.source_lang), re.IGNORECASE)
        if flag.source_term and flag.source_lang else None
    )
    for occ in flag.occurrences:
        row = rows.get((occ.set_id, occ.row_id))
        if row is None:
            continue
        text = row.texts.get(occ.lang, "")
        left = text[max(0, occ.start - CONTEXT) : occ.start]
        right = text[occ.end : occ.end + CONTEXT]
        aligned = [_marked(lang, t, source if lang == flag.source_lang else None)
                   for lang, t in row.texts.items() if lang != occ.lang]
        by_variant[occ.variant].append(Context(
            occ, ("…" if occ.start > CONTEXT else "") + left, text[occ.start : occ.end],
            right + ("…" if occ.end + CONTEXT < len(text) else ""), aligned,
        ))
    return by_variant


def _marked(lang: str, text: str, pattern: re.Pattern[str] | None
            ) -> tuple[str, str, str, str]:
    """An aligned row's text with the flag's source term picked out (inflected forms too)."""
    match = pattern.search(text) if pattern else None
    if match is None:
        return lang, text, "", ""
    return lang, text[: match.start()], match.group(), text[match.end() :]


def _filters(source: MultiDict[str, str] | None = None) -> dict[str, Any]:
    """The list filters a request carries (GET parameters, or a form's hidden fields):
    sets, languages, kinds and ``show=all``; what a redirect carries back."""
    getlist = (source if source is not None else request.values).getlist
    return {
        "set": [str(i) for i in _ids(getlist("set"))],
        "lang": [v for v in getlist("lang") if v],
        "kind": [v for v in getlist("kind") if v],
        "show": ["all"] if "all" in getlist("show") else [],
    }


def _flag_states(session: Session, sets: list[DocumentSet], filters: dict[str, list[str]],
                 keep: str | None = None) -> list[FlagState]:
    """The flags shown: open ones (all with ``show=all``), of the chosen languages and
    kinds; ``keep`` (the flag just decided) stays in its place whatever its state."""
    show_all = bool(filters["show"])
    return [
        s for s in flag_states(session, sets)
        if (show_all or s.open or s.flag.key == keep)
        and (not filters["lang"] or s.flag.lang in filters["lang"])
        and (not filters["kind"] or s.flag.kind in filters["kind"])
    ]


def _flag_json(state: FlagState) -> dict[str, object]:
    return {**state.flag.as_json(), "status": state.decision or "open",
            "description": describe(state.flag)}


@bp.get("/flags.json")
def flags_json() -> BaseResponse:
    """The flags as JSON (the same data and filters as the page); on a large corpus that
    changed, the discovery job that finds them (202)."""
    from workbench.jobs.views import job_answer

    session = get_session()
    sets = _sets()
    job_id = _discovery_job(session, sets)
    if job_id is not None:
        return job_answer(job_id)
    return jsonify([_flag_json(s) for s in _flag_states(session, sets, _filters())])


# Rows over which the flags page finds the flags itself when a set changed; over more, the
# page goes to a discovery job instead (a corpus of 8,900 rows took 74 s in the request).
INLINE_DISCOVERY_ROWS = 3000


def _discovery_job(session: Session, sets: list[DocumentSet]) -> int | None:
    """When the sets' flags are not at hand and the corpus is large: the discovery job
    that finds them (one already queued or running for them, else a new one); None when
    the page may find them itself."""
    from flask import current_app

    from workbench.jobs.models import QUEUED, RUNNING, Job
    from workbench.jobs.views import locale
    from workbench.models import Row
    from workbench.terminology.discovery import KIND, submit_discovery
    from workbench.terminology.flags import flags_ready

    if not sets or flags_ready(session, sets):
        return None
    ids = [s.id for s in sets]
    rows = session.scalar(select(func.count(Row.id)).where(Row.set_id.in_(ids))) or 0
    if rows <= INLINE_DISCOVERY_ROWS:
        return None
    for job in session.scalars(select(Job).where(Job.kind == KIND,
                                                 Job.state.in_((QUEUED, RUNNING)))):
        if not job.interrupted and sorted((job.params or {}).get("set_ids") or ids) == ids:
            return job.id
    chosen = _ids(request.values.getlist("set"))
    session.rollback()  # nothing of this request's reading stays open meanwhile
    return submit_discovery(current_app.config["DATABASE_URL"], set_ids=chosen,
                            locale=locale())


@bp.get("/")
def flags() -> str | BaseResponse:
    """The flags of the chosen sets (all not left out of discovery by default), open
    ones by impact; filtered by language and kind. On a large corpus that changed since
    its flags were found, the page goes to the discovery job that finds them again."""
    from workbench.jobs.views import job_answer

    session = get_session()
    sets = _sets()
    job_id = _discovery_job(session, sets)
    if job_id is not None:
        return job_answer(job_id)
    filters = _filters()
    states_all = flag_states(session, sets)
    states = _flag_states(session, sets, filters, keep=request.args.get("decided"))
    if wants_json():
        return jsonify([_flag_json(s) for s in states])
    rows = {(r.set_id, r.row_id): r for r in aligned_rows(session, sets)}
    return render_template(
        "terms/flags.html",
        states=states,
        contexts={s.flag.key: contexts(s.flag, rows) for s in states},
        numbers=row_numbers(session, [s.id for s in sets]),
        sets=sets,
        all_sets=chosen_sets(session),
        excluded=excluded_set_ids(session),
        chosen=[int(i) for i in filters["set"]],
        filters=filters,
        langs=sorted({s.flag.lang for s in states_all}),
        kinds=[k for k in KINDS if any(s.flag.kind == k for s in states_all)],
        show_all=bool(filters["show"]),
        done=_done_text(request.args.get("done")),
        discovery=latest_discovery(session),
    )


def _done_text(done: str | None) -> str:
    """The status line after an action (``done=settled:NAME`` ...), localised."""
    if not done or ":" not in done:
        return ""
    action, what = done.split(":", 1)
    label = {"settled": _("Settled: %(what)s", what=what),
             "dismissed": _("Dismissed: %(what)s", what=what),
             "reopened": _("Reopened: %(what)s", what=what),
             "covered": _("Your decision on %(what)s is undone, but a concept of the termbase "
                          "holds these terms with a preferred one, so the flag stays settled.",
                          what=what),
             "excluded": _("Sets left out of discovery: %(what)s", what=what or "—"),
             "conflict": _("%(what)s It was changed in another tab or by someone else "
                           "meanwhile: it is shown as it is now, and nothing of yours was "
                           "stored.", what=what),
             "false-positive": _("Marked as a false positive: %(what)s", what=what)}
    return label.get(action, "")


def _set_ids() -> list[int]:
    return _ids(request.form.getlist("set"))


def _ids(values: list[str]) -> list[int]:
    """The set ids among ``values``: ASCII digits ('²' is a digit to str.isdigit, not to
    int), and no more than a database integer holds; anything else is passed over."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and int(v) <= LARGEST_ID]



def _answer(key: str, done: str, **data: object) -> BaseResponse | str:
    """After an action on a flag: JSON when asked; the flag's article in its new state
    and the status line (htmx); else back to the list at the flag's anchor."""
    if wants_json():
        return jsonify(flag=key, **data)
    if is_htmx():
        return _flag_article(key, done)
    return redirect(url_for("terminology.flags", **_filters(request.form), done=done,
                            decided=key, _anchor=f"flag-{key}"), code=303)


def _flag_article(key: str, done: str) -> str:
    """The flag's article as it is now and the status line, for htmx to swap in."""
    filters = _filters(request.form)
    session = get_session()
    sets = _sets()
    state = next((s for s in flag_states(session, sets) if s.flag.key == key), None)
    if state is None:
        # The flag is no longer among the sets' flags: its article goes, the status says.
        return render_template("terms/_status.html", done=_done_text(done), oob=True)
    rows = {(r.set_id, r.row_id): r for r in aligned_rows(session, sets)}
    return render_template(
        "terms/_flag_answer.html", state=state, flag=state.flag,
        contexts={key: contexts(state.flag, rows)},
        numbers=row_numbers(session, [s.id for s in sets]),
        chosen=[int(i) for i in filters["set"]], filters=filters, done=_done_text(done))


def _changed_elsewhere(key: str, error: TermbaseError) -> BaseResponse:
    """An action on a flag that another tab (or person) decided meanwhile, refused (409):
    the page shows the flag as it is now, not as this tab last saw it, and says why
    nothing changed. htmx gets the flag's article in its present state with the reason in
    the status line, still as a 409 (terms.js swaps it in); a form without JavaScript goes
    back to the list at the flag. JSON keeps the plain error."""
    done = "conflict:" + error.message
    if is_htmx():
        return make_response(_flag_article(key, done), 409)
    return redirect(url_for("terminology.flags", **_filters(request.form), done=done,
                            decided=key, _anchor=f"flag-{key}"), code=303)


@bp.post("/flags/<key>/settle")
def settle_flag(key: str) -> BaseResponse | str:
    """Settle a flag: the chosen variant preferred, the others admitted or deprecated; the
    terms (``term-N``) and the source term (``source``) as edited in the form."""
    session = get_session()
    flag = find_flag(session, key, _set_ids())
    preferred = request.form.get("preferred", "")
    statuses = {
        variant: request.form.get(f"status-{n}", "deprecated")
        for n, variant in enumerate(flag.variants) if variant != preferred
    }
    # The terms as the terminologist wrote them (dictionary forms, proposed by the form).
    texts = {variant: request.form.get(f"term-{n}", "")
             for n, variant in enumerate(flag.variants) if request.form.get(f"term-{n}")}
    try:
        with committed(session):
            concept = settle(session, flag, preferred, statuses,
                             name=request.form.get("name", "").strip() or None, texts=texts,
                             source_term=request.form.get("source", "").strip() or None)
    except TermbaseError as error:
        if error.status != 409 or wants_json():
            raise
        return _changed_elsewhere(key, error)
    return _answer(key, f"settled:{concept.name}", concept=concept.id, action="settled")


@bp.post("/flags/<key>/dismiss")
def dismiss_flag(key: str) -> BaseResponse | str:
    """Dismiss a flag as not a term."""
    session = get_session()
    flag = find_flag(session, key, _set_ids())
    try:
        with committed(session):
            dismiss(session, flag)
    except TermbaseError as error:
        if error.status != 409 or wants_json():
            raise
        return _changed_elsewhere(key, error)
    return _answer(key, "dismissed:" + " / ".join(flag.variants), action="dismissed")


@bp.post("/flags/<key>/reopen")
def reopen_flag(key: str) -> BaseResponse | str:
    """Undo a settlement or a dismissal: the flag is open again (``termbase.reopen``)."""
    session = get_session()
    try:
        with committed(session):
            decision = reopen(session, key)
    except TermbaseError as error:
        if error.status != 409 or wants_json():
            raise
        return _changed_elsewhere(key, error)
    what = " / ".join(decision.variants)
    state = next((s for s in flag_states(session, _sets()) if s.flag.key == key), None)
    if state is not None and state.by_termbase:
        # a concept of the termbase decides these variants all the same (an imported one,
        # or another flag's): the flag stays settled, and the status line says why
        return _answer(key, "covered:" + what, action="reopened", concept=state.concept_id)
    return _answer(key, "reopened:" + what, action="reopened")


@bp.post("/sets/excluded")
def exclude_sets_view() -> BaseResponse:
    """Leave the ticked sets out of discovery (and take the others in again)."""
    session = get_session()
    ids = _ids(request.form.getlist("excluded"))
    with committed(session):
        exclude_sets(session, ids)
    if wants_json():
        return jsonify(excluded=sorted(excluded_set_ids(session)))
    return redirect(url_for("terminology.flags", done="excluded:" + ", ".join(
        str(i) for i in sorted(excluded_set_ids(session)))), code=303)


@bp.post("/discover")
def discover() -> BaseResponse:
    """Find the flags of the chosen sets (none: every set not left out of discovery) as a
    job, and go to its page, which follows its progress (JSON: the job, 202)."""
    from flask import current_app

    from workbench.jobs.views import job_answer, locale
    from workbench.terminology.discovery import submit_discovery

    ids = _ids(request.form.getlist("set"))
    get_session().rollback()  # nothing of this request's reading stays open meanwhile
    job_id = submit_discovery(current_app.config["DATABASE_URL"], set_ids=ids,
                              locale=locale())
    return job_answer(job_id)


def _issue_json(issue: Issue) -> dict[str, object]:
    return {**issue.as_json(), "message": localized_message(issue),
            "url": _row_url(issue.set_id, issue.row_id)}


def _row_url(set_id: int | str, row_id: int) -> str:
    return url_for("editor.edit", set_id=set_id, _anchor=f"row-{row_id}")


@bp.get("/checks.json")
def checks_json() -> str | BaseResponse:
    """The row checks as JSON, a page at a time (``?page=N``) with the total."""
    return _checks(as_json=True)


@bp.get("/checks")
def checks() -> str | BaseResponse:
    """Every row checked against the termbase: deprecated terms, preferred ones missing;
    a page of issues at a time, filtered by set, language and kind."""
    return _checks(as_json=wants_json())


def _checks(as_json: bool) -> str | BaseResponse:
    """The checks run over every row once per state of the sets and the termbase
    (``cached_checks``): the other pages, and reloads, slice the same list."""
    session = get_session()
    sets = _check_sets()
    filters = _filters()
    issues = reported_issues(session, sets, langs=filters["lang"], kinds=filters["kind"])
    page = Page.asked(len(issues))
    shown = issues[page.offset : page.offset + page.size] if not page.past_the_end else []
    if as_json:
        return jsonify({**page.as_json(), "issues": [_issue_json(i) for i in shown]})
    args = {k: v for k, v in filters.items() if k != "show"}
    if page.past_the_end:
        return redirect(url_for("terminology.checks", **args, page=page.pages))
    all_issues = cached_checks(session, sets)
    return render_template(
        "terms/checks.html", issues=shown, page=page, sets=sets, filters=filters,
        all_sets=chosen_sets(session), chosen=[int(i) for i in filters["set"]],
        langs=sorted({i.lang for i in all_issues}), done=_done_text(request.args.get("done")),
        texts=row_texts(session, [(i.set_id, i.row_id) for i in shown]),
        row_url=_row_url, csv_url=url_for("terminology.checks_csv", **args),
        page_url=lambda n: url_for("terminology.checks", **args, page=n))


def _check_sets() -> list[DocumentSet]:
    """The sets the checks cover: the chosen ones, else every set (a set left out of
    discovery is still checked against the termbase)."""
    session = get_session()
    ids = _ids(request.values.getlist("set"))
    return [get_set(session, i) for i in ids] if ids else chosen_sets(session)


@bp.get("/checks.csv")
def checks_csv() -> Response:
    """Every issue the filters select (no pages), as CSV (UTF-8 with a BOM, for Excel)."""
    session = get_session()
    sets = _check_sets()
    filters = _filters()
    issues = reported_issues(session, sets, langs=filters["lang"], kinds=filters["kind"])
    names = {s.id: s.name for s in sets}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Set"), _("Set name"), _("Row"), _("Language"), _("Kind"), _("Term"),
                     _("Preferred term"), _("Concept"), _("Issue"), _("Link")])
    root = request.host_url.rstrip("/")
    for issue in issues:
        writer.writerow([
            issue.set_id, names.get(int(issue.set_id), ""), issue.row_number, issue.lang,
            issue_kind_label(issue.kind), issue.text, issue.expected, issue.concept,
            localized_message(issue), root + _row_url(issue.set_id, issue.row_id)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="checks.csv"'})


@bp.post("/checks/<key>/false-positive")
def false_positive(key: str) -> BaseResponse | str:
    """Mark an issue as a false positive: stored, so it is not reported again."""
    session = get_session()
    with committed(session):
        issue = dismiss_issue(session, _check_sets(), key)
    done = f"false-positive:{localized_message(issue)}"
    if wants_json():
        return jsonify(issue=key, action="false-positive")
    if is_htmx():
        return render_template("terms/_status.html", done=_done_text(done), oob=True)
    filters = _filters(request.form)
    args = {k: v for k, v in filters.items() if k != "show"}
    page = request.form.get("page", type=int)
    return redirect(url_for("terminology.checks", **args, page=page, done=done), code=303)


def issue_kind_label(kind: str) -> str:
    """A check issue's kind in the interface's language."""
    return {"deprecated": _("deprecated term used"),
            "missing-preferred": _("preferred term missing")}.get(kind, kind)


@bp.get("/termbase")
def termbase() -> str | BaseResponse:
    """The concepts of the termbase, a page at a time (counted and sliced in the
    database), with TBX download and import."""
    session = get_session()
    page = Page.asked(session.scalar(select(func.count()).select_from(Concept)) or 0)
    found = [] if page.past_the_end else list(session.scalars(
        select(Concept).options(selectinload(Concept.terms)).order_by(Concept.id)
        .offset(page.offset).limit(page.size)))
    if wants_json():
        return jsonify({**page.as_json(), "concepts": [
            {"id": c.id, "name": c.name, "terms": [
                {"lang": t.lang, "text": t.text, "status": t.status} for t in c.terms
            ]}
            for c in found
        ]})
    if page.past_the_end:
        return redirect(url_for("terminology.termbase", page=page.pages))
    return render_template("terms/termbase.html", concepts=found, page=page,
                           imported=request.args.get("imported"),
                           known=request.args.get("known"),
                           page_url=lambda n: url_for("terminology.termbase", page=n))


@bp.get("/termbase.tbx")
def termbase_tbx() -> Response:
    """The termbase as a TBX v3 (TBX-Basic) file; ``?langs=en,ru-RU`` keeps those languages
    (``en``: every English region)."""
    langs = [code.strip() for code in request.args.get("langs", "").split(",") if code.strip()]
    return Response(
        export_tbx(get_session(), langs=langs or None),
        mimetype="application/x-tbx+xml",
        headers={"Content-Disposition": 'attachment; filename="termbase.tbx"'},
    )


@bp.post("/termbase/import")
@limiter.limit(create_limit)
def termbase_import() -> BaseResponse:
    """Add the concepts of an uploaded TBX file (v3 or v2); a bad file stores nothing."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise TermbaseError(_("Choose a TBX file to import."))
    session = get_session()
    with committed(session):
        done = import_tbx(session, upload.read(), name=upload.filename)
    return redirect(url_for("terminology.termbase", imported=str(done.added),
                            known=str(done.known)), code=303)
