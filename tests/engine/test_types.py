"""Question types: building payloads, reading form values, grading and describing answers."""

from __future__ import annotations

from typing import Any

import pytest

from quiz.engine.types import REGISTRY, AnswerError, PayloadError, UnknownTypeError, get_type
from quiz.engine.types.base import MAX_ANSWER_CHARS

SINGLE = get_type("single_choice")
MULTI = get_type("multiple_response")
TF = get_type("true_false")
NUMERIC = get_type("numeric")
SHORT = get_type("short_text")


def options(*specs: str) -> list[dict[str, Any]]:
    """Options from specs like 'A' (wrong) or 'B*' (correct)."""
    return [{"text": s.rstrip("*"), "correct": s.endswith("*")} for s in specs]


def answer_error(qtype: Any, payload: Any, values: list[str]) -> str:
    """The message of the AnswerError that reading these values raises."""
    with pytest.raises(AnswerError) as exc_info:
        qtype.answer_from_values(payload, values)
    return str(exc_info.value)


def messages(exc_info: pytest.ExceptionInfo[PayloadError]) -> list[str]:
    return [p.message for p in exc_info.value.problems]


# The sample payloads used throughout: options get ids a, b, c, d in file order.
SINGLE_PAYLOAD = SINGLE.payload_from_fields({"options": options("A", "B*", "C")})
MULTI_PAYLOAD = MULTI.payload_from_fields({"options": options("A*", "B*", "C", "D")})  # R=2, W=2
TF_PAYLOAD = TF.payload_from_fields({"answer": True})
NUMERIC_PAYLOAD = NUMERIC.payload_from_fields({"value": 10, "tolerance": 0.5, "unit": "ms"})
RANGE_PAYLOAD = NUMERIC.payload_from_fields({"min": 1, "max": 2})
SHORT_PAYLOAD = SHORT.payload_from_fields({"accepted": ["SELECT DISTINCT", "DISTINCT"]})


# --- registry -------------------------------------------------------------------------------


def test_registry_holds_the_six_types_under_their_names() -> None:
    assert set(REGISTRY) == {"single_choice", "multiple_response", "true_false", "numeric", "short_text", "sql"}
    assert all(t.name == name for name, t in REGISTRY.items())


def test_get_type_rejects_an_unknown_name() -> None:
    with pytest.raises(UnknownTypeError):
        get_type("essay")


# --- payload_from_fields: valid fields --------------------------------------------------------


def test_single_choice_payload_numbers_options_in_file_order_and_trims_text() -> None:
    payload = SINGLE.payload_from_fields(
        {"options": [{"text": "  A  "}, {"text": "B", "correct": True, "feedback": "Yes."}, {"text": "3"}]}
    )
    assert payload == {
        "options": [
            {"id": "a", "text": "A", "correct": False, "feedback": None},
            {"id": "b", "text": "B", "correct": True, "feedback": "Yes."},
            {"id": "c", "text": "3", "correct": False, "feedback": None},
        ]
    }


def test_multiple_response_accepts_several_and_even_all_correct_options() -> None:
    assert [o["correct"] for o in MULTI_PAYLOAD["options"]] == [True, True, False, False]
    every = MULTI.payload_from_fields({"options": options("A*", "B*")})
    assert [o["correct"] for o in every["options"]] == [True, True]


def test_true_false_payload() -> None:
    assert TF.payload_from_fields({"answer": False}) == {"answer": False}


def test_numeric_payload_with_value_and_tolerance() -> None:
    # 10 - 0.5 = 9.5 and 10 + 0.5 = 10.5
    assert NUMERIC_PAYLOAD == {"min": 9.5, "max": 10.5, "value": 10, "tolerance": 0.5, "unit": "ms"}


def test_numeric_payload_tolerance_defaults_to_zero() -> None:
    assert NUMERIC.payload_from_fields({"value": 42}) == {
        "min": 42, "max": 42, "value": 42, "tolerance": 0, "unit": None,
    }


def test_numeric_payload_with_range() -> None:
    assert RANGE_PAYLOAD == {"min": 1, "max": 2, "value": None, "tolerance": None, "unit": None}
    # min == max is a one-point range, not an error
    assert NUMERIC.payload_from_fields({"min": 3, "max": 3})["min"] == 3


