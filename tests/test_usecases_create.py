"""`create_one` called from Python, as a script would: no CLI, the sandbox shop in process."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fwfulfill.api.client import ApiClient
from fwfulfill.api.models import Shop
from fwfulfill.auth.credentials import Credentials
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.planning.parse_input import parse_item, parse_order_reference
from fwfulfill.planning.plan import Status
from fwfulfill.sandbox import SandboxApp
from fwfulfill.sandbox.transport import IN_PROCESS_BASE_URL, InProcessTransport
from fwfulfill.sending.ledger import Ledger
from fwfulfill.sending.run_lock import exclusive_run
from fwfulfill.tracking.shipment import shipment
from fwfulfill.usecases.create_one import CreateArguments, CreateResult, create_one
from tests.sandbox.shop import PASSWORD, SHOP_ID, USERNAME, make_app, order, order_id, seed
from tests.sandbox.shop import variant_id as variant

POSTS = "POST /open-api/v1.0/fulfillments"
USPS = "9400111899223817654305"  # a valid USPS IMpb number
TEE_AND_MUG = seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 1), ("MUG-11OZ", 1)))
THREE_TEES = seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 3)))


@dataclass(frozen=True)
class Connection:
    """What `create_one` needs of a shop (as `usecases.shop.ShopConnection` has it)."""

    client: ApiClient
    shop: Shop
    shop_key: str
    ledger: Ledger


@dataclass
class Notes:
    said: list[tuple[str, str]]

    def info(self, message: str) -> None:
        self.said.append(("info", message))

    def warning(self, message: str) -> None:
        self.said.append(("warning", message))


def connect(app: SandboxApp) -> Iterator[Connection]:
    credentials = Credentials(USERNAME, PASSWORD)
    client = ApiClient(
        IN_PROCESS_BASE_URL, credentials, transport=InProcessTransport(app), sleep=lambda _: None
    )
    with client, Ledger() as ledger:
        yield Connection(client, client.current_shop(), f"test:{SHOP_ID}", ledger)


@pytest.fixture
def tee_and_mug() -> SandboxApp:
    return make_app(TEE_AND_MUG)


@pytest.fixture
def shop(tee_and_mug: SandboxApp) -> Iterator[Connection]:
    yield from connect(tee_and_mug)


def arguments(*items: str, dry_run: bool = False, recheck: bool = False) -> CreateArguments:
    return CreateArguments(
        order=parse_order_reference("D3XZFWPP"),
        items=tuple(parse_item(text) for text in items),
        label=shipment("usps", USPS),
        dry_run=dry_run,
        recheck_uncertain=recheck,
    )


def posts(app: SandboxApp) -> int:
    return int(app.stats.to_dict()["requests"].get(POSTS, 0))


def in_shop(app: SandboxApp) -> list[dict[str, Any]]:
    return list(app.state.snapshot()["fulfillments"])


def test_created_fulfillment_is_in_the_shop_and_the_ledger(
    tee_and_mug: SandboxApp, shop: Connection
) -> None:
    notes = Notes([])
    result = create_one(arguments("TEE-BLK-M:1"), shop, notices=notes)

    assert result.exit_status == 0
    assert result.fulfillment.status is Status.CREATED
    (stored,) = in_shop(tee_and_mug)
    assert result.fulfillment.fulfillment_id == stored["id"]
    assert stored["items"] == [{"variantId": variant("TEE-BLK-M"), "quantity": 1}]
    assert posts(tee_and_mug) == 1
    (entry,) = shop.ledger.entries(shop.shop_key, [order_id("D3XZFWPP")])
    assert entry.fulfillment_id == stored["id"]
    assert ("info", "Sending to shop Test Shop (test-shop.fourthwall.com)") in notes.said
    assert (result.dry_run_request, result.settled_before, result.interrupted) == (
        None,
        False,
        False,
    )


def test_all_items_is_no_items_and_takes_the_whole_order(
    tee_and_mug: SandboxApp, shop: Connection
) -> None:
    everything = arguments()
    assert everything.all_items
    result = create_one(everything, shop)
    assert result.exit_status == 0
    (stored,) = in_shop(tee_and_mug)
    assert sorted(item["variantId"] for item in stored["items"]) == sorted(
        [variant("TEE-BLK-M"), variant("MUG-11OZ")]
    )


def test_dry_run_returns_the_exact_request_and_sends_nothing(
    tee_and_mug: SandboxApp, shop: Connection
) -> None:
    result = create_one(arguments("MUG-11OZ", dry_run=True), shop)

    assert result.exit_status == 0
    assert result.dry_run_request is not None
    assert result.dry_run_request.to_json() == {
        "method": "POST",
        "path": "/open-api/v1.0/fulfillments",
        "body": {
            "orderId": order_id("D3XZFWPP"),
            "items": [{"variantId": variant("MUG-11OZ"), "quantity": 1}],
            "shippingLabel": {"trackingNumber": USPS, "trackingCompany": "USPS"},
        },
    }
    assert result.fulfillment.status is Status.PLANNED
    assert posts(tee_and_mug) == 0
    assert in_shop(tee_and_mug) == []
    assert shop.ledger.entries(shop.shop_key, [order_id("D3XZFWPP")]) == []


def test_a_dry_run_needs_no_run_lock_a_send_does(tee_and_mug: SandboxApp, shop: Connection) -> None:
    with exclusive_run(shop.shop_key):  # another run is sending to this shop
        looked = create_one(arguments("MUG-11OZ", dry_run=True), shop)
        with pytest.raises(FwfulfillError) as refused:
            create_one(arguments("MUG-11OZ"), shop)
    assert looked.dry_run_request is not None
    assert refused.value.code == "shop_busy"
    assert posts(tee_and_mug) == 0


def test_a_partial_box_whose_answer_is_lost_is_uncertain_and_never_sent_twice() -> None:
    app = make_app(THREE_TEES, commit_fault_first=1, commit_fault_kind="drop")
    for shop in connect(app):
        first = create_one(arguments("TEE-BLK-M:1"), shop)

        assert first.fulfillment.status is Status.UNCERTAIN
        assert first.fulfillment.error_code == "OUTCOME_UNCERTAIN"
        assert first.exit_status == 6
        assert posts(app) == 1
        assert len(in_shop(app)) == 1  # it did land; only its answer was lost

        again: CreateResult = create_one(arguments("TEE-BLK-M:1"), shop)
        assert again.settled_before
        assert again.fulfillment.status is Status.UNCERTAIN
        assert again.exit_status == 6
        assert posts(app) == 1


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("NO-SUCH-SKU", "variant_not_on_order"),
        ("TEE-BLK-M:2", "quantity_exceeds_order"),
    ],
)
def test_an_item_the_order_cannot_take_is_an_input_error_and_nothing_is_sent(
    tee_and_mug: SandboxApp, shop: Connection, item: str, code: str
) -> None:
    with pytest.raises(InputError) as refused:
        create_one(arguments(item), shop)

    assert refused.value.code == code
    assert refused.value.exit_code == 2
    assert refused.value.target == "--item"
    assert posts(tee_and_mug) == 0
    assert shop.ledger.entries(shop.shop_key, [order_id("D3XZFWPP")]) == []


def test_an_unknown_order_is_an_input_error_naming_the_order(
    tee_and_mug: SandboxApp, shop: Connection
) -> None:
    unknown = CreateArguments(parse_order_reference("NOPE1234"), (), shipment("usps", USPS))
    with pytest.raises(InputError) as refused:
        create_one(unknown, shop)
    assert (refused.value.code, refused.value.target) == ("order_not_found", "ORDER")
    assert posts(tee_and_mug) == 0
