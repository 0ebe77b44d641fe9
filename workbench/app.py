"""The Flask application factory (after flaskr: defaults, instance config, test override)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import Babel
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

from workbench import __version__, db
from workbench.errors import WorkbenchError

UI_LANGUAGES = ("en", "ru", "de", "fr", "es")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


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
    """The interface language: ?ui=xx, then the cookie, then the browser's preference."""
    wanted = request.args.get("ui") or request.cookies.get("ui")
    if wanted in UI_LANGUAGES:
        return wanted
    return request.accept_languages.best_match(UI_LANGUAGES) or "en"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The workbench web application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=templates_folder(),
    )
    app.config.from_mapping(
        SECRET_KEY="dev",
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if "DATABASE_URL" not in app.config:
        app.config["DATABASE_URL"] = db.database_url(app.instance_path)

    Babel(app, locale_selector=select_locale)
    db.init_app(app)

    from workbench.views import sets

    app.register_blueprint(sets.bp)
    _register_optional_blueprints(app)

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
    """Whether the client asked for JSON rather than a page."""
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _error_response(message: str, status: int) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("error.html", message=message, status=status), status


def _render_error(error: WorkbenchError) -> tuple[Response | str, int]:
    return _error_response(error.message, error.status)


def _too_large(_error: RequestEntityTooLarge) -> tuple[Response | str, int]:
    limit = MAX_UPLOAD_BYTES // (1024 * 1024)
    return _error_response(_(
        "The upload is too large: at most %(limit)s MB in all. Nothing was stored. A larger "
        "translation memory imports from the command line: workbench memory import FILE.tmx",
        limit=limit), 413)


def _http_error(error: HTTPException) -> tuple[Response | str, int]:
    said = {
        400: _("The request was not understood; reload the page and try again."),
        404: _("There is no such page in the workbench."),
        405: _("This address does not take that kind of request."),
    }
    code = error.code or 500
    return _error_response(said.get(code) or error.description or error.name, code)
