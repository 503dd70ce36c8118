"""The hiring manager's journey through the pages, and who may reach each manager route."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import T0, in_app
from tests.factories import load_test_banks, make_user
from tests.web.helpers import login, post_form, save_json, save_url


def arrange(app: Flask) -> None:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        load_test_banks(T0)
        for email, role in [("manager@test.example", "manager"), ("rival@test.example", "manager"),
                            ("teacher@test.example", "instructor"), ("root@test.example", "admin"),
                            ("cand@test.example", "candidate")]:
            make_user(email, role, T0)


def compose(client: FlaskClient, **fields: str) -> object:
    data = {
        "title": "Backend hire", "description": "For the platform team.", "time_limit": "30", "grace": "60",
        "overdue_policy": "autosubmit", "feedback_policy": "area_scores", "pass_mark": "50",
        "sections-0-area": "alpha", "sections-0-count": "5", "sections-0-pass_mark": "60",
        "sections-1-area": "beta", "sections-1-count": "3",
    }
    data.update(fields)
    return post_form(client, "/manage/assessments/new", data)


def test_the_manager_journey(app: Flask, client: FlaskClient) -> None:
    arrange(app)
    login(client, "manager@test.example")
    form = client.get("/manage/assessments/new").get_data(as_text=True)
    assert "Alpha skills" in form and "(2 / 2 / 1)" in form  # the pool per difficulty

    too_many = compose(client, **{"sections-0-count": "9"})
    assert too_many.status_code == 400
    assert "alpha: 9 questions asked for, the pool has 5." in too_many.get_data(as_text=True)

    saved = compose(client)
    assert saved.status_code == 302
    assessment_url = saved.headers["Location"]
    assessment_id = int(assessment_url.rsplit("/", 1)[1])
    page = client.get(assessment_url).get_data(as_text=True)
    assert "Backend hire" in page and "Nobody is invited yet." in page

    invited = post_form(client, f"/manage/assessments/{assessment_id}/invitations",
                        {"name": "Cara Candidate", "email": "cara@x.example", "days": "14"})
    assert invited.status_code == 302
    link_page = client.get(invited.headers["Location"]).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/i/[A-Za-z0-9_-]{43})"', link_page).group(1)

    bulk = post_form(client, f"/manage/assessments/{assessment_id}/invitations/bulk", {
        "rows": "name,email\nBo, bo@x.example\nnot a row\nBo Again, BO@x.example\nBoss, manager@test.example\n"
                "Cara, cara@x.example", "days": "7"})
    text = bulk.get_data(as_text=True)
    assert "1 invited, 4 rejected." in text
    for line, reason in [(3, "expected two columns: name, email"), (4, "bo@x.example appears twice (first on line 2)"),
                         (5, "manager@test.example belongs to a staff account"),
                         (6, "cara@x.example is already invited to this assessment")]:
        assert re.search(rf"<td>{line}</td><td>[^<]*</td><td>{re.escape(reason)}</td>", text), line

    # the candidate opens the link: signed in without a password, takes the assessment
    candidate = app.test_client()
    opened = candidate.get(link.replace("http://localhost", ""))
    assert opened.status_code == 302 and opened.headers["Location"] == "/candidate"
    start_url = re.search(r'action="(/invitations/\d+/start)"', candidate.get("/candidate").get_data(as_text=True))
    start = post_form(candidate, start_url.group(1))
    question = candidate.get(start.headers["Location"]).get_data(as_text=True)
    assert save_json(candidate, save_url(question), {"values": ["b"]}).status_code == 200  # question 1 right
    attempt_id = int(start.headers["Location"].split("/")[2])
    app.config["CLOCK"] = lambda: T0 + timedelta(minutes=5)
    assert post_form(candidate, f"/attempts/{attempt_id}/finish").status_code == 302
    again = candidate.get(link.replace("http://localhost", ""))  # the link cannot start a second attempt
    assert again.headers["Location"] == f"/attempts/{attempt_id}"

    cohort = client.get(f"/manage/assessments/{assessment_id}/cohort").get_data(as_text=True)
    assert "Cara Candidate" in cohort and "12%" in cohort  # 1 of 8 = 12.5%, shown rounded half to even
    report = client.get(f"/manage/attempts/{attempt_id}/report").get_data(as_text=True)
    assert "<svg" in report and "Scores of Cara Candidate" in report and "fail" in report
    assert "Pick <strong>B</strong>." in report and "<dt>Right answer</dt><dd>B</dd>" in report
    exported = client.get(f"/manage/assessments/{assessment_id}/export.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    cara = next(r for r in rows if r["email"] == "cara@x.example")
    assert (cara["status"], cara["overall_percent"], cara["Alpha skills percent"]) == ("finished", "12.5", "20.0")

    # with attempts it can be copied or closed, not rewritten
    refused = post_form(client, f"/manage/assessments/{assessment_id}/edit", {
        "title": "Changed", "time_limit": "30", "grace": "60", "overdue_policy": "autosubmit",
        "feedback_policy": "area_scores", "sections-0-area": "alpha", "sections-0-count": "2"})
    assert refused.status_code == 409 and "close it or copy it" in refused.get_data(as_text=True)
    copied = post_form(client, f"/manage/assessments/{assessment_id}/copy")
    assert copied.status_code == 302 and copied.headers["Location"].endswith("/edit")
    assert post_form(client, f"/manage/assessments/{assessment_id}/close").status_code == 302
    closed = post_form(client, f"/manage/assessments/{assessment_id}/invitations",
                       {"name": "Late", "email": "late@x.example", "days": "3"})
    assert closed.status_code == 409 and "closed" in closed.get_data(as_text=True)


def test_revoked_and_expired_links(app: Flask, client: FlaskClient) -> None:
    arrange(app)
    login(client, "manager@test.example")
    assessment_id = int(compose(client).headers["Location"].rsplit("/", 1)[1])
    location = post_form(client, f"/manage/assessments/{assessment_id}/invitations",
                         {"name": "Dan", "email": "dan@x.example", "days": "1"}).headers["Location"]
    invitation_id = int(location.split("/")[3])
    link = re.search(r'value="http://localhost(/i/[^"]+)"', client.get(location).get_data(as_text=True)).group(1)
    stranger = app.test_client()
    app.config["CLOCK"] = lambda: T0 + timedelta(days=2)
    expired = stranger.get(link)
    assert expired.status_code == 409 and "expired" in expired.get_data(as_text=True)
    login(client, "manager@test.example")  # two days idle ended the manager's session
    assert post_form(client, f"/manage/invitations/{invitation_id}/extend", {"days": "7"}).status_code == 302
    assert stranger.get(link).status_code == 302
    assert post_form(client, f"/manage/invitations/{invitation_id}/revoke").status_code == 302
    assert app.test_client().get(link).status_code == 404
    assert app.test_client().get("/i/" + "x" * 43).status_code == 404


ROUTES = [
    ("GET", "/manage/assessments/{a}"), ("GET", "/manage/assessments/{a}/edit"),
    ("GET", "/manage/assessments/{a}/cohort"), ("GET", "/manage/assessments/{a}/export.csv"),
    ("GET", "/manage/assessments/{a}/compare?attempt={t}&attempt={t}"), ("GET", "/manage/attempts/{t}/report"),
    ("GET", "/manage/invitations/{i}/link"), ("POST", "/manage/invitations/{i}/extend"),
    ("POST", "/manage/invitations/{i}/revoke"), ("POST", "/manage/assessments/{a}/copy"),
    ("POST", "/manage/assessments/{a}/close"), ("POST", "/manage/assessments/{a}/share"),
    ("POST", "/manage/assessments/{a}/invitations"), ("POST", "/manage/assessments/{a}/invitations/bulk"),
]


@pytest.mark.parametrize(("who", "expected"), [
    (None, 401), ("cand@test.example", 403), ("teacher@test.example", 403), ("rival@test.example", 404),
])
def test_nobody_else_reaches_a_managers_routes(app: Flask, client: FlaskClient, who: str | None,
                                               expected: int) -> None:
    arrange(app)
    login(client, "manager@test.example")
    a = int(compose(client).headers["Location"].rsplit("/", 1)[1])
    i = int(post_form(client, f"/manage/assessments/{a}/invitations",
                      {"name": "Fay", "email": "fay@x.example", "days": "3"}).headers["Location"].split("/")[3])
    from quiz.models import Invitation, db
    from quiz.services import attempts
    with in_app(app):
        invitation = db.session.get(Invitation, i)
        t = attempts.start_attempt(invitation.candidate_id, i, T0, seed=3)
        attempts.finish_attempt(invitation.candidate_id, t, T0 + timedelta(minutes=1))
    other = app.test_client()
    if who:
        login(other, who)
    data = {"name": "X", "email": "x@x.example", "days": "3", "rows": "X, x@x.example", "email_share": ""}
    for method, pattern in ROUTES:
        url = pattern.format(a=a, i=i, t=t)
        if method == "GET":
            response = other.get(url)
        else:
            response = post_form(other, url, data) if who else other.post(url, data=data)
        status = response.status_code
        if who is None and method == "POST":
            assert status in (400, 401), (url, status)  # no session: no CSRF token, and no login
        else:
            assert status == expected, (method, url, status)
    # and the owner's data is as it was
    with in_app(app):
        from quiz.models import Assessment
        assert db.session.get(Assessment, a).closed_at is None
        assert db.session.get(Invitation, i).revoked_at is None


def test_an_admin_may_read_but_the_owner_alone_changes(app: Flask, client: FlaskClient) -> None:
    arrange(app)
    login(client, "manager@test.example")
    a = int(compose(client).headers["Location"].rsplit("/", 1)[1])
    admin = app.test_client()
    login(admin, "root@test.example")
    assert admin.get(f"/manage/assessments/{a}").status_code == 200
    assert admin.get(f"/manage/assessments/{a}/cohort").status_code == 200
    assert post_form(admin, f"/manage/assessments/{a}/close").status_code == 404
    assert post_form(admin, f"/manage/assessments/{a}/share", {"email": "rival@test.example"}).status_code == 404
