"""The candidate's journey in Chromium, with the keyboard alone: invitation link, start, a question
of every type, a reload, a lost connection, the time running out, the result."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from quiz.models import Attempt, AttemptItem, db
from quiz.services import invitations
from quiz.services.assessments import SectionInput
from tests.conftest import in_app
from tests.e2e.conftest import LiveApp, Pages, focus_is_visible, tab_to
from tests.factories import load_test_banks, make_assessment, make_user

SAVED = re.compile(r"Saved at ")


def invite(live: LiveApp) -> str:
    """A one-minute assessment of bank alpha's five questions (one of each type), in bank order."""
    with in_app(live.app):
        now = live.now()
        load_test_banks(now)
        manager = make_user("manager@test.example", "manager", now)
        assessment = make_assessment(manager, now, sections=[SectionInput("alpha", 5)],
                                     time_limit=timedelta(minutes=1), grace=timedelta(seconds=30))
        return invitations.invite_candidate(
            manager, assessment, invitations.CandidateInput("Casey Candidate", "casey@test.example"), now).token


def stored_answers(live: LiveApp) -> dict[int, object]:
    with in_app(live.app):
        return {item.position: item.answer for item in db.session.scalars(select(AttemptItem))}


def save_status(page: Page) -> str:
    return page.locator("#save-status").inner_text()


# The keys that answer each of bank alpha's questions right, from its first answer control (options in
# bank order): the keys to press, then the text to type.
KEYS = {
    "single_choice": (["Space", "ArrowDown"], ""),  # A, then the arrow moves the choice to B
    "multiple_response": (["Space", "Tab", "Space"], ""),  # A and B
    "true_false": (["Space"], ""),  # True
    "numeric": ([], "1000"),
    "short_text": ([], "404"),
}
CHECKED = {"single_choice": ["B"], "multiple_response": ["A", "B"], "true_false": ["True"]}


def test_candidate_journey(live: LiveApp, context: BrowserContext, page: Page, pages: Pages) -> None:
    token = invite(live)
    page.goto(f"/i/{token}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    pages.visit(page, "invitations")

    tab_to(page, "form[action*='/start'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
    attempt_url = page.url.rsplit("/q/", 1)[0]
    kinds: dict[str, int] = {}
    for position in range(1, 6):
        page.wait_for_url(re.compile(rf"/q/{position}$"))
        kind = page.locator("#answer-form").get_attribute("data-question-type") or ""
        kinds[kind] = position
        pages.visit(page, f"question {kind}")
        keys, typed = KEYS[kind]
        tab_to(page, "[name=answer]")
        for key in keys:
            page.keyboard.press(key)
        page.keyboard.type(typed)
        expect(page.locator("#save-status")).to_have_text(SAVED)
        if position == 3:  # half-way: a reload finds every answer given so far
            page.reload()
            for earlier in range(1, 4):
                page.goto(f"{attempt_url}/q/{earlier}")
                shown = page.locator(".option input[name=answer]:checked + label").all_inner_texts()
                kind_then = page.locator("#answer-form").get_attribute("data-question-type") or ""
                assert shown == CHECKED.get(kind_then, []), (earlier, kind_then, shown)
            page.goto(f"{attempt_url}/q/3")
        tab_to(page, "button[value=next], button[value=save]")
        assert focus_is_visible(page), f"question {position}: the focused button shows no focus indicator"
        with page.expect_navigation():  # the last one reloads the same URL: wait, or the goto below races it
            page.keyboard.press("Enter")
    assert set(kinds) == set(KEYS)
    answers = stored_answers(live)
    assert all(answers[p] is not None for p in range(1, 6)), answers

    page.goto(f"{attempt_url}/q/{kinds['short_text']}")
    tab_to(page, "[name=answer]")
    # the connection drops: the change waits, the page says so, and it is saved once back online
    context.set_offline(True)
    page.keyboard.press("Control+A")
    page.keyboard.type("HTTP 404")
    expect(page.locator("#save-status")).to_contain_text("Connection lost")
    assert stored_answers(live)[kinds["short_text"]] == {"text": "404"}
    pages.visit(page, "offline warning")
    context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text(SAVED)
    assert stored_answers(live)[kinds["short_text"]] == {"text": "HTTP 404"}

    # the time runs out: the countdown is announced politely at its marks, then the attempt is submitted
    with in_app(live.app):
        deadline = db.session.scalar(select(Attempt.deadline_at))
    live.advance(deadline - live.now() - timedelta(seconds=12))
    page.reload()
    assert page.locator("#timer-announcer").get_attribute("aria-live") == "polite"
    assert page.locator(".timer-value").get_attribute("aria-live") == "off"
    heard, ticks = [], set()
    started = time.monotonic()
    while "/result" not in page.url and time.monotonic() - started < 20:
        try:
            text = page.locator("#timer-announcer").inner_text(timeout=500)
            ticks.add(page.locator(".timer-value").inner_text(timeout=500))
        except Exception:  # the page is being replaced by the result
            break
        if text and (not heard or heard[-1] != text):
            heard.append(text)
        time.sleep(0.2)
    page.wait_for_url(re.compile(r"/result$"), timeout=15_000)
    assert heard[:1] == ["10 seconds left."], heard
    assert set(heard) <= {"10 seconds left.", "Time is up. Submitting your answers."}, heard
    assert len(ticks) >= 8  # the visible clock ticks every second; the announcer spoke only at its marks
    expect(page.get_by_role("status").first).to_contain_text("automatically when the time ran out")
    expect(page.locator(".overall")).to_contain_text("100%")
    pages.visit(page, "result")
    with in_app(live.app):
        attempt = db.session.scalar(select(Attempt))
        assert attempt.status == "finished" and attempt.finish_reason == "autosubmitted"
