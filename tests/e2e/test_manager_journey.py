"""The hiring manager's journey in Chromium: log in, compose an assessment, invite two candidates, let them
take it (each in a browser of their own), then read the cohort, a report, the comparison and the CSV.

The assessment draws every question of banks alpha (5) and beta (3), unshuffled, so the questions come in a
known order: alpha's single, truth, multi, text, number (easy to hard, then bank order), then beta's b1, b2, b3.
Every question is worth one mark and an unanswered one scores nothing.

    Ada:  single B (right), truth True (right), text 404 (right), b1 False (right)
          alpha 3/5 = 60.0%, beta 1/3 = 33.3%, overall 4/8 = 50.0%: pass (the pass mark is 50%)
    Ben:  single B (right), truth True (right), b1 True (wrong)
          alpha 2/5 = 40.0%, beta 0/3 = 0.0%, overall 2/8 = 25.0%: fail

The overall 90% band is the Wilson interval with z = 1.6449 (z^2 = 2.7055) on n = 8:
    centre = (p + z^2/16) / (1 + z^2/8),  half = z / (1 + z^2/8) * sqrt(p(1-p)/8 + z^2/256)
    Ada, p = 0.50: centre 0.5000, half 0.2514 -> 24.9 to 75.1
    Ben, p = 0.25: centre 0.3132, half 0.2267 -> 8.7 to 54.0
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.conftest import in_app
from tests.e2e.conftest import LiveApp, Pages, tab_to
from tests.factories import PASSWORD, load_test_banks, make_user

MANAGER = "manager@test.example"
TITLE = "Backend screening"
DASH = "\u2013"  # the pages write ranges with an en dash

# position -> (kind of question, how to answer it): a label to check, or a text to type
ADA = {1: ("single_choice", "B"), 2: ("true_false", "True"), 4: ("short_text", "404"), 6: ("true_false", "False")}
BEN = {1: ("single_choice", "B"), 2: ("true_false", "True"), 6: ("true_false", "True")}


def log_in(page: Page, pages: Pages, email: str) -> None:
    """Through the login form, with the keyboard alone."""
    page.goto("/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    pages.visit(page, "login")
    tab_to(page, "#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, "form[action$='/login'] button[type=submit]")
    page.keyboard.press("Enter")


def compose(page: Page, pages: Pages) -> None:
    """The compose form: title, counts per skill area, time, pass mark, no shuffling; saved with the keyboard."""
    page.get_by_role("link", name="New assessment").click()
    expect(page.get_by_role("heading", name="New assessment", level=1)).to_be_visible()
    pages.visit(page, "compose form")
    tab_to(page, "#title")
    page.keyboard.type(TITLE)
    page.get_by_label("Description for candidates").fill("Eight short questions on HTTP and SQL.")
    page.get_by_label("Alpha skills: Questions").fill("5")
    page.get_by_label("Beta skills: Questions").fill("3")
    page.get_by_label("Time limit (minutes)").fill("20")
    page.get_by_label("When time is up").select_option("autosubmit")
    page.get_by_label("Overall pass mark %").fill("50")
    for box in ("#shuffle_questions", "#shuffle_options"):  # both are ticked by default
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(page.locator(box)).not_to_be_checked()
    tab_to(page, "form.stacked button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/manage/assessments/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status").first).to_contain_text("The assessment is saved")
    drawn = page.get_by_role("table", name="Questions drawn for each candidate")
    expect(drawn.get_by_role("row", name=re.compile("Alpha skills"))).to_contain_text("5")
    expect(drawn.get_by_role("row", name=re.compile("Beta skills"))).to_contain_text("3")
    pages.visit(page, "assessment")


def invite(page: Page, pages: Pages, name: str, email: str) -> str:
    """The invite form on the assessment page; returns the link the next page shows."""
    assessment_url = page.url
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("button", name="Invite", exact=True).click()
    page.wait_for_url(re.compile(r"/manage/invitations/\d+/link$"))
    expect(page.get_by_role("status").first).to_contain_text(f"Invited {email}")
    pages.visit(page, f"link for {name}")
    link = page.get_by_label("Link").input_value()
    assert re.fullmatch(rf"{re.escape(page.url.split('/manage/')[0])}/i/[\w-]+", link), link
    page.get_by_role("link", name="Back", exact=True).click()
    page.wait_for_url(assessment_url)
    return link


def take(browser: Browser, live: LiveApp, pages: Pages, name: str, link: str, answers: dict[int, tuple[str, str]],
         overall: str) -> None:
    """The candidate, in a browser of their own: the link, Start, some answers, Review and finish, Submit."""
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(link)
        expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
        pages.visit(page, f"{name}: invitations")
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
        attempt_url = page.url.rsplit("/q/", 1)[0]
        for position, (kind, answer) in answers.items():
            if not page.url.endswith(f"/q/{position}"):
                page.get_by_role("button", name=re.compile(rf"^Question {position}:")).click()
                page.wait_for_url(f"{attempt_url}/q/{position}")
            form = page.locator("#answer-form")
            expect(form).to_have_attribute("data-question-type", kind)
            pages.visit(page, f"{name}: question {position}")
            if kind == "short_text":
                page.get_by_label("Your answer").fill(answer)
            else:
                page.get_by_label(answer, exact=True).check()
            expect(page.locator("#save-status")).to_have_text(re.compile("Saved at "))
        page.get_by_role("button", name="Review and finish").click()
        page.wait_for_url(f"{attempt_url}/finish")
        expect(page.get_by_role("alert")).to_contain_text(f"{8 - len(answers)} of 8 questions are not answered")
        pages.visit(page, f"{name}: finish")
        page.get_by_role("button", name="Submit my answers").click()
        page.wait_for_url(f"{attempt_url}/result")
        expect(page.locator(".overall")).to_contain_text(overall)  # the candidate sees their score too
        pages.visit(page, f"{name}: result")
    finally:
        context.close()


def test_manager_journey(live: LiveApp, browser: Browser, page: Page, pages: Pages, tmp_path: Path) -> None:
    with in_app(live.app):
        load_test_banks(live.now())
        make_user(MANAGER, "manager", live.now())

    log_in(page, pages, MANAGER)
    page.wait_for_url(re.compile(r"/manage/$"))
    expect(page.get_by_role("heading", name="Assessments", level=1)).to_be_visible()
    pages.visit(page, "assessments")

    compose(page, pages)
    assessment_url = page.url
    links = {"Ada": invite(page, pages, "Ada Lovelace", "ada@test.example"),
             "Ben": invite(page, pages, "Ben Bitdiddle", "ben@test.example")}
    assert links["Ada"] != links["Ben"]
    invitations = page.locator("table.invitations tbody tr")
    expect(invitations).to_have_count(2)
    expect(invitations.filter(has_text="Ada Lovelace")).to_contain_text("invited")

    take(browser, live, pages, "Ada", links["Ada"], ADA, "50%")
    take(browser, live, pages, "Ben", links["Ben"], BEN, "25%")

    # the cohort: both finished, best first
    page.goto(assessment_url)
    expect(page.locator("table.invitations tbody tr").filter(has_text="Ben Bitdiddle")).to_contain_text("finished")
    page.get_by_role("link", name="Candidates and scores").click()
    expect(page.get_by_role("heading", name="Candidates and scores")).to_be_visible()
    pages.visit(page, "cohort")
    rows = page.locator("table.cohort tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("rowheader")).to_contain_text("Ada Lovelace")
    expect(rows.nth(1).get_by_role("rowheader")).to_contain_text("Ben Bitdiddle")
    # columns: Compare, Candidate, Status, Overall, Alpha skills, Beta skills, Result, Integrity
    for row, (overall, alpha, beta, result) in zip((rows.nth(0), rows.nth(1)), (
            ("50%", "60%", "33%", "pass"), ("25%", "40%", "0%", "fail")), strict=True):
        cells = row.locator("td")
        expect(cells.nth(1)).to_have_text("finished")
        expect(cells.nth(2)).to_contain_text(overall)
        expect(cells.nth(3)).to_contain_text(alpha)
        expect(cells.nth(4)).to_contain_text(beta)
        expect(cells.nth(5)).to_have_text(result)
    expect(rows.nth(0).locator("td").nth(2)).to_contain_text(f"25{DASH}75%")  # the bands, rounded
    expect(rows.nth(1).locator("td").nth(2)).to_contain_text(f"9{DASH}54%")

    # one candidate's report
    page.get_by_role("link", name="Ada Lovelace").click()
    page.wait_for_url(re.compile(r"/manage/attempts/\d+/report$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Lovelace")
    expect(page.locator(".overall")).to_contain_text("Overall 50%")
    expect(page.locator(".overall")).to_contain_text("75th percentile of 2 finished")  # 1 below, herself half
    scores = page.get_by_role("table", name="Scores per skill area (text of the chart)")
    expect(scores.get_by_role("row", name=re.compile("^Alpha skills"))).to_contain_text("60% (3 / 5)")
    expect(scores.get_by_role("row", name=re.compile("^Beta skills"))).to_contain_text("33% (1 / 3)")
    expect(page.locator(".review-item")).to_have_count(8)
    pages.visit(page, "report")

    # the comparison of the two
    page.get_by_role("link", name=re.compile("All candidates of")).click()
    page.get_by_role("checkbox", name="Compare Ada Lovelace").check()
    page.get_by_role("checkbox", name="Compare Ben Bitdiddle").check()
    page.get_by_role("button", name=re.compile("Compare the chosen candidates")).click()
    expect(page.get_by_role("heading", name="Comparison")).to_be_visible()
    table = page.get_by_role("table", name="Scores per skill area with 90% bands")
    expect(table.get_by_role("columnheader")).to_have_text(["Skill area", "Ada Lovelace", "Ben Bitdiddle"])
    expect(table.get_by_role("row", name=re.compile("^Overall")).get_by_role("cell")).to_have_text(
        [re.compile(rf"^50% 25{DASH}75% pass$"), re.compile(rf"^25% 9{DASH}54% fail$")])
    expect(table.get_by_role("row", name=re.compile("^Alpha skills")).get_by_role("cell")).to_have_text(
        [re.compile("^60%"), re.compile("^40%")])
    pages.visit(page, "comparison")

    # the CSV, from the cohort page
    page.get_by_role("link", name=re.compile("All candidates of")).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert re.fullmatch(r"assessment-\d+\.csv", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as f:
        rows_read = list(csv.DictReader(f))
    got = [{k: row[k] for k in ("name", "email", "status", "overall_percent", "overall_band_low",
                                 "overall_band_high", "result", "Alpha skills percent", "Alpha skills items",
                                 "Beta skills percent", "Beta skills items")} for row in rows_read]
    assert got == [
        {"name": "Ada Lovelace", "email": "ada@test.example", "status": "finished", "overall_percent": "50.0",
         "overall_band_low": "24.9", "overall_band_high": "75.1", "result": "pass",
         "Alpha skills percent": "60.0", "Alpha skills items": "5", "Beta skills percent": "33.3",
         "Beta skills items": "3"},
        {"name": "Ben Bitdiddle", "email": "ben@test.example", "status": "finished", "overall_percent": "25.0",
         "overall_band_low": "8.7", "overall_band_high": "54.0", "result": "fail",
         "Alpha skills percent": "40.0", "Alpha skills items": "5", "Beta skills percent": "0.0",
         "Beta skills items": "3"},
    ]
    # no area has a pass mark of its own; the times are there; integrity is judged (a robot answers fast)
    assert all(row["Alpha skills result"] == row["Beta skills result"] == "" for row in rows_read), rows_read
    assert all(row["started_at"] and row["finished_at"] for row in rows_read), rows_read
    assert all(row["integrity"] in ("none", "some", "major") for row in rows_read), rows_read
