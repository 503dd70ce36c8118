"""Integrity signals summarised as no, some or major concerns, each with its reasons."""

from __future__ import annotations

import pytest

from quiz.engine.integrity import Concern, IntegrityFacts, IntegritySummary, Thresholds, summarise_integrity


def level(**facts: float) -> Concern:
    return summarise_integrity(IntegrityFacts(**facts)).level


def test_no_signals_means_no_concern_and_no_reasons() -> None:
    summary = summarise_integrity(IntegrityFacts(answered=10, duration_seconds=1200))
    assert summary == IntegritySummary(Concern.NONE, ())


def test_concern_values_are_plain_strings() -> None:
    assert [c.value for c in Concern] == ["none", "some", "major"]
    assert Concern.MAJOR == "major"


# --- leaving the page --------------------------------------------------------------------


def test_focus_lost_twice_is_no_concern() -> None:
    assert summarise_integrity(IntegrityFacts(focus_lost=2)) == IntegritySummary(Concern.NONE, ())


def test_focus_lost_three_times_is_some_concern() -> None:
    summary = summarise_integrity(IntegrityFacts(focus_lost=3))
    assert summary == IntegritySummary(Concern.SOME, ("left the page 3 times",))


def test_focus_lost_nine_times_is_still_only_some_concern() -> None:
    assert level(focus_lost=9) is Concern.SOME


def test_focus_lost_ten_times_is_major_and_listed_once() -> None:
    summary = summarise_integrity(IntegrityFacts(focus_lost=10))
    assert summary == IntegritySummary(Concern.MAJOR, ("left the page 10 times",))


def test_hidden_for_24_percent_is_not_major() -> None:
    # 240 / 1000 = 0.24 < 0.25
    summary = summarise_integrity(IntegrityFacts(hidden_seconds=240, duration_seconds=1000))
    assert summary == IntegritySummary(Concern.NONE, ())


def test_hidden_for_25_percent_is_major() -> None:
    # 250 / 1000 = 0.25 ≥ 0.25
    summary = summarise_integrity(IntegrityFacts(hidden_seconds=250, duration_seconds=1000))
    assert summary == IntegritySummary(Concern.MAJOR, ("away from the page for 25% of the attempt (250 s)",))


def test_zero_duration_does_not_divide_by_zero() -> None:
    summary = summarise_integrity(IntegrityFacts(hidden_seconds=100, duration_seconds=0))
    assert summary == IntegritySummary(Concern.NONE, ())


# --- other browsers, addresses, pastes ---------------------------------------------------


def test_a_browser_change_alone_is_major() -> None:
    summary = summarise_integrity(IntegrityFacts(browser_changes=1))
    assert summary == IntegritySummary(Concern.MAJOR, ("continued in 1 other browser",))


def test_two_browser_changes_are_plural() -> None:
    assert summarise_integrity(IntegrityFacts(browser_changes=2)).reasons == ("continued in 2 other browsers",)


def test_an_ip_change_alone_is_some_concern() -> None:
    summary = summarise_integrity(IntegrityFacts(ip_changes=1))
    assert summary == IntegritySummary(Concern.SOME, ("answered from 1 other network address",))


def test_a_paste_is_some_concern() -> None:
    summary = summarise_integrity(IntegrityFacts(pastes=1))
    assert summary == IntegritySummary(Concern.SOME, ("pasted into answers 1 time",))


def test_several_pastes_are_plural() -> None:
    assert summarise_integrity(IntegrityFacts(pastes=4)).reasons == ("pasted into answers 4 times",)


# --- fast answers ------------------------------------------------------------------------


def test_two_fast_of_three_is_only_some_concern() -> None:
    # 2/3 = 0.67 ≥ 0.5, but fewer than 3 fast answers
    summary = summarise_integrity(IntegrityFacts(fast_answers=2, answered=3))
    assert summary == IntegritySummary(
        Concern.SOME, ("2 of 3 answers given within 5 s of the question appearing",)
    )


def test_three_fast_of_six_is_major() -> None:
    # 3/6 = 0.5 ≥ 0.5 and 3 ≥ 3
    summary = summarise_integrity(IntegrityFacts(fast_answers=3, answered=6))
    assert summary == IntegritySummary(
        Concern.MAJOR, ("3 of 6 answers given within 5 s of the question appearing",)
    )


