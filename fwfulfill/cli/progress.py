"""The progress bar of a sending run, on stderr and only when stderr is a terminal.

The bar counts finished outcomes (the numbers the summary shows), and its ETA comes from the rate
limit the run paces itself by, not from rich's speed estimate: at 100 requests per 10 s, 500 left
take 50 s whatever the first few seconds looked like.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.cli.streams import Output
from fwfulfill.planning.plan import PlannedFulfillment, Status


def eta_seconds(
    requests_left: int, max_requests: int, window: float, *, paused_for: float = 0.0
) -> float:
    """How long REQUESTS_LEFT (those in flight included: each still has to finish) take at
    MAX_REQUESTS per WINDOW seconds, after a pause the shop asked for."""
    if requests_left <= 0:
        return 0.0
    return paused_for + requests_left * window / max_requests


def clock_label(seconds: float) -> str:
    """`0:00:50`, as rich writes a duration."""
    whole = int(seconds + 0.999)  # round up: "0:00:00" while something is left reads as done
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


class SendProgress:
    """finished / total, elapsed, the ETA by the rate limit, and what the run is waiting for."""

    def __init__(self, output: Output, total: int, limiter: RateLimiter) -> None:
        self._limiter = limiter
        self._total = total
        self._finished = 0
        self._lock = threading.Lock()
        self._retry: tuple[float, str] | None = None  # (until, why) of the last retry wait
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if output.stderr_is_terminal:
            self._progress = Progress(
                TextColumn("[bold]Sending[/bold]"),
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                _ScheduleColumn(self),
                console=output.err,
                transient=False,
            )
            self._task = self._progress.add_task("send", total=total)

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def __enter__(self) -> SendProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, planned: PlannedFulfillment) -> None:
        """One fulfillment done with. One stopped before it was sent is still planned: not
        counted, so the bar ends on the summary's numbers."""
        if planned.status is Status.PLANNED:
            return
        with self._lock:
            self._finished += 1
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1)

    def retrying(self, seconds: float, reason: str) -> None:
        """The client waits SECONDS before trying again (a plain callable for the client's
        events)."""
        with self._lock:
            self._retry = (time.monotonic() + seconds, reason)

    def status(self) -> str:
        """What the bar says after the counts: a wait when there is one, else the ETA."""
        limiter = self._limiter
        paused = limiter.paused_for()
        if paused > 0:
            return f"waiting {paused:.0f}s: the shop said to slow down"
        with self._lock:
            left = self._total - self._finished
            retry = self._retry
        if retry is not None and retry[0] > time.monotonic():
            return f"retry in {retry[0] - time.monotonic():.0f}s: {retry[1]}"
        eta = clock_label(eta_seconds(left, limiter.max_requests, limiter.window))
        rate = f"{limiter.max_requests}/{limiter.window:g}s"
        if limiter.waiting():
            return f"ETA {eta}, at the {rate} limit"
        return f"ETA {eta} at {rate}"


class _ScheduleColumn(ProgressColumn):
    """Asks the run at each refresh, so a wait shows while nothing finishes."""

    def __init__(self, run: SendProgress) -> None:
        super().__init__()
        self._run = run

    def render(self, task: Task) -> Text:
        text = self._run.status()
        style = "yellow" if text.startswith(("waiting", "retry")) else ""
        return Text(text, style=style, no_wrap=True, overflow="ellipsis")