def test_short_text_payload() -> None:
    assert SHORT_PAYLOAD == {"accepted": ["SELECT DISTINCT", "DISTINCT"], "case_sensitive": False, "regex": None}
    # one text becomes a list of one, trimmed
    assert SHORT.payload_from_fields({"accepted": " 404 "})["accepted"] == ["404"]
    assert SHORT.payload_from_fields({"regex": "^4\\d\\d$"}) == {
        "accepted": [], "case_sensitive": False, "regex": "^4\\d\\d$",
    }


def test_short_text_same_answer_in_two_cases_is_fine_when_case_sensitive() -> None:
    payload = SHORT.payload_from_fields({"accepted": ["Null", "NULL"], "case_sensitive": True})
    assert payload["accepted"] == ["Null", "NULL"]


# --- payload_from_fields: invalid fields -------------------------------------------------------

ACCEPTED_TEXTS = "'accepted' must be a list of non-empty texts (quote numbers: \"404\")"


@pytest.mark.parametrize(
    ("qtype", "fields", "message"),
    [
        # a required field missing
        (SINGLE, {}, "missing field 'options' for type single_choice"),
        (MULTI, {}, "missing field 'options' for type multiple_response"),
        (TF, {}, "missing field 'answer' for type true_false"),
        # choice questions
        (SINGLE, {"options": []}, "'options' must be a non-empty list"),
        (SINGLE, {"options": "A, B"}, "'options' must be a non-empty list"),
        (SINGLE, {"options": options("A", "B")}, "no option is marked correct"),
        (SINGLE, {"options": options("A*", "B*", "C")}, "2 options are marked correct; exactly one must be"),
        (SINGLE, {"options": options("A*")}, "at least two options are needed"),
        (SINGLE, {"options": [{"text": "A", "correct": True}, "B"]}, "option 2 must be a mapping"),
        (SINGLE, {"options": [{"text": "A", "correct": True}, {"text": " "}]}, "option 2 has no text"),
        (SINGLE, {"options": [{"text": "A", "correct": True}, {"feedback": "B"}]}, "option 2 has no text"),
        # YAML reads unquoted yes / 3 / 1.5 as bool, int, float: the author is told to quote them
        (SINGLE, {"options": [{"text": True, "correct": True}, {"text": "B"}]},
         "option 1: YAML read the text as bool; put it in quotes"),
        (SINGLE, {"options": [{"text": "A", "correct": True}, {"text": 3}]},
         "option 2: YAML read the text as int; put it in quotes"),
        (SINGLE, {"options": [{"text": "A", "correct": "yes"}, {"text": "B"}]},
         "option 1: 'correct' must be true or false"),
        (SINGLE, {"options": [{"text": "A", "correct": True, "colour": "red"}, {"text": "B"}]},
         "option 1: unknown field 'colour'"),
        (SINGLE, {"options": [{"text": "A", "correct": True, "feedback": 3}, {"text": "B"}]},
         "option 1: 'feedback' must be text"),
        (SINGLE, {"options": options(*[f"O{i}" for i in range(26)], "Z*")}, "at most 26 options"),
        (MULTI, {"options": options("A", "B")}, "no option is marked correct"),
        # true or false
        (TF, {"answer": "yes"}, "'answer' must be true or false"),
        (TF, {"answer": 1}, "'answer' must be true or false"),
        # numeric
        (NUMERIC, {}, "a numeric question needs 'value' or 'min' and 'max'"),
        (NUMERIC, {"unit": "ms"}, "a numeric question needs 'value' or 'min' and 'max'"),
        (NUMERIC, {"value": "ten"}, "'value' must be a number"),
        (NUMERIC, {"value": True}, "'value' must be a number"),
        (NUMERIC, {"value": float("nan")}, "'value' must be a number"),
        (NUMERIC, {"value": 10, "tolerance": -0.5}, "'tolerance' must be a number of at least 0"),
        (NUMERIC, {"value": 10, "tolerance": "half"}, "'tolerance' must be a number of at least 0"),
        (NUMERIC, {"min": 5, "max": 1}, "'min' (5) is greater than 'max' (1)"),
        (NUMERIC, {"min": 1}, "a range needs numbers 'min' and 'max'"),
        (NUMERIC, {"value": 1, "min": 0, "max": 2},
         "give either 'value' (with 'tolerance') or 'min' and 'max', not both"),
        (NUMERIC, {"value": 1, "unit": 5}, "'unit' must be text"),
        # short text
        (SHORT, {}, "a short text question needs 'accepted' answers or a 'regex'"),
        (SHORT, {"accepted": []}, "a short text question needs 'accepted' answers or a 'regex'"),
        (SHORT, {"accepted": ["x", ""]}, ACCEPTED_TEXTS),
        (SHORT, {"accepted": [True]}, ACCEPTED_TEXTS),
        (SHORT, {"accepted": [404]}, ACCEPTED_TEXTS),
        (SHORT, {"accepted": 404}, ACCEPTED_TEXTS),
        (SHORT, {"accepted": ["Distinct", " DISTINCT "]}, "an accepted answer is listed twice"),
        (SHORT, {"accepted": ["x"], "case_sensitive": "no"}, "'case_sensitive' must be true or false"),
        (SHORT, {"regex": ""}, "'regex' must be a non-empty text"),
    ],
)
def test_invalid_fields_raise_payload_error_with_a_useful_message(
    qtype: Any, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(PayloadError) as exc_info:
        qtype.payload_from_fields(fields)
    assert message in messages(exc_info)


def test_duplicate_option_text_is_caught_ignoring_case_and_points_at_the_second_option() -> None:
    with pytest.raises(PayloadError) as exc_info:
        SINGLE.payload_from_fields({"options": [{"text": "Yes", "correct": True}, {"text": " YES "}, {"text": "No"}]})
    [problem] = exc_info.value.problems
    assert (problem.field, problem.message, problem.index) == ("options", "duplicate option 'YES'", 1)


def test_short_text_bad_regex_reports_the_compile_error() -> None:
    with pytest.raises(PayloadError) as exc_info:
        SHORT.payload_from_fields({"regex": "(unclosed"})
    [problem] = exc_info.value.problems
    assert problem.field == "regex"
    assert problem.message.startswith("'regex' does not compile: missing ), unterminated subpattern")


def test_short_text_refuses_an_accepted_answer_too_long_to_type() -> None:
    at_limit = "x" * MAX_ANSWER_CHARS
    payload = SHORT.payload_from_fields({"accepted": ["short", f"  {at_limit}  "]})  # measured once trimmed
    assert SHORT.grade(payload, SHORT.answer_from_values(payload, [at_limit])) == 1.0
    with pytest.raises(PayloadError) as exc_info:
        SHORT.payload_from_fields({"accepted": ["short", at_limit + "x"]})
    [problem] = exc_info.value.problems
    assert (problem.field, problem.message, problem.index) == (
        "accepted", f"accepted answer 2 is longer than {MAX_ANSWER_CHARS} characters, more than a candidate can type",
        1)


def test_payload_error_lists_every_problem() -> None:
    with pytest.raises(PayloadError) as exc_info:
        NUMERIC.payload_from_fields({"tolerance": 1})
    assert messages(exc_info) == [
        "'tolerance' goes with 'value'",
        "a numeric question needs 'value' or 'min' and 'max'",
    ]
    assert str(exc_info.value) == "'tolerance' goes with 'value'; a numeric question needs 'value' or 'min' and 'max'"


# --- answer_from_values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qtype", "payload"),
    [(SINGLE, SINGLE_PAYLOAD), (MULTI, MULTI_PAYLOAD), (TF, TF_PAYLOAD), (NUMERIC, NUMERIC_PAYLOAD),
     (SHORT, SHORT_PAYLOAD)],
)
@pytest.mark.parametrize("values", [[], [""]])
def test_blank_values_mean_no_answer(qtype: Any, payload: Any, values: list[str]) -> None:
    assert qtype.answer_from_values(payload, values) is None


