"""`fwfulfill orders show|list|export`: find an order and what to pass to `--item`, or export the
orders still to ship for a label tool."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from fwfulfill.api.statuses import ORDER_STATUSES
from fwfulfill.cli.command_group import SuggestOnceGroup
from fwfulfill.cli.completion_values import complete_export_format
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.options import OrderArgument, SinceOption, StatusOption
from fwfulfill.cli.streams import OutputFormat
from fwfulfill.error_codes import counted
from fwfulfill.errors import InputError

if TYPE_CHECKING:
    from fwfulfill.usecases.export_orders import ExportResult

app = typer.Typer(
    help="Look up the shop's orders, or export those still to ship for a label tool.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="orders", cls=SuggestOnceGroup)


_RELATIVE = re.compile(r"^(\d+)\s*([dhw])$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")  # 2026-11-25 or 20261125: no time of day


@app.command("show", epilog=epilog("orders show"))
def show(
    ctx: typer.Context,
    order: OrderArgument,
) -> None:
    """Show an order: status, customer, and its items (variant id, SKU, name, ordered quantity)."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        if app_ctx.output.csv_mode:
            from fwfulfill.cli.csv_output import refuse_csv

            raise refuse_csv("orders show")
        from fwfulfill.api.models import order_summary
        from fwfulfill.planning.order_lookup import fetch_order
        from fwfulfill.planning.parse_input import parse_order_reference

        reference = parse_order_reference(order, target="ORDER")
        with app_ctx.client() as client:
            found = fetch_order(client, reference, target="ORDER")
        if app_ctx.output.json_mode:
            app_ctx.output.data(order_summary(found))
        else:
            from fwfulfill.cli.tables import order_table

            app_ctx.output.show(order_table(found, wide=app_ctx.output.wide))


