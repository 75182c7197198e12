"""`fwfulfill from-csv FILE`: import a tracking CSV from a shipping tool."""

from __future__ import annotations

from pathlib import Path

import typer

from fwfulfill.cli.completion_values import complete_map_field
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.options import DryRunPlan, MultiBoxOption, RecheckUncertainAll
from fwfulfill.planning.multi_box import MultiBox


def register(root: typer.Typer) -> None:
    root.command("from-csv", help=_HELP, epilog=epilog("from-csv"))(from_csv)


# One line per paragraph: the help keeps the line breaks of its text.
_HELP = (
    "Import a tracking CSV: detect columns, group rows into fulfillments, check everything, send."
    "\n\nFILE is the CSV; '-' reads it from stdin. Safe to re-run: what fwfulfill already "
    "created is skipped, what is in doubt is re-checked only when a re-send cannot create a "
    "second fulfillment (else it is reported uncertain)."
)


def from_csv(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="FILE", help="The tracking CSV; '-' reads stdin."),
    dry_run: DryRunPlan = False,
    offline: bool = typer.Option(
        False, "--offline", help="Check the file alone (no API, no credentials); implies --dry-run."
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="Force an encoding (default: UTF-8, else cp1252 with a warning)."
    ),
    delimiter: str | None = typer.Option(
        None, "--delimiter", help="Force the delimiter: ',', ';', tab or '|' (default: sniffed)."
    ),
    column_map: list[str] = typer.Option(
        [],
        "--map",
        metavar="FIELD=COLUMN",
        autocompletion=complete_map_field,
        help="Use COLUMN for FIELD (order, tracking, carrier, service, sku, variant, quantity). "
        "Repeatable.",
    ),
    header_row: int | None = typer.Option(
        None,
        "--header-row",
        min=1,
        metavar="LINE",
        help="The header's line number (default: the first line whose columns resolve).",
    ),
    rate: str | None = typer.Option(
        None, "--rate", metavar="N/SECONDS", help="Request limit (default 100/10, the shop's)."
    ),
    concurrency: int | None = typer.Option(
        None,
        "--concurrency",
        min=1,
        max=64,
        help="Requests in flight (default: enough for --rate).",
    ),
    fail_fast: bool = typer.Option(False, "--fail-fast", help="Stop sending at the first failure."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    recheck_uncertain: RecheckUncertainAll = False,
    multi_box: MultiBoxOption = MultiBox.REFUSE,
    report: Path | None = typer.Option(
        None,
        "--report",
        metavar="FILE.csv",
        help="Write every input line with its outcome, fulfillment id and error beside it.",
    ),
) -> None:
    """`fwfulfill from-csv FILE` (its help is _HELP)."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.cli.csv_import import FromCsvOptions, run_from_csv

        options = FromCsvOptions(
            file=file,
            dry_run=dry_run or offline,
            offline=offline,
            encoding=encoding,
            delimiter=delimiter,
            column_map=tuple(column_map),
            rate=rate,
            concurrency=concurrency,
            fail_fast=fail_fast,
            yes=yes,
            report=report,
            recheck_uncertain=recheck_uncertain,
            header_row=header_row,
            multi_box=multi_box,
        )
        raise typer.Exit(run_from_csv(app_ctx, options))
