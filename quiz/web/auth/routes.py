"""Logging in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from quiz.services import accounts
from quiz.web.auth.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            target = safe_next(form.next.data)
            session.clear()  # a new session at login
            login_user(user)
            session.permanent = True
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
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))
