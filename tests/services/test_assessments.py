"""Composing an assessment against the pool, and the draw it gives each candidate."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quiz.errors import InvalidInput
from quiz.models import Assessment, AttemptItem, db
from quiz.services import accounts, assessments, attempts
from quiz.services.assessments import SectionInput
from tests.conftest import T0
from tests.factories import load_test_banks, make_assessment, make_user

pytestmark = pytest.mark.usefixtures("ctx")


def test_a_difficulty_mix_is_drawn_exactly() -> None:
    load_test_banks(T0)
    manager = make_user("m@test.example", "manager", T0)
    candidate = make_user("c@test.example", "candidate", T0)
    # alpha has difficulties 1,1,2,2,3: ask for one easy, two medium, one hard
    assessment = make_assessment(manager, T0, sections=[SectionInput("alpha", 4, {1: 1, 2: 2, 3: 1})])
    invitation = assessments.invite(assessment, candidate, T0)
    attempt_id = attempts.start_attempt(candidate, invitation, T0, seed=3)
    items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)).all()
    assert Counter(i.question_version.difficulty for i in items) == {1: 1, 2: 2, 3: 1}
    # easy first when questions are not shuffled
    ordered = sorted(items, key=lambda i: i.position)
    assert [i.question_version.difficulty for i in ordered] == [1, 2, 2, 3]


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ([SectionInput("alpha", 6)], "alpha: 6 questions asked for, the pool has 5"),
        ([SectionInput("alpha", 2, {3: 2})], "alpha: 2 questions of difficulty 3 asked for, the pool has 1"),
        ([SectionInput("nowhere", 1)], "Unknown skill area 'nowhere'."),
        ([], "Add at least one skill area."),
    ],
)
def test_a_draw_the_pool_cannot_supply_is_refused(sections: list[SectionInput], message: str) -> None:
    load_test_banks(T0)
    manager = make_user("m@test.example", "manager", T0)
    with pytest.raises(InvalidInput) as caught:
        make_assessment(manager, T0, sections=sections)
    assert message in caught.value.message
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0


def test_settings_are_checked() -> None:
    load_test_banks(T0)
    manager = make_user("m@test.example", "manager", T0)
    for overrides, message in [
        ({"time_limit": timedelta(seconds=30)}, "at least one minute"),
        ({"overdue_policy": "whenever"}, "Unknown overdue policy"),
        ({"pass_mark": 120.0}, "percentage from 0 to 100"),
        ({"title": "  "}, "title"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            make_assessment(manager, T0, **overrides)


def test_accounts_authenticate_only_active_users_with_the_right_password() -> None:
    user_id = make_user("Mixed.Case@Test.Example", "candidate", T0)
    assert accounts.authenticate("  mixed.case@test.example ", "correct-horse-battery").id == user_id
    assert accounts.authenticate("mixed.case@test.example", "wrong-horse-battery") is None
    invited = accounts.create_user("nopass@test.example", "candidate", None, T0)
    assert accounts.authenticate("nopass@test.example", "") is None and invited.password_hash is None
    user = accounts.load_user(f"{user_id}:1")
    assert accounts.load_user(str(user_id)) is None and accounts.load_user(f"{user_id}:2") is None
    user.active = False
    db.session.commit()
    assert accounts.authenticate("mixed.case@test.example", "correct-horse-battery") is None
    assert accounts.load_user(f"{user_id}:1") is None and accounts.load_user("x1:1") is None
