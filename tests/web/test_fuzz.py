"""Fuzz every POST route: whatever a client sends, the answer is never a 5xx, and a refused
request (4xx) leaves every stored row as it was.

The routes are read from the app's URL map, so a new POST route is fuzzed without changing this
file. Each is posted to by the role its view requires (read from its decorators: candidate for
/attempts/ and /api/, manager for /manage/, instructor for /author/, anonymous for /login), on a
small scene with real objects: the candidate's attempt in progress, the manager's assessment (not
started yet, so it can be edited) with an invitation, the bank 'alpha' from tests/data. Hypothesis
draws the requests, derandomised (the same ones on every run) and with no example database:

- forms with the route's real field names (read from the forms its view uses), starting from a
  valid body and changing a few fields: wrong types, empty, 100 kB and unicode strings (NUL, RTL
  marks, emoji, lone surrogates sent as the bytes they encode to), a field repeated, unknown
  fields; urlencoded or multipart;
- JSON bodies: random JSON values, a wrong Content-Type, bytes that are not JSON or not UTF-8;
- the CSRF token valid, missing, wrong (well signed, another value), from another session, garbage.

Every row of every table is compared before and after each refused request (no column skipped).
"""

from __future__ import annotations

import inspect
import io
import json
import logging
import os
import re
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule
from wtforms import FieldList, FileField, FormField
from wtforms.fields.core import UnboundField

from quiz.models import AttemptItem, db
from quiz.services import assessments, attempts
from tests.conftest import T0, AuthActions, csrf_token, in_app, make_app
from tests.factories import PASSWORD, make_assessment, make_scene, make_user

# Hypothesis caches what it reads of the source in .hypothesis of the working directory, even
# with no example database: keep that out of the working tree.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "quiz-hypothesis"))

EXAMPLES_PER_ROUTE = int(os.environ.get("FUZZ_EXAMPLES", "25"))  # more for a longer search: FUZZ_EXAMPLES=500
URL_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")  # <converter(args):name> in a rule

# --- the routes ------------------------------------------------------------------------------

ANONYMOUS, ANY_USER = "anonymous", "any user"
USERS = {  # who posts for a role
    "candidate": "cand@test.example",
    "manager": "manager@test.example",
    "instructor": "teacher@test.example",
    "admin": "admin@test.example",
}
SECOND_MANAGER = "boss2@test.example"


