"""Rate limits per client and bucket (public report form, Open311 POST, login, PDFs).

The counters live in the database (`trygg.storage.ratelimits`), so every server process — and every
machine behind a load balancer — counts the same client together. The limit is a sliding window
approximated from two fixed windows, as the `limits` library's "sliding window counter" does: the
current window's count plus the previous window's weighted by how much of it still overlaps.
A refused request raises `RateLimited` (HTTP 429 with Retry-After) and is not counted.
"""

from __future__ import annotations

import math
import time

from fastapi import Request

from trygg.errors import RateLimited
from trygg.storage import ratelimits as store
from trygg.storage.database import Database

PURGE_EVERY = 500  # hits between two clean-ups of the counters of past windows


class RateLimiter:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._hits = 0

    def hit(self, bucket: str, key: str, limit: int, window_s: float) -> None:
        """Count one request of `key` in `bucket`; raise RateLimited past `limit` per `window_s`."""
        width = max(1, int(window_s))
        now = time.time()
        start = int(now // width) * width
        with self.db.session() as s:
            current = store.add(s, bucket, key, start, expires=start + 2 * width)
            previous = store.count(s, bucket, key, start - width)
            weight = 1.0 - (now - start) / width
            if previous * weight + current > limit:
                store.take_back(s, bucket, key, start)
                s.commit()
                retry = _retry_after(now, start, width, current - 1, previous, limit)
                raise RateLimited(
                    f"Too many requests ({limit} per {int(window_s // 60) or 1} min).",
                    retry_after=retry, hint=f"Try again in {retry} seconds.")
            self._hits += 1
            if self._hits % PURGE_EVERY == 0:
                store.purge(s, now=int(now))

    def reset(self) -> None:
        with self.db.session() as s:
            store.clear(s)


def _retry_after(now: float, start: int, width: int, current: int, previous: int, limit: int) -> int:
    """Seconds until one more request fits: when the previous window has slid far enough out."""
    if current + 1 > limit or previous == 0:
        return max(1, math.ceil(start + width - now))
    # previous * (1 - (t - start) / width) + current + 1 <= limit
    t = start + width * (1 - (limit - current - 1) / previous)
    return max(1, math.ceil(t - now))


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(request: Request, bucket: str, per_window: int, window_s: float = 3600.0, key: str | None = None) -> None:
    """Apply the app's rate limiter to this request (see `RateLimiter.hit`)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.hit(bucket, key or client_key(request), per_window, window_s)
