"""Instructors write questions in the browser: every type, preview, versions, retire, history, download."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quiz.engine.bankfile import parse_bank
from quiz.models import Question, QuestionVersion, db
from tests.conftest import T0, in_app
from tests.factories import make_user
from tests.web.helpers import login, post_form

BASE = {"difficulty": "2", "explanation": "Because.", "tags": "http, status", "reference": "RFC 9110"}
QUESTIONS: dict[str, dict[str, Any]] = {
    "single_choice": {"key": "pick-one", "prompt": "Pick **B**.", "options-0-text": "A", "options-1-text": "B",
                      "options-1-correct": "y", "options-2-text": "C", "options-2-credit": "50",
                      "options-0-feedback": "Not A."},
    "multiple_response": {"key": "pick-two", "prompt": "Pick A and C.", "options-0-text": "A",
                          "options-0-correct": "y", "options-1-text": "B", "options-2-text": "C",
                          "options-2-correct": "y"},
    "true_false": {"key": "is-it", "prompt": "Is GET safe?", "answer": "true"},
    "numeric": {"key": "how-many", "prompt": "How many ms in a second?", "value": "1000", "tolerance": "0.5",
                "unit": "ms"},
    "short_text": {"key": "which-code", "prompt": "Which code is Not Found?", "accepted": "404\n404 Not Found",
                   "regex": "^404$"},
    "sql": {"key": "engineers", "prompt": "Table `emp(name, dept)`: the names of the engineers.",
            "setup": "CREATE TABLE emp (name TEXT, dept TEXT);\nINSERT INTO emp VALUES ('Ada', 'eng'), ('Bo', 'ops');",
            "solution": "SELECT name FROM emp WHERE dept = 'eng'"},
}


def arrange(app: Flask, client: FlaskClient) -> None:
    app.config["CLOCK"] = lambda: T0
    with in_app(app):
        make_user("teacher@test.example", "instructor", T0)
        make_user("boss@test.example", "manager", T0)
        make_user("cand@test.example", "candidate", T0)
    login(client, "teacher@test.example")
    created = post_form(client, "/author/banks", {"slug": "web-apis", "title": "Web APIs",
                                                  "description": "Made in the browser."})
    assert created.status_code == 302 and created.headers["Location"] == "/author/banks/web-apis"


def submit(client: FlaskClient, kind: str, action: str = "save", url: str = "/author/banks/web-apis/questions/new",
           **changes: str) -> Any:
    data = {**BASE, "type": kind, **QUESTIONS[kind], "action": action, **changes}
    return post_form(client, url, data)


def versions(app: Flask, key: str) -> list[QuestionVersion]:
    with in_app(app):
        rows = db.session.scalars(select(QuestionVersion).join(Question).where(Question.key == key)
                                  .order_by(QuestionVersion.number)).all()
        db.session.expunge_all()
        return list(rows)


def test_a_question_of_every_type_previewed_and_saved(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    preview = submit(client, "single_choice", action="preview")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "as the candidate will see it" in page
    assert 'type="radio" name="answer" id="opt-b" value="b"' in page and "Pick <strong>B</strong>." in page
    assert versions(app, "pick-one") == []  # a preview saves nothing
    for kind in QUESTIONS:
        saved = submit(client, kind)
        assert saved.status_code == 302, (kind, saved.get_data(as_text=True)[:2000])
    stored = {kind: versions(app, QUESTIONS[kind]["key"])[0] for kind in QUESTIONS}
    assert stored["single_choice"].payload["options"][2] == {"id": "c", "text": "C", "correct": False,
                                                            "feedback": None, "credit": 50}
    assert [o["correct"] for o in stored["multiple_response"].payload["options"]] == [True, False, True]
    assert stored["true_false"].payload == {"answer": True}
    assert (stored["numeric"].payload["min"], stored["numeric"].payload["max"]) == (999.5, 1000.5)
    assert stored["short_text"].payload == {"accepted": ["404", "404 Not Found"], "case_sensitive": False,
                                            "regex": "^404$"}
    assert stored["sql"].payload["expected"] == {"columns": ["name"], "rows": [["Ada"]]}
    assert stored["true_false"].tags == ["http", "status"] and stored["true_false"].reference == "RFC 9110"
    bank = client.get("/author/banks/web-apis").get_data(as_text=True)
    assert all(q["key"] in bank for q in QUESTIONS.values())
    shown = client.get("/author/banks/web-apis/questions/how-many/preview").get_data(as_text=True)
    assert 'inputmode="decimal"' in shown and "ms" in shown and "<p>Because.</p>" in shown


def test_edits_make_versions_retire_hides_and_history_shows_the_diff(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    submit(client, "single_choice")
    edit_url = "/author/banks/web-apis/questions/pick-one/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'value="pick-one"' in form and 'value="50"' in form  # the form is filled from the latest version
    assert submit(client, "single_choice", url=edit_url).status_code == 302  # the same content
    assert [v.number for v in versions(app, "pick-one")] == [1]
    changed = submit(client, "single_choice", url=edit_url, prompt="Pick **B**, please.")
    assert changed.status_code == 302
    assert [v.prompt for v in versions(app, "pick-one")] == ["Pick **B**.", "Pick **B**, please."]
    renamed = submit(client, "single_choice", url=edit_url, key="another-key")
    assert renamed.status_code == 400 and "cannot change" in renamed.get_data(as_text=True)
    history = client.get("/author/banks/web-apis/questions/pick-one/history").get_data(as_text=True)
    assert "Version 2" in history and "Version 1" in history
    assert '<span class="del">-Pick **B**.</span>' in history
    assert '<span class="add">+Pick **B**, please.</span>' in history
    assert post_form(client, "/author/banks/web-apis/questions/pick-one/retire").status_code == 302
    with in_app(app):
        assert db.session.scalar(select(Question.retired_at).where(Question.key == "pick-one")) == T0
    assert "retired" in client.get("/author/banks/web-apis").get_data(as_text=True)
    assert post_form(client, "/author/banks/web-apis/questions/pick-one/restore").status_code == 302
    with in_app(app):
        assert db.session.scalar(select(Question.retired_at).where(Question.key == "pick-one")) is None


def test_the_download_is_a_bank_file_with_the_same_questions(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    for kind in QUESTIONS:
        submit(client, kind)
    download = client.get("/author/banks/web-apis/download.yaml")
    assert download.headers["Content-Disposition"] == 'attachment; filename="web-apis.yaml"'
    bank, problems = parse_bank(download.get_data(as_text=True), "web-apis.yaml")
    assert problems == [] and bank is not None
    assert (bank.area.slug, bank.area.title) == ("web-apis", "Web APIs")
    stored = {k: versions(app, QUESTIONS[k]["key"])[-1] for k in QUESTIONS}
    assert {q.key: q.content_hash() for q in bank.questions} == {
        QUESTIONS[k]["key"]: v.content_hash for k, v in stored.items()}


@pytest.mark.parametrize(("kind", "changes", "message"), [
    ("single_choice", {"options-0-correct": "y"}, "2 options are marked correct; exactly one must be."),
    ("single_choice", {"options-1-correct": ""}, "No option is marked correct."),
    ("single_choice", {"options-2-text": "a"}, "Duplicate option &#39;a&#39;."),
    ("multiple_response", {"options-1-credit": "30"}, "multiple response shares the marks equally"),
    ("numeric", {"value": "lots"}, "&#39;value&#39; must be a number."),
    ("numeric", {"value": "", "tolerance": ""}, "A numeric question needs &#39;value&#39; or &#39;min&#39;"),
    ("short_text", {"accepted": "", "regex": ""}, "needs &#39;accepted&#39; answers or a &#39;regex&#39;"),
    ("short_text", {"regex": "("}, "does not compile"),
    ("sql", {"solution": "DELETE FROM emp"}, "does not run: Only reading is allowed: DELETE is not permitted."),
    ("sql", {"solution": "SELECT name FROM staff"}, "does not run: SQL error: no such table: staff"),
    ("sql", {"setup": "CREATE TABL emp (x)"}, "setup"),
    ("true_false", {"explanation": ""}, "&#39;explanation&#39; must be non-empty text."),
    ("true_false", {"key": "Not A Key"}, "must be lowercase words joined by"),
    ("true_false", {"difficulty": "7"}, "Not a valid choice"),
])
def test_rejected_input_keeps_the_form_and_stores_nothing(app: Flask, client: FlaskClient, kind: str,
                                                          changes: dict[str, str], message: str) -> None:
    arrange(app, client)
    response = submit(client, kind, **changes)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page, page[:3000]
    kept = changes.get("key", QUESTIONS[kind]["key"])
    assert re.search(rf'<input[^>]*name="key"[^>]*value="{kept}"', page)  # the instructor's input is kept
    with in_app(app):
        assert db.session.scalar(select(Question.id)) is None


def test_a_key_can_be_used_once_per_bank(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    assert submit(client, "true_false").status_code == 302
    again = submit(client, "true_false")
    assert again.status_code == 409 and "already" in again.get_data(as_text=True)


HOSTILE = {
    "prompt": "<script>alert(1)</script> and <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    "options-0-text": "<img src=x onerror=alert(4)>", "options-0-feedback": "<script>alert(5)</script>",
    "explanation": "<svg onload=alert(6)> [click](javascript:alert(7))",
}


def test_hostile_markup_never_reaches_a_page(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    pages = [submit(client, "single_choice", action="preview", **HOSTILE).get_data(as_text=True)]
    assert submit(client, "single_choice", **HOSTILE).status_code == 302
    pages.append(client.get("/author/banks/web-apis/questions/pick-one/preview").get_data(as_text=True))
    pages.append(client.get("/author/banks/web-apis").get_data(as_text=True))
    pages.append(client.get("/author/banks/web-apis/questions/pick-one/history").get_data(as_text=True))
    pages.append(client.get("/author/banks/web-apis/questions/pick-one/edit").get_data(as_text=True))
    for page in pages:
        # the text may be shown, escaped, but never as markup: no script, no image or svg element, no link
        assert "<script>alert" not in page and "<img" not in page and "<svg" not in page
        assert 'href="javascript:' not in page


@pytest.mark.parametrize(("who", "expected"), [(None, 401), ("boss@test.example", 403), ("cand@test.example", 403)])
def test_only_instructors_and_admins_author(app: Flask, client: FlaskClient, who: str | None, expected: int) -> None:
    arrange(app, client)
    submit(client, "true_false")
    other = app.test_client()
    if who:
        login(other, who)
    for url in ("/author/", "/author/banks/web-apis", "/author/banks/web-apis/questions/new",
                "/author/banks/web-apis/questions/is-it/edit", "/author/banks/web-apis/questions/is-it/history",
                "/author/banks/web-apis/questions/is-it/preview", "/author/banks/web-apis/download.yaml"):
        assert other.get(url).status_code == expected, url
    if who:
        assert post_form(other, "/author/banks/web-apis/questions/is-it/retire").status_code == expected
        assert post_form(other, "/author/banks", {"slug": "x", "title": "X"}).status_code == expected


def test_a_gift_upload_imports_every_question_or_nothing(app: Flask, client: FlaskClient) -> None:
    import io as _io
    from pathlib import Path

    arrange(app, client)
    data_dir = Path(__file__).resolve().parent.parent / "data" / "gift"
    bad = post_form(client, "/author/import", {"area": "web-apis", "file": (
        _io.BytesIO((data_dir / "problems.gift").read_bytes()), "problems.gift")},
        content_type="multipart/form-data")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Nothing was imported" in page
    assert "<td>3</td><td>unsupported: matching</td>" in page
    with in_app(app):
        assert db.session.scalar(select(Question.id)) is None
    good = post_form(client, "/author/import", {"area": "web-apis", "file": (
        _io.BytesIO((data_dir / "everything.gift").read_bytes()), "everything.gift")},
        content_type="multipart/form-data")
    assert good.status_code == 200, good.get_data(as_text=True)[:3000]
    assert "added" in good.get_data(as_text=True)
    with in_app(app):
        assert db.session.scalar(select(func.count()).select_from(Question)) >= 10
    again = post_form(client, "/author/import", {"area": "web-apis", "file": (
        _io.BytesIO((data_dir / "everything.gift").read_bytes()), "everything.gift")},
        content_type="multipart/form-data")
    assert "added 0, new version 0" in again.get_data(as_text=True)
    missing = post_form(client, "/author/import", {"area": "web-apis"}, content_type="multipart/form-data")
    assert missing.status_code == 400


def test_a_bank_is_edited_but_keeps_its_slug(app: Flask, client: FlaskClient) -> None:
    arrange(app, client)
    saved = post_form(client, "/author/banks/web-apis/edit", {"slug": "ignored", "title": "Web APIs and HTTP",
                                                              "description": "Now with HTTP."})
    assert saved.status_code == 302
    page = client.get("/author/banks/web-apis").get_data(as_text=True)
    assert "Web APIs and HTTP" in page and "Now with HTTP." in page
    assert "<title>Web APIs and HTTP · Backend skills assessment</title>" in page  # the title is only the title
    assert page.count("<details>") == 1
    assert post_form(client, "/author/banks/web-apis/edit", {"slug": "web-apis", "title": ""}).status_code == 400
    assert post_form(client, "/author/banks/nothing/edit", {"slug": "x", "title": "X"}).status_code == 404
