"""Load benchmark: a hiring round taking an assessment at once.

    python bench/load.py                                   # every scenario, SQLite (WAL), 2 workers
    python bench/load.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/load.py --scenario steady --candidates 1000
    python bench/load.py --scenario reports --attempts 10000

It seeds a database of its own, starts gunicorn on 127.0.0.1 (with the benchmark's baseline routes
/bench/hello and /bench/insert), drives it with simulated candidates (asyncio + httpx), stops
everything it started, prints a table and writes JSON to bench/results/.

Scenarios:
  stampede  N candidates press Start within one second.
  steady    N candidates each take a 40-question assessment: every question page, every answer
            saved, some changed, then finish; think time scaled down.
  ceiling   each endpoint at full speed for a few seconds, one after the other, in the same
            gunicorn: hello, insert+commit, answer save, question page.
  reports   the cohort report and its item analysis over a generated cohort of finished attempts.

After the scenarios that save, every answer acknowledged with a 2xx is read back from the database
(lost must be 0: the run fails loudly otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    CSRF,
    OPTION,
    SAVE_URL,
    START,
    RunFailed,
    Server,
    bench_database,
    gunicorn,
    lost_answers,
    seed,
    workspace,
)

RESULTS = Path(__file__).resolve().parent / "results"
AREAS_40 = ("databases", "apis", "security", "performance")  # 4 areas x 10 questions
TARGETS = {
    "save / insert+commit": 0.8,
    "question page / hello": 0.25,
}


# --- measuring ----------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    latencies: list[float] = field(default_factory=list)  # seconds, of the answers that were not errors
    errors: int = 0
    first: float = 0.0
    last: float = 0.0

    def add(self, started: float, ended: float, ok: bool) -> None:
        self.first = started if not self.first else min(self.first, started)
        self.last = max(self.last, ended)
        if ok:
            self.latencies.append(ended - started)
        else:
            self.errors += 1

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def rate(self, seconds: float | None = None) -> float:
        span = seconds if seconds is not None else max(self.last - self.first, 1e-9)
        return len(self.latencies) / span

    def row(self, seconds: float | None = None) -> dict[str, float | int]:
        return {"requests": len(self.latencies) + self.errors, "errors": self.errors,
                "per_second": round(self.rate(seconds), 1),
                "p50_ms": round(self.percentile(50) * 1000, 1), "p95_ms": round(self.percentile(95) * 1000, 1),
                "p99_ms": round(self.percentile(99) * 1000, 1)}


@dataclass
class Measured:
    endpoints: dict[str, Endpoint] = field(default_factory=lambda: defaultdict(Endpoint))
    problems: list[str] = field(default_factory=list)

    async def send(self, label: str, client: httpx.AsyncClient, method: str, url: str, expect: tuple[int, ...],
                   **kwargs: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.endpoints[label].add(started, time.perf_counter(), False)
            self._problem(f"{label}: {type(exc).__name__} {exc}")
            return None
        ok = response.status_code in expect
        self.endpoints[label].add(started, time.perf_counter(), ok)
        if not ok:
            self._problem(f"{label}: {response.status_code} {response.text[:160]!r}")
        return response

    def _problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)


# --- a candidate in a browser, without the browser --------------------------------------------------------


@dataclass
class Page:
    position: int
    save_url: str
    csrf: str
    options: list[str]
    numeric: bool


@dataclass
class AsyncCandidate:
    token: str
    rng: random.Random
    client: httpx.AsyncClient
    attempt_url: str = ""
    start_url: str = ""
    start_csrf: str = ""
    acknowledged: dict[int, list[str]] = field(default_factory=dict)

    async def open_link(self, m: Measured) -> bool:
        if await m.send("invitation link", self.client, "GET", f"/i/{self.token}", (302,)) is None:
            return False
        home = await m.send("candidate home", self.client, "GET", "/candidate", (200,))
        if home is None:
            return False
        start, csrf = START.search(home.text), CSRF.search(home.text)
        if not start or not csrf:
            m._problem("candidate home: no start form")
            return False
        self.start_url, self.start_csrf = start.group(1), csrf.group(1)
        return True

    async def start(self, m: Measured, label: str = "start") -> bool:
        response = await m.send(label, self.client, "POST", self.start_url, (302,),
                                data={"csrf_token": self.start_csrf})
        if response is None:
            return False
        self.attempt_url = response.headers["location"].rsplit("/q/", 1)[0]
        return True

    async def page(self, m: Measured, position: int, label: str = "question page") -> Page | None:
        response = await m.send(label, self.client, "GET", f"{self.attempt_url}/q/{position}", (200,))
        if response is None:
            return None
        html = response.text
        save, csrf = SAVE_URL.search(html), CSRF.search(html)
        if not save or not csrf:
            m._problem(f"question {position}: no answer form")
            return None
        return Page(position, save.group(1), csrf.group(1), [v for _, v in OPTION.findall(html)],
                    'inputmode="decimal"' in html)

    def answer(self, page: Page) -> list[str]:
        if page.options:
            return [self.rng.choice(page.options)]
        if page.numeric:
            return [str(self.rng.randint(0, 10_000))]
        return [self.rng.choice(["an index", "JOIN", "idempotent", "409", "a queue", "rebase"])]

    async def save(self, m: Measured, page: Page, values: list[str]) -> bool:
        response = await m.send("answer save", self.client, "POST", page.save_url, (200,),
                                json={"values": values}, headers={"X-CSRFToken": page.csrf})
        if response is None:
            return False
        self.acknowledged[int(page.save_url.rsplit("/", 1)[1])] = values
        return True

    async def finish(self, m: Measured) -> bool:
        page = await m.send("finish page", self.client, "GET", f"{self.attempt_url}/finish", (200,))
        csrf = CSRF.search(page.text) if page is not None else None
        if csrf is None:
            return False
        return await m.send("finish", self.client, "POST", f"{self.attempt_url}/finish", (302,),
                            data={"csrf_token": csrf.group(1)}) is not None


def new_client(server: Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, timeout=60, follow_redirects=False,
                             limits=httpx.Limits(max_connections=2, max_keepalive_connections=2))


# --- scenarios ----------------------------------------------------------------------------------------------


async def stampede(server: Server, tokens: list[str], m: Measured) -> dict[str, Any]:
    """Every candidate has opened the link; all press Start within one second."""
    candidates = [AsyncCandidate(t, random.Random(n), new_client(server)) for n, t in enumerate(tokens)]
    opened = await gather_bounded([c.open_link(m) for c in candidates], 50)
    ready = [c for c, ok in zip(candidates, opened, strict=True) if ok]

    async def press_start(candidate: AsyncCandidate) -> bool:
        await asyncio.sleep(candidate.rng.random())  # within one second
        return await candidate.start(m, label="start (stampede)")

    began = time.perf_counter()
    started = await asyncio.gather(*(press_start(c) for c in ready))
    took = time.perf_counter() - began
    for c in candidates:
        await c.client.aclose()
    return {"candidates": len(tokens), "started": sum(started), "seconds": round(took, 2)}


async def gather_bounded(coroutines: list[Any], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(coroutine: Any) -> Any:
        async with gate:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines))


async def steady(server: Server, tokens: list[str], questions: int, m: Measured, think: float, change: float,
                 ramp: float, deadline: float) -> tuple[dict[str, Any], list[AsyncCandidate]]:
    """Each candidate: link, start, every question page with its answer saved (some changed), finish."""
    candidates = [AsyncCandidate(t, random.Random(n), new_client(server)) for n, t in enumerate(tokens)]

    async def take(candidate: AsyncCandidate) -> bool:
        await asyncio.sleep(candidate.rng.random() * ramp)
        if not (await candidate.open_link(m) and await candidate.start(m)):
            return False
        for position in range(1, questions + 1):
            if time.monotonic() > deadline:
                return False
            page = await candidate.page(m, position)
            if page is None:
                return False
            await asyncio.sleep(candidate.rng.random() * think)
            if not await candidate.save(m, page, candidate.answer(page)):
                return False
            if candidate.rng.random() < change:
                await asyncio.sleep(candidate.rng.random() * think)
                if not await candidate.save(m, page, candidate.answer(page)):
                    return False
        return await candidate.finish(m)

    began = time.perf_counter()
    done = await asyncio.gather(*(take(c) for c in candidates))
    took = time.perf_counter() - began
    for c in candidates:
        await c.client.aclose()
    return {"candidates": len(tokens), "finished": sum(done), "seconds": round(took, 1)}, candidates


async def ceiling(server: Server, tokens: list[str], seconds: float, concurrency: int,
                  m: Measured) -> tuple[dict[str, float], list[AsyncCandidate]]:
    """Each endpoint alone at full speed with `concurrency` clients; the rates of each, in one gunicorn."""
    candidates = [AsyncCandidate(t, random.Random(n), new_client(server)) for n, t in enumerate(tokens[:concurrency])]
    pages: list[Page] = []
    for candidate in candidates:
        if not (await candidate.open_link(m) and await candidate.start(m)):
            raise RunFailed("ceiling: a candidate could not start")
        page = await candidate.page(m, 1, "setup")
        if page is None:
            raise RunFailed("ceiling: no question page")
        pages.append(page)

    async def hammer(label: str, index: int, until: float) -> None:
        candidate, page = candidates[index], pages[index]
        while time.perf_counter() < until:
            if label == "hello":
                await m.send(label, candidate.client, "GET", "/bench/hello", (200,))
            elif label == "insert+commit":
                await m.send(label, candidate.client, "POST", "/bench/insert", (200,))
            elif label == "answer save (ceiling)":
                response = await m.send(label, candidate.client, "POST", page.save_url, (200,),
                                        json={"values": (values := candidate.answer(page))},
                                        headers={"X-CSRFToken": page.csrf})
                if response is not None:
                    candidate.acknowledged[int(page.save_url.rsplit("/", 1)[1])] = values
            else:
                await m.send(label, candidate.client, "GET", f"{candidate.attempt_url}/q/1", (200,))

    rates = {}
    for label in ("hello", "insert+commit", "answer save (ceiling)", "question page (ceiling)"):
        began = time.perf_counter()
        await asyncio.gather(*(hammer(label, i, began + seconds) for i in range(len(candidates))))
        rates[label] = m.endpoints[label].rate(time.perf_counter() - began)
    for c in candidates:
        await c.client.aclose()
    return rates, candidates


# --- reports over a large cohort ------------------------------------------------------------------------------


def reports(url: str, attempts: int, repeat: int = 3) -> dict[str, Any]:
    """Time the cohort report and the item analysis (the services behind the pages) over `attempts`
    finished attempts made by the seeded generator."""
    from cohort import generate_cohort
    from flask_migrate import upgrade
    from harness import app_config

    from quiz import create_app
    from quiz.clock import utcnow
    from quiz.models import db
    from quiz.services import item_analysis
    from quiz.services import reports as report_service

    app = create_app(app_config(url))
    with app.app_context():
        upgrade()  # a no-op when seed() has migrated this database already
        generated = generate_cohort(attempts, seed=1)
        timings: dict[str, list[float]] = {"cohort report": [], "item analysis": []}
        for _ in range(repeat):
            db.session.remove()  # a fresh session each time, as a request would have
            began = time.perf_counter()
            cohort = report_service.cohort(generated.manager_id, generated.assessment_id, utcnow())
            timings["cohort report"].append(time.perf_counter() - began)
            db.session.remove()
            began = time.perf_counter()
            analysis = item_analysis.assessment_analysis(generated.assessment_id)
            timings["item analysis"].append(time.perf_counter() - began)
        db.session.remove()
        db.engine.dispose()
    return {"attempts": attempts, "generated_in_s": generated.seconds, "cohort_rows": len(cohort.rows),
            "items": len(analysis.items), **{f"{k} (s)": round(statistics.median(v), 3) for k, v in timings.items()}}


# --- the run ---------------------------------------------------------------------------------------------------


def print_table(m: Measured, ceiling_rates: dict[str, float]) -> None:
    print(f"\n{'endpoint':<26} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, endpoint in m.endpoints.items():
        if label == "setup":
            continue
        row = endpoint.row()
        if label in ceiling_rates:
            row["per_second"] = round(ceiling_rates[label], 1)
        print(f"{label:<26} {row['requests']:>9} {row['errors']:>7} {row['per_second']:>8} {row['p50_ms']:>8} "
              f"{row['p95_ms']:>8} {row['p99_ms']:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a PostgreSQL URL (a schema of its own is made and dropped); default SQLite")
    parser.add_argument("--scenario", choices=("stampede", "steady", "ceiling", "reports", "all"), default="all")
    parser.add_argument("--candidates", type=int, default=1000, help="candidates in the steady scenario")
    parser.add_argument("--stampede", type=int, default=300, help="candidates pressing Start at once")
    parser.add_argument("--questions", type=int, default=40, choices=(40,), help="questions per attempt")
    parser.add_argument("--think", type=float, default=24.0,
                        help="most think time between steps, seconds (a real hour scaled to about 12 minutes)")
    parser.add_argument("--change", type=float, default=0.25, help="share of answers changed once")
    parser.add_argument("--ramp", type=float, default=60.0, help="seconds over which steady candidates arrive")
    parser.add_argument("--ceiling-seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16, help="clients per endpoint in the ceiling")
    parser.add_argument("--attempts", type=int, default=10_000, help="finished attempts for the reports scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=1200, help="the steady scenario stops after this")
    parser.add_argument("--json", type=Path, help="where to write the figures (default bench/results/...)")
    args = parser.parse_args(argv)
    chosen = {"stampede", "steady", "ceiling", "reports"} if args.scenario == "all" else {args.scenario}

    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "database": "postgresql" if args.db else "sqlite",
        "machine": {"cpus": __import__("os").cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "settings": {k: v for k, v in vars(args).items() if k not in ("db", "json")},
    }
    m = Measured()
    failures: list[str] = []
    ceiling_rates: dict[str, float] = {}
    with workspace() as workdir, bench_database(args.db, workdir) as url:
        needed = (args.candidates if "steady" in chosen else 0) + (args.stampede if "stampede" in chosen else 0) \
            + (args.concurrency if "ceiling" in chosen else 0)
        if needed:
            print(f"seeding {needed} invitations...", flush=True)
            seeded = seed(url, needed, per_area=10, areas=AREAS_40, minutes=120)
            tokens = list(seeded.tokens)
            with gunicorn(url, workdir, workers=args.workers, threads=args.threads,
                          extra_env={"BENCHMARK_ROUTES": "1"}) as server:
                savers: list[AsyncCandidate] = []
                if "stampede" in chosen:
                    print(f"stampede: {args.stampede} starts within one second...", flush=True)
                    batch, tokens = tokens[:args.stampede], tokens[args.stampede:]
                    result["stampede"] = asyncio.run(stampede(server, batch, m))
                if "ceiling" in chosen:
                    print("ceiling: each endpoint at full speed...", flush=True)
                    batch, tokens = tokens[:args.concurrency], tokens[args.concurrency:]
                    ceiling_rates, found = asyncio.run(
                        ceiling(server, batch, args.ceiling_seconds, args.concurrency, m))
                    savers += found
                if "steady" in chosen:
                    print(f"steady: {args.candidates} candidates x {args.questions} questions...", flush=True)
                    batch = tokens[:args.candidates]
                    result["steady"], found = asyncio.run(steady(
                        server, batch, args.questions, m, args.think, args.change, args.ramp,
                        time.monotonic() + args.max_seconds))
                    savers += found
                    if result["steady"]["finished"] != len(batch):
                        missing = len(batch) - result["steady"]["finished"]
                        failures.append(f"steady: {missing} candidates did not finish")
            lost = lost_answers(url, savers)  # type: ignore[arg-type]
            result["acknowledged_saves_checked"] = sum(len(c.acknowledged) for c in savers)
            result["lost"] = len(lost)
            if lost:
                failures.append(f"LOST {len(lost)} acknowledged answers, e.g. {lost[:3]}")
        if "reports" in chosen:
            print(f"reports: generating {args.attempts} finished attempts...", flush=True)
            result["reports"] = reports(url, args.attempts)

    result["endpoints"] = {label: e.row(None) for label, e in m.endpoints.items() if label != "setup"}
    for label, rate in ceiling_rates.items():
        result["endpoints"][label]["per_second"] = round(rate, 1)
    ratios = {}
    if ceiling_rates:
        ratios = {
            "save / hello": ceiling_rates["answer save (ceiling)"] / ceiling_rates["hello"],
            "save / insert+commit": ceiling_rates["answer save (ceiling)"] / ceiling_rates["insert+commit"],
            "question page / hello": ceiling_rates["question page (ceiling)"] / ceiling_rates["hello"],
        }
    result["ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    result["errors"] = sum(e.errors for e in m.endpoints.values())
    result["problems"] = m.problems
    result["failures"] = failures

    print_table(m, ceiling_rates)
    for key in ("stampede", "steady", "reports"):
        if key in result:
            print(f"{key}: {result[key]}")
    for name, value in result["ratios"].items():
        target = TARGETS.get(name)
        print(f"ratio {name}: {value}" + (f" (target >= {target}: {'met' if value >= target else 'NOT met'})"
                                           if target else ""))
    if "lost" in result:
        print(f"acknowledged answers checked: {result['acknowledged_saves_checked']}, lost: {result['lost']}")
    for problem in m.problems[:10]:
        print(f"  problem: {problem}")
    RESULTS.mkdir(exist_ok=True)
    out = args.json or RESULTS / f"load-{result['database']}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"figures written to {out}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
