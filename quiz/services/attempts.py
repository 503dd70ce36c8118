"""Taking an assessment: start, answer, finish, and closing attempts whose time is up.

Every use case that changes an attempt locks its row first (SELECT ... FOR UPDATE on
PostgreSQL, BEGIN IMMEDIATE on SQLite), so a save and a finish never interleave: a save
acknowledged before a finish is scored by it, and a save after it is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import Boolean, bindparam, func, insert, select, update
from sqlalchemy.orm import joinedload

from quiz.engine import scoring, sqlrun
from quiz.engine.selection import SectionSpec, SelectionError, draw_questions, option_order
from quiz.engine.timing import AttemptClock, Outcome, OverduePolicy, deadline_for, seconds_left
from quiz.engine.types import AnswerError, get_type
from quiz.engine.types.sql import SqlQuery, SqlVerdict
from quiz.errors import AttemptClosed, Conflict, InvalidInput, NotAllowed, NotFound, SessionEnded, TimeUp
from quiz.models import (
    AreaResult,
    Assessment,
    Attempt,
    AttemptItem,
    IntegrityEvent,
    Invitation,
    SkillArea,
    User,
    db,
)
from quiz.services.assessments import current_pool
from quiz.services.tx import begin_write, commit_keeping_loaded
from quiz.services.versions import version_rules, version_rules_many

MAX_VALUES = 32
MAX_VALUE_CHARS = 1000
CHOICE_TYPES = ("single_choice", "multiple_response")
MAX_EVENTS_PER_ATTEMPT = 1000
CLIENT_EVENT_KINDS = ("focus_lost", "paste")


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, for the integrity report."""

    ip: str | None = None
    user_agent: str | None = None


# --- views handed to the web layer -------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    position: int
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class OptionView:
    id: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    item_id: int
    position: int
    type: str
    type_label: str
    area_title: str
    prompt: str
    options: tuple[OptionView, ...]
    values: tuple[str, ...]
    flagged: bool
    unit: str | None
    saved_at: datetime | None


@dataclass(frozen=True)
class AttemptView:
    attempt_id: int
    title: str
    status: str
    deadline_at: datetime
    seconds_left: int
    can_answer: bool
    nav: tuple[NavEntry, ...]
    question: QuestionView | None

    @property
    def total(self) -> int:
        return len(self.nav)

    @property
    def unanswered(self) -> tuple[int, ...]:
        return tuple(n.position for n in self.nav if not n.answered)

    @property
    def flagged(self) -> tuple[int, ...]:
        return tuple(n.position for n in self.nav if n.flagged)


@dataclass(frozen=True)
class SaveResult:
    item_id: int
    saved_at: datetime
    answered: bool
    flagged: bool


@dataclass(frozen=True)
class AreaLine:
    title: str
    points: float
    max_points: float
    items: int

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class ReviewItem:
    """One question of a finished attempt as it was asked: the pinned version, never a later one."""

    position: int
    area_title: str
    type_label: str
    prompt: str
    answer: str
    key: str
    explanation: str
    fraction: float
    points: float
    max_points: float
    sql: SqlVerdict | None = None  # a SQL question: the query, the first rows of both results, why


@dataclass(frozen=True)
class ResultView:
    attempt_id: int
    title: str
    status: str
    finish_reason: str | None
    finished_at: datetime | None
    feedback_policy: str
    points: float
    max_points: float
    areas: tuple[AreaLine, ...]
    items: tuple[ReviewItem, ...] = ()  # only when the assessment shows answers

    @property
    def percent(self) -> float:
        return 100.0 * self.points / self.max_points if self.max_points else 0.0


# --- helpers -----------------------------------------------------------------------------


def clock_of(attempt: Attempt) -> AttemptClock:
    assessment = attempt.assessment
    return AttemptClock(
        deadline_at=attempt.deadline_at,
        grace=timedelta(seconds=assessment.grace_seconds),
        policy=OverduePolicy(assessment.overdue_policy),
    )


def _locked_attempt(attempt_id: int, candidate_id: int, with_assessment: bool = False) -> Attempt:
    """The candidate's attempt, row-locked for this transaction; NotFound for anyone else's."""
    query = select(Attempt).where(Attempt.id == attempt_id).with_for_update(of=Attempt)
    if with_assessment:  # its clock and title, in the same statement
        query = query.options(joinedload(Attempt.assessment))
    attempt = db.session.scalar(query.execution_options(populate_existing=True))
    if attempt is None or attempt.candidate_id != candidate_id:
        db.session.rollback()
        raise NotFound("No such attempt.")
    return attempt


