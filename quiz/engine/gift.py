"""Moodle GIFT import and export for question banks.

Import reads a GIFT text into bank areas and questions, checked by the same rules as a bank
file (questions/README.md), so a clean import gives exactly the questions that parse_bank
gives for the same content. Export writes banks as GIFT that Moodle can read, and that
parse_gift reads back to the same questions.

What GIFT maps to:

- Questions are separated by blank lines. Lines starting with ``//`` are comments.
- ``::Title::`` becomes the key (lowercase words joined by '-', made unique within the area);
  without a title the key comes from the first words of the prompt.
- ``$CATEGORY: a/b/Name`` starts an area: slug from the last path component (``Name`` gives
  ``name``), title that component. Without a category, ``default_area`` is used.
- Text formats: ``[markdown]`` is kept as Markdown, ``[plain]`` and ``[moodle]`` as text,
  ``[html]`` becomes plain text (tags dropped, entities decoded). An option, feedback or
  general feedback without its own format takes the question's.
- Escapes ``\\~ \\= \\# \\{ \\} \\: \\\\`` stand for the character, ``\\n`` for a newline.
- ``{=right ~wrong ~%50%partial}`` is single_choice (a weighted wrong option has ``credit``).
  Without ``=``, ``{~%50%A ~%50%B ~%-100%C}`` is multiple_response: accepted only when the
  positive weights are equal shares of 100 and the negative ones equal shares of -100 (or
  there are none); shares may differ from 100/N by 0.01 (33.33333).
- ``#text`` after an answer is that option's feedback; ``####text`` is the explanation,
  which every question needs.
- ``{T}`` ``{F}`` ``{TRUE}`` ``{FALSE}`` is true_false; its ``#wrong#right`` feedback is
  appended to the explanation.
- ``{=a =b}`` is short_text; ``{#3:0.5}``, ``{#3}`` and ``{#1..5}`` are numeric.
- Special comments on the lines right before a question carry what GIFT has no syntax for:
  ``// difficulty: 3`` (2 when absent), ``// tags: a, b``, ``// reference: text``,
  ``// case-sensitive``, ``// unit: ms`` and ``// regex: pattern``.
- Comments right after a ``$CATEGORY`` line carry the area: ``// area: Title`` and
  ``// description: text`` (with ``\\n`` for a newline and ``\\\\`` for a backslash).
  Export writes ``$CATEGORY: <slug>`` followed by them, so the slug survives the round trip
  and Moodle still sees a plain category.

Rejected, each reported with the line where the question starts: matching, essay,
description, missing word (text after the answer block), partial credit or several answers
in short answer and numeric questions, feedback on a short or numeric answer (GIFT has no
place for it here: put it in the general feedback), choice weights that the two choice
types cannot score the same way, and a weight that is not a finite number (``%1e999%``).

Export keeps newlines inside texts, except that a blank line, or a line that would start
with ``//``, is joined to the line before it with a ``\\n`` escape, so that it neither ends
the question nor reads as a comment. What GIFT cannot carry is reported, with the line of the
question (line 1 for the area): whitespace at the ends of a text (import strips it), a
carriage return in a text, a line break or edge spaces in a ``//`` comment, a character
U+E000 to U+E007 anywhere. A reported line break or carriage return is still written so that
it stays within its own question: as a newline in a text, as a space in a comment.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3

from quiz.engine.bankfile import (
    MAX_KEY,
    MAX_SLUG,
    MAX_TITLE,
    BankArea,
    BankFile,
    BankProblem,
    BankQuestion,
    _Checker,
    _Lined,
    _LinedDict,
    _LinedList,
    _parse_question,
)
from quiz.engine.types.base import is_number

FORMATS = frozenset({"markdown", "html", "plain", "moodle"})
SPECIAL_COMMENTS = ("difficulty", "tags", "reference", "unit", "regex")
DEFAULT_DIFFICULTY = 2
SHARE_TOLERANCE = 0.01
KEY_WORDS = 8
KEY_CHARS = 60

# Escaped characters become private-use placeholders while the structure is read.
_ESCAPED = "\\:#={}~n"
_PLACEHOLDER = {char: chr(0xE000 + i) for i, char in enumerate(_ESCAPED)}
_RESTORED = {chr(0xE000 + i): ("\n" if char == "n" else char) for i, char in enumerate(_ESCAPED)}
_ESCAPE = re.compile(r"\\([\\:#={}~n])")
_RESERVED = re.compile("[\ue000-\ue007]")
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # where str.splitlines() breaks
_SPECIAL = re.compile(r"[\\~=#{}:]")
_FORMAT = re.compile(r"\[(markdown|html|plain|moodle)\]")
_WEIGHT = re.compile(r"%([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)%")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_COMMENT = re.compile(r"(difficulty|tags|reference|unit|regex|area|description)\s*:(.*)")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_PARAGRAPH = re.compile(r"</p\s*>", re.IGNORECASE)
_CATEGORY_SPLIT = re.compile(r"(?<!/)/(?!/)")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_DESCRIPTION_ESCAPE = re.compile(r"\\([\\n])")


@dataclass(frozen=True)
class GiftImport:
    banks: list[BankFile]  # one per area (category), questions in file order
    problems: list[BankProblem]  # every problem, by line


class _Unsupported(Exception):
    """A question that cannot be imported: the message names what is wrong."""


# --- text --------------------------------------------------------------------------------------


def _restore(text: str) -> str:
    return "".join(_RESTORED.get(char, char) for char in text)


def _html_to_text(text: str) -> str:
    text = _HTML_PARAGRAPH.sub("\n\n", _HTML_BREAK.sub("\n", text))
    plain = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", plain).strip()


def _text(raw: str, default_format: str, own_format: bool = True) -> str:
    """A text of the question (escapes still as placeholders), with its own [format] first if own_format."""
    raw = raw.strip()
    fmt = default_format
    match = _FORMAT.match(raw) if own_format else None
    if match:
        fmt = match.group(1)
        raw = raw[match.end():].strip()
    text = _restore(raw)
    return _html_to_text(text) if fmt == "html" else text


def _slugify(text: str, limit: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug.strip("-")


def _number(text: str) -> int | float | None:
    """A number within a float's range, or None (very long digit runs are not numbers here)."""
    text = text.strip()
    if len(text) > 300:
        return None
    if _INTEGER.fullmatch(text):
        value: int | float = int(text)
    elif _NUMBER.fullmatch(text):
        value = float(text)
    else:
        return None
    return value if is_number(value) else None


