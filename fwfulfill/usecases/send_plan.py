"""Sending a plan: each fulfillment it holds to send, every step in the ledger under a new run, and
the exit status the outcome implies. Progress and stopping come in as a callable and an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fwfulfill.error_codes import ExitCode
from fwfulfill.planning.plan import UNSUCCESSFUL, Plan, PlannedFulfillment
from fwfulfill.sending.runner import RunResult, default_concurrency, send_planned
from fwfulfill.usecases.shop import ShopConnection


@dataclass(frozen=True)
class SendOptions:
    source: str  # what the ledger notes the run came from, like "from-csv labels.csv"
    concurrency: int | None = None  # requests in flight; None: enough for the shop's rate
    fail_fast: bool = False  # stop at the first fulfillment that fails


@dataclass
class SendOutcome:
    """What a send did. Each fulfillment's outcome is its status in the plan; `run.bug`, when set,
    is an exception of fwfulfill's own for the caller to raise once the outcome is shown."""

    plan: Plan
    sent: list[PlannedFulfillment]  # what was to be sent (their statuses say what became of them)
    exit_status: int
    run_id: str | None = None  # None: nothing to send, no run started
    run: RunResult | None = None

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.plan.counts())

    def unrecorded_json(self) -> dict[str, Any] | None:
        """Outcomes the ledger refused and where they were set aside; None when all were kept."""
        return self.run.unrecorded_json() if self.run else None


def send_plan(
    plan: Plan,
    shop: ShopConnection,
    options: SendOptions,
    *,
    on_done: Callable[[PlannedFulfillment], None] | None = None,
) -> SendOutcome:
    """Send what `plan` holds to send, under `shop.exclusive()` (taken before the plan was made, so
    it saw what any other run sent). `on_done` is called after each fulfillment; setting
    `shop.client.cancel` from any thread stops the run like Ctrl-C: what has not gone out stays
    planned, what is in flight finishes and is recorded."""
    if not shop.holds_lock:
        raise RuntimeError("send a plan under shop.exclusive(), taken before planning")
    to_send = plan.to_send()
    if not to_send:
        return SendOutcome(plan, [], _nothing_to_send(plan))
    per_second = shop.limiter.max_requests / shop.limiter.window
    run_id, result = send_planned(
        shop.client,
        shop.ledger,
        shop.shop_key,
        to_send,
        source=options.source,
        concurrency=options.concurrency or default_concurrency(per_second),
        fail_fast=options.fail_fast,
        on_done=on_done,
    )
    stopped_by_caller = result.stopped_because is None and result.bug is None and result.not_sent
    if stopped_by_caller and shop.client.cancel.is_set():
        result.interrupted = True
    return SendOutcome(plan, to_send, _exit_status(plan, to_send, result), run_id, result)


def _nothing_to_send(plan: Plan) -> int:
    if any(f.status in UNSUCCESSFUL for f in plan.fulfillments):
        return int(ExitCode.BATCH_INCOMPLETE)  # uncertain from an earlier run: look at them
    return int(ExitCode.INVALID_INPUT if plan.has_errors else ExitCode.OK)


def _exit_status(plan: Plan, to_send: list[PlannedFulfillment], result: RunResult) -> int:
    if result.bug is not None:
        return int(ExitCode.BUG)
    if result.ledger_trouble is not None:
        if len(result.not_sent) == len(to_send):  # nothing went out: the ledger's own code
            return int(result.ledger_trouble.exit_code)
        return int(ExitCode.BATCH_INCOMPLETE)
    if result.interrupted:
        return int(ExitCode.INTERRUPTED)
    unsuccessful = any(f.status in UNSUCCESSFUL for f in plan.fulfillments)
    if unsuccessful or plan.has_errors or result.not_sent:
        return int(ExitCode.BATCH_INCOMPLETE)
    return int(ExitCode.OK)
