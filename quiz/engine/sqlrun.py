"""Run a candidate's SELECT in a sandboxed, throw-away SQLite database and compare results.

Every query gets a fresh in-memory database built from the question's setup script (schema and
seed data, written by instructors). After the setup the connection is locked down in layers:

* the statement text is checked first: exactly one statement, starting with SELECT, WITH or VALUES;
* an authorizer allows only SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE and SQLITE_FUNCTION (minus
  a block list), so writes, DDL, PRAGMA, ATTACH (and so VACUUM INTO), transactions are refused
  while the statement is prepared;
* ``PRAGMA query_only`` and a limit of 0 attached databases back the authorizer up;
* per-connection limits (value length, LIKE pattern length, expression depth...) bound the work of
  a single step, a progress handler stops the query at a deadline, and at most ``max_rows + 1``
  rows and ``MAX_RESULT_BYTES`` of cells are fetched;
* temporary storage is kept in memory (``PRAGMA temp_store = MEMORY``), so nothing touches a file.

``PRAGMA hard_heap_limit``/``soft_heap_limit`` are process-wide and deliberately not used.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import time
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

QUERY_TIME_LIMIT = 0.2  # seconds
SETUP_TIME_LIMIT = 1.0  # seconds; the setup is trusted but runs again for every answer graded
MAX_ROWS = 1000
MAX_RESULT_BYTES = 1_000_000  # roughly: characters of text, bytes of blobs, 8 per number
MAX_VALUE_BYTES = 100_000  # the longest string or blob a query may build (SQLITE_LIMIT_LENGTH)
MAX_LIKE_PATTERN = 100
PRINTF_BUDGET = MAX_VALUE_BYTES  # the sum of widths and precisions a printf() format may ask for

# Checked every this many virtual-machine instructions; a check costs about a microsecond.
_PROGRESS_OPS = 1000
_FETCH_BATCH = 100
# "MEMORY" keeps sorters and temporary b-trees off the disk. The price: within the time limit a
# query can build a few hundred MB of temporary data (measured: ~250 MB in 200 ms). "FILE" caps
# that at the page cache (~15 MB) but lets SQLite spill to anonymous, already-unlinked temp files.
_TEMP_STORE = "MEMORY"

# Applied after the setup script has run, for the candidate's query.
_QUERY_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 100,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 500,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 100_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: MAX_LIKE_PATTERN,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 0,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}

# Functions nobody may call, in the setup or the query. load_extension loads native code (SQLite
# keeps it off unless a connection turns it on, but it is listed); fts3_tokenizer(name, pointer)
# registers a tokenizer at an arbitrary address in builds with ENABLE_FTS3_TOKENIZER (this one);
# sqlite_log writes to the process's error log. The rest exist only in the sqlite3 shell or
# extensions, and are listed in case a build ships them.
BLOCKED_FUNCTIONS = frozenset({
    "load_extension", "fts3_tokenizer", "sqlite_log",
    "readfile", "writefile", "edit", "lsmode", "fsdir", "zipfile", "sqlar_compress", "sqlar_uncompress",
    "shell_add_schema", "shell_module_schema", "shell_putsnl", "shell_escape_crnl", "shell_idquote",
    "sha3_query", "sqlite_dbpage", "sqlite_dbdata", "sqlite_dbptr",
})

_WRITE_KEYWORDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "ATTACH", "DETACH", "PRAGMA",
    "BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "VACUUM", "REINDEX", "ANALYZE",
})

_ACTION_NAMES = {
    sqlite3.SQLITE_CREATE_INDEX: "CREATE INDEX",
    sqlite3.SQLITE_CREATE_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "CREATE INDEX",
    sqlite3.SQLITE_CREATE_TEMP_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "CREATE TRIGGER",
    sqlite3.SQLITE_CREATE_TEMP_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_CREATE_TRIGGER: "CREATE TRIGGER",
    sqlite3.SQLITE_CREATE_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE",
    sqlite3.SQLITE_DROP_INDEX: "DROP INDEX",
    sqlite3.SQLITE_DROP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_TEMP_INDEX: "DROP INDEX",
    sqlite3.SQLITE_DROP_TEMP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_TEMP_TRIGGER: "DROP TRIGGER",
    sqlite3.SQLITE_DROP_TEMP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_DROP_TRIGGER: "DROP TRIGGER",
    sqlite3.SQLITE_DROP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_ATTACH: "ATTACH",
    sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_SAVEPOINT: "SAVEPOINT",
}
_QUERY_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})
_SETUP_DENIED = frozenset({
    sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_PRAGMA, sqlite3.SQLITE_CREATE_VTABLE,
})


class QueryError(Exception):
    """The query cannot be run or was stopped; the message is meant for the candidate."""


class SetupError(QueryError):
    """The question's setup script fails (a problem with the question, not the answer)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"The question's setup failed: {detail}")


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool = False  # more rows existed than were fetched (only with truncate=True)


