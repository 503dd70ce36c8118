"""Sessions end for real, staff sessions time out, cookies and headers are safe, guessing is slowed."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from tests.conftest import T0, AuthActions, in_app, make_app
from tests.factories import PASSWORD, make_user
from tests.web.helpers import login, post_form


def users(app: Flask) -> None:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        make_user("boss@test.example", "manager", T0)
        make_user("cand@test.example", "candidate", T0)


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def with_cookie(app: Flask, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_copied_before_logout_no_longer_works(app: Flask, client: FlaskClient) -> None:
    users(app)
    login(client, "boss@test.example")
    copied = session_cookie(client)
    assert with_cookie(app, copied).get("/manage/").status_code == 200
    assert post_form(client, "/logout").status_code == 302
    assert with_cookie(app, copied).get("/manage/").status_code == 401
    login(client, "boss@test.example")  # a fresh login works again
    assert client.get("/manage/").status_code == 200


def test_a_password_change_ends_every_session(app: Flask, client: FlaskClient) -> None:
    users(app)
    login(client, "boss@test.example")
    elsewhere = app.test_client()
    login(elsewhere, "boss@test.example")
    copied = session_cookie(client)
    weak = post_form(client, "/account/password", {"current": PASSWORD, "new": "password123"})
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    wrong = post_form(client, "/account/password", {"current": "not-it-at-all", "new": "a-much-better-secret"})
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    changed = post_form(client, "/account/password", {"current": PASSWORD, "new": "a-much-better-secret"})
    assert changed.status_code == 302
    assert with_cookie(app, copied).get("/manage/").status_code == 401
    assert elsewhere.get("/manage/").status_code == 401
    assert AuthActions(app.test_client()).login("boss@test.example", PASSWORD).status_code == 401
    assert AuthActions(app.test_client()).login("boss@test.example", "a-much-better-secret").status_code == 302


def test_the_session_is_renewed_at_login(app: Flask, client: FlaskClient) -> None:
    users(app)
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, "boss@test.example")
    with client.session_transaction() as session:
        assert "planted" not in session and "_user_id" in session


def test_staff_sessions_time_out_when_idle_and_in_any_case(app: Flask, client: FlaskClient) -> None:
    users(app)
    login(client, "boss@test.example")
    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=29)
    assert client.get("/manage/").status_code == 200
    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=29 + 31)
    idle = client.get("/manage/")
    assert idle.status_code == 401 and "session has ended" in idle.get_data(as_text=True)
    login(client, "boss@test.example")  # at T0 + 60 min
    for minutes in range(80, 720, 20):  # busy all day, never idle for 30 minutes
        app.config["CLOCK"] = lambda m=minutes: T0 + timedelta(minutes=m)
        status = client.get("/manage/").status_code
        if status == 401:
            break
    assert (status, minutes) == (401, 680)  # the first request more than ten hours after logging in at 60
    candidate = app.test_client()
    app.config["CLOCK"] = lambda: T0
    login(candidate, "cand@test.example")
    app.config["CLOCK"] = lambda: T0 + timedelta(hours=3)  # a long attempt: candidates are not timed out
    assert candidate.get("/candidate").status_code == 200


def test_cookies_are_httponly_lax_and_secure(app: Flask, client: FlaskClient) -> None:
    users(app)
    response = AuthActions(client).login("boss@test.example", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_security_headers_and_hsts_over_https(app: Flask, client: FlaskClient) -> None:
    plain = client.get("/login")
    csp = plain.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and plain.headers["X-Content-Type-Options"] == "nosniff"
    assert plain.headers["Referrer-Policy"] == "same-origin" and "Strict-Transport-Security" not in plain.headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" not in client.get("/login", headers=forwarded).headers  # no proxy trusted


def test_a_trusted_proxy_tells_the_scheme_and_the_client_address(app: Flask, database_url: str) -> None:
    behind_proxy = make_app(database_url, TRUSTED_PROXIES=1)
    seen = {}

    @behind_proxy.get("/_probe")
    def probe() -> str:
        seen["address"], seen["secure"] = request.remote_addr, request.is_secure
        return "ok"

    response = behind_proxy.test_client().get("/_probe", headers={"X-Forwarded-Proto": "https",
                                                                   "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert seen == {"address": "203.0.113.9", "secure": True}


def limited_app(database_url: str, **extra: object) -> Flask:
    return make_app(database_url, RATELIMIT_ENABLED=True, **extra)


def test_logins_are_rate_limited_with_a_clear_page(app: Flask, database_url: str) -> None:
    users(app)
    limited = limited_app(database_url)
    guesser = limited.test_client()
    statuses = [AuthActions(guesser).login("boss@test.example", f"guess-{n}-wrong").status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    page = AuthActions(guesser).login("boss@test.example", PASSWORD)
    assert page.status_code == 429 and "Too many requests" in page.get_data(as_text=True)
    assert "Retry-After" in page.headers
    # the same answer whether or not the account exists
    unknown = AuthActions(limited_app(database_url).test_client()).login("nobody@test.example", "whatever-it-is")
    known = AuthActions(limited_app(database_url).test_client()).login("boss@test.example", "whatever-it-is")
    assert unknown.status_code == known.status_code == 401
    assert unknown.get_data(as_text=True).count("not right") == known.get_data(as_text=True).count("not right")


def test_invitation_links_are_rate_limited(app: Flask, database_url: str) -> None:
    limited = limited_app(database_url)
    guesser = limited.test_client()
    statuses = [guesser.get(f"/i/{uuid.uuid4().hex}").status_code for _ in range(21)]
    assert statuses == [404] * 20 + [429]


REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="set TEST_REDIS_URL (CI does) to test limits shared through Redis")
def test_limits_are_shared_between_workers_through_redis(app: Flask, database_url: str) -> None:
    users(app)
    shared = {"RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    worker_a = limited_app(database_url, **shared).test_client()
    worker_b = limited_app(database_url, **shared).test_client()
    statuses = [AuthActions(worker_a if n % 2 else worker_b).login("boss@test.example", f"guess-{n}-wrong").status_code
                for n in range(11)]
    assert statuses == [401] * 10 + [429]