def _own_attempt(attempt_id: int, candidate_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.candidate_id != candidate_id:
        raise NotFound("No such attempt.")
    return attempt


def _score_and_finish(attempt: Attempt, finished_at: datetime, reason: str) -> None:
    """Grade every item against its pinned version and write the per-area totals."""
    _mark_presence(attempt, None, finished_at)
    results = []
    for item in attempt.items:
        version = item.question_version
        fraction = get_type(version.type).grade(version.payload, item.answer)
        item.fraction = fraction
        item.points = scoring.points_for(fraction, item.max_points)
        results.append(
            scoring.ItemResult(
                area=str(item.area_id), fraction=fraction, max_points=item.max_points,
                answered=item.answer is not None,
            )
        )
    summary = scoring.summarise(results)
    for area in summary.areas:
        db.session.add(
            AreaResult(
                attempt=attempt, area_id=int(area.area), points=area.points,
                max_points=area.max_points, items=area.items,
            )
        )
    attempt.points, attempt.max_points = summary.points, summary.max_points
    attempt.status, attempt.finish_reason, attempt.finished_at = "finished", reason, finished_at


def _settle(attempt: Attempt, now: datetime) -> bool:
    """Close an in-progress attempt whose time is up, as its policy says. True if closed."""
    if attempt.status != "in_progress":
        return False
    closing = clock_of(attempt).closing(now)
    if closing is None:
        return False
    if closing.status is Outcome.FINISHED:
        _score_and_finish(attempt, closing.finished_at, closing.reason)
    else:
        attempt.status, attempt.finish_reason = "abandoned", closing.reason
        attempt.finished_at = closing.finished_at
    return True


def _mark_presence(attempt: Attempt, item: AttemptItem | None, now: datetime) -> None:
    """Add the time since the last mark to the question the candidate was on; move to `item`.

    Time after the deadline is not counted.
    """
    until = min(now, attempt.deadline_at)
    if attempt.current_item_id is not None and attempt.current_since is not None:
        elapsed = max(0.0, (until - attempt.current_since).total_seconds())
        current = item if item is not None and item.id == attempt.current_item_id else db.session.get(
            AttemptItem, attempt.current_item_id)
        if current is not None and current.attempt_id == attempt.id:
            current.time_spent_seconds = (current.time_spent_seconds or 0.0) + elapsed
    if item is not None:
        if item.first_viewed_at is None:
            item.first_viewed_at = now
        attempt.current_item_id, attempt.current_since = item.id, now
    else:
        attempt.current_item_id, attempt.current_since = None, None


def _note_client(attempt: Attempt, client: ClientInfo | None, now: datetime) -> None:
    """Remember the first address and browser; record each new one once."""
    if client is None:
        return
    ip, agent = (client.ip or "")[:45] or None, (client.user_agent or "")[:300] or None
    if attempt.first_ip is None and attempt.first_user_agent is None:
        attempt.first_ip, attempt.first_user_agent = ip, agent
        return
    changes = (("ip_change", attempt.first_ip, ip), ("browser_change", attempt.first_user_agent, agent))
    for kind, first, value in changes:
        if value is None or value == first:
            continue
        seen = db.session.scalar(select(IntegrityEvent.id).where(
            IntegrityEvent.attempt_id == attempt.id, IntegrityEvent.kind == kind, IntegrityEvent.detail == value))
        if seen is None:
            db.session.add(IntegrityEvent(attempt_id=attempt.id, kind=kind, at=now, detail=value))


def _settle_if_due(attempt_id: int, candidate_id: int, now: datetime) -> None:
    begin_write()
    attempt = _locked_attempt(attempt_id, candidate_id)
    _settle(attempt, now)
    db.session.commit()


# --- use cases ---------------------------------------------------------------------------


def start_attempt(
    candidate_id: int, invitation_id: int, now: datetime, seed: int | None = None,
    client: ClientInfo | None = None,
) -> int:
    """Start the invitation's attempt, or return the one it started already."""
    begin_write()
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.id == invitation_id).with_for_update()
    )
    if invitation is None or invitation.candidate_id != candidate_id or invitation.revoked_at:
        db.session.rollback()
        raise NotFound("No such invitation.")
    existing = db.session.scalar(select(Attempt.id).where(Attempt.invitation_id == invitation.id))
    if existing is not None:
        db.session.rollback()
        return existing
    assessment: Assessment = invitation.assessment
    if invitation.expires_at is not None and invitation.expires_at < now:
        db.session.rollback()
        raise Conflict("This invitation has expired.")
    if assessment.closed_at is not None:
        db.session.rollback()
        raise Conflict("This assessment is closed.")
    seed = secrets.randbits(62) if seed is None else seed
    sections = [
        SectionSpec(
            s.area.slug, s.question_count,
            {int(k): v for k, v in s.difficulty_mix.items()} if s.difficulty_mix else None,
        )
        for s in assessment.sections
    ]
    try:
        drawn = draw_questions(
            current_pool([s.area for s in sections]), sections, seed, assessment.shuffle_questions
        )
    except SelectionError:
        db.session.rollback()
        raise Conflict(
            "The question banks no longer have enough questions for this assessment. "
            "Please tell the person who invited you."
        ) from None
    rules = version_rules_many(d.version_id for d in drawn)
    area_ids = {s.area.slug: s.area_id for s in assessment.sections}
    attempt = Attempt(
        assessment=assessment, invitation=invitation, candidate_id=candidate_id, seed=seed,
        status="in_progress", started_at=now,
        deadline_at=deadline_for(now, timedelta(seconds=assessment.time_limit_seconds)),
    )
    _note_client(attempt, client, now)
    db.session.add(attempt)
    db.session.flush()  # the attempt's id, for its items
    items = []
    for position, drawn_question in enumerate(drawn, start=1):
        version = rules[drawn_question.version_id]
        order = None
        if version.type in CHOICE_TYPES:
            ids = [o["id"] for o in version.payload["options"]]
            order = option_order(ids, seed, position, assessment.shuffle_options)
        items.append({"attempt_id": attempt.id, "position": position, "question_version_id": drawn_question.version_id,
                      "area_id": area_ids[drawn_question.area], "option_order": order, "max_points": 1.0})
    db.session.execute(insert(AttemptItem), items)  # one statement for all of them
    db.session.commit()
    return attempt.id


