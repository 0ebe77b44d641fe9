"""Terminology in the browser: the open flags by impact, each with every occurrence in
context beside its aligned rows; one action to settle (a termbase concept) or dismiss it;
the row checks against the termbase; the termbase as TBX out and in. Every page is also
JSON (``?format=json``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from alignments.terms import AlignedRow, Flag, Occurrence
from workbench.db import get_session
from workbench.limits import limit
from workbench.models import DocumentSet
from workbench.security import create_limit, limiter
from workbench.sets import get_set
from workbench.terminology import TermbaseError
from workbench.terminology.checks import cached_checks, row_texts, term_pattern
from workbench.terminology.flags import aligned_rows, chosen_sets, find_flag, flag_states
from workbench.terminology.models import Concept
from workbench.terminology.termbase import dismiss, export_tbx, import_tbx, settle

bp = Blueprint("terminology", __name__, url_prefix="/terms")

CONTEXT = 60  # characters of context each side of an occurrence


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
    session = get_session()
    ids = [int(i) for i in request.values.getlist("set") if i.isdigit()]
    return [get_set(session, i) for i in ids] if ids else chosen_sets(session)


def _wants_json() -> bool:
    return request.args.get("format") == "json"


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


@bp.get("/flags.json")
def flags_json() -> BaseResponse:
    """The flags as JSON (the same data as the page)."""
    session = get_session()
    show_all = request.args.get("show") == "all"
    return jsonify([
        {**s.flag.as_json(), "status": s.decision or "open"}
        for s in flag_states(session, _sets()) if show_all or s.open
    ])


@bp.get("/")
def flags() -> str | BaseResponse:
    """The flags of the chosen sets (all by default), open ones first by impact."""
    session = get_session()
    sets = _sets()
    show_all = request.args.get("show") == "all"
    states = [s for s in flag_states(session, sets) if show_all or s.open]
    if _wants_json():
        return jsonify([
            {**s.flag.as_json(), "status": s.decision or "open"} for s in states
        ])
    rows = {(r.set_id, r.row_id): r for r in aligned_rows(session, sets)}
    return render_template(
        "terms/flags.html",
        states=states,
        contexts={s.flag.key: contexts(s.flag, rows) for s in states},
        sets=sets,
        all_sets=chosen_sets(session),
        chosen=[int(i) for i in request.args.getlist("set") if i.isdigit()],
        show_all=show_all,
        done=request.args.get("done"),
    )


def _set_ids() -> list[int]:
    return [int(i) for i in request.form.getlist("set") if i.isdigit()]


def _back(done: str) -> BaseResponse:
    return redirect(url_for("terminology.flags", set=_set_ids(), done=done), code=303)


@bp.post("/flags/<key>/settle")
def settle_flag(key: str) -> BaseResponse:
    """Settle a flag: the chosen variant preferred, the others admitted or deprecated."""
    session = get_session()
    flag = find_flag(session, key, _set_ids())
    preferred = request.form.get("preferred", "")
    statuses = {
        variant: request.form.get(f"status-{n}", "deprecated")
        for n, variant in enumerate(flag.variants) if variant != preferred
    }
    try:
        concept = settle(session, flag, preferred, statuses,
                         name=request.form.get("name", "").strip() or None)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if request.accept_mimetypes.best == "application/json":
        return jsonify(concept=concept.id, flag=key, action="settled")
    return _back(done=f"settled:{concept.name}")


@bp.post("/flags/<key>/dismiss")
def dismiss_flag(key: str) -> BaseResponse:
    """Dismiss a flag as not a term."""
    session = get_session()
    flag = find_flag(session, key, _set_ids())
    try:
        dismiss(session, flag)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if request.accept_mimetypes.best == "application/json":
        return jsonify(flag=key, action="dismissed")
    return _back(done="dismissed:" + " / ".join(flag.variants))


@bp.get("/checks.json")
def checks_json() -> str | BaseResponse:
    """The row checks as JSON, a page at a time (``?page=N``) with the total."""
    return _checks(as_json=True)


@bp.get("/checks")
def checks() -> str | BaseResponse:
    """Every row checked against the termbase: deprecated terms, preferred ones missing;
    a page of issues at a time."""
    return _checks(as_json=_wants_json())


def _checks(as_json: bool) -> str | BaseResponse:
    """The checks run over every row once per state of the sets and the termbase
    (``cached_checks``): the other pages, and reloads, slice the same list."""
    session = get_session()
    sets = _sets()
    issues = cached_checks(session, sets)
    page = Page.asked(len(issues))
    shown = issues[page.offset : page.offset + page.size] if not page.past_the_end else []
    if as_json:
        return jsonify({**page.as_json(), "issues": [i.as_json() for i in shown]})
    set_ids = [s.id for s in sets] if request.values.getlist("set") else []
    if page.past_the_end:
        return redirect(url_for("terminology.checks", set=set_ids, page=page.pages))
    return render_template(
        "terms/checks.html", issues=shown, page=page, sets=sets,
        texts=row_texts(session, [(i.set_id, i.row_id) for i in shown]),
        page_url=lambda n: url_for("terminology.checks", set=set_ids, page=n))


@bp.get("/termbase")
def termbase() -> str | BaseResponse:
    """The concepts of the termbase, a page at a time (counted and sliced in the
    database), with TBX download and import."""
    session = get_session()
    page = Page.asked(session.scalar(select(func.count()).select_from(Concept)) or 0)
    found = [] if page.past_the_end else list(session.scalars(
        select(Concept).options(selectinload(Concept.terms)).order_by(Concept.id)
        .offset(page.offset).limit(page.size)))
    if _wants_json():
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
                           page_url=lambda n: url_for("terminology.termbase", page=n))


@bp.get("/termbase.tbx")
def termbase_tbx() -> Response:
    """The termbase as a TBX v3 (TBX-Basic) file."""
    return Response(
        export_tbx(get_session()),
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
    try:
        added = import_tbx(session, upload.read(), name=upload.filename)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return redirect(url_for("terminology.termbase", imported=str(added)), code=303)
