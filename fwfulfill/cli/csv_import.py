"""`fwfulfill from-csv`'s run: the flags into use-case options, the question, the tables and JSON.

The work itself (read, plan, send, report) is in `fwfulfill.usecases`; this module only asks and
renders.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from fwfulfill.cli import confirmation
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.csv_output import write_plan
from fwfulfill.cli.errors import one_line
from fwfulfill.cli.streams import Output
from fwfulfill.cli.tables import (
    fulfillments_table,
    group_by_reason,
    problems_table,
    reasons_table,
    summary_table,
)
from fwfulfill.constants import RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
from fwfulfill.csv_input.columns import parse_map_options
from fwfulfill.csv_input.decode import open_source
from fwfulfill.error_codes import ExitCode, Severity, counted, explain_with_hint
from fwfulfill.errors import InputError
from fwfulfill.planning.multi_box import MultiBox
from fwfulfill.planning.plan import Plan, Problem, Status
from fwfulfill.usecases.import_csv import (
    CsvImport,
    CsvReading,
    ImportOptions,
    check_report_path,
    plan_import,
    read_csv,
    write_import_report,
)
from fwfulfill.usecases.send_plan import SendOptions, SendOutcome, send_plan
from fwfulfill.usecases.shop import ShopConnection, ShopSettings, open_shop

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class FromCsvOptions:
    """The command's flags, as given (the resume command repeats them)."""

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
    header_row: int | None = None
    multi_box: MultiBox = MultiBox.REFUSE


def parse_rate(text: str | None) -> tuple[int, float]:
    if text is None:
        return RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_SECONDS
    found = _RATE.match(text)
    if not found or int(found.group(1)) < 1 or float(found.group(2)) <= 0:
        raise InputError(
            "invalid_option", f"{text!r} is not N/SECONDS (like 100/10).", target="--rate"
        )
    return int(found.group(1)), float(found.group(2))


def run_from_csv(app_ctx: AppContext, options: FromCsvOptions) -> int:
    import_options = ImportOptions(
        source=options.file,
        encoding=options.encoding,
        delimiter=options.delimiter,
        column_map=parse_map_options(options.column_map),
        header_row=options.header_row,
        recheck_uncertain=options.recheck_uncertain,
        multi_box=options.multi_box,
    )
    requests, window = parse_rate(options.rate)
    if options.report is not None:
        check_report_path(options.report, options.file)
    output = app_ctx.output
    with open_source(options.file) as handle:
        reading = read_csv(import_options, handle, online=not options.offline)
        if options.offline:
            imported = plan_import(reading, None, import_options)
            code = _finish_dry_run(output, imported.plan, imported.exit_status)
        else:
            settings = app_ctx.shop_settings(requests=requests, window=window)
            imported, code = _with_shop(app_ctx, settings, reading, import_options, options)
        if options.report is not None:
            written = write_import_report(options.report, handle, import_options, imported)
            if written.failure is not None:
                output.error(one_line(written.failure))
            else:
                output.info(f"Report: {counted(written.lines, 'line')} written to {written.path}.")
        return code


def _with_shop(
    app_ctx: AppContext,
    settings: ShopSettings,
    reading: CsvReading,
    import_options: ImportOptions,
    options: FromCsvOptions,
) -> tuple[CsvImport, int]:
    """Plan against the shop, then show the dry run or send."""
    output = app_ctx.output
    with (
        open_shop(settings) as shop,
        # A sending run plans under the shop's lock, so it sees what any other run sent.
        nullcontext() if options.dry_run else shop.exclusive(),
    ):
        imported = plan_import(reading, shop, import_options)
        _say_orders_read(output, imported)
        if options.dry_run:
            output.info(f"Checked against shop {shop.label}.")
            return imported, _finish_dry_run(output, imported.plan, imported.exit_status)
        return imported, _send(app_ctx, shop, imported.plan, options)


def _say_orders_read(output: Output, imported: CsvImport) -> None:
    if imported.orders_read is not None:
        read = imported.orders_read
        output.info(
            f"Read {counted(read.orders, 'order')} with {counted(read.requests, 'request')}."
        )


def _show_plan(output: Output, plan: Plan, *, title: str) -> None:
    if output.json_mode:
        output.data_fields(plan.json_fields())
        return
    if plan.columns:
        used = [
            f"{chosen['field']} = {chosen['column']!r}"
            + ("" if chosen["reason"] == "by name" else f" ({chosen['reason']})")
            for chosen in plan.columns
        ]
        output.info_items("Columns (by name unless said):", used)
    _say_multi_box(output, plan)
    if output.csv_mode:  # the rows are the data; the problems are talk, on stderr
        write_plan(output, (f.to_json() for f in plan.fulfillments))
        if plan.problems:
            output.show_err(problems_table(sorted(plan.problems, key=_problem_order)))
        output.info(_counts_line(plan))
        return
    if plan.fulfillments:
        output.show(
            fulfillments_table(plan.fulfillments, title=title, show_lines=True, wide=output.wide)
        )
    if plan.problems:
        output.show(problems_table(sorted(plan.problems, key=_problem_order)))
    output.info(_counts_line(plan))


# The problems an order with several boxes without items gets, under either policy.
_MULTI_BOX_CODES = frozenset(
    {"ambiguous_packages", "ambiguous_packages_offline", "multi_box_first"}
)


def _say_multi_box(output: Output, plan: Plan) -> None:
    """Which `--multi-box` policy applied, when an order of the file needed one."""
    orders = {found.order for found in plan.problems if found.code in _MULTI_BOX_CODES}
    if orders and plan.multi_box:
        output.info(
            f"--multi-box {plan.multi_box}: {counted(len(orders), 'order')} with several "
            "tracking numbers and no items (see the problems below)."
        )


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


