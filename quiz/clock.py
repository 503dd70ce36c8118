"""The server's clock. Services take `now` explicitly; this is where it comes from."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
