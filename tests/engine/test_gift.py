"""GIFT import and export: every construct read field by field, problems by line, and round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from quiz.engine.bankfile import BankArea, BankFile, BankQuestion, check_question, parse_bank
from quiz.engine.gift import GiftImport, export_gift, parse_gift
from quiz.engine.types import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
GIFT = ROOT / "tests" / "data" / "gift"
SHIPPED = sorted((ROOT / "questions").glob("*.yaml"))
DEFAULT = BankArea("default", "Default area", "")


def option(ident: str, text: str, correct: bool = False, feedback: str | None = None,
           credit: float | None = None) -> dict[str, Any]:
    """An option as the choice types store it."""
    built = {"id": ident, "text": text, "correct": correct, "feedback": feedback}
    if credit is not None:
        built["credit"] = credit
    return built


def tf(key: str, prompt: str, answer: bool, explanation: str, line: int) -> BankQuestion:
    return BankQuestion(key, "true_false", 2, prompt, {"answer": answer}, explanation, line=line)


def numeric(value: float | None = None, tolerance: float | None = None, low: float | None = None,
            high: float | None = None, unit: str | None = None) -> dict[str, Any]:
    if value is not None:
        tol = 0 if tolerance is None else tolerance
        return {"min": value - tol, "max": value + tol, "value": value, "tolerance": tol, "unit": unit}
    return {"min": low, "max": high, "value": None, "tolerance": None, "unit": unit}


def clean(text: str, default_area: BankArea | None = None) -> GiftImport:
    result = parse_gift(text, "t.gift", default_area)
    assert [str(p) for p in result.problems] == []
    return result


def problems(text: str, default_area: BankArea | None = DEFAULT) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in parse_gift(text, "t.gift", default_area).problems]


def identities(banks: list[BankFile]) -> list[tuple[BankArea, list[tuple[str, str]]]]:
    """What must survive a round trip: each area, and each question's key and content."""
    return [(bank.area, [(q.key, q.content_hash()) for q in bank.questions]) for bank in banks]


def bank_from_yaml(questions_yaml: str) -> BankFile:
    text = "area:\n  slug: edge\n  title: Edge cases\nquestions:\n" + questions_yaml
    bank, found = parse_bank(text, "edge.yaml")
    assert found == []
    assert bank is not None
    return bank


# --- import: every construct, field by field ---------------------------------------------------


EXPECTED_DATABASE = [
    BankQuestion(
        "left-join-filter", "single_choice", 3,
        "How many rows does `LEFT JOIN` keep when `WHERE` tests the right table?",
        {"options": [
            option("a", "Only the left rows that match", True, "Right: the filter runs after the join."),
            option("b", "Every left row", False, "Half marks: true without the filter.", credit=50),
            option("c", "No rows"),
        ]},
        "The `WHERE` filter removes the NULL-extended rows.",
        tags=("sql", "joins"), reference="PostgreSQL 16 manual, 7.2.1.1", line=8,
    ),
    BankQuestion(
        "idempotent-methods", "multiple_response", 2, "Which methods are idempotent?",
        {"options": [option("a", "PUT", True), option("b", "DELETE", True, "Yes."),
                     option("c", "POST", False, "No.")]},
        "PUT and DELETE.", line=15,
    ),
    BankQuestion(
        "safe-methods", "multiple_response", 1, "Which methods are *safe*?",
        {"options": [option("a", "GET", True), option("b", "HEAD", True), option("c", "OPTIONS", True),
                     option("d", "POST"), option("e", "PATCH", False, "Changes state.")]},
        "GET, HEAD and OPTIONS only read.", line=18,
    ),
    tf("true-or-false-a-primary-key-column-can", "True or false: a primary key column can hold NULL.", False,
       "A primary key implies NOT NULL.", 28),
    tf("foreign-keys", "Foreign keys need an index on the referencing side in PostgreSQL.", False,
       "PostgreSQL does not create it.\n\nIt is allowed without one.\n\nRight, but add one for deletes.", 30),
    tf("unique-nulls", "Two NULLs never clash in a UNIQUE column (PostgreSQL 14).", True,
       "NULLs are distinct by default.", 32),
    tf("drop-column", "DROP COLUMN rewrites the whole table.", True, "It only marks the column dropped.", 34),
    tf("back-again", "Database design again?", True, "Yes.", 83),
]

