"""Property-based tests of the engine's contract: on any input, a result or the one documented error.

1. parse_bank never raises: a bank without problems, or None and problems by line.
2. parse_gift never raises: banks and problems by line.
3. Each question type builds a payload or raises PayloadError, reads an answer or raises AnswerError,
   grades within [0, 1], gives its own key full marks, and reads back the values it shows.
4. A bank survives export_gift then parse_gift with the same content hash for every key, unless export
   reported a problem for that question; dump_bank then parse_bank keeps every question.

Engine bugs these properties find are listed under "Known engine bugs": each is pinned by a strict
xfail test at the end of the file and kept out of the properties by the narrowest filter that avoids
it. When a bug is fixed its xfail test fails (XPASS): remove its marker, so that it stays as a
regression test, and delete the filter named after it.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from quiz.engine.bankfile import (
    AREA_FIELDS,
    COMMON_FIELDS,
    SLUG,
    TOP_FIELDS,
    BankArea,
    BankFile,
    BankProblem,
    BankQuestion,
    check_question,
    dump_bank,
    parse_bank,
)
from quiz.engine.gift import GiftImport, export_gift, parse_gift
from quiz.engine.types import REGISTRY, AnswerError, FieldProblem, PayloadError
from quiz.engine.types.base import MAX_ANSWER_CHARS
from quiz.engine.types.choice import OPTION_FIELDS
from quiz.engine.types.shorttext import normalise

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "questions").glob("*.yaml"))}
TYPE_NAMES = sorted(REGISTRY)
NUMERIC = REGISTRY["numeric"]
PHASES = (Phase.explicit, Phase.generate, Phase.shrink)  # no 'explain': it reruns slow examples under coverage


def fast(examples: int) -> settings:
    """Few examples, no deadline, and no example database (nothing is written into the repository)."""
    return settings(max_examples=examples, deadline=None, database=None, phases=PHASES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def assert_problems(problems: list[BankProblem], path: str, text: str) -> None:
    """Every problem names the file, a line of it, and what is wrong."""
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, BankProblem)
        assert problem.path == path
        assert type(problem.line) is int
        assert 1 <= problem.line <= len(text.splitlines()) + 1, problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem


# --- Known engine bugs: the filters that keep them out of the properties ------------------------------------
#
# None open.
#
# (Found by these properties and fixed upstream in da96108, now checked by the properties and the
# regression tests below: a character YAML refuses, values PyYAML's constructors refuse, ints beyond the
# float range, digit runs longer than int() reads, and the numeric key written with 6 significant digits.)
# (Fixed since, each checked by the properties without a filter and by its test_bug_N test: edge whitespace
# in feedback, dump_bank's empty/zero/multi-line values and NEL, U+E000..U+E007 and line breaks in GIFT
# comments, deeply nested YAML, weights that are not finite numbers, accepted answers too long to type.)


# --- strategies: text ---------------------------------------------------------------------------------------

# Pieces that mean something to YAML, GIFT, Markdown or HTML, mixed with arbitrary characters.
SPECIAL_PIECES = [
    "~", "=", "#", "{", "}", ":", "\\", "%", "%50%", "%-100%", "[html]", "[markdown]", "[plain]", "//", "->",
    "####", "\\n", "\\\\", "\n", "\n\n", "\n//x\n", "\n  // x", " ", "\t", "$CATEGORY: x", "T", "TRUE", "<b>",
    "</p>", "&amp;", "'", '"', "- ", "? ", "&a", "*a", "!!", "|", ">", "...", "---", "#1..5", "\u00a0", "\u2028",
    "\x0b", "\ue001", "é", "ß", "İ", "\r", "\r\n", "\x85", "\u2029",
]
PIECE = st.one_of(st.sampled_from(SPECIAL_PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=5))


def texts(max_pieces: int = 6) -> st.SearchStrategy[str]:
    """Non-blank text: the text of a prompt, an option, an explanation..."""
    return st.lists(PIECE, min_size=1, max_size=max_pieces).map("".join).filter(lambda s: s.strip() != "")


ANY_TEXT = st.lists(PIECE, max_size=6).map("".join)  # blank or not, spaces at the ends or not
ONE_LINE = texts(3).map(lambda text: " ".join(text.splitlines()) or "x")  # for what export writes in a comment


def mostly(plain: st.SearchStrategy[Any], noisy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Three draws in four from plain (so that many documents are valid), the fourth from noisy."""
    return st.integers(0, 3).flatmap(lambda n: noisy if n == 3 else plain)


# --- strategies: valid question fields, by type -------------------------------------------------------------

NUMBERS = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 1e6, allow_nan=False),
)
CREDITS = st.one_of(st.integers(1, 99), st.floats(0, 100, exclude_min=True, exclude_max=True))
REGEXES = st.sampled_from(["a+", r"\d+", "x|y", "[a-z]{2,}", "(?i)yes", ".*", "a=b", "é+", "a\nb"])


