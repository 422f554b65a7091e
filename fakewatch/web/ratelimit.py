"""Per-client token buckets for the public check: a person is never slowed, a script is."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

# Clients remembered at once; the least recently seen are forgotten first (a forgotten client
# simply starts again with a full bucket, so this bounds memory without hurting anyone).
MAX_CLIENTS = 100_000


class RateLimiter:
    """Token bucket per key: `burst` requests at once, refilled at `rate` per second."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> tuple[bool, float]:
        """(allowed, seconds to wait before the next request would be allowed)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, seen = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - seen) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        wait = 0.0 if allowed else (1.0 - tokens) / self.rate if self.rate > 0 else float("inf")
        return allowed, wait