def _format_number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _weight(body: str) -> tuple[int | float | None, str]:
    """A leading %N% weight and the rest of the answer; a weight that is not a finite number is unsupported."""
    body = body.lstrip()
    match = _WEIGHT.match(body)
    if not match:
        return None, body
    weight = _number(match.group(1))
    if weight is None:
        written = match.group(1)
        shown = f"%{written}%" if len(written) <= 20 else f"%{written[:12]}...% ({len(written)} characters)"
        raise _Unsupported(f"unsupported: weight {shown} is not a finite number (a weight is a percentage, "
                           "such as %50%)")
    return weight, body[match.end():]


def _split_feedback(body: str) -> tuple[str, str | None]:
    text, sep, feedback = body.partition("#")
    return text, (feedback if sep else None)


# --- import ------------------------------------------------------------------------------------


@dataclass
class _AreaDraft:
    slug: str
    title: str
    description: str
    title_line: int | None = None  # where '// area:' set the title
    questions: list[BankQuestion] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


class _Reader:
    def __init__(self, path: str, default_area: BankArea | None) -> None:
        self.path = path
        self.problems: list[BankProblem] = []
        self.areas: dict[str, _AreaDraft] = {}
        self.current: _AreaDraft | None = None
        self.category_broken = False
        self.unplaced_reported = False
        self.unplaced_keys: set[str] = set()
        if default_area is not None:
            self.current = self._area(default_area.slug, default_area.title, default_area.description)

    def add(self, line: int, message: str) -> None:
        self.problems.append(BankProblem(self.path, line, message))

    def _area(self, slug: str, title: str, description: str) -> _AreaDraft:
        if slug not in self.areas:
            self.areas[slug] = _AreaDraft(slug, title, description)
        return self.areas[slug]

    def read(self, text: str) -> None:
        lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        block: list[tuple[int, str]] = []
        for number, line in enumerate(lines, 1):
            if _RESERVED.search(line):
                self.add(number, "the line has a character reserved for the importer (U+E000 to U+E007)")
            if line.strip():
                block.append((number, line))
            elif block:
                self._block(block)
                block = []
        if block:
            self._block(block)

    def banks(self) -> list[BankFile]:
        return [
            BankFile(self.path, BankArea(area.slug, area.title, area.description), tuple(area.questions))
            for area in self.areas.values() if area.questions
        ]

    # One block: comments and $CATEGORY lines first, then at most one question.

    def _block(self, block: list[tuple[int, str]]) -> None:
        specials: dict[str, tuple[int, Any]] = {}
        category_line: int | None = None
        index = 0
        while index < len(block):
            number, line = block[index]
            stripped = line.strip()
            if stripped.startswith("//"):
                self._comment(number, stripped[2:].strip(), specials, category_line)
            elif stripped.startswith("$CATEGORY:"):
                self._category(number, stripped.removeprefix("$CATEGORY:").strip())
                category_line = number
            else:
                break
            index += 1
        if index == len(block):
            return  # comments and categories only
        rest = [(number, line) for number, line in block[index:] if not line.strip().startswith("//")]
        self._question(rest, specials)

    def _comment(self, number: int, body: str, specials: dict[str, tuple[int, Any]],
                 category_line: int | None) -> None:
        if body == "case-sensitive":
            name, value = "case_sensitive", True
        else:
            match = _COMMENT.fullmatch(body)
            if not match:
                return  # an ordinary comment
            name, value = match.group(1), match.group(2).strip()
        if name in ("area", "description"):
            self._area_comment(number, name, value, category_line)
            return
        if name in specials:
            self.add(number, f"'// {name.replace('_', '-')}' is given twice (first at line {specials[name][0]})")
            return
        if name == "difficulty":
            value = int(value) if value.isdigit() else value
        elif name == "tags":
            value = [tag.strip() for tag in value.split(",")] if value else []
        specials[name] = (number, value)

    def _area_comment(self, number: int, name: str, value: str, category_line: int | None) -> None:
        if category_line is None or self.current is None:
            if not self.category_broken:
                self.add(number, f"'// {name}:' must follow a $CATEGORY line")
            return
        area = self.current
        if name == "description":
            area.description = _DESCRIPTION_ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else "\\", value).strip()
        elif not value or len(value) > MAX_TITLE:
            self.add(number, f"the area title must be non-empty text of at most {MAX_TITLE} characters")
        elif area.title_line is not None and area.title != value:
            self.add(number, f"area '{area.slug}' already has the title '{area.title}' (line {area.title_line})")
        else:
            area.title, area.title_line = value, number

    def _category(self, number: int, value: str) -> None:
        parts = [part.replace("//", "/").strip() for part in _CATEGORY_SPLIT.split(value)]
        name = parts[-1] if parts else ""
        slug = _slugify(name, MAX_SLUG)
        if not slug:
            self.add(number, f"cannot make an area from the category '{value}': its last part has no letters or digits")
            self.current, self.category_broken = None, True
            return
        if len(name) > MAX_TITLE:
            self.add(number, f"the category name is longer than {MAX_TITLE} characters")
        self.current, self.category_broken = self._area(slug, name[:MAX_TITLE], ""), False

    # One question.

    def _question(self, rest: list[tuple[int, str]], specials: dict[str, tuple[int, Any]]) -> None:
        start = rest[0][0]
        starts: list[int] = []
        pieces: list[str] = []
        offset = 0
        for _, line in rest:
            piece = _ESCAPE.sub(lambda m: _PLACEHOLDER[m.group(1)], line)
            starts.append(offset)
            pieces.append(piece)
            offset += len(piece) + 1
        text = "\n".join(pieces)

        def line_at(position: int) -> int:
            return rest[bisect_right(starts, position) - 1][0]

        area = self.current
        if area is None and not self.category_broken and not self.unplaced_reported:
            self.add(start, "no $CATEGORY line before this question, and no default area was given")
            self.unplaced_reported = True
        try:
            fields, lines, explanation, title = self._read_question(text, line_at)
        except _Unsupported as exc:
            self.add(start, str(exc))
            return
        keys = area.keys if area is not None else self.unplaced_keys
        base = _slugify(title, MAX_KEY) if title else ""
        if not base:
            base = _slugify(" ".join(fields["prompt"].split()[:KEY_WORDS]), KEY_CHARS) or "question"
        key = base
        suffix = 2
        while key in keys:
            ending = f"-{suffix}"
            key = base[:MAX_KEY - len(ending)].rstrip("-") + ending
            suffix += 1
        keys.add(key)
        fields["key"] = key
        fields["difficulty"] = DEFAULT_DIFFICULTY
        for name, (number, value) in specials.items():
            fields[name] = value
            lines[name] = number
        found: list[BankProblem] = []
        if not explanation:
            found.append(BankProblem(self.path, start, "no explanation: add #### general feedback"))
            fields["explanation"] = "-"  # checked below for everything else
        question, checked = _check_question(fields, lines, start, self.path)
        found.extend(checked)
        self.problems.extend(found)
        if question is not None and not found and area is not None:
            area.questions.append(question)

    def _read_question(self, text: str, line_at: Any) -> tuple[dict[str, Any], dict[str, int], str, str | None]:
        """The question's fields and where they stand, its explanation and its title."""
        position = len(text) - len(text.lstrip())
        title = None
        if text.startswith("::", position):
            end = text.find("::", position + 2)
            if end < 0:
                raise _Unsupported("cannot read the question: the title is not closed with '::'")
            title = _restore(text[position + 2:end]).strip()
            position = end + 2
        rest = text[position:].lstrip()
        position = len(text) - len(rest)
        fmt = "moodle"
        match = _FORMAT.match(rest)
        if match:
            fmt = match.group(1)
            position += match.end()
        opening, closing = text.find("{", position), text.find("}", position)
        if opening < 0 and closing < 0:
            raise _Unsupported("unsupported: description (a question without an answer block in braces)")
        if opening < 0 or closing < opening or -1 < text.find("{", opening + 1) < closing:
            raise _Unsupported(
                "cannot read the question: its braces do not pair up (write a literal brace as \\{ or \\})")
        if text[closing + 1:].strip():
            raise _Unsupported("unsupported: missing word (text after the answer block)")
        prompt = _text(text[position:opening], fmt, own_format=False)
        inner = text[opening + 1:closing]
        explanation = ""
        general = inner.rfind("####")
        if general >= 0:
            explanation = _text(inner[general + 4:], fmt)
            inner = inner[:general]
        answers = inner.strip()
        base = opening + 1 + len(inner) - len(inner.lstrip())
        fields: dict[str, Any] = {"prompt": prompt}
        lines: dict[str, int] = {}
        if not answers:
            raise _Unsupported("unsupported: essay (an empty answer block)")
        if answers.startswith("#"):
            fields.update(_numeric(answers[1:], fmt))
            fields["type"] = "numeric"
        elif "~" in answers:
            fields["type"], options = _choice(answers, base, fmt, line_at)
            fields["options"] = options
            lines["options"] = options.where.line
        elif "=" in answers and "->" in answers:
            raise _Unsupported("unsupported: matching")
        elif answers.split("#", 1)[0].strip() in _TRUE_FALSE:
            head, *feedback = answers.split("#", 2)
            fields["type"], fields["answer"] = "true_false", _TRUE_FALSE[head.strip()]
            extra = [text for text in (_text(part, fmt) for part in feedback) if text]
            explanation = "\n\n".join([explanation, *extra]) if explanation else explanation
        elif answers.startswith("="):
            fields["type"], fields["accepted"] = "short_text", _short_answers(answers, fmt)
        else:
            raise _Unsupported(
                "cannot read the answer block: start each answer with '=' (short answer) or '~' (multiple "
                "choice), or write T, F, TRUE, FALSE or #number")
        fields["explanation"] = explanation
        return fields, lines, explanation, title


