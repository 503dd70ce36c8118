"""The instructor's journey in Chromium: log in, make a bank, write a question of every type and preview each
as a candidate will see it, import a GIFT file, then read the item statistics of finished attempts.

The statistics rest on four finished attempts at bank alpha's five questions, arranged with the services.
The candidates got these questions right (one mark each) and nothing else:

    c1: single, multi, truth     c2: single, multi     c3: single     c4: none

so the facility (the share of attempts that got a question right) is 3/4 = 75.0% for single, 2/4 = 50.0% for
multi, 1/4 = 25.0% for truth and 0.0% for number and text; the totals 3, 2, 1, 0 have a mean of 1.50 and a
standard deviation of sqrt((1.5^2 + 0.5^2 + 0.5^2 + 1.5^2) / 3) = sqrt(5/3) = 1.29.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from quiz.models import AttemptItem, db
from quiz.services import assessments, attempts
from quiz.services.assessments import SectionInput
from tests.conftest import in_app
from tests.e2e.conftest import LiveApp, Pages, tab_to
from tests.factories import PASSWORD, load_test_banks, make_assessment, make_user

INSTRUCTOR = "teacher@test.example"
STATISTICS_TITLE = "Alpha screening"
RIGHT = {"single": ["b"], "multi": ["a", "b"], "truth": ["true"]}
GOT_RIGHT = [("single", "multi", "truth"), ("single", "multi"), ("single",), ()]

GIFT = """// Three questions for the bank chosen in the form; the second restates one written in the browser.
::Status created::Which status code means **Created**?{=201 ~200 ~202#Accepted is for later work.####201 Created.}

::Put idempotent::PUT is idempotent.{T####Sending it twice has the effect of sending it once.}

::HTTPS port::Which TCP port does HTTPS use by default?{#443####Port 443.}
"""

# What the form gets for each type: its text fields by label, then the "is right" boxes to tick.
FIELDS: dict[str, dict[str, str]] = {
    "single_choice": {"Key": "created-code", "Prompt": "Which status code means **Created**?", "Option 1": "200",
                      "Option 2": "201", "Option 3": "202", "Option 3 feedback": "Accepted."},
    "multiple_response": {"Key": "safe-methods", "Prompt": "Which methods are safe?", "Option 1": "GET",
                          "Option 2": "HEAD", "Option 3": "POST"},
    "true_false": {"Key": "put-idempotent", "Prompt": "PUT is idempotent."},
    "numeric": {"Key": "timeout-ms", "Prompt": "How many milliseconds is a two-second timeout?", "Value": "2000",
                "Tolerance (±)": "0", "Unit": "ms"},
    "short_text": {"Key": "not-found", "Prompt": "Which status code means Not Found?",
                   "Accepted answers, one per line": "404\n404 Not Found"},
}
TICKS = {"single_choice": ["Option 2 is right"], "multiple_response": ["Option 1 is right", "Option 2 is right"]}


def arrange(live: LiveApp) -> None:
    """The instructor, the banks, and four finished attempts at an assessment of bank alpha."""
    with in_app(live.app):
        now = live.now()
        load_test_banks(now)
        make_user(INSTRUCTOR, "instructor", now)
        manager = make_user("manager@test.example", "manager", now)
        assessment = make_assessment(manager, now, title=STATISTICS_TITLE, sections=[SectionInput("alpha", 5)])
        for n, keys in enumerate(GOT_RIGHT, start=1):
            candidate = make_user(f"c{n}@test.example", "candidate", now, password=None)
            attempt_id = attempts.start_attempt(candidate, assessments.invite(assessment, candidate, now), now, seed=n)
            items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).all()
            by_key = {item.question_version.question.key: item.id for item in items}
            for key in keys:
                attempts.save_answer(candidate, attempt_id, by_key[key], RIGHT[key], None, now)
            attempts.finish_attempt(candidate, attempt_id, now)


def log_in(page: Page, pages: Pages) -> None:
    """Through the login form, with the keyboard alone."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    pages.visit(page, "login")
    tab_to(page, "#email")
    page.keyboard.type(INSTRUCTOR)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # submits the form from its last field


def write_question(page: Page, pages: Pages, kind: str, preview_first: bool = False) -> str:
    """The new-question form, filled in and saved with the keyboard; returns the key."""
    fields = dict(FIELDS[kind])
    key = fields.pop("Key")
    page.get_by_role("link", name="New question").click()
    expect(page.get_by_role("heading", name="New question", level=1)).to_be_visible()
    pages.visit(page, f"new {kind}")
    tab_to(page, "#key")
    page.keyboard.type(key)
    page.get_by_label("Type", exact=True).select_option(kind)
    page.get_by_label("Difficulty").select_option("1")
    page.get_by_label(re.compile("^Prompt")).fill(fields.pop("Prompt"))
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    for label in TICKS.get(kind, []):
        page.get_by_label(label, exact=True).check()
    if kind == "true_false":
        page.get_by_label("The statement is").select_option("true")
    page.get_by_label(re.compile("^Explanation")).fill(f"Why: {kind.replace('_', ' ')}.")
    page.get_by_label(re.compile("^Tags")).fill("http, e2e")
    page.get_by_label(re.compile("^Reference")).fill("RFC 9110")
    if preview_first:  # the form's own preview: nothing is saved yet
        tab_to(page, "button[value=preview]")
        page.keyboard.press("Enter")
        preview = page.get_by_role("region", name="Preview: as the candidate will see it")
        expect(preview).to_be_visible()
        expect(preview.locator(".prompt strong")).to_have_text("Created")
        expect(preview.get_by_role("radio")).to_have_count(3)
        expect(page.get_by_label(re.compile("^Prompt"))).to_have_value("Which status code means **Created**?")
        pages.visit(page, f"new {kind}, previewed")
        page.get_by_label(re.compile("^Reference")).focus()
    tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text(f"Question '{key}' added.")
    pages.visit(page, f"bank after {kind}")
    return key


def check_preview(page: Page, pages: Pages, kind: str, key: str) -> None:
    """The preview page: the question as a candidate sees it."""
    page.get_by_role("row").filter(has=page.get_by_role("cell", name=key, exact=True)).get_by_role(
        "link", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Preview: {key}")
    question = page.locator("fieldset.question")
    expect(question.locator("legend")).to_contain_text("HTTP basics")
    expect(question.locator(".prompt")).to_have_text(FIELDS[kind]["Prompt"].replace("**", ""))
    if kind == "single_choice":
        expect(question.get_by_role("radiogroup")).to_be_visible()
        expect(question.get_by_role("radio")).to_have_count(3)
        expect(question.get_by_role("radio", name="201")).not_to_be_checked()
    elif kind == "multiple_response":
        expect(question.get_by_role("group")).to_be_visible()
        expect(question.get_by_role("checkbox")).to_have_count(3)
        expect(question.get_by_text("Select all that apply.")).to_be_visible()
    elif kind == "true_false":
        expect(question.get_by_role("radio")).to_have_count(2)
        expect(question.get_by_role("radio", name="True")).to_be_visible()
        expect(question.get_by_role("radio", name="False")).to_be_visible()
    elif kind == "numeric":
        expect(question.get_by_role("textbox", name="Your answer (a number, in ms)")).to_be_editable()
    else:
        expect(question.get_by_role("textbox", name="Your answer")).to_be_editable()
    expect(page.locator(".explanation")).to_have_text(f"Why: {kind.replace('_', ' ')}.")
    pages.visit(page, f"preview {kind}")
    page.get_by_role("link", name="Back to the bank").click()


def test_instructor_journey(live: LiveApp, page: Page, pages: Pages, tmp_path: Path) -> None:
    arrange(live)

    log_in(page, pages)
    page.wait_for_url(re.compile(r"/author/$"))
    expect(page.get_by_role("heading", name="Question banks", level=1)).to_be_visible()
    pages.visit(page, "question banks")

    # a bank of its own, then a question of every type
    page.get_by_label("Slug").fill("http")
    page.get_by_label("Title").fill("HTTP basics")
    page.get_by_label("Description").fill("Made in the browser.")
    page.get_by_role("button", name="Create the bank").click()
    page.wait_for_url(re.compile(r"/author/banks/http$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("HTTP basics")
    pages.visit(page, "new bank")
    keys = {kind: write_question(page, pages, kind, preview_first=kind == "single_choice") for kind in FIELDS}
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(5)
    for kind, key in keys.items():
        expect(rows.filter(has=page.get_by_role("cell", name=key, exact=True))).to_contain_text(
            kind.replace("_", " "))

    for kind, key in keys.items():
        check_preview(page, pages, kind, key)

    # a GIFT file into the same bank: two new questions, and a new version of put-idempotent
    gift = tmp_path / "http.gift"
    gift.write_text(GIFT, encoding="utf-8")
    page.get_by_role("link", name="All banks").click()
    page.get_by_label("GIFT file").set_input_files(gift)
    page.get_by_label("Skill area for questions without a $CATEGORY").select_option("http")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="GIFT import")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Imported into http: added 2, new version 1, unchanged 0.")
    pages.visit(page, "import report")
    page.get_by_role("link", name="http", exact=True).click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(7)
    # columns: Key, Type, Difficulty, Version, Prompt, Actions
    for key, kind, version in (("status-created", "single choice", "1"), ("https-port", "numeric", "1"),
                               ("put-idempotent", "true false", "2")):
        cells = rows.filter(has=page.get_by_role("cell", name=key, exact=True)).get_by_role("cell")
        expect(cells.nth(1)).to_have_text(kind)
        expect(cells.nth(3)).to_have_text(version)
    pages.visit(page, "bank after import")

    # the item statistics of the arranged attempts
    page.get_by_role("link", name="All banks").click()
    page.get_by_role("link", name="Item statistics").click()
    expect(page.get_by_role("heading", name="Item statistics")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(STATISTICS_TITLE))).to_contain_text("4")
    pages.visit(page, "item statistics")
    page.get_by_role("link", name=STATISTICS_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Statistics: {STATISTICS_TITLE}")
    test = page.get_by_role("table", name="The test")
    expect(test.get_by_role("row", name="Finished attempts")).to_contain_text("4")
    expect(test.get_by_role("row", name="Mean score")).to_contain_text("1.50")
    expect(test.get_by_role("row", name="Standard deviation")).to_contain_text("1.29")  # sqrt(5/3)
    items = page.get_by_role("table", name="Questions")
    # columns: Question (the row header), Attempts, Facility, SD, ...; the SD of marks 1, 1, 1, 0 is
    # sqrt(0.75 / 3) = 0.50, of 1, 1, 0, 0 sqrt(1 / 3) = 0.58
    for key, facility, sd in (("single", "75.0%", "0.50"), ("multi", "50.0%", "0.58"), ("truth", "25.0%", "0.50"),
                              ("number", "0.0%", "0.00"), ("text", "0.0%", "0.00")):
        cells = items.get_by_role("row", name=re.compile(rf"^{key} \(v1, Alpha skills\)")).get_by_role("cell")
        expect(cells.nth(0)).to_have_text("4")
        expect(cells.nth(1)).to_have_text(facility)
        expect(cells.nth(2)).to_have_text(sd)
    chosen = page.get_by_role("table", name="single (v1, Alpha skills)")  # three chose B, one left it
    expect(chosen.get_by_role("row", name=re.compile("^b: B")).get_by_role("cell").nth(1)).to_have_text("3")
    expect(chosen.get_by_role("row", name=re.compile("no answer")).get_by_role("cell").nth(1)).to_have_text("1")
    pages.visit(page, "assessment statistics")
