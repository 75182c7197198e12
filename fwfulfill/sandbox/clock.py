"""Time for the sandbox: a monotonic clock to pace requests and a wall clock for timestamps.

Injected everywhere so tests can freeze time (`FakeClock`) and check the rate limit without
sleeping.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol

# The fake clock's wall time starts here: fixed, so order timestamps in tests never depend on today.
FAKE_WALL_START = datetime(2026, 4, 24, 12, 0, 0, tzinfo=timezone.utc)


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds (only differences mean anything)."""
        ...

    def sleep(self, seconds: float) -> None: ...

    def wall(self) -> datetime:
        """The current UTC date and time, for `updatedAt`."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def wall(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that moves only when told to: `advance()`, or `sleep()`, which advances instead of
    waiting. Thread-safe, because the sandbox serves several threads at once."""

    def __init__(self, start: float = 0.0, wall_start: datetime = FAKE_WALL_START) -> None:
        self._now = start
        self._start = start
        self._wall_start = wall_start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))

    def wall(self) -> datetime:
        with self._lock:
            return self._wall_start + timedelta(seconds=self._now - self._start)