def _choice(answers: str, base: int, fmt: str, line_at: Any) -> tuple[str, _LinedList]:
    markers = list(re.finditer(r"[=~]", answers))
    if answers[:markers[0].start()].strip():
        raise _Unsupported("cannot read the answer block: each choice starts with '=' or '~'")
    options = _LinedList()
    options.where = _Lined(line_at(base))
    weights: list[int | float] = []
    has_equals = False
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(answers)
        weight, body = _weight(answers[marker.end():end])
        if marker.group() == "=":
            has_equals = True
            weight = 100 if weight is None else weight
        weights.append(0 if weight is None else weight)
        text, feedback = _split_feedback(body)
        option: dict[str, Any] = {"text": _text(text, fmt)}
        if feedback is not None:
            option["feedback"] = _text(feedback, fmt)
        options.append(option)
        options.where.lines[index] = line_at(base + marker.start())
    if has_equals:
        for option, weight in zip(options, weights, strict=True):
            if weight == 100:
                option["correct"] = True
            elif 0 < weight < 100:
                option["credit"] = weight
            elif weight != 0:
                raise _Unsupported(
                    f"unsupported: weight {_format_number(weight)}% in a single-choice question "
                    "(only 100%, 0% and partial credit between them)")
        return "single_choice", options
    right = [w for w in weights if w > 0]
    wrong = [w for w in weights if w < 0]
    if not right:
        return "single_choice", options  # the checks report that no option is correct
    equal_right = all(abs(w - 100 / len(right)) <= SHARE_TOLERANCE for w in right)
    equal_wrong = not wrong or (
        len(wrong) + len(right) == len(weights)
        and all(abs(w + 100 / len(wrong)) <= SHARE_TOLERANCE for w in wrong)
    )
    if not (equal_right and equal_wrong):
        raise _Unsupported(
            "unsupported: unequal weights cannot be represented (multiple response gives each of R right "
            "options 100/R% and each of W wrong options -100/W%, or 0% to all wrong options)")
    for option, weight in zip(options, weights, strict=True):
        if weight > 0:
            option["correct"] = True
    return "multiple_response", options


