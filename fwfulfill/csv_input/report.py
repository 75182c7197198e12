"""`--report FILE.csv`: every input line with its outcome beside its original columns.

The report keeps the input's columns (cells beyond the header too) and delimiter, so failed lines
can be fixed and fed back as they are (the ledger skips what was created).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fwfulfill.atomic_file import open_text_atomically
from fwfulfill.csv_cells import GuardedWriter
from fwfulfill.csv_input.decode import CsvFile
from fwfulfill.error_codes import Severity
from fwfulfill.planning.plan import Plan, Problem, Status

REPORT_COLUMNS = (
    "fwfulfill line",  # physical line of the input (header = 1), as the plan's problems name it
    "fwfulfill outcome",
    "fwfulfill fulfillment id",
    "fwfulfill error code",
    "fwfulfill message",
)
# When a line feeds several fulfillments (several boxes in one cell), the worst outcome is shown.
_RANK = {
    Status.FAILED: 0,
    Status.UNCERTAIN: 1,
    Status.BLOCKED: 2,
    Status.PLANNED: 3,
    Status.ALREADY_EXISTS: 4,
    Status.SKIPPED: 5,
    Status.CREATED: 6,
}


@dataclass(frozen=True)
class LineOutcome:
    outcome: str
    fulfillment_id: str = ""
    code: str = ""
    message: str = ""


def line_outcomes(plan: Plan) -> dict[int, LineOutcome]:
    """The outcome of each input line: its fulfillment's, else its own problem's."""
    chosen: dict[int, tuple[int, LineOutcome]] = {}
    for planned in plan.fulfillments:
        rank = _RANK[planned.status]
        outcome = LineOutcome(
            planned.status.value,
            planned.fulfillment_id or "",
            planned.error_code or "",
            planned.error_message or "",
        )
        for line in planned.lines:
            if line not in chosen or rank < chosen[line][0]:
                chosen[line] = (rank, outcome)
    result = {line: outcome for line, (_, outcome) in chosen.items()}
    for problem in plan.problems:
        _add_problem(result, problem)
    return result


# Problems that say why a line was not sent: on a line without a fulfillment they come before an
# ordinary warning (an unknown carrier "sent as written" on a line that was not sent misleads).
_NOT_SENT_REASONS = frozenset(
    {"multi_box_first", "duplicate_row", "skipped_row", "already_fulfilled"}
)


def _add_problem(result: dict[int, LineOutcome], problem: Problem) -> None:
    for line in problem.lines:
        current = result.get(line)
        if current is None:
            outcome = "skipped" if problem.severity is not Severity.ERROR else "blocked"
            result[line] = LineOutcome(outcome, "", problem.code, problem.message)
        elif (problem.severity is Severity.ERROR and not current.code) or (
            current.outcome == "skipped"
            and problem.code in _NOT_SENT_REASONS
            and current.code not in _NOT_SENT_REASONS
        ):
            result[line] = LineOutcome(
                current.outcome, current.fulfillment_id, problem.code, problem.message
            )


def write_report(
    path: Path, source: CsvFile, outcomes: dict[int, LineOutcome], *, width: int = 0
) -> int:
    """Write the report from a fresh read of the input; returns the number of lines written.

    `width`: the most cells of any input row (`CsvFile.widest` of the first read). Cells beyond the
    header are kept under `column N` headers, so fwfulfill's columns stay aligned."""
    written = 0
    width = max(width, len(source.header))
    extra = [f"column {number}" for number in range(len(source.header) + 1, width + 1)]
    # A new file beside the target, moved into place whole: a failure never leaves half a report.
    with open_text_atomically(path, encoding="utf-8-sig", newline="") as handle:
        writer = GuardedWriter(handle, delimiter=source.format.delimiter)
        writer.writerow([*source.header, *extra, *REPORT_COLUMNS])
        for row in source.rows():
            outcome = outcomes.get(row.line, LineOutcome("not sent"))
            cells = [*row.cells, *[""] * (width - len(row.cells))]
            writer.writerow([*cells, str(row.line), *_cells(outcome)])
            written += 1
    return written


def _cells(outcome: LineOutcome) -> Iterable[str]:
    return (outcome.outcome, outcome.fulfillment_id, outcome.code, outcome.message)
