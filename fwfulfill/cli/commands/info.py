"""`fwfulfill template` and `fwfulfill carriers`: what fwfulfill reads, without touching a shop."""

from __future__ import annotations

import typer

from fwfulfill.cli.context import AppContext
from fwfulfill.cli.help_examples import epilog
from fwfulfill.usecases.export_columns import GENERIC_COLUMNS

# fwfulfill's own CSV format, the columns `orders export --format generic` writes: one row per item
# and box (shape A); leave sku and quantity empty for a box holding everything left of the order
# (shape B). Only order, tracking_number, carrier, sku and quantity are read back; the rest is what
# a label tool needs to ship the box.
_EXAMPLE_ADDRESS = (
    "Alex Rivera",
    "",
    "10 Harbour Street",
    "",
    "Austin",
    "TX",
    "78701",
    "US",
    "alex.rivera@example.com",
    "555-0100",
)
TEMPLATE_ROWS = (
    GENERIC_COLUMNS,
    (
        "D3XZFWPP",
        "9400111899223817654305",
        "USPS",
        "TEE-BLK-M",
        "1",
        "Classic Tee - Black, M",
        "2026-11-30T09:00:00.000Z",
        *_EXAMPLE_ADDRESS,
        "0.3",
        "kg",
    ),
    (
        "D3XZFWPP",
        "9400111899223817654305",
        "USPS",
        "MUG-11OZ",
        "1",
        "Logo Mug - 11 oz",
        "2026-11-30T09:00:00.000Z",
        *_EXAMPLE_ADDRESS,
        "0.3",
        "kg",
    ),
)


def register(root: typer.Typer) -> None:
    root.command("template", epilog=epilog("template"))(template)
    root.command("carriers", epilog=epilog("carriers"))(carriers)


def template(ctx: typer.Context) -> None:
    """Print a header row and example rows of fwfulfill's own CSV format."""
    import sys

    from fwfulfill.csv_cells import GuardedWriter

    writer = GuardedWriter(sys.stdout, lineterminator="\n")
    writer.writerows(TEMPLATE_ROWS)


def carriers(ctx: typer.Context) -> None:
    """List the carriers fwfulfill knows, the spelling it sends, and the names it accepts."""
    app_ctx: AppContext = ctx.obj
    from fwfulfill.tracking.carriers import all_carriers

    known = all_carriers()
    if app_ctx.output.json_mode:
        app_ctx.output.data(
            {
                "carriers": [
                    {"key": c.key, "sent": c.display, "aliases": list(c.aliases)} for c in known
                ]
            }
        )
        return
    from rich.table import Table

    table = Table(title="Carriers (anything else is sent as written, with a warning)")
    table.add_column("Key", no_wrap=True)
    table.add_column("Sent as", no_wrap=True)
    table.add_column("Also accepted")
    for carrier in known:
        table.add_row(carrier.key, carrier.display, ", ".join(carrier.aliases))
    app_ctx.output.show(table)