def attempt_view(
    candidate_id: int, attempt_id: int, position: int | None, now: datetime,
    client: ClientInfo | None = None,
) -> AttemptView:
    """What the candidate sees of an attempt at one question (settling it first if overdue).

    Showing a question moves the candidate's presence to it, for the time spent per question.
    One transaction: the view is built from what it read and wrote, before the commit.
    """
    begin_write()
    attempt = _locked_attempt(attempt_id, candidate_id, with_assessment=True)
    items = attempt.items
    item = next((i for i in items if i.position == position), None) if position is not None else None
    if attempt.status == "in_progress" and not _settle(attempt, now) and position is not None:
        if item is not None:
            _mark_presence(attempt, item, now)
        _note_client(attempt, client, now)
    in_progress = attempt.status == "in_progress"
    if in_progress and position is not None and item is None:
        db.session.commit()
        raise NotFound(f"This attempt has no question {position}.")
    view = AttemptView(
        attempt_id=attempt.id, title=attempt.assessment.title, status=attempt.status,
        deadline_at=attempt.deadline_at, seconds_left=seconds_left(now, attempt.deadline_at),
        can_answer=in_progress and clock_of(attempt).can_answer(now),
        nav=tuple(NavEntry(i.position, i.answer is not None, i.flagged) for i in items),
        question=_question_view(item) if in_progress and item is not None else None,
    )
    commit_keeping_loaded()
    return view


def resume_position(candidate_id: int, attempt_id: int) -> int | None:
    """Where a returning candidate goes on: the question they were on, else the first unanswered
    one, else the first; None when the attempt is over (its result is next)."""
    attempt = _own_attempt(attempt_id, candidate_id)
    if attempt.status != "in_progress":
        return None
    items = attempt.items
    current = next((i for i in items if i.id == attempt.current_item_id), None)
    unanswered = next((i for i in items if i.answer is None), None)
    chosen = current or unanswered or (items[0] if items else None)
    return chosen.position if chosen is not None else 1


