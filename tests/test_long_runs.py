"""A long run's end and its progress bar: one line per reason, never one per fulfillment, and an
ETA from the rate limit the run paces itself by."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.cli.progress import SendProgress, clock_label, eta_seconds
from fwfulfill.cli.streams import Output, OutputFormat
from fwfulfill.cli.tables import first_few, group_by_reason, reasons_table
from fwfulfill.planning.plan import PlannedFulfillment, Status


def fulfillment(order: str, status: Status, code: str | None = None) -> PlannedFulfillment:
    return PlannedFulfillment(
        order_ref=order,
        tracking_number="1Z999AA10123456784",
        tracking_company="UPS",
        friendly_id=order,
        status=status,
        error_code=code,
    )


def mixed_run() -> list[PlannedFulfillment]:
    """20 created, 5 uncertain, 2 refused for quantity, 33 never sent (the run stopped)."""
    return [
        *(fulfillment(f"CREATED{n:02d}", Status.CREATED) for n in range(20)),
        *(
            fulfillment(f"UNSURE{n:02d}", Status.UNCERTAIN, "uncertain_partial_box")
            for n in range(5)
        ),
        *(
            fulfillment(f"REFUSE{n:02d}", Status.FAILED, "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH")
            for n in range(2)
        ),
        *(fulfillment(f"NOTSENT{n:02d}", Status.PLANNED) for n in range(33)),
    ]


def test_not_created_fulfillments_make_one_group_per_reason() -> None:
    groups = group_by_reason(mixed_run())
    assert [(group.status, len(group.orders)) for group in groups] == [
        (Status.UNCERTAIN, 5),
        (Status.FAILED, 2),
        (Status.PLANNED, 33),
    ]
    uncertain, refused, not_sent = groups
    assert uncertain.reason == "Outcome uncertain: not re-sent"  # the title says "uncertain"
    assert refused.reason.startswith("failed: ")  # a title that does not say it gets the status
    assert not_sent.reason == "Not sent: the run stopped first"
    assert "--recheck-uncertain" in uncertain.hint
    assert not_sent.orders[:2] == ("NOTSENT00", "NOTSENT01")  # in the plan's order


def test_the_first_few_orders_then_how_many_more() -> None:
    assert first_few(("A", "B")) == "A, B"
    assert first_few(("A", "B", "C")) == "A, B, C"
    assert first_few(tuple("ABCDEFG")) == "A, B, +5 more"


def test_the_reasons_table_is_one_line_per_reason_at_80_columns() -> None:
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(reasons_table(group_by_reason(mixed_run())))
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    rows = [line for line in shown.splitlines() if line.split() and line.split()[-1][:1] == "["]
    assert len(rows) == 3, shown
    assert "UNSURE00, UNSURE01, +3 more" in shown
    assert "REFUSE00, REFUSE01" in shown
    assert "NOTSENT00, NOTSENT01, +31 more" in shown
    assert "CREATED" not in shown
    assert len(shown.splitlines()) <= 12, shown  # title, header, rule, 3 rows, the fixes
    assert all(len(line) <= 80 for line in shown.splitlines())


@pytest.mark.parametrize(
    ("left", "requests", "window", "seconds"),
    [(500, 100, 10.0, 50.0), (60, 2, 1.0, 30.0), (7, 5, 1.0, 1.4), (0, 100, 10.0, 0.0)],
)
def test_the_eta_is_what_is_left_at_the_allowed_rate(
    left: int, requests: int, window: float, seconds: float
) -> None:
    assert eta_seconds(left, requests, window) == pytest.approx(seconds)


def test_a_pause_the_shop_asked_for_comes_first() -> None:
    assert eta_seconds(100, 100, 10.0, paused_for=8.0) == pytest.approx(18.0)
    assert eta_seconds(0, 100, 10.0, paused_for=8.0) == 0.0  # nothing left: nothing to wait for


def test_the_clock_rounds_up_so_something_left_never_reads_as_done() -> None:
    assert clock_label(50) == "0:00:50"
    assert clock_label(0.2) == "0:00:01"
    assert clock_label(3725) == "1:02:05"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def quiet_progress(total: int, limiter: RateLimiter) -> SendProgress:
    return SendProgress(Output(OutputFormat.JSON, stderr=io.StringIO()), total, limiter)


def test_the_bar_counts_finished_outcomes_only() -> None:
    """A fulfillment stopped before it was sent is still planned: the bar ends where the summary
    does (it said 24/60 while the summary said 20)."""
    progress = quiet_progress(60, RateLimiter(100, 10.0))
    for planned in mixed_run():
        progress.advance(planned)
    # 27 outcomes (created, uncertain, failed) of 60: 33 left at 100/10 s.
    assert progress.status() == f"ETA {clock_label(3.3)} at 100/10s"


def test_the_bar_says_when_it_waits_for_the_shop_or_a_retry() -> None:
    clock = Clock()
    limiter = RateLimiter(100, 10.0, clock=clock)
    progress = quiet_progress(60, limiter)
    progress.retrying(60.0, "server error")
    assert progress.status().startswith("retry in 60s: server error")
    limiter.pause(8.0)
    assert progress.status() == "waiting 8s: the shop said to slow down"
    clock.now = 9.0
    assert progress.status().startswith("retry in")  # the retry wait is on the real clock