@pytest.mark.parametrize(
    ("qtype", "payload"), [(TF, TF_PAYLOAD), (NUMERIC, NUMERIC_PAYLOAD), (SHORT, SHORT_PAYLOAD)]
)
def test_whitespace_only_text_means_no_answer(qtype: Any, payload: Any) -> None:
    assert qtype.answer_from_values(payload, ["   "]) is None


def test_single_choice_reads_one_known_option() -> None:
    assert SINGLE.answer_from_values(SINGLE_PAYLOAD, ["b"]) == {"choice": "b"}
    assert SINGLE.answer_from_values(SINGLE_PAYLOAD, ["", "c"]) == {"choice": "c"}


@pytest.mark.parametrize(
    ("values", "message"),
    [(["z"], "That option is not one of this question's options."),
     (["a", "b"], "Choose one option only.")],
)
def test_single_choice_rejects_unknown_or_several_options(values: list[str], message: str) -> None:
    assert answer_error(SINGLE, SINGLE_PAYLOAD, values) == message


def test_multiple_response_reads_a_sorted_set_of_known_options() -> None:
    assert MULTI.answer_from_values(MULTI_PAYLOAD, ["c", "a", "c", ""]) == {"choices": ["a", "c"]}


def test_multiple_response_rejects_an_unknown_option() -> None:
    message = answer_error(MULTI, MULTI_PAYLOAD, ["a", "e"])
    assert message == "That option is not one of this question's options."


