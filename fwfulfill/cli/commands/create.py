"""`fwfulfill create ORDER --item VARIANT[:QTY] --tracking CARRIER:NUMBER`: one fulfillment."""

from __future__ import annotations

import typer

from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered


def create(
    ctx: typer.Context,
    order: str = typer.Argument(
        ..., metavar="ORDER", help="Order UUID or friendly id (D3XZFWPP; '#d3xzfwpp' works too)."
    ),
    item: list[str] = typer.Option(
        [],
        "--item",
        "-i",
        metavar="VARIANT[:QTY]",
        help="A variant UUID or SKU of the order, with its quantity (default 1). Repeat per item.",
    ),
    all_items: bool = typer.Option(
        False, "--all", help="Every item of the order at its ordered quantity (instead of --item)."
    ),
    # Lists, so that a second --tracking is refused instead of silently replacing the first.
    tracking: list[str] = typer.Option(
        [], "--tracking", "-t", metavar="CARRIER:NUMBER", help="Carrier and tracking number."
    ),
    carrier: list[str] = typer.Option(
        [], "--carrier", metavar="CARRIER", help="The carrier, with --tracking-number."
    ),
    tracking_number: list[str] = typer.Option(
        [], "--tracking-number", metavar="NUMBER", help="The tracking number, with --carrier."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the exact request that would be sent; send nothing."
    ),
    recheck_uncertain: bool = typer.Option(
        False,
        "--recheck-uncertain",
        help="Send once more if an earlier run left this fulfillment uncertain. Risky: if it did "
        "go through, this can create a second fulfillment and email the customer twice; look at "
        "the order in the Fourthwall dashboard first.",
    ),
) -> None:
    """Create one fulfillment: the order gets a tracker and the customer an email.

    The order is read first (one request) and everything is checked before anything is sent.
    Example: fwfulfill create D3XZFWPP --item TEE-BLK-M:1 --item MUG-11OZ --tracking
    usps:9400111899223817654321
    """
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        from fwfulfill.cli.single import CreateArguments, only_one, run_create

        arguments = CreateArguments(
            order=order,
            items=tuple(item),
            all_items=all_items,
            tracking=only_one(tracking, "--tracking"),
            carrier=only_one(carrier, "--carrier"),
            tracking_number=only_one(tracking_number, "--tracking-number"),
            dry_run=dry_run,
            recheck_uncertain=recheck_uncertain,
        )
        raise typer.Exit(run_create(app_ctx, arguments))
