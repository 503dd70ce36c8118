"""A candidate takes a timed assessment in the browser's way: pages, forms and autosave."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.models import Attempt, AttemptItem, db
from tests.conftest import T0, in_app
from tests.factories import Scene, make_scene
from tests.web.helpers import item_id, login, post_form, save_json, save_url


def arrange(app: Flask, **overrides) -> Scene:  # type: ignore[no-untyped-def]
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        return make_scene(T0, **overrides)


def start_attempt(client: FlaskClient, scene: Scene) -> str:
    login(client, "cand@test.example")
    page = client.get("/candidate")
    assert page.status_code == 200 and "Test assessment" in page.get_data(as_text=True)
    response = post_form(client, f"/invitations/{scene.invitation_id}/start")
    assert response.status_code == 302
    return response.headers["Location"]


def items(app: Flask, attempt_id: int) -> list[tuple[int, str, dict]]:
    with in_app(app):
        rows = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        ).all()
        return [(i.id, i.question_version.question.key, i.answer) for i in rows]


def test_the_whole_journey(app: Flask, client: FlaskClient) -> None:
    scene = arrange(app)
    location = start_attempt(client, scene)
    assert re.fullmatch(r"/attempts/\d+/q/1", location)
    attempt_id = int(location.split("/")[2])

    page = client.get(location)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Question 1 of 8" in html and "Time left:" in html and "30:00" in html
    assert html.count('class="nav-item') == 8
    assert "Pick <strong>B</strong>." in html  # Markdown rendered (questions in file order: no shuffle)

    # autosave (what the page's script does): question 1, single choice, right answer b
    saved = save_json(client, save_url(html), {"values": ["b"]})
    assert saved.status_code == 200 and saved.json["answered"] is True

    # without JavaScript: question 2 (true or false, easy ones first) answered and flagged by posting
    # the form, then "next"
    html2 = client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True)
    response = post_form(client, f"/attempts/{attempt_id}/q/2", {
        "item_id": item_id(html2), "flag_present": "1", "answer": "true", "flagged": "1", "action": "next",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/q/3")

    # the navigator shows answered and flagged states
    html3 = client.get(f"/attempts/{attempt_id}/q/3").get_data(as_text=True)
    assert 'aria-label="Question 1: answered"' in html3
    assert 'aria-label="Question 2: answered, flagged"' in html3
    assert 'aria-label="Question 3: not answered"' in html3
    # question 3 is the multiple-response one: checkboxes; question 1 had radio buttons
    assert "Select all that apply." in html3 and html3.count('type="checkbox" name="answer"') == 4
    assert html.count('type="radio" name="answer"') == 3 and 'type="checkbox" name="answer"' not in html

    # a reload, or a new session, resumes with every saved answer
    client.get("/logout")
    post_form(client, "/logout")
    login(client, "cand@test.example")
    resumed = client.get(f"/attempts/{attempt_id}/q/2").get_data(as_text=True)
    assert re.search(r'id="opt-true" value="true" checked', resumed)
    assert not re.search(r'id="opt-false" value="false" checked', resumed)
    assert re.search(r'id="flagged" value="1" checked', resumed)

    # the finish page names the unanswered questions
    finish_page = client.get(f"/attempts/{attempt_id}/finish").get_data(as_text=True)
    assert "6 of 8 questions are not answered" in finish_page
    for position in range(3, 9):
        assert f">Question {position}</a>" in finish_page
    assert "question 2</a>" in finish_page  # flagged for review

    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=12)
    done = post_form(client, f"/attempts/{attempt_id}/finish")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    # 2 of 8 right: single (1) and true/false (1): overall 25%; alpha 2/5 = 40%, beta 0/3
    assert "Overall score: <strong>25%</strong>" in result
    assert re.search(r"Alpha skills</th><td>40%</td>\s*<td>2 / 5</td><td>5</td>", result)
    assert re.search(r"Beta skills</th><td>0%</td>\s*<td>0 / 3</td><td>3</td>", result)

    with in_app(app):
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.points, attempt.max_points) == ("finished", 2.0, 8.0)
        assert attempt.finished_at == T0 + timedelta(minutes=12)
        assert {(r.area.slug, r.points) for r in attempt.area_results} == {("alpha", 2.0), ("beta", 0.0)}

    # the candidate's home page now links to the result; going back to a question shows it
    assert "See the result" in client.get("/candidate").get_data(as_text=True)
    back = client.get(f"/attempts/{attempt_id}/q/1")
    assert back.status_code == 302 and back.headers["Location"].endswith("/result")


def test_time_runs_out_and_the_attempt_is_submitted(app: Flask, client: FlaskClient) -> None:
    scene = arrange(app)
    location = start_attempt(client, scene)
    attempt_id = int(location.split("/")[2])
    html = client.get(location).get_data(as_text=True)
    assert save_json(client, save_url(html), {"values": ["b"]}).status_code == 200

    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=30, seconds=30)  # inside the grace margin
    page = client.get(location).get_data(as_text=True)
    assert "0:00" in page  # the countdown is at zero; the page still takes a last save
    assert save_json(client, save_url(html), {"values": ["b"]}).status_code == 200

    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=31, seconds=1)
    late = save_json(client, save_url(html), {"values": ["a"]})
    assert late.status_code == 409 and "Time is up" in late.json["error"]
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "submitted automatically when the time ran out" in result
    assert "Overall score: <strong>12%</strong>" in result  # 1 of 8 = 12.5%, shown as 12%
    assert items(app, attempt_id)[0][2] == {"choice": "b"}


def test_the_manager_sees_the_stored_scores(app: Flask, client: FlaskClient) -> None:
    scene = arrange(app)
    location = start_attempt(client, scene)
    attempt_id = int(location.split("/")[2])
    html = client.get(location).get_data(as_text=True)
    save_json(client, save_url(html), {"values": ["b"]})  # question 1 right: alpha 1 of 5
    post_form(client, f"/attempts/{attempt_id}/finish")
    manager = app.test_client()
    login(manager, "manager@test.example")
    page = manager.get("/staff").get_data(as_text=True)
    assert "cand@test.example" in page and "finished" in page
    assert "12%" in page  # 1 of 8
    assert "Alpha skills: 20% (5 items); Beta skills: 0% (3 items)" in page


def test_the_result_shows_answers_and_explanations_only_when_allowed(app: Flask, client: FlaskClient) -> None:
    scene = arrange(app, feedback_policy="answers")
    location = start_attempt(client, scene)
    attempt_id = int(location.split("/")[2])
    html = client.get(location).get_data(as_text=True)
    save_json(client, save_url(html), {"values": ["b"]})
    post_form(client, f"/attempts/{attempt_id}/finish")
    result = client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Your answers" in result and "Pick <strong>B</strong>." in result
    assert "<dt>Right answer</dt><dd>B</dd>" in result and "<p>B is right.</p>" in result
    assert "<em>not answered</em>" in result  # the seven questions left blank

    other = app.test_client()
    with in_app(app):
        from quiz.models import Assessment
        db.session.get(Assessment, scene.assessment_id).feedback_policy = "area_scores"
        db.session.commit()
    login(other, "other@test.example")
    start = post_form(other, f"/invitations/{scene.other_invitation_id}/start")
    other_id = int(start.headers["Location"].split("/")[2])
    post_form(other, f"/attempts/{other_id}/finish")
    page = other.get(f"/attempts/{other_id}/result").get_data(as_text=True)
    assert "Scores per skill area" in page and "Right answer" not in page and "B is right." not in page
