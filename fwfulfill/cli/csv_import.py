"""What `fwfulfill from-csv` does: read, plan, confirm, send, report."""

from __future__ import annotations

import gc
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import typer

from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import one_line
from fwfulfill.cli.session import ShopSession, shop_label, shop_session
from fwfulfill.cli.streams import Output, is_terminal
from fwfulfill.cli.tables import fulfillments_table, problems_table, summary_table
from fwfulfill.constants import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
from fwfulfill.csv_input.columns import ColumnMap, map_columns, parse_map_options
from fwfulfill.csv_input.decode import CsvFile, open_source
from fwfulfill.csv_input.rows import RowsReading, read_rows
from fwfulfill.error_codes import ExitCode, Severity, counted, explain_with_hint
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.planning.order_lookup import resolve_orders
from fwfulfill.planning.plan import UNSUCCESSFUL, Plan, Problem, Status
from fwfulfill.planning.planner import (
    InputProblem,
    build_plan,
    offline_plan,
    problem,
    split_recorded,
)
from fwfulfill.sending.run_lock import exclusive_run
from fwfulfill.sending.runner import RunResult, default_concurrency

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportOptions:
    file: str
    dry_run: bool
    offline: bool
    encoding: str | None
    delimiter: str | None
    column_map: tuple[str, ...]
    rate: str | None
    concurrency: int | None
    fail_fast: bool
    yes: bool
    report: Path | None
    recheck_uncertain: bool = False


def parse_rate(text: str | None) -> tuple[int, float]:
    if text is None:
        return RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
    found = _RATE.match(text)
    if not found or int(found.group(1)) < 1 or float(found.group(2)) <= 0:
        raise InputError(
            "invalid_option", f"{text!r} is not N/SECONDS (like 100/10).", target="--rate"
        )
    return int(found.group(1)), float(found.group(2))


def run_import(app_ctx: AppContext, options: ImportOptions) -> int:
    overrides = parse_map_options(options.column_map)
    requests, window = parse_rate(options.rate)
    if options.report is not None:
        check_report_path(options.report, options.file)
    output = app_ctx.output
    with open_source(options.file) as handle:
        source = CsvFile(handle, encoding=options.encoding, delimiter=options.delimiter)
        columns = map_columns(source.header, overrides)
        with _bulk_objects():
            reading = read_rows(source.rows(), columns)
        if source.format.fell_back:
            reading.problems.insert(0, _encoding_problem())
        if options.offline:
            with _bulk_objects():
                plan = offline_plan(reading.drafts, reading.problems)
                code = _finish_dry_run(output, _with_reading(plan, reading, columns))
        else:
            with (
                shop_session(app_ctx, requests=requests, window=window) as session,
                # A sending run plans under the shop's lock, so it sees what any other run sent.
                nullcontext() if options.dry_run else exclusive_run(session.shop_key),
            ):
                with _bulk_objects():
                    plan = _plan(session, reading, output, options.recheck_uncertain)
                    plan = _with_reading(plan, reading, columns)
                if options.dry_run:
                    output.info(f"Checked against shop {shop_label(session.shop)}.")
                    code = _finish_dry_run(output, plan)
                else:
                    code = _send(app_ctx, session, plan, options, requests / window)
        if options.report is not None:
            handle.seek(0)
            _write_report(output, options.report, handle, options, plan, source.widest)
        return code