@st.composite
def choice_fields(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    count = draw(st.integers(2, 6))
    option_texts = draw(st.lists(texts(4), min_size=count, max_size=count, unique_by=lambda t: t.strip().casefold()))
    if kind == "single_choice":
        right = {draw(st.integers(0, count - 1))}
    else:
        right = set(draw(st.lists(st.integers(0, count - 1), min_size=1, unique=True)))
    options = []
    for index, text in enumerate(option_texts):
        option: dict[str, Any] = {"text": text}
        if index in right:
            option["correct"] = True
        elif draw(st.booleans()):
            option["correct"] = False
        if kind == "single_choice" and index not in right and draw(st.booleans()):
            option["credit"] = draw(CREDITS)
        if draw(st.booleans()):
            option["feedback"] = draw(ANY_TEXT)
        options.append(option)
    return {"options": options}


@st.composite
def numeric_fields(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any]
    if draw(st.booleans()):
        fields = {"value": draw(NUMBERS)}
        if draw(st.booleans()):
            fields["tolerance"] = draw(st.one_of(st.integers(0, 100), st.floats(0, 1e6), st.just(0.0)))
    else:
        low, high = sorted(draw(st.lists(NUMBERS, min_size=2, max_size=2)))
        fields = {"min": low, "max": high}
    if draw(st.booleans()):
        fields["unit"] = draw(mostly(ANY_TEXT.map(lambda text: " ".join(text.splitlines())), ANY_TEXT))
    return fields


@st.composite
def short_text_fields(draw: st.DrawFn) -> dict[str, Any]:
    case_sensitive = draw(st.booleans())
    fields: dict[str, Any] = {}
    regex = draw(st.none() | REGEXES)
    long_answers = st.integers(MAX_ANSWER_CHARS - 5, MAX_ANSWER_CHARS).map(lambda n: "x" * (n - 1) + "!")
    accepted = draw(st.lists(mostly(texts(4), long_answers), min_size=0 if regex else 1, max_size=4,
                             unique_by=lambda t: normalise(t.strip(), case_sensitive)))
    if accepted or draw(st.booleans()):
        fields["accepted"] = accepted[0] if len(accepted) == 1 and draw(st.booleans()) else accepted
    if case_sensitive or draw(st.booleans()):
        fields["case_sensitive"] = case_sensitive
    if regex is not None:
        fields["regex"] = regex
    return fields


SQL_SETUPS = (
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL);"
    " INSERT INTO t VALUES (1, 'Ada', 9.5), (2, 'Bo', NULL), (3, 'Cy', 7);",
    "CREATE TABLE n (x INTEGER); INSERT INTO n VALUES (1), (1), (2), (3);",
)
SQL_REFERENCES = {
    SQL_SETUPS[0]: ("SELECT name FROM t WHERE score > 8", "SELECT id, name FROM t ORDER BY id",
                    "SELECT count(*), avg(score) FROM t"),
    SQL_SETUPS[1]: ("SELECT x, count(*) FROM n GROUP BY x", "SELECT DISTINCT x FROM n ORDER BY x DESC"),
}


@st.composite
def sql_fields(draw: st.DrawFn) -> dict[str, Any]:
    setup = draw(st.sampled_from(SQL_SETUPS))
    reference = draw(st.sampled_from(SQL_REFERENCES[setup]))
    fields: dict[str, Any] = {"setup": setup, "solution": reference}
    if "ORDER BY" in reference and draw(st.booleans()):
        fields["ordered"] = True
    elif draw(st.booleans()):
        fields["ordered"] = False
    return fields


def valid_fields(type_name: str) -> st.SearchStrategy[dict[str, Any]]:
    """The type's own fields in a bank file, valid by its rules."""
    if type_name in ("single_choice", "multiple_response"):
        return choice_fields(type_name)
    if type_name == "numeric":
        return numeric_fields()
    if type_name == "short_text":
        return short_text_fields()
    if type_name == "sql":
        return sql_fields()
    return st.fixed_dictionaries({"answer": st.booleans()})


@st.composite
def question_fields(draw: st.DrawFn, key: str, type_name: str | None = None) -> dict[str, Any]:
    """A whole valid question as a bank file's fields (before the checks strip them)."""
    type_name = type_name or draw(st.sampled_from(TYPE_NAMES))
    fields: dict[str, Any] = {"key": key, "type": type_name, "difficulty": draw(st.sampled_from([1, 2, 3])),
                              "prompt": draw(texts()), "explanation": draw(texts())}
    fields.update(draw(valid_fields(type_name)))
    if draw(st.booleans()):
        fields["tags"] = draw(st.lists(mostly(ONE_LINE, texts(2)), max_size=3))
    if draw(st.booleans()):
        fields["reference"] = draw(mostly(ONE_LINE, texts(3)))
    return fields


SLUG_WORDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
SLUGS = st.lists(SLUG_WORDS, min_size=1, max_size=4).map("-".join) | st.just("s" * 64)  # slugs have 64 characters
KEYS = st.lists(SLUG_WORDS, min_size=1, max_size=6).map("-".join) | st.just("k" * 100)  # and keys 100 at most


@st.composite
def banks(draw: st.DrawFn) -> list[BankFile]:
    """One or two valid banks, as parse_bank gives them: every question built by the bank checks, and on a
    line of its own (line 1 is where export reports a problem with an area)."""
    slugs = draw(st.lists(SLUGS, min_size=1, max_size=2, unique=True))
    result = []
    line = 2
    for number, slug in enumerate(slugs):
        title = draw(mostly(ONE_LINE, texts(3))).strip()[:200].strip() or "x"
        description = draw(st.one_of(st.just(""), texts(4))).strip()
        questions = []
        for key in draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)):
            question, messages = check_question(draw(question_fields(key)))
            assert messages == [] and question is not None, messages  # the strategies build valid questions
            questions.append(dataclasses.replace(question, line=line))
            line += 1
        result.append(BankFile(f"bank-{number}.yaml", BankArea(slug, title, description), tuple(questions)))
    return result


