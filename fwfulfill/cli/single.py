"""What `fwfulfill create` does: parse arguments, read the order, plan one fulfillment, send it."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from rich.syntax import Syntax

from fwfulfill.cli.context import AppContext
from fwfulfill.cli.errors import one_line
from fwfulfill.cli.session import shop_label, shop_session
from fwfulfill.cli.tables import error_table, fulfillments_table
from fwfulfill.error_codes import ExitCode, Severity, explain_with_hint, lookup
from fwfulfill.errors import ApiError, InputError
from fwfulfill.planning.order_lookup import fetch_order
from fwfulfill.planning.parse_input import (
    ItemReference,
    OrderReference,
    parse_item,
    parse_order_reference,
)
from fwfulfill.planning.plan import Plan, PlannedFulfillment, Status
from fwfulfill.planning.planner import Draft, build_plan
from fwfulfill.sending.run_lock import exclusive_run
from fwfulfill.sending.send import request_for
from fwfulfill.tracking.shipment import Shipment, parse_tracking_argument, shipment


@dataclass(frozen=True)
class CreateArguments:
    order: str
    items: tuple[str, ...]
    all_items: bool
    tracking: str | None
    carrier: str | None
    tracking_number: str | None
    dry_run: bool
    recheck_uncertain: bool = False


@dataclass(frozen=True)
class ParsedCreate:
    order: OrderReference
    items: tuple[ItemReference, ...]  # empty with --all
    label: Shipment


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


def parse_create(arguments: CreateArguments) -> ParsedCreate:
    """Everything that can be checked without the shop; InputError naming the argument otherwise."""
    if arguments.all_items and arguments.items:
        raise InputError("invalid_option", "give either --item or --all, not both.", target="--all")
    if not arguments.all_items and not arguments.items:
        raise InputError(
            "invalid_variant",
            "no items given; add --item SKU[:QTY] (repeat per item) or --all.",
            target="--item",
        )
    order = parse_order_reference(arguments.order, target="ORDER")
    items = tuple(parse_item(text, target=f"--item {text!r}") for text in arguments.items)
    return ParsedCreate(order, items, _label(arguments))


def _label(arguments: CreateArguments) -> Shipment:
    separate = arguments.carrier is not None or arguments.tracking_number is not None
    if arguments.tracking is not None and separate:
        raise InputError(
            "invalid_option",
            "give either --tracking CARRIER:NUMBER or --carrier with --tracking-number, not both.",
            target="--tracking",
        )
    if arguments.tracking is not None:
        carrier, number = parse_tracking_argument(arguments.tracking)
        target = f"--tracking {_shortened(arguments.tracking)}"
    elif separate:
        carrier, number = arguments.carrier or "", arguments.tracking_number or ""
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


def run_create(app_ctx: AppContext, arguments: CreateArguments) -> int:
    parsed = parse_create(arguments)
    output = app_ctx.output
    for finding in parsed.label.findings:
        output.warning(f"--tracking: {finding.message}")
    with (
        shop_session(app_ctx) as session,
        nullcontext() if arguments.dry_run else exclusive_run(session.shop_key),
    ):
        order = fetch_order(session.client, parsed.order, target="ORDER")
        draft = Draft(
            order=parsed.order,
            tracking_number=parsed.label.tracking_number,
            tracking_company=parsed.label.tracking_company,
            carrier_key=parsed.label.carrier_key,
            items=parsed.items,
        )
        history = session.ledger.view(
            session.shop_key, [order.id], recheck_uncertain=arguments.recheck_uncertain
        )
        plan = build_plan([draft], {parsed.order.key: order}, history=history)
        _raise_first_error(plan)
        for problem in plan.problems:
            if problem.severity is Severity.WARNING:
                output.warning(problem.message)
        planned = plan.fulfillments[0]
        if arguments.dry_run:
            _show_dry_run(app_ctx, planned)
            return ExitCode.OK
        if planned.status is not Status.PLANNED:  # skipped, or uncertain from an earlier run
            output.info(
                f"{planned.order_label} / {planned.tracking_number}: already sent by an earlier "
                "run; nothing sent."
            )
            _show_result(app_ctx, plan)
            return _exit_code(planned)
        if planned.recheck_asked:
            output.warning(explain_with_hint("recheck_uncertain_risk", {"count": 1}))
        output.info(f"Sending to shop {shop_label(session.shop)}")
        from fwfulfill.sending.runner import send_planned

        _, result = send_planned(
            session.client,
            session.ledger,
            session.shop_key,
            [planned],
            source=f"create {order.friendly_id}",
            concurrency=1,
        )
    if result.bug is not None:
        raise result.bug
    trouble = result.ledger_trouble
    if trouble is not None and planned.status is Status.PLANNED:
        raise trouble  # the ledger refused the `sending` step: nothing was sent
    _show_result(app_ctx, plan, unrecorded=result.unrecorded_json())
    if trouble is not None:  # sent, but its outcome is not (all) in the ledger: the ids, and 6
        output.error(one_line(trouble))
        return int(ExitCode.BATCH_INCOMPLETE)
    if result.interrupted or planned.status is Status.PLANNED:
        output.info("Interrupted before the fulfillment was sent; run the same command again.")
        return int(ExitCode.INTERRUPTED)
    return _exit_code(planned)


def _raise_first_error(plan: Plan) -> None:
    for problem in plan.problems:
        if problem.severity is Severity.ERROR:
            target = "--item" if problem.code in _ITEM_CODES else "ORDER"
            raise InputError(problem.code, problem.message, target=target)


_ITEM_CODES = frozenset(
    {
        "variant_not_on_order",
        "sku_ambiguous",
        "variant_sku_mismatch",
        "quantity_exceeds_order",
        "nothing_left",
    }
)


def _show_dry_run(app_ctx: AppContext, planned: PlannedFulfillment) -> None:
    body = request_for(planned).to_wire()
    request = {"method": "POST", "path": "/open-api/v1.0/fulfillments", "body": body}
    if app_ctx.output.json_mode:
        app_ctx.output.data({"dryRun": True, "request": request, "fulfillment": planned.to_json()})
        return
    import json

    app_ctx.output.show(
        fulfillments_table([planned], title="Would create (dry run)", show_lines=False),
        "POST /open-api/v1.0/fulfillments",
        Syntax(json.dumps(body, indent=2), "json", theme="ansi_dark", background_color="default"),
    )
    app_ctx.output.info("Dry run: nothing was sent.")


def _show_result(
    app_ctx: AppContext, plan: Plan, *, unrecorded: dict[str, Any] | None = None
) -> None:
    planned = plan.fulfillments[0]
    if app_ctx.output.json_mode:
        document = plan.to_json()
        if unrecorded is not None:  # only when the ledger could not record the outcome
            document["unrecorded"] = unrecorded
        app_ctx.output.data(document)
    else:
        app_ctx.output.show(fulfillments_table([planned], title="Fulfillment", show_lines=False))
    if planned.status in (Status.FAILED, Status.UNCERTAIN) and planned.error_code:
        failure = ApiError(planned.error_code, planned.error_message)
        if not app_ctx.output.json_mode:
            app_ctx.output.show(error_table(failure))
        app_ctx.output.error(one_line(failure))
    elif planned.status is Status.ALREADY_EXISTS:
        app_ctx.output.info("Fourthwall already had this fulfillment; nothing new was created.")


def _exit_code(planned: PlannedFulfillment) -> int:
    if planned.status is Status.FAILED and planned.error_code:
        return int(lookup(planned.error_code).exit_code)
    if planned.status is Status.UNCERTAIN:
        return int(ExitCode.BATCH_INCOMPLETE)
    return int(ExitCode.OK)
