"""Taking an attempt through the services, on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quiz.engine.types import get_type
from quiz.errors import AttemptClosed, Conflict, InvalidInput, NotFound, TimeUp
from quiz.models import AreaResult, Attempt, AttemptItem, QuestionVersion, db
from quiz.services import attempts
from tests.conftest import T0
from tests.factories import make_scene, start

pytestmark = pytest.mark.usefixtures("ctx")


def items_of(attempt_id: int) -> list[AttemptItem]:
    return list(db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
    ))


def right_values(item: AttemptItem) -> list[str]:
    """Form values that answer the item's question correctly."""
    v = item.question_version
    p = v.payload
    if v.type in ("single_choice", "multiple_response"):
        return [o["id"] for o in p["options"] if o["correct"]]
    if v.type == "true_false":
        return ["true" if p["answer"] else "false"]
    if v.type == "numeric":
        return [str(p["value"] if p["value"] is not None else p["min"])]
    return [p["accepted"][0]]


def wrong_values(item: AttemptItem) -> list[str]:
    v = item.question_version
    p = v.payload
    if v.type in ("single_choice", "multiple_response"):
        return [next(o["id"] for o in p["options"] if not o["correct"])]
    if v.type == "true_false":
        return ["false" if p["answer"] else "true"]
    if v.type == "numeric":
        return ["-12345"]
    return ["certainly not this"]


def test_start_draws_the_sections_and_pins_versions() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "in_progress"
    assert attempt.deadline_at == T0 + timedelta(minutes=30)
    items = items_of(attempt_id)
    assert [i.position for i in items] == list(range(1, 9))
    areas = [i.area.slug for i in items]
    assert areas.count("alpha") == 5 and areas.count("beta") == 3
    # every item pins a version that exists, choice items keep an order of their options
    for item in items:
        assert item.question_version.number == 1
        if item.question_version.type in ("single_choice", "multiple_response"):
            ids = [o["id"] for o in item.question_version.payload["options"]]
            assert sorted(item.option_order) == sorted(ids)
        else:
            assert item.option_order is None


def test_the_same_seed_gives_the_same_attempt() -> None:
    scene = make_scene(T0, shuffle_questions=True, shuffle_options=True)
    first = start(scene, T0, seed=99)
    second = attempts.start_attempt(scene.other_candidate_id, scene.other_invitation_id, T0, seed=99)
    one = [(i.question_version_id, i.option_order) for i in items_of(first)]
    two = [(i.question_version_id, i.option_order) for i in items_of(second)]
    assert one == two


def test_starting_again_resumes_the_same_attempt() -> None:
    scene = make_scene(T0)
    first = start(scene, T0)
    again = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0 + timedelta(minutes=5))
    assert again == first
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_candidate_cannot_start_another_candidates_invitation() -> None:
    scene = make_scene(T0)
    with pytest.raises(NotFound):
        attempts.start_attempt(scene.candidate_id, scene.other_invitation_id, T0)
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_full_marks_and_per_area_results_are_stored() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    for item in items_of(attempt_id):
        attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), None, T0)
    assert attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=10)) == "finished"
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.points, attempt.max_points) == (8.0, 8.0)
    assert attempt.finish_reason == "submitted"
    results = {r.area.slug: (r.points, r.max_points, r.items) for r in attempt.area_results}
    assert results == {"alpha": (5.0, 5.0, 5), "beta": (3.0, 3.0, 3)}


def test_mixed_answers_score_by_hand() -> None:
    """Alpha: single right (1), multi A only (0.5), truth wrong (0), number right (1),
    text unanswered (0) -> 2.5 of 5. Beta: all wrong -> 0 of 3. Overall 2.5 of 8."""
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    by_key = {i.question_version.question.key: i for i in items_of(attempt_id)}
    answers = {
        "single": ["b"], "multi": ["a"], "truth": ["false"], "number": ["1000"],
        "b1": ["true"], "b2": ["a"], "b3": ["UNIQUE"],
    }
    for key, values in answers.items():
        attempts.save_answer(scene.candidate_id, attempt_id, by_key[key].id, values, None, T0)
    attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=1))
    view = attempts.result_view(scene.candidate_id, attempt_id, T0 + timedelta(minutes=2))
    assert (view.points, view.max_points) == (2.5, 8.0)
    assert view.percent == pytest.approx(31.25)
    assert {(a.title, a.points, a.max_points, a.items) for a in view.areas} == {
        ("Alpha skills", 2.5, 5.0, 5), ("Beta skills", 0.0, 3.0, 3),
    }
    fractions = {i.question_version.question.key: i.fraction for i in items_of(attempt_id)}
    assert fractions == {"single": 1.0, "multi": 0.5, "truth": 0.0, "number": 1.0, "text": 0.0,
                         "b1": 0.0, "b2": 0.0, "b3": 0.0}