def _numeric(body: str, fmt: str) -> dict[str, Any]:
    body, tilde, wrong = body.partition("~")
    if tilde and _text(_split_feedback(wrong)[1] or "", fmt):
        raise _Unsupported("unsupported: feedback on a wrong numeric answer (put it in the #### general feedback)")
    answers = body.split("=")
    if not answers[0].strip():
        answers = answers[1:]
    if not answers:
        raise _Unsupported("cannot read the answer block: a numeric question needs a number after '#'")
    if len(answers) > 1:
        raise _Unsupported("unsupported: several numeric answers (only one value or range)")
    weight, answer = _weight(answers[0])
    if weight is not None and weight != 100:
        raise _Unsupported("unsupported: partial credit on a numeric answer")
    answer, feedback = _split_feedback(answer)
    if feedback is not None and _text(feedback, fmt):
        raise _Unsupported("unsupported: feedback on a numeric answer (put it in the #### general feedback)")
    answer = _restore(answer).strip()
    if answer.find("..") > 0:
        low, high = answer.split("..", 1)
        numbers = {"min": _number(low), "max": _number(high)}
    elif ":" in answer:
        value, tolerance = answer.split(":", 1)
        numbers = {"value": _number(value), "tolerance": _number(tolerance)}
    else:
        numbers = {"value": _number(answer)}
    if any(number is None for number in numbers.values()):
        raise _Unsupported(f"cannot read the numeric answer '{answer}': write #value, #value:tolerance or #min..max")
    return numbers


