"""Administrators: the audit log."""

from __future__ import annotations

from flask import Blueprint, render_template

from quiz.services import audit
from quiz.web.access import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/audit")
@role_required("admin")
def audit_log() -> str:
    return render_template("admin/audit.html", events=audit.recent())