@dataclass(frozen=True)
class Comparison:
    equal: bool
    reason: str


# --- the statement text ------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<string>'(?:[^']|'')*(?:'|\Z))
    | (?P<ident>"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z)|\[[^\]]*(?:\]|\Z))
    | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    | (?P<semicolon>;)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(sql: str) -> Iterator[re.Match[str]]:
    """SQL tokens as SQLite reads them, as far as statement ends and keywords go: a ';' inside a
    string, a quoted name or a comment does not end a statement. An unterminated string or
    comment runs to the end (SQLite then reports it)."""
    return _TOKEN.finditer(sql)


def split_statements(sql: str) -> list[str]:
    """The statements in a text, without their ';' and surrounding comments; blank ones dropped."""
    statements: list[str] = []
    start: int | None = None
    end = 0
    for token in _tokens(sql):
        kind = token.lastgroup
        if kind == "semicolon":
            if start is not None:
                statements.append(sql[start:end])
            start = None
        elif kind not in ("space", "comment"):
            if start is None:
                start = token.start()
            end = token.end()
    if start is not None:
        statements.append(sql[start:end])
    return statements


def sql_words(sql: str) -> list[str]:
    """The bare words of a statement (keywords and unquoted names), upper-cased."""
    return [t.group().upper() for t in _tokens(sql) if t.lastgroup == "word"]


def has_order_by(sql: str) -> bool:
    return any(pair == ("ORDER", "BY") for pair in pairwise(sql_words(sql)))


def check_statement(query: str) -> str:
    """The one read-only statement of a query, or QueryError. The authorizer is the real guard;
    this gives clear messages, and refuses EXPLAIN, which the authorizer lets through."""
    statements = split_statements(query)
    if not statements:
        raise QueryError("The query is empty.")
    if len(statements) > 1:
        raise QueryError("Only one statement is allowed.")
    statement = statements[0]
    first = next(t for t in _tokens(statement) if t.lastgroup not in ("space", "comment"))
    keyword = first.group().upper() if first.lastgroup == "word" else ""
    if keyword in _WRITE_KEYWORDS:
        raise QueryError(f"Only reading is allowed: {keyword} is not permitted.")
    if keyword == "EXPLAIN":
        raise QueryError("Only SELECT queries are allowed: EXPLAIN is not permitted.")
    # Anything else that is not SELECT/WITH/VALUES goes to SQLite, which reports the syntax error.
    return statement


# --- the sandbox -------------------------------------------------------------------------------

_PRINTF_SPEC = re.compile(r"%([-+ #!0,0-9.*l]*)(.?)", re.DOTALL)
_DIGITS = re.compile(r"\d+")
_LEADING_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_helpers = threading.local()


def _magnitude(value: Any) -> float:
    """An upper bound of the integer SQLite reads from a value used as a printf '*' width."""
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return abs(float(value))
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    match = _LEADING_NUMBER.match(text)
    return abs(float(match.group())) if match else 0.0


def printf_budget(args: Sequence[Any]) -> float:
    """An upper bound of the widths and precisions a printf() call asks for.

    SQLite's printf spends time in proportion to them even when the result would be too long
    (printf('%.*c', 1000000000, 'x') runs for seconds inside one instruction, out of the progress
    handler's reach). The scan over-approximates SQLite's parser: every digit run inside a
    conversion counts, and if any conversion takes a '*' width, every argument counts.
    """
    if not args or args[0] is None:
        return 0.0
    fmt = args[0]
    text = fmt.decode("utf-8", "replace") if isinstance(fmt, bytes) else str(fmt)
    total = 0.0
    star = False
    for spec in _PRINTF_SPEC.finditer(text):
        for digits in _DIGITS.findall(spec.group(1)):
            total += math.inf if len(digits) > 9 else int(digits)
        star = star or "*" in spec.group(1)
    if star:
        total += sum(_magnitude(a) for a in args[1:])
    return total


def _builtin_printf(args: Sequence[Any]) -> Any:
    """SQLite's own printf, run on a private connection (the sandboxed one overrides the name)."""
    helper = getattr(_helpers, "printf", None)
    if helper is None:
        helper = sqlite3.connect(":memory:", isolation_level=None)
        helper.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        _helpers.printf = helper
    placeholders = ", ".join("?" * len(args))
    return helper.execute(f"SELECT printf({placeholders})", tuple(args)).fetchone()[0]


class _Guard:
    """The state of one sandboxed connection: what was refused, and the deadline."""

    def __init__(self) -> None:
        self.deadline: float | None = None
        self.timed_out = False
        self.refusal: str | None = None  # the message for the first thing refused

    def start(self, time_limit: float) -> None:
        self.deadline = time.monotonic() + time_limit
        self.timed_out = False
        self.refusal = None

    def progress(self) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0

    def _refuse(self, message: str) -> int:
        if self.refusal is None:
            self.refusal = message
        return sqlite3.SQLITE_DENY

    def _function_refused(self, name: str | None) -> bool:
        return (name or "").lower() in BLOCKED_FUNCTIONS

    def authorize_setup(self, action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        if action in _SETUP_DENIED:
            return self._refuse(f"{_describe(action, arg1, arg2)} is not permitted")
        if action == sqlite3.SQLITE_FUNCTION and self._function_refused(arg2):
            return self._refuse(f"the function {arg2}() is not permitted")
        return sqlite3.SQLITE_OK

    def authorize_query(self, action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
        if action in _QUERY_ALLOWED:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            if self._function_refused(arg2):
                return self._refuse(f"The function {arg2}() is not permitted.")
            return sqlite3.SQLITE_OK
        return self._refuse(f"Only reading is allowed: {_describe(action, arg1, arg2)} is not permitted.")

    def printf(self, *args: Any) -> Any:
        if not printf_budget(args) <= PRINTF_BUDGET:
            self.refusal = self.refusal or (
                f"The widths and precisions in printf() are too large (at most {PRINTF_BUDGET:,} in all).")
            raise ValueError("printf budget exceeded")
        return _builtin_printf(args)

    def setup_detail(self, exc: BaseException, time_limit: float) -> str:
        """What went wrong in the setup script, for the instructor."""
        if self.timed_out:
            return f"it took longer than {round(time_limit * 1000)} ms"
        return self.refusal or str(exc) or type(exc).__name__

    def query_message(self, exc: BaseException, time_limit: float) -> str:
        """The message for an error from SQLite, in words for the candidate."""
        if self.timed_out:
            return f"The query took longer than {round(time_limit * 1000)} ms and was stopped."
        if self.refusal:
            return self.refusal
        text = str(exc)
        if isinstance(exc, MemoryError) or "out of memory" in text:
            return "The query needs too much memory."
        if "string or blob too big" in text:
            return f"The query builds a value that is too large (more than {MAX_VALUE_BYTES:,} bytes)."
        if "LIKE or GLOB pattern too complex" in text:
            return f"A LIKE or GLOB pattern is too long (at most {MAX_LIKE_PATTERN} characters)."
        if "too many attached databases" in text:
            return "Only reading is allowed: ATTACH is not permitted."
        if "too many SQL variables" in text or "Incorrect number of bindings" in text:
            return "Parameters such as ? are not allowed; write the values into the query."
        if "one statement at a time" in text:
            return "Only one statement is allowed."
        if "too many columns" in text:
            return f"The query has too many columns (at most {_QUERY_LIMITS[sqlite3.SQLITE_LIMIT_COLUMN]})."
        return f"SQL error: {text}"


def _describe(action: int, arg1: str | None, arg2: str | None) -> str:
    """The operation an authorizer call asks for, in words."""
    if action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE):
        verb = {sqlite3.SQLITE_INSERT: "INSERT", sqlite3.SQLITE_UPDATE: "UPDATE", sqlite3.SQLITE_DELETE: "DELETE"}
        if arg1 in ("sqlite_master", "sqlite_schema"):
            # What SQLite reports when a virtual table (dbstat, pragma_table_info...) is connected.
            return "using virtual tables and table-valued functions (other than json_each and json_tree)"
        return f"{verb[action]} on {arg1}"
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}"
    if action == sqlite3.SQLITE_TRANSACTION:
        return arg1 or "a transaction"
    if action == sqlite3.SQLITE_FUNCTION:
        return f"the function {arg2}()"
    return _ACTION_NAMES.get(action, f"this operation (code {action})")


class _SandboxConnection(sqlite3.Connection):
    """A connection that carries its guard (the callbacks hold the guard, not the connection)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = _Guard()


def _guard_of(conn: sqlite3.Connection) -> _Guard:
    guard = getattr(conn, "guard", None)
    if not isinstance(guard, _Guard):
        raise TypeError("not a connection from build_database()")
    return guard


def _decode_text(data: bytes) -> str:
    # Invalid UTF-8 (CAST(x'ff' AS TEXT)) would otherwise make the whole query fail.
    return data.decode("utf-8", "replace")


def build_database(setup_sql: str, *, time_limit: float = SETUP_TIME_LIMIT) -> sqlite3.Connection:
    """A fresh in-memory database made by the setup script, locked down for reading only.

    The setup is trusted but still may not attach files, run PRAGMAs, create virtual tables or
    call blocked functions, and is stopped after time_limit. Raises SetupError; the caller closes
    the connection it gets.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=_SandboxConnection)
    guard = _guard_of(conn)
    try:
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_WORKER_THREADS, 0)
        conn.execute(f"PRAGMA temp_store = {_TEMP_STORE}")
        conn.text_factory = _decode_text
        for name in ("printf", "format"):
            conn.create_function(name, -1, guard.printf, deterministic=True)
        conn.set_authorizer(guard.authorize_setup)
        conn.set_progress_handler(guard.progress, _PROGRESS_OPS)
        guard.start(time_limit)
        conn.executescript(setup_sql)
        # Connecting an eponymous virtual table writes its schema once per connection, which the
        # query authorizer would refuse; connect the harmless JSON ones now so queries can use them.
        conn.execute("SELECT 1 FROM json_each('[]'), json_tree('[]')").fetchall()
    except (sqlite3.Error, sqlite3.Warning, MemoryError) as exc:
        detail = guard.setup_detail(exc, time_limit)
        conn.close()
        raise SetupError(detail) from exc
    except BaseException:
        conn.close()
        raise
    try:
        conn.set_progress_handler(None, 0)
        guard.deadline = None
        conn.set_authorizer(None)
        conn.execute("PRAGMA query_only = ON")
        for category, limit in _QUERY_LIMITS.items():
            conn.setlimit(category, limit)
        conn.set_authorizer(guard.authorize_query)
    except BaseException:
        conn.close()
        raise
    return conn