EXPECTED_APIS = [
    BankQuestion(
        "status-codes", "single_choice", 2, "Which status means Created?",
        {"options": [option("a", "201", True), option("b", "<i>200</i> stays"),
                     option("c", "202", False, "Accepted is for later work.")]},
        "201 & a Location header.", tags=("status-codes",), line=41,
    ),
    BankQuestion(
        "every-escape", "short_text", 2,
        "Escapes: tilde ~, equals =, hash #, braces {}, colon :, backslash \\ and a\nnew line.",
        {"accepted": ["a=b", "x~y"], "case_sensitive": True, "regex": "a=b|x~y"},
        "Done: {ok}.", line=50,
    ),
    BankQuestion("round-trip", "numeric", 3, "How long is a round trip (ms)?",
                 {"min": 2.5, "max": 3.5, "value": 3, "tolerance": 0.5, "unit": "ms"},
                 "Three, give or take.", line=58),
    BankQuestion("round-trip-2", "numeric", 2, "How many hops?",
                 {"min": 3, "max": 3, "value": 3, "tolerance": 0, "unit": None}, "Three.", line=60),
    BankQuestion("range", "numeric", 2, "Pick a number from 1 to 5.",
                 {"min": 1, "max": 5, "value": None, "tolerance": None, "unit": None}, "Any of them.", line=62),
    BankQuestion("moodle-numeric", "numeric", 2, "What is six times seven?",
                 {"min": 42, "max": 42, "value": 42, "tolerance": 0, "unit": None}, "Forty-two.", line=64),
    BankQuestion("moodle-short", "short_text", 2, "Say yes.",
                 {"accepted": ["yes", "oui"], "case_sensitive": False, "regex": None}, "Yes.", line=69),
    BankQuestion("code", "short_text", 2, "What does this print?\n```python\nprint(1)\n\nprint(2)\n```",
                 {"accepted": ["1 2"], "case_sensitive": False, "regex": None}, "Two lines.", line=75),
]


@pytest.fixture(scope="module")
def everything() -> GiftImport:
    return parse_gift((GIFT / "everything.gift").read_text(), "tests/data/gift/everything.gift")


def test_every_construct_imports_without_problems(everything: GiftImport) -> None:
    assert everything.problems == []
    assert [bank.path for bank in everything.banks] == ["tests/data/gift/everything.gift"] * 2


def test_categories_become_areas_and_a_repeated_category_adds_to_its_area(everything: GiftImport) -> None:
    assert [bank.area for bank in everything.banks] == [
        BankArea("database-design", "Database design", ""),
        BankArea("apis", "API development", "HTTP APIs.\nStatus codes too."),
    ]


@pytest.mark.parametrize("index", range(len(EXPECTED_DATABASE)))
def test_database_design_questions_field_by_field(everything: GiftImport, index: int) -> None:
    assert everything.banks[0].questions[index] == EXPECTED_DATABASE[index]


@pytest.mark.parametrize("index", range(len(EXPECTED_APIS)))
def test_apis_questions_field_by_field(everything: GiftImport, index: int) -> None:
    assert everything.banks[1].questions[index] == EXPECTED_APIS[index]


def test_no_question_is_left_over(everything: GiftImport) -> None:
    assert len(everything.banks[0].questions) == len(EXPECTED_DATABASE)
    assert len(everything.banks[1].questions) == len(EXPECTED_APIS)


def test_imported_questions_are_what_the_bank_checks_build() -> None:
    question = clean("$CATEGORY: x\n\n::Q::Pick.{=A#Yes. ~%25%B ~C####Because.}").banks[0].questions[0]
    fields = {"options": [{"text": "A", "correct": True, "feedback": "Yes."}, {"text": "B", "credit": 25},
                          {"text": "C"}]}
    assert question.payload == REGISTRY["single_choice"].payload_from_fields(fields)


# --- import: details -------------------------------------------------------------------------------


def test_default_area_takes_questions_before_any_category() -> None:
    result = clean("::Q::Is it?{T####Yes.}\n\n$CATEGORY: Other\n\n::R::Is it?{F####No.}", DEFAULT)
    assert [(bank.area, [q.key for q in bank.questions]) for bank in result.banks] == [
        (DEFAULT, ["q"]), (BankArea("other", "Other", ""), ["r"]),
    ]


