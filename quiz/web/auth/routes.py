"""Logging in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from quiz.errors import QuizError
from quiz.services import accounts
from quiz.web.access import STAFF_ROLES, now, role_required
from quiz.web.auth.forms import LoginForm, LogoutForm, PasswordForm
from quiz.web.limits import LOGIN_LIMIT, limiter

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


def start_session(user: object) -> None:
    """A new session (never the one from before login), stamped for the staff timeouts."""
    session.clear()
    login_user(user)  # type: ignore[arg-type]
    session.permanent = True
    session["_login_at"] = session["_seen_at"] = now().isoformat()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            target = safe_next(form.next.data)
            start_session(user)
            return redirect(target)
        return render_template(
            "auth/login.html", form=form, message="The email or password is not right."
        ), 401
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    LogoutForm()  # CSRF is checked for every POST by CSRFProtect
    accounts.end_sessions(current_user.id)  # a copy of the cookie no longer works either
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)  # candidates sign in by their invitation link and have no password
def change_password() -> Response | str | tuple[str, int]:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user.id, form.current.data or "", form.new.data or "", now())
        except QuizError as exc:
            return render_template("auth/password.html", form=form, message=exc.message), exc.status
        logout_user()
        session.clear()
        flash("Your password is changed. Every session has ended: log in with the new password.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form), 400 if form.is_submitted() else 200
