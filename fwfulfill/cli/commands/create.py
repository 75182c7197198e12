"""`fwfulfill create ORDER --item VARIANT[:QTY] --tracking CARRIER:NUMBER`: one fulfillment.

The command binds its flags into `CreateOptions`, parses them into the use case's arguments, calls
`create_one` (fwfulfill/usecases/create_one.py) and renders what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fwfulfill.cli.completion_values import complete_carrier, complete_tracking
from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import failures_rendered
from fwfulfill.cli.help_examples import epilog
from fwfulfill.cli.options import DryRunRequest, OrderArgument, RecheckUncertainOne
from fwfulfill.error_codes import hint
from fwfulfill.errors import InputError

if TYPE_CHECKING:
    from fwfulfill.planning.plan import PlannedFulfillment
    from fwfulfill.tracking.shipment import Shipment
    from fwfulfill.usecases.create_one import CreateArguments, CreateResult, ExactRequest


def register(root: typer.Typer) -> None:
    root.command("create", epilog=epilog("create"))(create)


def create(
    ctx: typer.Context,
    order: OrderArgument,
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item",
            "-i",
            metavar="VARIANT[:QTY]",
            help="A variant UUID or SKU of the order, with its quantity (default 1). Repeat per "
            "item.",
        ),
    ] = None,
    all_items: Annotated[
        bool,
        typer.Option(
            "--all", help="Every item of the order at its ordered quantity (instead of --item)."
        ),
    ] = False,
    # Lists, so that a second --tracking is refused instead of silently replacing the first.
    tracking: Annotated[
        list[str] | None,
        typer.Option(
            "--tracking",
            "-t",
            metavar="CARRIER:NUMBER",
            autocompletion=complete_tracking,
            help="Carrier and tracking number.",
        ),
    ] = None,
    carrier: Annotated[
        list[str] | None,
        typer.Option(
            "--carrier",
            metavar="CARRIER",
            autocompletion=complete_carrier,
            help="The carrier, with --tracking-number.",
        ),
    ] = None,
    tracking_number: Annotated[
        list[str] | None,
        typer.Option(
            "--tracking-number", metavar="NUMBER", help="The tracking number, with --carrier."
        ),
    ] = None,
    dry_run: DryRunRequest = False,
    recheck_uncertain: RecheckUncertainOne = False,
) -> None:
    """Create one fulfillment: the order gets a tracker and the customer an email.

    The order is read first (one request) and everything is checked before anything is sent.
    """
    app_ctx: AppContext = ctx.obj
    with failures_rendered(app_ctx.output):
        options = CreateOptions(
            order=order,
            items=tuple(item or ()),
            all_items=all_items,
            tracking=only_one(tracking or [], "--tracking"),
            carrier=only_one(carrier or [], "--carrier"),
            tracking_number=only_one(tracking_number or [], "--tracking-number"),
            dry_run=dry_run,
            recheck_uncertain=recheck_uncertain,
        )
        raise typer.Exit(run_create(app_ctx, options))


@dataclass(frozen=True)
class CreateOptions:
    """The command line as given: strings, not yet checked."""

    order: str
    items: tuple[str, ...]
    all_items: bool
    tracking: str | None
    carrier: str | None
    tracking_number: str | None
    dry_run: bool
    recheck_uncertain: bool = False


def only_one(values: list[str], option: str) -> str | None:
    """The option's value; given twice with different values, an InputError (one label each)."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        raise InputError(
            "invalid_option",
            f"given {len(distinct)} times; a fulfillment has one tracking number "
            "(Fourthwall takes one label each): run `fwfulfill create` once per box.",
            target=option,
        )
    return distinct[0] if distinct else None


def run_create(app_ctx: AppContext, options: CreateOptions) -> int:
    """Parse, create, render; the exit status."""
    from fwfulfill.usecases.create_one import create_one
    from fwfulfill.usecases.shop import open_shop

    arguments = parse_create(options)
    for finding in arguments.label.findings:
        # The warning from-csv gives (same check, same code), with what to do in option words.
        to_do = hint(finding.code, target="--tracking")
        app_ctx.output.warning(f"--tracking: {finding.message} {to_do}")
    with open_shop(app_ctx.shop_settings()) as session:
        result = create_one(arguments, session, notices=app_ctx.output)
    return _show(app_ctx, result)