def test_without_category_or_default_area_the_question_has_nowhere_to_go() -> None:
    result = parse_gift("// a comment\n::Q::Is it?{T####Yes.}\n\n::R::Is it?{F####No.}", "t.gift")
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "no $CATEGORY line before this question, and no default area was given"),
    ]
    assert result.banks == []


def test_category_path_and_slug() -> None:
    result = clean("$CATEGORY: $course$/top/Café & Bar//Pub\n\n::Q::Is it?{T####Yes.}")
    assert result.banks[0].area == BankArea("cafe-bar-pub", "Café & Bar/Pub", "")


def test_a_category_without_letters_is_a_problem_and_its_questions_go_nowhere() -> None:
    result = parse_gift("$CATEGORY: $course$/!!!\n\n::Q::Is it?{T####Yes.}", "t.gift", DEFAULT)
    assert [(p.line, p.message) for p in result.problems] == [
        (1, "cannot make an area from the category '$course$/!!!': its last part has no letters or digits"),
    ]
    assert result.banks == []


def test_area_comment_must_follow_a_category_and_cannot_retitle_an_area() -> None:
    text = ("// area: Lost\n::Q::Is it?{T####Yes.}\n\n$CATEGORY: a\n// area: First\n\n"
            "$CATEGORY: a\n// area: Second\n\n::R::Is it?{T####Yes.}")
    assert problems(text) == [
        (1, "'// area:' must follow a $CATEGORY line"),
        (8, "area 'a' already has the title 'First' (line 5)"),
    ]


def test_keys_are_unique_within_an_area_but_not_across_areas() -> None:
    text = ("$CATEGORY: a\n\n::Same Title::One?{T####Yes.}\n\n::same title!::Two?{T####Yes.}\n\n"
            "Same title{T####Yes.}\n\n$CATEGORY: b\n\n::Same title::Three?{T####Yes.}")
    result = clean(text)
    assert [[q.key for q in bank.questions] for bank in result.banks] == [
        ["same-title", "same-title-2", "same-title-3"], ["same-title"],
    ]


def test_a_key_from_the_prompt_uses_its_first_words() -> None:
    result = clean("::!!!::Is **this** the first, second, third, fourth and fifth word?{T####Yes.}", DEFAULT)
    assert result.banks[0].questions[0].key == "is-this-the-first-second-third-fourth-and"


def test_html_in_answers_and_feedback_follows_the_question_format_unless_given_its_own() -> None:
    text = "::Q::[html]<b>Bold</b> &lt;tag&gt;?{=<i>A</i>#[markdown]*kept* ~[plain]<i>B</i>####[moodle]<p>x</p>}"
    question = clean(text, DEFAULT).banks[0].questions[0]
    assert question.prompt == "Bold <tag>?"
    assert question.payload["options"] == [option("a", "A", True, "*kept*"), option("b", "<i>B</i>")]
    assert question.explanation == "<p>x</p>"


def test_hostile_html_becomes_plain_text() -> None:
    text = ("::Hostile::[html]<p>Is <script>alert('x')</script><b>this</b> safe?</p><img src=x onerror=alert(1)>"
            "{=Yes<script>alert(2)</script> ~<style>p\\{\\}</style>No"
            "####<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">Because</a> it is text.}")
    question = clean(text, DEFAULT).banks[0].questions[0]
    assert question.prompt == "Is this safe?"
    assert [o["text"] for o in question.payload["options"]] == ["Yes", "No"]
    assert question.explanation == "Because it is text."


def test_html_paragraphs_and_breaks_become_new_lines() -> None:
    question = clean("::Q::[html]<p>One</p><p>Two<br/>Three</p>{T####Yes.}", DEFAULT).banks[0].questions[0]
    assert question.prompt == "One\n\nTwo\nThree"


def test_special_comments_apply_only_to_the_question_right_after_them() -> None:
    text = ("// difficulty: 3\n\n::Q::Is it?{T####Yes.}\n\n"
            "// difficulty: 1\n// reference:  RFC 9110, 15.5.10 \n::R::Is it?{T####Yes.}")
    first, second = clean(text, DEFAULT).banks[0].questions
    assert (first.difficulty, first.reference) == (2, None)
    assert (second.difficulty, second.reference) == (1, "RFC 9110, 15.5.10")


