"""Every bad request gets a clear message and a 4xx, and stored data stays as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from quiz.models import Attempt, AttemptItem, db
from quiz.services import accounts, attempts
from tests.conftest import T0, csrf_token, in_app
from tests.factories import Scene, make_scene
from tests.web.helpers import item_id, login, post_form, save_json, save_url


def begin(app: Flask, client: FlaskClient) -> tuple[Scene, int, int, int]:
    """A started attempt of the logged-in candidate, and one of the other candidate."""
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        scene = make_scene(T0)
        mine = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0, seed=1)
        theirs = attempts.start_attempt(scene.other_candidate_id, scene.other_invitation_id, T0, seed=2)
        their_item = db.session.scalar(select(AttemptItem.id).where(AttemptItem.attempt_id == theirs))
    login(client, "cand@test.example")
    return scene, mine, theirs, their_item


def snapshot(app: Flask) -> list[tuple]:
    with in_app(app):
        rows = db.session.execute(
            select(AttemptItem.id, AttemptItem.answer, AttemptItem.saved_at, AttemptItem.flagged)
            .order_by(AttemptItem.id)
        ).all()
        statuses = db.session.execute(select(Attempt.id, Attempt.status).order_by(Attempt.id)).all()
        return [tuple(r) for r in rows] + [tuple(s) for s in statuses]


def numeric_page(client: FlaskClient, attempt_id: int) -> str:
    for position in range(1, 9):
        html = client.get(f"/attempts/{attempt_id}/q/{position}").get_data(as_text=True)
        if 'inputmode="decimal"' in html:
            return html
    raise AssertionError("no numeric question drawn")


def test_tampered_and_foreign_ids_are_refused(app: Flask, client: FlaskClient) -> None:
    _, mine, theirs, their_item = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    save_json(client, save_url(html), {"values": ["a"]})
    before = snapshot(app)
    cases = [
        (f"/api/attempts/{mine}/items/{their_item}", 404),   # an item of another attempt
        (f"/api/attempts/{mine}/items/99999", 404),          # an item that does not exist
        (f"/api/attempts/{theirs}/items/{their_item}", 404),  # another candidate's attempt
        (f"/api/attempts/99999/items/{their_item}", 404),
    ]
    for url, status in cases:
        response = save_json(client, url, {"values": ["a"]})
        assert response.status_code == status, url
        assert response.json["error"]
    assert client.get(f"/attempts/{theirs}/q/1").status_code == 404
    assert client.get(f"/attempts/{theirs}/result").status_code == 404
    assert post_form(client, f"/attempts/{theirs}/finish").status_code == 404
    # the no-JavaScript form with a tampered item id
    response = post_form(client, f"/attempts/{mine}/q/1", {"item_id": str(their_item), "flag_present": "1",
                                                            "answer": "a", "action": "next"})
    assert response.status_code == 404 and "no such question" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_malformed_answers_are_refused(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = numeric_page(client, mine)
    url = save_url(html)
    assert save_json(client, url, {"values": ["42"]}).status_code == 200
    before = snapshot(app)
    cases = [
        ({"values": ["forty-two"]}, "Enter a number"),
        ({"values": ["1", "2"]}, "one answer"),
        ({"values": "42"}, "list"),
        ({"values": [42]}, "malformed"),
        ({"values": ["9" * 5000]}, "too long"),
        ({"flagged": "yes"}, "true or false"),
        ([1, 2], "JSON object"),
        ({}, "could not be understood"),
    ]
    for body, message in cases:
        response = save_json(client, url, body)
        assert response.status_code == 400, body
        assert message in response.json["error"], (body, response.json)
    not_json = client.post(url, data="values=1", headers={"X-CSRFToken": "x"})
    assert not_json.status_code == 400
    assert snapshot(app) == before


def test_a_bad_number_in_the_plain_form_gets_a_message(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = numeric_page(client, mine)
    before = snapshot(app)
    position = int(html.split('data-position="')[1].split('"')[0])
    response = post_form(client, f"/attempts/{mine}/q/{position}", {
        "item_id": item_id(html), "flag_present": "1", "answer": "lots", "action": "next"})
    assert response.status_code == 400 and "Enter a number" in response.get_data(as_text=True)
    garbled = post_form(client, f"/attempts/{mine}/q/{position}", {"item_id": "x; drop", "action": "jump"})
    assert garbled.status_code == 400
    assert snapshot(app) == before


def test_a_finished_attempt_refuses_changes(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    assert post_form(client, f"/attempts/{mine}/finish").status_code == 302
    before = snapshot(app)
    response = save_json(client, save_url(html), {"values": ["a"]})
    assert response.status_code == 409 and "closed" in response.json["error"]
    plain = post_form(client, f"/attempts/{mine}/q/1", {"item_id": item_id(html), "flag_present": "1",
                                                        "answer": "a", "action": "next"})
    assert plain.status_code == 409
    # finishing again is harmless: it leads to the result, scored once
    assert post_form(client, f"/attempts/{mine}/finish").status_code == 302
    assert snapshot(app) == before


def test_saves_after_the_deadline_and_grace_are_refused(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    assert save_json(client, save_url(html), {"values": ["a"]}).status_code == 200
    app.config["CLOCK"] = lambda: T0 + timedelta(hours=1)
    before = snapshot(app)
    response = save_json(client, save_url(html), {"values": ["b"]})
    assert response.status_code == 409 and "Time is up" in response.json["error"]
    after = snapshot(app)
    assert after[:-2] == before[:-2]  # answers unchanged; the attempts were closed as the policy says
    finish = post_form(client, f"/attempts/{mine}/finish")
    assert finish.status_code == 302  # already closed (autosubmitted): the result page


def test_unknown_urls_and_positions(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    for url in ("/no/such/page", f"/attempts/{mine}/q/99", f"/attempts/{mine}/q/0"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<h1>Not found</h1>" in response.get_data(as_text=True)
    api = client.get("/api/nothing")
    assert api.status_code == 404 and api.json["error"]
    assert client.get(f"/attempts/{mine}/result").status_code == 409  # still in progress


def test_an_expired_session_gets_a_clear_answer(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    before = snapshot(app)
    stale = app.test_client()  # no session cookie: as after the session expired
    api = stale.post(save_url(html), json={"values": ["a"]})
    assert api.status_code in (400, 401)
    assert "token" in api.json["error"] or "log in" in api.json["error"]
    page = stale.get(f"/attempts/{mine}/q/1")
    assert page.status_code == 401 and "Please log in" in page.get_data(as_text=True)
    # a logged-in request whose CSRF token is missing or forged
    missing = client.post(save_url(html), json={"values": ["a"]})
    forged = client.post(save_url(html), json={"values": ["a"]}, headers={"X-CSRFToken": "forged"})
    assert missing.status_code == forged.status_code == 400
    assert "security token" in forged.json["error"]
    assert snapshot(app) == before


def test_malformed_requests_are_refused_before_any_form_reads_them(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    page = f"/attempts/{mine}/q/1"
    fields = {"item_id": str(item_id(html)), "flag_present": "1", "answer": "a", "action": "next"}
    before = snapshot(app)

    as_json = client.post(page, json=fields, headers={"X-CSRFToken": csrf_token(client)})
    assert as_json.status_code == 415 and "not JSON" in as_json.get_data(as_text=True)

    boundary = "b0undary"
    nameless = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf_token(client)}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; na\r\nme="answer"\r\n\r\na\r\n--{boundary}--\r\n')
    response = client.post(page, data=nameless.encode(), content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and "has no name" in response.get_data(as_text=True)

    with_nul = post_form(client, page, {**fields, "answer": "a\x00b"})
    assert with_nul.status_code == 400 and "NUL character" in with_nul.get_data(as_text=True)
    api_nul = save_json(client, save_url(html), {"values": ["a\x00"]})
    assert api_nul.status_code == 400 and "NUL character" in api_nul.json["error"]
    assert client.get("/manage?q=%00").status_code == 400

    assert post_form(client, page, {**fields, "item_id": str(2**31)}).status_code == 400  # beyond any stored id
    for url in (f"/attempts/{2**31}/q/1", f"/attempts/{10**20}/result", f"/attempts/{mine}/q/{2**63}"):
        assert client.get(url).status_code == 404, url
    assert save_json(client, f"/api/attempts/{mine}/items/{2**40}", {"values": ["a"]}).status_code == 404
    assert snapshot(app) == before


def test_a_database_that_cannot_be_reached_gets_a_503_to_retry(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    before = snapshot(app)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE attempt_item ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(attempts, "save_answer", unreachable)
    monkeypatch.setattr(attempts, "attempt_view", unreachable)
    monkeypatch.setattr(accounts, "load_user", unreachable)  # the page's header cannot read the account either
    api = save_json(client, save_url(html), {"values": ["a"]})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert "briefly unavailable" in api.json["error"]
    page = client.get(f"/attempts/{mine}/q/1")
    assert page.status_code == 503 and "Nothing you saved was lost" in page.get_data(as_text=True)
    assert "Briefly unavailable" in page.get_data(as_text=True) and page.headers["Retry-After"] == "5"
    monkeypatch.undo()
    assert snapshot(app) == before
    assert save_json(client, save_url(html), {"values": ["a"]}).status_code == 200  # the retry succeeds


def test_resume_leads_the_owner_back_to_the_question_they_were_on(app: Flask, client: FlaskClient) -> None:
    _, mine, theirs, _ = begin(app, client)
    assert client.get(f"/attempts/{mine}").headers["Location"].endswith(f"/attempts/{mine}/q/1")  # nothing seen yet
    client.get(f"/attempts/{mine}/q/3")
    assert client.get(f"/attempts/{mine}").headers["Location"].endswith(f"/attempts/{mine}/q/3")
    assert client.get(f"/attempts/{theirs}").status_code == 404
    assert post_form(client, f"/attempts/{mine}/finish").status_code == 302
    assert client.get(f"/attempts/{mine}").headers["Location"].endswith(f"/attempts/{mine}/result")


def test_a_save_with_a_cookie_copied_before_logout_is_refused(app: Flask, client: FlaskClient) -> None:
    _, mine, _, _ = begin(app, client)
    html = client.get(f"/attempts/{mine}/q/1").get_data(as_text=True)
    copied = client.get_cookie("session").value  # type: ignore[union-attr]
    token = csrf_token(client)
    assert save_json(client, save_url(html), {"values": ["a"]}).status_code == 200
    before = snapshot(app)
    assert post_form(client, "/logout").status_code == 302
    stale = app.test_client()
    stale.set_cookie("session", copied)
    response = stale.post(save_url(html), json={"values": ["b"]}, headers={"X-CSRFToken": token})
    assert response.status_code == 401 and "session has ended" in response.json["error"]
    assert snapshot(app) == before
