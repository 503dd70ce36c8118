"""A large cohort of finished attempts, written in bulk, for the report benchmarks.

    generated = generate_cohort(10_000, seed=1)   # inside an app context, on a migrated database

One assessment of 40 questions (10 from each of four shipped banks) is made through the services; then
candidates, invitations, attempts, their items, area results and integrity events are written with
SQLAlchemy Core executemany in chunks, exactly as the services leave finished attempts:

- the questions are drawn and their options ordered by the engine from each attempt's seed, as start_attempt does;
- answers are stored in the form the question types read them from a form (answer_from_values);
- every item is graded by its type, points and area results come from engine.scoring, as _score_and_finish does;
- the times follow a candidate who views the questions in order, answers (sometimes twice), moves on and submits:
  first_viewed_at, first_answered_at, saved_at and time_spent_seconds are what attempt_view, save_answer and
  finish_attempt would record.

Answers come from a seeded model: each candidate has an ability, each question a difficulty and a discrimination
(a few questions discriminate badly on purpose), and the chance of a right answer follows a three-parameter
logistic curve with the question's random-guess score as its floor, so the item statistics mean something.

`check_cohort` compares a sample with what the real code computes: it re-grades and re-scores sampled attempts
through the engine, redraws their questions, and replays a few of them through the real services (invite, start,
view, save, record events, finish) on a twin assessment, comparing every column the services write.
"""

from __future__ import annotations

import dataclasses
import math
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Table, bindparam, func, insert, select, text

from quiz.clock import utcnow
from quiz.engine import scoring
from quiz.engine.selection import PoolQuestion, SectionSpec, draw_questions, option_order
from quiz.engine.types import get_type
from quiz.models import (
    AreaResult,
    Assessment,
    Attempt,
    AttemptItem,
    AuditEvent,
    IntegrityEvent,
    Invitation,
    QuestionVersion,
    SkillArea,
    User,
    db,
)
from quiz.services import accounts, banks
from quiz.services.assessments import AssessmentInput, SectionInput, create_assessment, current_pool
from quiz.services.invitations import DEFAULT_VALIDITY, token_for, token_hash

AREAS = ("databases", "apis", "security", "performance")
PER_AREA = 10
TIME_LIMIT = timedelta(minutes=90)
MANAGER_EMAIL = "cohort-manager@bench.example"
INSTRUCTOR_EMAIL = "cohort-instructor@bench.example"
CHUNK = 500  # attempts per round of inserts (about 20,000 item rows)
CHOICE_TYPES = ("single_choice", "multiple_response")
AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15",
)
FIRST = ("Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Edsger", "Radia",
         "Donald", "Sophie", "John", "Hedy", "Tim", "Karen", "Guido", "Anita", "Bjarne")
LAST = ("Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen",
        "Dijkstra", "Perlman", "Knuth", "Wilson", "McCarthy", "Lamarr", "Berners-Lee", "Jones", "van Rossum",
        "Borg", "Stroustrup")
WRONG_TEXTS = ("I am not sure", "a cache", "an index", "use a queue", "JOIN", "retry it", "HTTP 500")


@dataclass(frozen=True)
class GeneratedCohort:
    manager_id: int
    instructor_id: int
    assessment_id: int
    attempts: int  # finished attempts
    invitations: int = 0  # all invitations: the finished attempts, and some never started
    seconds: float = 0.0  # how long the generation took, the check included


# --- the model of candidates and questions ---------------------------------------------------------------


@dataclass
class Variant:
    """One answer a candidate may give to a question, as stored, and its grade."""

    answer: dict[str, Any]
    values: list[str]
    fraction: float


@dataclass
class Item:
    """A question of the pool, with the answers candidates give to it."""

    version_id: int
    area_id: int
    type: str
    option_ids: list[str]
    difficulty: float  # b: the ability at which a right answer is as likely as not (above the guess floor)
    discrimination: float  # a
    guess: float  # c: the floor of the curve
    right: Variant
    wrong: list[Variant]


def _variant(qtype: str, payload: dict[str, Any], values: list[str]) -> Variant:
    kind = get_type(qtype)
    answer = kind.answer_from_values(payload, values)
    if answer is None:
        raise ValueError(f"values {values!r} read as no answer")
    return Variant(answer, list(kind.values_from_answer(payload, answer)), kind.grade(payload, answer))