def _cell_size(value: Any) -> int:
    if isinstance(value, str | bytes):
        return len(value)
    return 8


def run_statement(
    conn: sqlite3.Connection, statement: str, *, time_limit: float = QUERY_TIME_LIMIT, max_rows: int = MAX_ROWS,
    truncate: bool = False,
) -> QueryResult:
    """Run one statement on a connection from build_database, within the limits (see run_query).

    This is the bare sandbox: the caller checks the text first with check_statement."""
    guard = _guard_of(conn)
    rows: list[tuple[Any, ...]] = []
    conn.set_progress_handler(guard.progress, _PROGRESS_OPS)
    guard.start(time_limit)
    try:
        cursor = conn.execute(statement)
        if cursor.description is None:
            raise QueryError("Only SELECT queries are allowed.")
        columns = tuple(d[0] for d in cursor.description)
        size = 0
        while len(rows) <= max_rows:
            batch = cursor.fetchmany(min(_FETCH_BATCH, max_rows + 1 - len(rows)))
            if not batch:
                break
            for row in batch:
                size += sum(_cell_size(v) for v in row)
            if size > MAX_RESULT_BYTES:
                raise QueryError(f"The query's result is too large (more than {MAX_RESULT_BYTES:,} bytes).")
            rows.extend(batch)
        cursor.close()
    except (sqlite3.Error, sqlite3.Warning, MemoryError) as exc:
        raise QueryError(guard.query_message(exc, time_limit)) from exc
    finally:
        conn.set_progress_handler(None, 0)
        guard.deadline = None
    if len(rows) > max_rows:
        if not truncate:
            raise QueryError(f"The query returns more than {max_rows} rows.")
        return QueryResult(columns, tuple(rows[:max_rows]), truncated=True)
    return QueryResult(columns, tuple(rows))