@app.command("list", epilog=epilog("orders list"))
def list_orders(
    ctx: typer.Context,
    status: StatusOption = [],  # noqa: B006 - Typer copies the default
    since: SinceOption = None,
    email: str | None = typer.Option(None, "--email", help="Only this customer's orders."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many orders."),
) -> None:
    """List orders, newest first, 100 per request."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.api.models import Order, order_summary

        statuses = [_status(value) for value in status]
        created_after = _since(since) if since else None
        found: list[Order] = []
        with app_ctx.client() as client:
            pages = client.order_pages(
                statuses=statuses, email=email, created_after=created_after, first_size=limit
            )
            for batch in pages:
                found.extend(batch.results)
                if len(found) >= limit:
                    break
        found = found[:limit]
        if app_ctx.output.json_mode:
            app_ctx.output.data({"orders": [order_summary(order) for order in found]})
        elif app_ctx.output.csv_mode:
            from fwfulfill.cli.csv_output import ORDER_COLUMNS, order_rows

            summaries = (order_summary(order) for order in found)
            app_ctx.output.data_rows(ORDER_COLUMNS, order_rows(summaries))
        else:
            from fwfulfill.cli.tables import orders_table

            app_ctx.output.show(orders_table(found, wide=app_ctx.output.wide))


@app.command("export", epilog=epilog("orders export"))
def export(
    ctx: typer.Context,
    format_name: str = typer.Option(
        "generic",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=complete_export_format,
        help="generic (fwfulfill's own columns, what `fwfulfill template` shows), pirateship, "
        "shipstation or easypost.",
    ),
    output_path: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FILE",
        help="Write the CSV here ('-': stdout, the default when stdout is not a terminal).",
    ),
    status: StatusOption = [],  # noqa: B006 - Typer copies the default
    since: SinceOption = None,
    until: str | None = typer.Option(
        None,
        "--until",
        metavar="WHEN",
        help="Created before: 2026-11-30 (to the end of that day), 2026-11-30T08:00Z, 1d.",
    ),
    order: list[str] = typer.Option(
        [], "--order", metavar="ORDER", help="Only this order (UUID or friendly id; repeat)."
    ),
    excel: bool = typer.Option(
        False, "--excel", help="UTF-8 with a BOM, so Excel opens accents and emoji right."
    ),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
) -> None:
    """Export the orders still to ship as CSV for a label tool (its tracking file: `from-csv`).

    --status takes confirmed, partially_in_production, in_production and partially_shipped; by
    default all but partially_shipped (what was shipped outside fwfulfill cannot be seen)."""
    app_ctx: AppContext = ctx.obj
    app_ctx.output.stdout_carries_text()
    with failures_rendered(app_ctx.output):
        from fwfulfill.planning.parse_input import parse_order_reference
        from fwfulfill.usecases.export_formats import (
            check_export_target,
            csv_text,
            export_format,
            export_rows,
            write_export,
        )
        from fwfulfill.usecases.export_orders import (
            ExportQuery,
            export_orders,
            exportable_statuses,
        )
        from fwfulfill.usecases.shop import open_shop

        shape = export_format(format_name)
        target = _export_target(app_ctx, output_path)
        query = ExportQuery(
            statuses=exportable_statuses([_status(value) for value in status]),
            created_after=_since(since) if since else None,
            created_before=_since(until, target="--until", end_of_day=True) if until else None,
            orders=tuple(parse_order_reference(value, target="--order") for value in order),
        )
        if target is not None:
            check_export_target(target, force=force)
        with open_shop(app_ctx.shop_settings()) as shop, _ReadProgress(app_ctx) as progress:
            result = export_orders(shop, query, on_page=progress.update)
        text = csv_text(export_rows(shape, result.orders))
        if target is None:
            app_ctx.output.text(("\ufeff" if excel else "") + text)
        else:
            write_export(text, target, excel=excel, force=force)
        where = "stdout" if target is None else str(target)
        orders, items = counted(len(result.orders), "order"), counted(result.items, "item")
        app_ctx.output.info(
            f"Exported {orders} ({items} to ship) to {where} as {shape.name}: "
            f"the addresses of {counted(result.customers, 'customer')}."
        )
        for friendly_id, order_status in result.named_not_exported:
            app_ctx.output.warning(
                f"order {friendly_id} is {order_status}, not among the statuses exported "
                "(--status chooses them)."
            )
        _warn_partly_shipped(app_ctx, result)


def _warn_partly_shipped(app_ctx: AppContext, result: ExportResult) -> None:
    """What was shipped outside fwfulfill cannot be seen: say so for each partly shipped order
    exported, and once for those left out."""
    for friendly_id in result.partly_shipped_exported:
        app_ctx.output.warning(
            f"order {friendly_id} is partly shipped: exported what fwfulfill's ledger says is "
            "left; items shipped outside fwfulfill cannot be seen, check them before buying labels."
        )
    if result.partly_shipped_left_out:
        ours = result.partly_shipped_sent
        part_ours = f" ({', '.join(ours)}: fwfulfill sent part)" if ours else ""
        app_ctx.output.warning(
            f"{counted(result.partly_shipped_left_out, 'partly shipped order')} left out"
            f"{part_ours}: what was shipped outside fwfulfill cannot be seen; --status "
            "partially_shipped exports what fwfulfill's ledger says is left."
        )


def _export_target(app_ctx: AppContext, output_path: str | None) -> Path | None:
    """None for stdout. On a terminal an export needs a file: a screenful of customers' addresses
    helps no one and stays in the scrollback."""
    if output_path == "-":
        return None
    if output_path is None:
        if app_ctx.output.stdout_is_terminal:
            raise InputError(
                "export_needs_output",
                "stdout is a terminal; name a file with --output FILE (`--output -` "
                "prints it anyway).",
                target="--output",
            )
        return None
    if not output_path.strip():
        raise InputError("invalid_option", "the file name is empty.", target="--output")
    if output_path.strip().lower() in {fmt.value for fmt in OutputFormat}:
        raise InputError(
            "export_output_is_format",
            f"{output_path.strip()!r} is an output format; orders export always writes CSV.",
            target="--output",
        )
    return Path(output_path)


class _ReadProgress:
    """`Reading orders: 300 of 1,000` on a terminal's stderr while the pages come in."""

    def __init__(self, app_ctx: AppContext) -> None:
        self._status: Any = None
        if app_ctx.output.stderr_is_terminal:
            self._status = app_ctx.output.err.status("Reading orders...")

    def __enter__(self) -> _ReadProgress:
        if self._status is not None:
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.stop()

    def update(self, read: int, total: int | None) -> None:
        if self._status is not None:
            of = f" of {total:,}" if total is not None else ""
            self._status.update(f"Reading orders: {read:,}{of}")


def _status(value: str) -> str:
    upper = value.strip().upper().replace("-", "_").replace(" ", "_")
    if upper not in ORDER_STATUSES:
        raise InputError(
            "invalid_status",
            f"unknown status {value!r}; use one of {', '.join(ORDER_STATUSES)}.",
            target="--status",
        )
    return upper


def _since(
    value: str, now: datetime | None = None, *, target: str = "--since", end_of_day: bool = False
) -> str:
    """An absolute UTC timestamp for `--since` (or `--until`), from a date, a datetime or `7d` /
    `24h` / `2w`. With `end_of_day` (`--until`, an exclusive bound) a date alone means the end of
    that day, the next midnight: `--until 2026-11-25` takes in the 25th."""
    try:
        moment = _moment(value.strip(), now, target)
        if end_of_day and _DATE_ONLY.match(value.strip()):
            moment += timedelta(days=1)
        return (
            moment.astimezone(timezone.utc)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z")
        )
    # 999999d, a year-1 date with an offset, 5,000 digits: outside what a date can hold.
    except (OverflowError, ValueError):
        raise InputError(
            "invalid_since",
            f"{value[:40]!r} is outside the calendar (years 1 to 9999).",
            target=target,
        ) from None


def _moment(text: str, now: datetime | None, target: str = "--since") -> datetime:
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        delta = {
            "d": timedelta(days=amount),
            "h": timedelta(hours=amount),
            "w": timedelta(weeks=amount),
        }
        moment = (now or datetime.now(timezone.utc)) - delta[unit]
    else:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                "invalid_since",
                f"{text[:40]!r} is not a date.",
                target=target,
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment
