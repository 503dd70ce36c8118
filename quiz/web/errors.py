"""Error pages for people and JSON errors for the API: a clear message, the right status."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quiz.errors import QuizError
from quiz.models import db

MESSAGES = {
    400: "The request could not be understood.",
    401: "Please log in to continue.",
    403: "You do not have access to this page.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    409: "That cannot be done now.",
    413: "What was sent is too large.",
    429: "Too many requests: please wait a moment and try again.",
    500: "Something went wrong on our side. Nothing you saved was lost; please try again.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def error_response(status: int, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(QuizError)
    def quiz_error(exc: QuizError) -> tuple[Response | str, int]:
        return error_response(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
        return error_response(
            400,
            "This form has expired or was not sent by this site (the security token is "
            "missing or stale). Reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        status = exc.code or 500
        return error_response(status, MESSAGES.get(status, exc.description or "Error."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response | str, int]:
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500, MESSAGES[500])