# --- strategies: anything a YAML file can hold --------------------------------------------------------------

FIELD_NAMES = sorted(
    TOP_FIELDS | AREA_FIELDS | COMMON_FIELDS | OPTION_FIELDS | frozenset().union(*(t.fields for t in REGISTRY.values()))
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**400), 10**400), st.floats(),
    st.text(max_size=10), st.sampled_from([*FIELD_NAMES, *TYPE_NAMES, "a-b", "", " ", 1, 2, 3, 0, 100, -1, 0.5]),
)
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=6),
                                                                inner, max_size=5),
    max_leaves=10,
)


def dump(data: Any, draw: st.DrawFn) -> str:
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=draw(st.booleans()),
                          default_flow_style=draw(st.sampled_from([None, True, False])))


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    return dump(draw(JSON_LIKE), draw)


@st.composite
def bank_shaped_documents(draw: st.DrawFn) -> tuple[str, bool]:
    """A bank of valid questions, then some fields deleted or replaced at random; and whether it is intact."""
    area: dict[str, Any] = {"slug": draw(SLUGS), "title": draw(texts(3))}
    questions = [draw(question_fields(f"q-{index}")) for index in range(draw(st.integers(0, 3)))]
    document: dict[str, Any] = {"area": area, "questions": questions}
    changes = draw(st.integers(0, 3))
    for _ in range(changes):
        target = draw(st.sampled_from([document, area, *questions]))
        name = draw(st.sampled_from(sorted(target) + FIELD_NAMES))
        if name in target and draw(st.booleans()):
            del target[name]
        else:
            target[name] = draw(JSON_LIKE)
    return dump(document, draw), changes == 0


YAML_PIECES = [
    "area:", "questions:", "\n", "\n  ", "\n    ", "- ", "? ", ": ", "key: k", "type: numeric", "value: ", "options:",
    "- text: a", "correct: true", "[", "]", "{", "}", ",", "'", '"', "|", "|-", ">", "#", "&a ", "*a", "<<: ",
    "!!str ", "!!set ", "!!omap ", "!!binary ", "!!python/object:x ", "!x ", "%YAML 1.1\n", "---\n", "...\n",
    "!!int ", "!!float ", "!!bool ", "!!timestamp ", "2001-02-30", "2020-13-45", "!!int 0x", "\x08", "\x1f",
    "1", "-1", "0.5", ".inf", ".nan", "~", "null", "yes", "2020-01-02", "12:30:00", "0x1F", "0o17", "1_000", "é",
    "\t", "\ufeff", "\x85", "\u2028",
]


YAML_TEXT = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=3)), max_size=30).map("".join)


def _chunks(text: str) -> tuple[list[str], list[list[str]]]:
    """A shipped bank file as its head (area and 'questions:') and its questions, each a list of lines."""
    lines = text.split("\n")
    head_end = lines.index("questions:") + 1
    chunks: list[list[str]] = []
    for line in lines[head_end:]:
        if line.startswith("  - key:") or not chunks:
            chunks.append([])
        chunks[-1].append(line)
    return lines[:head_end], chunks


SHIPPED_CHUNKS = {name: _chunks(text) for name, text in SHIPPED.items()}
TYPED = st.lists(PIECE | st.sampled_from([":", "-", " ", "  ", "'", "[", "{", "1", "#", "&", "*", "!"]),
                 min_size=1, max_size=3).map("".join)


@st.composite
def mutated_bank_files(draw: st.DrawFn, whole: bool = False) -> str:
    """A shipped bank (or a few consecutive questions of it), with lines deleted, repeated or typed into."""
    name = draw(st.sampled_from(sorted(SHIPPED)))
    head, chunks = SHIPPED_CHUNKS[name]
    if whole:
        lines = SHIPPED[name].split("\n")
    else:
        start = draw(st.integers(0, len(chunks) - 1))
        lines = head + [line for chunk in chunks[start:start + draw(st.integers(1, 3))] for line in chunk]
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            column = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:column] + draw(TYPED) + lines[index][column:]
    return "\n".join(lines)


# --- the round trips, checked on every valid bank the tests meet -------------------------------------------------


def hashes(bank_list: list[BankFile]) -> dict[tuple[str, str], str]:
    return {(bank.area.slug, q.key): q.content_hash() for bank in bank_list for q in bank.questions}


def assert_gift_round_trip(bank_list: list[BankFile]) -> None:
    """export_gift then parse_gift gives every question back with the same content hash, unless export
    reported a problem for it (at its line); without any problem, everything comes back as it was."""
    text, reported = export_gift(bank_list)
    for problem in reported:
        assert problem.line >= 1 and problem.message.strip()
    flagged = {(problem.path, problem.line) for problem in reported}
    result = parse_gift(text, "export.gift")
    again = hashes(result.banks)
    for bank in bank_list:
        for question in bank.questions:
            if (bank.path, question.line) not in flagged:
                assert again.get((bank.area.slug, question.key)) == question.content_hash(), (question, text)
    if not reported:
        assert result.problems == []
        assert [bank.area for bank in result.banks] == [bank.area for bank in bank_list if bank.questions]
        assert again == hashes(bank_list)


