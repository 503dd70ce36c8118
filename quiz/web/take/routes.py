"""The candidate's side: start an attempt, answer, finish, see the result."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quiz.errors import InvalidInput, NotFound
from quiz.services import accounts, attempts, invitations
from quiz.services.attempts import ClientInfo
from quiz.web.access import now, role_required, session_candidate
from quiz.web.auth.routes import start_session
from quiz.web.limits import INVITATION_LIMIT, SQL_RUN_LIMIT, limiter
from quiz.web.take.forms import AnswerForm, FinishForm, StartForm

bp = Blueprint("take", __name__)
api = Blueprint("take_api", __name__, url_prefix="/api")


def client() -> ClientInfo:
    return ClientInfo(request.remote_addr, request.user_agent.string)


@bp.route("/i/<token>")
@limiter.limit(INVITATION_LIMIT)
def open_invitation(token: str) -> Response:
    """An invitation link: the candidate is signed in as themselves, no password needed."""
    opened = invitations.open_invitation(token, now())
    candidate = accounts.candidate_for_link(opened.candidate_id)
    if candidate is None:
        raise NotFound("This invitation link is not valid.")
    start_session(candidate)
    if opened.attempt_id is not None:
        return redirect(url_for("take.resume", attempt_id=opened.attempt_id))
    return redirect(url_for("home.candidate"))


@bp.route("/invitations/<int:invitation_id>/start", methods=["POST"])
@role_required("candidate")
def start(invitation_id: int) -> Response:
    StartForm()
    attempt_id = attempts.start_attempt(current_user.id, invitation_id, now(), client=client())
    return redirect(url_for("take.question", attempt_id=attempt_id, position=1))


@bp.route("/attempts/<int:attempt_id>")
@role_required("candidate")
def resume(attempt_id: int) -> Response:
    position = attempts.resume_position(current_user.id, attempt_id)
    if position is None:
        return redirect(url_for("take.result", attempt_id=attempt_id))
    return redirect(url_for("take.question", attempt_id=attempt_id, position=position))


@bp.route("/attempts/<int:attempt_id>/q/<int:position>", methods=["GET"])
@role_required("candidate")
def question(attempt_id: int, position: int) -> Response | str:
    view = attempts.attempt_view(current_user.id, attempt_id, position, now(), client=client())
    if view.status != "in_progress":
        return redirect(url_for("take.result", attempt_id=attempt_id))
    form = AnswerForm(item_id=str(view.question.item_id) if view.question else "", flag_present="1")
    return render_template("take/question.html", view=view, form=form, finish_form=FinishForm())


def _target(action: str, position: int) -> int | None:
    """Where the navigation button leads: a position, or None for the finish page."""
    if action == "finish":
        return None
    if action == "prev":
        return max(1, position - 1)
    if action == "next":
        return position + 1
    if action.startswith("goto:"):
        return max(1, int(action[5:]))
    return position


@bp.route("/attempts/<int:attempt_id>/q/<int:position>", methods=["POST"])
@role_required("candidate")
def answer(attempt_id: int, position: int) -> Response:
    """Without JavaScript the answer is saved here, as the candidate moves on."""
    form = AnswerForm()
    if not form.validate():
        raise InvalidInput("The answer form is incomplete or malformed.")
    flagged = "flagged" in request.form if form.flag_present.data else None
    attempts.save_answer(
        current_user.id, attempt_id, int(form.item_id.data or 0),
        request.form.getlist("answer"), flagged, now(),
    )
    target = _target(form.action.data or "save", position)
    if target is None:
        return redirect(url_for("take.confirm_finish", attempt_id=attempt_id))
    return redirect(url_for("take.question", attempt_id=attempt_id, position=target))


@bp.route("/attempts/<int:attempt_id>/finish", methods=["GET"])
@role_required("candidate")
def confirm_finish(attempt_id: int) -> Response | str:
    view = attempts.attempt_view(current_user.id, attempt_id, None, now())
    if view.status != "in_progress":
        return redirect(url_for("take.result", attempt_id=attempt_id))
    return render_template("take/finish.html", view=view, form=FinishForm())


@bp.route("/attempts/<int:attempt_id>/finish", methods=["POST"])
@role_required("candidate")
def finish(attempt_id: int) -> Response:
    FinishForm()
    attempts.finish_attempt(current_user.id, attempt_id, now())
    return redirect(url_for("take.result", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
@role_required("candidate")
def result(attempt_id: int) -> Response | str:
    view = attempts.result_view(current_user.id, attempt_id, now())
    return render_template("take/result.html", view=view)


@api.route("/attempts/<int:attempt_id>/items/<int:item_id>", methods=["POST"])
@session_candidate
def save(attempt_id: int, item_id: int, identity: tuple[int, int]) -> Response:
    """Autosave: {"values": [...], "flagged": bool}; either may be left out."""
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object with 'values' and/or 'flagged'.")
    values, flagged = body.get("values"), body.get("flagged")
    if values is not None and not isinstance(values, list):
        raise InvalidInput("'values' must be a list of strings.")
    if flagged is not None and not isinstance(flagged, bool):
        raise InvalidInput("'flagged' must be true or false.")
    if values is None and flagged is None:
        abort(400)
    saved = attempts.save_answer(identity[0], attempt_id, item_id, values, flagged, now(), session_version=identity[1])
    return jsonify(
        item_id=saved.item_id, saved_at=saved.saved_at.isoformat(),
        answered=saved.answered, flagged=saved.flagged,
    )


def _attempt_key() -> str:
    return f"sql-run:{(request.view_args or {}).get('attempt_id')}"


@api.route("/attempts/<int:attempt_id>/items/<int:item_id>/run", methods=["POST"])
@role_required("candidate")
@limiter.limit(SQL_RUN_LIMIT, key_func=_attempt_key)
def run_sql(attempt_id: int, item_id: int) -> Response:
    """A SQL question's 'run' button: {"query": "..."} -> the first rows of its result, or the error."""
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("Send a JSON object with 'query'.")
    trial = attempts.try_sql(current_user.id, attempt_id, item_id, body.get("query"), now())
    return jsonify(columns=list(trial.columns), rows=[list(r) for r in trial.rows], truncated=trial.truncated,
                   error=trial.error)


@api.route("/attempts/<int:attempt_id>/events", methods=["POST"])
@role_required("candidate")
def event(attempt_id: int) -> tuple[Response, int]:
    """Integrity signals from the page: {"kind": "focus_lost", "duration": seconds} or {"kind": "paste"}."""
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("kind"), str):
        raise InvalidInput("Send a JSON object with 'kind'.")
    attempts.record_event(current_user.id, attempt_id, body["kind"], body.get("duration"), now())
    return jsonify(recorded=True), 201