def _question_view(item: AttemptItem) -> QuestionView:
    version = version_rules(item.question_version_id)
    qtype = get_type(version.type)
    options: tuple[OptionView, ...] = ()
    if item.option_order:
        by_id = {o["id"]: o["text"] for o in version.payload["options"]}
        options = tuple(OptionView(i, by_id[i]) for i in item.option_order)
    elif version.type == "true_false":
        options = (OptionView("true", "True"), OptionView("false", "False"))
    return QuestionView(
        item_id=item.id, position=item.position, type=version.type, type_label=qtype.label,
        area_title=db.session.scalar(select(SkillArea.title).where(SkillArea.id == item.area_id)) or "",
        prompt=version.prompt, options=options,
        values=tuple(qtype.values_from_answer(version.payload, item.answer)),
        flagged=item.flagged, unit=version.payload.get("unit"), saved_at=item.saved_at,
    )


def _check_values(values: Sequence[object]) -> list[str]:
    """The posted values, if they are a short list of short strings (never trust the browser)."""
    strings = [v for v in values if isinstance(v, str)]
    if len(values) > MAX_VALUES or len(strings) != len(values):
        raise InvalidInput("The answer is malformed.")
    if any(len(v) > MAX_VALUE_CHARS for v in strings):
        raise InvalidInput(f"The answer is too long (at most {MAX_VALUE_CHARS} characters).")
    return strings


# The answer save, built once: the attempt with its owner, its clock and the item, locked for the
# transaction (row lock on PostgreSQL; SQLite's write lock is taken by BEGIN IMMEDIATE).
_SAVE_READ = (
    select(Attempt.candidate_id, Attempt.status, Attempt.deadline_at, Assessment.grace_seconds,
           Assessment.overdue_policy, User.active, User.session_version, AttemptItem.id.label("item_id"),
           AttemptItem.question_version_id, AttemptItem.answer, AttemptItem.flagged,
           AttemptItem.first_answered_at)
    .select_from(Attempt)
    .join(Assessment, Assessment.id == Attempt.assessment_id)
    .join(User, User.id == Attempt.candidate_id)
    .outerjoin(AttemptItem, (AttemptItem.attempt_id == Attempt.id) & (AttemptItem.id == bindparam("item_id")))
    .where(Attempt.id == bindparam("attempt_id"))
    .with_for_update(of=Attempt)
)
_SAVE_ANSWER = (
    update(AttemptItem)
    .where(AttemptItem.id == bindparam("item_id"))
    .values(answer=bindparam("answer", type_=AttemptItem.answer.type), saved_at=bindparam("saved_at"),
            first_answered_at=func.coalesce(AttemptItem.first_answered_at, bindparam("first_answered_at")),
            flagged=func.coalesce(bindparam("flagged", type_=Boolean), AttemptItem.flagged))
)
_SAVE_FLAG = update(AttemptItem).where(AttemptItem.id == bindparam("item_id")).values(flagged=bindparam("flagged"))


def _refuse_save(candidate_id: int, session_version: int | None) -> NoReturn:
    """Why a save found no attempt of this candidate: the session ended, staff, or not theirs."""
    db.session.rollback()
    user = db.session.get(User, candidate_id)
    if user is None or not user.active or (session_version is not None and user.session_version != session_version):
        raise SessionEnded()
    if user.role != "candidate":
        raise NotAllowed()
    raise NotFound("No such attempt.")