def test_saving_replaces_the_answer_and_records_when() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    item = items_of(attempt_id)[0]
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, wrong_values(item), None, T0)
    later = T0 + timedelta(minutes=3)
    result = attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), True, later)
    assert result.answered and result.flagged and result.saved_at == later
    db.session.expire_all()
    stored = db.session.get(AttemptItem, item.id)
    version = stored.question_version
    assert get_type(version.type).grade(version.payload, stored.answer) == 1.0
    assert stored.saved_at == later and stored.flagged is True
    # clearing the answer (no values) leaves it unanswered; flag alone keeps the answer
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, None, False, later)
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).answer is not None
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, [], None, later)
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).answer is None


def test_bad_saves_are_refused_and_change_nothing() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    other_attempt = attempts.start_attempt(scene.other_candidate_id, scene.other_invitation_id, T0)
    item = next(i for i in items_of(attempt_id) if i.question_version.type == "numeric")
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, ["1000"], None, T0)
    foreign_item = items_of(other_attempt)[0]
    cases = [
        (InvalidInput, dict(attempt_id=attempt_id, item_id=item.id, values=["lots"])),
        (InvalidInput, dict(attempt_id=attempt_id, item_id=item.id, values=["1", "2"])),
        (InvalidInput, dict(attempt_id=attempt_id, item_id=item.id, values=[{"x": 1}])),
        (InvalidInput, dict(attempt_id=attempt_id, item_id=item.id, values=["9" * 5000])),
        (NotFound, dict(attempt_id=attempt_id, item_id=foreign_item.id, values=["1"])),
        (NotFound, dict(attempt_id=attempt_id, item_id=999999, values=["1"])),
        (NotFound, dict(attempt_id=other_attempt, item_id=foreign_item.id, values=["a"])),
    ]
    for error, kwargs in cases:
        with pytest.raises(error):
            attempts.save_answer(scene.candidate_id, flagged=None, now=T0, **kwargs)
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).answer == {"value": 1000.0, "text": "1000"}
    assert db.session.get(AttemptItem, foreign_item.id).answer is None


def test_finishing_twice_scores_once() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    first = items_of(attempt_id)[0]
    attempts.save_answer(scene.candidate_id, attempt_id, first.id, right_values(first), None, T0)
    assert attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=1)) == "finished"
    assert attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=2)) == "finished"
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.finished_at == T0 + timedelta(minutes=1)
    assert attempt.points == 1.0
    assert db.session.scalar(select(func.count()).select_from(AreaResult)) == 2


def test_saves_after_finish_are_refused() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    item = items_of(attempt_id)[0]
    attempts.finish_attempt(scene.candidate_id, attempt_id, T0)
    with pytest.raises(AttemptClosed):
        attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), None, T0)
    db.session.expire_all()
    assert db.session.get(AttemptItem, item.id).answer is None


def test_grace_accepts_late_saves_then_time_is_up() -> None:
    scene = make_scene(T0)  # 30 minutes, 60 s grace, autosubmit
    attempt_id = start(scene, T0)
    item = items_of(attempt_id)[0]
    deadline = T0 + timedelta(minutes=30)
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), None,
                         deadline + timedelta(seconds=59))
    with pytest.raises(TimeUp):
        attempts.save_answer(scene.candidate_id, attempt_id, item.id, wrong_values(item), None,
                             deadline + timedelta(seconds=61))
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    # the refused save closed the attempt with what was saved, finished at the deadline
    assert attempt.status == "finished" and attempt.finish_reason == "autosubmitted"
    assert attempt.finished_at == deadline
    assert attempt.points == 1.0