def test_field_problems_are_reported_at_the_line_of_the_comment_or_option() -> None:
    text = ("// tags: a,,b\n// case-sensitive\n// tags: c\n::Q::Pick.{\n=A\n~B\n~a\n####Why.}\n\n"
            "// regex: (\n::R::Name?{=x####Why.}\n\n::S::How many?{#1..x####Why.}\n\n::T::How many?{#5..1####Why.}")
    assert problems(text) == [
        (1, "'tags' must be a list of words"),
        (2, "unknown field 'case_sensitive' in a single_choice question"),
        (3, "'// tags' is given twice (first at line 1)"),
        (7, "duplicate option 'a'"),
        (10, "'regex' does not compile: missing ), unterminated subpattern at position 0"),
        (13, "cannot read the numeric answer '1..x': write #value, #value:tolerance or #min..max"),
        (15, "'min' (5) is greater than 'max' (1)"),
    ]


def test_choice_without_a_right_option_and_single_choice_with_two() -> None:
    assert problems("::Q::Pick.{~A ~B####Why.}\n\n::R::Pick.{=A =B ~C####Why.}") == [
        (1, "no option is marked correct"),
        (3, "2 options are marked correct; exactly one must be"),
    ]


def test_multiple_response_shares_are_accepted_within_a_hundredth() -> None:
    text = "::Q::Pick.{~%33.33%A ~%33.33%B ~%33.34%C ~%-33.333%D ~%-33.333%E ~%-33.333%F####Why.}"
    question = clean(text, DEFAULT).banks[0].questions[0]
    assert question.type == "multiple_response"
    assert [o["correct"] for o in question.payload["options"]] == [True, True, True, False, False, False]
    assert problems("::Q::Pick.{~%33.3%A ~%33.3%B ~%33.4%C####Why.}")[0][1].startswith(
        "unsupported: unequal weights cannot be represented")


def test_multiple_response_without_negative_weights_keeps_zero_options_wrong() -> None:
    question = clean("::Q::Pick.{~%50%A ~%50%B ~C####Why.}", DEFAULT).banks[0].questions[0]
    assert question.type == "multiple_response"
    assert [o["correct"] for o in question.payload["options"]] == [True, True, False]


def test_comment_lines_inside_a_question_are_dropped_and_crlf_counts_lines() -> None:
    text = "\ufeff$CATEGORY: x\r\n\r\n::Q::Pick\r\n// not text\r\none.{=A ~B####Why.}\r\n\r\n::R::Oops{=a"
    result = parse_gift(text, "t.gift")
    assert result.banks[0].questions[0].prompt == "Pick\none."
    assert [(p.line, p.message.split(":")[0]) for p in result.problems] == [(7, "cannot read the question")]


def test_a_file_with_problems_keeps_the_questions_it_could_read() -> None:
    result = parse_gift("$CATEGORY: x\n\n::Bad::Is it?{T}\n\n::Good::Is it?{F####No.}", "t.gift")
    assert [(p.line, p.message) for p in result.problems] == [(3, "no explanation: add #### general feedback")]
    assert [q.key for q in result.banks[0].questions] == ["good"]


# --- import: unsupported constructs, by line -------------------------------------------------------


UNEQUAL = ("unsupported: unequal weights cannot be represented (multiple response gives each of R right options "
           "100/R% and each of W wrong options -100/W%, or 0% to all wrong options)")


def test_every_unsupported_construct_is_reported_at_its_line() -> None:
    result = parse_gift((GIFT / "problems.gift").read_text(), "p.gift")
    assert [(p.path, p.line, p.message) for p in result.problems] == [
        ("p.gift", 3, "unsupported: matching"),
        ("p.gift", 5, "unsupported: essay (an empty answer block)"),
        ("p.gift", 7, "unsupported: description (a question without an answer block in braces)"),
        ("p.gift", 9, "unsupported: missing word (text after the answer block)"),
        ("p.gift", 11, "unsupported: partial credit in a short answer"),
        ("p.gift", 13, "unsupported: several numeric answers (only one value or range)"),
        ("p.gift", 15, UNEQUAL),
        ("p.gift", 17, "no explanation: add #### general feedback"),
        ("p.gift", 19, "cannot read the question: its braces do not pair up (write a literal brace as \\{ or \\})"),
        ("p.gift", 21, "cannot read the question: the title is not closed with '::'"),
        ("p.gift", 23, "'difficulty' must be 1, 2 or 3"),
        ("p.gift", 24, "unknown field 'unit' in a single_choice question"),
        ("p.gift", 27, "duplicate option 'same'"),
        ("p.gift", 33, "cannot read the answer block: start each answer with '=' (short answer) or '~' "
                       "(multiple choice), or write T, F, TRUE, FALSE or #number"),
        ("p.gift", 35, "unsupported: feedback on a short answer (put it in the #### general feedback)"),
        ("p.gift", 37, "unsupported: feedback on a numeric answer (put it in the #### general feedback)"),
        ("p.gift", 39, "unsupported: weight -50% in a single-choice question "
                       "(only 100%, 0% and partial credit between them)"),
        ("p.gift", 41, UNEQUAL),
    ]
    assert [(bank.area.slug, [q.key for q in bank.questions]) for bank in result.banks] == [("problems", ["fine"])]