@pytest.mark.parametrize(("value", "reading"), [("true", True), ("False", False), (" TRUE ", True)])
def test_true_false_reads_true_or_false_in_any_case(value: str, reading: bool) -> None:
    assert TF.answer_from_values(TF_PAYLOAD, [value]) == {"value": reading}


def test_true_false_rejects_other_words() -> None:
    assert answer_error(TF, TF_PAYLOAD, ["yes"]) == "Answer true or false."


@pytest.mark.parametrize(
    ("qtype", "payload", "values"),
    [(TF, TF_PAYLOAD, ["true", "false"]), (NUMERIC, NUMERIC_PAYLOAD, ["1", "2"]), (SHORT, SHORT_PAYLOAD, ["a", "b"])],
)
def test_two_values_for_a_single_valued_type_are_rejected(qtype: Any, payload: Any, values: list[str]) -> None:
    assert answer_error(qtype, payload, values) == "Give one answer only."


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42.0),
        ("3,5", 3.5),  # a decimal comma when there is no point
        ("-0,25", -0.25),
        ("1,000", 1000.0),  # commas between groups of three digits separate thousands
        ("1,000,000", 1000000.0),
        ("12,345.5", 12345.5),
        ("1 000", 1000.0),  # spaces between digit groups
        ("1\u00a0000", 1000.0),  # a no-break space, as some keyboards type
        ("1_000", 1000.0),
        ("-.5", -0.5),
        ("+2.5e3", 2500.0),  # 2.5 * 10**3
        (" 7 ", 7.0),
    ],
)
def test_numeric_reads_numbers_as_people_type_them(text: str, value: float) -> None:
    answer = NUMERIC.answer_from_values(NUMERIC_PAYLOAD, [text])
    assert answer == {"value": value, "text": text.strip()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Enter a number, such as 42 or 3.5."),
        ("nan", "Enter a number, such as 42 or 3.5."),
        ("inf", "Enter a number, such as 42 or 3.5."),
        ("-Infinity", "Enter a number, such as 42 or 3.5."),
        ("1.2.3", "Enter a number, such as 42 or 3.5."),
        ("1,2,3", "Enter a number, such as 42 or 3.5."),  # neither thousands nor a decimal comma
        ("1,5.5", "Enter a number, such as 42 or 3.5."),
        ("0x10", "Enter a number, such as 42 or 3.5."),
        ("1e999", "Enter a finite number."),  # parses, but overflows to inf
    ],
)
def test_numeric_rejects_what_is_not_a_finite_number(text: str, message: str) -> None:
    assert answer_error(NUMERIC, NUMERIC_PAYLOAD, [text]) == message


def test_short_text_keeps_the_trimmed_text() -> None:
    assert SHORT.answer_from_values(SHORT_PAYLOAD, ["  select  distinct "]) == {"text": "select  distinct"}


def test_answers_longer_than_the_limit_are_rejected() -> None:
    at_limit = "x" * MAX_ANSWER_CHARS
    assert SHORT.answer_from_values(SHORT_PAYLOAD, [at_limit]) == {"text": at_limit}
    message = answer_error(SHORT, SHORT_PAYLOAD, [at_limit + "x"])
    assert message == f"The answer is too long (at most {MAX_ANSWER_CHARS} characters)."


