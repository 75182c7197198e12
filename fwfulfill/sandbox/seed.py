"""The seed file: the shop, its credentials, its orders and the fulfillments they already have.

`load_seed` validates the whole file and reports the first problem on one line, naming the file and
the field (`seed.json: orders[3].offers[0].variant.quantity: must be an integer >= 0`). Every order
the seed makes is checked against the spec's OrderV1, so the sandbox never serves an order off it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, PrivateAttr, ValidationError
from pydantic.alias_generators import to_camel
from pydantic_core import ErrorDetails

from fwfulfill.api.statuses import OrderStatus
from fwfulfill.sandbox.orderspec import INT32_MAX

DEFAULT_SHOP_ID = "sh_5d1c3a52-7f0e-4c1b-9a55-0c2f4e1b7a10"
DEFAULT_USERNAME = "sandbox-api-user"
DEFAULT_PASSWORD = "sandbox-password"  # the sandbox's published demo password
# Far deeper than any seed needs (OrderV1 nests 8 levels), far shallower than Python's recursion.
MAX_DEPTH = 32
INT64_MAX = 2**63 - 1  # past this no JSON reader on the way keeps a number exact
DEFAULT_TOKENS: dict[str, list[str]] = {
    "sandbox-token-full": ["order_read", "fulfillment_write"],
    "sandbox-token-readonly": ["order_read"],
}


class SeedError(ValueError):
    """A seed (or state) file that cannot be used; the message is one line."""


def _count(minimum: int) -> PlainValidator:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"must be an integer >= {minimum}")
        if value > INT32_MAX:
            raise ValueError(f"must be at most {INT32_MAX} (the spec's int32)")
        return value

    return PlainValidator(check)


Quantity = Annotated[int, _count(0)]
PositiveQuantity = Annotated[int, _count(1)]
Text = Annotated[str, Field(min_length=1)]


class _Closed(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class _Open(BaseModel):
    """An OrderV1 part: the fields the sandbox needs are checked, any other OrderV1 field passes."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class SeedShop(_Closed):
    id: Text = DEFAULT_SHOP_ID
    name: Text = "Sandbox Merch Co."
    domain: Text = "sandbox-merch-co.fourthwall.com"
    public_domain: str | None = None


class SeedCredentials(_Closed):
    username: Text = DEFAULT_USERNAME
    password: Text = DEFAULT_PASSWORD
    tokens: dict[str, list[Text]] = Field(default_factory=lambda: dict(DEFAULT_TOKENS))


class SeedVariant(_Open):
    id: UUID
    sku: str
    name: str
    quantity: Quantity


class SeedOffer(_Open):
    variant: SeedVariant


class SeedOrder(_Open):
    id: UUID
    friendly_id: Text
    status: OrderStatus
    offers: list[SeedOffer] = Field(min_length=1)
    shop_id: Text | None = None  # another shop's id: the order exists but is not this shop's
    email: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class SeedFulfillmentItem(_Closed):
    variant_id: UUID
    quantity: PositiveQuantity


class SeedFulfillment(_Closed):
    id: Text | None = None
    order_id: UUID
    tracking_number: Text
    tracking_company: Text
    items: list[SeedFulfillmentItem] = Field(min_length=1)


class Seed(_Closed):
    shop: SeedShop = Field(default_factory=SeedShop)
    credentials: SeedCredentials = Field(default_factory=SeedCredentials)
    orders: list[SeedOrder]
    fulfillments: list[SeedFulfillment] = Field(default_factory=list)
    # The OrderV1 documents parse_seed checked, handed once to the state so they are built once.
    _checked_documents: list[dict[str, Any]] | None = PrivateAttr(default=None)

    def order_documents(self) -> list[dict[str, Any]]:
        """Each order as the sandbox serves it (the seed's fields over the defaults), new dicts
        for each caller: the state changes them."""
        checked, self._checked_documents = self._checked_documents, None
        if checked is not None:
            return checked
        from fwfulfill.sandbox.orderdoc import order_document

        return [
            order_document(order, self.shop.id, index) for index, order in enumerate(self.orders)
        ]


def load_seed(path: Path) -> Seed:
    """Read and validate a seed file; SeedError names the file and the first bad field."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SeedError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SeedError(f"{path}: not valid JSON: {exc}") from None
    return parse_seed(read_json(text, source=str(path)), source=str(path))


def read_json(text: str, *, source: str) -> object:
    """Parse a seed or state file's text; SeedError names the file (and the line when it can)."""
    try:
        return json.loads(text, parse_int=_integer)
    except RecursionError:
        line, column = _too_deep_at(text)
        raise SeedError(
            f"{source}: line {line} column {column}: nested more than {MAX_DEPTH} levels deep"
        ) from None
    except json.JSONDecodeError as exc:
        raise SeedError(f"{source}: not valid JSON: {exc}") from None


def parse_seed(data: object, *, source: str = "seed") -> Seed:
    """Validate seed data already parsed from JSON (a demo seed, a state file)."""
    _check_values(data, source)
    try:
        seed = Seed.model_validate(data)
    except ValidationError as exc:
        raise SeedError(f"{source}: {_first_error(exc)}") from None
    _check_references(seed, source)
    _check_orders_follow_the_spec(seed, source)
    return seed


class _Oversized(str):
    """An integer literal too long to be a number anyone means (Python refuses past 4300 digits)."""


def _integer(text: str) -> int | _Oversized:
    return int(text) if len(text) <= 20 else _Oversized(text)