def test_finish_after_grace_is_refused_but_the_attempt_is_autosubmitted() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    item = items_of(attempt_id)[0]
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), None, T0)
    with pytest.raises(TimeUp):
        attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(hours=2))
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.finish_reason) == ("finished", "autosubmitted")
    assert attempt.finished_at == T0 + timedelta(minutes=30)
    assert attempt.points == 1.0


def test_viewing_an_overdue_attempt_closes_it() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    view = attempts.attempt_view(scene.candidate_id, attempt_id, 1, T0 + timedelta(minutes=40))
    assert view.status == "finished" and view.question is None
    result = attempts.result_view(scene.candidate_id, attempt_id, T0 + timedelta(minutes=41))
    assert result.finish_reason == "autosubmitted" and result.points == 0.0


@pytest.mark.parametrize(
    ("policy", "status", "reason"),
    [("autosubmit", "finished", "autosubmitted"), ("graceperiod", "abandoned", "abandoned"),
     ("autoabandon", "abandoned", "abandoned")],
)
def test_close_overdue_attempts_follows_the_policy(policy: str, status: str, reason: str) -> None:
    scene = make_scene(T0, overdue_policy=policy)
    overdue = start(scene, T0)
    fresh = attempts.start_attempt(scene.other_candidate_id, scene.other_invitation_id, T0 + timedelta(minutes=20))
    now = T0 + timedelta(minutes=31, seconds=1)  # past deadline + 60 s grace for the first only
    report = attempts.close_overdue_attempts(now)
    assert (report.finished, report.abandoned) == ((1, 0) if status == "finished" else (0, 1))
    db.session.expire_all()
    closed = db.session.get(Attempt, overdue)
    assert (closed.status, closed.finish_reason) == (status, reason)
    assert db.session.get(Attempt, fresh).status == "in_progress"
    assert attempts.close_overdue_attempts(now) == attempts.CloseReport(0, 0)


def test_graceperiod_allows_submitting_but_not_answering_after_the_deadline() -> None:
    scene = make_scene(T0, overdue_policy="graceperiod")
    attempt_id = start(scene, T0)
    item = items_of(attempt_id)[0]
    in_grace = T0 + timedelta(minutes=30, seconds=30)
    with pytest.raises(TimeUp):
        attempts.save_answer(scene.candidate_id, attempt_id, item.id, right_values(item), None, in_grace)
    assert db.session.get(Attempt, attempt_id).status == "in_progress"
    assert attempts.finish_attempt(scene.candidate_id, attempt_id, in_grace) == "finished"


def test_editing_a_question_later_never_changes_a_finished_attempt() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    item = next(i for i in items_of(attempt_id) if i.question_version.question.key == "single")
    attempts.save_answer(scene.candidate_id, attempt_id, item.id, ["b"], None, T0)
    attempts.finish_attempt(scene.candidate_id, attempt_id, T0)
    old_version_id = item.question_version_id
    # a new version makes A the right option
    version = db.session.get(QuestionVersion, old_version_id)
    payload = {"options": [dict(o, correct=(o["id"] == "a")) for o in version.payload["options"]]}
    db.session.add(QuestionVersion(
        question_id=version.question_id, number=2, type=version.type, difficulty=1, prompt=version.prompt,
        payload=payload, explanation="A now.", tags=[], content_hash="x" * 64, created_at=T0))
    version.question.latest_number = 2
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AttemptItem, item.id)
    assert stored.question_version_id == old_version_id and stored.fraction == 1.0
    assert attempts.result_view(scene.candidate_id, attempt_id, T0).points == 1.0


def test_another_candidate_sees_nothing_of_an_attempt() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    for call in (
        lambda: attempts.attempt_view(scene.other_candidate_id, attempt_id, 1, T0),
        lambda: attempts.finish_attempt(scene.other_candidate_id, attempt_id, T0),
        lambda: attempts.result_view(scene.other_candidate_id, attempt_id, T0),
    ):
        with pytest.raises(NotFound):
            call()
    assert db.session.get(Attempt, attempt_id).status == "in_progress"


def test_result_of_an_attempt_in_progress_is_refused() -> None:
    scene = make_scene(T0)
    attempt_id = start(scene, T0)
    with pytest.raises(Conflict):
        attempts.result_view(scene.candidate_id, attempt_id, T0)
