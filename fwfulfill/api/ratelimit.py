"""The client-side rate limiter that every request of a run goes through (reads and sends alike).

The shop allows N requests in any window of W seconds, counted where the server sees them. The
client only knows when it sent a request and when the answer came, so a slot is held from the moment
a request starts until W seconds after its answer: whatever instant the server counted it at, it has
left the server's window by then. That never exceeds the limit at any latency, and costs one round
trip per window (about 2 % at 200 ms against a 10 s window).
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]


class RateLimiter:
    """At most `max_requests` requests in flight or answered within the last `window` seconds."""

    def __init__(self, max_requests: int, window: float, *, clock: Clock = time.monotonic) -> None:
        if max_requests < 1 or window <= 0:
            raise ValueError("a rate limit needs at least 1 request per a positive window")
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._expiries: list[float] = []  # min-heap of the instants answered slots free up
        self._paused_until = 0.0
        self._waiting = 0  # callers inside acquire() held back by the limit or a pause

    def acquire(self, *, stop: threading.Event | None = None) -> bool:
        """Wait for a free slot; False if `stop` was set while waiting."""
        with self._cond:
            while True:
                if stop is not None and stop.is_set():
                    return False
                now = self._clock()
                self._expire(now)
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._in_flight += 1
                    return True
                self._waiting += 1
                try:
                    self._cond.wait(timeout=min(wait, 0.5) if stop is not None else wait)
                finally:
                    self._waiting -= 1

    def release(self) -> None:
        with self._cond:
            self._in_flight -= 1
            heapq.heappush(self._expiries, self._clock() + self.window)
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """Hold every new request for `seconds` (the server said to slow down)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)
            self._cond.notify_all()

    def paused_for(self) -> float:
        """Seconds left of the current pause (0 when none)."""
        with self._cond:
            return max(0.0, self._paused_until - self._clock())

    def waiting(self) -> int:
        """Requests held back right now by the limit or a pause (what a progress bar shows)."""
        with self._cond:
            return self._waiting

    def _expire(self, now: float) -> None:
        while self._expiries and self._expiries[0] <= now:
            heapq.heappop(self._expiries)

    def _wait_needed(self, now: float) -> float:
        if self._paused_until > now:
            return self._paused_until - now
        if self._in_flight + len(self._expiries) < self.max_requests:
            return 0.0
        if self._expiries:
            return max(self._expiries[0] - now, 0.001)
        return 0.05  # every slot is in flight: a release will notify