def _wrong_values(qtype: str, payload: dict[str, Any], right: list[str], rng: random.Random) -> list[list[str]]:
    ids = [o["id"] for o in payload.get("options", [])]
    if qtype == "single_choice":
        return [[i] for i in ids if i not in right]
    if qtype == "multiple_response":
        wrong_ids = [i for i in ids if i not in right]
        found = []
        for _ in range(6):
            chosen = set(right)
            if len(chosen) > 1 and rng.random() < 0.6:
                chosen.discard(rng.choice(sorted(chosen)))
            if wrong_ids and (rng.random() < 0.7 or chosen == set(right)):
                chosen.add(rng.choice(wrong_ids))
            if chosen and chosen != set(right):
                found.append(sorted(chosen))
        return found or [[rng.choice(ids)]]
    if qtype == "true_false":
        return [["false" if right == ["true"] else "true"]]
    if qtype == "numeric":
        key = float(right[0])
        return [[f"{key * 2 + 1:g}"], [f"{key / 10 + 3:g}"], [f"{key + 1000:g}"]]
    return [[text] for text in WRONG_TEXTS]


def _random_guess(qtype: str, payload: dict[str, Any]) -> float:
    if qtype == "single_choice":
        return 1.0 / len(payload["options"])
    if qtype == "true_false":
        return 0.5
    if qtype == "multiple_response":
        return 0.1
    return 0.02


def _items(pool: Sequence[PoolQuestion], area_ids: dict[str, int], rng: random.Random) -> dict[int, Item]:
    versions = {v.id: v for v in db.session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_([q.version_id for q in pool])))}
    items = {}
    for question in sorted(pool, key=lambda q: q.version_id):
        version = versions[question.version_id]
        kind, payload = get_type(version.type), version.payload
        right_values = kind.key_values(payload)
        right = _variant(version.type, payload, right_values) if right_values else None
        if right is None or right.fraction < 1.0:
            raise ValueError(f"question version {version.id}: its key does not earn full marks")
        wrong = [_variant(version.type, payload, v) for v in _wrong_values(version.type, payload, right_values, rng)]
        poor = rng.random() < 0.08  # a few questions that tell the strong from the weak badly
        items[version.id] = Item(
            version_id=version.id, area_id=area_ids[question.area], type=version.type,
            option_ids=[o["id"] for o in payload.get("options", [])],
            difficulty=(version.difficulty - 2) * 0.9 + rng.gauss(0, 0.5),
            discrimination=rng.uniform(-0.2, 0.25) if poor else rng.uniform(0.6, 1.8),
            guess=_random_guess(version.type, payload), right=right, wrong=wrong,
        )
    return items


def _p_right(item: Item, ability: float) -> float:
    return item.guess + (1 - item.guess) / (1 + math.exp(-1.7 * item.discrimination * (ability - item.difficulty)))


# --- one attempt, as the services would leave it finished -----------------------------------------------


@dataclass
class PlannedItem:
    position: int
    item: Item
    option_order: list[str] | None
    variant: Variant | None  # None: never answered
    first_viewed_at: datetime
    first_answered_at: datetime | None
    saved_at: datetime | None
    time_spent_seconds: float


@dataclass
class PlannedEvent:
    kind: str
    at: datetime
    duration_seconds: float | None


@dataclass
class PlannedAttempt:
    index: int  # which candidate
    seed: int
    started_at: datetime
    deadline_at: datetime
    finished_at: datetime
    first_ip: str
    first_user_agent: str
    items: list[PlannedItem] = field(default_factory=list)
    events: list[PlannedEvent] = field(default_factory=list)
    summary: scoring.ScoreSummary | None = None


def _timeline(rng: random.Random, count: int, fast: bool, budget: float) -> tuple[list[float], list[float]]:
    """Seconds from the start at which each question is viewed and the seconds spent before moving on;
    squeezed to fit the budget (the time limit less a margin)."""
    spans = []
    for _ in range(count):
        think = rng.uniform(1.0, 4.5) if fast and rng.random() < 0.8 else min(300.0, rng.lognormvariate(3.5, 0.6))
        spans.append(think)
    opening, closing = rng.uniform(3, 30), rng.uniform(5, 90)
    gaps = 7.0 * count  # the most plan_attempt adds per question (a second save, moving on): never squeezed
    scale = min(1.0, (budget - gaps) / (opening + sum(spans) + closing))
    return [s * scale for s in spans], [opening * scale, closing * scale]


