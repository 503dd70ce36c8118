"""Every change made by staff is in the audit log, which only admins read."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quiz.models import AuditEvent, User, db
from tests.conftest import T0, in_app
from tests.factories import PASSWORD, load_test_banks, make_user
from tests.web.helpers import login, post_form


def test_staff_changes_are_audited_and_shown_to_admins(app: Flask, client: FlaskClient) -> None:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        load_test_banks(T0)
        for email, role in (("boss@test.example", "manager"), ("teacher@test.example", "instructor"),
                            ("root@test.example", "admin")):
            make_user(email, role, T0)
    login(client, "boss@test.example")
    created = post_form(client, "/manage/assessments/new", {
        "title": "Audited", "time_limit": "30", "grace": "60", "overdue_policy": "autosubmit",
        "feedback_policy": "area_scores", "sections-0-area": "alpha", "sections-0-count": "2"})
    a = created.headers["Location"].rsplit("/", 1)[1]
    invited = post_form(client, f"/manage/assessments/{a}/invitations", {"name": "Ann", "email": "ann@x.example",
                                                                          "days": "3"})
    i = invited.headers["Location"].split("/")[3]
    post_form(client, f"/manage/invitations/{i}/extend", {"days": "5"})
    post_form(client, f"/manage/invitations/{i}/revoke")
    post_form(client, f"/manage/assessments/{a}/close")
    post_form(client, "/account/password", {"current": PASSWORD, "new": "another-long-secret"})
    teacher = app.test_client()
    login(teacher, "teacher@test.example")
    post_form(teacher, "/author/banks/alpha/questions/single/retire")
    post_form(teacher, "/author/banks", {"slug": "gamma", "title": "Gamma"})
    with in_app(app):
        rows = db.session.execute(
            select(User.email, AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.at)
            .outerjoin(User, User.id == AuditEvent.actor_id).order_by(AuditEvent.id)).all()
    actions = [(email, action, kind, obj) for email, action, kind, obj, _ in rows if email]
    assert actions == [
        ("boss@test.example", "assessment.create", "assessment", a),
        ("boss@test.example", "invitation.create", "invitation", i),
        ("boss@test.example", "invitation.extend", "invitation", i),
        ("boss@test.example", "invitation.revoke", "invitation", i),
        ("boss@test.example", "assessment.close", "assessment", a),
        ("boss@test.example", "user.password", "user", "boss@test.example"),
        ("teacher@test.example", "question.retire", "question", "alpha:single"),
        ("teacher@test.example", "bank.create", "bank", "gamma"),
    ]
    assert all(at == T0 for *_, at in rows)
    admin = app.test_client()
    login(admin, "root@test.example")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "assessment.create" in page and "question.retire" in page and "teacher@test.example" in page
    assert teacher.get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code == 401
