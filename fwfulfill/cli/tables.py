"""Rich tables for people: fulfillments, problems, orders, errors (JSON lives with the data)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from fwfulfill.api.models import Order
from fwfulfill.error_codes import Severity, counted, lookup
from fwfulfill.planning.plan import Plan, PlannedFulfillment, Problem, Status
from fwfulfill.sending.ledger import LedgerEntry, LedgerEvent, LedgerState

_STATUS_STYLE = {
    Status.CREATED: "green",
    Status.ALREADY_EXISTS: "cyan",
    Status.SKIPPED: "cyan",
    Status.PLANNED: "blue",
    Status.BLOCKED: "red",
    Status.FAILED: "red",
    Status.UNCERTAIN: "yellow",
}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}


def lines_label(lines: Iterable[int]) -> str:
    """`3`, `3-5`, `3, 7`: the physical lines a row or problem came from."""
    values = sorted(set(lines))
    if not values:
        return ""
    ranges: list[str] = []
    start = previous = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        ranges.append(str(start) if start == previous else f"{start}-{previous}")
        if value is not None:
            start = previous = value
    return ", ".join(ranges)


def _items_text(planned: PlannedFulfillment) -> str:
    parts = []
    for item in planned.items:
        label = item.sku or item.variant_id
        name = f" ({item.name})" if item.name else ""
        parts.append(f"{item.quantity} x {label}{name}")
    return "\n".join(parts) or "-"


def fulfillments_table(
    fulfillments: list[PlannedFulfillment], *, title: str, show_lines: bool, with_fix: bool = False
) -> Table:
    """One row per fulfillment; `with_fix` adds what to do about each one not created."""
    table = Table(title=title, show_lines=False)
    if show_lines:
        table.add_column("Lines", justify="right", no_wrap=True)
    table.add_column("Order", no_wrap=True)
    table.add_column("Items")
    table.add_column("Carrier", no_wrap=True)
    table.add_column("Tracking number", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Fulfillment id / reason")
    if with_fix:
        table.add_column("What to do")
    for planned in fulfillments:
        detail = planned.fulfillment_id or planned.error_message or ""
        row: list[str | Text] = [
            planned.order_label,
            _items_text(planned),
            planned.tracking_company,
            planned.tracking_number,
            Text(planned.status.value, style=_STATUS_STYLE.get(planned.status, "")),
            detail,
        ]
        if show_lines:
            row.insert(0, lines_label(planned.lines))
        if with_fix:
            row.append(_fix_for(planned))
        table.add_row(*row)
    return table


def _fix_for(planned: PlannedFulfillment) -> str:
    if planned.error_code:
        return lookup(planned.error_code).hint
    if planned.status is Status.PLANNED:
        return "Not sent (the run stopped): run the same command again."
    return ""


def problems_table(problems: list[Problem]) -> Table:
    table = Table(title="Problems")
    table.add_column("Lines", justify="right", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Order", no_wrap=True)
    table.add_column("Problem")
    table.add_column("What to do")
    for problem in problems:
        table.add_row(
            lines_label(problem.lines),
            Text(problem.severity.value, style=_SEVERITY_STYLE[problem.severity]),
            problem.order or "",
            problem.message,
            lookup(problem.code).hint,
        )
    return table


def summary_table(plan: Plan) -> Table:
    table = Table(title="Summary")
    table.add_column("Outcome")
    table.add_column("Fulfillments", justify="right")
    for status, count in sorted(plan.counts().items()):
        table.add_row(Text(status, style=_STATUS_STYLE.get(Status(status), "")), str(count))
    return table


def order_table(order: Order) -> Table:
    address = f"{order.customer_name} ({order.country})" if order.country else order.customer_name
    table = Table(
        title=f"Order {order.friendly_id}  [dim]{order.id}[/dim]",
        caption=f"{order.status}  ·  {address or 'no shipping address'}",
    )
    table.add_column("Variant id", no_wrap=True)
    table.add_column("SKU", no_wrap=True)
    table.add_column("Name")
    table.add_column("Ordered", justify="right")
    for offer in order.offers:
        variant = offer.variant
        table.add_row(variant.id, variant.sku, variant.name or offer.name, str(variant.quantity))
    return table


def orders_table(orders: list[Order]) -> Table:
    table = Table(title=counted(len(orders), "order"))
    table.add_column("Friendly id", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Customer")
    table.add_column("Country", no_wrap=True)
    table.add_column("Items", justify="right")
    table.add_column("Created", no_wrap=True)
    table.add_column("Order id", no_wrap=True)
    for order in orders:
        table.add_row(
            order.friendly_id,
            order.status,
            order.customer_name,
            order.country,
            str(sum(order.ordered_quantities().values())),
            (order.created_at or "")[:19].replace("T", " "),
            order.id,
        )
    return table


def sandbox_tables(snapshot: dict[str, Any]) -> tuple[Table, Table]:
    """The sandbox's orders and fulfillments, from its `show` snapshot."""
    orders = Table(title=f"Sandbox orders ({len(snapshot['orders'])})")
    for column in ("Friendly id", "Status", "Items", "Order id"):
        orders.add_column(column, no_wrap=column != "Items")
    friendly: dict[str, str] = {}
    skus: dict[str, str] = {}
    for order in snapshot["orders"]:
        friendly[order["id"]] = order["friendlyId"]
        skus.update({offer["variant"]["id"]: offer["variant"]["sku"] for offer in order["offers"]})
        items = ", ".join(
            f"{offer['variant']['quantity']} x {offer['variant']['sku']}"
            for offer in order["offers"]
        )
        orders.add_row(order["friendlyId"], order["status"], items, order["id"])
    fulfillments = Table(title=f"Sandbox fulfillments ({len(snapshot['fulfillments'])})")
    for column in ("Fulfillment id", "Order", "Carrier", "Tracking number", "Items"):
        fulfillments.add_column(column, no_wrap=column != "Items")
    for fulfillment in snapshot["fulfillments"]:
        items = ", ".join(
            f"{item['quantity']} x {skus.get(item['variantId'], item['variantId'])}"
            for item in fulfillment["items"]
        )
        fulfillments.add_row(
            fulfillment["id"],
            friendly.get(fulfillment["orderId"], fulfillment["orderId"]),
            fulfillment["trackingCompany"],
            fulfillment["trackingNumber"],
            items,
        )
    return orders, fulfillments