def run_query(
    setup_sql: str, query: str, *, time_limit: float = QUERY_TIME_LIMIT, max_rows: int = MAX_ROWS,
    truncate: bool = False,
) -> QueryResult:
    """Run a candidate's query on a fresh database made by setup_sql, or raise QueryError.

    More than max_rows rows is an error ("returns more than N rows"): a result cut short cannot be
    graded. With truncate=True (for display) the first max_rows rows come back, truncated=True.
    A setup that fails raises SetupError, a kind of QueryError.
    """
    statement = check_statement(query)
    conn = build_database(setup_sql)
    try:
        return run_statement(conn, statement, time_limit=time_limit, max_rows=max_rows, truncate=truncate)
    finally:
        conn.close()


# --- comparing results -------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def cells_equal(a: Any, b: Any, tolerance: float) -> bool:
    """NULL equals NULL; text and blobs exactly; two integers exactly; otherwise numbers within
    the tolerance, relative or absolute (so 2 equals 2.0 and 0.1 + 0.2 equals 0.3)."""
    if _is_number(a) and _is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)
    if a is None or b is None:
        return a is None and b is None
    return type(a) is type(b) and a == b


def rows_equal(a: Sequence[Any], b: Sequence[Any], tolerance: float) -> bool:
    return len(a) == len(b) and all(cells_equal(x, y, tolerance) for x, y in zip(a, b, strict=True))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def format_value(value: Any, width: int = 60) -> str:
    """A cell as SQL would write it: NULL, 42, 2.5, 'text', X'00FF'; long values shortened."""
    if value is None:
        text = "NULL"
    elif isinstance(value, str):
        text = "'" + value.replace("'", "''") + "'"
    elif isinstance(value, bytes):
        text = "X'" + value.hex().upper() + "'"
    else:
        text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_row(row: Sequence[Any]) -> str:
    return "(" + ", ".join(format_value(v) for v in row) + ")"


