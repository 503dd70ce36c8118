"""The load benchmark's baselines exist only when the app is configured for benchmarking."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from quiz.models import AuditEvent, db
from tests.conftest import in_app, make_app


def test_the_baselines_are_absent_by_default(client: FlaskClient) -> None:
    assert client.get("/bench/hello").status_code == 404
    assert client.post("/bench/insert").status_code == 404


def test_the_baselines_answer_and_insert_one_row_when_configured(app: Flask, database_url: str) -> None:
    bench = make_app(database_url, BENCHMARK_ROUTES=True).test_client()
    hello = bench.get("/bench/hello")
    assert hello.status_code == 200 and hello.get_data(as_text=True) == "hello"
    for _ in range(3):
        assert bench.post("/bench/insert").status_code == 200
    with in_app(app):
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "bench.insert")) == 3
