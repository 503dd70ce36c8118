"""Drawing an attempt's questions from the pool, and shuffling them, from a seed.

The same pool, sections and seed always give the same attempt.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DIFFICULTIES = (1, 2, 3)


@dataclass(frozen=True)
class PoolQuestion:
    version_id: int
    area: str
    difficulty: int


@dataclass(frozen=True)
class SectionSpec:
    """Draw `count` questions of `area`; `mix` fixes how many of each difficulty, if given."""

    area: str
    count: int
    mix: Mapping[int, int] | None = None


class SelectionError(ValueError):
    """The pool cannot supply the draw asked for."""


def _questions(n: int) -> str:
    return f"{n} question" if n == 1 else f"{n} questions"


def check_sections(pool: Sequence[PoolQuestion], sections: Sequence[SectionSpec]) -> list[str]:
    """Every reason the pool cannot supply these sections, in words for the author."""
    problems: list[str] = []
    seen: set[str] = set()
    for section in sections:
        if section.area in seen:
            problems.append(f"{section.area}: the area appears twice")
        seen.add(section.area)
        if section.count < 1:
            problems.append(f"{section.area}: draw at least one question")
            continue
        available = [q for q in pool if q.area == section.area]
        if section.mix is None:
            if section.count > len(available):
                problems.append(
                    f"{section.area}: {_questions(section.count)} asked for, the pool has {len(available)}"
                )
            continue
        if any(level not in DIFFICULTIES or n < 0 for level, n in section.mix.items()):
            problems.append(f"{section.area}: the difficulty mix must give counts for levels 1-3")
            continue
        if sum(section.mix.values()) != section.count:
            problems.append(
                f"{section.area}: the difficulty mix adds up to {sum(section.mix.values())}, "
                f"not {section.count}"
            )
        for level in DIFFICULTIES:
            wanted = section.mix.get(level, 0)
            have = sum(1 for q in available if q.difficulty == level)
            if wanted > have:
                problems.append(
                    f"{section.area}: {_questions(wanted)} of difficulty {level} asked for, the pool has {have}"
                )
    return problems


def draw_questions(
    pool: Sequence[PoolQuestion],
    sections: Sequence[SectionSpec],
    seed: int,
    shuffle: bool = True,
) -> list[PoolQuestion]:
    """The attempt's questions in the order they are shown.

    Without shuffling, sections keep their order and each runs from easy to hard.
    """
    problems = check_sections(pool, sections)
    if problems:
        raise SelectionError("; ".join(problems))
    ordered_pool = sorted(pool, key=lambda q: q.version_id)
    drawn: list[PoolQuestion] = []
    for section in sections:
        rng = random.Random(f"{seed}:section:{section.area}")
        available = [q for q in ordered_pool if q.area == section.area]
        if section.mix is None:
            picked = rng.sample(available, section.count)
        else:
            picked = []
            for level in DIFFICULTIES:
                of_level = [q for q in available if q.difficulty == level]
                picked.extend(rng.sample(of_level, section.mix.get(level, 0)))
        drawn.extend(sorted(picked, key=lambda q: (q.difficulty, q.version_id)))
    if shuffle:
        random.Random(f"{seed}:order").shuffle(drawn)
    return drawn


def option_order(option_ids: Sequence[str], seed: int, position: int, shuffle: bool) -> list[str]:
    """The order an item's options are shown in."""
    order = list(option_ids)
    if shuffle:
        random.Random(f"{seed}:options:{position}").shuffle(order)
    return order
