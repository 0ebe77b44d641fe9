"""What keeps another site, or another name for this machine, from using the workbench.

- **Host allow-list** (DNS rebinding): a request whose ``Host`` is not one of
  ``ALLOWED_HOSTS`` (127.0.0.1, localhost and ::1 unless configured) is refused before any
  page is read.
- **Cross-site writes**: every state-changing request carries the session's CSRF token
  (Flask-WTF's ``CSRFProtect``; forms hold it in a hidden field, htmx sends it as
  ``X-CSRFToken``), and its ``Origin`` (or, without one, its ``Referer``) must be this
  workbench.
- **Secret key**: generated once into the instance folder (``secret_key``, readable by its
  owner only) unless ``SECRET_KEY`` or ``WORKBENCH_SECRET_KEY`` is given: several workers
  of one team share it through the instance folder or the variable.
- **Security headers** on every answer: a Content-Security-Policy that allows only the
  workbench's own scripts (no inline script; the templates' ``style`` attributes are
  allowed), no framing, no MIME sniffing, no referrer to other sites.
- **Rate limits** (Flask-Limiter, in memory) on what creates data: new sets and imports.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.wrappers import Response

from workbench.errors import WorkbenchError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://",
                  strategy="moving-window")


class ForeignRequest(WorkbenchError):
    """A request from another site or for another host name."""

    status = 403


class HostNotAllowed(WorkbenchError):
    """A request naming a host the workbench does not answer for (DNS rebinding)."""

    status = 421  # Misdirected Request


def secret_key(instance_path: str | Path) -> str:
    """The instance's secret key: from the environment, else the instance file (made once)."""
    given = os.environ.get("WORKBENCH_SECRET_KEY")
    if given:
        return given
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        key = secrets.token_hex(32)
        file.write(key)
    return key


def allowed_hosts(configured: str | None) -> tuple[str, ...]:
    """The host names the server answers for: the local names, plus a comma-separated list
    (``WORKBENCH_ALLOWED_HOSTS`` or ``serve --allowed-host``). ``*`` allows any."""
    extra = tuple(name.strip().lower().strip("[]") for name in (configured or "").split(",")
                  if name.strip())
    return tuple(dict.fromkeys(LOCAL_HOSTS + extra))  # each name once


def host_name(host: str) -> str:
    """``host`` without its port, brackets of an IPv6 address removed, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def init_app(app: Flask) -> None:
    """Wire the checks, the headers and the limits into ``app``."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a day in the editor stays valid
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)  # the Origin check below is stricter
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:  # Flask's own default is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # setdefault would keep it
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATE_LIMIT_CREATE", "30 per minute; 300 per hour")
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_check_host)
    app.before_request(_refuse_nul)
    app.before_request(_check_origin)
    app.after_request(_add_headers)
    app.register_error_handler(CSRFError, _csrf_refused)


def _check_host() -> None:
    allowed = allowed_hosts(current_app.config.get("ALLOWED_HOSTS"))
    if "*" in allowed:
        return
    name = host_name(request.host)
    if name not in allowed:
        raise HostNotAllowed(_(
            "This workbench does not answer for the address %(host)s. To reach it under "
            "that name, start it with: workbench serve --allowed-host %(host)s",
            host=name or "?"))


class NulCharacter(WorkbenchError):
    status = 400


def _refuse_nul() -> None:
    """A NUL character in a field or the address is refused at once: no text holds one,
    and PostgreSQL cannot store it (each such request answered 500, before sign-in too)."""
    values = [*request.args.values(), *(request.form.values() if request.form else ())]
    if any("\x00" in value for value in values):
        raise NulCharacter(_("A field holds a NUL character, which no text may hold. Nothing "
                             "was changed."))


def _check_origin() -> None:
    """A state-changing request must come from a page of this workbench."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin is None:
        return  # no browser sends neither on a cross-site form; the CSRF token decides
    parts = urlsplit(origin)
    if (parts.scheme, parts.netloc.lower()) != (request.scheme, request.host.lower()):
        raise ForeignRequest(_(
            "This change came from another site (%(origin)s) and was refused. Nothing was "
            "changed. Make changes from the workbench's own pages.",
            origin=origin if origin != "null" else _("a page with no address")))


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _csrf_refused(error: CSRFError) -> tuple[Response | str, int]:
    from workbench.app import error_response

    return error_response(_(
        "This form has expired or did not come from the workbench's own page, so nothing was "
        "changed. Reload the page and make the change again."), 400)


def create_limit() -> str:
    """The rate limit on creating sets and importing files (``RATE_LIMIT_CREATE``)."""
    return str(current_app.config["RATE_LIMIT_CREATE"])
