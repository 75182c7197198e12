"""Counters for tests and benchmarks, served at GET /_sandbox/stats."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

FAULT_KINDS = ("5xx", "stall", "drop", "reset", "burst")


class SandboxStats:
    def __init__(self) -> None:
        self._requests: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._faults: Counter[str] = Counter(dict.fromkeys(FAULT_KINDS, 0))
        self._rate_limited = 0
        self._fulfillments_created = 0
        self._lock = threading.Lock()

    def request(self, route: str) -> None:
        with self._lock:
            self._requests[route] += 1

    def status(self, status: int) -> None:
        """An answer that reached (or was meant to reach) the client."""
        with self._lock:
            self._statuses[str(status)] += 1
            if status == 429:
                self._rate_limited += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] += 1

    def fulfillment_created(self) -> None:
        with self._lock:
            self._fulfillments_created += 1

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self._requests),
                "statuses": dict(self._statuses),
                "rateLimited": self._rate_limited,
                "faults": dict(self._faults),
                "fulfillmentsCreated": self._fulfillments_created,
            }
