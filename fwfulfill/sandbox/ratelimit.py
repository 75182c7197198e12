"""The per-shop rate limit: a sliding window of accepted requests over an injected clock.

Refused requests take no quota, so 150 requests at one instant against 100/10 s give exactly 100
answers and 50 refusals, and the quota comes back as the accepted ones leave the window.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from fwfulfill.sandbox.clock import Clock


@dataclass(frozen=True)
class Admission:
    allowed: bool
    retry_after: float = 0.0  # seconds until a slot frees, when refused


class SlidingWindowLimiter:
    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._accepted: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def try_acquire(self, key: str) -> Admission:
        """Take a slot now, or say how long until one frees."""
        now = self._clock.now()
        with self._lock:
            accepted = self._accepted.setdefault(key, deque())
            while accepted and accepted[0] <= now - self._window:
                accepted.popleft()
            if len(accepted) < self._limit:
                accepted.append(now)
                return Admission(True)
            return Admission(False, retry_after=accepted[0] + self._window - now)

    def acquire_waiting(self, key: str) -> float:
        """Take a slot, sleeping on the clock until one frees ("delay instead of refuse");
        returns the seconds waited."""
        waited = 0.0
        while not (admission := self.try_acquire(key)).allowed:
            self._clock.sleep(admission.retry_after)
            waited += admission.retry_after
        return waited


def retry_after_header(seconds: float) -> str:
    """Whole seconds, at least 1: a client that waits that long finds a free slot."""
    return str(max(1, math.ceil(seconds)))
