"""Errors a use case can raise; each carries a message for the person and an HTTP status."""

from __future__ import annotations


class QuizError(Exception):
    status: int = 400
    default_message = "The request could not be handled."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidInput(QuizError):
    status = 400
    default_message = "Some of what was sent is not valid."


class SessionEnded(QuizError):
    status = 401
    default_message = "Please log in to continue. If you were logged in, your session has ended."


class NotAllowed(QuizError):
    status = 403
    default_message = "You do not have access to this."


class NotFound(QuizError):
    status = 404
    default_message = "Not found."


class Conflict(QuizError):
    status = 409
    default_message = "That cannot be done in the current state."


class AttemptClosed(Conflict):
    default_message = "This attempt is closed: nothing more can be changed."


class TimeUp(Conflict):
    default_message = "Time is up for this attempt: the change was not saved."