def test_partial_credit_on_a_numeric_answer_is_unsupported() -> None:
    assert problems("\n::Q::How many?{#=%50%3####Why.}") == [(2, "unsupported: partial credit on a numeric answer")]


NOT_FINITE = "is not a finite number (a weight is a percentage, such as %50%)"


@pytest.mark.parametrize(("answers", "shown"), [
    ("=A ~%1e999%B", "%1e999%"), ("=%1e999%A ~B", "%1e999%"), ("~%50%A ~%50%B ~%-1e999%C", "%-1e999%"),
    ("=A ~%1" + "0" * 400 + "%B", "%100000000000...% (401 characters)"), ("=%1e999%right", "%1e999%"),
    ("#=%1e999%3", "%1e999%"),
], ids=["credit", "right-option", "wrong-share", "400-digits", "short-answer", "numeric"])
def test_a_weight_that_is_not_a_finite_number_is_unsupported(answers: str, shown: str) -> None:
    assert problems(f"\n::Q::Which?{{{answers} ####Why.}}") == [(2, f"unsupported: weight {shown} {NOT_FINITE}")]


# --- export ----------------------------------------------------------------------------------------


SMALL_BANK = """\
  - key: pick-one
    type: single_choice
    difficulty: 1
    prompt: "Which {brace} = #1: ~?"
    options:
      - text: A
        correct: true
        feedback: Yes.
      - text: B
        credit: 50
      - text: C
    explanation: Because.
    tags: [x, y]
    reference: RFC 1
  - key: pick-all
    type: multiple_response
    difficulty: 3
    prompt: Pick all.
    options:
      - {text: A, correct: true}
      - {text: B, correct: true}
      - {text: C, correct: true}
      - {text: D}
    explanation: Three.
  - key: how-long
    type: numeric
    difficulty: 2
    prompt: How long?
    value: 2.5
    tolerance: 0.5
    unit: ms
    explanation: About.
  - key: how-many
    type: numeric
    difficulty: 2
    prompt: How many?
    min: 1
    max: 5
    explanation: Some.
  - key: name-it
    type: short_text
    difficulty: 2
    prompt: Name it.
    accepted: [a=b]
    case_sensitive: true
    regex: 'a=b\\d'
    explanation: So.
  - key: is-it
    type: true_false
    difficulty: 2
    prompt: Is it?
    answer: true
    explanation: It is.
"""

SMALL_GIFT = """\
$CATEGORY: edge
// area: Edge cases

// difficulty: 1
// tags: x, y
// reference: RFC 1
::pick-one::[markdown]Which \\{brace\\} \\= \\#1\\: \\~?{
\t=A#Yes.
\t~%50%B
\t~C
\t####Because.
}

// difficulty: 3
::pick-all::[markdown]Pick all.{
\t~%33.33333%A
\t~%33.33333%B
\t~%33.33333%C
\t~%-100%D
\t####Three.
}

// difficulty: 2
// unit: ms
::how-long::[markdown]How long?{
\t#2.5:0.5
\t####About.
}

// difficulty: 2
::how-many::[markdown]How many?{
\t#1..5
\t####Some.
}

// difficulty: 2
// case-sensitive
// regex: a=b\\d
::name-it::[markdown]Name it.{
\t=a\\=b
\t####So.
}

// difficulty: 2
::is-it::[markdown]Is it?{
\tTRUE
\t####It is.
}
"""


def test_export_writes_categories_comments_weights_and_escapes() -> None:
    text, found = export_gift([bank_from_yaml(SMALL_BANK)])
    assert found == []
    assert text == SMALL_GIFT


