"""Who gets what on every route: the role x route access matrix.

Every rule of app.url_map (but `static`) must have a line in EXPECTED and a request in REQUESTS:
a new route fails this file until someone decides who may reach it, and a line for a route that
no longer exists fails it too.

One scene is built (see `build_scene`), then each of seven identities sends one request to every
route: a GET where the route has one, else a POST carrying a valid CSRF token of that client's
session and harmless data, aimed at objects that make the action a no-op or a refused one:

- the assessment is closed, so closing it again changes nothing and inviting to it is refused (409);
- revoking candidate A's invitation is refused: A has started (409);
- extending a revoked invitation is refused (409);
- sharing with an instructor's email is refused (400: only managers can be shared with);
- creating a bank named 'alpha' is refused (409); editing 'alpha' writes back the same title;
- the GIFT upload is a file with problems, so nothing is imported (400);
- answering, autosaving or reporting an event on A's finished attempt is refused (409), finishing
  it again and starting its invitation again change nothing (302);
- retire then restore of 'alpha'/'single' leave it as it was;
- copying the assessment (owner and admin) does make a copy: there is no refusal to aim at.

Anonymous clients have a session (they opened /login, as a browser would) and so send a valid CSRF
token too: they get 401 like on a GET. Without a session, or without the token, every POST gets 400
before anything else is looked at (`test_a_post_without_a_csrf_token_is_refused_first`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.models import Assessment, Attempt, AttemptItem, Invitation, Question, QuestionBank, db
from quiz.services import assessments, attempts, invitations
from quiz.services.invitations import CandidateInput
from tests.conftest import DATA, T0, csrf_token, in_app
from tests.factories import load_test_banks, make_assessment, make_user
from tests.web.helpers import login

NOW = T0 + timedelta(minutes=10)  # the server's clock for the whole test: B's attempt is well within time

# The seven identities, in the order of EXPECTED's columns (None: not logged in).
IDENTITIES: dict[str, str | None] = {
    "anonymous": None,
    "candidate A": "cand-a@test.example",
    "candidate B": "cand-b@test.example",
    "instructor": "teacher@test.example",
    "manager M1": "owner@test.example",
    "manager M2": "rival@test.example",
    "admin": "root@test.example",
}
ROLES = {"candidate A": "candidate", "candidate B": "candidate", "instructor": "instructor",
         "manager M1": "manager", "manager M2": "manager", "admin": "admin"}

Row = tuple[int, int, int, int, int, int, int]

# fmt: off
# The exact status of each identity's request; the request itself is in REQUESTS.
# M1 owns the assessment; M2 is a manager it is not shared with; A's attempt is finished, B's in progress.
#                                         anon    A    B  ins   M1   M2  adm
EXPECTED: dict[str, Row] = {
    "admin.audit_log":                     (401, 403, 403, 403, 403, 403, 200),
    "auth.login":                          (200, 200, 200, 200, 200, 200, 200),
    # candidates sign in by their invitation link and have no password to change
    "auth.change_password":                (401, 403, 403, 200, 200, 200, 200),
    "auth.logout":                         (401, 302, 302, 302, 302, 302, 302),
    "home.index":                          (302, 302, 302, 302, 302, 302, 302),
    "home.candidate":                      (401, 200, 200, 403, 403, 403, 403),
    "home.staff":                          (401, 403, 403, 200, 200, 200, 200),
    # an invitation link signs in its candidate, whoever held the session before
    "take.open_invitation":                (302, 302, 302, 302, 302, 302, 302),
    "take.start":                          (401, 302, 404, 403, 403, 403, 403),
    # resume leads the owner on (A's attempt is finished: to its result); anyone else: 404
    "take.resume":                         (401, 302, 404, 403, 403, 403, 403),
    "take.question":                       (401, 404, 200, 403, 403, 403, 403),
    "take.answer":                         (401, 409, 404, 403, 403, 403, 403),
    "take.confirm_finish":                 (401, 404, 200, 403, 403, 403, 403),
    "take.finish":                         (401, 302, 404, 403, 403, 403, 403),
    "take.result":                         (401, 200, 404, 403, 403, 403, 403),
    "take_api.save":                       (401, 409, 404, 403, 403, 403, 403),
    "take_api.event":                      (401, 409, 404, 403, 403, 403, 403),
    "take_api.run_sql":                    (401, 409, 404, 403, 403, 403, 403),
    "hiring.index":                        (401, 403, 403, 403, 200, 200, 200),
    "hiring.new_assessment":               (401, 403, 403, 403, 200, 200, 200),
    "hiring.assessment":                   (401, 403, 403, 403, 200, 404, 200),
    # an admin sees the edit form, though saving it is for the owner alone (update is owner-only)
    "hiring.edit_assessment":              (401, 403, 403, 403, 200, 404, 404),
    "hiring.copy_assessment":              (401, 403, 403, 403, 302, 404, 302),
    "hiring.close_assessment":             (401, 403, 403, 403, 302, 404, 404),
    "hiring.share_assessment":             (401, 403, 403, 403, 400, 404, 404),
    "hiring.invite":                       (401, 403, 403, 403, 409, 404, 404),
    "hiring.invite_bulk":                  (401, 403, 403, 403, 409, 404, 404),
    "hiring.invitation_link_page":         (401, 403, 403, 403, 200, 404, 404),
    "hiring.revoke":                       (401, 403, 403, 403, 409, 404, 404),
    "hiring.extend":                       (401, 403, 403, 403, 409, 404, 404),
    "hiring.report":                       (401, 403, 403, 403, 200, 404, 200),
    "hiring.cohort":                       (401, 403, 403, 403, 200, 404, 200),
    # one attempt named: "choose two to five", said only after the access check
    "hiring.compare":                      (401, 403, 403, 403, 400, 404, 400),
    "hiring.export":                       (401, 403, 403, 403, 200, 404, 200),
    "authoring.index":                     (401, 403, 403, 200, 403, 403, 200),
    "authoring.create_bank":               (401, 403, 403, 409, 403, 403, 409),
    "authoring.bank":                      (401, 403, 403, 200, 403, 403, 200),
    "authoring.edit_bank":                 (401, 403, 403, 302, 403, 403, 302),
    "authoring.new_question":              (401, 403, 403, 200, 403, 403, 200),
    "authoring.edit_question":             (401, 403, 403, 200, 403, 403, 200),
    "authoring.preview":                   (401, 403, 403, 200, 403, 403, 200),
    "authoring.history":                   (401, 403, 403, 200, 403, 403, 200),
    "authoring.retire":                    (401, 403, 403, 302, 403, 403, 302),
    "authoring.restore":                   (401, 403, 403, 302, 403, 403, 302),
    "authoring.download":                  (401, 403, 403, 200, 403, 403, 200),
    "authoring.import_gift":               (401, 403, 403, 400, 403, 403, 400),
    "authoring.statistics":                (401, 403, 403, 200, 403, 403, 200),
    "authoring.assessment_statistics":     (401, 403, 403, 200, 403, 403, 200),
    "authoring.assessment_statistics_csv": (401, 403, 403, 200, 403, 403, 200),
    "authoring.question_statistics":       (401, 403, 403, 200, 403, 403, 200),
}
# fmt: on


@dataclass(frozen=True)
class Request:
    """What each identity sends: `{name}` in the URL is filled from the scene."""

    method: str
    url: str
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    gift_upload: bool = False


def get(url: str) -> Request:
    return Request("GET", url)


def post(url: str, form: dict[str, str] | None = None, **kwargs: Any) -> Request:
    return Request("POST", url, form or {}, **kwargs)


REQUESTS: dict[str, Request] = {
    "admin.audit_log": get("/admin/audit"),
    "auth.login": get("/login"),
    "auth.change_password": get("/account/password"),
    "auth.logout": post("/logout"),
    "home.index": get("/"),
    "home.candidate": get("/candidate"),
    "home.staff": get("/staff"),
    "take.open_invitation": get("/i/{unused_token}"),
    "take.start": post("/invitations/{invitation_a}/start"),
    "take.resume": get("/attempts/{finished}"),
    "take.question": get("/attempts/{in_progress}/q/1"),
    "take.answer": post("/attempts/{finished}/q/1", {"item_id": "{finished_item}", "flag_present": "",
                                                      "action": "save", "answer": "b"}),
    "take.confirm_finish": get("/attempts/{in_progress}/finish"),
    "take.finish": post("/attempts/{finished}/finish"),
    "take.result": get("/attempts/{finished}/result"),
    "take_api.save": post("/api/attempts/{finished}/items/{finished_item}", json={"values": ["b"]}),
    "take_api.event": post("/api/attempts/{finished}/events", json={"kind": "paste"}),
    "take_api.run_sql": post("/api/attempts/{finished}/items/{finished_item}/run", json={"query": "SELECT 1"}),
    "hiring.index": get("/manage/"),
    "hiring.new_assessment": get("/manage/assessments/new"),
    "hiring.assessment": get("/manage/assessments/{assessment}"),
    "hiring.edit_assessment": get("/manage/assessments/{assessment}/edit"),
    "hiring.copy_assessment": post("/manage/assessments/{assessment}/copy"),
    "hiring.close_assessment": post("/manage/assessments/{assessment}/close"),
    "hiring.share_assessment": post("/manage/assessments/{assessment}/share", {"email": "teacher@test.example"}),
    "hiring.invite": post("/manage/assessments/{assessment}/invitations",
                          {"name": "Zed", "email": "zed@x.example", "days": "14"}),
    "hiring.invite_bulk": post("/manage/assessments/{assessment}/invitations/bulk",
                               {"rows": "Zed, zed@x.example", "days": "14"}),
    "hiring.invitation_link_page": get("/manage/invitations/{unused_invitation}/link"),
    "hiring.revoke": post("/manage/invitations/{invitation_a}/revoke"),
    "hiring.extend": post("/manage/invitations/{revoked_invitation}/extend", {"days": "7"}),
    "hiring.report": get("/manage/attempts/{finished}/report"),
    "hiring.cohort": get("/manage/assessments/{assessment}/cohort"),
    "hiring.compare": get("/manage/assessments/{assessment}/compare?attempt={finished}"),
    "hiring.export": get("/manage/assessments/{assessment}/export.csv"),
    "authoring.index": get("/author/"),
    "authoring.create_bank": post("/author/banks", {"slug": "alpha", "title": "Another alpha"}),
    "authoring.bank": get("/author/banks/alpha"),
    "authoring.edit_bank": post("/author/banks/alpha/edit", {"slug": "alpha", "title": "Alpha skills",
                                                             "description": "A small bank for tests."}),
    "authoring.new_question": get("/author/banks/alpha/questions/new"),
    "authoring.edit_question": get("/author/banks/alpha/questions/single/edit"),
    "authoring.preview": get("/author/banks/alpha/questions/single/preview"),
    "authoring.history": get("/author/banks/alpha/questions/single/history"),
    "authoring.retire": post("/author/banks/alpha/questions/single/retire"),  # before restore: net no change
    "authoring.restore": post("/author/banks/alpha/questions/single/restore"),
    "authoring.download": get("/author/banks/alpha/download.yaml"),
    "authoring.import_gift": post("/author/import", {"area": "alpha"}, gift_upload=True),
    "authoring.statistics": get("/author/statistics"),
    "authoring.assessment_statistics": get("/author/statistics/assessments/{assessment}"),
    "authoring.assessment_statistics_csv": get("/author/statistics/assessments/{assessment}.csv"),
    "authoring.question_statistics": get("/author/banks/alpha/questions/single/statistics"),
}

# Logging out ends every session of the user (in the database), so it goes after everything else.
LAST = ("auth.logout",)


def routed_endpoints(app: Flask) -> dict[str, set[str]]:
    """Each endpoint of the app (but static) with the methods its rules accept."""
    endpoints: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            endpoints.setdefault(rule.endpoint, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return endpoints


def test_every_route_has_an_expectation_and_every_expectation_a_route(app: Flask) -> None:
    routed = routed_endpoints(app)
    missing = sorted(set(routed) - set(EXPECTED))
    assert not missing, (
        f"Routes without a line in EXPECTED (and REQUESTS) of {__name__}: {missing}. Decide what each of "
        f"{list(IDENTITIES)} gets from them and add the lines."
    )
    stale = sorted(set(EXPECTED) - set(routed))
    assert not stale, f"EXPECTED names endpoints that no longer exist: {stale}. Remove their lines."
    assert set(REQUESTS) == set(EXPECTED), (
        f"EXPECTED and REQUESTS must name the same endpoints; differ in {sorted(set(REQUESTS) ^ set(EXPECTED))}"
    )
    adapter = app.url_map.bind("localhost")
    for endpoint, request in REQUESTS.items():
        methods = routed[endpoint]
        assert methods <= {"GET", "POST"}, f"{endpoint} accepts {sorted(methods)}: give the matrix a request for it"
        wanted = "GET" if "GET" in methods else "POST"
        assert request.method == wanted, f"{endpoint}: check it with a {wanted} (it accepts {sorted(methods)})"
        path = request.url.split("?")[0].format_map(_Placeholders())
        matched, _ = adapter.match(path, method=request.method)
        assert matched == endpoint, f"REQUESTS[{endpoint!r}] = {request.url} reaches {matched}, not {endpoint}"


class _Placeholders(dict[str, str]):
    """Fills every `{name}` with a number, to see which rule a URL pattern reaches."""

    def __missing__(self, key: str) -> str:
        return "7"


# --- the scene ---------------------------------------------------------------------------


def build_scene(app: Flask) -> dict[str, Any]:
    """Banks, an account for each identity, and M1's (closed) assessment with four invitations:
    A's with a finished attempt, B's with an attempt in progress, one not yet used, one revoked."""
    app.config["CLOCK"] = lambda: NOW
    with in_app(app):
        load_test_banks(T0)
        users = {name: make_user(email, ROLES[name], T0) for name, email in IDENTITIES.items() if email}
        owner = users["manager M1"]
        assessment = make_assessment(owner, T0)

        def invite(name: str, email: str) -> invitations.Invited:
            return invitations.invite_candidate(owner, assessment, CandidateInput(name, email), T0)

        invitation_a = invite("Ann", IDENTITIES["candidate A"] or "")
        invitation_b = invite("Ben", IDENTITIES["candidate B"] or "")
        unused = invite("Cleo", "cleo@x.example")  # a candidate of her own: the link signs her in
        revoked = invite("Dee", "dee@x.example")
        invitations.revoke_invitation(owner, revoked.invitation_id, T0)

        finished = attempts.start_attempt(users["candidate A"], invitation_a.invitation_id, T0, seed=7)
        items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == finished)).all()
        single = next(i for i in items if i.question_version.question.key == "single")
        attempts.save_answer(users["candidate A"], finished, single.id, ["b"], None, T0 + timedelta(minutes=1))
        assert attempts.finish_attempt(users["candidate A"], finished, T0 + timedelta(minutes=5)) == "finished"
        in_progress = attempts.start_attempt(users["candidate B"], invitation_b.invitation_id,
                                             T0 + timedelta(minutes=5), seed=8)
        assessments.close_assessment(owner, assessment, T0 + timedelta(minutes=6))
        return {
            "assessment": assessment,
            "invitation_a": invitation_a.invitation_id,
            "unused_invitation": unused.invitation_id,
            "unused_token": unused.token,
            "revoked_invitation": revoked.invitation_id,
            "finished": finished,
            "finished_item": single.id,
            "in_progress": in_progress,
        }


def state(app: Flask) -> dict[str, Any]:
    """What the harmless requests must leave as it was."""
    with in_app(app):
        rows = {
            "attempts": select(Attempt.id, Attempt.status, Attempt.points, Attempt.finished_at),
            "answers": select(AttemptItem.id, AttemptItem.answer, AttemptItem.saved_at, AttemptItem.flagged),
            "invitations": select(Invitation.id, Invitation.revoked_at, Invitation.expires_at),
            "assessments": select(Assessment.id, Assessment.title, Assessment.closed_at),
            "banks": select(QuestionBank.id, QuestionBank.slug, QuestionBank.title),
            "questions": select(Question.id, Question.key, Question.retired_at, Question.latest_number),
        }
        return {name: db.session.execute(query.order_by(query.selected_columns[0])).all()
                for name, query in rows.items()}


# --- sending -----------------------------------------------------------------------------


def client_for(app: Flask, email: str | None) -> FlaskClient:
    """A logged-in client (or an anonymous one) whose session holds a CSRF token."""
    client = app.test_client()
    if email:
        login(client, email)
    csrf_token(client)  # opens /login once if the session has no token yet (login starts a new session)
    return client


def twin_of(client: FlaskClient) -> FlaskClient:
    """A client with the same session cookie: a request that replaces the session (an invitation
    link) does so in the twin only."""
    app = client.application
    name = app.config["SESSION_COOKIE_NAME"]
    twin = app.test_client()
    cookie = client.get_cookie(name)
    if cookie is not None:
        twin.set_cookie(name, cookie.value)
    return twin


def send(client: FlaskClient, request: Request, scene: dict[str, Any]) -> int:
    url = request.url.format(**scene)
    if request.method == "GET":
        return client.get(url).status_code
    token = csrf_token(client)
    if request.json is not None:
        return client.post(url, json=request.json, headers={"X-CSRFToken": token}).status_code
    data: dict[str, Any] = {"csrf_token": token, **{k: v.format(**scene) for k, v in request.form.items()}}
    if request.gift_upload:
        data["file"] = (io.BytesIO((DATA / "gift" / "problems.gift").read_bytes()), "problems.gift")
    return client.post(url, data=data).status_code


def test_each_identity_gets_exactly_the_expected_status_on_every_route(app: Flask) -> None:
    routed = routed_endpoints(app)
    unlisted = sorted(set(routed) - set(EXPECTED))
    assert not unlisted, f"Routes without an expectation in EXPECTED: {unlisted}"
    scene = build_scene(app)
    before = state(app)
    order = sorted(routed, key=lambda endpoint: (endpoint in LAST, list(EXPECTED).index(endpoint)))
    wrong = []
    for column, (identity, email) in enumerate(IDENTITIES.items()):
        client = client_for(app, email)
        for endpoint in order:
            request = REQUESTS[endpoint]
            status = send(twin_of(client), request, scene)
            expected = EXPECTED[endpoint][column]
            if status != expected:
                wrong.append(f"{endpoint:38} {request.method} {request.url.format(**scene)}: "
                             f"{identity} got {status}, expected {expected}")
    assert not wrong, "Statuses differ from the table:\n" + "\n".join(wrong)

    after = state(app)
    original, *copies = after.pop("assessments")
    assert [original] == before.pop("assessments")
    assert [title for _, title, _ in copies] == ["Copy of Test assessment"] * 2  # the owner's and the admin's
    assert after == before


def test_a_post_without_a_csrf_token_is_refused_first(app: Flask) -> None:
    """Every POST without a CSRF token is 400, before the login check: with no session at all, and
    with a session (from /login) whose token is not sent; as a form and as JSON."""
    adapter = app.url_map.bind("localhost")
    posts = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static" and "POST" in (rule.methods or ())]
    assert posts
    with_session = app.test_client()
    csrf_token(with_session)  # the session now holds a token; the requests below do not carry it
    wrong = []
    for rule in posts:
        url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1))
        for who, client in (("no session", app.test_client()), ("session, no token", twin_of(with_session))):
            for kind, body in (("form", {"data": {}}), ("JSON", {"json": {}})):
                status = client.post(url, **body).status_code
                if status != 400:
                    wrong.append(f"{rule.endpoint} POST {url} ({who}, {kind}): {status}")
    assert not wrong, "POSTs without a CSRF token not refused with 400:\n" + "\n".join(wrong)
