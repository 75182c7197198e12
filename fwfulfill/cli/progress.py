"""The progress bar of a sending run, on stderr and only when stderr is a terminal."""

from __future__ import annotations

from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.cli.streams import Output
from fwfulfill.planning.plan import PlannedFulfillment


class SendProgress:
    """done / total, rate, ETA, and the current wait when the shop asked to slow down."""

    def __init__(self, output: Output, total: int, limiter: RateLimiter) -> None:
        self._limiter = limiter
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        if output.stderr_is_terminal:
            self._progress = Progress(
                TextColumn("[bold]Sending[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[note]}"),
                console=output.err,
                transient=False,
            )
            self._task = self._progress.add_task("send", total=total, rate="", note="")

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
        if self._progress is None or self._task is None:
            return
        task = self._progress.tasks[0]
        speed = task.speed
        paused = self._limiter.paused_for()
        self._progress.update(
            self._task,
            advance=1,
            rate=f"{speed:.1f}/s" if speed else "",
            note=f"[yellow]waiting {paused:.0f}s (rate limited)[/yellow]" if paused else "",
        )