def preview_rows(result: QueryResult, limit: int = 20) -> list[tuple[str, ...]]:
    """The first rows of a result with each cell formatted for display."""
    return [tuple(format_value(v) for v in row) for row in result.rows[:limit]]


def _exact_key(row: Sequence[Any]) -> tuple[Any, ...]:
    # Numbers share a tag so that 2 and 2.0 (equal and equally hashed in Python) meet.
    return tuple(("n", v) if _is_number(v) else (type(v).__name__, v) for v in row)


def _window(value: float, tolerance: float) -> tuple[float, float]:
    """An interval holding every number within tolerance of value (a superset: if |a - b| is at
    most tolerance * max(|a|, |b|, 1), it is at most 2 * tolerance * max(|b|, 1) while tolerance < 0.5)."""
    if not math.isfinite(value):
        return value, value
    if tolerance >= 0.5:
        return -math.inf, math.inf
    slack = 2 * tolerance * max(1.0, abs(value))
    return value - slack, value + slack


class _Candidates:
    """Finds, for an expected row, the distinct actual rows it may equal, without comparing it
    with every one: rows must agree exactly outside the columns that hold a float, and each
    float column's value must lie in the row's tolerance window (found by bisection)."""

    _SMALL = 16  # intersect further windows only while more candidates than this remain

    def __init__(self, expected: Sequence[Sequence[Any]], actual: Sequence[Sequence[Any]], tolerance: float) -> None:
        width = len(actual[0]) if actual else 0
        self.loose = [k for k in range(width)
                      if any(isinstance(r[k], float) for r in expected) or any(isinstance(r[k], float) for r in actual)]
        self.loose_set = frozenset(self.loose)
        self.tolerance = tolerance
        self.actual = actual
        groups: dict[tuple[Any, ...], list[int]] = {}
        for j, row in enumerate(actual):
            groups.setdefault(self.shape(row), []).append(j)
        # For each group, each numeric loose column: (sorted values, the rows in that order).
        self.groups: dict[tuple[Any, ...], tuple[list[int], list[tuple[list[float], list[int]]]]] = {}
        for shape, members in groups.items():
            orders = []
            for k in self.loose:
                if shape[k] == "n":
                    ordered = sorted(members, key=lambda j, k=k: float(actual[j][k]))
                    orders.append(([float(actual[j][k]) for j in ordered], ordered))
            self.groups[shape] = (members, orders)

    def shape(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """What must be exactly equal: every cell, except numbers in the columns with floats."""
        loose = self.loose_set
        return tuple("n" if k in loose and _is_number(v) else _exact_key((v,))[0] for k, v in enumerate(row))

    def of(self, row: Sequence[Any]) -> list[int]:
        group = self.groups.get(self.shape(row))
        if group is None:
            return []
        members, orders = group
        if orders:
            windows = []
            numeric = [k for k in self.loose if _is_number(row[k])]
            for k, (values, ordered) in zip(numeric, orders, strict=True):
                low, high = _window(float(row[k]), self.tolerance)
                windows.append(ordered[bisect_left(values, low):bisect_right(values, high)])
            windows.sort(key=len)
            chosen = set(windows[0])
            for window in windows[1:]:
                if len(chosen) <= self._SMALL:
                    break
                chosen.intersection_update(window)
            members = sorted(chosen)
        return [j for j in members if rows_equal(row, self.actual[j], self.tolerance)]


def _match_multisets(
    expected: Sequence[Sequence[Any]], actual: Sequence[Sequence[Any]], tolerance: float
) -> tuple[Sequence[Any] | None, Sequence[Any] | None]:
    """Pair every expected row with an equal actual row; if that is impossible, a row left
    without a partner on each side (None, None when all are paired).

    Equality within a tolerance is not transitive, so rounding to canonical values, or pairing
    greedily, can call two equal multisets different ({0, 1e-6} and {1e-6, 2e-6} are equal at a
    tolerance of 1e-6, but only if 1e-6 is not paired with its exact twin). This finds a maximum
    matching: a flow from the distinct expected rows (capacity: how often each occurs) to the
    distinct actual rows, over the pairs of equal rows. Exact twins are paired first, then each
    expected row still short looks for augmenting paths (Kuhn's algorithm); a row that finds
    none can never be paired later either. Candidate pairs come from _Candidates, and
    only for the rows a search reaches, so results that match up to float noise cost about
    n log n; only rows that are nearly all within tolerance of each other cost n squared.
    """
    e_rows: dict[tuple[Any, ...], list[Any]] = {}
    for row in expected:
        e_rows.setdefault(_exact_key(row), [row, 0])[1] += 1
    a_rows: dict[tuple[Any, ...], list[Any]] = {}
    for row in actual:
        a_rows.setdefault(_exact_key(row), [row, 0])[1] += 1
    e_list = list(e_rows.values())
    a_list = list(a_rows.values())
    supply = [count for _, count in e_list]
    capacity = [count for _, count in a_list]
    flow: dict[tuple[int, int], int] = {}
    sources: list[list[int]] = [[] for _ in a_list]  # the expected rows sending flow to each actual row

    def push(i: int, j: int, amount: int) -> None:
        if (i, j) not in flow:
            flow[(i, j)] = 0
            sources[j].append(i)
        flow[(i, j)] += amount

    a_index = {key: j for j, key in enumerate(a_rows)}
    for i, key in enumerate(e_rows):
        j = a_index.get(key)
        if j is not None:
            amount = min(supply[i], capacity[j])
            push(i, j, amount)
            supply[i] -= amount
            capacity[j] -= amount

    candidates = _Candidates([row for row, _ in e_list], [row for row, _ in a_list], tolerance)
    adjacency: dict[int, list[int]] = {}

    def neighbours(i: int) -> list[int]:
        if i not in adjacency:
            adjacency[i] = candidates.of(e_list[i][0])
        return adjacency[i]

    missing = None
    for start in range(len(e_list)):
        while supply[start]:
            # Breadth-first search from `start` for an actual row with capacity left; stepping
            # back from an actual row to an expected row that sends it flow reroutes that flow.
            came_to_a: dict[int, int] = {}
            came_to_e: dict[int, int | None] = {start: None}
            queue = deque([start])
            target = None
            while queue and target is None:
                i = queue.popleft()
                for j in neighbours(i):
                    if j in came_to_a:
                        continue
                    came_to_a[j] = i
                    if capacity[j]:
                        target = j
                        break
                    for back in sources[j]:
                        if back not in came_to_e and flow[(back, j)]:
                            came_to_e[back] = j
                            queue.append(back)
            if target is None:  # this row can never be paired; pair the rest to find a real extra
                if missing is None:
                    missing = e_list[start][0]
                break
            path: list[tuple[int, int, int]] = []  # (expected, actual, +1 new flow / -1 rerouted)
            j = target
            while True:
                i = came_to_a[j]
                path.append((i, j, 1))
                previous = came_to_e[i]
                if previous is None:
                    break
                path.append((i, previous, -1))
                j = previous
            amount = min([supply[start], capacity[target]] + [flow[(i, j)] for i, j, d in path if d < 0])
            for i, j, direction in path:
                push(i, j, direction * amount)
            supply[start] -= amount
            capacity[target] -= amount
    extra = next((row for (row, _), left in zip(a_list, capacity, strict=True) if left), None)
    return missing, extra


def compare_results(
    expected: QueryResult, actual: QueryResult, *, ordered: bool, tolerance: float = 1e-6
) -> Comparison:
    """Whether a query's result equals the expected one, and if not, why in words.

    Column names are ignored; the number of columns and rows must match. Rows are compared as
    multisets (duplicates count) unless ordered. Cells: see cells_equal.
    """
    if tolerance < 0:
        raise ValueError("tolerance must be at least 0")
    if actual.truncated or expected.truncated:
        return Comparison(False, "the result was cut short, so it cannot be compared")
    n_expected, n_actual = len(expected.columns), len(actual.columns)
    if n_expected != n_actual:
        return Comparison(False, f"{_plural(n_expected, 'column')} expected, {n_actual} returned")
    if len(expected.rows) != len(actual.rows):
        return Comparison(False, f"{_plural(len(expected.rows), 'row')} expected, {len(actual.rows)} returned")
    differs: int | None = None
    if ordered:
        differs = next((k for k, (e, a) in enumerate(zip(expected.rows, actual.rows, strict=True))
                        if not rows_equal(e, a, tolerance)), None)
        if differs is None:
            return Comparison(True, "the results match")
    elif Counter(map(_exact_key, expected.rows)) == Counter(map(_exact_key, actual.rows)):
        return Comparison(True, "the results match")
    missing, extra = _match_multisets(expected.rows, actual.rows, tolerance)
    if missing is None and extra is None:
        if differs is not None:
            return Comparison(False, f"the rows are in another order (first difference at row {differs + 1})")
        return Comparison(True, "the results match")
    reasons = []
    if missing is not None:
        reasons.append(f"a row is missing: {format_row(missing)}")
    if extra is not None:
        reasons.append(f"an extra row: {format_row(extra)}")
    return Comparison(False, "; ".join(reasons))
