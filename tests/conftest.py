"""Fixtures in the flaskr style: app, client, runner, auth; the database is real.

The schema is built once per session by running the migrations on an empty database
(a SQLite file, or TEST_DATABASE_URL), and emptied after every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quiz import create_app
from quiz.config import load_config, test_database_url
from quiz.models import db

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


def normalised_url(url: str) -> str:
    return load_config("/nonexistent", {"DATABASE_URL": url, "SECRET_KEY": "x"})[
        "SQLALCHEMY_DATABASE_URI"
    ]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite file, or a schema of its own in TEST_DATABASE_URL (so that test runs never collide)."""
    url = test_database_url()
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'quiz-test.db'}"
        return
    base = make_url(normalised_url(url))
    schema = f"quiz_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def make_app(database_url: str, **extra: Any) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "QUESTIONS_DIR": str(DATA),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; scrypt in the product
        "RATELIMIT_ENABLED": False,  # on in the product; the tests of the limits switch it on
        **extra,
    })


def drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def _schema(database_url: str) -> Iterator[None]:
    app = make_app(database_url)
    with app.app_context():
        drop_everything()
        flask_migrate.upgrade()
        db.engine.dispose()
    yield


def empty_tables() -> None:
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def app(database_url: str, _schema: None) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    with app.app_context():
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An app context for service tests (web tests must not hold one across requests)."""
    with app.app_context():
        yield app
        db.session.remove()


@contextmanager
def in_app(app: Flask) -> Iterator[None]:
    """A short app context for a web test to look at or arrange stored data."""
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str) -> Any:
        self._client.get("/login")
        return self._client.post(
            "/login", data={"email": email, "password": password,
                            "csrf_token": csrf_token(self._client)},
        )

    def logout(self) -> Any:
        return self._client.post("/logout", data={"csrf_token": csrf_token(self._client)})


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session (what a page's form would carry)."""
    with client.session_transaction() as session:
        token = session.get("csrf_token")
    if token is None:
        client.get("/login")
        with client.session_transaction() as session:
            token = session["csrf_token"]
    from itsdangerous import URLSafeTimedSerializer

    app = client.application
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    return serializer.dumps(token)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)
