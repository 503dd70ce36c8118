"""Accounts: creating users, checking passwords."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from quiz.errors import Conflict, InvalidInput
from quiz.models import Role, User, db
from quiz.services import audit
from quiz.services.tx import begin_write, end_read

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# Checked against when the email is unknown, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    """A salted hash, by the configured method (scrypt unless the tests ask for a cheap one)."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def normalise_email(email: str) -> str:
    return email.strip().lower()


COMMON_PASSWORDS = frozenset({
    "password123", "password1234", "qwertyuiop", "1234567890", "0123456789", "12345678910", "iloveyou123",
    "administrator", "letmein1234", "welcome1234", "passw0rd123", "qwerty12345", "abcdefghij", "1q2w3e4r5t",
    "changeme123", "trustno1234", "football123", "sunshine123", "monkey12345", "dragon12345",
})


def check_password_policy(password: str, email: str = "") -> None:
    """At least 10 characters, not a well-known password, not the email address (ASVS 2.1)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"The password must have at most {MAX_PASSWORD} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise InvalidInput("That password is too easy to guess: choose a longer, less common one.")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        raise InvalidInput("The password must not contain your email address.")


def create_user(
    email: str, role: str, password: str | None, now: datetime, name: str = ""
) -> User:
    """A new account; a None password makes one that cannot log in with a password."""
    email = normalise_email(email)
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise InvalidInput(f"'{email}' is not an email address.")
    if role not in set(Role):
        raise InvalidInput(f"Unknown role '{role}' (known: {', '.join(Role)}).")
    if password is not None:
        check_password_policy(password, email)
    begin_write()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        db.session.rollback()
        raise Conflict(f"An account for {email} exists already.")
    user = User(
        email=email, role=role, name=name.strip(), created_at=now,
        password_hash=hash_password(password) if password is not None else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(None, "user.create", "user", user.email, now, role=role)
    db.session.commit()
    return user


def set_password(user_id: int, password: str, actor_id: int | None = None, now: datetime | None = None) -> None:
    check_password_policy(password)
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        db.session.rollback()
        raise InvalidInput("No such account.")
    user.password_hash = hash_password(password)
    user.session_version += 1
    if now is not None:
        audit.record(actor_id, "user.password", "user", user.email, now)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same answer for either miss)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def session_identity(session_id: object) -> tuple[int, int] | None:
    """(user id, session version) from what a session cookie holds ("id:version"); no database."""
    if not isinstance(session_id, str):
        return None
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit() and len(user_id) <= 9 and len(version) <= 9):
        return None
    return int(user_id), int(version)


def load_user(session_id: str) -> User | None:
    """The user a session cookie names ("id:version"), if active and the session not ended since."""
    identity = session_identity(session_id)
    if identity is None:
        return None
    user = db.session.get(User, identity[0])
    end_read()
    if user is None or not user.active or user.session_version != identity[1]:
        return None
    return user


def candidate_for_link(user_id: int) -> User | None:
    """The candidate an invitation link signs in (a link is a credential of its own)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and user.role == "candidate" else None


def end_sessions(user_id: int) -> None:
    """End every session of this user: cookies issued before no longer authenticate."""
    begin_write()
    user = db.session.get(User, user_id)
    if user is not None:
        user.session_version += 1
    db.session.commit()


def change_password(user_id: int, current: str, new: str, now: datetime) -> None:
    """Change a password after checking the current one; every session of the user ends."""
    user = db.session.get(User, user_id)
    if user is None or user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise InvalidInput("The current password is not right.")
    check_password_policy(new, user.email)
    set_password(user_id, new, actor_id=user_id, now=now)


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