def _wrappers(view: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    fn: Callable[..., Any] | None = view
    while fn is not None:
        yield fn
        fn = getattr(fn, "__wrapped__", None)


def required_role(view: Callable[..., Any]) -> str:
    """The first role of `role_required(...)` we have a user for; any user for `login_required`."""
    for fn in _wrappers(view):
        declared = getattr(fn, "required_roles", None)  # session_candidate
        if declared:
            return next((r for r in USERS if r in declared), declared[0])
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        if "roles" in code.co_freevars:
            roles = fn.__closure__[code.co_freevars.index("roles")].cell_contents  # type: ignore[index]
            return next((r for r in USERS if r in roles), roles[0])
        if code.co_qualname.startswith("login_required."):  # (functools.wraps copies __qualname__)
            return ANY_USER
    return ANONYMOUS


def forms_used(fn: Callable[..., Any], depth: int = 2) -> set[type[FlaskForm]]:
    """The form classes a view names, or that a function of its module it calls names."""
    fn = inspect.unwrap(fn)
    found: set[type[FlaskForm]] = set()
    for name in fn.__code__.co_names:
        obj = fn.__globals__.get(name)
        if isinstance(obj, type) and issubclass(obj, FlaskForm):
            found.add(obj)
        elif depth and inspect.isfunction(obj) and obj.__module__ == fn.__module__:
            found |= forms_used(obj, depth - 1)
    return found


def _field_names(name: str, unbound: UnboundField) -> list[tuple[str, bool]]:
    if issubclass(unbound.field_class, FieldList):  # two entries, and one far out
        return [n for i in (0, 1, 30) for n in _field_names(f"{name}-{i}", unbound.args[0])]
    if issubclass(unbound.field_class, FormField):
        return form_field_names(unbound.args[0], f"{name}-")
    return [(name, issubclass(unbound.field_class, FileField))]


def form_field_names(form: type, prefix: str = "") -> list[tuple[str, bool]]:
    """(name, is a file) of every field a form reads, those of its sub-forms and lists included."""
    members = inspect.getmembers(form, lambda v: isinstance(v, UnboundField))
    return [n for name, unbound in members for n in _field_names(prefix + name, unbound)]


# Fields read from the raw request rather than through a form, and the keys of the JSON routes.
RAW_FIELDS = {
    "take.answer": ["answer", "flagged"],
    "authoring.new_question": ["action"],
    "authoring.edit_question": ["action"],
}
JSON_KEYS = {
    "take_api.save": ["values", "flagged"],
    "take_api.event": ["kind", "duration"],
}


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    role: str
    fields: tuple[str, ...]
    files: tuple[str, ...]
    is_json: bool

    @staticmethod
    def of(app: Flask, rule: Rule) -> Route:
        view = app.view_functions[rule.endpoint]
        names = [n for form in forms_used(view) for n in form_field_names(form)]
        names += [(n, False) for n in RAW_FIELDS.get(rule.endpoint, [])]
        return Route(
            rule.rule, rule.endpoint, required_role(view),
            tuple(sorted({n for n, _ in names})), tuple(sorted({n for n, is_file in names if is_file})),
            rule.rule.startswith("/api/") or rule.endpoint in JSON_KEYS,
        )


_MAP_APP = make_app("sqlite://")  # only to read the URL map at collection
ROUTES = sorted((Route.of(_MAP_APP, r) for r in _MAP_APP.url_map.iter_rules() if "POST" in (r.methods or ())),
                key=lambda r: r.rule)

# --- the scene -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    url_values: dict[str, dict[str, Any]]  # role -> URL argument -> value
    bases: dict[str, Any]  # endpoint -> a valid body, which the fuzz changes


def build_stage(app: Flask) -> Stage:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        scene = make_scene(T0)
        for role in ("instructor", "admin"):
            make_user(USERS[role], role, T0)
        make_user(SECOND_MANAGER, "manager", T0)
        attempt = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0, seed=1)
        item = db.session.scalar(select(AttemptItem.id).where(AttemptItem.attempt_id == attempt,
                                                              AttemptItem.position == 1))
        # the manager's routes get an assessment nobody has started, so that it can still be edited
        fresh = make_assessment(scene.manager_id, T0, title="Not started")
        invitation = assessments.invite(fresh, scene.other_candidate_id, T0)
    candidate = {"attempt_id": attempt, "item_id": item, "position": 1, "invitation_id": scene.invitation_id}
    author = {"slug": "alpha", "key": "single", "assessment_id": scene.assessment_id}
    url_values = {
        ANONYMOUS: {}, ANY_USER: candidate, "candidate": candidate, "instructor": author, "admin": author,
        "manager": {"assessment_id": fresh, "invitation_id": invitation, "attempt_id": attempt},
    }
    assessment = {"title": "Backend", "description": "Fuzzed.", "time_limit": "30", "grace": "60",
                  "overdue_policy": "autosubmit", "feedback_policy": "area_scores", "pass_mark": "50",
                  "shuffle_questions": "y", "sections-0-area": "alpha", "sections-0-count": "2",
                  "sections-1-area": "beta", "sections-1-easy": "1", "sections-1-medium": "1"}
    question = {"key": "fuzzed", "type": "single_choice", "difficulty": "2", "prompt": "Pick **B**.",
                "options-0-text": "A", "options-1-text": "B", "options-1-correct": "y",
                "options-0-credit": "50", "explanation": "B.", "tags": "a, b", "action": "save"}
    bases: dict[str, Any] = {
        "auth.login": {"email": USERS["candidate"], "password": PASSWORD, "next": "/candidate"},
        "take.answer": {"item_id": str(item), "flag_present": "1", "answer": "b", "action": "next"},
        "take_api.save": {"values": ["b"], "flagged": True},
        "take_api.event": {"kind": "focus_lost", "duration": 3},
        "hiring.new_assessment": assessment,
        "hiring.edit_assessment": assessment,
        "hiring.share_assessment": {"email": SECOND_MANAGER},
        "hiring.invite": {"name": "Ann", "email": "ann@test.example", "days": "14"},
        "hiring.invite_bulk": {"rows": "Ann, ann@test.example\nBob, bob@test.example", "days": "14"},
        "hiring.extend": {"days": "7"},
        "authoring.create_bank": {"slug": "fuzzed", "title": "Fuzzed", "description": "New."},
        "authoring.edit_bank": {"slug": "alpha", "title": "Alpha", "description": "Edited."},
        "authoring.new_question": question,
        "authoring.edit_question": {**question, "key": "single"},
        "authoring.import_gift": {"area": "alpha", "file": "::q1:: 1 + 1? {=2 ~3 ####Two.}\n"},
    }
    return Stage(url_values, bases)


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table; no column is skipped, as none changes on a refused request."""
    with in_app(app):
        connection = db.session.connection()
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in db.metadata.sorted_tables}


def changed_rows(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> dict[str, Any]:
    return {name: {"gone": [r for r in rows if r not in after[name]], "new": [r for r in after[name] if r not in rows]}
            for name, rows in before.items() if after[name] != rows}


# --- what is sent ----------------------------------------------------------------------------

CHARS = ["a", "Z", "7", " ", "\t", "\n", "\r\n", "\x00", "\x7f", "\u200f", "\u202e", "\ufeff", "\u0301", "é", "ß",
         "\U0001f600", "\U0001f469\U0001f3fd\u200d\U0001f4bb", "\U0001d518", "\ud800", "\udfff", "<", ">", "'", '"',
         "%", "&", "=", ";", ",", "@", "\\", "/", "{", "}", "~", "#", ":", "$", "-", "."]
SPECIALS = ["", " ", "0", "1", "2", "3", "-1", "007", "1.5", "-0", "1e309", "-1e309", "nan", "inf", "2147483647",
            "2147483648", "-2147483649", "9223372036854775808", "9" * 400, "true", "false", "null", "y", "on", "[]",
            "{}", "next", "prev", "save", "finish", "preview", "goto:0", "goto:9999", "goto:-1", "single_choice",
            "multiple_response", "true_false", "numeric", "short_text", "autosubmit", "graceperiod", "answers",
            "none", "alpha", "beta", "single", "b", "focus_lost", "paste", *USERS.values(), SECOND_MANAGER,
            "a@b.co", "Ann, a@b.co\nBob", "x" * 201, "%00", "../../etc/passwd", "' OR 1=1 --", "{{7*7}}",
            "<script>alert(1)</script>", "::q:: x {=a ~b}", "$CATEGORY: alpha\n::q:: x {T}", "//evil.example/"]
# (no lone surrogate: Werkzeug re-quotes each invalid byte of a form in Python, some 3 µs a byte)
HUGE_SEEDS = ["x", "\x00", "\U0001f600", "\u202e", "9", "a, a@b.co\n", "{=a ~b}\n"]
CONTENT_TYPES = [None, "", "application/json", "application/json; charset=latin-1", "application/vnd.api+json",
                 "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"]
RAW_BODIES = [b"", b"{", b"[1,", b'{"values": ["a"]', b"\xff\xfe\x00\x01", b"\x00" * 64, b"null", b"%zz=%%&&=",
              b"a=1&a=2&&&=", b"--x\r\nContent-Disposition: form-data\r\n\r\n", b"\xed\xa0\x80"]
ODD_NAMES = ["csrf_token", "id", "role", "owner_id", "", "a\nb", "a\r\nb", 'x"y', "-",
             "options-99999999999999999999-text", "sections--1-count", "sections-0", "options-0-text-x"]
NUMBERS = ["0", "-1", "+1", " 7 ", "1_000", "0x10", "1e3", "\uff11\uff12", "\u0661", "2147483647", "2147483648",
           "-2147483649", "9223372036854775807", "9223372036854775808", "999999999999999999", "9" * 40]
CSRF_MODES = ["valid"] * 5 + ["missing", "wrong", "other session", "garbage"]


def _huge(seed: str) -> str:
    return seed * (100_000 // len(seed.encode("utf-8", "surrogatepass")))  # 100 kB as sent


small_text = st.lists(st.sampled_from(CHARS), max_size=12).map("".join)
specials = st.sampled_from(SPECIALS)
values = st.one_of(specials, specials, specials, specials, small_text, small_text, small_text, st.integers().map(str),
                   st.floats().map(repr), st.sampled_from(HUGE_SEEDS).map(_huge))  # one value in ten is huge
json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), values)


def json_values(keys: list[str]) -> st.SearchStrategy[Any]:
    names = st.one_of(st.sampled_from(keys), small_text) if keys else small_text
    return st.recursive(json_leaves, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=4)), max_leaves=8)


@dataclass(frozen=True)
class Body:
    kind: str  # form (urlencoded), multipart, json, raw
    csrf: str  # one of CSRF_MODES
    pairs: tuple[tuple[str, str], ...] = ()
    json_value: Any = None
    ascii_json: bool = True
    raw: bytes = b""
    content_type: str | None = None
    garbage_token: str = ""
    filename: str = "upload.gift"  # of a file field's part


@st.composite
def form_pairs(draw: st.DrawFn, route: Route, base: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    fields = dict(base) if base and draw(st.sampled_from([True, True, True, False])) else {}
    pairs: dict[str, list[str]] = {name: [value] for name, value in fields.items()}
    names = list(route.fields) or ["field"]
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(names))
        numbers = ["number"] * (4 if str(fields.get(name, "")).isdigit() else 1)  # more often for a number
        how = draw(st.sampled_from(["drop", "set", "set", "wrap", "wrap", "repeat", *numbers]))
        if how == "drop":
            pairs.pop(name, None)
        elif how == "set":
            pairs[name] = [draw(values)]
        elif how == "number":  # at the edges of the integer types, or digits Python reads and SQL does not
            pairs[name] = [draw(st.sampled_from(NUMBERS))]
        elif how == "wrap":  # the valid value with odd characters around it, which may pass the form's checks
            pairs[name] = [draw(small_text) + str(fields.get(name, "")) + draw(small_text)]
        else:
            pairs[name] = pairs.get(name, []) + draw(st.lists(values, min_size=1, max_size=4))
    for _ in range(draw(st.integers(0, 2))):  # unknown fields, odd names, a second CSRF token
        name = draw(st.one_of(small_text, st.sampled_from(ODD_NAMES), st.sampled_from(ODD_NAMES)))
        pairs.setdefault(name, []).append(draw(values))
    return tuple((name, value) for name, vs in pairs.items() for value in vs)


@st.composite
def json_body(draw: st.DrawFn, route: Route, base: Any) -> Any:
    keys = JSON_KEYS.get(route.endpoint, list(route.fields))
    if not isinstance(base, dict) or not draw(st.sampled_from([True, True, False])):
        return draw(json_values(keys))
    body = dict(base)
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.one_of(st.sampled_from(keys), small_text) if keys else small_text)
        if draw(st.booleans()):
            body.pop(key, None)
        else:
            body[key] = draw(st.one_of(json_values(keys), st.lists(values, max_size=3)))
    return body


@st.composite
def bodies(draw: st.DrawFn, route: Route, base: Any) -> Body:
    if route.is_json:
        kinds = ["json"] * 4 + ["raw", "form"]
    elif route.files:  # an upload goes in a multipart body
        kinds = ["multipart"] * 3 + ["form", "json", "raw"]
    else:
        kinds = ["form"] * 3 + ["multipart", "json", "raw"]
    kind = draw(st.sampled_from(kinds))
    csrf = draw(st.sampled_from(CSRF_MODES))
    garbage = draw(values) if csrf == "garbage" else ""
    if kind in ("form", "multipart"):  # (a JSON route's valid body, as form fields)
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (base or {}).items()}
        return Body(kind, csrf, pairs=draw(form_pairs(route, fields)),
                    garbage_token=garbage, filename=draw(st.one_of(st.just("upload.gift"), values)))
    if kind == "json":
        return Body(kind, csrf, json_value=draw(json_body(route, base)), ascii_json=draw(st.booleans()),
                    content_type=draw(st.sampled_from(["application/json", "application/json", *CONTENT_TYPES])),
                    garbage_token=garbage)
    return Body(kind, csrf, raw=draw(st.one_of(st.sampled_from(RAW_BODIES), st.binary(max_size=64))),
                content_type=draw(st.sampled_from(CONTENT_TYPES)), garbage_token=garbage)


def payload(body: Body) -> bytes:
    if body.kind == "json":  # ensure_ascii sends a lone surrogate as \\ud800; without it, as its bytes
        return json.dumps(body.json_value, ensure_ascii=body.ascii_json).encode("utf-8", "surrogatepass")
    return body.raw


def token_for(client: FlaskClient, body: Body, other: FlaskClient) -> str | None:
    if body.csrf == "valid":
        return csrf_token(client)
    if body.csrf == "other session":
        return csrf_token(other)
    if body.csrf == "wrong":  # well signed, but not this session's
        return URLSafeTimedSerializer(client.application.config["SECRET_KEY"], salt="wtf-csrf-token").dumps("0" * 40)
    if body.csrf == "garbage":
        return body.garbage_token
    return None


def _sendable(text: str) -> str:
    """What the multipart encoder can write: a lone surrogate as the replacement character."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def send(client: FlaskClient, url: str, route: Route, body: Body, token: str | None) -> Any:
    if body.kind == "form":  # percent-encoded by hand, so that a lone surrogate goes as its bytes
        pairs = ([("csrf_token", token)] if token is not None else []) + list(body.pairs)
        data = urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")
        return client.post(url, data=data, content_type="application/x-www-form-urlencoded")
    # the token as the bytes a client sends; a header cannot hold a line break
    headers = {} if token is None else {"X-CSRFToken": token.encode("utf-8", "surrogatepass").decode("latin-1")
                                        .replace("\r", "").replace("\n", "")}
    if body.kind == "multipart":
        form = MultiDict([(_sendable(name), (io.BytesIO(value.encode("utf-8", "surrogatepass")),
                                             _sendable(body.filename))
                           if name in route.files else _sendable(value)) for name, value in body.pairs])
        if token is not None:
            form.add("csrf_token", _sendable(token))
        return client.post(url, data=form, content_type="multipart/form-data", headers=headers)
    return client.post(url, data=payload(body), content_type=body.content_type, headers=headers)