def assert_dump_round_trip(bank: BankFile) -> None:
    """dump_bank then parse_bank gives the same area and the same questions."""
    again, problems = parse_bank(dump_bank(bank.area, bank.questions), bank.path)
    assert problems == []
    assert again is not None
    assert again.area == bank.area
    assert [(q.key, q.content_hash()) for q in again.questions] == [(q.key, q.content_hash()) for q in bank.questions]


# --- 1. parse_bank never raises -----------------------------------------------------------------------------


def check_parse_bank(text: str) -> BankFile | None:
    result = parse_bank(text, "bank.yaml")
    assert isinstance(result, tuple) and len(result) == 2
    bank, problems = result
    assert_problems(problems, "bank.yaml", text)
    if bank is None:
        assert problems, "the bank was refused without a problem"
        return None
    assert isinstance(bank, BankFile)
    assert problems == []
    assert SLUG.fullmatch(bank.area.slug) and bank.area.title.strip()
    keys = [question.key for question in bank.questions]
    assert len(keys) == len(set(keys))
    for question in bank.questions:
        assert SLUG.fullmatch(question.key) and question.type in REGISTRY and question.difficulty in (1, 2, 3)
        assert question.prompt.strip() and question.explanation.strip()
    assert_dump_round_trip(bank)
    assert_gift_round_trip([bank])
    return bank


@fast(150)
@given(st.text())
def test_parse_bank_on_any_text(text: str) -> None:
    check_parse_bank(text)


@fast(150)
@given(YAML_TEXT)
def test_parse_bank_on_yaml_fragments(text: str) -> None:
    check_parse_bank(text)


@fast(60)
@given(st.lists(st.sampled_from(["- ", "[", "{a: ", "? ", "- a:\n  ", "!!seq [", "&x ["]), min_size=1,
                max_size=60).map("".join), st.sampled_from([1, 2, 10, 40]), st.sampled_from(["", "x", "*x", "]", "}"]))
def test_parse_bank_on_nested_yaml(opening: str, times: int, tail: str) -> None:
    check_parse_bank(opening * times + tail)  # up to thousands of levels: too deep is a problem, not a crash


@fast(80)
@given(yaml_documents())
def test_parse_bank_on_any_yaml_document(text: str) -> None:
    check_parse_bank(text)


@fast(30)
@given(bank_shaped_documents())
def test_parse_bank_on_bank_shaped_documents(document: tuple[str, bool]) -> None:
    text, intact = document
    bank = check_parse_bank(text)
    if intact:  # valid questions written by yaml.safe_dump are read back as the bank checks build them
        assert bank is not None
        fields = yaml.safe_load(text)["questions"]
        assert [q.content_hash() for q in bank.questions] == [check_question(f)[0].content_hash() for f in fields]


@fast(30)
@given(mutated_bank_files())
def test_parse_bank_on_mutated_shipped_questions(text: str) -> None:
    check_parse_bank(text)


@fast(4)
@given(mutated_bank_files(whole=True))
def test_parse_bank_on_mutated_shipped_files(text: str) -> None:
    check_parse_bank(text)


# --- 2. parse_gift never raises -----------------------------------------------------------------------------

GIFT_PIECES = [
    "::t::", "::Title two::", "::", "{", "}", "=", "~", "#", "####", "%50%", "%-50%", "%100%", "%33.33333%",
    "%-100%", "%1e2%", "$CATEGORY:", "$CATEGORY: a/b/Name", "$CATEGORY: //", "//", "// difficulty: 3",
    "// difficulty: x", "// tags: a, b", "// area: A", "// description: d\\nx", "// unit: ms", "// regex: a+",
    "// regex: (", "// case-sensitive", "// reference: r", "\\", "\\n", "\\{", "\\}", "\\=", "\\~", "\\#", "\\:",
    "->", "#1..5", "#3:0.5", "#-2", "#", "..", "[html]", "[markdown]", "[plain]", "[moodle]", "<p>", "</p>",
    "<br>", "&lt;", "<script>x</script>", "T", "F", "TRUE", "FALSE", "\n", "\n\n", "\r\n", "\r", " ", "\t",
    "\ufeff", "\ue000", "a", "Q", "1", "0", "-", ".", ":",
]
GIFT_COMMENTS = [piece for piece in GIFT_PIECES if piece.startswith(("//", "$CATEGORY"))]
NUMBER_TEXT = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats().map(repr),
    st.sampled_from(["1e999", "-0", ".5", "5.", "1e", "x", "", "1..2", "+3", "0.1e-3"]),
    st.integers(1, 5000).map(lambda n: "9" * n),
)
NOISY_WORDS = st.lists(st.one_of(st.sampled_from(GIFT_PIECES), st.text(max_size=4)), max_size=4).map("".join)
PLAIN_WORDS = st.text("abcdefgh XYZ?.,0123é", min_size=1, max_size=10)


GIFT_WORDS = mostly(PLAIN_WORDS, NOISY_WORDS)
WEIGHTS = mostly(st.sampled_from(["", "", "%50%", "%100%", "%-100%", "%33.33333%", "%-50%", "%0%", "%25%"]),
                 NUMBER_TEXT.map(lambda n: f"%{n}%"))
NUMBERS_IN_GIFT = mostly(st.integers(-100, 100).map(str) | st.floats(-1e3, 1e3).map(repr), NUMBER_TEXT)
GIFT_TEXT = st.lists(st.one_of(st.sampled_from(GIFT_PIECES), st.text(max_size=4), NUMBER_TEXT),
                     max_size=40).map("".join)