@contextmanager
def _bulk_objects() -> Iterator[None]:
    """Reading and planning make hundreds of thousands of small objects without cycles; the cyclic
    collector would walk them over and over (40 % of a 100,000-row dry run). Reference counting
    frees them all the same; what is kept is frozen out of later collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _encoding_problem() -> InputProblem:
    return InputProblem(
        problem(
            "encoding_fallback",
            "the file is not UTF-8; it was read as Windows-1252 "
            "(Excel on Windows). Check accented names below.",
            [1],
        )
    )


def _with_reading(plan: Plan, reading: RowsReading, columns: ColumnMap) -> Plan:
    plan.rows_read = reading.rows
    plan.columns = columns.described()
    return plan


def _plan(
    session: ShopSession, reading: RowsReading, output: Output, recheck_uncertain: bool
) -> Plan:
    # Orders whose every box the ledger records as created need no read (a re-run costs nothing).
    recorded = session.ledger.view_by_references(
        session.shop_key, {draft.order.key for draft in reading.drafts}
    )
    drafts, skipped = split_recorded(reading.drafts, recorded)
    references = [draft.order for draft in drafts]
    references += [item.order for item in reading.problems if item.order is not None]
    resolution = resolve_orders(session.client, references)
    history = session.ledger.view(
        session.shop_key,
        {order.id for order in resolution.orders.values()},
        recheck_uncertain=recheck_uncertain,
    )
    missing = {key: problem(error.code, error.message) for key, error in resolution.missing.items()}
    if references:
        output.info(
            f"Read {counted(len(resolution.orders), 'order')} with "
            f"{counted(resolution.requests, 'request')}."
        )
    plan = build_plan(
        drafts,
        resolution.orders,
        history=history,
        input_problems=reading.problems,
        missing=missing,
        related=resolution.related,
    )
    if skipped:
        plan.fulfillments.extend(skipped)
        lines = [line for planned in skipped for line in planned.lines]
        were = "was" if len(skipped) == 1 else "were"
        message = (
            f"{counted(len(skipped), 'box', 'boxes')} {were} already created by an earlier run; "
            "skipped."
        )
        plan.problems.append(problem("already_fulfilled", message, lines))
    return plan


def _show_plan(output: Output, plan: Plan, *, title: str) -> None:
    if output.json_mode:
        output.data_fields(plan.json_fields())
        return
    if plan.columns:
        used = ", ".join(f"{field} = {column!r}" for field, column in plan.columns.items())
        output.info(f"Columns: {used}")
    if plan.fulfillments:
        output.show(fulfillments_table(plan.fulfillments, title=title, show_lines=True))
    if plan.problems:
        output.show(problems_table(sorted(plan.problems, key=_problem_order)))
    output.info(_counts_line(plan))


def _problem_order(found: Problem) -> tuple[int, int]:
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[found.severity]
    return (found.lines[0] if found.lines else 0, rank)


def _counts_line(plan: Plan) -> str:
    summary = plan.summary()
    by_status = ", ".join(f"{count} {status}" for status, count in summary["byStatus"].items())
    return (
        f"{counted(summary['rows'], 'row')} -> "
        f"{counted(summary['fulfillments'], 'fulfillment')} ({by_status or 'none'}); "
        f"{counted(summary['errors'], 'error')}, {counted(summary['warnings'], 'warning')}."
    )


def _finish_dry_run(output: Output, plan: Plan) -> int:
    _show_plan(output, plan, title="Planned fulfillments (dry run)")
    output.info("Dry run: nothing was sent.")
    return int(ExitCode.INVALID_INPUT if plan.has_errors else ExitCode.OK)


def _send(
    app_ctx: AppContext, session: ShopSession, plan: Plan, options: ImportOptions, per_second: float
) -> int:
    output = app_ctx.output
    to_send = plan.to_send()
    if not to_send:
        _show_plan(output, plan, title="Nothing to send")
        if any(f.status in UNSUCCESSFUL for f in plan.fulfillments):
            return int(ExitCode.BATCH_INCOMPLETE)  # uncertain from an earlier run: look at them
        return int(ExitCode.INVALID_INPUT if plan.has_errors else ExitCode.OK)
    blocked = plan.counts().get(Status.BLOCKED.value, 0)
    output.info(
        f"Shop: {shop_label(session.shop)}. Sending {counted(len(to_send), 'fulfillment')}"
        + (f" ({blocked} blocked by errors, not sent)" if blocked else "")
        + "."
    )
    ask = not options.yes and output.stderr_is_terminal and is_terminal(sys.stdin)
    if ask and plan.problems:
        # What will be held back or warned about, before the question rather than after.
        output.show_err(problems_table(sorted(plan.problems, key=_problem_order)))
    resent = sum(1 for planned in to_send if planned.recheck_asked)
    if resent:
        output.warning(
            explain_with_hint("recheck_uncertain_risk", {"count": counted(resent, "fulfillment")})
        )
    question = f"Create {counted(len(to_send), 'fulfillment')} in {session.shop.name}"
    if resent:
        question += f", {resent} of them sent again although they may already exist"
    if ask and not typer.confirm(question + "?", err=True):
        output.info("Nothing sent.")
        return int(ExitCode.OK)
    from fwfulfill.cli.progress import SendProgress
    from fwfulfill.sending.runner import send_planned

    concurrency = options.concurrency or default_concurrency(per_second)
    with SendProgress(output, len(to_send), session.limiter) as progress:
        run_id, result = send_planned(
            session.client,
            session.ledger,
            session.shop_key,
            to_send,
            source=f"from-csv {options.file}",
            concurrency=concurrency,
            fail_fast=options.fail_fast,
            on_done=progress.advance,
        )
    _show_outcome(output, plan, run_id, result)
    if result.bug is not None:
        raise result.bug
    if result.ledger_trouble is not None:
        output.error(one_line(result.ledger_trouble))
        if len(result.not_sent) == len(to_send):  # nothing went out: the ledger's own code
            return int(result.ledger_trouble.exit_code)
        return int(ExitCode.BATCH_INCOMPLETE)
    if result.interrupted:
        output.info(f"Interrupted. To resume: {_resume_command(app_ctx, options)}")
        return int(ExitCode.INTERRUPTED)
    unsuccessful = any(f.status in UNSUCCESSFUL for f in plan.fulfillments)
    if unsuccessful or plan.has_errors or result.not_sent:
        return int(ExitCode.BATCH_INCOMPLETE)
    return int(ExitCode.OK)


def _show_outcome(output: Output, plan: Plan, run_id: str, result: RunResult) -> None:
    if output.json_mode:
        run = {
            "id": run_id,
            "interrupted": result.interrupted,
            "stoppedBecause": result.stopped_because,
            "notSent": len(result.not_sent),
            "unrecorded": result.unrecorded_json(),
        }
        output.data_fields([*plan.json_fields(), ("run", run)])
        return
    output.show(summary_table(plan))
    attention = [f for f in plan.fulfillments if f.status not in _FINE]
    if attention:
        output.show(
            fulfillments_table(attention, title="Not created", show_lines=True, with_fix=True)
        )
    errors = [p for p in plan.problems if p.severity is Severity.ERROR]
    if errors:
        output.show(problems_table(errors))
    if result.stopped_because:
        output.warning(f"sending stopped early: {result.stopped_because}")
    output.info(f"Run {run_id}: {_counts_line(plan)}")


_FINE = frozenset({Status.CREATED, Status.ALREADY_EXISTS, Status.SKIPPED})


def _resume_command(app_ctx: AppContext, options: ImportOptions) -> str:
    """The same command again (the ledger makes it skip what was sent), quoted for this OS: every
    option that shapes the run, so the rest is sent the way the user asked for the whole."""
    parts = ["fwfulfill"]
    for flag, value in (("--profile", app_ctx.profile), ("--api-url", app_ctx.api_url)):
        if value:
            parts += [flag, value]
    if app_ctx.sandbox:
        parts.append("--sandbox")
    parts += ["from-csv", options.file, *[f"--map={value}" for value in options.column_map]]
    for flag, given in (
        ("--encoding", options.encoding),
        ("--delimiter", options.delimiter),
        ("--rate", options.rate),
        ("--concurrency", str(options.concurrency) if options.concurrency else None),
        ("--report", str(options.report) if options.report else None),
    ):
        if given:
            parts += [flag, given]
    for flag, given_flag in (
        ("--fail-fast", options.fail_fast),
        ("--yes", options.yes),
        ("--recheck-uncertain", options.recheck_uncertain),
    ):
        if given_flag:
            parts.append(flag)
    if app_ctx.output.requested:  # a global option, accepted after the command too
        parts += ["--output", app_ctx.output.requested.value]
    return subprocess.list2cmdline(parts) if os.name == "nt" else shlex.join(parts)


def check_report_path(report: Path, input_file: str) -> None:
    """Refuse a report that would overwrite the input, or that cannot be written (`''`, a
    directory, a device or pipe, a missing or read-only folder): before anything is read or sent,
    not after."""
    from fwfulfill.atomic_file import check_writable

    # os.path's checks answer False for a name too long or holding a NUL; Path's would raise.
    same = input_file != "-" and os.path.exists(input_file) and os.path.exists(report)
    if same and os.path.samefile(report, input_file):
        raise InputError(
            "invalid_option",
            "the report would overwrite the input file; name another file.",
            target="--report",
        )
    if not str(report) or report == Path("."):
        raise InputError("file_not_writable", "a report needs a file name.", target="--report")
    try:
        check_writable(report)
    except FwfulfillError as error:
        raise InputError(error.code, error.message, target="--report") from None


def _write_report(
    output: Output, path: Path, handle: IO[bytes], options: ImportOptions, plan: Plan, width: int
) -> None:
    """Write the report after the run; failing here is said, but never changes the run's exit code
    (what was sent is printed above and in the ledger)."""
    from fwfulfill.csv_input.report import line_outcomes, write_report

    source = CsvFile(handle, encoding=options.encoding, delimiter=options.delimiter)
    try:
        lines = write_report(path, source, line_outcomes(plan), width=width)
    except FwfulfillError as exc:  # the target became a directory or a device meanwhile
        _report_not_written(output, exc.message)
        return
    except OSError as exc:  # a full disk, a folder gone
        _report_not_written(output, f"cannot write {path}: {exc.strerror or exc}")
        return
    output.info(f"Report: {counted(lines, 'line')} written to {path}.")


def _report_not_written(output: Output, reason: str) -> None:
    output.error(one_line(FwfulfillError("report_not_written", reason, target="--report")))
