"""Drawing an attempt's questions from the pool, and ordering them and their options, from a seed."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from quiz.engine.selection import (
    PoolQuestion,
    SectionSpec,
    SelectionError,
    check_sections,
    draw_questions,
    option_order,
)


def make_pool() -> list[PoolQuestion]:
    """'api': 4 questions of each difficulty (ids 100-111); 'db': 3 easy, 2 medium, 1 hard (ids 200-205)."""
    pool = [PoolQuestion(100 + i, "api", 1 + i // 4) for i in range(12)]
    pool += [PoolQuestion(200 + i, "db", level) for i, level in enumerate([1, 1, 1, 2, 2, 3])]
    return pool


POOL = make_pool()
SECTIONS = [SectionSpec("api", 6, {1: 2, 2: 3, 3: 1}), SectionSpec("db", 4)]


def ids(questions: list[PoolQuestion]) -> list[int]:
    return [q.version_id for q in questions]


# --- seeds ----------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_draw_in_the_same_order() -> None:
    assert ids(draw_questions(POOL, SECTIONS, seed=7)) == ids(draw_questions(POOL, SECTIONS, seed=7))


def test_different_seeds_give_different_draws() -> None:
    draws = {tuple(ids(draw_questions(POOL, SECTIONS, seed=seed))) for seed in range(10)}
    # 10 seeds over C(4,2)*C(4,3)*C(4,1)*C(6,4) = 6*4*4*15 = 1440 selections times 10! orders:
    # a working shuffle gives (almost surely) 10 distinct draws; a seed that is ignored gives 1
    assert len(draws) >= 8


def test_different_seeds_pick_different_questions_not_only_a_different_order() -> None:
    picked = {frozenset(ids(draw_questions(POOL, SECTIONS, seed=seed))) for seed in range(10)}
    assert len(picked) > 1


def test_the_order_of_the_pool_given_does_not_change_the_draw() -> None:
    expected = ids(draw_questions(POOL, SECTIONS, seed=11))
    for shuffle_seed in range(5):
        shuffled = list(POOL)
        random.Random(shuffle_seed).shuffle(shuffled)
        assert ids(draw_questions(shuffled, SECTIONS, seed=11)) == expected
    assert ids(draw_questions(list(reversed(POOL)), SECTIONS, seed=11)) == expected


# --- counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_counts_per_area_and_difficulty_mix_are_exact(seed: int) -> None:
    drawn = draw_questions(POOL, SECTIONS, seed=seed)
    assert len(drawn) == 10  # 6 api + 4 db
    assert len(set(ids(drawn))) == 10  # no question twice
    assert set(drawn) <= set(POOL)
    assert Counter(q.area for q in drawn) == {"api": 6, "db": 4}
    assert Counter(q.difficulty for q in drawn if q.area == "api") == {1: 2, 2: 3, 3: 1}


def test_a_mix_with_a_zero_level_draws_none_of_that_level() -> None:
    drawn = draw_questions(POOL, [SectionSpec("api", 4, {1: 0, 2: 4})], seed=3)
    assert sorted(q.difficulty for q in drawn) == [2, 2, 2, 2]


def test_drawing_the_whole_pool_of_an_area_draws_every_question() -> None:
    drawn = draw_questions(POOL, [SectionSpec("db", 6)], seed=5)
    assert sorted(ids(drawn)) == [200, 201, 202, 203, 204, 205]


def test_one_section_does_not_change_the_draw_of_another() -> None:
    # each section has its own random stream, so adding 'db' leaves the 'api' questions alone
    alone = set(ids(draw_questions(POOL, [SECTIONS[0]], seed=9, shuffle=False)))
    together = {q.version_id for q in draw_questions(POOL, SECTIONS, seed=9, shuffle=False) if q.area == "api"}
    assert alone == together


# --- check_sections -----------------------------------------------------------------------------


def test_a_possible_draw_has_no_problems() -> None:
    assert check_sections(POOL, SECTIONS) == []


@pytest.mark.parametrize(
    ("sections", "problems"),
    [
        ([SectionSpec("db", 7)], ["db: 7 questions asked for, the pool has 6"]),
        ([SectionSpec("web", 1)], ["web: 1 question asked for, the pool has 0"]),
        ([SectionSpec("db", 0)], ["db: draw at least one question"]),
        ([SectionSpec("api", 5, {1: 2, 2: 2})], ["api: the difficulty mix adds up to 4, not 5"]),
        ([SectionSpec("db", 3, {3: 2, 2: 1})], ["db: 2 questions of difficulty 3 asked for, the pool has 1"]),
        ([SectionSpec("api", 2, {4: 2})], ["api: the difficulty mix must give counts for levels 1-3"]),
        ([SectionSpec("api", 1, {1: 2, 2: -1})], ["api: the difficulty mix must give counts for levels 1-3"]),
        ([SectionSpec("api", 1), SectionSpec("api", 2)], ["api: the area appears twice"]),
        (
            [SectionSpec("db", 5, {1: 4, 3: 2})],
            [
                "db: the difficulty mix adds up to 6, not 5",
                "db: 4 questions of difficulty 1 asked for, the pool has 3",
                "db: 2 questions of difficulty 3 asked for, the pool has 1",
            ],
        ),
    ],
)
def test_check_sections_reports_every_impossible_draw(sections: list[SectionSpec], problems: list[str]) -> None:
    assert check_sections(POOL, sections) == problems


@pytest.mark.parametrize(
    "sections",
    [[SectionSpec("db", 7)], [SectionSpec("api", 5, {1: 2, 2: 2})], [SectionSpec("db", 2), SectionSpec("db", 2)]],
)
def test_draw_questions_raises_selection_error_when_check_sections_complains(sections: list[SectionSpec]) -> None:
    with pytest.raises(SelectionError) as exc_info:
        draw_questions(POOL, sections, seed=1)
    assert str(exc_info.value) == "; ".join(check_sections(POOL, sections))


# --- order ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_without_shuffle_sections_keep_their_order_and_go_from_easy_to_hard(seed: int) -> None:
    sections = [SectionSpec("db", 4), SectionSpec("api", 6, {3: 2, 1: 2, 2: 2})]
    drawn = draw_questions(POOL, sections, seed=seed, shuffle=False)
    assert [q.area for q in drawn] == ["db"] * 4 + ["api"] * 6
    for area in ("db", "api"):
        part = [(q.difficulty, q.version_id) for q in drawn if q.area == area]
        assert part == sorted(part)
    assert [q.difficulty for q in drawn if q.area == "api"] == [1, 1, 2, 2, 3, 3]


def test_shuffle_only_reorders_the_questions_drawn_without_shuffle() -> None:
    plain = draw_questions(POOL, SECTIONS, seed=4, shuffle=False)
    shuffled = draw_questions(POOL, SECTIONS, seed=4, shuffle=True)
    assert sorted(ids(shuffled)) == sorted(ids(plain))


def test_shuffle_mixes_the_sections_for_some_seed() -> None:
    plain_areas = ["api"] * 6 + ["db"] * 4
    assert any(
        [q.area for q in draw_questions(POOL, SECTIONS, seed=seed)] != plain_areas for seed in range(10)
    )


# --- option_order ---------------------------------------------------------------------------------

OPTIONS = ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(("seed", "position"), [(1, 0), (1, 1), (2, 0), (99, 7)])
def test_option_order_is_a_deterministic_permutation(seed: int, position: int) -> None:
    order = option_order(OPTIONS, seed, position, shuffle=True)
    assert sorted(order) == OPTIONS
    assert option_order(OPTIONS, seed, position, shuffle=True) == order


def test_option_order_depends_on_seed_and_position() -> None:
    by_position = {tuple(option_order(OPTIONS, 1, position, shuffle=True)) for position in range(10)}
    by_seed = {tuple(option_order(OPTIONS, seed, 0, shuffle=True)) for seed in range(10)}
    # 5! = 120 orders; 10 draws landing on one order would mean the input is ignored
    assert len(by_position) > 1
    assert len(by_seed) > 1
    assert any(order != tuple(OPTIONS) for order in by_position)


def test_option_order_is_the_identity_without_shuffle() -> None:
    for seed, position in [(1, 0), (2, 3), (99, 7)]:
        assert option_order(OPTIONS, seed, position, shuffle=False) == OPTIONS


def test_option_order_does_not_change_its_input() -> None:
    given = list(OPTIONS)
    option_order(given, 5, 1, shuffle=True)
    assert given == OPTIONS