# --- values_from_answer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qtype", "payload", "values"),
    [
        (SINGLE, SINGLE_PAYLOAD, ["b"]),
        (MULTI, MULTI_PAYLOAD, ["a", "c", "d"]),
        (TF, TF_PAYLOAD, ["true"]),
        (TF, TF_PAYLOAD, ["false"]),
        (NUMERIC, NUMERIC_PAYLOAD, ["3,5"]),
        (NUMERIC, NUMERIC_PAYLOAD, ["1 000"]),
        (SHORT, SHORT_PAYLOAD, ["select distinct"]),
    ],
)
def test_values_from_answer_round_trips(qtype: Any, payload: Any, values: list[str]) -> None:
    answer = qtype.answer_from_values(payload, values)
    assert qtype.values_from_answer(payload, answer) == values
    assert qtype.answer_from_values(payload, qtype.values_from_answer(payload, answer)) == answer


@pytest.mark.parametrize(
    ("qtype", "payload"),
    [(SINGLE, SINGLE_PAYLOAD), (MULTI, MULTI_PAYLOAD), (TF, TF_PAYLOAD), (NUMERIC, NUMERIC_PAYLOAD),
     (SHORT, SHORT_PAYLOAD)],
)
def test_no_answer_shows_no_values_and_grades_zero(qtype: Any, payload: Any) -> None:
    assert qtype.values_from_answer(payload, None) == []
    assert qtype.grade(payload, None) == 0.0
    assert qtype.describe_answer(payload, None) == ""


# --- grade ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("choice", "grade"), [("a", 0.0), ("b", 1.0), ("c", 0.0)])
def test_single_choice_grade(choice: str, grade: float) -> None:
    assert SINGLE.grade(SINGLE_PAYLOAD, {"choice": choice}) == grade


@pytest.mark.parametrize(
    ("choices", "grade"),
    [
        # A and B right (R=2), C and D wrong (W=2): each right pick +1/2, each wrong pick -1/2
        (["a"], 0.5),  # 1/2
        (["a", "b"], 1.0),  # 2/2
        (["a", "c"], 0.0),  # 1/2 - 1/2
        (["a", "b", "c"], 0.5),  # 2/2 - 1/2
        (["a", "b", "c", "d"], 0.0),  # 2/2 - 2/2
        (["a", "c", "d"], 0.0),  # 1/2 - 2/2 = -0.5, clamped to 0
        (["b", "c", "d"], 0.0),  # 1/2 - 2/2 = -0.5, clamped to 0
        (["c"], 0.0),  # 0 - 1/2, clamped to 0
    ],
)
def test_multiple_response_partial_credit(choices: list[str], grade: float) -> None:
    assert MULTI.grade(MULTI_PAYLOAD, {"choices": choices}) == grade


def test_multiple_response_partial_credit_with_uneven_counts() -> None:
    # A, B, C right (R=3), D wrong (W=1)
    payload = MULTI.payload_from_fields({"options": options("A*", "B*", "C*", "D")})
    assert MULTI.grade(payload, {"choices": ["a", "b"]}) == pytest.approx(2 / 3)  # 2/3
    assert MULTI.grade(payload, {"choices": ["a", "b", "c", "d"]}) == 0.0  # 3/3 - 1/1
    # all options right (W=0): nothing to lose
    every = MULTI.payload_from_fields({"options": options("A*", "B*")})
    assert MULTI.grade(every, {"choices": ["a"]}) == 0.5  # 1/2


@pytest.mark.parametrize(("value", "grade"), [(True, 1.0), (False, 0.0)])
def test_true_false_grade(value: bool, grade: float) -> None:
    assert TF.grade(TF_PAYLOAD, {"value": value}) == grade
    assert TF.grade(TF.payload_from_fields({"answer": False}), {"value": value}) == 1.0 - grade


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        # value 10, tolerance 0.5: right from 9.5 to 10.5, both ends included
        ("10", 1.0),
        ("9.5", 1.0),
        ("10.5", 1.0),
        ("10,5", 1.0),
        ("10.51", 0.0),
        ("9.49", 0.0),
        ("-10", 0.0),
    ],
)
def test_numeric_tolerance_boundaries_are_inclusive(text: str, grade: float) -> None:
    assert NUMERIC.grade(NUMERIC_PAYLOAD, NUMERIC.answer_from_values(NUMERIC_PAYLOAD, [text])) == grade


