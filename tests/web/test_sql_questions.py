"""A SQL question in the browser's terms: the editor, the run button, the save, and the report."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from quiz.services import banks
from quiz.services.assessments import SectionInput
from tests.conftest import DATA, T0, csrf_token, in_app, make_app
from tests.factories import make_scene
from tests.web.helpers import login, post_form, save_json, save_url

RIGHT = "SELECT name FROM emp WHERE dept = 'eng' AND name <> 'Nobody'"
WRONG = "SELECT name FROM emp ORDER BY name DESC"  # the right rows for 'by-name', in the wrong order


def pages_by_prompt(client: FlaskClient, attempt_url: str) -> dict[str, str]:
    found = {}
    for position in (1, 2):
        page = client.get(f"{attempt_url}/q/{position}").get_data(as_text=True)
        found["engineers" if "engineers" in page else "by-name"] = page
    return found


def test_a_sql_question_is_answered_run_and_reported(app: Flask, client: FlaskClient) -> None:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        banks.load_banks([DATA / "sql" / "queries.yaml"], T0)
        scene = make_scene(T0, sections=[SectionInput("queries", 2)], feedback_policy="answers")
    login(client, "cand@test.example")
    started = post_form(client, f"/invitations/{scene.invitation_id}/start")
    attempt_url = started.headers["Location"].rsplit("/q/", 1)[0]
    pages = pages_by_prompt(client, attempt_url)

    page = pages["engineers"]
    assert re.search(r'<textarea name="answer" id="answer-input" class="code-input"', page)
    assert "data-tab-spaces" in page and "Press Escape, then Tab" in page.replace("press", "Press")
    run_url = html.unescape(re.search(r'data-run-url="([^"]+)"', page).group(1))
    token = {"X-CSRFToken": csrf_token(client)}
    ran = client.post(run_url, json={"query": "SELECT name, dept FROM emp WHERE dept IS NULL"}, headers=token)
    assert ran.status_code == 200 and ran.json == {"columns": ["name", "dept"], "rows": [["'Di'", "NULL"]],
                                                   "truncated": False, "error": None}
    refused = client.post(run_url, json={"query": "DROP TABLE emp"}, headers=token)
    assert refused.status_code == 200 and "Only reading is allowed" in refused.json["error"]
    assert client.post(run_url, json={"sql": 1}, headers=token).status_code == 400

    assert save_json(client, save_url(pages["engineers"]), {"values": [RIGHT]}).status_code == 200
    assert save_json(client, save_url(pages["by-name"]), {"values": [WRONG]}).status_code == 200
    shown_again = pages_by_prompt(client, attempt_url)["engineers"]
    assert str(escape(RIGHT)) in shown_again  # the saved query is back in the editor
    assert post_form(client, f"{attempt_url}/finish").status_code == 302

    result = client.get(f"{attempt_url}/result").get_data(as_text=True)
    assert "<td>50%</td>" in result and "1 / 2" in result  # the area: one of the two right
    assert "Right: the same rows as the solution." in result and "Wrong: " in result

    manager = app.test_client()
    login(manager, "manager@test.example")
    attempt_id = attempt_url.rsplit("/", 1)[1]
    report = manager.get(f"/manage/attempts/{attempt_id}/report").get_data(as_text=True)
    assert str(escape(RIGHT)) in report and str(escape(WRONG)) in report
    assert "Right: the same rows as the solution." in report
    wrong_part = report.split(str(escape(WRONG)))[1]
    assert "Wrong: " in wrong_part and "order" in wrong_part.split("</dd>")[2]
    assert "1 of 1" in report and "0 of 1" in report
    assert "Solution&#39;s result: 4 rows" in report and "Candidate&#39;s result: 4 rows" in report


def test_runs_are_rate_limited_per_attempt(app: Flask, database_url: str) -> None:
    with in_app(app):
        banks.load_banks([DATA / "sql" / "queries.yaml"], T0)
        scene = make_scene(T0, sections=[SectionInput("queries", 2)])
    limited = make_app(database_url, RATELIMIT_ENABLED=True, CLOCK=lambda: T0)
    runs = {}
    for email, invitation in (("cand@test.example", scene.invitation_id),
                              ("other@test.example", scene.other_invitation_id)):
        client = limited.test_client()
        login(client, email)
        attempt_url = post_form(client, f"/invitations/{invitation}/start").headers["Location"].rsplit("/q/", 1)[0]
        page = client.get(f"{attempt_url}/q/1").get_data(as_text=True)
        run_url = html.unescape(re.search(r'data-run-url="([^"]+)"', page).group(1))
        token = {"X-CSRFToken": csrf_token(client)}
        runs[email] = [client.post(run_url, json={"query": "SELECT 1"}, headers=token).status_code
                       for _ in range(21 if email.startswith("cand") else 1)]
    assert runs["cand@test.example"] == [200] * 20 + [429]
    assert runs["other@test.example"] == [200]  # another attempt has a count of its own