def _finish_dry_run(output: Output, plan: Plan, exit_status: int) -> int:
    _show_plan(output, plan, title="Planned fulfillments (dry run)")
    output.info("Dry run: nothing was sent.")
    return exit_status


def _send(app_ctx: AppContext, shop: ShopConnection, plan: Plan, options: FromCsvOptions) -> int:
    output = app_ctx.output
    send_options = SendOptions(
        source=f"from-csv {options.file}",
        concurrency=options.concurrency,
        fail_fast=options.fail_fast,
    )
    to_send = plan.to_send()
    if not to_send:
        _show_plan(output, plan, title="Nothing to send")
        return send_plan(plan, shop, send_options).exit_status  # what the plan's state implies
    if not _confirmed(app_ctx, shop, plan, options):
        output.info("Nothing sent.")
        # As a dry run ends: 2 when the file had errors, else 0.
        return int(ExitCode.INVALID_INPUT if plan.has_errors else ExitCode.OK)
    from fwfulfill.cli.progress import SendProgress

    with SendProgress(output, len(to_send), shop.limiter) as progress:
        if progress.shown:
            app_ctx.on_wait = progress.retrying
        try:
            sent = send_plan(plan, shop, send_options, on_done=progress.advance)
        finally:
            app_ctx.on_wait = None
    _show_outcome(output, sent)
    run = sent.run
    assert run is not None  # something was sent: a run was started
    if run.bug is not None:
        raise run.bug
    if run.ledger_trouble is not None:
        output.error(one_line(run.ledger_trouble))
    elif run.interrupted:
        output.info(f"Interrupted. To resume: {_resume_command(app_ctx, options)}")
    if not output.json_mode and any(f.status not in _FINE for f in sent.plan.fulfillments):
        # With --report, the "Report: ... written to PATH" line that follows names the file.
        output.info(f"Full list: fwfulfill history --run {sent.run_id}")
    return sent.exit_status


def _confirmed(
    app_ctx: AppContext, shop: ShopConnection, plan: Plan, options: FromCsvOptions
) -> bool:
    """Ask a person, with what will reach customers; `--yes` says it; nobody to ask refuses."""
    output = app_ctx.output
    to_send = plan.to_send()
    resent = sum(1 for planned in to_send if planned.recheck_asked)
    if options.yes:
        output.info(f"Shop: {shop.label}. Sending {counted(len(to_send), 'fulfillment')}.")
        if resent:
            _warn_resent(output, resent)
        return True
    stdin_is_data = options.file == "-"
    if not confirmation.can_ask(output, stdin_is_data=stdin_is_data):
        raise confirmation.refuse_without_person(stdin_is_data)
    if plan.problems:  # errors first: what will be held back, then what will be sent
        output.show_err(problems_table(sorted(plan.problems, key=_problem_order)))
    output.show_err(*confirmation.preview(plan, shop.label))
    if resent:
        _warn_resent(output, resent)
    question = f"Create {counted(len(to_send), 'fulfillment')} in {shop.shop.name}"
    if resent:
        question += f", {resent} of them sent again although they may already exist"
    return confirmation.ask(question + "?")


def _warn_resent(output: Output, resent: int) -> None:
    risk: dict[str, object] = {"count": counted(resent, "fulfillment")}
    output.warning(explain_with_hint("recheck_uncertain_risk", risk))


def _show_outcome(output: Output, sent: SendOutcome) -> None:
    """Counts per outcome, what was not created grouped by reason, and where the full list is:
    a screenful whatever the size of the run."""
    plan, run_id, result = sent.plan, sent.run_id, sent.run
    assert result is not None
    if output.json_mode:
        run = {
            "id": run_id,
            "interrupted": result.interrupted,
            "stoppedBecause": result.stopped_because,
            "notSent": len(result.not_sent),
            "unrecorded": sent.unrecorded_json(),
        }
        output.data_fields([*plan.json_fields(), ("run", run)])
        return
    show = output.show
    if output.csv_mode:  # every outcome as a row; the summary is talk, on stderr
        write_plan(output, (f.to_json() for f in plan.fulfillments))
        show = output.show_err
    show(summary_table(plan))
    groups = group_by_reason(plan.fulfillments)
    if groups:
        show(reasons_table(groups))
    errors = [p for p in plan.problems if p.severity is Severity.ERROR]
    if errors and len(errors) <= _ERRORS_SHOWN:
        show(problems_table(errors))
    elif errors:
        output.info(f"The file has {counted(len(errors), 'error')}: `--dry-run` lists them.")
    if result.stopped_because:
        output.warning(f"sending stopped early: {result.stopped_because}")
    summary = plan.summary()  # the counts per outcome are the table above
    output.info(
        f"Run {run_id}: {counted(summary['rows'], 'row')} -> "
        f"{counted(summary['fulfillments'], 'fulfillment')}; "
        f"{counted(summary['errors'], 'error')}, {counted(summary['warnings'], 'warning')}."
    )


# More errors than this are counted, not listed, after a run (the dry run lists them all).
_ERRORS_SHOWN = 5
_FINE = frozenset({Status.CREATED, Status.ALREADY_EXISTS, Status.SKIPPED})


def _resume_command(app_ctx: AppContext, options: FromCsvOptions) -> str:
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
        ("--header-row", str(options.header_row) if options.header_row else None),
        ("--multi-box", options.multi_box.value if options.multi_box is MultiBox.FIRST else None),
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