@pytest.mark.parametrize(("value", "grade"), [(1, 1.0), (1.5, 1.0), (2, 1.0), (0.99, 0.0), (2.01, 0.0)])
def test_numeric_range_is_inclusive(value: float, grade: float) -> None:
    assert NUMERIC.grade(RANGE_PAYLOAD, {"value": value, "text": str(value)}) == grade


def test_numeric_float_representation_errors_cost_no_mark() -> None:
    exact = NUMERIC.payload_from_fields({"value": 0.3})
    # 0.1 + 0.2 is 0.30000000000000004 in floats: the error the grading must forgive
    assert NUMERIC.grade(exact, {"value": 0.1 + 0.2, "text": "0.30000000000000004"}) == 1.0
    # ...but a real difference still counts: 0.300001 is 1e-6 off, far above the slack
    assert NUMERIC.grade(exact, {"value": 0.300001, "text": "0.300001"}) == 0.0
    # value 0.3, tolerance 0.1: the ends 0.3 - 0.1 = 0.19999999999999998 and 0.4 are computed in floats
    banded = NUMERIC.payload_from_fields({"value": 0.3, "tolerance": 0.1})
    assert NUMERIC.grade(banded, {"value": 0.2, "text": "0.2"}) == 1.0
    assert NUMERIC.grade(banded, {"value": 0.4, "text": "0.4"}) == 1.0
    assert NUMERIC.grade(banded, {"value": 0.41, "text": "0.41"}) == 0.0


def test_numeric_grade_ignores_a_stored_value_that_is_not_a_number() -> None:
    assert NUMERIC.grade(NUMERIC_PAYLOAD, {"value": "10", "text": "10"}) == 0.0


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("SELECT DISTINCT", 1.0),
        ("  Select   distinct ", 1.0),  # case folded, whitespace trimmed and collapsed
        ("distinct", 1.0),
        ("SELECT  DISTINCT  ON", 0.0),
        ("DISTINCTS", 0.0),
    ],
)
def test_short_text_normalises_case_and_whitespace(text: str, grade: float) -> None:
    assert SHORT.grade(SHORT_PAYLOAD, {"text": text}) == grade


def test_short_text_respects_case_sensitive() -> None:
    payload = SHORT.payload_from_fields({"accepted": ["NULL"], "case_sensitive": True})
    assert SHORT.grade(payload, {"text": " NULL "}) == 1.0
    assert SHORT.grade(payload, {"text": "null"}) == 0.0
    assert SHORT.grade(payload, {"text": "Null"}) == 0.0


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("404", 1.0),
        ("HTTP 404", 1.0),
        ("http   404", 1.0),  # whitespace collapsed, case ignored
        ("4040", 0.0),  # a partial match is not enough
        ("error 404", 0.0),
        ("40", 0.0),
    ],
)
def test_short_text_regex_must_match_the_whole_answer(text: str, grade: float) -> None:
    payload = SHORT.payload_from_fields({"regex": "(HTTP )?40[0-9]"})
    assert SHORT.grade(payload, {"text": text}) == grade


def test_short_text_regex_is_case_sensitive_when_asked() -> None:
    payload = SHORT.payload_from_fields({"regex": "HTTP 404", "case_sensitive": True})
    assert SHORT.grade(payload, {"text": "HTTP 404"}) == 1.0
    assert SHORT.grade(payload, {"text": "http 404"}) == 0.0


@pytest.mark.parametrize(
    ("qtype", "payload"),
    [(SINGLE, SINGLE_PAYLOAD), (MULTI, MULTI_PAYLOAD), (TF, TF_PAYLOAD), (NUMERIC, NUMERIC_PAYLOAD),
     (SHORT, SHORT_PAYLOAD)],
)
def test_an_empty_answer_grades_zero(qtype: Any, payload: Any) -> None:
    assert qtype.grade(payload, {}) == 0.0


# --- describe_key / describe_answer ------------------------------------------------------------


def test_choice_descriptions_use_option_texts() -> None:
    assert SINGLE.describe_key(SINGLE_PAYLOAD) == "B"
    assert SINGLE.describe_answer(SINGLE_PAYLOAD, {"choice": "c"}) == "C"
    assert MULTI.describe_key(MULTI_PAYLOAD) == "A; B"
    assert MULTI.describe_answer(MULTI_PAYLOAD, {"choices": ["a", "d"]}) == "A; D"


