"""Logging in and out, CSRF, and role checks."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import T0, AuthActions, csrf_token, in_app
from tests.factories import PASSWORD, make_user
from tests.web.helpers import post_form


def users(app: Flask) -> None:
    with in_app(app):
        for role in ("candidate", "instructor", "manager", "admin"):
            make_user(f"{role}@test.example", role, T0)


def test_login_lands_each_role_on_its_page(app: Flask, client: FlaskClient) -> None:
    users(app)
    for role, landing in [("candidate", "/candidate"), ("manager", "/manage/"), ("instructor", "/author/"),
                          ("admin", "/staff")]:
        fresh = app.test_client()
        response = AuthActions(fresh).login(f"{role}@test.example", PASSWORD)
        assert response.status_code == 302
        assert fresh.get("/").headers["Location"] == landing
        assert fresh.get(landing).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(app: Flask, client: FlaskClient) -> None:
    users(app)
    auth = AuthActions(client)
    wrong = auth.login("candidate@test.example", "not-the-password")
    unknown = auth.login("nobody@test.example", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "The email or password is not right." in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True) .count("not right") == unknown.get_data(as_text=True).count("not right") == 1
    assert client.get("/candidate").status_code == 401


def test_login_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    users(app)
    response = client.post("/login", data={"email": "candidate@test.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/candidate").status_code == 401


def test_logout_ends_the_session(app: Flask, client: FlaskClient) -> None:
    users(app)
    AuthActions(client).login("candidate@test.example", PASSWORD)
    assert client.get("/candidate").status_code == 200
    assert client.get("/logout").status_code == 405  # only a POST with a token logs out
    assert post_form(client, "/logout").status_code == 302
    page = client.get("/candidate")
    assert page.status_code == 401 and "Please log in" in page.get_data(as_text=True)


def test_login_redirects_only_within_the_site(app: Flask, client: FlaskClient) -> None:
    users(app)
    client.get("/login")
    for target, expected in [("/candidate", "/candidate"), ("//evil.example/x", "/"), ("https://evil.example", "/")]:
        response = post_form(client, "/login", {"email": "candidate@test.example", "password": PASSWORD,
                                                "next": target})
        assert response.headers["Location"] == expected


def test_roles_are_checked(app: Flask, client: FlaskClient) -> None:
    users(app)
    AuthActions(client).login("manager@test.example", PASSWORD)
    assert client.get("/candidate").status_code == 403
    assert client.get("/attempts/1/q/1").status_code == 403
    forbidden = client.post("/api/attempts/1/items/1", json={"values": []}, headers={"X-CSRFToken": csrf_token(client)})
    assert forbidden.status_code == 403 and forbidden.json["error"]
    staff = app.test_client()
    AuthActions(staff).login("candidate@test.example", PASSWORD)
    assert staff.get("/staff").status_code == 403


def test_a_logged_in_page_carries_security_headers(app: Flask, client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