def test_three_fast_of_seven_is_some_concern() -> None:
    # 3/7 = 0.43 < 0.5
    assert level(fast_answers=3, answered=7) is Concern.SOME


def test_fast_answers_with_nothing_answered_does_not_divide_by_zero() -> None:
    assert level(fast_answers=1, answered=0) is Concern.SOME


# --- several signals ---------------------------------------------------------------------


def test_some_concern_lists_every_contributing_signal_in_order() -> None:
    summary = summarise_integrity(IntegrityFacts(focus_lost=4, ip_changes=1, pastes=2, answered=10))
    assert summary == IntegritySummary(Concern.SOME, (
        "left the page 4 times",
        "answered from 1 other network address",
        "pasted into answers 2 times",
    ))


def test_major_summary_also_lists_the_some_reasons() -> None:
    summary = summarise_integrity(IntegrityFacts(
        focus_lost=3, hidden_seconds=300, duration_seconds=600, browser_changes=1, pastes=1,
        fast_answers=1, answered=8,
    ))
    # hidden: 300 / 600 = 50%; major reasons first, then the 'some' ones
    assert summary == IntegritySummary(Concern.MAJOR, (
        "away from the page for 50% of the attempt (300 s)",
        "continued in 1 other browser",
        "left the page 3 times",
        "pasted into answers 1 time",
        "1 of 8 answers given within 5 s of the question appearing",
    ))


# --- custom thresholds -------------------------------------------------------------------

STRICT = Thresholds(
    fast_answer_seconds=2.5, some_focus_lost=1, major_focus_lost=2, major_hidden_share=0.1, major_fast_share=0.25,
)
LENIENT = Thresholds(some_focus_lost=5, major_focus_lost=20, major_hidden_share=0.6, major_fast_share=0.9)


@pytest.mark.parametrize(("focus_lost", "strict", "lenient"), [
    (1, Concern.SOME, Concern.NONE),
    (2, Concern.MAJOR, Concern.NONE),
    (5, Concern.MAJOR, Concern.SOME),
    (19, Concern.MAJOR, Concern.SOME),
    (20, Concern.MAJOR, Concern.MAJOR),
])
def test_custom_focus_thresholds(focus_lost: int, strict: Concern, lenient: Concern) -> None:
    facts = IntegrityFacts(focus_lost=focus_lost)
    assert summarise_integrity(facts, STRICT).level is strict
    assert summarise_integrity(facts, LENIENT).level is lenient


def test_custom_hidden_share_threshold() -> None:
    # 100 / 1000 = 10%: major under STRICT (≥ 0.1); 500 / 1000 = 50%: not major under LENIENT (< 0.6)
    assert summarise_integrity(IntegrityFacts(hidden_seconds=100, duration_seconds=1000), STRICT).level is Concern.MAJOR
    assert summarise_integrity(IntegrityFacts(hidden_seconds=99, duration_seconds=1000), STRICT).level is Concern.NONE
    assert summarise_integrity(IntegrityFacts(hidden_seconds=500, duration_seconds=1000), LENIENT).level is Concern.NONE


def test_custom_fast_share_threshold_and_wording() -> None:
    # 3 / 12 = 0.25 ≥ 0.25 under STRICT; worded with its 2.5 s threshold
    summary = summarise_integrity(IntegrityFacts(fast_answers=3, answered=12), STRICT)
    assert summary == IntegritySummary(
        Concern.MAJOR, ("3 of 12 answers given within 2.5 s of the question appearing",)
    )
    # 5 / 6 = 0.83 < 0.9 under LENIENT
    assert summarise_integrity(IntegrityFacts(fast_answers=5, answered=6), LENIENT).level is Concern.SOME


def test_two_address_changes_read_well() -> None:
    summary = summarise_integrity(IntegrityFacts(ip_changes=2))
    assert summary.reasons == ("answered from 2 other network addresses",)


def test_hidden_time_is_capped_at_the_attempt() -> None:
    summary = summarise_integrity(IntegrityFacts(hidden_seconds=300, duration_seconds=200))
    assert summary.reasons == ("away from the page for 100% of the attempt (200 s)",)