def test_true_false_descriptions() -> None:
    assert TF.describe_key(TF_PAYLOAD) == "True"
    assert TF.describe_key(TF.payload_from_fields({"answer": False})) == "False"
    assert TF.describe_answer(TF_PAYLOAD, {"value": False}) == "False"


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"value": 10, "tolerance": 0.5, "unit": "ms"}, "10 ± 0.5 ms"),
        ({"value": 1000, "tolerance": 0}, "1000"),
        ({"value": 2.5, "unit": "s"}, "2.5 s"),
        ({"min": 1, "max": 2, "unit": "KiB"}, "1 to 2 KiB"),
    ],
)
def test_numeric_describe_key(fields: dict[str, Any], key: str) -> None:
    assert NUMERIC.describe_key(NUMERIC.payload_from_fields(fields)) == key


def test_numeric_describe_answer_shows_what_was_typed() -> None:
    answer = NUMERIC.answer_from_values(NUMERIC_PAYLOAD, [" 1 000 "])
    assert NUMERIC.describe_answer(NUMERIC_PAYLOAD, answer) == "1 000"


def test_short_text_descriptions() -> None:
    assert SHORT.describe_key(SHORT_PAYLOAD) == "SELECT DISTINCT / DISTINCT"
    assert SHORT.describe_key(SHORT.payload_from_fields({"regex": "40[0-9]"})) == "text matching 40[0-9]"
    assert SHORT.describe_answer(SHORT_PAYLOAD, {"text": "distinct"}) == "distinct"


def test_numeric_range_with_tolerance_is_rejected() -> None:
    with pytest.raises(PayloadError) as exc_info:
        get_type("numeric").payload_from_fields({"min": 1, "max": 2, "tolerance": 5})
    assert "'tolerance' goes with 'value'" in [p.message for p in exc_info.value.problems]


@pytest.mark.parametrize(("value", "off_by_one"), [(1073741824, "1073741825"), (5_000_000_000, "5000000004")])
def test_exact_large_integer_answer_off_by_one_is_wrong(value: int, off_by_one: str) -> None:
    numeric = get_type("numeric")
    payload = numeric.payload_from_fields({"value": value})
    assert numeric.grade(payload, numeric.answer_from_values(payload, [off_by_one])) == 0.0
    assert numeric.grade(payload, numeric.answer_from_values(payload, [str(value)])) == 1.0


def test_whitespace_only_choice_is_blank() -> None:
    single = get_type("single_choice")
    payload = single.payload_from_fields({"options": [{"text": "A", "correct": True}, {"text": "B"}]})
    assert single.answer_from_values(payload, [" "]) is None


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("single_choice", {"options": [{"text": "A"}, {"text": "B", "correct": True}]}),
        ("multiple_response",
         {"options": [{"text": "A", "correct": True}, {"text": "B"}, {"text": "C", "correct": True}]}),
        ("true_false", {"answer": False}),
        ("numeric", {"value": 2.5, "tolerance": 0.1}),
        ("numeric", {"min": 10, "max": 20}),
        ("short_text", {"accepted": ["SELECT", "select"], "case_sensitive": True}),
    ],
)
def test_key_values_answer_the_question_right(name: str, fields: dict[str, Any]) -> None:
    qtype = get_type(name)
    payload = qtype.payload_from_fields(fields)
    assert qtype.grade(payload, qtype.answer_from_values(payload, qtype.key_values(payload))) == 1.0


def test_single_choice_partial_credit_on_a_wrong_option() -> None:
    single = get_type("single_choice")
    payload = single.payload_from_fields({"options": [
        {"text": "Right", "correct": True}, {"text": "Half right", "credit": 50}, {"text": "Wrong"}]})
    assert [single.grade(payload, {"choice": c}) for c in "abc"] == [1.0, 0.5, 0.0]
    for bad in ({"text": "X", "credit": 100}, {"text": "X", "credit": 0}, {"text": "X", "credit": "50"},
                {"text": "X", "credit": 30, "correct": True}):
        with pytest.raises(PayloadError, match="credit"):
            single.payload_from_fields({"options": [{"text": "Right", "correct": True}, bad]})
    with pytest.raises(PayloadError, match="multiple response shares the marks equally"):
        get_type("multiple_response").payload_from_fields(
            {"options": [{"text": "A", "correct": True}, {"text": "B", "credit": 50}]})
