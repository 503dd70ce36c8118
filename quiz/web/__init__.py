"""The web layer: blueprints, error pages, login wiring, security headers."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, Response, current_app, render_template, request, session
from flask_login import LoginManager, current_user, logout_user

from quiz.services import accounts
from quiz.web.access import now
from quiz.web.errors import error_response, register_error_handlers, wants_json
from quiz.web.limits import limiter
from quiz.web.markdown import render_inline, render_markdown

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


CANDIDATE_ONLY_ENDPOINTS = frozenset({"take_api.save"})


def _setup_login(app: Flask) -> None:
    manager: LoginManager = app.login_manager  # type: ignore[attr-defined]
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(user_id: str):  # type: ignore[no-untyped-def]
        return accounts.load_user(user_id)

    @manager.unauthorized_handler
    def unauthorized():  # type: ignore[no-untyped-def]
        message = "Please log in to continue. If you were logged in, your session has ended."
        if wants_json():
            return error_response(401, message)
        from quiz.web.auth.forms import LoginForm

        form = LoginForm(next=request.full_path if request.method == "GET" else "")
        return render_template("auth/login.html", form=form, message=message), 401


def _enforce_staff_timeouts():  # type: ignore[no-untyped-def]
    """Staff sessions end after a while idle and a while after login; candidates' do not
    (an attempt may be long, and its clock is the attempt's deadline)."""
    if request.endpoint in CANDIDATE_ONLY_ENDPOINTS:
        return None  # no staff session gets through these, and they need no lookup of the user here
    if not current_user.is_authenticated or current_user.role == "candidate":
        return None
    moment = now()
    try:
        logged_in = datetime.fromisoformat(session["_login_at"])
        seen = datetime.fromisoformat(session["_seen_at"])
    except (KeyError, TypeError, ValueError):
        logged_in = seen = moment
        session["_login_at"] = moment.isoformat()
    config = current_app.config
    if moment - seen > config["STAFF_IDLE_TIMEOUT"] or moment - logged_in > config["STAFF_ABSOLUTE_TIMEOUT"]:
        logout_user()
        session.clear()
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    session["_seen_at"] = moment.isoformat()
    return None


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith(("/attempts/", "/api/")):
        response.headers["Cache-Control"] = "no-store"
    return response


def register_web(app: Flask) -> None:
    from quiz.web.admin.routes import bp as admin_bp
    from quiz.web.auth.routes import bp as auth_bp
    from quiz.web.authoring import statistics  # noqa: F401  (its routes join the authoring blueprint)
    from quiz.web.authoring.routes import bp as authoring_bp
    from quiz.web.hiring.routes import bp as hiring_bp
    from quiz.web.home.routes import bp as home_bp
    from quiz.web.take.routes import api as take_api
    from quiz.web.take.routes import bp as take_bp

    for blueprint in (auth_bp, home_bp, take_bp, take_api, hiring_bp, authoring_bp, admin_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    _setup_login(app)
    limiter.init_app(app)
    app.before_request(_enforce_staff_timeouts)
    app.after_request(_security_headers)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["inline_markdown"] = render_inline
