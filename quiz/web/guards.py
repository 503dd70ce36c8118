"""Checks on every request that come before forms, CSRF and the database see it.

Malformed input is refused here with a 4xx and a clear message, so no route, validator or
database driver meets what it cannot handle (and nothing is stored).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL's integer; ids beyond it name nothing
JSON_PATH_PREFIX = "/api/"


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id beyond what the database stores is no match (404), not an error."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DATABASE_INT_MAX if max is None else max,
                         signed=signed)


class MalformedInput(BadRequest):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_unreadable_input() -> None:
    """Refuse, before anything reads it: a form part with no name, NUL characters."""
    if any(_has_nul(key) or _has_nul(value) for key, value in request.args.items(multi=True)):
        raise MalformedInput("The address holds a NUL character, which no field accepts.")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if _has_nul(request.get_json(silent=True)):
            raise MalformedInput("The answer holds a NUL character, which no field accepts.")
        return
    for key, value in request.form.items(multi=True):
        if not isinstance(key, str):
            raise MalformedInput("A part of the form has no name.")
        if _has_nul(key) or _has_nul(value):
            raise MalformedInput("The form holds a NUL character, which no field accepts.")
    if any(not isinstance(key, str) for key in request.files):
        raise MalformedInput("A part of the form has no name.")


def refuse_json_to_forms() -> None:
    """Flask-WTF reads a JSON body as a form's data, where lists, numbers and objects break fields."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.is_json \
            and not request.path.startswith(JSON_PATH_PREFIX):
        raise UnsupportedMediaType("This form accepts form data, not JSON.")


def install_input_guards(app: Flask) -> None:
    """Call before CSRF protection is set up (its check reads the form) and before routes are added."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_unreadable_input)


def install_form_guards(app: Flask) -> None:
    """Call after CSRF protection is set up: a request without its token is refused for that first."""
    app.before_request(refuse_json_to_forms)
