"""Rate limits per client and bucket (public report form, Open311 POST, login).

A sliding window kept in memory per server process: enough for one municipality's server. A
refused request raises `RateLimited` (HTTP 429 with Retry-After).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from fastapi import Request

from trygg.errors import RateLimited


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, limit: int, window_s: float) -> None:
        """Count one request of `key` in `bucket`; raise RateLimited past `limit` per `window_s`."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[(bucket, key)]
            while hits and hits[0] <= now - window_s:
                hits.popleft()
            if len(hits) >= limit:
                retry = max(1, int(hits[0] + window_s - now) + 1)
                raise RateLimited(
                    f"Too many requests ({limit} per {int(window_s // 60) or 1} min).",
                    retry_after=retry, hint=f"Try again in {retry} seconds.")
            hits.append(now)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(request: Request, bucket: str, per_window: int, window_s: float = 3600.0, key: str | None = None) -> None:
    """Apply the app's rate limiter to this request (see `RateLimiter.hit`)."""
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.hit(bucket, key or client_key(request), per_window, window_s)
