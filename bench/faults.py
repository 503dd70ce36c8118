"""Faults while candidates save answers: no acknowledged answer may be lost.

    python bench/faults.py                       # a gunicorn worker killed, on SQLite
    python bench/faults.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --scenario all

Scenarios, each on a gunicorn of its own (2 workers, 4 threads) with candidates saving all the time:

- kill-worker: a worker is killed with SIGKILL twice, mid-run. Requests it held lose their
  connection; the candidates send them again, as the attempt page's autosave does.
- db-restart (PostgreSQL): the database server is stopped for a few seconds and started again.
  While it is down every request must get a 503 with a clear message (never a 500), and the
  candidates retry until their answers are acknowledged.

Afterwards every answer the server acknowledged with a 200 is read back from the database and
compared with what was sent. The script exits non-zero if any is lost or different, if any
request got a 500, or if the fault did not happen (no worker replaced, no 503 seen).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Candidate, RunFailed, Server, bench_database, gunicorn, lost_answers, seed, workspace


@dataclass
class Outcome:
    scenario: str
    acknowledged: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    lost_connections: int = 0
    lost: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.lost and not self.failures


def keep_saving(candidate: Candidate, ready: threading.Barrier, stop: threading.Event, errors: list[str]) -> None:
    """Start and see every question; when all are ready, answer and change answers until told to stop,
    reloading a page now and then."""
    try:
        try:
            candidate.start()
            questions = [candidate.question(p) for p in range(1, candidate.questions_count() + 1)]
        finally:
            ready.wait()
        while not stop.is_set():
            question = candidate.rng.choice(questions)
            if candidate.rng.random() < 0.1:
                candidate.question(question.position)
            response = candidate.save(question, candidate.some_answer(question))
            if response.status_code != 200:
                errors.append(f"a save was refused: {response.status_code} {response.text[:200]}")
                return
    except RunFailed as exc:
        errors.append(str(exc))
    except Exception as exc:  # report it with the rest
        errors.append(f"{type(exc).__name__}: {exc}")


def run_candidates(server: Server, tokens: list[str], seconds: float,
                   fault: Callable[[], None]) -> tuple[list[Candidate], list[str]]:
    candidates = [Candidate(server.base_url, token, random.Random(n)) for n, token in enumerate(tokens)]
    stop, errors, ready = threading.Event(), [], threading.Barrier(len(candidates) + 1)
    threads = [threading.Thread(target=keep_saving, args=(c, ready, stop, errors), daemon=True) for c in candidates]
    for thread in threads:
        thread.start()
    ready.wait()  # every candidate has started: the fault hits their saves
    started = time.monotonic()
    fault()
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    if any(thread.is_alive() for thread in threads):
        errors.append("a candidate was still waiting for an answer 90 s after the run ended")
    for candidate in candidates:
        candidate.close()
    return candidates, errors


def summarise(outcome: Outcome, url: str, candidates: list[Candidate], errors: list[str]) -> None:
    outcome.failures.extend(errors)
    for candidate in candidates:
        outcome.acknowledged += candidate.saves_acknowledged
        outcome.statuses.update(candidate.statuses)
        outcome.lost_connections += candidate.lost_connections
    outcome.lost = lost_answers(url, candidates)
    if outcome.statuses[500]:
        outcome.failures.append(f"{outcome.statuses[500]} requests got a 500")
    if not outcome.acknowledged:
        outcome.failures.append("no answer was acknowledged")


def errors_logged(server: Server) -> list[str]:
    """The distinct error lines of the server's log, most frequent first."""
    lines = [line.strip() for line in server.log.read_text(errors="replace").splitlines()
             if "Error" in line or "error" in line]
    return [f"{n} x {line[:300]}" for line, n in Counter(lines).most_common(8)]


def kill_worker(db: str | None, candidates: int, seconds: float) -> Outcome:
    outcome = Outcome("kill-worker")
    with workspace() as workdir, bench_database(db, workdir) as url:
        seeded = seed(url, candidates)
        with gunicorn(url, workdir) as server:
            before = server.worker_pids()
            killed: list[int] = []

            def fault() -> None:
                for _ in range(2):
                    time.sleep(seconds / 4)
                    victim = server.worker_pids()[0]
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)

            found, errors = run_candidates(server, seeded.tokens, seconds, fault)
            after = server.worker_pids()
            outcome.notes.append(f"workers {before} -> killed {killed} -> {after}")
            if len(after) != len(before) or set(after) & set(killed):
                outcome.failures.append("gunicorn did not replace the killed workers")
            summarise(outcome, url, found, errors)
            if not outcome.ok:
                outcome.notes.extend(errors_logged(server))
    return outcome


