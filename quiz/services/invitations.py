"""Inviting candidates: one or many, links that start one attempt, revoke and extend."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from quiz.errors import Conflict, InvalidInput, NotFound
from quiz.models import Attempt, Invitation, User, db
from quiz.services import audit, mail
from quiz.services.access import assessment_for
from quiz.services.accounts import EMAIL, normalise_email
from quiz.services.tx import begin_write

DEFAULT_VALIDITY = timedelta(days=14)
MAX_BULK_ROWS = 500
MAX_NAME = 200


# --- tokens ------------------------------------------------------------------------------


def token_for(salt: str) -> str:
    """The link's token: 256 bits derived from the invitation's salt and the secret key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, b"invitation:" + salt.encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token_fields() -> tuple[str, str]:
    salt = secrets.token_hex(16)
    return salt, token_hash(token_for(salt))


# --- status ------------------------------------------------------------------------------


def invitation_status(invitation: Invitation, attempt: Attempt | None, now: datetime) -> str:
    """invited / started / overdue / finished / abandoned / expired / revoked."""
    if attempt is not None:
        if attempt.status == "in_progress":
            return "overdue" if now > attempt.deadline_at else "started"
        return attempt.status
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at is not None and invitation.expires_at < now:
        return "expired"
    return "invited"


@dataclass(frozen=True)
class InvitationLine:
    invitation_id: int
    name: str
    email: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    sent_at: datetime | None
    attempt_id: int | None


def list_invitations(user_id: int, assessment_id: int, now: datetime) -> list[InvitationLine]:
    assessment_for(user_id, assessment_id)
    rows = db.session.execute(
        select(Invitation, User, Attempt)
        .join(User, User.id == Invitation.candidate_id)
        .outerjoin(Attempt, Attempt.invitation_id == Invitation.id)
        .where(Invitation.assessment_id == assessment_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    return [
        InvitationLine(inv.id, user.name, user.email, invitation_status(inv, attempt, now), inv.created_at,
                       inv.expires_at, inv.sent_at, attempt.id if attempt else None)
        for inv, user, attempt in rows
    ]


# --- inviting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateInput:
    name: str
    email: str


def _check_candidate(entry: CandidateInput) -> str | None:
    """Why this name and email cannot be invited, or None."""
    name, email = entry.name.strip(), normalise_email(entry.email)
    if not name:
        return "a name is needed"
    if len(name) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} characters"
    if not EMAIL.fullmatch(email) or len(email) > 254:
        return f"'{entry.email.strip()}' is not an email address"
    return None


def _invite_one(assessment_id: int, entry: CandidateInput, manager_id: int, now: datetime,
                expires_at: datetime) -> Invitation | str:
    """Add one invitation to the session, or say why not (the caller holds the write lock)."""
    email = normalise_email(entry.email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None and user.role != "candidate":
        return f"{email} belongs to a staff account"
    if user is None:
        user = User(email=email, name=entry.name.strip(), role="candidate", password_hash=None, created_at=now)
        db.session.add(user)
        db.session.flush()
    live = db.session.scalar(
        select(Invitation.id).where(Invitation.assessment_id == assessment_id, Invitation.candidate_id == user.id,
                                    Invitation.revoked_at.is_(None))
    )
    if live is not None:
        return f"{email} is already invited to this assessment"
    salt, hashed = _new_token_fields()
    invitation = Invitation(
        assessment_id=assessment_id, candidate_id=user.id, created_by_id=manager_id, token_salt=salt,
        token_hash=hashed, created_at=now, expires_at=expires_at,
    )
    db.session.add(invitation)
    return invitation


def _open_assessment(user_id: int, assessment_id: int) -> None:
    """Only the owner invites; others the assessment is shared with read its reports."""
    assessment = assessment_for(user_id, assessment_id, owner_only=True)
    if assessment.closed_at is not None:
        raise Conflict("This assessment is closed: no new invitations.")


@dataclass(frozen=True)
class Invited:
    invitation_id: int
    email: str
    token: str
    mailed: bool


def invite_candidate(user_id: int, assessment_id: int, entry: CandidateInput, now: datetime,
                     validity: timedelta = DEFAULT_VALIDITY,
                     link_for: Callable[[str], str] | None = None) -> Invited:
    """Invite one candidate; the link is mailed when SMTP is configured and link_for is given."""
    problem = _check_candidate(entry)
    if problem:
        raise InvalidInput(problem[0].upper() + problem[1:] + ".")
    begin_write()
    _open_assessment(user_id, assessment_id)
    outcome = _invite_one(assessment_id, entry, user_id, now, now + validity)
    if isinstance(outcome, str):
        db.session.rollback()
        raise Conflict(outcome[0].upper() + outcome[1:] + ".")
    db.session.flush()
    audit.record(user_id, "invitation.create", "invitation", outcome.id, now, email=normalise_email(entry.email))
    db.session.commit()
    invited = Invited(outcome.id, normalise_email(entry.email), token_for(outcome.token_salt or ""), False)
    return _mail([invited], link_for, now)[0]


@dataclass
class BulkReport:
    invited: list[Invited] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # line, text, reason


def parse_candidate_lines(text: str) -> tuple[list[tuple[int, CandidateInput]], list[tuple[int, str, str]]]:
    """Rows of `name, email` (a header row is skipped); the rows that cannot be read, with why."""
    rows: list[tuple[int, CandidateInput]] = []
    rejected: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    if len(lines) > MAX_BULK_ROWS:
        raise InvalidInput(f"Paste at most {MAX_BULK_ROWS} lines at a time.")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader(io.StringIO(line)))
        except (csv.Error, StopIteration):
            rejected.append((number, line, "not a CSV line"))
            continue
        cells = [c.strip() for c in cells]
        if number == 1 and [c.lower() for c in cells[:2]] == ["name", "email"]:
            continue
        if len(cells) != 2:
            rejected.append((number, line, "expected two columns: name, email"))
            continue
        rows.append((number, CandidateInput(cells[0], cells[1])))
    return rows, rejected


def invite_many(user_id: int, assessment_id: int, text: str, now: datetime,
                validity: timedelta = DEFAULT_VALIDITY,
                link_for: Callable[[str], str] | None = None) -> BulkReport:
    """Invite every readable row of a pasted CSV; report each rejected row with its line."""
    rows, rejected = parse_candidate_lines(text)
    report = BulkReport(rejected=rejected)
    begin_write()
    _open_assessment(user_id, assessment_id)
    seen: dict[str, int] = {}
    created: list[tuple[Invitation, str]] = []
    for number, entry in rows:
        line = f"{entry.name}, {entry.email}"
        problem = _check_candidate(entry)
        email = normalise_email(entry.email)
        if problem is None and email in seen:
            problem = f"{email} appears twice (first on line {seen[email]})"
        if problem is None:
            outcome = _invite_one(assessment_id, entry, user_id, now, now + validity)
            if isinstance(outcome, str):
                problem = outcome
            else:
                created.append((outcome, email))
        if problem is not None:
            report.rejected.append((number, line, problem))
        seen.setdefault(email, number)
    db.session.flush()
    for invitation, email in created:
        audit.record(user_id, "invitation.create", "invitation", invitation.id, now, email=email, bulk=True)
    db.session.commit()
    report.rejected.sort()
    invited = [Invited(inv.id, email, token_for(inv.token_salt or ""), False) for inv, email in created]
    report.invited = _mail(invited, link_for, now)
    return report


def _mail(invited: list[Invited], link_for: Callable[[str], str] | None, now: datetime) -> list[Invited]:
    settings = mail.mail_settings()
    if settings is None or link_for is None or not invited:
        return invited
    result = []
    sent_ids = []
    for item in invited:
        try:
            mail.send_mail(settings, item.email, "Your assessment invitation",
                           f"You are invited to take an assessment.\n\nOpen this link to start:\n"
                           f"{link_for(item.token)}\n\nThe timer starts only when you press Start.\n")
        except OSError as exc:  # smtplib's errors are OSErrors too
            current_app.logger.warning("Mailing invitation %s failed: %s", item.invitation_id, exc)
            result.append(item)
            continue
        sent_ids.append(item.invitation_id)
        result.append(Invited(item.invitation_id, item.email, item.token, True))
    if sent_ids:
        begin_write()
        for invitation in db.session.scalars(select(Invitation).where(Invitation.id.in_(sent_ids))):
            invitation.sent_at = now
        db.session.commit()
    return result


# --- managing ----------------------------------------------------------------------------


def _managed_invitation(user_id: int, invitation_id: int) -> Invitation:
    """An invitation of the user's own assessment: its link is a credential, so only the owner handles it."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    assessment_for(user_id, invitation.assessment_id, owner_only=True)
    return invitation


def invitation_token(user_id: int, invitation_id: int) -> str:
    """The link's token again, for the manager to copy."""
    invitation = _managed_invitation(user_id, invitation_id)
    if invitation.token_salt is None:
        raise Conflict("This invitation has no link.")
    return token_for(invitation.token_salt)


def revoke_invitation(user_id: int, invitation_id: int, now: datetime) -> None:
    begin_write()
    invitation = _managed_invitation(user_id, invitation_id)
    if db.session.scalar(select(Attempt.id).where(Attempt.invitation_id == invitation.id)) is not None:
        db.session.rollback()
        raise Conflict("The candidate has started: the invitation can no longer be revoked.")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        audit.record(user_id, "invitation.revoke", "invitation", invitation_id, now)
    db.session.commit()


def extend_invitation(user_id: int, invitation_id: int, expires_at: datetime, now: datetime) -> None:
    if expires_at <= now:
        raise InvalidInput("The new expiry must be in the future.")
    if expires_at > now + timedelta(days=366):
        raise InvalidInput("The new expiry must be within a year.")
    begin_write()
    invitation = _managed_invitation(user_id, invitation_id)
    if invitation.revoked_at is not None:
        db.session.rollback()
        raise Conflict("This invitation was revoked.")
    invitation.expires_at = expires_at
    audit.record(user_id, "invitation.extend", "invitation", invitation_id, now, expires_at=expires_at.isoformat())
    db.session.commit()


# --- the candidate's side ----------------------------------------------------------------


@dataclass(frozen=True)
class OpenedInvitation:
    invitation_id: int
    candidate_id: int
    attempt_id: int | None


def open_invitation(token: str, now: datetime) -> OpenedInvitation:
    """Who the link is for. The link works until its attempt is finished; it never starts a second."""
    if not token or len(token) > 100:
        raise NotFound("This invitation link is not valid.")
    hashed = token_hash(token)
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hashed))
    if invitation is None or not hmac.compare_digest(invitation.token_hash or "", hashed):
        raise NotFound("This invitation link is not valid.")
    attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.invitation_id == invitation.id))
    if invitation.revoked_at is not None:
        raise NotFound("This invitation was withdrawn.")
    if attempt_id is None and invitation.expires_at is not None and invitation.expires_at < now:
        raise Conflict("This invitation has expired. Ask the person who invited you for a new one.")
    return OpenedInvitation(invitation.id, invitation.candidate_id, attempt_id)
