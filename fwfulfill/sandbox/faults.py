"""Seeded fault decisions, one plan per request, so a failing reliability run can be replayed.

Every request draws the same number of random values whatever happens to it, so the n-th request of
two runs with the same seed always gets the same plan.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from fwfulfill.sandbox.messages import Fault
from fwfulfill.sandbox.settings import SandboxSettings

SERVER_ERRORS = (500, 502, 503)


@dataclass(frozen=True)
class FaultPlan:
    latency: float = 0.0  # seconds to wait before answering
    reset: bool = False  # reset the connection, nothing done
    server_error: int | None = None  # answer this 5xx with a non-JSON body, nothing done
    burst: bool = False  # answer 429 whatever the quota
    commit_fault: Fault | None = None  # if a POST /fulfillments commits: stall or drop afterwards


class FaultInjector:
    def __init__(self, settings: SandboxSettings) -> None:
        self._settings = settings
        self._random = random.Random(settings.random_seed)
        self._burst_left = 0
        self._first_commits_left = settings.commit_fault_first
        self._lock = threading.Lock()

    def after_commit(self, plan: FaultPlan) -> str | None:
        """What happens to a POST that has just committed: "drop", "stall", "5xx" or None.

        The first `commit_fault_first` commits get `commit_fault_kind`, deterministically; the
        rest whatever their plan drew."""
        with self._lock:
            if self._first_commits_left > 0:
                self._first_commits_left -= 1
                return self._settings.commit_fault_kind
        return plan.commit_fault.value if plan.commit_fault is not None else None

    def plan(self) -> FaultPlan:
        settings = self._settings
        with self._lock:
            latency, reset, error, error_kind, burst, commit = (
                self._random.random() for _ in range(6)
            )
            in_burst = self._burst_left > 0
            if in_burst:
                self._burst_left -= 1
            elif burst < settings.burst_rate:
                in_burst = True
                self._burst_left = settings.burst_length - 1
        low, high = settings.latency
        return FaultPlan(
            latency=low + (high - low) * latency,
            reset=reset < settings.reset_rate,
            server_error=(
                SERVER_ERRORS[int(error_kind * len(SERVER_ERRORS))]
                if error < settings.error_rate
                else None
            ),
            burst=in_burst,
            commit_fault=_commit_fault(commit, settings),
        )


def _commit_fault(draw: float, settings: SandboxSettings) -> Fault | None:
    if draw < settings.commit_stall_rate:
        return Fault.STALL_AFTER_COMMIT
    if draw < settings.commit_stall_rate + settings.commit_drop_rate:
        return Fault.DROP_AFTER_COMMIT
    return None


SERVER_ERROR_PAGES = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
}


def server_error_page(status: int) -> str:
    """The HTML a gateway answers with: what a client gets when the API is down."""
    title = f"{status} {SERVER_ERROR_PAGES[status]}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1>"
        "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