def plan_attempt(index: int, ability: float, rng: random.Random, pool: Sequence[PoolQuestion],
                 sections: Sequence[SectionSpec], items: dict[int, Item], invited_at: datetime,
                 now: datetime) -> PlannedAttempt:
    """A finished attempt: its draw, answers and times; graded and scored as _score_and_finish does."""
    seed = rng.getrandbits(62)
    latest_start = now - TIME_LIMIT - timedelta(hours=1)
    started_at = min(invited_at + timedelta(seconds=rng.uniform(600, 5 * 86400)), latest_start)
    started_at = max(started_at, invited_at + timedelta(seconds=60))
    attempt = PlannedAttempt(
        index=index, seed=seed, started_at=started_at, deadline_at=started_at + TIME_LIMIT,
        finished_at=started_at, first_ip=f"198.51.100.{index % 250 + 1}", first_user_agent=rng.choice(AGENTS),
    )
    drawn = draw_questions(pool, sections, seed, True)
    fast = rng.random() < 0.03
    thinks, (opening, closing) = _timeline(rng, len(drawn), fast, TIME_LIMIT.total_seconds() - 120)
    skip = 0.01 + 0.05 / (1 + math.exp(2 * ability))
    clock = started_at + timedelta(seconds=opening)
    views: list[datetime] = []
    for position, (question, think) in enumerate(zip(drawn, thinks, strict=True), start=1):
        item = items[question.version_id]
        order = option_order(item.option_ids, seed, position, True) if item.type in CHOICE_TYPES else None
        viewed = clock
        views.append(viewed)
        variant = answered = saved = None
        if rng.random() >= skip:
            variant = item.right if rng.random() < _p_right(item, ability) else rng.choice(item.wrong)
            answered = viewed + timedelta(seconds=think)
            saved = answered + timedelta(seconds=rng.uniform(2, 4)) if rng.random() < 0.1 else answered
            clock = saved + timedelta(seconds=rng.uniform(0.5, 3))
        else:
            clock = viewed + timedelta(seconds=think + rng.uniform(0.5, 3))
        attempt.items.append(PlannedItem(position, item, order, variant, viewed, answered, saved, 0.0))
    attempt.finished_at = clock + timedelta(seconds=closing)
    # Time on a question runs from its view to the next view (to the submission for the last one).
    for planned, leave in zip(attempt.items, [*views[1:], attempt.finished_at], strict=True):
        planned.time_spent_seconds = 0.0 + max(0.0, (min(leave, attempt.deadline_at)
                                                     - planned.first_viewed_at).total_seconds())
    attempt.summary = scoring.summarise(
        scoring.ItemResult(area=str(p.item.area_id), fraction=p.variant.fraction if p.variant else 0.0,
                           max_points=1.0, answered=p.variant is not None)
        for p in attempt.items
    )
    span = (attempt.finished_at - started_at).total_seconds()
    if rng.random() < 0.25:  # the page lost focus now and then
        for _ in range(rng.choice((1, 1, 2, 3, 4, 12))):
            at = started_at + timedelta(seconds=rng.uniform(1, span - 1))
            elapsed = (at - started_at).total_seconds()
            attempt.events.append(PlannedEvent("focus_lost", at, min(rng.uniform(2, 90), max(0.0, elapsed))))
    if rng.random() < 0.05:
        for _ in range(rng.randint(1, 3)):
            attempt.events.append(PlannedEvent("paste", started_at + timedelta(seconds=rng.uniform(1, span - 1)),
                                               None))
    attempt.events.sort(key=lambda e: e.at)
    return attempt


# --- writing in bulk -------------------------------------------------------------------------------------


