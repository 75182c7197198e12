"""Creating one fulfillment: read the order, plan the box against the ledger, send it (or not).

`fwfulfill create` parses its options into `CreateArguments` and renders the `CreateResult`; a
script can build the arguments from plain values (`parse_order_reference`, `parse_item`,
`shipment`) and call `create_one` the same way.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from fwfulfill.constants import API_PREFIX
from fwfulfill.error_codes import ExitCode, Severity, counted, explain_with_hint, lookup
from fwfulfill.errors import InputError
from fwfulfill.planning.order_lookup import fetch_order
from fwfulfill.planning.plan import Plan, PlannedFulfillment, Status
from fwfulfill.planning.planner import Draft, build_plan
from fwfulfill.sending.run_lock import exclusive_run
from fwfulfill.sending.send import request_for
from fwfulfill.usecases.shop import shop_label

if TYPE_CHECKING:
    from fwfulfill.api.client import ApiClient
    from fwfulfill.api.models import Order, Shop
    from fwfulfill.planning.parse_input import ItemReference, OrderReference
    from fwfulfill.sending.ledger import Ledger, LedgerError
    from fwfulfill.tracking.shipment import Shipment

# What an input error names: the words of `fwfulfill create`, which the catalogue's hints use too.
ORDER_TARGET = "ORDER"
ITEMS_TARGET = "--item"
# Plan problems about the items asked for (the rest are about the order).
_ITEM_CODES = frozenset(
    {
        "variant_not_on_order",
        "sku_ambiguous",
        "variant_sku_mismatch",
        "quantity_exceeds_order",
        "nothing_left",
    }
)


class ShopConnection(Protocol):
    """An open connection to one shop (`usecases.shop.ShopConnection`): client and ledger."""

    @property
    def client(self) -> ApiClient: ...
    @property
    def shop(self) -> Shop: ...
    @property
    def shop_key(self) -> str: ...  # the ledger's name for the shop
    @property
    def ledger(self) -> Ledger: ...


class Notices(Protocol):
    """Where the run says what it is doing while it does it (the CLI's stderr)."""

    def info(self, message: str) -> None: ...
    def warning(self, message: str) -> None: ...


class _Silent:
    def info(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class CreateArguments:
    """One fulfillment to create, already parsed."""

    order: OrderReference
    items: tuple[ItemReference, ...]  # empty: every item of the order at its ordered quantity
    label: Shipment
    dry_run: bool = False
    # Send once more if an earlier run left this fulfillment uncertain (risky: it may double).
    recheck_uncertain: bool = False

    @property
    def all_items(self) -> bool:
        return not self.items


@dataclass(frozen=True)
class ExactRequest:
    """The request a dry run would have sent."""

    method: str
    path: str
    body: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "body": self.body}


@dataclass(frozen=True)
class CreateResult:
    plan: Plan  # one fulfillment, with its outcome
    exit_status: int
    dry_run_request: ExactRequest | None = None  # set for a dry run: nothing was sent
    settled_before: bool = False  # an earlier run sent it (or left it uncertain): nothing sent
    interrupted: bool = False  # stopped before the fulfillment went out
    # Sent, but its outcome is not (all) in the ledger: why, and the ids it could not record.
    ledger_trouble: LedgerError | None = None
    unrecorded: dict[str, Any] | None = None

    @property
    def fulfillment(self) -> PlannedFulfillment:
        return self.plan.fulfillments[0]


def create_one(
    arguments: CreateArguments, connection: ShopConnection, *, notices: Notices | None = None
) -> CreateResult:
    """Plan the fulfillment against the order and the ledger; send it unless it is a dry run.

    Raises InputError (exit 2) for what the order refuses, before anything is sent. A run that
    sends holds the shop's run lock from reading the order to recording the outcome.
    """
    say = notices or _Silent()
    with nullcontext() if arguments.dry_run else exclusive_run(connection.shop_key):
        order = fetch_order(connection.client, arguments.order, target=ORDER_TARGET)
        plan = _plan(arguments, order, connection)
        for problem in plan.problems:
            if problem.severity is Severity.WARNING:
                say.warning(problem.message)
        planned = plan.fulfillments[0]
        if arguments.dry_run:
            return CreateResult(plan, int(ExitCode.OK), dry_run_request=_exact_request(planned))
        if planned.status is not Status.PLANNED:  # skipped, or uncertain from an earlier run
            return CreateResult(plan, _exit_status(planned), settled_before=True)
        if planned.recheck_asked:
            say.warning(
                explain_with_hint("recheck_uncertain_risk", {"count": counted(1, "fulfillment")})
            )
        shop = connection.shop
        say.info(f"Sending to shop {shop_label(shop)}")
        from fwfulfill.sending.runner import send_planned

        _, run = send_planned(
            connection.client,
            connection.ledger,
            connection.shop_key,
            [planned],
            source=f"create {order.friendly_id}",
            concurrency=1,
        )
    if run.bug is not None:
        raise run.bug
    trouble = run.ledger_trouble
    if trouble is not None and planned.status is Status.PLANNED:
        raise trouble  # the ledger refused the `sending` step: nothing was sent
    interrupted = trouble is None and (run.interrupted or planned.status is Status.PLANNED)
    if trouble is not None:
        status = int(ExitCode.BATCH_INCOMPLETE)
    elif interrupted:
        status = int(ExitCode.INTERRUPTED)
    else:
        status = _exit_status(planned)
    return CreateResult(
        plan,
        status,
        interrupted=interrupted,
        ledger_trouble=trouble,
        unrecorded=run.unrecorded_json(),
    )


def _plan(arguments: CreateArguments, order: Order, connection: ShopConnection) -> Plan:
    label = arguments.label
    draft = Draft(
        order=arguments.order,
        tracking_number=label.tracking_number,
        tracking_company=label.tracking_company,
        carrier_key=label.carrier_key,
        items=arguments.items,
    )
    history = connection.ledger.view(
        connection.shop_key, [order.id], recheck_uncertain=arguments.recheck_uncertain
    )
    plan = build_plan([draft], {arguments.order.key: order}, history=history)
    for problem in plan.problems:
        if problem.severity is Severity.ERROR:
            target = ITEMS_TARGET if problem.code in _ITEM_CODES else ORDER_TARGET
            raise InputError(problem.code, problem.message, target=target)
    return plan


def _exact_request(planned: PlannedFulfillment) -> ExactRequest:
    return ExactRequest("POST", f"{API_PREFIX}/fulfillments", request_for(planned).to_wire())


def _exit_status(planned: PlannedFulfillment) -> int:
    if planned.status is Status.FAILED and planned.error_code:
        return int(lookup(planned.error_code).exit_code)
    if planned.status is Status.UNCERTAIN:
        return int(ExitCode.BATCH_INCOMPLETE)
    return int(ExitCode.OK)
