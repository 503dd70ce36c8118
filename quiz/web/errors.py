"""Error pages for people and JSON errors for the API: a clear message, the right status."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from quiz.errors import QuizError
from quiz.services.outages import discard_session, is_database_unavailable

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
    503: "The service is briefly unavailable. Nothing you saved was lost; please try again in a moment.",
}
RETRY_AFTER_SECONDS = 5


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
        # what was wrong with the input, where a check said so (not a rate limit's or a router's wording)
        custom = exc.description if status in (400, 415) and exc.description != type(exc).description else None
        return error_response(status, custom or MESSAGES.get(status, exc.description or "Error."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        discard_session()
        if is_database_unavailable(exc):
            app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exc)
            # The page is shown as to nobody in particular: the account cannot be read now.
            g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
            response = make_response(error_response(503, MESSAGES[503]))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return make_response(error_response(500, MESSAGES[500]))