def save_answer(
    candidate_id: int,
    attempt_id: int,
    item_id: int,
    values: Sequence[object] | None,
    flagged: bool | None,
    now: datetime,
    session_version: int | None = None,
) -> SaveResult:
    """Store the answer the form values give (None: leave the answer as it is).

    The hot path of an attempt: one locking read (the attempt, its owner's session and the item),
    one update, the commit. Given `session_version` (from the session cookie), the owner's session
    is checked in that same read, so the request needs no separate lookup of the user.
    """
    checked = _check_values(values) if values is not None else None
    begin_write()
    row = db.session.execute(_SAVE_READ, {"attempt_id": attempt_id, "item_id": item_id}).first()
    if row is None or row.candidate_id != candidate_id:
        _refuse_save(candidate_id, session_version)
    if not row.active or (session_version is not None and row.session_version != session_version):
        db.session.rollback()
        raise SessionEnded()
    if row.status != "in_progress":
        db.session.rollback()
        raise AttemptClosed()
    clock = AttemptClock(row.deadline_at, timedelta(seconds=row.grace_seconds), OverduePolicy(row.overdue_policy))
    if not clock.can_answer(now):
        closed = _settle(_locked_attempt(attempt_id, candidate_id), now)
        if closed:
            db.session.commit()
        else:
            db.session.rollback()
        raise TimeUp(
            "Time is up: this answer was not saved. Your earlier answers are kept."
            + ("" if closed else " You can still submit the attempt.")
        )
    if row.item_id is None:
        db.session.rollback()
        raise NotFound("This attempt has no such question.")
    answer = row.answer
    if checked is not None:
        rules = version_rules(row.question_version_id)
        try:
            answer = get_type(rules.type).answer_from_values(rules.payload, checked)
        except AnswerError as exc:
            db.session.rollback()
            raise InvalidInput(str(exc)) from None
        db.session.execute(_SAVE_ANSWER, {"item_id": item_id, "answer": answer, "saved_at": now,
                                          "first_answered_at": now if answer is not None else None,
                                          "flagged": flagged})
    elif flagged is not None:
        db.session.execute(_SAVE_FLAG, {"item_id": item_id, "flagged": flagged})
    db.session.commit()
    return SaveResult(item_id, now, answer is not None, row.flagged if flagged is None else flagged)


def finish_attempt(candidate_id: int, attempt_id: int, now: datetime) -> str:
    """Submit the attempt and score it once; finishing again changes nothing.

    Returns the attempt's status. After deadline + grace the finish is refused (TimeUp),
    and the attempt is closed as its overdue policy says.
    """
    begin_write()
    attempt = _locked_attempt(attempt_id, candidate_id)
    if attempt.status != "in_progress":
        status = attempt.status
        db.session.rollback()
        return status
    if not clock_of(attempt).can_submit(now):
        _settle(attempt, now)
        status = attempt.status
        db.session.commit()
        outcome = (
            "It was submitted automatically with the answers saved in time."
            if status == "finished" else "It was closed without a score, as this assessment says."
        )
        raise TimeUp(f"Time was up for this attempt before it was submitted. {outcome}")
    # In the grace period the page submits itself when its countdown ends: submitted at the deadline.
    _score_and_finish(attempt, now, "submitted" if now < attempt.deadline_at else "autosubmitted")
    db.session.commit()
    return "finished"


def result_view(candidate_id: int, attempt_id: int, now: datetime) -> ResultView:
    attempt = _own_attempt(attempt_id, candidate_id)
    if attempt.status == "in_progress" and clock_of(attempt).closing(now) is not None:
        _settle_if_due(attempt_id, candidate_id, now)
        attempt = _own_attempt(attempt_id, candidate_id)
    if attempt.status == "in_progress":
        raise Conflict("This attempt is still in progress.")
    areas = tuple(
        AreaLine(r.area.title, r.points, r.max_points, r.items)
        for r in sorted(attempt.area_results, key=lambda r: r.area.title)
    )
    policy = attempt.assessment.feedback_policy
    return ResultView(
        attempt_id=attempt.id, title=attempt.assessment.title, status=attempt.status,
        finish_reason=attempt.finish_reason, finished_at=attempt.finished_at,
        feedback_policy=policy,
        points=attempt.points or 0.0, max_points=attempt.max_points or 0.0, areas=areas,
        items=tuple(review_item(i) for i in attempt.items) if policy == "answers" else (),
    )


def review_item(item: AttemptItem) -> ReviewItem:
    """An item as it was asked and answered, graded against its pinned version."""
    version = item.question_version
    qtype = get_type(version.type)
    return ReviewItem(
        position=item.position, area_title=item.area.title, type_label=qtype.label,
        prompt=version.prompt, answer=qtype.describe_answer(version.payload, item.answer),
        key=qtype.describe_key(version.payload), explanation=version.explanation,
        fraction=item.fraction or 0.0, points=item.points or 0.0, max_points=item.max_points,
        sql=qtype.explain(version.payload, item.answer) if isinstance(qtype, SqlQuery) else None,
    )


@dataclass(frozen=True)
class CloseReport:
    finished: int
    abandoned: int