GOOD_COMMENTS = ["// difficulty: 1", "// difficulty: 3", "// tags: a, b", "// reference: RFC 1", "// unit: ms",
                 "// regex: a+", "// case-sensitive", "// just a comment"]
CATEGORIES = st.sampled_from(["$CATEGORY: top/Area one", "$CATEGORY: b", "$CATEGORY: b\n// area: Bee",
                              "$CATEGORY: c\n// area: Sea\n// description: d\\nx"])
DEFAULT = BankArea("default", "Default area", "")
DEFAULT_AREAS = st.sampled_from([None, DEFAULT])


@st.composite
def gift_answers(draw: st.DrawFn) -> str:
    """An answer block's inside, of every kind GIFT has (and some it does not), its parts on one line or several
    (never a blank line, which would end the question)."""
    kind = draw(st.sampled_from(["numeric", "choice", "choice", "true_false", "short", "short", "matching", "empty",
                                 "junk"]))
    parts: list[str]
    if kind == "numeric":
        low, high = draw(NUMBERS_IN_GIFT), draw(NUMBERS_IN_GIFT)
        parts = [draw(st.sampled_from([f"#{low}", f"#{low}:{high}", f"#{low}..{high}", f"#={low}", f"#={low} ={high}",
                                       f"#=%50%{low}", f"#{low}#fb", f"#{low} ~#why", f"#{low}~"]))]
    elif kind == "choice":
        items = draw(st.lists(st.tuples(st.sampled_from("=~~"), WEIGHTS, GIFT_WORDS,
                                        st.one_of(st.just(""), GIFT_WORDS.map(lambda w: "#" + w))),
                              min_size=1, max_size=5))
        parts = [marker + weight + text + feedback for marker, weight, text, feedback in items]
    elif kind == "true_false":
        parts = [draw(st.sampled_from(["T", "F", "TRUE", "FALSE", "T#wrong#right", "F#x", "TRUE#a#b#c"]))]
    elif kind == "short":
        parts = ["=" + draw(WEIGHTS) + word for word in draw(st.lists(GIFT_WORDS, min_size=1, max_size=3))]
    elif kind == "matching":
        parts = ["=a -> b", "=c -> d"]
    elif kind == "empty":
        parts = []
    else:
        parts = [draw(NOISY_WORDS)]
    parts += draw(mostly(GIFT_WORDS.map(lambda w: ["####" + w]), st.just([])))
    gaps = st.sampled_from([" ", "\n\t", "\n", ""])
    return draw(gaps) + "".join(part + draw(gaps) for part in parts)


CLEAN_WORDS = st.text("abcdefgh XYZ?.,0123é", min_size=1, max_size=10).filter(lambda w: w.strip() != "")
CLEAN_COMMENTS = ["// difficulty: 1", "// difficulty: 3", "// tags: a, b", "// reference: RFC 1", "// just a comment"]


def share(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


@st.composite
def clean_gift_answers(draw: st.DrawFn) -> str:
    """A well-formed answer block's inside, of one of the five types."""
    kind = draw(st.sampled_from(["single", "multiple", "numeric", "true_false", "short"]))
    feedback = st.one_of(st.just(""), CLEAN_WORDS.map(lambda w: "#" + w))
    if kind in ("single", "multiple"):
        words = draw(st.lists(CLEAN_WORDS, min_size=2, max_size=5, unique_by=lambda w: w.strip().casefold()))
        if kind == "single":
            right = draw(st.integers(0, len(words) - 1))
            markers = ["=" if i == right else "~" + draw(st.sampled_from(["", "%50%", "%12.5%"]))
                       for i in range(len(words))]
        else:
            right_count = draw(st.integers(1, len(words)))
            wrong = f"~%-{share(100 / (len(words) - right_count))}%" if right_count < len(words) else "~"
            wrong = draw(st.sampled_from([wrong, "~"]))
            markers = [f"~%{share(100 / right_count)}%" if i < right_count else wrong for i in range(len(words))]
        parts = [marker + word + draw(feedback) for marker, word in zip(markers, words, strict=True)]
    elif kind == "numeric":
        low, high = sorted(draw(st.lists(st.integers(-100, 100) | st.floats(-1e3, 1e3), min_size=2, max_size=2)))
        parts = [draw(st.sampled_from([f"#{low}", f"#{low}:{abs(high)}", f"#{low}..{high}", f"#={low}"]))]
    elif kind == "true_false":
        parts = [draw(st.sampled_from(["T", "F", "TRUE", "FALSE", "T#wrong#right", "F#x"]))]
    else:
        words = draw(st.lists(CLEAN_WORDS, min_size=1, max_size=3, unique_by=lambda w: " ".join(w.split()).casefold()))
        parts = ["=" + word for word in words]
    parts.append("####" + draw(CLEAN_WORDS))
    gaps = st.sampled_from([" ", "\n\t", "\n", ""])
    return draw(gaps) + "".join(part + draw(gaps) for part in parts)


@st.composite
def gift_documents(draw: st.DrawFn) -> str:
    """Questions in GIFT's shape, with comments and categories: some well-formed, the others with their parts
    drawn from GIFT's syntax."""
    blocks = [draw(CATEGORIES)] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(1, 4))):
        text_format = draw(st.sampled_from(["", "", "[html]", "[markdown]", "[plain]", "[moodle]"]))
        if draw(st.booleans()):
            lines = draw(st.lists(st.sampled_from(CLEAN_COMMENTS), max_size=3, unique=True))
            title = draw(st.one_of(st.just(""), CLEAN_WORDS.map(lambda w: f"::{w}::")))
            lines.append(f"{title}{text_format}{draw(CLEAN_WORDS)}{{{draw(clean_gift_answers())}}}")
        else:
            lines = draw(st.lists(mostly(st.sampled_from(GOOD_COMMENTS), st.sampled_from(GIFT_COMMENTS)), max_size=3,
                                  unique=True))
            title = draw(st.one_of(st.just(""), GIFT_WORDS.map(lambda w: f"::{w}::")))
            after = draw(mostly(st.just(""), st.sampled_from([" tail", "\n// comment", "}"])))
            lines.append(f"{title}{text_format}{draw(GIFT_WORDS)}{{{draw(gift_answers())}}}{after}")
        blocks.append("\n".join(lines))
    return draw(mostly(st.just("\n\n"), st.sampled_from(["\n", "\r\n\r\n", "\n \n"]))).join(blocks)


