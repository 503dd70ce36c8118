"""Manager reports with known answers; every figure worked out by hand in the comments.

Assessment: alpha 5 questions (pass 60%), beta 3 (pass 50%), overall pass 50%, no shuffling.
Order (easy first per section): single, truth, multi, text, number, b1, b2, b3.
- Ann answers everything right: 8/8.
- Ben: single, truth right (alpha 2/5 = 40%), b1, b2 right (beta 2/3); overall 4/8 = 50%.
- Cy answers exactly like Ben: a tie at 50%.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from quiz.engine.integrity import Concern
from quiz.errors import InvalidInput, NotFound
from quiz.models import AttemptItem, db
from quiz.services import assessments, attempts, invitations, reports
from quiz.services.assessments import SectionInput
from quiz.services.attempts import ClientInfo
from tests.conftest import T0
from tests.factories import load_test_banks, make_assessment, make_user

pytestmark = pytest.mark.usefixtures("ctx")

RIGHT = {"single": ["b"], "truth": ["true"], "multi": ["a", "b"], "text": ["404"], "number": ["1000"],
         "b1": ["false"], "b2": ["b"], "b3": ["DISTINCT"]}
BEN = {"single": ["b"], "truth": ["true"], "multi": ["c"], "text": ["500"], "number": ["1"],
       "b1": ["false"], "b2": ["b"], "b3": ["UNIQUE"]}
HOME = ClientInfo("10.0.0.1", "Browser/1")


def items(attempt_id: int) -> dict[str, AttemptItem]:
    rows = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).all()
    return {i.question_version.question.key: i for i in rows}


def take(manager: int, assessment: int, name: str, answers: dict[str, list[str]]) -> int:
    entry = invitations.CandidateInput(name, f"{name}@x.example")
    invited = invitations.invite_candidate(manager, assessment, entry, T0)
    candidate = invitations.open_invitation(invited.token, T0).candidate_id
    attempt_id = attempts.start_attempt(candidate, invited.invitation_id, T0, seed=1, client=HOME)
    by_key = items(attempt_id)
    for key, values in answers.items():
        attempts.save_answer(candidate, attempt_id, by_key[key].id, values, None, T0)
    attempts.finish_attempt(candidate, attempt_id, T0 + timedelta(minutes=10))
    return attempt_id


@pytest.fixture
def scene() -> dict[str, int]:
    load_test_banks(T0)
    manager = make_user("boss@test.example", "manager", T0)
    assessment = make_assessment(manager, T0, pass_mark=50.0, sections=[
        SectionInput("alpha", 5, pass_mark=60.0), SectionInput("beta", 3, pass_mark=50.0)])
    return {"manager": manager, "assessment": assessment, "ann": take(manager, assessment, "ann", RIGHT),
            "ben": take(manager, assessment, "ben", BEN), "cy": take(manager, assessment, "cy", BEN)}


def test_report_figures(scene: dict[str, int]) -> None:
    ann = reports.candidate_report(scene["manager"], scene["ann"], T0 + timedelta(hours=1))
    ben = reports.candidate_report(scene["manager"], scene["ben"], T0 + timedelta(hours=1))
    assert (ann.overall.points, ann.overall.max_points, ann.overall.items) == (8.0, 8.0, 8)
    # Wilson 90%, p = 1, n = 8: z^2 = 2.70554, 1 + z^2/8 = 1.33819; centre = (1 + 0.16910)/1.33819 = 0.87364;
    # half = (1.64485/1.33819) * sqrt(2.70554/256) = 1.22916 * 0.10280 = 0.12636 -> [0.74728, 1]
    assert ann.overall.band.low == pytest.approx(0.74728, abs=1e-4) and ann.overall.band.high == 1.0
    assert ann.passed is True
    # percentiles among [1.0, 0.5, 0.5], ties count half: Ann (2 + 0.5)/3 = 83.33; Ben (0 + 1)/3 = 33.33
    assert ann.percentile == pytest.approx(83.333, abs=1e-3)
    assert ben.percentile == pytest.approx(33.333, abs=1e-3) and ben.cohort_size == 3
    alpha, beta = ben.areas
    assert (alpha.label, alpha.points, alpha.max_points, alpha.items) == ("Alpha skills", 2.0, 5.0, 5)
    # p = 0.4, n = 5: 1 + z^2/5 = 1.54111; centre = (0.4 + 0.27055)/1.54111 = 0.43511;
    # half = (1.64485/1.54111) * sqrt(0.048 + 0.02706) = 1.06732 * 0.27396 = 0.29241 -> [0.14271, 0.72752]
    assert alpha.band.low == pytest.approx(0.14271, abs=1e-4) and alpha.band.high == pytest.approx(0.72752, abs=1e-4)
    assert (alpha.pass_mark, alpha.passed) == (60.0, False)          # 40% < 60%
    assert (beta.points, beta.passed) == (2.0, True)                 # 66.7% >= 50%
    assert (ben.overall.percent, ben.overall.passed) == (50.0, True)  # exactly at the mark
    assert ben.passed is False                                        # an area failed
    by_position = {line.review.position: line.review for line in ben.items}
    assert (by_position[1].answer, by_position[1].key, by_position[1].points) == ("B", "B", 1.0)
    assert (by_position[3].answer, by_position[3].key, by_position[3].points) == ("C", "A; B", 0.0)


def test_integrity_and_time_per_question(scene: dict[str, int]) -> None:
    manager, assessment = scene["manager"], scene["assessment"]
    invited = invitations.invite_candidate(manager, assessment, invitations.CandidateInput("Dee", "dee@x.example"), T0)
    dee = invitations.open_invitation(invited.token, T0).candidate_id
    attempt_id = attempts.start_attempt(dee, invited.invitation_id, T0, seed=1, client=HOME)
    by_key = items(attempt_id)
    attempts.attempt_view(dee, attempt_id, 1, T0 + timedelta(seconds=10), client=HOME)
    attempts.save_answer(dee, attempt_id, by_key["single"].id, ["b"], None, T0 + timedelta(seconds=12))  # 2 s: fast
    attempts.attempt_view(dee, attempt_id, 2, T0 + timedelta(seconds=70), client=ClientInfo("10.9.9.9", "Browser/1"))
    attempts.save_answer(dee, attempt_id, by_key["truth"].id, ["true"], None, T0 + timedelta(seconds=100))
    for duration in (10, 20, 30):
        attempts.record_event(dee, attempt_id, "focus_lost", duration, T0 + timedelta(seconds=110))
    attempts.record_event(dee, attempt_id, "paste", None, T0 + timedelta(seconds=115))
    attempts.finish_attempt(dee, attempt_id, T0 + timedelta(seconds=130))
    report = reports.candidate_report(manager, attempt_id, T0 + timedelta(hours=1))
    times = {line.review.position: line.time_spent_seconds for line in report.items}
    assert times[1] == 60.0 and times[2] == 60.0 and times[3] == 0.0  # 10->70 on q1, 70->130 on q2
    assert report.items[0].answered_after_seconds == 2.0 and report.items[1].answered_after_seconds == 30.0
    facts = report.facts
    assert (facts.focus_lost, facts.hidden_seconds, facts.pastes, facts.ip_changes, facts.browser_changes) == \
        (3, 60.0, 1, 1, 0)
    assert (facts.fast_answers, facts.answered, facts.duration_seconds) == (1, 2, 130.0)
    # 60 of 130 s hidden = 46% >= 25%: major; 3 focus losses, 1 other address, 1 paste, 1 fast answer: some
    assert report.integrity.level is Concern.MAJOR
    assert report.integrity.reasons == (
        "away from the page for 46% of the attempt (60 s)", "left the page 3 times",
        "answered from 1 other network address", "pasted into answers 1 time",
        "1 of 2 answers given within 5 s of the question appearing",
    )
    clean = reports.candidate_report(manager, scene["ann"], T0 + timedelta(hours=1))
    assert clean.integrity.level is Concern.NONE and clean.integrity.reasons == ()


def test_cohort_sorting_filtering_and_comparison(scene: dict[str, int]) -> None:
    manager, assessment = scene["manager"], scene["assessment"]
    invitations.invite_candidate(manager, assessment, invitations.CandidateInput("Eve", "eve@x.example"), T0)
    later = T0 + timedelta(hours=1)
    by_overall = reports.cohort(manager, assessment, later)
    assert [r.name for r in by_overall.rows] == ["ann", "ben", "cy", "Eve"]  # ties by name; unscored last
    assert [r.status for r in by_overall.rows] == ["finished", "finished", "finished", "invited"]
    ascending = reports.cohort(manager, assessment, later, sort="overall", descending=False)
    assert [r.name for r in ascending.rows] == ["ben", "cy", "ann", "Eve"]
    by_beta = reports.cohort(manager, assessment, later, sort="Beta skills")
    assert [r.areas["Beta skills"].points for r in by_beta.rows[:3]] == [3.0, 2.0, 2.0]
    assert [r.name for r in reports.cohort(manager, assessment, later, status="invited").rows] == ["Eve"]
    with pytest.raises(InvalidInput):
        reports.cohort(manager, assessment, later, sort="shoe size")
    comparison = reports.compare(manager, assessment, [scene["ann"], scene["ben"]], later)
    assert [r.overall.percent for r in comparison.reports] == [100.0, 50.0]
    with pytest.raises(InvalidInput):
        reports.compare(manager, assessment, [scene["ann"]], later)


def test_csv_rows(scene: dict[str, int]) -> None:
    text = reports.cohort_csv(scene["manager"], scene["assessment"], T0 + timedelta(hours=1))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["ann", "ben", "cy"]
    ben = rows[1]
    assert ben["email"] == "ben@x.example" and ben["status"] == "finished"
    assert ben["started_at"] == "2026-01-05T09:00:00+00:00" and ben["duration_minutes"] == "10.0"
    assert (ben["overall_percent"], ben["result"]) == ("50.0", "fail")
    # overall p = 0.5, n = 8: centre = (0.5 + 0.16910)/1.33819 = 0.5;
    # half = 1.22916 * sqrt(0.25/8 + 2.70554/256) = 1.22916 * sqrt(0.041819) = 0.25136 -> [24.9, 75.1] percent
    assert (ben["overall_band_low"], ben["overall_band_high"]) == ("24.9", "75.1")
    assert (ben["Alpha skills percent"], ben["Alpha skills items"], ben["Alpha skills result"]) == ("40.0", "5", "fail")
    assert (ben["Beta skills percent"], ben["Beta skills result"]) == ("66.7", "pass")
    assert ben["integrity"] == "none"


def test_a_formula_in_a_name_is_neutralised_in_the_csv(scene: dict[str, int]) -> None:
    invitations.invite_candidate(scene["manager"], scene["assessment"],
                                 invitations.CandidateInput("=HYPERLINK(1)", "f@x.example"), T0)
    rows = list(csv.DictReader(io.StringIO(reports.cohort_csv(scene["manager"], scene["assessment"], T0))))
    assert "'=HYPERLINK(1)" in [r["name"] for r in rows]


def test_other_managers_see_nothing_until_shared(scene: dict[str, int]) -> None:
    other = make_user("other-boss@test.example", "manager", T0)
    later = T0 + timedelta(hours=1)
    for call in (lambda: reports.candidate_report(other, scene["ann"], later),
                 lambda: reports.cohort(other, scene["assessment"], later),
                 lambda: reports.cohort_csv(other, scene["assessment"], later),
                 lambda: invitations.list_invitations(other, scene["assessment"], later)):
        with pytest.raises(NotFound):
            call()
    assert assessments.list_assessments(other) == []
    assessments.share_assessment(scene["manager"], scene["assessment"], "other-boss@test.example", T0)
    assert reports.candidate_report(other, scene["ann"], later).overall.points == 8.0
    assert [a.owned for a in assessments.list_assessments(other)] == [False]
