"""The question before a sending run: what will reach customers, and whether anyone can answer.

Every fulfillment emails a customer, so nothing is sent without a person at a terminal or `--yes`.
"""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from fwfulfill.cli.streams import Output, is_terminal
from fwfulfill.error_codes import counted
from fwfulfill.errors import InputError
from fwfulfill.planning.plan import Plan, PlannedFulfillment, Status, items_text

SAMPLE_SIZE = 5


def can_ask(output: Output, *, stdin_is_data: bool) -> bool:
    """A person can answer: stdin and stderr are a terminal, and stdin is not the CSV itself.

    `from-csv -` reads the file from stdin; even when a terminal is there too (`cat f | ...`), the
    run refuses rather than asking on /dev/tty: one rule for every OS, and a script that pipes
    data in is told at once to say `--yes`.
    """
    return output.stderr_is_terminal and is_terminal(sys.stdin) and not stdin_is_data


def refuse_without_person(stdin_is_data: bool) -> InputError:
    why = "stdin is the CSV data" if stdin_is_data else "stdin or stderr is not a terminal"
    return InputError(
        "confirmation_required",
        f"nothing was sent: this run would send and cannot ask ({why}).",
        target="--yes",
    )


def customers(to_send: list[PlannedFulfillment]) -> int:
    """How many distinct people get an email: one per order email (the order when it has none)."""
    return len(
        {(f.customer_email or "").strip().lower() or f"order:{f.order_label}" for f in to_send}
    )


def items_summary(planned: PlannedFulfillment) -> str:
    """`TEE-BLK-M x2, MUG x1`: the items on one line."""
    return items_text((item.sku or item.variant_id, item.quantity) for item in planned.items)


def preview(plan: Plan, shop_label: str) -> list[str | Table]:
    """The shop, the counts, the customers and the first few fulfillments to be sent."""
    to_send = plan.to_send()
    counts = plan.counts()
    summary = plan.summary()
    people = customers(to_send)
    lines: list[str | Table] = [
        f"Shop: {shop_label}",
        f"To create: {counted(len(to_send), 'fulfillment')}, "
        f"emailing {counted(people, 'customer')}.",
    ]
    held = (
        f"Skipped as already done: {counts.get(Status.SKIPPED.value, 0)}, blocked by errors: "
        f"{counts.get(Status.BLOCKED.value, 0)}, warnings: {summary['warnings']}"
    )
    uncertain = counts.get(Status.UNCERTAIN.value, 0)
    lines.append(held + (f", held as uncertain: {uncertain}." if uncertain else "."))
    sample = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    sample.add_column("order", no_wrap=True)
    sample.add_column("customer", overflow="ellipsis", no_wrap=True, max_width=20)
    sample.add_column("items", overflow="fold")
    sample.add_column("carrier", no_wrap=True)
    sample.add_column("tracking", no_wrap=True)
    for planned in to_send[:SAMPLE_SIZE]:
        sample.add_row(
            planned.order_label,
            planned.customer_name or "-",
            items_summary(planned) or "-",
            planned.tracking_company,
            planned.tracking_number,
        )
    shown = min(len(to_send), SAMPLE_SIZE)
    lines.append(f"First {shown} of {len(to_send)}:" if len(to_send) > shown else "Will send:")
    lines.append(sample)
    return lines


def ask(question: str) -> bool:
    """The question on stderr; no (the default) unless the person says yes."""
    return typer.confirm(question, err=True)