OUT_OF_RANGE = st.one_of(
    st.integers(101, 10**6), st.integers(-(10**6), -101), st.floats(101, 1e300), st.floats(-1e300, -101),
    st.integers(3, 5000).map(lambda n: "9" * n), st.sampled_from(["1e999", "-1e999", "1e309"]),
)


@fast(100)
@given(st.sampled_from(["single", "multiple"]), st.lists(CLEAN_WORDS, min_size=2, max_size=5,
                                                          unique_by=lambda w: w.strip().casefold()), st.data())
def test_parse_gift_reports_a_weight_the_choice_types_cannot_score(kind: str, words: list[str], data: Any) -> None:
    if kind == "single":
        markers = ["=", *("~" for _ in words[1:])]
    else:
        right = data.draw(st.integers(1, len(words)), label="right")
        markers = [f"~%{share(100 / right)}%" if i < right else "~" for i in range(len(words))]
    index = data.draw(st.integers(0, len(words) - 1), label="index")
    weight = data.draw(OUT_OF_RANGE, label="weight")
    markers[index] = f"~%{weight}%"
    text = "::q::Q{" + " ".join(marker + word for marker, word in zip(markers, words, strict=True)) + " ####Why.}"
    result = parse_gift(text, "w.gift", DEFAULT)
    assert result.problems and not result.banks, text


def check_parse_gift(text: str, default_area: BankArea | None) -> GiftImport:
    result = parse_gift(text, "in.gift", default_area)
    assert isinstance(result, GiftImport)
    assert_problems(result.problems, "in.gift", text)
    assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)
    slugs = [bank.area.slug for bank in result.banks]
    assert len(slugs) == len(set(slugs))
    for bank in result.banks:
        assert isinstance(bank, BankFile) and bank.questions
        assert SLUG.fullmatch(bank.area.slug) and bank.area.title.strip()
        keys = [question.key for question in bank.questions]
        assert len(keys) == len(set(keys))
        for question in bank.questions:
            assert SLUG.fullmatch(question.key) and question.type in REGISTRY and question.difficulty in (1, 2, 3)
            assert question.prompt.strip() and question.explanation.strip()
    if not result.problems:  # what parse_gift reads cleanly, export_gift and dump_bank write back
        assert_gift_round_trip(result.banks)
        for bank in result.banks:
            assert_dump_round_trip(bank)
    return result


@fast(150)
@given(st.text(), DEFAULT_AREAS)
def test_parse_gift_on_any_text(text: str, default_area: BankArea | None) -> None:
    check_parse_gift(text, default_area)


@fast(150)
@given(GIFT_TEXT, DEFAULT_AREAS)
def test_parse_gift_on_gift_fragments(text: str, default_area: BankArea | None) -> None:
    check_parse_gift(text, default_area)


@fast(100)
@given(gift_documents(), DEFAULT_AREAS)
def test_parse_gift_on_gift_shaped_documents(text: str, default_area: BankArea | None) -> None:
    check_parse_gift(text, default_area)


# --- 3. question types: PayloadError and AnswerError only, grades within [0, 1] ------------------------------

OPTION_LIKE = st.dictionaries(st.sampled_from(sorted(OPTION_FIELDS)) | st.text(max_size=3), JSON_LIKE, max_size=4)
FIELD_VALUES = st.one_of(
    JSON_LIKE, st.lists(OPTION_LIKE, max_size=4), NUMBERS, REGEXES, st.sampled_from(["(", "[", "a{2,1}", "\\"]),
    st.integers(2, 30).map(lambda n: [{"text": f"o{i}", "correct": i == 0} for i in range(n)]),
)


@fast(120)
@given(st.sampled_from(TYPE_NAMES), st.data())
def test_payload_from_random_fields_returns_a_payload_or_raises_payload_error(type_name: str, data: Any) -> None:
    qtype = REGISTRY[type_name]
    fields = data.draw(st.dictionaries(st.sampled_from(sorted(qtype.fields)), FIELD_VALUES, max_size=len(qtype.fields)))
    try:
        payload = qtype.payload_from_fields(fields)
    except PayloadError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert isinstance(problem, FieldProblem)
            assert problem.field is None or problem.field in qtype.fields
            assert isinstance(problem.message, str) and problem.message.strip()
        return
    assert isinstance(payload, dict)
    assert isinstance(qtype.describe_key(payload), str)
    key = qtype.key_values(payload)
    assert isinstance(key, list) and all(isinstance(value, str) for value in key)


GENERIC_VALUES = ["", " ", "a", "b", "c", "z", "true", "false", " TRUE ", "T", "1", "-0", "1,000", "2,5", "1 000",
                  "1_000", "1e999", "nan", "inf", "0x10", "½", "١٢", "\u00a0", "\x00", "İ", "ß"]


def answer_values(qtype: Any, payload: dict[str, Any]) -> st.SearchStrategy[list[str]]:
    """Form values: what the question expects, near misses, and anything (huge, unicode, numbers)."""
    expected = list(qtype.key_values(payload))
    expected += [option["id"] for option in payload.get("options", [])]
    expected += [f" {text.upper()}  " for text in payload.get("accepted", [])]
    for name in ("min", "max", "value"):
        if isinstance(payload.get(name), int | float) and math.isfinite(payload[name]):
            expected += [repr(payload[name]), str(payload[name])]
    value = st.one_of(
        st.sampled_from(expected + GENERIC_VALUES),
        st.text(max_size=12),
        st.floats().map(repr),
        st.integers().map(str),
        st.integers(990, 1100).map(lambda n: "9" * n),
        st.tuples(st.text(min_size=1, max_size=3), st.integers(300, 1200)).map(lambda t: t[0] * t[1]),
    )
    several_expected = st.lists(st.sampled_from(expected), min_size=1, max_size=4) if expected else st.nothing()
    return st.lists(value, max_size=3) | several_expected


@fast(120)
@given(st.sampled_from(TYPE_NAMES), st.data())
def test_answers_are_read_graded_and_shown_again(type_name: str, data: Any) -> None:
    qtype = REGISTRY[type_name]
    payload = qtype.payload_from_fields(data.draw(valid_fields(type_name), label="fields"))
    values = data.draw(answer_values(qtype, payload), label="values")
    try:
        answer = qtype.answer_from_values(payload, values)
    except AnswerError as exc:
        assert str(exc).strip()
        return
    assert answer is None or isinstance(answer, dict)
    grade = qtype.grade(payload, answer)
    assert type(grade) is float and 0.0 <= grade <= 1.0
    assert isinstance(qtype.describe_answer(payload, answer), str)
    shown = qtype.values_from_answer(payload, answer)
    assert isinstance(shown, list) and all(isinstance(value, str) for value in shown)
    assert qtype.answer_from_values(payload, shown) == answer


@fast(120)
@given(st.sampled_from(TYPE_NAMES), st.data())
def test_the_key_gets_full_marks(type_name: str, data: Any) -> None:
    qtype = REGISTRY[type_name]
    payload = qtype.payload_from_fields(data.draw(valid_fields(type_name), label="fields"))
    assert isinstance(qtype.describe_key(payload), str)
    assert qtype.grade(payload, None) == 0.0
    key = qtype.key_values(payload)
    if not key:  # only a short text question defined by a pattern alone has no key to type
        assert type_name == "short_text" and not payload["accepted"] and payload["regex"]
        return
    answer = qtype.answer_from_values(payload, key)
    assert qtype.grade(payload, answer) == 1.0


# --- 4. round trips: export_gift then parse_gift, dump_bank then parse_bank ------------------------------------


@fast(40)
@given(banks())
def test_round_trips_keep_every_question_or_report_it(bank_list: list[BankFile]) -> None:
    assert_gift_round_trip(bank_list)
    for bank in bank_list:
        assert_dump_round_trip(bank)


# --- Regression tests: what these properties found and da96108 fixed ------------------------------------------


@pytest.mark.parametrize("text", [
    "area:\x08", "area: {slug: a, title: A}\nquestions: []\nreference: 2020-13-45", "area: !!int abc",
    "area: !!bool x", "area: !!timestamp x", 'area: !!int ""', "area: " + "9" * 4301,
    "area: {slug: a, title: A}\nquestions:\n  - {key: q, type: numeric, difficulty: 2, prompt: Q, explanation: Why, "
    f"value: 1{'0' * 400}}}\n",
], ids=["control-character", "no-such-date", "int-tag", "bool-tag", "timestamp-tag", "empty-int", "4301-digits",
        "int-beyond-float"])
def test_what_pyyaml_refuses_is_a_problem(text: str) -> None:
    bank, problems = parse_bank(text, "b.yaml")
    assert bank is None and problems


@pytest.mark.parametrize("text", [
    "::q::Q{#1" + "0" * 400 + "####Why.}", "::q::Q{~%1" + "0" * 400 + "%A ~B####Why.}",
    "::q::Q{=A ~%" + "9" * 4301 + "%B####Why.}",
], ids=["int-beyond-float", "weight-beyond-float", "4301-digit-weight"])
def test_huge_numbers_in_gift_are_problems(text: str) -> None:
    result = parse_gift(text, "q.gift", DEFAULT)
    assert isinstance(result, GiftImport) and result.problems and not result.banks


def test_an_int_beyond_the_float_range_is_not_a_number() -> None:
    with pytest.raises(PayloadError):
        NUMERIC.payload_from_fields({"value": 10**400})


