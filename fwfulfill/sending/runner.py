"""Sends a plan's fulfillments with enough requests in flight to use the shop's whole rate limit.

The rate limiter inside the client paces every request; the runner only keeps workers busy,
records each step in the ledger, and stops on request (Ctrl-C, `--fail-fast`, rejected
credentials): what has not gone out is cancelled and stays planned, what is in flight finishes and
is recorded.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fwfulfill.api.client import ApiClient
from fwfulfill.planning.plan import UNSUCCESSFUL, PlannedFulfillment, Status, status_counts
from fwfulfill.sending.ledger import Ledger, LedgerError, LedgerJournal
from fwfulfill.sending.send import FATAL_CODES, SendJournal, send_fulfillment

MAX_CONCURRENCY = 64


def default_concurrency(requests_per_second: float) -> int:
    """Enough workers to keep a second's worth of requests in flight (latency up to ~1 s)."""
    return max(4, min(MAX_CONCURRENCY, math.ceil(requests_per_second) + 2))


@dataclass
class RunResult:
    interrupted: bool = False
    stopped_because: str | None = None  # why sending stopped early, when it did
    not_sent: list[PlannedFulfillment] = field(default_factory=list)
    bug: BaseException | None = None
    # The ledger failed during the run: what to tell the user (with the ids it could not record).
    ledger_trouble: LedgerError | None = None
    unrecorded: list[PlannedFulfillment] = field(default_factory=list)
    unrecorded_file: Path | None = None

    def unrecorded_json(self) -> dict[str, Any] | None:
        """`unrecorded` in the JSON output: outcomes the ledger refused, and where they are kept."""
        if not self.unrecorded:
            return None
        return {
            "file": str(self.unrecorded_file) if self.unrecorded_file else None,
            "fulfillments": [
                {
                    "orderId": planned.order_id,
                    "friendlyId": planned.friendly_id,
                    "trackingNumber": planned.tracking_number,
                    "status": planned.status.value,
                    "fulfillmentId": planned.fulfillment_id,
                }
                for planned in self.unrecorded
            ],
        }


ProgressSink = Callable[[PlannedFulfillment], None]


class Runner:
    def __init__(
        self,
        client: ApiClient,
        journal: SendJournal,
        *,
        concurrency: int = 8,
        fail_fast: bool = False,
        on_done: ProgressSink | None = None,
    ) -> None:
        self._client = client
        self._journal = journal
        self._concurrency = max(1, concurrency)
        self._fail_fast = fail_fast
        self._on_done = on_done
        # The client's own cancel flag: setting it also cancels requests waiting for a slot.
        self.stop: threading.Event = client.cancel
        self._result = RunResult()

    def run(self, fulfillments: Sequence[PlannedFulfillment]) -> RunResult:
        pending = list(fulfillments)
        in_flight: set[Future[None]] = set()
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="send") as pool:
            try:
                while pending and not self.stop.is_set():
                    while pending and len(in_flight) < self._concurrency and not self.stop.is_set():
                        in_flight.add(pool.submit(self._send, pending.pop(0)))
                    done, in_flight = wait(in_flight, timeout=0.25, return_when=FIRST_COMPLETED)
                    self._collect(done)
            except KeyboardInterrupt:
                self._result.interrupted = True
                self.stop.set()
            self._drain(in_flight)
        self._result.not_sent = [f for f in fulfillments if f.status is Status.PLANNED]
        return self._result

    def _drain(self, in_flight: set[Future[None]]) -> None:
        """Let the requests in flight finish and be recorded, even after Ctrl-C."""
        while in_flight:
            try:
                done, in_flight = wait(in_flight, timeout=0.25)
                self._collect(done)
            except KeyboardInterrupt:
                self._result.interrupted = True

    def _collect(self, done: set[Future[None]]) -> None:
        for future in done:
            error = future.exception()
            if error is not None and self._result.bug is None:
                self._result.bug = error
                self.stop.set()

    def _send(self, planned: PlannedFulfillment) -> None:
        try:
            send_fulfillment(
                self._client,
                planned,
                self._journal,
                previously_in_doubt=planned.previously_in_doubt,
            )
        except LedgerError as error:  # its `sending` step was refused, so it was not sent
            self.ledger_failed(error)
            return
        if planned.error_code in FATAL_CODES:
            self._halt(f"{planned.error_code}: {planned.error_message}")
        elif self._fail_fast and planned.status in UNSUCCESSFUL:
            self._halt(f"--fail-fast: {planned.order_label} {planned.status.value}")
        if self._on_done is not None:
            self._on_done(planned)

    def ledger_failed(self, error: LedgerError) -> None:
        """Stop sending: what goes out now could not be recorded."""
        if self._result.ledger_trouble is None:
            self._result.ledger_trouble = error
        self._halt(f"the ledger failed: {error.message}")

    def _halt(self, reason: str) -> None:
        if not self.stop.is_set():
            self._result.stopped_because = reason
            self.stop.set()


def send_planned(
    client: ApiClient,
    ledger: Ledger,
    shop_key: str,
    fulfillments: Sequence[PlannedFulfillment],
    *,
    source: str,
    concurrency: int,
    fail_fast: bool = False,
    on_done: ProgressSink | None = None,
) -> tuple[str, RunResult]:
    """Send `fulfillments`, every step recorded under a new ledger run; returns (run id, result)."""
    run_id = ledger.start_run(shop_key, source)
    journal = LedgerJournal(ledger, shop_key, run_id)
    runner = Runner(client, journal, concurrency=concurrency, fail_fast=fail_fast, on_done=on_done)
    journal.on_failure = runner.ledger_failed
    try:
        result = runner.run(fulfillments)
    finally:
        if journal.failure is None:  # else it fails again: the run's counts are not worth a wait
            with contextlib.suppress(LedgerError):
                ledger.finish_run(run_id, status_counts(fulfillments))
    result.ledger_trouble = journal.trouble() or result.ledger_trouble
    result.unrecorded = list(journal.unrecorded)
    result.unrecorded_file = journal.unrecorded_file
    return run_id, result