def test_export_of_no_banks_is_empty() -> None:
    assert export_gift([]) == ("", [])


def test_blank_lines_and_comment_lines_inside_texts_are_joined_with_escapes() -> None:
    bank = bank_from_yaml("""\
  - key: code
    type: single_choice
    difficulty: 2
    prompt: |
      Look:

      ```js
      // say hi
      console.log("a\\n\\\\d");
      ```
    options:
      - text: "%50% of it"
        correct: true
        feedback: "\\nstarts and ends with new lines\\n"
      - text: "[html] <b>not html</b>"
        feedback: "[plain] kept"
    explanation: |
      [moodle] first.

         //indented
""")
    text, found = export_gift([bank])
    assert found == []
    assert len(text.split("\n\n")) == 2  # the category, then the question as one block
    assert [line for line in text.split("\n") if line.strip().startswith("//")] == [
        "// area: Edge cases", "// difficulty: 2"]
    assert "Look\\:\\n\n```js\\n// say hi\nconsole.log(\"a\\\\n\\\\\\\\d\");\n```{" in text
    assert identities(clean(text).banks) == identities([bank])


def test_numbers_keep_their_type_through_the_round_trip() -> None:
    bank = bank_from_yaml("""\
  - {key: a, type: numeric, difficulty: 2, prompt: A, value: 4.0, explanation: x}
  - {key: b, type: numeric, difficulty: 2, prompt: B, value: 4, tolerance: 0.0, explanation: x}
  - {key: c, type: numeric, difficulty: 2, prompt: C, value: -1.0e+20, tolerance: 3, explanation: x}
  - {key: d, type: numeric, difficulty: 2, prompt: D, min: -5, max: -0.5, unit: "% of it", explanation: x}
""")
    text, found = export_gift([bank])
    assert found == []
    answers = [line.strip() for line in text.split("\n") if line.startswith("\t#") and not line.startswith("\t####")]
    assert answers == ["#4.0", "#4:0.0", "#-1e+20:3", "#-5..-0.5"]
    reimported = clean(text).banks
    assert identities(reimported) == identities([bank])  # the hash tells 4 from 4.0
    assert [(type(q.payload["value"]), type(q.payload["tolerance"])) for q in reimported[0].questions] == [
        (float, int), (int, float), (float, int), (type(None), type(None))]


def test_export_reports_what_gift_cannot_carry() -> None:
    def question(key: str, qtype: str, fields: dict[str, Any], tags: tuple[str, ...] = (), line: int = 0,
                 ) -> BankQuestion:
        return BankQuestion(key, qtype, 2, "Q?", REGISTRY[qtype].payload_from_fields(fields), "Why.",
                            tags=tags, line=line)

    bank = BankFile("b.yaml", BankArea("b", "B\nB", ""), (
        question("regex-only", "short_text", {"regex": "\\d+"}, line=5),
        question("arrow", "short_text", {"accepted": ["a->b"]}, line=9),
        question("spaces", "single_choice", {"options": [{"text": "A", "correct": True, "feedback": " x"},
                                                         {"text": "B"}]}, line=14),
        question("commas", "true_false", {"answer": True}, tags=("a,b",), line=20),
        question("Not_A_Key", "numeric", {"value": 1, "unit": "ms "}, line=25),
    ))
    text, found = export_gift([bank])
    assert [(p.path, p.line, p.message) for p in found] == [
        ("b.yaml", 1, "the area has a line break or spaces at its ends, which a GIFT comment cannot carry"),
        ("b.yaml", 5, "a short text question with only a regex cannot be written in GIFT: it was left out"),
        ("b.yaml", 9, "the accepted answer 'a->b' would read as a matching question"),
        ("b.yaml", 14, "the feedback of option a starts or ends with whitespace, which GIFT does not keep"),
        ("b.yaml", 20, "a tag with a comma cannot be carried by '// tags:'"),
        ("b.yaml", 25, "the key 'Not_A_Key' would not come back the same from a GIFT title"),
        ("b.yaml", 25, "the unit has a line break or spaces at its ends, which a GIFT comment cannot carry"),
    ]
    assert "regex-only" not in text
    assert "::arrow::" in text and "::commas::" in text


PLAIN_AREA = BankArea("b", "B", "")


