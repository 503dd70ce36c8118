"""Item statistics pages: figures shown, undefined ones as a dash, CSV, access."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.models import AttemptItem, db
from quiz.services import attempts
from tests.conftest import T0, in_app
from tests.factories import make_scene, make_user
from tests.web.helpers import login

# Both candidates get "single" right and everything else wrong except: cand also gets "truth" right.
# single: facility 1 (every candidate right): sd 0, discrimination undefined -> dash, needs checking.


def arrange(app: Flask) -> int:
    with in_app(app):
        scene = make_scene(T0)
        make_user("teacher@test.example", "instructor", T0)
        for candidate, invitation, keys in ((scene.candidate_id, scene.invitation_id, ("single", "truth")),
                                            (scene.other_candidate_id, scene.other_invitation_id, ("single",))):
            attempt_id = attempts.start_attempt(candidate, invitation, T0, seed=1)
            items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).all()
            by_key = {i.question_version.question.key: i for i in items}
            right = {"single": ["b"], "truth": ["true"]}
            for key in keys:
                attempts.save_answer(candidate, attempt_id, by_key[key].id, right[key], None, T0)
            attempts.finish_attempt(candidate, attempt_id, T0 + timedelta(minutes=5))
        return scene.assessment_id


def test_the_assessment_statistics_page_and_csv(app: Flask, client: FlaskClient) -> None:
    assessment_id = arrange(app)
    login(client, "teacher@test.example")
    index = client.get("/author/statistics").get_data(as_text=True)
    assert "Test assessment" in index
    page = client.get(f"/author/statistics/assessments/{assessment_id}").get_data(as_text=True)
    # totals 2 and 1: mean 1.50, median 1.50, sample sd sqrt(0.5) = 0.71
    assert "<th scope=\"row\">Finished attempts</th><td>2</td>" in page
    assert "<td>1.50</td>" in page and "<td>0.71</td>" in page
    assert "facility 1.00 above 0.95" in page and 'aria-label="not defined">\u2013' in page
    rows = list(csv.reader(io.StringIO(client.get(
        f"/author/statistics/assessments/{assessment_id}.csv").get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    single = next(r for r in body if r[header.index("item")].startswith("alpha:single:"))
    assert single[header.index("facility")] == "1.0000" and single[header.index("discrimination")] == ""
    truth = next(r for r in body if r[header.index("item")].startswith("alpha:truth:"))
    # truth: 1 and 0, rest 1 and 1 (no spread) -> discrimination undefined; facility 0.5, sd sqrt(0.5)
    assert (truth[header.index("facility")], truth[header.index("sd")]) == ("0.5000", "0.7071")
    question = client.get("/author/banks/alpha/questions/single/statistics").get_data(as_text=True)
    assert "single (v1, Alpha skills)" in question


def test_statistics_are_for_instructors(app: Flask, client: FlaskClient) -> None:
    assessment_id = arrange(app)
    login(client, "manager@test.example")
    assert client.get(f"/author/statistics/assessments/{assessment_id}").status_code == 403
    assert app.test_client().get("/author/statistics").status_code == 401