def default_db_commands() -> tuple[str, str] | None:
    """This machine's PostgreSQL cluster, when it runs one we may stop and start (Debian's pg_ctlcluster)."""
    clusters = Path("/etc/postgresql")
    if not clusters.is_dir() or not any(clusters.iterdir()):
        return None
    version = sorted(p.name for p in clusters.iterdir())[-1]
    base = f"pg_ctlcluster --skip-systemctl-redirect {version} main"
    return f"{base} stop -m fast", f"{base} start"


def db_restart(db: str, candidates: int, seconds: float, down: float, stop_cmd: str, start_cmd: str) -> Outcome:
    outcome = Outcome("db-restart")
    with workspace() as workdir, bench_database(db, workdir) as url:
        seeded = seed(url, candidates)
        with gunicorn(url, workdir) as server:
            def fault() -> None:
                time.sleep(seconds / 4)
                subprocess.run(shlex.split(stop_cmd), check=True, capture_output=True)
                try:
                    time.sleep(down)
                finally:
                    subprocess.run(shlex.split(start_cmd), check=True, capture_output=True)
                outcome.notes.append(f"database stopped for {down:.0f} s: {stop_cmd!r}, then {start_cmd!r}")

            found, errors = run_candidates(server, seeded.tokens, seconds + down, fault)
            summarise(outcome, url, found, errors)
            if not outcome.statuses[503]:
                outcome.failures.append("no request got a 503 while the database was down")
            log = server.log.read_text()
            if "Database unavailable" not in log:
                outcome.failures.append("the server did not log the database as unavailable")
            if not outcome.ok:
                outcome.notes.extend(errors_logged(server))
    return outcome


def report(outcomes: list[Outcome]) -> None:
    print(f"\n{'scenario':<12} {'saves acked':>12} {'200':>6} {'503':>5} {'500':>5} {'other':>6} "
          f"{'conn. lost':>10} {'lost':>5}  result")
    for o in outcomes:
        other = sum(n for s, n in o.statuses.items() if s not in (200, 302, 503, 500))
        print(f"{o.scenario:<12} {o.acknowledged:>12} {o.statuses[200]:>6} {o.statuses[503]:>5} {o.statuses[500]:>5} "
              f"{other:>6} {o.lost_connections:>10} {len(o.lost):>5}  {'ok' if o.ok else 'FAILED'}")
    for o in outcomes:
        for note in o.notes:
            print(f"  {o.scenario}: {note}")
        for problem in o.failures + o.lost[:20]:
            print(f"  {o.scenario}: FAILED: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a PostgreSQL URL (a schema of its own is made and dropped); default SQLite")
    parser.add_argument("--scenario", choices=("kill-worker", "db-restart", "all"), default="kill-worker")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long candidates save in each scenario")
    parser.add_argument("--down", type=float, default=3.0, help="seconds the database stays down")
    parser.add_argument("--db-stop", help="command that stops the database server (default: pg_ctlcluster)")
    parser.add_argument("--db-start", help="command that starts it again")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    outcomes = []
    if args.scenario in ("kill-worker", "all"):
        outcomes.append(kill_worker(args.db, args.candidates, args.seconds))
    if args.scenario in ("db-restart", "all"):
        commands = (args.db_stop, args.db_start) if args.db_stop and args.db_start else default_db_commands()
        if not args.db or not args.db.startswith("postgresql"):
            parser.error("db-restart needs --db with a PostgreSQL URL (SQLite has no server to restart)")
        if commands is None:
            parser.error("no PostgreSQL cluster found to stop and start: give --db-stop and --db-start")
        outcomes.append(db_restart(args.db, args.candidates, args.seconds, args.down, *commands))
    report(outcomes)
    if args.json:
        args.json.write_text(json.dumps([{
            "scenario": o.scenario, "acknowledged": o.acknowledged, "statuses": dict(o.statuses),
            "lost_connections": o.lost_connections, "lost": o.lost, "failures": o.failures, "notes": o.notes,
        } for o in outcomes], indent=2))
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