def one_bank(*questions: BankQuestion, area: BankArea = PLAIN_AREA) -> BankFile:
    """The questions on lines 2, 3... of one bank (export reports a problem at its question's line)."""
    return BankFile("b.yaml", area, tuple(dataclasses.replace(q, line=n) for n, q in enumerate(questions, 2)))


def choice(key: str, feedback: str | None = None, **fields: Any) -> BankQuestion:
    options = [{"text": "A", "correct": True, "feedback": feedback}, {"text": "B"}]
    question, messages = check_question({"key": key, "type": "single_choice", "difficulty": 2, "prompt": "Q?",
                                         "options": options, "explanation": "Why.", **fields})
    assert messages == [] and question is not None
    return question


@pytest.mark.parametrize("feedback", ["Yes.\xa0", "\u2028Yes.", "Yes.\x0b", "\u3000Yes.", " Yes.", "Yes.\t"])
def test_export_reports_any_whitespace_at_the_ends_of_a_text_that_import_strips(feedback: str) -> None:
    _, found = export_gift([one_bank(choice("q", feedback))])
    assert [(p.line, p.message) for p in found] == [
        (2, "the feedback of option a starts or ends with whitespace, which GIFT does not keep")]


@pytest.mark.parametrize("feedback", ["\nYes.", "Yes.\n", "Yes.\xa0\n", "Yes\u2028no.", ""])
def test_export_writes_a_newline_at_the_ends_of_a_text_as_an_escape_that_import_keeps(feedback: str) -> None:
    bank = one_bank(choice("q", feedback))
    text, found = export_gift([bank])
    assert found == []
    assert identities(clean(text).banks) == identities([bank])


@pytest.mark.parametrize(("fields", "area", "message"), [
    ({"tags": ["a\ue001"]}, BankArea("b", "B", ""), (2, "the tags has a character U+E000 to U+E007, which GIFT "
                                                        "cannot carry")),
    ({"reference": "RFC \ue001"}, BankArea("b", "B", ""), (2, "the reference has a character U+E000 to U+E007, "
                                                              "which GIFT cannot carry")),
    ({}, BankArea("b", "B\ue007", ""), (1, "the area has a character U+E000 to U+E007, which GIFT cannot carry")),
    ({}, BankArea("b", "B", "d\ue000"), (1, "the description has a character U+E000 to U+E007, which GIFT cannot "
                                            "carry")),
], ids=["tag", "reference", "area-title", "description"])
def test_export_reports_a_character_reserved_for_the_importer_in_a_comment(
        fields: dict[str, Any], area: BankArea, message: tuple[int, str]) -> None:
    _, found = export_gift([one_bank(choice("q", **fields), area=area)])
    assert [(p.line, p.message) for p in found] == [message]


def test_export_reports_a_reserved_character_in_a_unit_or_regex() -> None:
    unit = BankQuestion("u", "numeric", 2, "Q?", REGISTRY["numeric"].payload_from_fields(
        {"value": 1, "unit": "m\ue003s"}), "Why.")
    regex = BankQuestion("r", "short_text", 2, "Q?", REGISTRY["short_text"].payload_from_fields(
        {"accepted": ["a"], "regex": "a\ue004"}), "Why.")
    _, found = export_gift([one_bank(unit, regex)])
    assert [(p.line, p.message) for p in found] == [
        (2, "the unit has a character U+E000 to U+E007, which GIFT cannot carry"),
        (3, "the regex has a character U+E000 to U+E007, which GIFT cannot carry")]