def _short_answers(answers: str, fmt: str) -> list[str]:
    accepted = []
    for answer in answers.split("=")[1:]:
        weight, answer = _weight(answer)
        if weight is not None and weight != 100:
            raise _Unsupported("unsupported: partial credit in a short answer")
        text, feedback = _split_feedback(answer)
        if feedback is not None and _text(feedback, fmt):
            raise _Unsupported("unsupported: feedback on a short answer (put it in the #### general feedback)")
        accepted.append(_text(text, fmt))
    return accepted


def _check_question(fields: dict[str, Any], lines: dict[str, int], start: int,
                    path: str) -> tuple[BankQuestion | None, list[BankProblem]]:
    """One question's fields, checked by the very rules of a bank file, problems at their lines."""
    item = _LinedDict(fields)
    item.where = _Lined(start, dict(lines))
    check = _Checker(path)
    question = _parse_question(item, check)
    return question, check.problems


def parse_gift(text: str, path: str, default_area: BankArea | None = None) -> GiftImport:
    """Read a GIFT text into banks; every problem is reported by line, and a question with a
    problem is left out. Callers should refuse to save when there is any problem."""
    reader = _Reader(path, default_area)
    reader.read(text)
    return GiftImport(banks=reader.banks(), problems=sorted(reader.problems, key=lambda p: p.line))


