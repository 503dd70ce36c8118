"""Scale-out check: two app nodes (two gunicorns on different ports) share one PostgreSQL and one Redis.

    python bench/two_nodes.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --redis redis://127.0.0.1:6379/15

The nodes keep no state of their own: sessions are signed cookies (one SECRET_KEY), answers live in
PostgreSQL, rate-limit counts in Redis. It shows that
- a candidate who starts on node A and goes on on node B (as behind a load balancer that does not
  stick) keeps every answer, sees them on either node, and finishes on B with all of them scored;
- the login rate limit counts failed logins on both nodes together.
Exits non-zero if either does not hold.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CSRF, Candidate, bench_database, gunicorn, lost_answers, seed, workspace

LOGIN_LIMIT_PER_MINUTE = 10  # quiz/web/limits.py: LOGIN_LIMIT


def checked_values(page: str) -> list[str]:
    """The answer a question page shows: checked options, a text field's value, or the SQL editor's text."""
    shown = re.findall(r'name="answer" id="opt-[^"]*" value="([^"]+)" checked', page)
    shown += re.findall(r'name="answer" id="answer-input"[^>]*value="([^"]*)"', page)
    shown += re.findall(r'<textarea name="answer"[^>]*>([^<]*)</textarea>', page)
    return [html.unescape(value) for value in shown if value]


def candidate_moves_between_nodes(a: str, b: str, token: str, questions: int) -> tuple[list[str], Candidate]:
    problems = []
    on_a = Candidate(a, token, random.Random(1))
    on_a.start()
    shown = {}
    for position in range(1, questions + 1):
        node = on_a if position <= questions // 2 else None
        if node is None:  # the second half on node B, with the same cookies
            on_b = Candidate(b, token, random.Random(2))
            on_b.client.cookies = on_a.client.cookies
            on_b.attempt_url = on_a.attempt_url
            on_b.acknowledged = on_a.acknowledged
            node = on_b
        question = node.question(position)
        values = node.some_answer(question)
        if node.save(question, values).status_code != 200:
            problems.append(f"question {position}: the save on {node.base_url} was refused")
        shown[position] = question
    for position, question in shown.items():  # every answer, as each node shows it
        for node in (on_a, on_b):
            page = node.client.get(f"{node.attempt_url}/q/{position}")
            sent = on_a.acknowledged.get(question.item_id, [])
            seen = checked_values(page.text)
            if sorted(seen) != sorted(sent):
                problems.append(f"question {position} on {node.base_url}: shows {seen}, saved {sent}")
    if on_b.finish() != 302:
        problems.append("finishing on node B failed")
    on_a.close()
    on_b.close()
    return problems, on_a


def scored_answers(url: str, answered: int) -> list[str]:
    from harness import app_config
    from sqlalchemy import func, select

    from quiz import create_app
    from quiz.models import Attempt, AttemptItem, db

    with create_app(app_config(url)).app_context():
        status = db.session.scalar(select(Attempt.status))
        scored = db.session.scalar(select(func.count()).select_from(AttemptItem).where(
            AttemptItem.answer.is_not(None), AttemptItem.fraction.is_not(None)))
        db.engine.dispose()
    if status != "finished" or scored != answered:
        return [f"the attempt is {status} with {scored} answers scored, {answered} were saved"]
    return []


def login_limit_spans_nodes(a: str, b: str) -> list[str]:
    import httpx

    statuses = []
    clients = [httpx.Client(base_url=a), httpx.Client(base_url=b)]
    for attempt in range(LOGIN_LIMIT_PER_MINUTE + 1):
        client = clients[attempt % 2]
        page = client.get("/login")
        csrf = CSRF.search(page.text)
        response = client.post("/login", data={"csrf_token": csrf.group(1) if csrf else "",
                                               "email": "nobody@example.com", "password": f"wrong-guess-{attempt}"})
        statuses.append(response.status_code)
    for client in clients:
        client.close()
    expected = [401] * LOGIN_LIMIT_PER_MINUTE + [429]
    return [] if statuses == expected else [f"failed logins alternating between the nodes got {statuses}, "
                                            f"expected {expected}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the PostgreSQL both nodes use (a schema of its own is made)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="the Redis both nodes keep limits in")
    args = parser.parse_args(argv)
    problems: list[str] = []
    with workspace() as workdir, bench_database(args.db, workdir) as url:
        seeded = seed(url, 1)
        shared = {"RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": args.redis,
                  "RATELIMIT_KEY_PREFIX": f"two-nodes-{uuid.uuid4().hex[:8]}"}
        with gunicorn(url, workdir, workers=1, threads=2, extra_env=shared) as node_a, \
                gunicorn(url, workdir, workers=1, threads=2, extra_env=shared) as node_b:
            print(f"node A {node_a.base_url}, node B {node_b.base_url}; PostgreSQL and {args.redis}")
            moved, candidate = candidate_moves_between_nodes(node_a.base_url, node_b.base_url, seeded.tokens[0],
                                                             seeded.questions)
            print("a candidate who starts on A and goes on on B keeps every answer:", "no" if moved else "yes")
            limited = login_limit_spans_nodes(node_a.base_url, node_b.base_url)
            print("the login rate limit counts across both nodes:", "no" if limited else "yes")
            problems += moved + limited
        # finished on B: every answer acknowledged on either node is stored and was scored
        problems += lost_answers(url, [candidate])
        problems += scored_answers(url, len(candidate.acknowledged))
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