LINE_BREAK = "has a line break or spaces at its ends, which a GIFT comment cannot carry"


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\x0b", "\x85", "\u2028", "\u2029"])
def test_a_line_break_in_a_comment_is_reported_and_stays_in_its_question(brk: str) -> None:
    unit = BankQuestion("unit", "numeric", 2, "Q?", REGISTRY["numeric"].payload_from_fields(
        {"value": 1, "unit": f"ms{brk}// difficulty: 3"}), "Why.")
    regex = BankQuestion("regex", "short_text", 2, "Q?", REGISTRY["short_text"].payload_from_fields(
        {"accepted": ["a"], "regex": f"a{brk}$CATEGORY: regex"}), "Why.")
    bank = one_bank(choice("first", reference=f"RFC 1{brk}$CATEGORY: elsewhere"), choice("tags", tags=[f"a{brk}b"]),
                    unit, regex, choice("last"),
                    area=BankArea("b", f"B{brk}$CATEGORY: other", f"d{brk}// area: D"))
    text, found = export_gift([bank])
    description = [] if brk == "\n" else [(1, f"the description {LINE_BREAK}")]  # '// description:' escapes \n
    assert [(p.line, p.message) for p in found] == [
        (1, f"the area {LINE_BREAK}"), *description, (2, f"the reference {LINE_BREAK}"),
        (3, f"the tags {LINE_BREAK}"), (4, f"the unit {LINE_BREAK}"), (5, f"the regex {LINE_BREAK}")]
    assert [line for line in text.splitlines() if line.startswith("$CATEGORY")] == ["$CATEGORY: b"]
    result = parse_gift(text, "e.gift")
    assert result.problems == []  # each break is written as a space: every question comes back in its area
    [again] = result.banks
    assert again.area.slug == "b" and again.area.title == "B $CATEGORY: other"
    assert [q.key for q in again.questions] == ["first", "tags", "unit", "regex", "last"]
    assert again.questions[0].reference == "RFC 1 $CATEGORY: elsewhere"
    assert again.questions[-1].content_hash() == bank.questions[-1].content_hash()


def test_a_carriage_return_in_a_text_is_reported_and_written_as_a_line_break() -> None:
    first = choice("first", prompt="One\r\r// two\r\n\r\n$CATEGORY: x")
    bank = one_bank(first, choice("second"))
    text, found = export_gift([bank])
    assert [(p.line, p.message) for p in found] == [(2, "the prompt has a carriage return, which GIFT cannot carry")]
    result = clean(text)
    assert [q.key for q in result.banks[0].questions] == ["first", "second"]
    assert result.banks[0].questions[0].prompt == "One\n\n// two\n\n$CATEGORY: x"
    assert result.banks[0].questions[1].content_hash() == bank.questions[1].content_hash()


# --- round trips -----------------------------------------------------------------------------------


def test_the_everything_file_survives_a_round_trip(everything: GiftImport) -> None:
    text, found = export_gift(everything.banks)
    assert found == []
    again = clean(text)
    assert identities(again.banks) == identities(everything.banks)
    assert identities(clean(export_gift(again.banks)[0]).banks) == identities(everything.banks)


def test_all_eleven_shipped_banks_are_checked() -> None:
    assert len(SHIPPED) == 11


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_bank_survives_a_round_trip(path: Path) -> None:
    bank, found = parse_bank(path.read_text(), str(path))
    assert found == []
    assert bank is not None
    text, problems_out = export_gift([bank])
    # GIFT has no SQL questions: the export leaves each one out and says so at its line
    sql = [q for q in bank.questions if q.type == "sql"]
    assert [(p.line, p.message) for p in problems_out] == [
        (q.line, "the type sql cannot be written in GIFT: the question was left out") for q in sql]
    bank = dataclasses.replace(bank, questions=tuple(q for q in bank.questions if q.type != "sql"))
    result = parse_gift(text, "export.gift")
    assert result.problems == []
    assert identities(result.banks) == identities([bank])
    original = {q.key: q for q in bank.questions}
    for question in result.banks[0].questions:
        source = original[question.key]
        assert (question.type, question.difficulty, question.prompt, question.payload, question.explanation,
                question.tags, question.reference) == (
            source.type, source.difficulty, source.prompt, source.payload, source.explanation,
            source.tags, source.reference)


def test_export_reports_a_sql_question_as_unsupported_at_its_line() -> None:
    text = (
        "area:\n  slug: db\n  title: Databases\nquestions:\n"
        "  - key: q1\n    type: true_false\n    difficulty: 1\n    prompt: x\n    answer: true\n    explanation: y\n"
        "  - key: q2\n    type: sql\n    difficulty: 2\n    prompt: Names\n"
        "    setup: \"CREATE TABLE t(x); INSERT INTO t VALUES (1);\"\n    solution: SELECT x FROM t\n"
        "    explanation: z\n"
    )
    bank, problems = parse_bank(text, "db.yaml")
    assert problems == [] and bank is not None
    gift, reported = export_gift([bank])
    assert "::q1::" in gift and "::q2::" not in gift
    assert [(p.line, p.message) for p in reported] == [
        (11, "the type sql cannot be written in GIFT: the question was left out")]
