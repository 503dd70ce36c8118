"""Bank files: one YAML file per skill area, parsed and checked with file:line problems.

The format is documented in questions/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from quiz.engine.types import REGISTRY, PayloadError

AREA_FIELDS = frozenset({"slug", "title", "description"})
TOP_FIELDS = frozenset({"area", "questions"})
COMMON_FIELDS = frozenset(
    {"key", "type", "difficulty", "prompt", "explanation", "tags", "reference"}
)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_KEY = 100
MAX_SLUG = 64
MAX_TITLE = 200
MAX_REFERENCE = 500
MAX_DEPTH = 50  # lists and mappings inside each other: a bank file needs 5, and PyYAML recurses on each
TOO_DEEP = f"the document is nested too deeply (more than {MAX_DEPTH} levels of lists and mappings)"


@dataclass(frozen=True)
class BankProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class BankArea:
    slug: str
    title: str
    description: str


@dataclass(frozen=True)
class BankQuestion:
    key: str
    type: str
    difficulty: int
    prompt: str
    payload: dict[str, Any]
    explanation: str
    tags: tuple[str, ...] = ()
    reference: str | None = None
    line: int = 0

    def content_hash(self) -> str:
        """A digest of everything a candidate or a report sees: equal hashes, same version."""
        content = {
            "type": self.type, "difficulty": self.difficulty, "prompt": self.prompt,
            "payload": self.payload, "explanation": self.explanation,
            "tags": list(self.tags), "reference": self.reference,
        }
        blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class BankFile:
    path: str
    area: BankArea
    questions: tuple[BankQuestion, ...]

    def summary(self) -> dict[str, Any]:
        types = Counter(q.type for q in self.questions)
        difficulty = Counter(q.difficulty for q in self.questions)
        return {
            "questions": len(self.questions),
            "types": dict(sorted(types.items())),
            "difficulty": {str(level): difficulty.get(level, 0) for level in (1, 2, 3)},
            "with_explanation": sum(1 for q in self.questions if q.explanation.strip()),
        }


@dataclass
class _Lined:
    """Where each key of a mapping, and each element of a sequence, stands in the file."""

    line: int
    lines: dict[Any, int] = field(default_factory=dict)


class _LinedDict(dict[Any, Any]):
    where: _Lined


class _LinedList(list[Any]):
    where: _Lined


class _TooDeep(yaml.YAMLError):
    """Lists and mappings nested deeper than MAX_DEPTH, where the loader stopped."""

    def __init__(self, mark: yaml.Mark | None) -> None:
        super().__init__(TOO_DEEP)
        self.mark = mark


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers line numbers, refuses duplicate keys, and stops at MAX_DEPTH levels
    of nesting (PyYAML composes and constructs recursively: a deeper document would raise RecursionError)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []
        self.composing = 0
        self.constructing = 0

    def _enter(self) -> None:
        self.composing += 1
        if self.composing > MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark)

    def compose_sequence_node(self, anchor: str | None) -> yaml.SequenceNode:
        try:
            self._enter()
            return super().compose_sequence_node(anchor)
        finally:
            self.composing -= 1

    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
        try:
            self._enter()
            return super().compose_mapping_node(anchor)
        finally:
            self.composing -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # aliases can nest deeper than the text does: '&a [x]', '&b [*a]', '&c [*b]'...
        self.constructing += 1
        try:
            if self.constructing > MAX_DEPTH + 1:
                raise _TooDeep(node.start_mark)
            return super().construct_object(node, deep)
        finally:
            self.constructing -= 1


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LinedDict:
    loader.flatten_mapping(node)
    result = _LinedDict()
    result.where = _Lined(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        line = key_node.start_mark.line + 1
        if key in result:
            loader.duplicates.append((line, f"duplicate field '{key}'"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.where.lines[key] = line
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _LinedList:
    result = _LinedList(loader.construct_object(child, deep=True) for child in node.value)
    result.where = _Lined(node.start_mark.line + 1)
    result.where.lines = {i: child.start_mark.line + 1 for i, child in enumerate(node.value)}
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _line_of(mapping: Any, key: Any, default: int) -> int:
    where = getattr(mapping, "where", None)
    if where is None:
        return default
    if key is None:
        return where.line
    return where.lines.get(key, where.line)


class _Checker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[BankProblem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(BankProblem(self.path, line, message))

    def text(self, mapping: Mapping[str, Any], name: str, required: bool = True) -> str | None:
        value = mapping.get(name)
        line = _line_of(mapping, name, 1)
        if value is None:
            if required:
                self.add(_line_of(mapping, None, 1), f"missing field '{name}'")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(line, f"'{name}' must be non-empty text")
            return None
        return value.strip()

    def unknown(self, mapping: Mapping[Any, Any], allowed: frozenset[str], what: str) -> None:
        for name in mapping:
            if name not in allowed:
                self.add(_line_of(mapping, name, 1), f"unknown field '{name}' in {what}")


def parse_bank(text: str, path: str) -> tuple[BankFile | None, list[BankProblem]]:
    """Parse one bank file; the bank is None when it has any problem."""
    check = _Checker(path)
    try:
        loader = _LineLoader(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow
        mark = getattr(exc, "problem_mark", None)
        return None, [BankProblem(path, mark.line + 1 if mark else 1, f"YAML syntax error: {exc}")]
    try:
        document = loader.get_single_data()
    except _TooDeep as exc:
        return None, [BankProblem(path, exc.mark.line + 1 if exc.mark else 1, TOO_DEEP)]
    except RecursionError:  # MAX_DEPTH keeps PyYAML well within the limit, unless the caller is deep already
        return None, [BankProblem(path, 1, TOO_DEEP)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [BankProblem(path, line, f"YAML syntax error: {problem}")]
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        # PyYAML's own constructors raise these on values such as "2020-13-45" or "!!int abc"
        return None, [BankProblem(path, 1, f"YAML value that cannot be read: {exc}")]
    finally:
        if "loader" in locals():
            loader.dispose()
    for line, message in loader.duplicates:
        check.add(line, message)
    if not isinstance(document, Mapping):
        check.add(1, "a bank file must be a mapping with 'area' and 'questions'")
        return None, check.problems
    check.unknown(document, TOP_FIELDS, "the file")
    area = _parse_area(document, check)
    questions = _parse_questions(document, check)
    if check.problems or area is None:
        return None, sorted(check.problems, key=lambda p: p.line)
    return BankFile(path, area, tuple(questions)), []


def _parse_area(document: Mapping[str, Any], check: _Checker) -> BankArea | None:
    raw = document.get("area")
    if not isinstance(raw, Mapping):
        check.add(_line_of(document, "area", 1), "'area' must be a mapping with slug and title")
        return None
    check.unknown(raw, AREA_FIELDS, "area")
    slug = check.text(raw, "slug")
    title = check.text(raw, "title")
    description = check.text(raw, "description", required=False) or ""
    if title is not None and len(title) > MAX_TITLE:
        check.add(_line_of(raw, "title", 1), f"'title' is longer than {MAX_TITLE} characters")
        return None
    if slug is not None and (not SLUG.fullmatch(slug) or len(slug) > MAX_SLUG):
        check.add(_line_of(raw, "slug", 1),
                  f"slug '{slug}' must be lowercase words joined by '-', at most {MAX_SLUG} characters")
        return None
    if slug is None or title is None:
        return None
    return BankArea(slug, title, description)


def _parse_questions(document: Mapping[str, Any], check: _Checker) -> list[BankQuestion]:
    raw = document.get("questions")
    if not isinstance(raw, list):
        check.add(_line_of(document, "questions", 1), "'questions' must be a list")
        return []
    questions: list[BankQuestion] = []
    keys: dict[str, int] = {}
    for index, item in enumerate(raw):
        line = raw.where.lines.get(index, 1) if isinstance(raw, _LinedList) else 1
        if not isinstance(item, Mapping):
            check.add(line, "each question must be a mapping")
            continue
        key = item.get("key")
        if isinstance(key, str) and key in keys:
            check.add(_line_of(item, "key", line), f"duplicate key '{key}' (first at line {keys[key]})")
        elif isinstance(key, str):
            keys[key] = _line_of(item, "key", line)
        question = _parse_question(item, check)
        if question is not None:
            questions.append(question)
    return questions


def _parse_question(item: Mapping[str, Any], check: _Checker) -> BankQuestion | None:
    start = len(check.problems)
    line = _line_of(item, None, 1)
    key = check.text(item, "key")
    if key is not None and (not SLUG.fullmatch(key) or len(key) > MAX_KEY):
        check.add(_line_of(item, "key", line), f"key '{key}' must be lowercase words joined by '-'")
    type_name = item.get("type")
    qtype = REGISTRY.get(type_name) if isinstance(type_name, str) else None
    if type_name is None:
        check.add(line, "missing field 'type'")
    elif qtype is None:
        known = ", ".join(sorted(REGISTRY))
        # a value that is not text is not quoted back: a list built from aliases can be huge when written out
        named = f"unknown type '{type_name}'" if isinstance(type_name, str) else "'type' must be the name of a type"
        check.add(_line_of(item, "type", line), f"{named} (known: {known})")
    allowed = COMMON_FIELDS | (qtype.fields if qtype else frozenset())
    if qtype is not None:
        check.unknown(item, allowed, f"a {qtype.name} question")
    difficulty = item.get("difficulty")
    if difficulty is None:
        check.add(line, "missing field 'difficulty'")
    elif type(difficulty) is not int or difficulty not in (1, 2, 3):
        check.add(_line_of(item, "difficulty", line), "'difficulty' must be 1, 2 or 3")
    prompt = check.text(item, "prompt")
    explanation = check.text(item, "explanation")
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        check.add(_line_of(item, "tags", line), "'tags' must be a list of words")
        tags = []
    reference = check.text(item, "reference", required=False) or None
    if reference is not None and len(reference) > MAX_REFERENCE:
        check.add(_line_of(item, "reference", line), f"'reference' is longer than {MAX_REFERENCE} characters")
    payload: dict[str, Any] | None = None
    if qtype is not None:
        fields = {name: item[name] for name in qtype.fields if name in item}
        try:
            payload = qtype.payload_from_fields(fields)
        except PayloadError as exc:
            for problem in exc.problems:
                where = _line_of(item, problem.field, line)
                value = item.get(problem.field) if problem.field else None
                if problem.index is not None and isinstance(value, _LinedList):
                    where = value.where.lines.get(problem.index, where)
                check.add(where, problem.message)
    if len(check.problems) > start or payload is None:
        return None
    assert key is not None and prompt is not None and explanation is not None
    return BankQuestion(
        key=key, type=qtype.name, difficulty=int(difficulty), prompt=prompt,
        payload=payload, explanation=explanation, tags=tuple(t.strip() for t in tags),
        reference=reference, line=line,
    )


def check_banks(files: Sequence[tuple[str, str]]) -> tuple[list[BankFile], list[BankProblem]]:
    """Parse several bank files (path, text) and check what must hold across them."""
    banks: list[BankFile] = []
    problems: list[BankProblem] = []
    slugs: dict[str, str] = {}
    for path, text in files:
        bank, found = parse_bank(text, path)
        problems.extend(found)
        if bank is None:
            continue
        if bank.area.slug in slugs:
            problems.append(
                BankProblem(path, 1, f"area '{bank.area.slug}' is also defined in {slugs[bank.area.slug]}")
            )
            continue
        slugs[bank.area.slug] = path
        banks.append(bank)
    return banks, problems


def check_question(fields: Mapping[str, Any]) -> tuple[BankQuestion | None, list[str]]:
    """One question's fields (as in a bank file), checked by the same rules as a bank file."""
    check = _Checker("<form>")
    question = _parse_question(fields, check)
    return question, [p.message for p in check.problems]