@pytest.mark.parametrize("fields", [{"value": 1000001}, {"value": 1.2345678}, {"min": 1.0000001, "max": 1.0000002},
                                    {"min": 1e308, "max": 1.5e308}])
def test_the_numeric_key_is_written_exactly(fields: dict[str, Any]) -> None:
    payload = NUMERIC.payload_from_fields(fields)
    assert NUMERIC.grade(payload, NUMERIC.answer_from_values(payload, NUMERIC.key_values(payload))) == 1.0


# --- Known engine bugs, pinned: none open. A new one gets a test marked @known_bug(N, ...), which fails today ---


def known_bug(number: int, raises: type[BaseException] | tuple[type[BaseException], ...]) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=raises, reason=f"BUG {number} (see the top of this file)")


# --- Regression tests: the eight bugs these properties found after da96108, now fixed --------------------------


def question(**fields: Any) -> BankQuestion:
    """A valid question (single choice unless a type is given) with the fields given."""
    base: dict[str, Any] = {"key": "q", "type": "single_choice", "difficulty": 2, "prompt": "Q?", "explanation": "Why."}
    if fields.get("type", "single_choice") == "single_choice":
        base["options"] = [{"text": "A", "correct": True}, {"text": "B"}]
    built, messages = check_question({**base, **fields})
    assert messages == [] and built is not None
    return built


def test_bug_1_whitespace_at_the_ends_of_feedback_is_reported_by_export() -> None:
    built = question(options=[{"text": "A", "correct": True, "feedback": "Yes.\xa0"}, {"text": "B"}])
    text, reported = export_gift([BankFile("b.yaml", BankArea("b", "B", ""), (built,))])
    again = parse_gift(text, "e.gift").banks[0].questions[0]
    assert reported or again.content_hash() == built.content_hash()


@pytest.mark.parametrize("fields", [
    {"options": [{"text": "A", "correct": True, "feedback": ""}, {"text": "B"}]},
    {"type": "numeric", "value": 4, "tolerance": 0.0},
    {"type": "numeric", "value": 4, "unit": ""},
    {"type": "numeric", "value": 4, "unit": "ms\nor s"},
    {"options": [{"text": "A", "correct": True, "feedback": "Two\nlines"}, {"text": "B"}]},
], ids=["empty-feedback", "float-zero-tolerance", "empty-unit", "two-line-unit", "two-line-feedback"])
def test_bug_2_dump_bank_gives_parse_bank_the_same_question(fields: dict[str, Any]) -> None:
    built = question(**fields)
    again, problems = parse_bank(dump_bank(BankArea("b", "B", ""), [built]), "b.yaml")
    assert problems == [] and again is not None
    assert again.questions[0].content_hash() == built.content_hash()


def test_bug_3_export_reports_a_reserved_character_in_a_comment() -> None:
    built = question(reference="RFC \ue001")
    text, reported = export_gift([BankFile("b.yaml", BankArea("b", "B", ""), (built,))])
    assert reported or parse_gift(text, "e.gift").problems == []


def test_bug_4_dump_bank_keeps_a_next_line_character() -> None:
    built = question(prompt="Wait\x85what?")
    again, problems = parse_bank(dump_bank(BankArea("b", "B", ""), [built]), "b.yaml")
    assert problems == [] and again is not None
    assert again.questions[0].prompt == built.prompt


def test_bug_5_a_line_break_in_a_comment_does_not_spill_into_the_next_question() -> None:
    first = dataclasses.replace(question(key="first", reference="RFC 1\n$CATEGORY: elsewhere"), line=2)
    second = dataclasses.replace(question(key="second"), line=3)
    text, reported = export_gift([BankFile("b.yaml", BankArea("b", "B", ""), (first, second))])
    assert [problem.line for problem in reported] == [2]  # the first question's problem is reported
    assert hashes(parse_gift(text, "e.gift").banks).get(("b", "second")) == second.content_hash()


@pytest.mark.parametrize("text", ["- " * 400 + "x", "[" * 600, "{a: " * 1500])
def test_bug_6_deeply_nested_yaml_is_a_problem(text: str) -> None:
    bank, problems = parse_bank(text, "b.yaml")
    assert bank is None and problems


@pytest.mark.parametrize("text", [
    "::q::Q{=A ~%1e999%B####Why.}", "::q::Q{=%1e999%A ~B####Why.}", "::q::Q{~%50%A ~%50%B ~%-1e999%C####Why.}",
    "::q::Q{=A ~%1" + "0" * 400 + "%B####Why.}",
], ids=["infinite-credit", "infinite-right", "infinite-wrong-share", "400-digit-credit"])
def test_bug_7_a_weight_that_is_not_a_finite_number_is_a_problem(text: str) -> None:
    result = parse_gift(text, "q.gift", DEFAULT)
    assert result.problems and not result.banks


def test_bug_8_an_accepted_answer_can_be_typed() -> None:
    short_text = REGISTRY["short_text"]
    with pytest.raises(PayloadError, match=f"longer than {MAX_ANSWER_CHARS} characters"):
        short_text.payload_from_fields({"accepted": ["x" * (MAX_ANSWER_CHARS + 1)]})
    payload = short_text.payload_from_fields({"accepted": ["x" * MAX_ANSWER_CHARS]})
    answer = short_text.answer_from_values(payload, short_text.key_values(payload))
    assert short_text.grade(payload, answer) == 1.0
