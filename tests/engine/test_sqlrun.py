"""The SQL sandbox: one read-only statement, limits, clear messages; and comparing results."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from quiz.engine.sqlrun import (
    MAX_RESULT_BYTES,
    QueryError,
    QueryResult,
    SetupError,
    build_database,
    compare_results,
    format_row,
    has_order_by,
    preview_rows,
    run_query,
    split_statements,
)

SETUP = """
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, team TEXT);
INSERT INTO people VALUES (1, 'Ada', 'core'), (2, 'Bob', 'web'), (3, 'Cy', NULL), (4, 'Di', 'core');
CREATE TABLE n (v INTEGER);
INSERT INTO n WITH RECURSIVE r(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM r WHERE v < 100) SELECT v FROM r;
"""

READ_ONLY = "Only reading is allowed:"


def result(*rows: tuple[Any, ...], columns: tuple[str, ...] | None = None) -> QueryResult:
    width = len(rows[0]) if rows else 1
    return QueryResult(columns or tuple(f"c{i}" for i in range(width)), tuple(rows))


def error_of(query: str, setup: str = SETUP, **kwargs: Any) -> str:
    with pytest.raises(QueryError) as exc_info:
        run_query(setup, query, **kwargs)
    return str(exc_info.value)


def timed_error(query: str, **kwargs: Any) -> tuple[str, float]:
    start = time.monotonic()
    message = error_of(query, **kwargs)
    return message, time.monotonic() - start


# --- comparing results ----------------------------------------------------------------------


def test_row_order_is_ignored_unless_the_question_asks_for_it() -> None:
    expected = result((1,), (2,), (3,), (4,))
    actual = result((1,), (2,), (4,), (3,))
    assert compare_results(expected, actual, ordered=False).equal
    ordered = compare_results(expected, actual, ordered=True)
    assert not ordered.equal
    assert ordered.reason == "the rows are in another order (first difference at row 3)"
    assert compare_results(expected, expected, ordered=True).equal


def test_rows_are_a_multiset_duplicates_count() -> None:
    one_one_two = result((1,), (1,), (2,))
    unequal = compare_results(one_one_two, result((1,), (2,), (2,)), ordered=False)
    assert not unequal.equal
    assert unequal.reason == "a row is missing: (1); an extra row: (2)"
    assert compare_results(one_one_two, result((2,), (1,), (1,)), ordered=False).equal


def test_null_equals_null_but_not_zero_or_empty_text() -> None:
    assert compare_results(result((None, "a")), result((None, "a")), ordered=False).equal
    assert not compare_results(result((None,)), result((0,)), ordered=False).equal
    assert not compare_results(result((None,)), result(("",)), ordered=False).equal


def test_floats_are_equal_within_the_tolerance() -> None:
    assert compare_results(result((0.3,)), result((0.1 + 0.2,)), ordered=False).equal  # 0.30000000000000004
    assert compare_results(result((0.3,)), result((0.1 + 0.2,)), ordered=True).equal
    differ = compare_results(result((1.0,)), result((1.01,)), ordered=False)
    assert not differ.equal
    assert differ.reason == "a row is missing: (1.0); an extra row: (1.01)"


def test_an_int_equals_a_close_float_but_two_ints_must_be_equal() -> None:
    assert compare_results(result((2, "x")), result((2.0, "x")), ordered=False).equal
    assert compare_results(result((2,)), result((2.0000000001,)), ordered=False).equal
    # Counts are exact: a relative tolerance of 1e-6 would otherwise let 1000001 pass for 1000000.
    assert not compare_results(result((1_000_000,)), result((1_000_001,)), ordered=False).equal


def test_text_and_blobs_compare_exactly_and_never_equal_numbers() -> None:
    assert not compare_results(result(("Ada",)), result(("ada",)), ordered=False).equal
    assert not compare_results(result(("Ada",)), result(("Ada ",)), ordered=False).equal
    assert not compare_results(result(("2",)), result((2,)), ordered=False).equal
    assert compare_results(result((b"\x00\xff",)), result((b"\x00\xff",)), ordered=False).equal
    assert not compare_results(result((b"\x00",)), result((b"\x01",)), ordered=False).equal


def test_column_names_are_ignored() -> None:
    expected = result((1, "Ada"), columns=("id", "name"))
    actual = result((1, "Ada"), columns=("person_id", "full_name"))
    assert compare_results(expected, actual, ordered=True).equal


def test_column_count_must_match() -> None:
    three = result((1, "Ada", None))
    comparison = compare_results(three, result((1, "Ada")), ordered=False)
    assert (comparison.equal, comparison.reason) == (False, "3 columns expected, 2 returned")
    assert compare_results(result((1,)), three, ordered=False).reason == "1 column expected, 3 returned"


def test_row_count_must_match() -> None:
    twelve = result(*[(i,) for i in range(12)])
    comparison = compare_results(twelve, result(*[(i,) for i in range(11)]), ordered=False)
    assert (comparison.equal, comparison.reason) == (False, "12 rows expected, 11 returned")
    assert compare_results(result((1,)), result(), ordered=True).reason == "1 row expected, 0 returned"


def test_the_reason_names_the_missing_and_the_extra_row_in_sql_notation() -> None:
    expected = result((3, "Ada", None), (4, "O'Neil", 1.5))
    actual = result((4, "O'Neil", 1.5), (3, "Ada", "x"))
    comparison = compare_results(expected, actual, ordered=False)
    assert comparison.reason == "a row is missing: (3, 'Ada', NULL); an extra row: (3, 'Ada', 'x')"


def test_closeness_is_not_transitive_so_rows_are_matched_not_rounded() -> None:
    # At an absolute tolerance of 0.1: 0.0~0.08 and 0.08~0.16, but 0.0 and 0.16 are too far apart.
    # Pairing the exact twins 0.08~0.08 first would leave 0.0 and 0.16, and call these different.
    expected = result((0.0,), (0.08,))
    assert compare_results(expected, result((0.08,), (0.16,)), ordered=False, tolerance=0.1).equal
    differ = compare_results(expected, result((0.08,), (0.25,)), ordered=False, tolerance=0.1)
    assert differ.reason == "a row is missing: (0.0); an extra row: (0.25)"


def test_a_large_result_with_float_noise_matches_quickly() -> None:
    expected = result(*[(i, i * 0.1, "x") for i in range(1000)])
    noisy = [(i, i * 0.1 + 1e-12, "x") for i in reversed(range(1000))]
    start = time.monotonic()
    assert compare_results(expected, result(*noisy), ordered=False).equal
    assert noisy[499][0] == 500
    noisy[499] = (500, 50.5, "x")
    assert compare_results(expected, result(*noisy), ordered=False).reason == (
        "a row is missing: (500, 50.0, 'x'); an extra row: (500, 50.5, 'x')")
    assert time.monotonic() - start < 2.0


def test_a_truncated_result_never_equals() -> None:
    rows = ((1,),)
    comparison = compare_results(QueryResult(("a",), rows), QueryResult(("a",), rows, truncated=True), ordered=False)
    assert not comparison.equal


def test_preview_formats_cells_as_sql_and_stops_at_the_limit() -> None:
    rows = result((None, "O'Neil", b"\x00\xff", 2.5, 7), (1, "b", b"", 0.0, 8))
    assert preview_rows(rows, limit=1) == [("NULL", "'O''Neil'", "X'00FF'", "2.5", "7")]
    assert len(preview_rows(rows)) == 2
    assert format_row(("x" * 100,)) == "('" + "x" * 58 + "…)"


# --- statements ----------------------------------------------------------------------------


def test_split_statements_respects_literals_quoted_names_and_comments() -> None:
    assert split_statements("SELECT 1; SELECT 2") == ["SELECT 1", "SELECT 2"]
    assert split_statements("SELECT ';' -- ;\n; /* ; */ ") == ["SELECT ';'"]
    assert split_statements('SELECT "a;b", [c;d], `e;f` FROM t;') == ['SELECT "a;b", [c;d], `e;f` FROM t']
    assert split_statements("SELECT 'it''s; fine'") == ["SELECT 'it''s; fine'"]
    assert split_statements(" ; -- nothing\n ;") == []


def test_has_order_by_looks_only_at_keywords() -> None:
    assert has_order_by("SELECT * FROM t ORDER BY 1")
    assert has_order_by("select * from t order\n  by x")
    assert not has_order_by("SELECT 'ORDER BY' FROM t")
    assert not has_order_by("SELECT * FROM t -- ORDER BY x")
    assert not has_order_by('SELECT "order" FROM t')


# --- running queries ------------------------------------------------------------------------


def test_a_select_returns_its_columns_and_rows() -> None:
    got = run_query(SETUP, "SELECT id, name, team FROM people WHERE id <= 3 ORDER BY id")
    assert got == QueryResult(("id", "name", "team"), ((1, "Ada", "core"), (2, "Bob", "web"), (3, "Cy", None)))


@pytest.mark.parametrize("query", [
    "SELECT count(*) FROM people;",
    "SELECT count(*) FROM people ;  -- that is all\n",
    "/* count them */ SELECT count(*) FROM people",
    "WITH p AS (SELECT * FROM people) SELECT count(*) FROM p",
    "VALUES (4)",
])
def test_reads_with_a_trailing_semicolon_comments_with_and_values_run(query: str) -> None:
    assert run_query(SETUP, query).rows == ((4,),)


def test_a_semicolon_inside_a_literal_does_not_split_the_query() -> None:
    got = run_query(SETUP, "SELECT 'a;b' AS \"x;y\"")
    assert got == QueryResult(("x;y",), (("a;b",),))


def test_common_functions_json_each_and_printf_work() -> None:
    got = run_query(SETUP, "SELECT printf('%.2f', 3.14159), format('%5d|', 42), upper('x'), round(2.567, 1)")
    assert got.rows == (("3.14", "   42|", "X", 2.6),)
    assert run_query(SETUP, "SELECT value FROM json_each('[10, 20]')").rows == ((10,), (20,))


@pytest.mark.parametrize("query", ["", "   ", "-- nothing\n;", ";;"])
def test_an_empty_query_is_refused(query: str) -> None:
    assert error_of(query) == "The query is empty."


def test_errors_from_sqlite_are_reported_plainly() -> None:
    assert error_of("SELEC name FROM people") == 'SQL error: near "SELEC": syntax error'
    assert error_of("SELECT * FROM persons") == "SQL error: no such table: persons"
    assert error_of("SELECT nme FROM people") == "SQL error: no such column: nme"
    assert error_of("SELECT 'abc; DROP TABLE people").startswith("SQL error: unrecognized token")
    assert error_of("SELECT ?") == "Parameters such as ? are not allowed; write the values into the query."


def test_more_rows_than_the_cap_is_an_error_unless_truncation_is_asked_for() -> None:
    query = "SELECT a.v, b.v FROM n a, n b"  # 100 * 100 = 10,000 rows
    assert error_of(query) == "The query returns more than 1000 rows."
    assert error_of("SELECT v FROM n", max_rows=5) == "The query returns more than 5 rows."
    shown = run_query(SETUP, query, truncate=True)
    assert (len(shown.rows), shown.truncated) == (1000, True)
    assert run_query(SETUP, "SELECT v FROM n", max_rows=100).truncated is False


def test_a_result_too_large_in_total_is_an_error() -> None:
    # 20 values of 90,000 bytes: each is allowed, together they pass the 1 MB cap.
    query = "SELECT zeroblob(90000) FROM n WHERE v <= 20"
    assert error_of(query) == f"The query's result is too large (more than {MAX_RESULT_BYTES:,} bytes)."
    assert len(run_query(SETUP, "SELECT zeroblob(90000) FROM n WHERE v <= 10").rows) == 10


def test_a_broken_setup_raises_setup_error() -> None:
    with pytest.raises(SetupError) as exc_info:
        run_query("CREATE TABL t(x)", "SELECT 1")
    assert exc_info.value.detail == 'near "TABL": syntax error'
    assert isinstance(exc_info.value, QueryError)  # so grading treats it as a query that did not run


# --- escape attempts ------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT 1; SELECT 2",
    "SELECT 1; DROP TABLE people",
    "SELECT * FROM people;DELETE FROM people;",
    "SELECT 1 -- ;\n; PRAGMA writable_schema = ON",
])
def test_two_statements_are_refused(query: str) -> None:
    assert error_of(query) == "Only one statement is allowed."


@pytest.mark.parametrize(("query", "keyword"), [
    ("UPDATE people SET name = 'x'", "UPDATE"),
    ("INSERT INTO people VALUES (9, 'Eve', 'web')", "INSERT"),
    ("REPLACE INTO people VALUES (1, 'Eve', 'web')", "REPLACE"),
    ("DELETE FROM people", "DELETE"),
    ("CREATE TABLE t (x)", "CREATE"),
    ("DROP TABLE people", "DROP"),
    ("ALTER TABLE people ADD COLUMN x", "ALTER"),
    ("PRAGMA writable_schema = ON", "PRAGMA"),
    ("PRAGMA table_info(people)", "PRAGMA"),
    ("BEGIN", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("ROLLBACK", "ROLLBACK"),
    ("SAVEPOINT s", "SAVEPOINT"),
    ("ATTACH '/etc/passwd' AS x", "ATTACH"),
    ("DETACH main", "DETACH"),
    ("VACUUM", "VACUUM"),
    ("REINDEX", "REINDEX"),
    ("ANALYZE", "ANALYZE"),
])
def test_statements_other_than_reads_are_refused(query: str, keyword: str) -> None:
    assert error_of(query) == f"{READ_ONLY} {keyword} is not permitted."


def test_explain_is_refused() -> None:
    assert error_of("EXPLAIN SELECT 1") == "Only SELECT queries are allowed: EXPLAIN is not permitted."


def test_writes_hidden_behind_with_are_refused_by_the_authorizer() -> None:
    assert error_of("WITH x AS (SELECT 1) DELETE FROM people") == f"{READ_ONLY} DELETE on people is not permitted."
    assert error_of("WITH x AS (SELECT 1) INSERT INTO people SELECT 9, 'Eve', NULL FROM x") == (
        f"{READ_ONLY} INSERT on people is not permitted.")
    assert error_of("WITH x AS (SELECT 1) UPDATE people SET name = 'x'") == (
        f"{READ_ONLY} UPDATE on people is not permitted.")


def test_pragma_table_functions_and_other_virtual_tables_are_refused() -> None:
    for query in ("SELECT * FROM pragma_table_info('people')", "SELECT * FROM dbstat"):
        message = error_of(query)
        assert message.startswith(READ_ONLY) and message.endswith("is not permitted.")


@pytest.mark.parametrize(("query", "function"), [
    ("SELECT load_extension('/tmp/x')", "load_extension"),
    ("SELECT LOAD_EXTENSION('/tmp/x', 'init')", "load_extension"),  # SQLite names it in lower case
    ("SELECT fts3_tokenizer('simple')", "fts3_tokenizer"),
    ("SELECT name FROM people WHERE sqlite_log(1, 'x') IS NULL", "sqlite_log"),
])
def test_dangerous_functions_are_refused(query: str, function: str) -> None:
    assert error_of(query) == f"The function {function}() is not permitted."


def test_attaching_a_file_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    assert error_of(f"ATTACH '{target}' AS x") == f"{READ_ONLY} ATTACH is not permitted."
    assert error_of(f"ATTACH 'file:{target}?mode=rwc' AS x") == f"{READ_ONLY} ATTACH is not permitted."
    assert error_of(f"SELECT 1; ATTACH '{target}' AS x") == "Only one statement is allowed."
    assert error_of(f"VACUUM INTO '{target}'") == f"{READ_ONLY} VACUUM is not permitted."
    assert list(tmp_path.iterdir()) == []


def test_the_sandbox_holds_even_without_the_statement_check(tmp_path: Path) -> None:
    # Straight to the connection: the authorizer, query_only and the attach limit must stop these.
    target = tmp_path / "x.db"
    conn = build_database(SETUP)
    try:
        for statement in (f"ATTACH '{target}' AS x", f"VACUUM INTO '{target}'", "VACUUM",
                          "DELETE FROM people", "CREATE TEMP TABLE t (x)", "PRAGMA query_only = OFF",
                          "PRAGMA writable_schema = ON", "BEGIN"):
            with pytest.raises(sqlite3.DatabaseError):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (4,)
    finally:
        conn.close()
    assert list(tmp_path.iterdir()) == []


def test_an_endless_recursive_query_is_stopped_at_the_time_limit() -> None:
    message, elapsed = timed_error("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                                   "SELECT count(*) FROM r")
    assert message == "The query took longer than 200 ms and was stopped."
    assert 0.15 < elapsed < 1.0


def test_a_huge_cross_join_is_stopped_at_the_time_limit() -> None:
    message, elapsed = timed_error("SELECT count(*) FROM n a, n b, n c, n d, n e", time_limit=0.05)  # 100^5 rows
    assert message == "The query took longer than 50 ms and was stopped."
    assert elapsed < 0.5


@pytest.mark.parametrize("query", [
    "SELECT randomblob(100000000)",
    "SELECT length(zeroblob(100000000))",
    "SELECT replace(hex(zeroblob(40000)), '0', '0000000000')",
    "SELECT group_concat(hex(zeroblob(1000))) FROM n a, n b",
])
def test_huge_values_are_refused_without_building_them(query: str) -> None:
    message, elapsed = timed_error(query)
    assert message == "The query builds a value that is too large (more than 100,000 bytes)."
    assert elapsed < 0.5


def test_printf_cannot_spin_for_seconds_inside_one_step() -> None:
    # SQLite's printf('%.*c', 1000000000, 'x') loops for about 7 s where no time limit can reach it.
    for query in ("SELECT printf('%.*c', 1000000000, 'x')", "SELECT format('%.999999999c', 'x')",
                  "SELECT printf('%.*c', '1e9', 'x')"):
        message, elapsed = timed_error(query)
        assert message == "The widths and precisions in printf() are too large (at most 100,000 in all)."
        assert elapsed < 0.5


def test_a_long_like_pattern_is_refused() -> None:
    pattern = "%a" * 60
    assert error_of(f"SELECT name FROM people WHERE name LIKE '{pattern}'") == (
        "A LIKE or GLOB pattern is too long (at most 100 characters).")


def test_the_limits_belong_to_the_sandbox_not_the_process() -> None:
    error_of("SELECT randomblob(100000000)")
    error_of("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
             time_limit=0.02)
    other = sqlite3.connect(":memory:")
    try:
        assert other.execute("SELECT length(zeroblob(1000000)), printf('%.*c', 3, 'x')").fetchone() == (1000000, "xxx")
        other.execute("CREATE TABLE t (x)")
        other.execute("PRAGMA table_info(t)")
    finally:
        other.close()
    assert run_query(SETUP, "SELECT count(*) FROM people").rows == ((4,),)


# --- the setup ------------------------------------------------------------------------------


def test_the_setup_may_not_attach_files_or_run_pragmas(tmp_path: Path) -> None:
    with pytest.raises(SetupError) as exc_info:
        build_database(f"CREATE TABLE t (x); ATTACH '{tmp_path / 's.db'}' AS s")
    assert exc_info.value.detail == "ATTACH is not permitted"
    with pytest.raises(SetupError) as exc_info:
        build_database("PRAGMA foreign_keys = ON; CREATE TABLE t (x)")
    assert exc_info.value.detail == "PRAGMA foreign_keys is not permitted"
    with pytest.raises(SetupError) as exc_info:
        build_database(f"VACUUM INTO '{tmp_path / 'v.db'}'")
    assert exc_info.value.detail == "ATTACH is not permitted"  # VACUUM attaches its target
    assert list(tmp_path.iterdir()) == []


def test_an_endless_setup_is_stopped() -> None:
    with pytest.raises(SetupError) as exc_info:
        build_database("CREATE TABLE t (x); INSERT INTO t WITH RECURSIVE r(n) AS "
                       "(SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", time_limit=0.05)
    assert exc_info.value.detail == "it took longer than 50 ms"
    assert str(exc_info.value) == "The question's setup failed: it took longer than 50 ms"
