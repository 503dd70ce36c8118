"""What the bench scripts share: a database of their own seeded with an assessment and invited
candidates, a gunicorn serving it on 127.0.0.1, and candidates that behave like the attempt page
(autosave retried after a 5xx, a 429 or a lost connection, until the server acknowledges it).

Everything started here is stopped by the context managers, also when a run fails.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RETRY_STATUSES = {429, 500, 502, 503, 504}


# --- the database -----------------------------------------------------------------------------------


@contextmanager
def bench_database(db_url: str | None, workdir: Path) -> Iterator[str]:
    """A SQLite file in WAL mode in `workdir`, or a schema of its own in the PostgreSQL at `db_url`
    (dropped afterwards), so a run never touches anyone's data."""
    if not db_url:
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    from sqlalchemy import create_engine, make_url, text

    base = make_url(db_url)
    schema = f"bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        for _ in range(30):  # the server may be coming back from a restart
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                break
            except Exception:  # keep trying until the server answers
                time.sleep(1)
        admin.dispose()


@dataclass
class Seeded:
    assessment_id: int
    tokens: list[str]
    questions: int


def app_config(url: str) -> dict[str, Any]:
    return {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": SECRET_KEY}


SECRET_KEY = secrets.token_hex(32)


def seed(url: str, candidates: int, per_area: int = 4, areas: tuple[str, ...] = ("databases", "apis", "security"),
         minutes: int = 60) -> Seeded:
    """Migrate, load the shipped banks, and invite `candidates` candidates to one assessment."""
    from flask_migrate import upgrade

    from quiz import create_app
    from quiz.clock import utcnow
    from quiz.models import db
    from quiz.services import accounts, banks, invitations
    from quiz.services.assessments import AssessmentInput, SectionInput, create_assessment

    app = create_app(app_config(url))
    with app.app_context():
        upgrade()
        now = utcnow()
        banks.load_banks(banks.bank_paths([], app.config["QUESTIONS_DIR"]), now)
        manager = accounts.create_user("bench-manager@example.com", "manager", None, now, name="Bench manager").id
        assessment_id = create_assessment(manager, AssessmentInput(
            title="Bench assessment", sections=[SectionInput(a, per_area) for a in areas],
            time_limit=timedelta(minutes=minutes)), now)
        tokens = [invitations.invite_candidate(
            manager, assessment_id, invitations.CandidateInput(f"Candidate {n}", f"candidate{n}@bench.example"),
            now).token for n in range(candidates)]
        db.engine.dispose()
    return Seeded(assessment_id, tokens, per_area * len(areas))


# --- the server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children, read from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)


@contextmanager
def gunicorn(url: str, workdir: Path, workers: int = 2, threads: int = 4, extra_env: dict[str, str] | None = None,
             port: int | None = None) -> Iterator[Server]:
    """gunicorn serving wsgi:app on 127.0.0.1 against `url`; stopped (and its workers) on exit."""
    port = port or free_port()
    log = workdir / f"gunicorn-{port}.log"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", **(extra_env or {})}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--graceful-timeout", "5",
               "--keep-alive", "75",  # as behind a load balancer: idle clients keep their connections
               "--chdir", str(ROOT), "wsgi:app"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(server.base_url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 30 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# --- candidates ---------------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
START = re.compile(r'<form method="post" action="(/invitations/\d+/start)"')
SAVE_URL = re.compile(r'data-save-url="([^"]+)"')
POSITION = re.compile(r'data-position="(\d+)"')
OPTION = re.compile(r'<input type="(radio|checkbox)" name="answer" id="opt-[^"]*" value="([^"]+)"')
NUMERIC = 'inputmode="decimal"'


class RunFailed(AssertionError):
    pass


@dataclass
class Question:
    position: int
    save_url: str
    kind: str  # radio, checkbox, numeric, text
    options: list[str]

    @property
    def item_id(self) -> int:
        return int(self.save_url.rsplit("/", 1)[1])


@dataclass
class Candidate:
    """One candidate's browser: a cookie jar, the CSRF token of the page, and the autosave's rules."""

    base_url: str
    token: str
    rng: random.Random
    timeout: float = 10.0
    max_retry_seconds: float = 60.0
    client: httpx.Client = field(init=False)
    csrf: str = ""
    attempt_url: str = ""
    acknowledged: dict[int, list[str]] = field(default_factory=dict)  # item id -> the values last acknowledged
    statuses: dict[int, int] = field(default_factory=dict)  # status -> count, retried ones included
    lost_connections: int = 0
    saves_acknowledged: int = 0

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.base_url, timeout=self.timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def _count(self, response: httpx.Response) -> httpx.Response:
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A request sent again, as the page would, until it gets an answer that is not a retry."""
        delay, waited = 0.25, 0.0
        while True:
            try:
                response = self._count(self.client.request(method, url, **kwargs))
                if response.status_code not in RETRY_STATUSES:
                    return response
            except httpx.TransportError:
                self.lost_connections += 1
            if waited > self.max_retry_seconds:
                raise RunFailed(f"{method} {url}: no answer after retrying for {waited:.0f} s")
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 2.0)

    def start(self) -> None:
        opened = self.request("GET", f"/i/{self.token}")
        if opened.status_code != 302:
            raise RunFailed(f"the invitation link answered {opened.status_code}")
        home = self.request("GET", "/candidate")
        match, csrf = START.search(home.text), CSRF.search(home.text)
        if not match or not csrf:
            raise RunFailed("the candidate's page has no start form")
        started = self.request("POST", match.group(1), data={"csrf_token": csrf.group(1)})
        if started.status_code != 302:
            raise RunFailed(f"start answered {started.status_code}")
        self.attempt_url = started.headers["location"].rsplit("/q/", 1)[0]

    def question(self, position: int) -> Question:
        page = self.request("GET", f"{self.attempt_url}/q/{position}")
        if page.status_code != 200:
            raise RunFailed(f"question {position} answered {page.status_code}")
        html = page.text
        save, csrf = SAVE_URL.search(html), CSRF.search(html)
        if not save or not csrf:
            raise RunFailed(f"question {position} has no answer form")
        self.csrf = csrf.group(1)
        options = OPTION.findall(html)
        kind = options[0][0] if options else ("numeric" if NUMERIC in html else "text")
        return Question(position, save.group(1), kind, [value for _, value in options])

    def questions_count(self) -> int:
        page = self.request("GET", f"{self.attempt_url}/q/1")
        return max(int(p) for p in POSITION.findall(page.text))

    def some_answer(self, question: Question) -> list[str]:
        if question.kind == "radio":
            return [self.rng.choice(question.options)]
        if question.kind == "checkbox":
            return self.rng.sample(question.options, self.rng.randint(1, len(question.options)))
        if question.kind == "numeric":
            return [str(self.rng.randint(0, 5000))]
        return [self.rng.choice(["index", "JOIN", "idempotent", "rebase", "HTTP 409", "a cache"])]

    def save(self, question: Question, values: list[str]) -> httpx.Response:
        response = self.request("POST", question.save_url, json={"values": values},
                                headers={"X-CSRFToken": self.csrf})
        if response.status_code == 200:
            self.acknowledged[question.item_id] = values
            self.saves_acknowledged += 1
        return response

    def finish(self) -> int:
        page = self.request("GET", f"{self.attempt_url}/finish")
        csrf = CSRF.search(page.text)
        if not csrf:
            raise RunFailed("the finish page has no form")
        return self.request("POST", f"{self.attempt_url}/finish", data={"csrf_token": csrf.group(1)}).status_code


def lost_answers(url: str, candidates: list[Any]) -> list[str]:
    """Every acknowledged answer (each candidate's `acknowledged`: item id -> values), read back from the
    database in batches: what is missing or different."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from quiz import create_app
    from quiz.engine.types import get_type
    from quiz.models import AttemptItem, db

    acknowledged = {item_id: values for c in candidates for item_id, values in c.acknowledged.items()}
    app = create_app(app_config(url))
    lost = []
    with app.app_context():
        ids = sorted(acknowledged)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            items = {item.id: item for item in db.session.scalars(
                select(AttemptItem).where(AttemptItem.id.in_(chunk)).options(selectinload(AttemptItem.question_version)))}
            for item_id in chunk:
                item, values = items.get(item_id), acknowledged[item_id]
                if item is None:
                    lost.append(f"item {item_id}: not in the database")
                    continue
                version = item.question_version
                expected = get_type(version.type).answer_from_values(version.payload, values)
                if item.answer != expected:
                    lost.append(f"item {item_id}: acknowledged {values!r}, stored {item.answer!r}")
            db.session.expunge_all()
        db.engine.dispose()
    return lost


@contextmanager
def workspace(keep: bool = False) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    try:
        yield path
    finally:
        if not keep:
            subprocess.run(["rm", "-rf", str(path)], check=False)