# --- export ------------------------------------------------------------------------------------


class _Writer:
    def __init__(self) -> None:
        self.problems: list[BankProblem] = []
        self.path = ""
        self.line = 0

    def add(self, message: str) -> None:
        self.problems.append(BankProblem(self.path, self.line, message))

    def text(self, text: str, what: str, guarded: bool = False) -> str:
        """Escaped text; newlines stay, except where a blank or '//' line would break the question."""
        if "\r" in text:  # import reads it as a line break: written as one, it cannot end the question
            self.add(f"{what} has a carriage return, which GIFT cannot carry")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        marked = text.replace("\n", "x")  # a newline at either end is written as the escape \n, which import keeps
        if marked != marked.strip():  # import strips every kind of whitespace, as str.strip() does
            self.add(f"{what} starts or ends with whitespace, which GIFT does not keep")
        if _RESERVED.search(text):
            self.add(f"{what} has a character U+E000 to U+E007, which GIFT cannot carry")
        escaped = _SPECIAL.sub(lambda m: "\\" + m.group(), text)
        first, *others = escaped.split("\n")
        out = first
        for line in others:
            plain = out.strip() and line.strip() and not line.lstrip().startswith("//")
            out += ("\n" if plain else "\\n") + line
        if guarded and (out.startswith("%") or _FORMAT.match(out)):
            return "[markdown]" + out  # so that the text reads neither as a weight nor as a format
        return out

    def comment(self, name: str, value: str) -> str:
        """A '//' comment line: a line break in the value is reported and written as a space, so that what
        follows it cannot read as another line (a '$CATEGORY', a comment, a question)."""
        if _LINE_BREAK.search(value) or value != value.strip():
            self.add(f"the {name} has a line break or spaces at its ends, which a GIFT comment cannot carry")
        if _RESERVED.search(value):
            self.add(f"the {name} has a character U+E000 to U+E007, which GIFT cannot carry")
        return f"// {name}: {_LINE_BREAK.sub(' ', value)}"

    def question(self, question: BankQuestion) -> str | None:
        self.line = question.line
        payload = question.payload
        head = [f"// difficulty: {question.difficulty}"]
        if question.tags:
            if any("," in tag for tag in question.tags):
                self.add("a tag with a comma cannot be carried by '// tags:'")
            head.append(self.comment("tags", ", ".join(question.tags)))
        if question.reference:
            head.append(self.comment("reference", question.reference))
        if _slugify(question.key, MAX_KEY) != question.key:
            self.add(f"the key '{question.key}' would not come back the same from a GIFT title")
        body: list[str] = []
        if question.type == "single_choice":
            for option in payload["options"]:
                if option["correct"]:
                    marker = "="
                elif option.get("credit") is not None:
                    marker = f"~%{_format_number(option['credit'])}%"
                else:
                    marker = "~"
                body.append(self.option(marker, option))
        elif question.type == "multiple_response":
            right = sum(1 for option in payload["options"] if option["correct"])
            wrong = len(payload["options"]) - right
            for option in payload["options"]:
                share = _share(100 / right) if option["correct"] else "-" + _share(100 / wrong)
                body.append(self.option(f"~%{share}%", option))
        elif question.type == "true_false":
            body.append("TRUE" if payload["answer"] else "FALSE")
        elif question.type == "numeric":
            if payload.get("unit") is not None:
                head.append(self.comment("unit", payload["unit"]))
            if payload["value"] is not None:
                tolerance = payload["tolerance"]
                written = "" if tolerance == 0 and type(tolerance) is int else ":" + _format_number(tolerance)
                body.append(f"#{_format_number(payload['value'])}{written}")
            else:
                body.append(f"#{_format_number(payload['min'])}..{_format_number(payload['max'])}")
        elif question.type == "short_text":
            if payload["case_sensitive"]:
                head.append("// case-sensitive")
            if payload.get("regex"):
                head.append(self.comment("regex", payload["regex"]))
            if not payload["accepted"]:
                self.add("a short text question with only a regex cannot be written in GIFT: it was left out")
                return None
            for accepted in payload["accepted"]:
                if "->" in accepted:
                    self.add(f"the accepted answer '{accepted}' would read as a matching question")
                body.append("=" + self.text(accepted, "an accepted answer", guarded=True))
        else:
            self.add(f"the type {question.type} cannot be written in GIFT: the question was left out")
            return None
        prompt = self.text(question.prompt, "the prompt")
        explanation = self.text(question.explanation, "the explanation", guarded=True)
        key = self.text(question.key, "the key")
        lines = [*head, f"::{key}::[markdown]{prompt}{{"]
        lines += [f"\t{line}" for line in body]
        lines += [f"\t####{explanation}", "}"]
        return "\n".join(lines)

    def option(self, marker: str, option: dict[str, Any]) -> str:
        number = f"option {option['id']}"
        written = marker + self.text(option["text"], f"the text of {number}", guarded=True)
        if option.get("feedback") is not None:
            written += "#" + self.text(option["feedback"], f"the feedback of {number}", guarded=True)
        return written


def _share(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def export_gift(banks: Sequence[BankFile]) -> tuple[str, list[BankProblem]]:
    """GIFT text for the banks, and problems for what GIFT cannot carry (reported, never dropped silently)."""
    writer = _Writer()
    blocks: list[str] = []
    for bank in banks:
        writer.path, writer.line = bank.path, 1
        area = bank.area
        category = [f"$CATEGORY: {area.slug}", writer.comment("area", area.title)]
        if area.description:
            escaped = area.description.replace("\\", "\\\\").replace("\n", "\\n")
            category.append(writer.comment("description", escaped))
        blocks.append("\n".join(category))
        for question in bank.questions:
            written = writer.question(question)
            if written is not None:
                blocks.append(written)
    return "\n\n".join(blocks) + "\n" if blocks else "", writer.problems
