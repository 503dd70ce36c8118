"""A SQL question with the keyboard alone: the editor indents with Tab, Escape then Tab leaves it, the
run button shows the first rows, and the query is saved like any answer."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from quiz.models import AttemptItem, db
from quiz.services import banks, invitations
from quiz.services.assessments import SectionInput
from tests.conftest import DATA, in_app
from tests.e2e.conftest import LiveApp, Pages, focus_is_visible, tab_to
from tests.factories import load_test_banks, make_assessment, make_user


def invite(live: LiveApp) -> str:
    with in_app(live.app):
        now = live.now()
        load_test_banks(now)
        banks.load_banks([DATA / "sql" / "queries.yaml"], now)
        manager = make_user("manager@test.example", "manager", now)
        assessment = make_assessment(manager, now, sections=[SectionInput("queries", 2)],
                                     time_limit=timedelta(minutes=20))
        return invitations.invite_candidate(
            manager, assessment, invitations.CandidateInput("Sam Sql", "sam@test.example"), now).token


def test_a_sql_question_with_the_keyboard(live: LiveApp, page: Page, pages: Pages) -> None:
    page.goto(f"/i/{invite(live)}")
    tab_to(page, "form[action*='/start'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/q/1$"))

    tab_to(page, "#answer-input")
    page.keyboard.type("SELECT name")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # indents: the focus stays in the editor
    page.keyboard.type("FROM emp WHERE dept = 'eng'")
    editor = page.locator("#answer-input")
    expect(editor).to_have_value("SELECT name\n    FROM emp WHERE dept = 'eng'")
    assert page.evaluate("document.activeElement.id") == "answer-input"
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at "))

    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # after Escape, Tab leaves the editor for the run button
    assert page.evaluate("document.activeElement.className") == "run-sql"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    result = page.locator("#sql-result table")
    expect(result.locator("caption")).to_have_text("2 rows.")
    expect(result.locator("tbody tr")).to_have_count(2)
    expect(result.locator("thead th")).to_have_text(["name"])
    pages.visit(page, "sql question after a run")

    editor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("DELETE FROM emp")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#sql-result .sql-error")).to_contain_text("Only reading is allowed")
    pages.visit(page, "sql question with a refused query")
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved at "))
    with in_app(live.app):
        answers = [a for a in db.session.scalars(select(AttemptItem.answer)) if a]
    assert answers == [{"query": "DELETE FROM emp"}]  # saved as typed; grading gives it no credit
