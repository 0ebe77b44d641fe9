"""The Flask application factory (after flaskr: defaults, instance config, test override)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    jsonify,
    render_template,
    request,
)
from flask_babel import Babel
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from workbench import __version__, accounts, db, security
from workbench.errors import DatabaseUnreachable, WorkbenchError
from workbench.importers import MAX_PAGE_BYTES

UI_LANGUAGES = ("en", "ru", "de", "fr", "es")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# The largest id a database holds (PostgreSQL's INTEGER; SQLite's go further, but its ids never
# get there): a larger number in an address names nothing.
LARGEST_ID = 2**31 - 1


class RowNumber(IntegerConverter):
    """``<int:…>`` in addresses, up to the largest id a database holds (beyond it: 404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def templates_folder() -> str:
    """The Jinja templates: beside the source tree, or where the wheel installed them."""
    for candidate in (
        Path(__file__).resolve().parent.parent / "templates",
        Path(sys.prefix) / "share" / "alignment-workbench" / "templates",
    ):
        if candidate.is_dir():
            return str(candidate)
    raise RuntimeError("The workbench templates are missing from this installation.")


def select_locale() -> str | None:
    """The interface language: ?ui=xx, then the cookie, then the browser's preference;
    outside a request (the server's job sweeper, a job's thread without its own language)
    the default one, English, as on the command line."""
    if not has_request_context():
        return None
    wanted = request.args.get("ui") or request.cookies.get("ui")
    if wanted in UI_LANGUAGES:
        return wanted
    return request.accept_languages.best_match(UI_LANGUAGES) or "en"


def create_app(test_config: dict[str, Any] | None = None, *,
               instance_path: str | None = None,
               overrides: dict[str, Any] | None = None) -> Flask:
    """The workbench web application.

    ``test_config``: the whole configuration (``instance/config.py`` is not read).
    ``instance_path``: the instance folder (its ``config.py``, the secret key), e.g. the
    ``instance/`` of the folder the command runs in, as the command line's database;
    ``overrides``: settings that go over ``config.py`` (what the command line was told).
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder=templates_folder(),
    )
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        # A pasted page arrives as a form field: allow as much as a page file (Werkzeug's
        # default, 500 KB, would refuse a long page with a message about the whole upload).
        MAX_FORM_MEMORY_SIZE=MAX_PAGE_BYTES,
        ALLOWED_HOSTS=os.environ.get("WORKBENCH_ALLOWED_HOSTS", ""),
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(overrides or {})
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = security.secret_key(app.instance_path)
    if "DATABASE_URL" not in app.config:
        app.config["DATABASE_URL"] = db.database_url(app.instance_path)

    app.url_map.converters["int"] = RowNumber
    Babel(app, locale_selector=select_locale)
    security.init_app(app)
    db.init_app(app)

    from workbench import jobs
    from workbench.views import sets

    app.register_blueprint(sets.bp)
    jobs.init_app(app)
    _register_optional_blueprints(app)
    accounts.init_app(app)

    app.register_error_handler(WorkbenchError, _render_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.globals["workbench_version"] = __version__
    app.jinja_env.globals["has_area"] = lambda name: name in app.blueprints
    return app


def _register_optional_blueprints(app: Flask) -> None:
    """Areas that live in their own modules register here (editor, memory, terminology)."""
    import importlib

    for name in ("editor", "memory", "terminology"):
        try:
            module = importlib.import_module(f"workbench.views.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"workbench.views.{name}":
                raise
            continue
        app.register_blueprint(module.bp)


def wants_json() -> bool:
    """Whether the client asked for JSON rather than a page: a ``.json`` address,
    ``?format=json``, or JSON preferred to HTML in ``Accept``. The one test every view uses."""
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def is_htmx() -> bool:
    """Whether the request came from htmx (it wants a fragment of the page, not all of it)."""
    return request.headers.get("HX-Request") == "true"


def error_response(message: str, status: int) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("error.html", message=message, status=status), status


def _render_error(error: WorkbenchError) -> tuple[Response | str, int]:
    if isinstance(error, DatabaseUnreachable):
        return _unreachable(error)
    return error_response(error.message, error.status)


def _unreachable(error: DatabaseUnreachable) -> tuple[Response | str, int]:
    """The database is down: its sentence, with nothing on the page that reads the
    database (who is signed in), and when to try again. The reason (the server's address,
    the driver's words) went to the log, not to the page."""
    g.database_unreachable = True
    db.close_session()  # its connection is gone; the next request opens a new one
    answer, status = error_response(error.message, error.status)
    response = current_app.make_response((answer, status))
    response.headers["Retry-After"] = str(error.retry_after)
    return response, status


def _too_large(_error: RequestEntityTooLarge) -> tuple[Response | str, int]:
    whole = current_app.config["MAX_CONTENT_LENGTH"]
    if (request.content_length or 0) <= whole:  # the whole fits: one field was over its limit
        return error_response(_(
            "The pasted text is too large: at most %(limit)s MB for one page. Nothing was "
            "stored.", limit=current_app.config["MAX_FORM_MEMORY_SIZE"] // (1024 * 1024)), 413)
    return error_response(_(
        "The upload is too large: at most %(limit)s MB in all. Nothing was stored. A larger "
        "translation memory imports from the command line: workbench memory import FILE.tmx",
        limit=whole // (1024 * 1024)), 413)


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    said = {
        400: _("The request was not understood; reload the page and try again."),
        404: _("There is no such page in the workbench."),
        405: _("This address does not take that kind of request."),
        429: _("Too many new sets or imports in a short time; nothing more was stored. Wait "
               "a minute and try again."),
    }
    code = error.code or 500
    return error_response(said.get(code) or error.description or error.name, code)