def close_overdue_attempts(now: datetime) -> CloseReport:
    """Close every attempt whose time (and grace) is up, as its assessment's policy says."""
    candidates = db.session.execute(
        select(Attempt.id, Attempt.candidate_id)
        .where(Attempt.status == "in_progress", Attempt.deadline_at < now)
        .order_by(Attempt.id)
    ).all()
    db.session.rollback()
    finished = abandoned = 0
    for attempt_id, candidate_id in candidates:
        begin_write()
        attempt = _locked_attempt(attempt_id, candidate_id)
        if _settle(attempt, now):
            finished += attempt.status == "finished"
            abandoned += attempt.status == "abandoned"
        db.session.commit()
    return CloseReport(finished, abandoned)


def record_event(candidate_id: int, attempt_id: int, kind: str, duration_seconds: float | None,
                 now: datetime) -> None:
    """A signal the candidate's page reports: it was hidden or lost focus (and for how long), or a paste."""
    if kind not in CLIENT_EVENT_KINDS:
        raise InvalidInput(f"Unknown event kind; expected one of {', '.join(CLIENT_EVENT_KINDS)}.")
    if duration_seconds is not None and (
        isinstance(duration_seconds, bool) or not isinstance(duration_seconds, int | float)
        or not 0 <= duration_seconds <= 86400
    ):
        raise InvalidInput("'duration' must be a number of seconds from 0 to 86400.")
    begin_write()
    attempt = _locked_attempt(attempt_id, candidate_id)
    if attempt.status != "in_progress":
        db.session.rollback()
        raise AttemptClosed()
    count = db.session.scalar(select(func.count()).select_from(IntegrityEvent)
                              .where(IntegrityEvent.attempt_id == attempt.id)) or 0
    if count >= MAX_EVENTS_PER_ATTEMPT:
        db.session.rollback()
        return  # enough evidence recorded; more would only fill the table
    if duration_seconds is not None:
        elapsed = (now - attempt.started_at).total_seconds()
        duration_seconds = min(float(duration_seconds), max(0.0, elapsed))
    db.session.add(IntegrityEvent(attempt_id=attempt.id, kind=kind, at=now,
                                  duration_seconds=duration_seconds if kind == "focus_lost" else None))
    db.session.commit()



# --- trying a SQL answer ------------------------------------------------------------------


@dataclass(frozen=True)
class SqlTrial:
    """The first rows of the candidate's query on the question's data, or why it did not run."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    truncated: bool
    error: str | None


SQL_TRIAL_ROWS = 20


def try_sql(candidate_id: int, attempt_id: int, item_id: int, query: object, now: datetime) -> SqlTrial:
    """Run the candidate's query on a SQL question's own data, without storing anything.

    The query never touches the application's database: it runs on a fresh in-memory database built
    from the question, in the engine's sandbox.
    """
    if not isinstance(query, str) or not query.strip():
        raise InvalidInput("Write a query to run.")
    if len(query) > MAX_VALUE_CHARS:
        raise InvalidInput(f"The query is too long (at most {MAX_VALUE_CHARS} characters).")
    row = db.session.execute(
        select(Attempt.candidate_id, Attempt.status, Attempt.deadline_at, Assessment.grace_seconds,
               Assessment.overdue_policy, AttemptItem.question_version_id)
        .select_from(Attempt)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .join(AttemptItem, (AttemptItem.attempt_id == Attempt.id) & (AttemptItem.id == item_id))
        .where(Attempt.id == attempt_id)
    ).first()
    db.session.rollback()  # nothing to keep: the query below runs elsewhere
    if row is None or row.candidate_id != candidate_id:
        raise NotFound("This attempt has no such question.")
    clock = AttemptClock(row.deadline_at, timedelta(seconds=row.grace_seconds), OverduePolicy(row.overdue_policy))
    if row.status != "in_progress" or not clock.can_answer(now):
        raise AttemptClosed()
    rules = version_rules(row.question_version_id)
    if rules.type != "sql":
        raise InvalidInput("Only a SQL question runs queries.")
    try:
        result = sqlrun.run_query(rules.payload["setup"], query, max_rows=SQL_TRIAL_ROWS, truncate=True)
    except sqlrun.QueryError as exc:
        return SqlTrial((), (), False, str(exc))
    return SqlTrial(tuple(result.columns), tuple(sqlrun.preview_rows(result, SQL_TRIAL_ROWS)), result.truncated, None)
