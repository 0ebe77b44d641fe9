"""Sign-in, roles and the activity log on the web (Flask-Login).

Every request passes ``_guard``: on a desk with no account nothing is asked; once accounts
exist, a person who has not signed in is sent to the sign-in page (a JSON client gets 401),
and a change their role does not allow is refused with 403 and a sentence
(``workbench.accounts.policy``). Every change that succeeded is written to the activity log
with who made it (``_log``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.wrappers import Response

from workbench.accounts.models import Account
from workbench.accounts.policy import READ_METHODS, Role, may_change
from workbench.accounts.store import (
    LOCAL,
    AccountError,
    Person,
    activities,
    activity_label,
    add_account,
    authenticate,
    in_use,
    list_accounts,
    record,
    role_label,
    set_active,
    set_password,
    set_role,
)
from workbench.db import committed, get_session, session_scope
from workbench.editing.history import AUTHOR_KEY
from workbench.errors import DatabaseBusy, WorkbenchError
from workbench.security import limiter

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
log = logging.getLogger(__name__)
# reachable without signing in (the sign-in page itself, the style sheets and scripts)
_OPEN = frozenset({"accounts.login", "static"})


class SignInRequired(WorkbenchError):
    status = 401


class NotAllowed(WorkbenchError):
    status = 403


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    app.before_request(_guard)
    app.after_request(_log)
    app.register_blueprint(bp)
    app.jinja_env.globals["acting_person"] = acting_person
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["activity_label"] = activity_label


@login_manager.user_loader
def _load(session_id: str) -> Account | None:
    """The signed-in account, while it is active and its password is the one the session
    was opened with (a changed password signs it out everywhere)."""
    account_id, _colon, stamp = session_id.partition(":")
    if not account_id.isdigit():
        return None
    account = get_session().get(Account, int(account_id))
    if account is None or not account.active or stamp != account.session_stamp():
        return None
    return account


def signing_in() -> bool:
    """Whether this workbench asks people to sign in (some account exists), once a request."""
    if "signing_in" not in g:
        g.signing_in = in_use(get_session())
    return bool(g.signing_in)


def acting_person() -> Person | None:
    """Who is making this request: the signed-in account, the local user of a desk with no
    accounts, or None (accounts exist and nobody has signed in)."""
    if g.get("database_unreachable"):  # the error page says so; nobody can be looked up
        return None
    if not signing_in():
        return LOCAL
    if current_user.is_authenticated:
        return Person(current_user.name, current_user.role)
    return None


def _guard() -> Response | None:
    if request.endpoint in _OPEN or request.endpoint is None:
        return None
    person = acting_person()
    if person is None:
        if request.method in READ_METHODS and _wants_page():
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        raise SignInRequired(_("Sign in first: this workbench has accounts. Nothing was "
                               "changed."))
    if person.signed_in:  # the author of the edit steps this request writes
        g.setdefault(AUTHOR_KEY, person.name)
    if request.method not in READ_METHODS and not may_change(person.role, request.endpoint):
        raise NotAllowed(_(
            "Your role (%(role)s) does not allow this change; nothing was changed. Ask an "
            "administrator if you need it.", role=role_label(person.role)))
    return None


def _wants_page() -> bool:
    from workbench.app import wants_json

    return not wants_json()


def _log(response: Response) -> Response:
    """Write a change that succeeded to the activity log, in its own short transaction."""
    if request.method in READ_METHODS or response.status_code >= 400 \
            or request.endpoint in (None, "static"):
        return response
    person = getattr(g, "signed_out", None) or acting_person()
    if person is None:
        return response
    set_id = (request.view_args or {}).get("set_id")
    try:
        with session_scope(current_app.config["DATABASE_URL"]) as session:
            record(session, person, method=request.method, endpoint=request.endpoint,
                   path=request.path, status=response.status_code,
                   set_id=set_id if isinstance(set_id, int) else None)
    except DatabaseBusy:  # the change itself is stored; only its log line waits for nobody
        log.warning("The activity log missed %s %s by %s: the database was busy.",
                    request.method, request.path, person.name)
    return response


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("sets.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    if not signing_in():
        return redirect(url_for("sets.index"))
    if request.method == "POST":
        account = authenticate(get_session(), request.form.get("name", ""),
                               request.form.get("password", ""))
        if account is None:
            return render_template("accounts/login.html", next=request.form.get("next", ""),
                                   name=request.form.get("name", ""),
                                   error=_("Wrong name or password.")), 401
        login_user(account)
        return redirect(_safe_next(request.form.get("next")), code=303)
    return render_template("accounts/login.html", next=request.args.get("next", ""), name="",
                           error=None)


@bp.post("/logout")
def logout() -> Response:
    g.signed_out = acting_person()
    logout_user()
    return redirect(url_for("accounts.login"), code=303)


@bp.get("/accounts")
def index() -> str:
    person = acting_person()
    if person is None or person.role != Role.ADMINISTRATOR:
        raise NotAllowed(_("Only an administrator manages accounts."))
    return render_template("accounts/index.html", accounts=list_accounts(get_session()),
                           roles=list(Role), signing_in=signing_in())


@bp.post("/accounts")
def create() -> Response:
    session = get_session()
    first = not signing_in()
    role = Role.ADMINISTRATOR if first else request.form.get("role", "")
    with committed(session):
        account = add_account(session, request.form.get("name", ""), role,
                              request.form.get("password", ""))
    if first:  # the desk's owner becomes its first administrator and stays signed in
        login_user(account)
    flash(_("Account “%(name)s” added (%(role)s).", name=account.name,
            role=role_label(account.role)))
    return redirect(url_for("accounts.index"), code=303)


@bp.post("/accounts/<name>/role")
def change_role(name: str) -> Response:
    with committed() as session:
        account = set_role(session, name, request.form.get("role", ""))
    flash(_("“%(name)s” is now %(role)s.", name=account.name, role=role_label(account.role)))
    return redirect(url_for("accounts.index"), code=303)


@bp.post("/accounts/<name>/active")
def change_active(name: str) -> Response:
    with committed() as session:
        account = set_active(session, name, request.form.get("active") == "1")
    flash(_("“%(name)s” can sign in again.", name=account.name) if account.active
          else _("“%(name)s” can no longer sign in.", name=account.name))
    return redirect(url_for("accounts.index"), code=303)


@bp.post("/account/password")
def change_password() -> Response:
    person = acting_person()
    if person is None or not person.signed_in:
        raise NotAllowed(_("Only a signed-in account has a password to change."))
    session = get_session()
    if authenticate(session, person.name, request.form.get("current", "")) is None:
        raise AccountError(_("The current password is wrong; nothing was changed."))
    with committed(session):
        account = set_password(session, person.name, request.form.get("password", ""))
    # the new password signs the account out everywhere else; this session goes on with it
    login_user(account)
    flash(_("Your password was changed."))
    return redirect(url_for("accounts.activity_log"), code=303)


@bp.get("/activity")
def activity_log() -> str:
    wanted = request.args.get("set", "")
    set_id = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) < 19 \
        else None
    who = request.args.get("account", "").strip()[:80] or None
    return render_template("accounts/activity.html",
                           entries=activities(get_session(), set_id=set_id, account=who),
                           set_id=set_id, who=who)
