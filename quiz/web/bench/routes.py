"""Baselines for the load benchmark, registered only when BENCHMARK_ROUTES is set: a bare route,
and a bare route that does one insert and commit."""

from __future__ import annotations

from flask import Blueprint, Response

from quiz.services import benchmark
from quiz.web.access import now

bp = Blueprint("bench", __name__, url_prefix="/bench")  # create_app exempts it from CSRF


@bp.get("/hello")
def hello() -> Response:
    return Response("hello", mimetype="text/plain")


@bp.post("/insert")
def insert() -> Response:
    benchmark.insert_one(now())
    return Response("inserted", mimetype="text/plain")