def history_tables(entries: list[LedgerEntry], events: list[LedgerEvent]) -> list[Table]:
    table = Table(title=f"Ledger: {counted(len(entries), 'fulfillment')}")
    for column in (
        "Order",
        "Tracking number",
        "Carrier",
        "Items",
        "State",
        "Fulfillment id",
        "Run",
    ):
        table.add_column(column, no_wrap=column not in {"Items"})
    for entry in entries:
        items = ", ".join(
            f"{quantity} x {entry.skus.get(variant) or variant}"
            for variant, quantity in entry.items.items()
        )
        table.add_row(
            entry.friendly_id or entry.order_id,
            entry.tracking_number,
            entry.tracking_company,
            items,
            Text(entry.state.value, style=_LEDGER_STYLE.get(entry.state, "")),
            entry.fulfillment_id or entry.api_code or "",
            entry.run_id,
        )
    tables = [table]
    if events:
        steps = Table(title="Steps")
        for column in ("At", "Tracking number", "State", "Fulfillment id / code", "Run"):
            steps.add_column(column, no_wrap=True)
        for event in events:
            steps.add_row(
                event.at.replace("T", " ")[:23],
                event.tracking_number,
                Text(event.state.value, style=_LEDGER_STYLE.get(event.state, "")),
                event.fulfillment_id or event.api_code or "",
                event.run_id,
            )
        tables.append(steps)
    return tables


_LEDGER_STYLE = {
    LedgerState.CREATED: "green",
    LedgerState.ALREADY_EXISTS: "cyan",
    LedgerState.FAILED: "red",
    LedgerState.UNCERTAIN: "yellow",
    LedgerState.IN_DOUBT: "yellow",
    LedgerState.SENDING: "yellow",
}