def parse_create(options: CreateOptions) -> CreateArguments:
    """Everything that can be checked without the shop; InputError naming the option otherwise."""
    from fwfulfill.planning.parse_input import parse_item, parse_order_reference
    from fwfulfill.usecases.create_one import CreateArguments

    if options.all_items and options.items:
        raise InputError("invalid_option", "give either --item or --all, not both.", target="--all")
    if not options.all_items and not options.items:
        raise InputError(
            "invalid_variant",
            "no items given; add --item SKU[:QTY] (repeat per item) or --all.",
            target="--item",
        )
    order = parse_order_reference(options.order, target="ORDER")
    items = tuple(parse_item(text, target=f"--item {text!r}") for text in options.items)
    return CreateArguments(
        order,
        items,
        _label(options),
        dry_run=options.dry_run,
        recheck_uncertain=options.recheck_uncertain,
    )


def _label(options: CreateOptions) -> Shipment:
    from fwfulfill.tracking.shipment import parse_tracking_argument, shipment

    separate = options.carrier is not None or options.tracking_number is not None
    if options.tracking is not None and separate:
        raise InputError(
            "invalid_option",
            "give either --tracking CARRIER:NUMBER or --carrier with --tracking-number, not both.",
            target="--tracking",
        )
    if options.tracking is not None:
        carrier, number = parse_tracking_argument(options.tracking)
        target = f"--tracking {_shortened(options.tracking)}"
    elif separate:
        carrier, number = options.carrier or "", options.tracking_number or ""
        target = "--tracking-number"
    else:
        raise InputError(
            "missing_tracking",
            "no tracking number given; add --tracking CARRIER:NUMBER (like usps:9400...).",
            target="--tracking",
        )
    label = shipment(carrier, number)
    for finding in label.findings:
        if finding.severity == "error":
            about_carrier = separate and finding.code in {"invalid_carrier", "missing_carrier"}
            raise InputError(
                finding.code, finding.message, target="--carrier" if about_carrier else target
            )
    return label


def _shortened(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."


# ---- rendering ---------------------------------------------------------------------------------


def _show(app_ctx: AppContext, result: CreateResult) -> int:
    output = app_ctx.output
    planned = result.fulfillment
    if result.dry_run_request is not None:
        _show_dry_run(app_ctx, planned, result.dry_run_request)
        return result.exit_status
    if result.settled_before:
        output.info(
            f"{planned.order_label} / {planned.tracking_number}: already sent by an earlier "
            "run; nothing sent."
        )
    _show_result(app_ctx, result)
    if result.ledger_trouble is not None:  # sent, but its outcome is not (all) in the ledger
        from fwfulfill.cli.errors import one_line

        output.error(one_line(result.ledger_trouble))
    elif result.interrupted:
        output.info("Interrupted before the fulfillment was sent; run the same command again.")
    return result.exit_status


def _show_dry_run(app_ctx: AppContext, planned: PlannedFulfillment, request: ExactRequest) -> None:
    if app_ctx.output.json_mode:
        document = {"dryRun": True, "request": request.to_json(), "fulfillment": planned.to_json()}
        app_ctx.output.data(document)
        return
    import json

    from rich.syntax import Syntax

    from fwfulfill.cli.tables import fulfillments_table

    body = json.dumps(request.body, indent=2)
    app_ctx.output.show(
        fulfillments_table(
            [planned],
            title="Would create (dry run)",
            show_lines=False,
            wide=app_ctx.output.wide,
        ),
        f"{request.method} {request.path}",
        Syntax(body, "json", theme="ansi_dark", background_color="default"),
    )
    app_ctx.output.info("Dry run: nothing was sent.")


def _show_result(app_ctx: AppContext, result: CreateResult) -> None:
    from fwfulfill.cli.errors import one_line
    from fwfulfill.cli.tables import fulfillments_table
    from fwfulfill.errors import ApiError
    from fwfulfill.planning.plan import Status

    output = app_ctx.output
    planned = result.fulfillment
    if output.json_mode:
        document: dict[str, Any] = result.plan.to_json()
        if result.unrecorded is not None:  # only when the ledger could not record the outcome
            document["unrecorded"] = result.unrecorded
        output.data(document)
    else:
        output.show(
            fulfillments_table([planned], title="Fulfillment", show_lines=False, wide=output.wide)
        )
    if planned.status in (Status.FAILED, Status.UNCERTAIN) and planned.error_code:
        # The error is said once, on stderr; the table above shows the fulfillment as data.
        output.error(one_line(ApiError(planned.error_code, planned.error_message)))
    elif planned.status is Status.ALREADY_EXISTS:
        output.info("Fourthwall already had this fulfillment; nothing new was created.")
