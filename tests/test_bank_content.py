"""The shipped banks meet the content rules: enough questions, types and hard items per area,
every question explained, no give-away options, right answers spread over positions."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from quiz.engine.bankfile import BankFile, parse_bank

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"
BANK_FILES = sorted(QUESTIONS.glob("*.yaml"))
GIVE_AWAY = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|those)\b", re.IGNORECASE)


def parsed(path: Path) -> BankFile:
    bank, problems = parse_bank(path.read_text(encoding="utf-8"), str(path))
    assert not problems, "\n".join(str(p) for p in problems)
    assert bank is not None
    return bank


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_each_area_has_enough_questions_types_and_hard_items(path: Path) -> None:
    summary = parsed(path).summary()
    assert summary["questions"] >= 30
    assert len(summary["types"]) >= 3
    assert all(summary["difficulty"][level] >= 1 for level in ("1", "2"))
    assert summary["difficulty"]["3"] >= 8
    assert summary["with_explanation"] == summary["questions"]


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_no_give_away_options_and_right_answers_spread_over_positions(path: Path) -> None:
    bank = parsed(path)
    positions: Counter[int] = Counter()
    for question in bank.questions:
        options = question.payload.get("options", [])
        for option in options:
            assert not GIVE_AWAY.search(option["text"]), f"{question.key}: '{option['text']}'"
        if question.type == "single_choice":
            positions[next(i for i, o in enumerate(options) if o["correct"])] += 1
    total = sum(positions.values())
    if total >= 8:
        # no option position holds more than 40% of the right answers, and the first one is
        # not favoured (shuffling may be switched off by an assessment)
        assert max(positions.values()) <= 0.4 * total, dict(positions)



@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_the_right_option_does_not_stand_out_by_length(path: Path) -> None:
    """A test-wise candidate picks the longest option; it must not pay off. A question is cued
    when its right option is longest by a quarter and at least 15 characters."""
    single = [q for q in parsed(path).questions if q.type == "single_choice"]
    cued = []
    for question in single:
        longest, second = sorted(question.payload["options"], key=lambda o: len(o["text"]), reverse=True)[:2]
        if longest["correct"] and len(longest["text"]) >= max(1.25 * len(second["text"]), len(second["text"]) + 15):
            cued.append(question.key)
    assert len(cued) <= 0.1 * len(single), cued


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_prompts_do_not_repeat_what_the_page_says(path: Path) -> None:
    # the question page itself tells the candidate to select all that apply
    repeated = [q.key for q in parsed(path).questions if "select all that apply" in q.prompt.lower()]
    assert repeated == []


AREAS = {
    "server-side", "databases", "apis", "security", "data-handling", "version-control", "performance",
    "integrations", "infrastructure", "testing", "collaboration",
}


def test_banks_check_json_shows_every_area_meeting_the_rules(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["banks", "check", "--json", str(QUESTIONS)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["errors"] == []
    assert set(report["areas"]) == AREAS
    for slug, area in report["areas"].items():
        assert area["questions"] >= 30, slug
        assert len(area["types"]) >= 3, slug
        assert min(area["difficulty"].values()) >= 1 and area["difficulty"]["3"] >= 8, slug
        assert area["with_explanation"] == area["questions"], slug
    assert sum(area["questions"] for area in report["areas"].values()) >= 330