def _table(model: type[Any]) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _insert_returning_ids(model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    table = _table(model)
    result = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _insert(model: type[Any], rows: list[dict[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(_table(model)), rows)


# An item never answered has SQL NULL in its answer column (start_attempt leaves it out), not the JSON null that
# the column's own type writes for None: the items are inserted with this parameter type for their answers.
_ANSWER = bindparam("answer_or_null", type_=JSON(none_as_null=True))


def _item_rows(attempt_id: int, attempt: PlannedAttempt) -> list[dict[str, Any]]:
    """The attempt's items, in position order (as start_attempt adds them, so their ids follow the positions)."""
    rows = []
    for p in attempt.items:
        fraction = p.variant.fraction if p.variant else 0.0
        rows.append({
            "attempt_id": attempt_id, "position": p.position, "question_version_id": p.item.version_id,
            "area_id": p.item.area_id, "option_order": p.option_order, "saved_at": p.saved_at, "flagged": False,
            "fraction": fraction, "points": scoring.points_for(fraction, 1.0), "max_points": 1.0,
            "first_viewed_at": p.first_viewed_at, "first_answered_at": p.first_answered_at,
            "time_spent_seconds": p.time_spent_seconds,
            "answer_or_null": p.variant.answer if p.variant is not None else None,
        })
    return rows


def _write_chunk(planned: list[PlannedAttempt], candidate_ids: list[int], invitation_ids: list[int],
                 assessment_id: int) -> list[int]:
    attempt_ids = _insert_returning_ids(Attempt, [{
        "assessment_id": assessment_id, "invitation_id": invitation_ids[a.index],
        "candidate_id": candidate_ids[a.index], "seed": a.seed, "status": "finished", "finish_reason": "submitted",
        "started_at": a.started_at, "deadline_at": a.deadline_at, "finished_at": a.finished_at,
        "points": a.summary.points if a.summary else None, "max_points": a.summary.max_points if a.summary else None,
        "current_item_id": None, "current_since": None, "first_ip": a.first_ip, "first_user_agent": a.first_user_agent,
    } for a in planned])
    items: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for attempt_id, a in zip(attempt_ids, planned, strict=True):
        items += _item_rows(attempt_id, a)
        assert a.summary is not None
        results += [{"attempt_id": attempt_id, "area_id": int(s.area), "points": s.points,
                     "max_points": s.max_points, "items": s.items} for s in a.summary.areas]
        events += [{"attempt_id": attempt_id, "kind": e.kind, "at": e.at, "duration_seconds": e.duration_seconds,
                    "detail": None} for e in a.events]
    db.session.execute(insert(_table(AttemptItem)).values(answer=_ANSWER), items)
    _insert(AreaResult, results)
    _insert(IntegrityEvent, events)
    return attempt_ids


def _staff(email: str, role: str, name: str, now: datetime) -> int:
    found = db.session.scalar(select(User.id).where(User.email == email, User.role == role))
    if found is not None:
        return found
    return accounts.create_user(email, role, None, now, name=name).id


def _ensure_banks(now: datetime) -> None:
    """Load the shipped banks unless the four areas are there already (bench/harness.seed may have run)."""
    have = set(db.session.scalars(select(SkillArea.slug).where(SkillArea.slug.in_(AREAS))))
    if have != set(AREAS):
        banks.load_banks(banks.bank_paths([], current_app.config["QUESTIONS_DIR"]), now)


def assessment_spec(title: str) -> AssessmentInput:
    return AssessmentInput(
        title=title, sections=[SectionInput(area, PER_AREA, pass_mark=50.0) for area in AREAS],
        time_limit=TIME_LIMIT, pass_mark=60.0,
    )


def generate_cohort(attempts: int, seed: int, check_sample: int = 25, replay: int = 3) -> GeneratedCohort:
    """`attempts` finished attempts of a new 40-question assessment (and about 5% invitations never started).

    Run inside an app context on a migrated database; the banks are loaded if they are not.
    Checks a sample at the end (see check_cohort) and raises AssertionError on any difference.
    """
    began = utcnow()
    now = began
    rng = random.Random(seed)
    _ensure_banks(now)
    manager_id = _staff(MANAGER_EMAIL, "manager", "Cohort manager", now)
    instructor_id = _staff(INSTRUCTOR_EMAIL, "instructor", "Cohort instructor", now)
    assessment_id = create_assessment(manager_id, assessment_spec(f"Cohort of {attempts} (seed {seed})"), now)
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    sections = [SectionSpec(s.area.slug, s.question_count) for s in assessment.sections]
    area_ids = {s.area.slug: s.area_id for s in assessment.sections}
    pool = current_pool([s.area for s in sections])
    items = _items(pool, area_ids, rng)
    db.session.commit()

    pending = attempts // 20
    total = attempts + pending
    invited_at = sorted(now - timedelta(seconds=rng.uniform(2 * 3600 + TIME_LIMIT.total_seconds(), 30 * 86400))
                        for _ in range(total))  # in the order the invitations were made
    started = set(rng.sample(range(total), attempts))

    candidate_ids: list[int] = []
    invitation_ids: list[int] = []
    for start in range(0, total, 2000):
        chunk = range(start, min(total, start + 2000))
        emails = [f"cohort{assessment_id}-{n:06d}@candidates.bench.example" for n in chunk]
        ids = _insert_returning_ids(User, [{
            "email": email, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "candidate",
            "password_hash": None, "active": True, "created_at": invited_at[n], "session_version": 1,
        } for n, email in zip(chunk, emails, strict=True)])
        salts = [secrets.token_hex(16) for _ in chunk]
        inv_ids = _insert_returning_ids(Invitation, [{
            "assessment_id": assessment_id, "candidate_id": cid, "created_by_id": manager_id, "token_salt": salt,
            "token_hash": token_hash(token_for(salt)), "created_at": invited_at[n],
            "expires_at": invited_at[n] + DEFAULT_VALIDITY, "revoked_at": None, "sent_at": None,
        } for n, cid, salt in zip(chunk, ids, salts, strict=True)])
        _insert(AuditEvent, [{
            "actor_id": manager_id, "action": "invitation.create", "object_type": "invitation",
            "object_id": str(iid), "at": invited_at[n], "detail": {"email": email},
        } for n, iid, email in zip(chunk, inv_ids, emails, strict=True)])
        candidate_ids += ids
        invitation_ids += inv_ids
    db.session.commit()

    indexes = sorted(started)
    for start in range(0, len(indexes), CHUNK):
        planned = [plan_attempt(n, rng.gauss(0, 1), rng, pool, sections, items, invited_at[n], now)
                   for n in indexes[start:start + CHUNK]]
        _write_chunk(planned, candidate_ids, invitation_ids, assessment_id)
        db.session.commit()

    if db.session.get_bind().dialect.name == "postgresql":
        # A database that has lived with this data has planner statistics (autovacuum gathers them a minute or so
        # after a bulk load); measure it in that state, not in the minute after the load.
        tables = (User, Invitation, AuditEvent, Attempt, AttemptItem, AreaResult, IntegrityEvent)
        db.session.execute(text("ANALYZE " + ", ".join(f'"{_table(t).name}"' for t in tables)))
        db.session.commit()
    generated = GeneratedCohort(manager_id, instructor_id, assessment_id, attempts, total)
    check_cohort(generated, sample=check_sample, replay=replay, seed=seed)
    return dataclasses.replace(generated, seconds=round((utcnow() - began).total_seconds(), 1))


# --- checking against the real code ---------------------------------------------------------------------


def _null_flags(item_ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    """Per item: (answer IS NULL, option_order IS NULL) as SQL sees it (a JSON null is not SQL NULL)."""
    return {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(AttemptItem.id, AttemptItem.answer.is_(None), AttemptItem.option_order.is_(None))
        .where(AttemptItem.id.in_(list(item_ids))))}


def _rescore(attempt: Attempt, pool: Sequence[PoolQuestion], sections: Sequence[SectionSpec]) -> list[str]:
    """What differs between a stored attempt and the engine's draw, grading and scoring of it."""
    problems = []
    where = f"attempt {attempt.id}"
    drawn = draw_questions(pool, sections, attempt.seed, attempt.assessment.shuffle_questions)
    if [i.question_version_id for i in attempt.items] != [d.version_id for d in drawn]:
        problems.append(f"{where}: the items are not the draw of its seed")
    results = []
    for item in attempt.items:
        version = item.question_version
        kind = get_type(version.type)
        fraction = kind.grade(version.payload, item.answer)
        if item.fraction != fraction or item.points != scoring.points_for(fraction, item.max_points):
            problems.append(f"{where} item {item.position}: stored {item.fraction}/{item.points}, graded {fraction}")
        if item.answer is not None and kind.answer_from_values(
                version.payload, kind.values_from_answer(version.payload, item.answer)) != item.answer:
            problems.append(f"{where} item {item.position}: answer {item.answer!r} is not in its stored form")
        expected_order = option_order([o["id"] for o in version.payload["options"]], attempt.seed, item.position,
                                      attempt.assessment.shuffle_options) if version.type in CHOICE_TYPES else None
        if item.option_order != expected_order:
            problems.append(f"{where} item {item.position}: option order {item.option_order}, not {expected_order}")
        if item.first_viewed_at is None or not attempt.started_at <= item.first_viewed_at <= attempt.finished_at:
            problems.append(f"{where} item {item.position}: first viewed outside the attempt")
        blank = item.answer is None
        if blank != (item.first_answered_at is None) or blank != (item.saved_at is None):
            problems.append(f"{where} item {item.position}: answer and its times disagree")
        results.append(scoring.ItemResult(str(item.area_id), fraction, item.max_points, item.answer is not None))
    summary = scoring.summarise(results)
    stored = {(r.area_id, r.points, r.max_points, r.items) for r in attempt.area_results}
    expected = {(int(a.area), a.points, a.max_points, a.items) for a in summary.areas}
    if stored != expected:
        problems.append(f"{where}: area results {sorted(stored)}, rescored {sorted(expected)}")
    if (attempt.points, attempt.max_points) != (summary.points, summary.max_points):
        problems.append(f"{where}: points {attempt.points}/{attempt.max_points}, rescored "
                        f"{summary.points}/{summary.max_points}")
    if not attempt.started_at < attempt.finished_at <= attempt.deadline_at:
        problems.append(f"{where}: finished outside its time")
    return problems


ITEM_COLUMNS = ("position", "question_version_id", "area_id", "option_order", "answer", "saved_at", "flagged",
                "fraction", "points", "max_points", "first_viewed_at", "first_answered_at", "time_spent_seconds")
ATTEMPT_COLUMNS = ("seed", "status", "finish_reason", "started_at", "deadline_at", "finished_at", "points",
                   "max_points", "current_item_id", "current_since", "first_ip", "first_user_agent")


def _replay(generated_attempt_id: int, twin_assessment_id: int, manager_id: int, label: str) -> list[str]:
    """Take a generated attempt again through the real services, on the twin assessment, and compare."""
    from quiz.services import attempts as attempt_service
    from quiz.services import invitations

    original = db.session.get(Attempt, generated_attempt_id)
    assert original is not None
    invitation = original.invitation
    invited = invitations.invite_candidate(
        manager_id, twin_assessment_id,
        invitations.CandidateInput(original.candidate.name, f"replay-{label}@candidates.bench.example"),
        invitation.created_at)
    candidate_id = db.session.scalar(select(Invitation.candidate_id).where(Invitation.id == invited.invitation_id))
    assert candidate_id is not None
    client = attempt_service.ClientInfo(original.first_ip, original.first_user_agent)
    replay_id = attempt_service.start_attempt(candidate_id, invited.invitation_id, original.started_at,
                                              seed=original.seed, client=client)
    events = sorted(db.session.scalars(select(IntegrityEvent).where(IntegrityEvent.attempt_id == original.id)),
                    key=lambda e: (e.at, e.id))
    actions: list[tuple[datetime, int, Any]] = []
    for item in original.items:
        position, values = item.position, None
        if item.answer is not None:
            version = item.question_version
            values = get_type(version.type).values_from_answer(version.payload, item.answer)
        actions.append((item.first_viewed_at or original.started_at, 0, ("view", position)))
        if values is not None and item.first_answered_at is not None and item.saved_at is not None:
            actions.append((item.first_answered_at, 1, ("save", position, values)))
            if item.saved_at != item.first_answered_at:
                actions.append((item.saved_at, 2, ("save", position, values)))
    actions += [(e.at, 3, ("event", e.kind, e.duration_seconds)) for e in events]
    actions.sort(key=lambda a: (a[0], a[1]))
    twin_items: dict[int, int] = {}
    for at, _, action in actions:
        if action[0] == "view":
            attempt_service.attempt_view(candidate_id, replay_id, action[1], at, client=client)
        elif action[0] == "save":
            if not twin_items:
                twin_items = dict(db.session.execute(select(AttemptItem.position, AttemptItem.id)
                                                     .where(AttemptItem.attempt_id == replay_id)).all())
            attempt_service.save_answer(candidate_id, replay_id, twin_items[action[1]], action[2], None, at)
        else:
            attempt_service.record_event(candidate_id, replay_id, action[1], action[2], at)
    assert original.finished_at is not None
    attempt_service.finish_attempt(candidate_id, replay_id, original.finished_at)
    db.session.expire_all()

    replayed = db.session.get(Attempt, replay_id)
    original = db.session.get(Attempt, generated_attempt_id)
    assert replayed is not None and original is not None
    problems = [f"attempt {original.id} {name}: generated {getattr(original, name)!r}, "
                f"service {getattr(replayed, name)!r}"
                for name in ATTEMPT_COLUMNS if getattr(original, name) != getattr(replayed, name)]
    if len(original.items) != len(replayed.items):
        problems.append(f"attempt {original.id}: {len(original.items)} items, service {len(replayed.items)}")
    mine, theirs = _null_flags(i.id for i in original.items), _null_flags(i.id for i in replayed.items)
    for a, b in zip(original.items, replayed.items, strict=False):
        for name in ITEM_COLUMNS:
            if getattr(a, name) != getattr(b, name):
                problems.append(f"attempt {original.id} item {a.position} {name}: generated "
                                f"{getattr(a, name)!r}, service {getattr(b, name)!r}")
        if mine[a.id] != theirs[b.id]:
            problems.append(f"attempt {original.id} item {a.position}: (answer, option_order) IS NULL "
                            f"generated {mine[a.id]}, service {theirs[b.id]}")
    area = {(r.area_id, r.points, r.max_points, r.items) for r in original.area_results}
    if area != {(r.area_id, r.points, r.max_points, r.items) for r in replayed.area_results}:
        problems.append(f"attempt {original.id}: area results differ from the service's")
    kinds = [(e.kind, e.at, e.duration_seconds, e.detail) for e in events]
    replayed_events = [(e.kind, e.at, e.duration_seconds, e.detail) for e in sorted(db.session.scalars(
        select(IntegrityEvent).where(IntegrityEvent.attempt_id == replay_id)), key=lambda e: (e.at, e.id))]
    if kinds != replayed_events:
        problems.append(f"attempt {original.id}: integrity events differ from the service's")
    return problems


def check_cohort(generated: GeneratedCohort, sample: int = 25, replay: int = 3, seed: int = 0) -> None:
    """Compare a sample of the generated attempts with what the real code computes; AssertionError if any differ.

    - `sample` attempts are redrawn, re-graded and re-scored through the engine (draw, option order, grade,
      points, area results, totals) and their times checked;
    - `replay` of them are taken again through the services (invite, start with the same seed and client,
      view each question, save each answer, record the integrity events, finish, all at the generated times)
      on a twin assessment, and every column the services write is compared.
    """
    db.session.expire_all()
    assessment = db.session.get(Assessment, generated.assessment_id)
    assert assessment is not None
    finished = db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.assessment_id == assessment.id, Attempt.status == "finished"))
    problems = [] if finished == generated.attempts else [f"{finished} finished attempts, not {generated.attempts}"]
    ids = list(db.session.scalars(select(Attempt.id).where(Attempt.assessment_id == assessment.id)
                                  .order_by(Attempt.id)))
    chosen = random.Random(f"check:{seed}").sample(ids, min(sample, len(ids)))
    sections = [SectionSpec(s.area.slug, s.question_count) for s in assessment.sections]
    pool = current_pool([s.area for s in sections])
    for attempt_id in chosen:
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        problems += _rescore(attempt, pool, sections)
    if replay and chosen:
        twin = create_assessment(generated.manager_id, assessment_spec(f"{assessment.title}: service check"),
                                 utcnow())
        for n, attempt_id in enumerate(chosen[:replay]):
            problems += _replay(attempt_id, twin, generated.manager_id, f"{generated.assessment_id}-{n}")
    if problems:
        raise AssertionError("the generated cohort differs from what the services compute:\n  "
                             + "\n  ".join(problems[:30]))