# --- the test --------------------------------------------------------------------------------

STATUSES: dict[str, Counter[int]] = {}  # route -> statuses of the answers it gave


class Tracebacks(logging.Handler):
    """The tracebacks the app logs: its catch-all error handler logs the exception, then answers 500
    (so PROPAGATE_EXCEPTIONS changes nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:
            self.seen.append("".join(traceback.format_exception(*record.exc_info)))


def logged_in(app: Flask, client: FlaskClient | None, role: str) -> tuple[FlaskClient, bool]:
    """The client, logged in again if a request ended its session (True then); anonymous: a new one."""
    if role == ANONYMOUS or client is None:
        client = app.test_client()
        client.get("/login")
        if role == ANONYMOUS:
            return client, False
    with client.session_transaction() as session:
        if "_user_id" in session:
            return client, False
    email = USERS["candidate" if role == ANY_USER else role]
    assert AuthActions(client).login(email, PASSWORD).status_code == 302, f"{email} cannot log in again"
    return client, True


def describe(body: Body) -> str:
    return repr({k: (v[:60] + f"... ({len(v)} chars)" if isinstance(v, str | bytes) and len(v) > 80 else v)
                 for k, v in vars(body).items()})


def test_the_routes_come_from_the_url_map_with_their_roles_and_fields() -> None:
    by_endpoint = {r.endpoint: r for r in ROUTES}
    assert len(ROUTES) >= 20
    assert by_endpoint["auth.login"].role == ANONYMOUS and by_endpoint["auth.logout"].role == ANY_USER
    assert by_endpoint["take.answer"].role == "candidate" and "item_id" in by_endpoint["take.answer"].fields
    assert by_endpoint["take_api.save"].is_json and by_endpoint["take_api.save"].role == "candidate"
    assert by_endpoint["hiring.edit_assessment"].role == "manager"
    assert "sections-1-count" in by_endpoint["hiring.edit_assessment"].fields
    assert by_endpoint["authoring.import_gift"].role == "instructor"
    assert by_endpoint["authoring.import_gift"].files == ("file",)
    assert "options-30-credit" in by_endpoint["authoring.new_question"].fields


@pytest.mark.parametrize("route", ROUTES, ids=[r.rule for r in ROUTES])
def test_random_posts_get_no_5xx_and_refused_ones_change_nothing(app: Flask, route: Route) -> None:
    if route.role not in (ANONYMOUS, ANY_USER, *USERS):
        pytest.fail(f"{route.rule} needs the role {route.role!r}: add a user for it to USERS")
    stage = build_stage(app)
    known = stage.url_values[route.role]
    with app.test_request_context():  # an argument of a new kind gets a placeholder of its converter's type
        url = url_for(route.endpoint, **{name: known.get(name, 1 if converter == "int" else "fuzzed")
                                         for converter, name in URL_ARGUMENT.findall(route.rule)})
    other = app.test_client()  # another session, for its CSRF token
    other.get("/login")
    tracebacks = Tracebacks()
    app.logger.addHandler(tracebacks)
    clients: dict[str, FlaskClient | None] = {"main": None}
    stored: dict[str, Any] = {}  # what the last request left stored: the state before the next one
    statuses = STATUSES.setdefault(route.rule, Counter())

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=bodies(route, stage.bases.get(route.endpoint)))
    def post(body: Body) -> None:
        client, logged_in_again = logged_in(app, clients["main"], route.role)
        clients["main"] = client
        token = token_for(client, body, other)
        before = stored["rows"] if "rows" in stored and not logged_in_again else snapshot(app)
        tracebacks.seen.clear()
        response = send(client, url, route, body, token)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (
            f"POST {url} as {route.role}: {response.status_code}\n{describe(body)}\n" + "\n".join(tracebacks.seen))
        after = stored["rows"] = snapshot(app)
        if response.status_code >= 400:
            assert after == before, (f"POST {url} as {route.role} was refused ({response.status_code}) but changed "
                                     f"{changed_rows(before, after)}\n{describe(body)}")

    try:
        post()
    finally:
        app.logger.removeHandler(tracebacks)
    assert statuses.total() >= EXAMPLES_PER_ROUTE
