"""Rate limits on the endpoints that guess at secrets (logging in, invitation links) and on the one
that costs the most to serve (running a candidate's SQL, per attempt).

Counts are kept in memory by default (one process); set RATELIMIT_STORAGE_URI to a Redis URL
(redis://host:6379/0) so that every gunicorn worker and machine shares them.
"""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

LOGIN_LIMIT = "10 per minute;50 per hour"
INVITATION_LIMIT = "20 per minute;200 per hour"
SQL_RUN_LIMIT = "20 per minute;300 per hour"  # per attempt: each run builds a database and runs a query
