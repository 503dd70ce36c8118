"""The page each person lands on after logging in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quiz.services import assessments, overview
from quiz.web.access import now, role_required

bp = Blueprint("home", __name__)


@bp.route("/")
def index() -> Response | str:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == "candidate":
        return redirect(url_for("home.candidate"))
    if current_user.role == "manager":
        return redirect(url_for("hiring.index"))
    if current_user.role == "instructor":
        return redirect(url_for("authoring.index"))
    return redirect(url_for("home.staff"))


@bp.route("/candidate")
@role_required("candidate")
def candidate() -> str:
    invitations = assessments.invitations_for(current_user.id, now())
    return render_template("home/candidate.html", invitations=invitations)


@bp.route("/staff")
@role_required("instructor", "manager", "admin")
def staff() -> str:
    return render_template("home/staff.html", overview=overview.staff_overview(current_user.id))