def question_fields(question: BankQuestion) -> dict[str, Any]:
    """A question as the fields of a bank file, in the order people read them: the checks build the same
    question from them (a field is left out only where its default gives the same payload)."""
    fields: dict[str, Any] = {"key": question.key, "type": question.type, "difficulty": question.difficulty,
                              "prompt": question.prompt}
    payload = question.payload
    if question.type in ("single_choice", "multiple_response"):
        options = []
        for option in payload["options"]:
            entry: dict[str, Any] = {"text": option["text"]}
            if option["correct"]:
                entry["correct"] = True
            if option.get("credit") is not None:
                entry["credit"] = option["credit"]
            if option.get("feedback") is not None:  # "" is kept: no feedback and empty feedback differ
                entry["feedback"] = option["feedback"]
            options.append(entry)
        fields["options"] = options
    elif question.type == "true_false":
        fields["answer"] = payload["answer"]
    elif question.type == "numeric":
        if payload["value"] is not None:
            fields["value"] = payload["value"]
            if not (payload["tolerance"] == 0 and type(payload["tolerance"]) is int):  # 0, the default
                fields["tolerance"] = payload["tolerance"]
        else:
            fields["min"], fields["max"] = payload["min"], payload["max"]
        if payload.get("unit") is not None:
            fields["unit"] = payload["unit"]
    elif question.type == "short_text":
        if payload["accepted"]:
            fields["accepted"] = list(payload["accepted"])
        if payload["case_sensitive"]:
            fields["case_sensitive"] = True
        if payload.get("regex") is not None:
            fields["regex"] = payload["regex"]
    elif question.type == "sql":
        fields["setup"], fields["solution"] = payload["setup"], payload["solution"]
        if payload["ordered"]:
            fields["ordered"] = True
    fields["explanation"] = question.explanation
    if question.tags:
        fields["tags"] = list(question.tags)
    if question.reference:
        fields["reference"] = question.reference
    return fields


class _BankDumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, so a written bank reads like a hand-written one."""


# Line breaks other than \n: YAML reads U+0085 as \n, or as a space when it folds a quoted line, and
# PyYAML writes all three raw in plain, single-quoted and block styles. Double quotes escape them.
_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _OTHER_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        # the emitter picks the chomping indicator ('|-' without a final line break, '|+' with several)
        # and falls back to a quoted style where a block cannot hold the text exactly
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BankDumper.add_representer(str, _represent_text)


def dump_bank(area: BankArea, questions: Sequence[BankQuestion]) -> str:
    """A bank file's text; parse_bank gives the same questions back."""
    document = {
        "area": {"slug": area.slug, "title": area.title, **({"description": area.description} if area.description
                                                              else {})},
        "questions": [question_fields(q) for q in questions],
    }
    return yaml.dump(document, Dumper=_BankDumper, sort_keys=False, allow_unicode=True, width=110)
