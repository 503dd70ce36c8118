"""The SQL questions of the databases bank keep their keys right: for each one, other correct
formulations earn full marks and the typical wrong answers earn nothing on the question's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.engine.bankfile import BankQuestion, parse_bank
from quiz.engine.types import REGISTRY

BANK = Path(__file__).resolve().parents[2] / "questions" / "databases.yaml"
SQL = REGISTRY["sql"]

# key -> (correct queries other than the solution, wrong queries that a candidate might write)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "paid-customers-in-country": (
        [
            "SELECT DISTINCT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE c.country = 'DE' AND o.status = 'paid'",
            "SELECT id, name FROM customers WHERE country = 'DE' "
            "AND id IN (SELECT customer_id FROM orders WHERE status = 'paid')",
            "SELECT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE c.country = 'DE' AND o.status = 'paid' GROUP BY c.id, c.name",
        ],
        [
            # one row per paid order: Cleo twice
            "SELECT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE c.country = 'DE' AND o.status = 'paid'",
            # any status: adds Eva (refunded only)
            "SELECT DISTINCT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE c.country = 'DE'",
            # every German customer
            "SELECT id, name FROM customers WHERE country = 'DE'",
        ],
    ),
    "customers-per-country-unknown-label": (
        [
            "SELECT IFNULL(country, 'unknown'), COUNT(*) FROM customers GROUP BY 1",
            "SELECT CASE WHEN country IS NULL THEN 'unknown' ELSE country END AS c, COUNT(id) "
            "FROM customers GROUP BY c",
            "SELECT COALESCE(country, 'unknown'), COUNT(*) FROM customers GROUP BY country",
        ],
        [
            # the NULL group keeps the label NULL
            "SELECT country, COUNT(*) FROM customers GROUP BY country",
            # COUNT(country) skips the NULLs: unknown 0
            "SELECT COALESCE(country, 'unknown'), COUNT(country) FROM customers GROUP BY country",
            # the unknown group is lost
            "SELECT country, COUNT(*) FROM customers WHERE country IS NOT NULL GROUP BY country",
        ],
    ),
    "duplicate-emails-group-by": (
        [
            "SELECT lower(email), COUNT(email) FROM accounts GROUP BY lower(email) HAVING COUNT(email) > 1",
            "SELECT lower(email) AS e, COUNT(*) AS n FROM accounts WHERE email IS NOT NULL "
            "GROUP BY e HAVING n >= 2",
            "SELECT e, n FROM (SELECT lower(email) AS e, COUNT(*) AS n FROM accounts GROUP BY e) "
            "WHERE e IS NOT NULL AND n > 1",
        ],
        [
            # the NULL emails form a group of 3
            "SELECT lower(email), COUNT(*) FROM accounts GROUP BY lower(email) HAVING COUNT(*) > 1",
            # case-sensitive: misses marc and pia, and the NULL group is back
            "SELECT email, COUNT(*) FROM accounts GROUP BY email HAVING COUNT(*) > 1",
            # case-sensitive without the NULLs: still misses marc and pia
            "SELECT email, COUNT(*) FROM accounts WHERE email IS NOT NULL GROUP BY email HAVING COUNT(*) > 1",
        ],
    ),
    "employees-with-manager-self-join": (
        [
            "SELECT e.name, (SELECT m.name FROM employees m WHERE m.id = e.manager_id) FROM employees e",
            "SELECT e.name, m.name FROM employees m RIGHT JOIN employees e ON e.manager_id = m.id",
        ],
        [
            # inner join: the CEO is lost
            "SELECT e.name, m.name FROM employees e JOIN employees m ON m.id = e.manager_id",
            # the join the wrong way round: reports, not managers
            "SELECT e.name, m.name FROM employees e LEFT JOIN employees m ON m.manager_id = e.id",
            # the manager's id, not the name
            "SELECT name, manager_id FROM employees",
        ],
    ),
    "order-count-per-customer-zero": (
        [
            "SELECT c.id, c.name, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c",
            "SELECT c.id, c.name, COUNT(o.customer_id) FROM customers c "
            "LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id",
            "SELECT c.id, c.name, SUM(o.id IS NOT NULL) FROM customers c "
            "LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id",
        ],
        [
            # COUNT(*) counts the NULL-padded row: 1 instead of 0
            "SELECT c.id, c.name, COUNT(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id",
            # inner join: customers without orders are lost
            "SELECT c.id, c.name, COUNT(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id",
            # grouping by name merges the two customers called Ana
            "SELECT c.id, c.name, COUNT(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.name",
        ],
    ),
    "march-orders-timestamp-range": (
        [
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE strftime('%Y-%m', created_at) = '2024-03' ORDER BY created_at DESC",
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE date(created_at) BETWEEN '2024-03-01' AND '2024-03-31' ORDER BY created_at DESC",
            "SELECT id, created_at, total_cents FROM orders WHERE created_at LIKE '2024-03-%' ORDER BY 2 DESC",
        ],
        [
            # loses the orders on 31 March after midnight
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE created_at BETWEEN '2024-03-01' AND '2024-03-31' ORDER BY created_at DESC",
            # the month of any year: adds March 2023
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE strftime('%m', created_at) = '03' ORDER BY created_at DESC",
            # the right rows, oldest first
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE created_at >= '2024-03-01' AND created_at < '2024-04-01' ORDER BY created_at",
            # the right rows, ordered by id, which does not follow created_at
            "SELECT id, created_at, total_cents FROM orders "
            "WHERE created_at >= '2024-03-01' AND created_at < '2024-04-01' ORDER BY id DESC",
        ],
    ),
    "customers-without-orders-not-in-null": (
        [
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL",
            "SELECT id, name FROM customers "
            "WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL)",
            "SELECT id, name FROM customers WHERE id IN "
            "(SELECT id FROM customers EXCEPT SELECT customer_id FROM orders)",
        ],
        [
            # NOT IN over a list with a NULL (guest checkouts): no rows
            "SELECT id, name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)",
            # tests a nullable column of the orders: keeps customers whose orders had no coupon
            "SELECT DISTINCT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "WHERE o.coupon IS NULL",
            # customers with at least one order
            "SELECT DISTINCT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id",
        ],
    ),
    "paid-total-threshold-having": (
        [
            "SELECT c.id, c.name, SUM(CASE WHEN o.status = 'paid' THEN o.total_cents ELSE 0 END) AS paid "
            "FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id HAVING paid >= 10000",
            "SELECT c.id, c.name, t.paid FROM customers c JOIN (SELECT customer_id, SUM(total_cents) AS paid "
            "FROM orders WHERE status = 'paid' GROUP BY customer_id) t ON t.customer_id = c.id "
            "WHERE t.paid >= 10000",
            "SELECT c.id, c.name, SUM(o.total_cents) / 100.0 * 100 FROM customers c "
            "JOIN orders o ON o.customer_id = c.id AND o.status = 'paid' GROUP BY c.id "
            "HAVING SUM(o.total_cents) >= 10000",
        ],
        [
            # every status: adds Ben through a refunded order
            "SELECT c.id, c.name, SUM(o.total_cents) FROM customers c JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id HAVING SUM(o.total_cents) >= 10000",
            # the threshold on each order instead of the total
            "SELECT c.id, c.name, SUM(o.total_cents) FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE o.status = 'paid' AND o.total_cents >= 10000 GROUP BY c.id",
            # the total in EUR instead of cents
            "SELECT c.id, c.name, SUM(o.total_cents) / 100 FROM customers c "
            "JOIN orders o ON o.customer_id = c.id WHERE o.status = 'paid' GROUP BY c.id "
            "HAVING SUM(o.total_cents) >= 10000",
        ],
    ),
    "orders-not-using-coupon-null": (
        [
            "SELECT id, coupon FROM orders WHERE status = 'paid' AND coupon IS NOT 'WELCOME10'",
            "SELECT id, coupon FROM orders WHERE status = 'paid' AND COALESCE(coupon, '') <> 'WELCOME10'",
            "SELECT id, coupon FROM orders WHERE status = 'paid' "
            "EXCEPT SELECT id, coupon FROM orders WHERE coupon = 'WELCOME10'",
        ],
        [
            # NULL <> 'WELCOME10' is unknown: the coupon-less orders vanish
            "SELECT id, coupon FROM orders WHERE status = 'paid' AND coupon <> 'WELCOME10'",
            "SELECT id, coupon FROM orders WHERE status = 'paid' AND coupon NOT IN ('WELCOME10')",
            "SELECT id, coupon FROM orders WHERE status = 'paid' AND NOT (coupon = 'WELCOME10')",
            # every status
            "SELECT id, coupon FROM orders WHERE coupon IS NULL OR coupon <> 'WELCOME10'",
        ],
    ),
    "top-earners-per-department-ties": (
        [
            "SELECT department, name, salary FROM employees e "
            "WHERE salary = (SELECT MAX(salary) FROM employees e2 WHERE e2.department = e.department)",
            "SELECT e.department, e.name, e.salary FROM employees e JOIN (SELECT department, MAX(salary) AS top "
            "FROM employees GROUP BY department) t ON t.department = e.department AND t.top = e.salary",
            "SELECT department, name, salary FROM (SELECT *, DENSE_RANK() OVER "
            "(PARTITION BY department ORDER BY salary DESC) AS r FROM employees) WHERE r = 1",
            "SELECT department, name, salary FROM employees e WHERE NOT EXISTS "
            "(SELECT 1 FROM employees h WHERE h.department = e.department AND h.salary > e.salary)",
        ],
        [
            # one row per department: a tie loses a name
            "SELECT department, name, salary FROM (SELECT *, ROW_NUMBER() OVER "
            "(PARTITION BY department ORDER BY salary DESC) AS r FROM employees) WHERE r = 1",
            # SQLite's bare column: one row per department
            "SELECT department, name, MAX(salary) FROM employees GROUP BY department",
            # the company-wide maximum: only Maya
            "SELECT department, name, salary FROM employees WHERE salary = (SELECT MAX(salary) FROM employees)",
        ],
    ),
    "customers-without-paid-orders": (
        [
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o "
            "ON o.customer_id = c.id AND o.status = 'paid' WHERE o.id IS NULL",
            "SELECT id, name FROM customers WHERE id NOT IN "
            "(SELECT customer_id FROM orders WHERE status = 'paid' AND customer_id IS NOT NULL)",
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id HAVING COALESCE(SUM(o.status = 'paid'), 0) = 0",
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id HAVING COUNT(CASE WHEN o.status = 'paid' THEN 1 END) = 0",
        ],
        [
            # the status filter in WHERE after the LEFT JOIN: nothing
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "WHERE o.status = 'paid' AND o.id IS NULL",
            # "has an order that is not paid": adds Ben, loses Gia and Kai
            "SELECT DISTINCT c.id, c.name FROM customers c JOIN orders o ON o.customer_id = c.id "
            "WHERE o.status <> 'paid'",
            # the paid guest order has a NULL customer_id: nothing
            "SELECT id, name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE status = 'paid')",
            # SUM over the NULL-padded row is NULL: loses Gia and Kai
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id HAVING SUM(o.status = 'paid') = 0",
            # customers without any order
            "SELECT c.id, c.name FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL",
        ],
    ),
    "second-highest-salary-per-department": (
        [
            "SELECT department, name, salary FROM employees e WHERE salary = (SELECT MAX(salary) "
            "FROM employees e2 WHERE e2.department = e.department AND e2.salary < "
            "(SELECT MAX(salary) FROM employees e3 WHERE e3.department = e.department))",
            "SELECT department, name, salary FROM employees e WHERE (SELECT COUNT(DISTINCT salary) "
            "FROM employees e2 WHERE e2.department = e.department AND e2.salary > e.salary) = 1",
        ],
        [
            # RANK leaves a gap after the tie in sales
            "SELECT department, name, salary FROM (SELECT *, RANK() OVER "
            "(PARTITION BY department ORDER BY salary DESC) AS r FROM employees) WHERE r = 2",
            # the second row, not the second salary
            "SELECT department, name, salary FROM (SELECT *, ROW_NUMBER() OVER "
            "(PARTITION BY department ORDER BY salary DESC) AS r FROM employees) WHERE r = 2",
            # the second row of the whole table
            "SELECT department, name, salary FROM employees ORDER BY salary DESC LIMIT 1 OFFSET 1",
        ],
    ),
    "running-balance-same-day-entries": (
        [
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER "
            "(PARTITION BY account ORDER BY posted_on, id) FROM ledger ORDER BY account, posted_on, id",
            "SELECT l.id, l.account, l.posted_on, l.amount_cents, (SELECT SUM(p.amount_cents) FROM ledger p "
            "WHERE p.account = l.account AND (p.posted_on < l.posted_on "
            "OR (p.posted_on = l.posted_on AND p.id <= l.id))) FROM ledger l ORDER BY 2, 3, 1",
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER w FROM ledger "
            "WINDOW w AS (PARTITION BY account ORDER BY posted_on, id ROWS UNBOUNDED PRECEDING) "
            "ORDER BY account, posted_on, id",
        ],
        [
            # the default RANGE frame: same-day entries share a balance
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER "
            "(PARTITION BY account ORDER BY posted_on) FROM ledger ORDER BY account, posted_on, id",
            # id order: the backdated entry 10 comes last
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER "
            "(PARTITION BY account ORDER BY id) FROM ledger ORDER BY account, posted_on, id",
            # no partition: all accounts in one balance
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER "
            "(ORDER BY posted_on, id) FROM ledger ORDER BY account, posted_on, id",
            # the right balances in the wrong output order
            "SELECT id, account, posted_on, amount_cents, SUM(amount_cents) OVER "
            "(PARTITION BY account ORDER BY posted_on, id) FROM ledger ORDER BY id",
        ],
    ),
    "duplicate-accounts-keep-oldest": (
        [
            "SELECT a.id, a.email FROM accounts a WHERE EXISTS (SELECT 1 FROM accounts b "
            "WHERE lower(b.email) = lower(a.email) AND (b.created_at < a.created_at "
            "OR (b.created_at = a.created_at AND b.id < a.id)))",
            "SELECT id, email FROM (SELECT id, email, ROW_NUMBER() OVER (PARTITION BY lower(email) "
            "ORDER BY created_at, id) AS n FROM accounts) WHERE email IS NOT NULL AND n > 1",
        ],
        [
            # the NULL emails form one partition
            "SELECT id, email FROM (SELECT id, email, ROW_NUMBER() OVER (PARTITION BY lower(email) "
            "ORDER BY created_at, id) AS n FROM accounts) WHERE n > 1",
            # keeps the lowest id instead of the oldest account
            "SELECT id, email FROM accounts WHERE email IS NOT NULL AND id NOT IN "
            "(SELECT MIN(id) FROM accounts WHERE email IS NOT NULL GROUP BY lower(email))",
            # case-sensitive
            "SELECT id, email FROM (SELECT id, email, ROW_NUMBER() OVER (PARTITION BY email "
            "ORDER BY created_at, id) AS n FROM accounts WHERE email IS NOT NULL) WHERE n > 1",
            # RANK ties ids 9 and 11, so both are kept
            "SELECT id, email FROM (SELECT id, email, RANK() OVER (PARTITION BY lower(email) "
            "ORDER BY created_at) AS n FROM accounts WHERE email IS NOT NULL) WHERE n > 1",
        ],
    ),
}


def sql_questions() -> dict[str, BankQuestion]:
    bank, problems = parse_bank(BANK.read_text(encoding="utf-8"), str(BANK))
    assert not problems, "\n".join(str(p) for p in problems)
    assert bank is not None
    return {q.key: q for q in bank.questions if q.type == "sql"}


QUESTIONS = sql_questions()


def grade(question: BankQuestion, query: str) -> float:
    return SQL.grade(question.payload, SQL.answer_from_values(question.payload, [query]))


def test_every_sql_question_has_checked_answers() -> None:
    assert sorted(QUESTIONS) == sorted(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_solution_and_other_right_answers_earn_full_marks(key: str) -> None:
    question = QUESTIONS[key]
    right, _ = CASES[key]
    assert right, key
    for query in [question.payload["solution"], *right]:
        assert grade(question, query) == 1.0, f"{key}: {SQL.explain(question.payload, {'query': query}).reason}"


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_typical_wrong_answers_earn_nothing(key: str) -> None:
    question = QUESTIONS[key]
    _, wrong = CASES[key]
    assert len(wrong) >= 2, key
    for query in wrong:
        verdict = SQL.explain(question.payload, {"query": query})
        assert verdict.error is None, f"{key}: the wrong answer does not even run: {verdict.error}\n{query}"
        assert grade(question, query) == 0.0, f"{key}: a wrong answer earns marks:\n{query}"
