"""One sending run: a ledger run around the runner, shared by `create` and `from-csv`."""

from __future__ import annotations

from collections.abc import Sequence

from fwfulfill.client import ApiClient
from fwfulfill.ledger import Ledger, LedgerJournal
from fwfulfill.plan import PlannedFulfillment
from fwfulfill.runner import ProgressSink, Runner, RunResult


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
    runner = Runner(
        client,
        LedgerJournal(ledger, shop_key, run_id),
        concurrency=concurrency,
        fail_fast=fail_fast,
        on_done=on_done,
    )
    try:
        result = runner.run(fulfillments)
    finally:
        counts: dict[str, int] = {}
        for planned in fulfillments:
            counts[planned.status.value] = counts.get(planned.status.value, 0) + 1
        ledger.finish_run(run_id, counts)
    return run_id, result