def _check_values(data: object, source: str) -> None:
    """No nesting deeper than MAX_DEPTH (deeper input would exhaust the recursion of whatever reads
    it next), no number JSON cannot carry (NaN, infinities, integers past 64 bits). A quick pass
    first; only a seed that fails it is walked again to name the field."""
    if not _has_bad_value(data):
        return
    for where, value, depth in _walk(data):
        if depth > MAX_DEPTH:
            raise SeedError(
                f"{source}: {_location(where[:6])}...: nested more than {MAX_DEPTH} levels deep"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise SeedError(f"{source}: {_location(where)}: must be a finite number (got {value})")
        if _bad_number(value):
            digits = str(value)
            shown = digits if len(digits) <= 40 else f"{digits[:12]}...({len(digits)} digits)"
            raise SeedError(f"{source}: {_location(where)}: {shown} is too large a number")


def _has_bad_value(data: object) -> bool:
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[object] = ()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= MAX_DEPTH:
                    return True
                stack.append((child, depth + 1))
            elif _bad_number(child):
                return True
    return _bad_number(data)


def _bad_number(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > INT64_MAX
    return isinstance(value, _Oversized)


def _walk(data: object) -> Iterator[tuple[tuple[int | str, ...], object, int]]:
    """(location, value, depth) of every value, without recursion; containers deeper than
    MAX_DEPTH are not entered."""
    stack: list[tuple[tuple[int | str, ...], object, int]] = [((), data, 0)]
    while stack:
        where, value, depth = stack.pop()
        yield where, value, depth
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            stack.extend(((*where, str(key)), item, depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*where, index), item, depth + 1) for index, item in enumerate(value))


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column where `text` first nests deeper than MAX_DEPTH (text json cannot parse)."""
    depth, in_string, escaped = 0, False, False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, offset) + 1
                return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif char in "]}":
            depth -= 1
    return 1, 1


def _check_orders_follow_the_spec(seed: Seed, source: str) -> None:
    """Each order as the sandbox will serve it (the seed's fields over the defaults) is a valid
    OrderV1: a seed field of the wrong shape (`"amounts": "zzz"`) is refused, naming it."""
    from fwfulfill.sandbox.orderspec import OrderV1

    documents = seed.order_documents()
    for index, document in enumerate(documents):
        try:
            OrderV1.model_validate(document)
        except ValidationError as exc:
            raise SeedError(f"{source}: {_first_error(exc, ('orders', index))}") from None
    seed._checked_documents = documents


def _first_error(exc: ValidationError, prefix: tuple[int | str, ...] = ()) -> str:
    errors = exc.errors()
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    first = errors[0]
    return _describe({**first, "loc": prefix + tuple(first["loc"])}) + more


def _describe(error: ErrorDetails) -> str:
    where = _location(error["loc"])
    message = _MESSAGES.get(error["type"]) or error["msg"].replace("Input should be", "must be")
    if error["type"] == "value_error":
        message = str(error.get("ctx", {}).get("error", message))
    if error["type"] in _SHOW_INPUT:
        message += f" (got {_short(error['input'])})"
    return f"{where}: {message}" if where else message


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_too_short": "must not be empty",
    "too_short": "must have at least one entry",
    "uuid_parsing": "must be a UUID",
    "uuid_type": "must be a UUID",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a JSON array",
    "string_type": "must be a string",
}
_SHOW_INPUT = {
    "uuid_parsing",
    "uuid_type",
    "enum",
    "value_error",
    "datetime_from_date_parsing",
    "less_than_equal",
    "greater_than_equal",
    "literal_error",
}


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_references(seed: Seed, source: str) -> None:
    """Ids are unique and every prior fulfillment fits its order."""
    orders: dict[UUID, SeedOrder] = {}
    friendly: set[str] = set()
    for index, order in enumerate(seed.orders):
        if order.id in orders:
            raise SeedError(f"{source}: orders[{index}].id: duplicate order id {order.id}")
        if order.friendly_id in friendly:
            raise SeedError(
                f"{source}: orders[{index}].friendlyId: duplicate friendly id {order.friendly_id}"
            )
        orders[order.id] = order
        friendly.add(order.friendly_id)
    _check_fulfillments(seed, orders, source)


def _check_fulfillments(seed: Seed, orders: dict[UUID, SeedOrder], source: str) -> None:
    fulfilled: dict[tuple[UUID, UUID], int] = {}
    ids: set[str] = set()
    for index, prior in enumerate(seed.fulfillments):
        where = f"{source}: fulfillments[{index}]"
        if prior.id is not None:
            if prior.id in ids:
                raise SeedError(f"{where}.id: duplicate fulfillment id {prior.id}")
            ids.add(prior.id)
        order = orders.get(prior.order_id)
        if order is None:
            raise SeedError(f"{where}.orderId: no order has the id {prior.order_id}")
        ordered = ordered_quantities(order)
        for item_index, item in enumerate(prior.items):
            key = (order.id, item.variant_id)
            if item.variant_id not in ordered:
                raise SeedError(
                    f"{where}.items[{item_index}].variantId: variant {item.variant_id} is not on "
                    f"order {order.friendly_id}"
                )
            left = ordered[item.variant_id] - fulfilled.get(key, 0)
            if item.quantity > left:
                raise SeedError(
                    f"{where}.items[{item_index}].quantity: {item.quantity} is more than the "
                    f"{left} left of variant {item.variant_id} on order {order.friendly_id}"
                )
            fulfilled[key] = fulfilled.get(key, 0) + item.quantity


def ordered_quantities(order: SeedOrder) -> dict[UUID, int]:
    """Ordered quantity per variant; a variant on two lines is summed."""
    totals: dict[UUID, int] = {}
    for offer in order.offers:
        totals[offer.variant.id] = totals.get(offer.variant.id, 0) + offer.variant.quantity
    return totals
