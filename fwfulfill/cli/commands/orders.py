"""`fwfulfill orders show|list`: find an order and what to pass to `--item`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import typer

from fwfulfill.api.statuses import ORDER_STATUSES
from fwfulfill.cli.command_group import SuggestOnceGroup
from fwfulfill.cli.completion_values import complete_status
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.options import OrderArgument
from fwfulfill.errors import InputError

app = typer.Typer(help="Look up the shop's orders.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="orders", cls=SuggestOnceGroup)


_RELATIVE = re.compile(r"^(\d+)\s*([dhw])$", re.IGNORECASE)
_STATUS_HELP = "Only these statuses (repeat): " + ", ".join(ORDER_STATUSES) + "."


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
    status: list[str] = typer.Option(
        [],
        "--status",
        "-s",
        metavar="STATUS",
        autocompletion=complete_status,
        help=_STATUS_HELP,
    ),
    since: str | None = typer.Option(
        None,
        "--since",
        metavar="WHEN",
        help="Created after: 2026-11-01, 2026-11-01T08:00Z, 7d, 24h.",
    ),
    email: str | None = typer.Option(None, "--email", help="Only this customer's orders."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many orders."),
) -> None:
    """List orders, newest first, 100 per request."""
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.api.models import Order, order_summary
        from fwfulfill.constants import ORDER_PAGE_SIZE_MAX

        statuses = [_status(value) for value in status]
        created_after = _since(since) if since else None
        found: list[Order] = []
        with app_ctx.client() as client:
            page = 0
            while len(found) < limit:
                size = (
                    min(ORDER_PAGE_SIZE_MAX, limit - len(found))
                    if page == 0
                    else ORDER_PAGE_SIZE_MAX
                )
                batch = client.list_orders(
                    page=page,
                    size=size,
                    statuses=statuses,
                    email=email,
                    created_after=created_after,
                )
                found.extend(batch.results)
                last_page = batch.total_pages is not None and page + 1 >= batch.total_pages
                if not batch.results or last_page or len(batch.results) < size:
                    break
                page += 1
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


def _status(value: str) -> str:
    upper = value.strip().upper().replace("-", "_").replace(" ", "_")
    if upper not in ORDER_STATUSES:
        raise InputError(
            "invalid_status",
            f"unknown status {value!r}; use one of {', '.join(ORDER_STATUSES)}.",
            target="--status",
        )
    return upper


def _since(value: str, now: datetime | None = None) -> str:
    """An absolute UTC timestamp for `--since`, from a date, a datetime or `7d` / `24h` / `2w`."""
    try:
        moment = _moment(value.strip(), now)
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
            target="--since",
        ) from None


def _moment(text: str, now: datetime | None) -> datetime:
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
                target="--since",
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment
