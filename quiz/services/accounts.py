"""Accounts: creating users, checking passwords."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from quiz.errors import Conflict, InvalidInput
from quiz.models import Role, User, db
from quiz.services.tx import begin_write

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


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"The password must have at most {MAX_PASSWORD} characters.")


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
        check_password_policy(password)
    begin_write()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        db.session.rollback()
        raise Conflict(f"An account for {email} exists already.")
    user = User(
        email=email, role=role, name=name.strip(), created_at=now,
        password_hash=hash_password(password) if password is not None else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user_id: int, password: str) -> None:
    check_password_policy(password)
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        db.session.rollback()
        raise InvalidInput("No such account.")
    user.password_hash = hash_password(password)
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


def load_user(user_id: str) -> User | None:
    """The user a session cookie names, if it still exists and is active."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
