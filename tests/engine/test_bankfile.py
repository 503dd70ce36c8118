"""Bank files: parsing, and problems reported as path:line: message."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from quiz.engine.bankfile import (
    MAX_DEPTH,
    BankArea,
    BankFile,
    BankQuestion,
    check_banks,
    check_question,
    dump_bank,
    parse_bank,
)
from quiz.engine.types.base import MAX_ANSWER_CHARS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
QUESTIONS = ROOT / "questions"

KNOWN_TYPES = "multiple_response, numeric, short_text, single_choice, sql, true_false"

# Lines 1-4 of every inline bank; its questions start on line 5.
HEADER = "area:\n  slug: alpha\n  title: Alpha\nquestions:\n"

# A valid true/false question on lines 5-10 when it follows HEADER.
TRUE_FALSE = (
    "  - key: q1\n"  # 5
    "    type: true_false\n"  # 6
    "    difficulty: 1\n"  # 7
    "    prompt: Is it?\n"  # 8
    "    answer: true\n"  # 9
    "    explanation: It is.\n"  # 10
)


def problems(text: str) -> list[str]:
    bank, found = parse_bank(text, "f.yaml")
    assert bank is None  # a file with problems gives no bank
    return [str(p) for p in found]


def parse_clean(text: str) -> BankFile:
    bank, found = parse_bank(text, "f.yaml")
    assert found == []
    assert bank is not None
    return bank


# --- a clean file -----------------------------------------------------------------------------


def test_a_clean_file_parses_to_a_bank_file() -> None:
    bank, found = parse_bank((DATA / "alpha.yaml").read_text(), "tests/data/alpha.yaml")
    assert found == []
    assert bank is not None
    assert bank.path == "tests/data/alpha.yaml"
    assert bank.area == BankArea("alpha", "Alpha skills", "A small bank for tests.")
    assert [(q.key, q.type, q.difficulty, q.line) for q in bank.questions] == [
        ("single", "single_choice", 1, 6),
        ("multi", "multiple_response", 2, 16),
        ("truth", "true_false", 1, 28),
        ("number", "numeric", 3, 34),
        ("text", "short_text", 2, 42),
    ]
    single, multi, truth, number, text = bank.questions
    assert single.prompt == "Pick **B**."
    assert single.explanation == "B is right."
    assert single.payload == {
        "options": [
            {"id": "a", "text": "A", "correct": False, "feedback": None},
            {"id": "b", "text": "B", "correct": True, "feedback": None},
            {"id": "c", "text": "C", "correct": False, "feedback": None},
        ]
    }
    assert [o["correct"] for o in multi.payload["options"]] == [True, True, False, False]
    assert truth.payload == {"answer": True}
    assert number.payload == {"min": 1000, "max": 1000, "value": 1000, "tolerance": 0, "unit": "ms"}
    assert text.payload == {"accepted": ["404"], "case_sensitive": False, "regex": "^(HTTP )?404( not found)?$"}
    assert (text.tags, text.reference) == ((), None)


def test_summary_counts_types_difficulties_and_explanations() -> None:
    bank = parse_clean((DATA / "alpha.yaml").read_text())
    assert bank.summary() == {
        "questions": 5,
        "types": {"multiple_response": 1, "numeric": 1, "short_text": 1, "single_choice": 1, "true_false": 1},
        "difficulty": {"1": 2, "2": 2, "3": 1},  # single, truth; multi, text; number
        "with_explanation": 5,
    }


def test_tags_reference_and_description_are_read_and_trimmed() -> None:
    bank = parse_clean(
        "area:\n  slug: alpha-two\n  title: '  Alpha  '\nquestions:\n"
        + TRUE_FALSE
        + "    tags: [http, ' rest ']\n    reference: RFC 9110\n"
    )
    assert bank.area == BankArea("alpha-two", "Alpha", "")
    [question] = bank.questions
    assert question.tags == ("http", "rest")
    assert question.reference == "RFC 9110"


def test_a_blank_reference_means_none() -> None:
    [question] = parse_clean(HEADER + TRUE_FALSE + "    reference: ''\n").questions
    assert question.reference is None


def test_an_unquoted_yes_option_is_reported_at_the_option_line() -> None:
    text = HEADER + (
        "  - key: pick\n"  # 5
        "    type: single_choice\n"  # 6
        "    difficulty: 1\n"  # 7
        "    prompt: Agree?\n"  # 8
        "    options:\n"  # 9
        "      - text: 'Yes'\n"  # 10
        "        correct: true\n"  # 11
        "      - text: No\n"  # 12: YAML 1.1 reads an unquoted No as false
        "    explanation: Yes.\n"  # 13
    )
    assert problems(text) == ["f.yaml:12: option 2: YAML read the text as bool; put it in quotes"]


def test_an_empty_question_list_is_a_valid_bank() -> None:
    bank = parse_clean(HEADER.replace("questions:\n", "questions: []\n"))
    assert bank.questions == ()
    assert bank.summary() == {
        "questions": 0, "types": {}, "difficulty": {"1": 0, "2": 0, "3": 0}, "with_explanation": 0,
    }


# --- problems, each at its line -------------------------------------------------------------------


def test_unknown_type_is_reported_at_the_type_line() -> None:
    text = HEADER + TRUE_FALSE.replace("type: true_false", "type: essay")
    assert problems(text) == [f"f.yaml:6: unknown type 'essay' (known: {KNOWN_TYPES})"]


def test_a_type_that_is_not_text_is_not_written_back() -> None:
    text = HEADER + TRUE_FALSE.replace("type: true_false", "type: [[essay], [essay]]")
    assert problems(text) == [f"f.yaml:6: 'type' must be the name of a type (known: {KNOWN_TYPES})"]


def test_missing_type_is_reported_at_the_question() -> None:
    text = HEADER + TRUE_FALSE.replace("    type: true_false\n", "")
    assert problems(text) == ["f.yaml:5: missing field 'type'"]


def test_unknown_field_is_reported_at_its_line() -> None:
    text = HEADER + TRUE_FALSE + "    hint: Think.\n"  # line 11
    assert problems(text) == ["f.yaml:11: unknown field 'hint' in a true_false question"]


def test_a_field_of_another_type_is_unknown() -> None:
    text = HEADER + TRUE_FALSE + "    options: []\n"  # line 11
    assert problems(text) == ["f.yaml:11: unknown field 'options' in a true_false question"]


def test_unknown_fields_of_the_file_and_the_area() -> None:
    text = "version: 2\narea:\n  slug: alpha\n  title: Alpha\n  owner: me\nquestions: []\n"
    assert problems(text) == [
        "f.yaml:1: unknown field 'version' in the file",
        "f.yaml:5: unknown field 'owner' in area",
    ]


def test_missing_explanation_is_reported_at_the_question() -> None:
    text = HEADER + TRUE_FALSE.replace("    explanation: It is.\n", "")
    assert problems(text) == ["f.yaml:5: missing field 'explanation'"]


def test_blank_prompt_is_reported_at_its_line() -> None:
    text = HEADER + TRUE_FALSE.replace("prompt: Is it?", "prompt: '  '")
    assert problems(text) == ["f.yaml:8: 'prompt' must be non-empty text"]


def test_duplicate_field_is_reported_at_the_second_occurrence() -> None:
    text = HEADER + TRUE_FALSE + "    prompt: Is it really?\n"  # line 11; the first prompt is on line 8
    assert problems(text) == ["f.yaml:11: duplicate field 'prompt'"]


def test_duplicate_question_key_is_reported_at_the_second_key() -> None:
    text = HEADER + TRUE_FALSE + TRUE_FALSE  # the second copy runs from line 11 to 16
    assert problems(text) == ["f.yaml:11: duplicate key 'q1' (first at line 5)"]


def test_bad_question_key_is_reported_at_its_line() -> None:
    text = HEADER + TRUE_FALSE.replace("key: q1", "key: Question_1")
    assert problems(text) == ["f.yaml:5: key 'Question_1' must be lowercase words joined by '-'"]


@pytest.mark.parametrize("difficulty", ["4", "0", "true", "easy", "2.0"])
def test_difficulty_outside_one_to_three_is_reported_at_its_line(difficulty: str) -> None:
    text = HEADER + TRUE_FALSE.replace("difficulty: 1", f"difficulty: {difficulty}")
    assert problems(text) == ["f.yaml:7: 'difficulty' must be 1, 2 or 3"]


def test_missing_difficulty_is_reported_at_the_question() -> None:
    text = HEADER + TRUE_FALSE.replace("    difficulty: 1\n", "")
    assert problems(text) == ["f.yaml:5: missing field 'difficulty'"]


def test_single_choice_with_two_correct_options_is_reported_at_the_options_line() -> None:
    text = HEADER + (
        "  - key: pick\n"  # 5
        "    type: single_choice\n"  # 6
        "    difficulty: 2\n"  # 7
        "    prompt: Pick one.\n"  # 8
        "    options:\n"  # 9
        "      - text: A\n"  # 10
        "        correct: true\n"  # 11
        "      - text: B\n"  # 12
        "        correct: true\n"  # 13
        "    explanation: Only one.\n"  # 14
    )
    assert problems(text) == ["f.yaml:9: 2 options are marked correct; exactly one must be"]


def test_duplicate_option_is_reported_at_the_option_line() -> None:
    text = HEADER + (
        "  - key: pick\n"  # 5
        "    type: multiple_response\n"  # 6
        "    difficulty: 2\n"  # 7
        "    prompt: Pick some.\n"  # 8
        "    options:\n"  # 9
        "      - text: GET\n"  # 10
        "        correct: true\n"  # 11
        "      - text: POST\n"  # 12
        "      - text: get\n"  # 13
        "    explanation: GET.\n"  # 14
    )
    assert problems(text) == ["f.yaml:13: duplicate option 'get'"]


def test_option_that_is_not_a_mapping_is_reported_at_its_line() -> None:
    text = HEADER + (
        "  - key: pick\n"  # 5
        "    type: single_choice\n"  # 6
        "    difficulty: 1\n"  # 7
        "    prompt: Pick one.\n"  # 8
        "    options:\n"  # 9
        "      - text: A\n"  # 10
        "        correct: true\n"  # 11
        "      - B\n"  # 12
        "    explanation: A.\n"  # 13
    )
    assert problems(text) == ["f.yaml:12: option 2 must be a mapping"]


def test_numeric_without_value_is_reported_at_the_question() -> None:
    text = HEADER + (
        "  - key: count\n"  # 5
        "    type: numeric\n"  # 6
        "    difficulty: 1\n"  # 7
        "    prompt: How many?\n"  # 8
        "    unit: ms\n"  # 9
        "    explanation: Many.\n"  # 10
    )
    assert problems(text) == ["f.yaml:5: a numeric question needs 'value' or 'min' and 'max'"]


def test_numeric_min_above_max_is_reported_at_the_min_line() -> None:
    text = HEADER + (
        "  - key: count\n"  # 5
        "    type: numeric\n"  # 6
        "    difficulty: 1\n"  # 7
        "    prompt: How many?\n"  # 8
        "    max: 1\n"  # 9
        "    min: 5\n"  # 10
        "    explanation: Many.\n"  # 11
    )
    assert problems(text) == ["f.yaml:10: 'min' (5) is greater than 'max' (1)"]


def test_yaml_syntax_error_reports_its_line() -> None:
    text = "area:\n  slug: alpha\n title: Alpha\nquestions: []\n"  # line 3 is indented by one space
    [problem] = problems(text)
    assert problem.startswith("f.yaml:3: YAML syntax error: ")


def test_a_tab_in_the_indentation_is_a_syntax_error_at_its_line() -> None:
    text = HEADER + TRUE_FALSE.replace("    answer: true", "\tanswer: true")  # line 9
    [problem] = problems(text)
    assert problem == "f.yaml:9: YAML syntax error: found character '\\t' that cannot start any token"


TOO_DEEP = f"the document is nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"


@pytest.mark.parametrize(("text", "line"), [
    ("- " * 400 + "x", 1), ("[" * 600, 1), ("{a: " * 1500, 1),
    ("\n\n" + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), 3),
    ("area:\n" + "".join(f"{'  ' * depth}- a:\n" for depth in range(MAX_DEPTH)), MAX_DEPTH // 2 + 1),
], ids=["block-lists", "flow-lists", "flow-mappings", "just-too-deep", "lists-of-mappings"])
def test_deeply_nested_yaml_is_a_problem_at_its_line(text: str, line: int) -> None:
    assert problems(text) == [f"f.yaml:{line}: {TOO_DEEP}"]  # not a RecursionError


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert problems(text) == ["f.yaml:1: a bank file must be a mapping with 'area' and 'questions'"]


@pytest.mark.parametrize("text", ["- area\n- questions\n", "just words\n", ""])
def test_top_level_must_be_a_mapping(text: str) -> None:
    assert problems(text) == ["f.yaml:1: a bank file must be a mapping with 'area' and 'questions'"]


@pytest.mark.parametrize("slug", ["Alpha", "alpha skills", "alpha--x", "-alpha", "alpha_x", "a" * 65])
def test_bad_slug_is_reported_at_its_line(slug: str) -> None:
    text = f"area:\n  title: Alpha\n  slug: '{slug}'\nquestions: []\n"
    assert problems(text) == [
        f"f.yaml:3: slug '{slug}' must be lowercase words joined by '-', at most 64 characters"
    ]


def test_a_slug_of_64_characters_is_fine() -> None:
    assert parse_clean(f"area:\n  title: Alpha\n  slug: {'a' * 64}\nquestions: []\n").area.slug == "a" * 64


def test_area_and_questions_of_the_wrong_shape() -> None:
    text = "area: alpha\nquestions:\n  key: q1\n"
    assert problems(text) == [
        "f.yaml:1: 'area' must be a mapping with slug and title",
        "f.yaml:2: 'questions' must be a list",
    ]


def test_a_question_that_is_not_a_mapping_is_reported_at_its_line() -> None:
    text = HEADER + TRUE_FALSE + "  - just a string\n"  # line 11
    assert problems(text) == ["f.yaml:11: each question must be a mapping"]


def test_every_problem_is_reported_in_line_order() -> None:
    text = HEADER + (
        "  - key: q1\n"  # 5
        "    type: true_false\n"  # 6
        "    difficulty: 4\n"  # 7
        "    prompt: Is it?\n"  # 8
        "    answer: maybe\n"  # 9
        "    hint: x\n"  # 10
        "  - key: q2\n"  # 11
        "    type: essay\n"  # 12
        "    difficulty: 1\n"  # 13
        "    prompt: Why?\n"  # 14
        "    explanation: Because.\n"  # 15
    )
    assert problems(text) == [
        "f.yaml:5: missing field 'explanation'",
        "f.yaml:7: 'difficulty' must be 1, 2 or 3",
        "f.yaml:9: 'answer' must be true or false",
        "f.yaml:10: unknown field 'hint' in a true_false question",
        f"f.yaml:12: unknown type 'essay' (known: {KNOWN_TYPES})",
    ]


# --- across files -------------------------------------------------------------------------------


def test_check_banks_parses_every_file() -> None:
    files = [(str(p), p.read_text()) for p in (DATA / "alpha.yaml", DATA / "beta.yaml")]
    banks, found = check_banks(files)
    assert found == []
    assert [(b.area.slug, len(b.questions)) for b in banks] == [("alpha", 5), ("beta", 3)]


def test_check_banks_reports_an_area_defined_in_two_files() -> None:
    alpha = (DATA / "alpha.yaml").read_text()
    beta = (DATA / "beta.yaml").read_text()
    banks, found = check_banks([("a.yaml", alpha), ("b.yaml", beta), ("c.yaml", alpha)])
    assert [str(p) for p in found] == ["c.yaml:1: area 'alpha' is also defined in a.yaml"]
    assert [b.path for b in banks] == ["a.yaml", "b.yaml"]


def test_check_banks_keeps_going_after_a_broken_file() -> None:
    broken = HEADER + TRUE_FALSE.replace("difficulty: 1", "difficulty: 9")
    banks, found = check_banks([("broken.yaml", broken), ("beta.yaml", (DATA / "beta.yaml").read_text())])
    assert [str(p) for p in found] == ["broken.yaml:7: 'difficulty' must be 1, 2 or 3"]
    assert [b.area.slug for b in banks] == ["beta"]


def test_the_real_banks_parse_with_no_problems() -> None:
    paths = sorted(QUESTIONS.glob("*.yaml"))
    assert paths, "no bank files found in questions/"
    banks, found = check_banks([(str(p), p.read_text(encoding="utf-8")) for p in paths])
    assert [str(p) for p in found] == []
    assert len(banks) == len(paths)
    assert all(bank.questions for bank in banks)


# --- content_hash ---------------------------------------------------------------------------------

CHOICE = HEADER + (
    "  - key: pick\n"
    "    type: single_choice\n"
    "    difficulty: 1\n"
    "    prompt: Pick one.\n"
    "    options:\n"
    "      - text: A\n"
    "        correct: true\n"
    "      - text: B\n"
    "    explanation: A.\n"
)


def only_question(text: str) -> BankQuestion:
    [question] = parse_clean(text).questions
    return question


def test_content_hash_is_stable_for_identical_content() -> None:
    first, second = only_question(CHOICE), only_question(CHOICE)
    assert first is not second
    assert first.content_hash() == second.content_hash()
    assert len(first.content_hash()) == 64  # a sha256 hex digest
    # the line a question stands on is not content: moving it down the file keeps its hash
    moved = only_question(CHOICE.replace("questions:\n", "questions:\n\n\n"))
    assert moved.line == first.line + 2
    assert moved.content_hash() == first.content_hash()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("prompt: Pick one.", "prompt: Pick one!"),
        ("text: B", "text: C"),
        ("explanation: A.", "explanation: A, of course."),
        ("difficulty: 1", "difficulty: 2"),
        ("      - text: B\n", "      - text: B\n        feedback: Not B.\n"),
    ],
)
def test_content_hash_changes_when_what_candidates_see_changes(old: str, new: str) -> None:
    changed = CHOICE.replace(old, new)
    assert changed != CHOICE
    assert only_question(changed).content_hash() != only_question(CHOICE).content_hash()


def test_content_hash_changes_when_options_are_reordered() -> None:
    swapped = CHOICE.replace(
        "      - text: A\n        correct: true\n      - text: B\n",
        "      - text: B\n      - text: A\n        correct: true\n",
    )
    assert only_question(swapped).content_hash() != only_question(CHOICE).content_hash()


def test_content_hash_depends_on_content_not_on_the_key() -> None:
    question = only_question(CHOICE)
    renamed = dataclasses.replace(question, key="renamed")
    assert renamed.content_hash() == question.content_hash()
    assert dataclasses.replace(question, tags=("x",)).content_hash() != question.content_hash()
    assert dataclasses.replace(question, reference="RFC 1").content_hash() != question.content_hash()


# --- lengths ------------------------------------------------------------------------------------


def test_a_title_longer_than_200_characters_is_reported_at_its_line() -> None:
    assert parse_clean(HEADER.replace("title: Alpha", f"title: {'T' * 200}") + TRUE_FALSE).area.title == "T" * 200
    text = HEADER.replace("title: Alpha", f"title: {'T' * 201}") + TRUE_FALSE
    assert problems(text) == ["f.yaml:3: 'title' is longer than 200 characters"]


def test_a_reference_longer_than_500_characters_is_reported_at_its_line() -> None:
    [question] = parse_clean(HEADER + TRUE_FALSE + f"    reference: {'r' * 500}\n").questions
    assert question.reference == "r" * 500
    text = HEADER + TRUE_FALSE + f"    reference: {'r' * 501}\n"  # line 11
    assert problems(text) == ["f.yaml:11: 'reference' is longer than 500 characters"]


def test_unknown_non_string_field_is_reported_at_its_line() -> None:
    text = ("area:\n  slug: a\n  title: A\nquestions:\n  - key: q\n    type: true_false\n    difficulty: 1\n"
            "    prompt: P\n    answer: true\n    explanation: E\n    2: x\n")
    assert [str(p) for p in parse_bank(text, "f.yaml")[1]] == ["f.yaml:11: unknown field '2' in a true_false question"]


def test_every_shipped_bank_survives_being_written_and_read_again() -> None:
    from quiz.engine.bankfile import dump_bank

    for path in sorted(Path(__file__).resolve().parents[2].joinpath("questions").glob("*.yaml")):
        bank, problems = parse_bank(path.read_text(encoding="utf-8"), str(path))
        assert bank is not None and problems == []
        again, problems = parse_bank(dump_bank(bank.area, bank.questions), "written.yaml")
        assert problems == [] and again is not None, problems[:3]
        assert again.area == bank.area
        written = [(q.key, q.content_hash()) for q in again.questions]
        assert written == [(q.key, q.content_hash()) for q in bank.questions]


def test_an_accepted_answer_too_long_to_type_is_reported_at_its_line() -> None:
    text = HEADER + (
        "  - key: q1\n"  # 5
        "    type: short_text\n"  # 6
        "    difficulty: 1\n"  # 7
        "    prompt: Type it.\n"  # 8
        "    accepted:\n"  # 9
        "      - short\n"  # 10
        f"      - {'x' * (MAX_ANSWER_CHARS + 1)}\n"  # 11
        "    explanation: Too long.\n"  # 12
    )
    assert problems(text) == [
        f"f.yaml:11: accepted answer 2 is longer than {MAX_ANSWER_CHARS} characters, more than a candidate can type"]


PLAIN_AREA = BankArea("b", "B", "")


def written_and_read(fields: dict[str, object], area: BankArea = PLAIN_AREA) -> tuple[str, BankFile]:
    """A valid question dumped with dump_bank, the text, and what parse_bank reads from it."""
    base: dict[str, object] = {"key": "q", "type": "single_choice", "difficulty": 2, "prompt": "Q?",
                               "explanation": "Why."}
    if fields.get("type", "single_choice") == "single_choice":
        base["options"] = [{"text": "A", "correct": True}, {"text": "B"}]
    question, messages = check_question({**base, **fields})
    assert messages == [] and question is not None
    text = dump_bank(area, [question])
    again = parse_clean(text)
    assert again.area == area
    assert [q.content_hash() for q in again.questions] == [question.content_hash()]
    return text, again


def test_dump_bank_keeps_empty_feedback_and_unit_and_a_float_zero_tolerance() -> None:
    text, again = written_and_read({"options": [{"text": "A", "correct": True, "feedback": ""}, {"text": "B"}]})
    assert "feedback: ''" in text and again.questions[0].payload["options"][0]["feedback"] == ""
    text, again = written_and_read({"type": "numeric", "value": 4, "tolerance": 0.0, "unit": ""})
    assert "tolerance: 0.0\n" in text and "unit: ''" in text
    assert type(again.questions[0].payload["tolerance"]) is float
    text, _ = written_and_read({"type": "numeric", "value": 4, "tolerance": 0})
    assert "tolerance" not in text  # 0, the default


@pytest.mark.parametrize(("value", "written"), [
    ("Two\nlines", "|-\n      Two\n      lines\n"), ("Ends\nwith one\n", "|\n      Ends\n      with one\n"),
    ("Ends\nwith two\n\n", "|+\n      Ends\n      with two\n\n"),
])
def test_dump_bank_writes_multi_line_text_as_a_block_with_the_right_chomping(value: str, written: str) -> None:
    text, _ = written_and_read({"options": [{"text": "A", "correct": True, "feedback": value}, {"text": "B"}]})
    assert f"feedback: {written}" in text


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_dump_bank_escapes_the_line_breaks_yaml_reads_differently(char: str) -> None:
    text, again = written_and_read({"prompt": f"Wait{char}what?", "type": "numeric", "value": 1,
                                    "unit": f"m{char}s"},
                                   area=BankArea("b", f"B{char}b", f"one{char}two\nthree"))
    assert char not in text  # written as an escape in double quotes
    assert again.questions[0].prompt == f"Wait{char}what?"


def test_check_question_uses_the_bank_file_rules() -> None:
    question, problems = check_question({"key": "k", "type": "true_false", "difficulty": 2, "prompt": "P?",
                                         "answer": True, "explanation": "E."})
    assert problems == [] and question is not None and question.payload == {"answer": True}
    question, problems = check_question({"key": "Bad Key", "type": "single_choice", "difficulty": 5, "prompt": "",
                                         "options": [{"text": "A"}, {"text": "a"}], "explanation": ""})
    assert question is None
    assert problems == ["key 'Bad Key' must be lowercase words joined by '-'", "'difficulty' must be 1, 2 or 3",
                        "'prompt' must be non-empty text", "'explanation' must be non-empty text",
                        "duplicate option 'a'"]
