"""A bank edit makes a new version; a finished attempt keeps showing and scoring the old one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from quiz.models import AttemptItem, Question, db
from quiz.services import attempts, banks
from tests.conftest import DATA, T0
from tests.factories import make_scene

pytestmark = pytest.mark.usefixtures("ctx")


def load(folder: Path) -> banks.LoadReport:
    return banks.load_banks(banks.bank_paths([str(folder)], "unused"), T0)


def test_a_finished_attempt_shows_and_scores_the_version_it_was_given(tmp_path: Path) -> None:
    scene = make_scene(T0, feedback_policy="answers")
    attempt_id = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0, seed=5)
    single = db.session.scalar(
        select(AttemptItem).join(AttemptItem.question_version).join(Question)
        .where(AttemptItem.attempt_id == attempt_id, Question.key == "single")
    )
    attempts.save_answer(scene.candidate_id, attempt_id, single.id, ["b"], None, T0)
    attempts.finish_attempt(scene.candidate_id, attempt_id, T0 + timedelta(minutes=1))

    # the instructor rewrites the question: new prompt, and A becomes the right option
    for source in DATA.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    alpha = tmp_path / "alpha.yaml"
    text = alpha.read_text()
    text = text.replace("Pick **B**.", "Pick **A** now.").replace(
        "      - text: A\n      - text: B\n        correct: true\n",
        "      - text: A\n        correct: true\n      - text: B\n")
    alpha.write_text(text)
    report = load(tmp_path)
    assert (report.new_version, report.unchanged) == (1, 7)

    result = attempts.result_view(scene.candidate_id, attempt_id, T0 + timedelta(minutes=2))
    shown = next(i for i in result.items if i.prompt.startswith("Pick"))
    assert (shown.prompt, shown.answer, shown.key, shown.points) == ("Pick **B**.", "B", "B", 1.0)
    assert shown.explanation == "B is right."
    assert result.points == 1.0

    # a new attempt gets the new version
    fresh = attempts.start_attempt(scene.other_candidate_id, scene.other_invitation_id, T0, seed=5)
    new_item = db.session.scalar(
        select(AttemptItem).join(AttemptItem.question_version).join(Question)
        .where(AttemptItem.attempt_id == fresh, Question.key == "single")
    )
    assert new_item.question_version.number == 2
    assert new_item.question_version.prompt == "Pick **A** now."


def test_answers_are_shown_only_when_the_assessment_says_so() -> None:
    scene = make_scene(T0)  # area scores only
    attempt_id = attempts.start_attempt(scene.candidate_id, scene.invitation_id, T0)
    attempts.finish_attempt(scene.candidate_id, attempt_id, T0)
    assert attempts.result_view(scene.candidate_id, attempt_id, T0).items == ()
