"""The plan: what fwfulfill is about to create, what it found wrong, and (after sending) what
happened.

Planning produces it (`planner`), sending fills in outcomes (`sending`), rendering reads it. The
JSON shape of `to_json` is a documented contract (README, "JSON output").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from json.encoder import encode_basestring_ascii
from typing import Any

from fwfulfill.error_codes import Severity


class Status(str, Enum):
    """Where a fulfillment stands: a planning status, then exactly one outcome after sending."""

    PLANNED = "planned"
    BLOCKED = "blocked"  # not sent: a problem found while planning
    SKIPPED = "skipped"  # already done by an earlier run (the ledger says so)
    CREATED = "created"
    ALREADY_EXISTS = "already_exists"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


# Outcomes that need a person's attention (exit code 6 when any is present after sending).
UNSUCCESSFUL = frozenset({Status.FAILED, Status.UNCERTAIN})


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Severity
    code: str
    message: str
    lines: tuple[int, ...] = ()
    order: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": list(self.lines),
            "severity": self.severity.value,
            "code": self.code,
            "order": self.order,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class PlannedItem:
    variant_id: str
    quantity: int
    sku: str = ""
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "variantId": self.variant_id,
            "sku": self.sku,
            "name": self.name,
            "quantity": self.quantity,
        }

    def json_text(self) -> str:
        """`json.dumps(self.to_json())`, written directly (see `FulfillmentsJson`)."""
        return (
            f'{{"variantId": {_string(self.variant_id)}, "sku": {_string(self.sku)}, '
            f'"name": {_string(self.name)}, "quantity": {self.quantity}}}'
        )


@dataclass(slots=True)
class PlannedFulfillment:
    """One fulfillment: one order, one tracking number, its items."""

    order_ref: str  # as the input wrote it
    tracking_number: str
    tracking_company: str
    items: list[PlannedItem] = field(default_factory=list)
    lines: tuple[int, ...] = ()
    order_id: str | None = None
    friendly_id: str | None = None
    carrier_key: str = "other"
    status: Status = Status.PLANNED
    previously_in_doubt: bool = (
        False  # an earlier run lost the answer: re-check, never resend blindly
    )
    # Takes everything still left of each of its variants (ordered minus what the ledger records as
    # created, no other box of the plan sharing a variant): if a lost first attempt went through, a
    # re-send can only be refused, so it may be re-sent automatically. Set by the planner.
    whole_remainder: bool = False
    # An earlier run left it uncertain and the user asked (`--recheck-uncertain`) to send it again.
    recheck_asked: bool = False
    fulfillment_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    # Who the order's email goes to: the confirmation counts customers and shows names. Kept out of
    # the JSON (a documented contract, and an address is personal data).
    customer_name: str = ""
    customer_email: str | None = None

    @property
    def order_label(self) -> str:
        return self.friendly_id or self.order_id or self.order_ref

    def to_json(self) -> dict[str, Any]:
        # One literal, in the documented key order: written 75,000 times for a large file.
        code = self.error_code
        return {
            "lines": list(self.lines),
            "orderId": self.order_id,
            "friendlyId": self.friendly_id,
            "orderReference": self.order_ref,
            "items": [item.to_json() for item in self.items],
            "trackingNumber": self.tracking_number,
            "trackingCompany": self.tracking_company,
            "status": self.status._value_,  # `.value` is a descriptor, ten times slower
            "fulfillmentId": self.fulfillment_id,
            "error": {"code": code, "message": self.error_message} if code else None,
        }

    def json_text(self, item_texts: dict[PlannedItem, str]) -> str:
        """`json.dumps(self.to_json())`, written directly (see `FulfillmentsJson`); `item_texts`
        keeps the text of each item, which many fulfillments share."""
        items = []
        for item in self.items:
            text = item_texts.get(item)
            if text is None:
                text = item.json_text()
                if len(item_texts) < _MAX_ITEM_TEXTS:
                    item_texts[item] = text
            items.append(text)
        code = self.error_code
        error = (
            f'{{"code": {_string(code)}, "message": {_nullable(self.error_message)}}}'
            if code
            else "null"
        )
        return (
            f'{{"lines": [{", ".join(map(str, self.lines))}], '
            f'"orderId": {_nullable(self.order_id)}, '
            f'"friendlyId": {_nullable(self.friendly_id)}, '
            f'"orderReference": {_string(self.order_ref)}, '
            f'"items": [{", ".join(items)}], '
            f'"trackingNumber": {_string(self.tracking_number)}, '
            f'"trackingCompany": {_string(self.tracking_company)}, '
            f'"status": {_string(self.status._value_)}, '
            f'"fulfillmentId": {_nullable(self.fulfillment_id)}, '
            f'"error": {error}}}'
        )


# A JSON string as `json.dumps` writes it (ASCII, escaped), for the texts written directly.
_string = encode_basestring_ascii
_MAX_ITEM_TEXTS = 4096  # distinct items whose text is kept while a plan is written


def _nullable(text: str | None) -> str:
    return "null" if text is None else _string(text)


class FulfillmentsJson(Iterator[dict[str, Any]]):
    """A plan's fulfillments in its JSON. Iterated: each one's `to_json()`. `texts()`: each as
    `json.dumps(f.to_json())` writes it, made without the dicts, for a writer that streams (a
    large plan writes 75,000; building and encoding the dicts was a fifth of its run)."""

    def __init__(self, fulfillments: Sequence[PlannedFulfillment]) -> None:
        self._fulfillments = fulfillments
        self._dicts = (f.to_json() for f in fulfillments)

    def __next__(self) -> dict[str, Any]:
        return next(self._dicts)

    def texts(self) -> Iterator[str]:
        item_texts: dict[PlannedItem, str] = {}
        for fulfillment in self._fulfillments:
            yield fulfillment.json_text(item_texts)


def item_text(label: str, quantity: int) -> str:
    """`TEE-BLK-M x2`: one item and its quantity, as every list fwfulfill prints writes it."""
    return f"{label} x{quantity}"


def items_text(items: Iterable[tuple[str, int]]) -> str:
    """`TEE-BLK-M x2, MUG-11OZ x1`: items and quantities on one line."""
    return ", ".join(item_text(label, quantity) for label, quantity in items)


def status_counts(fulfillments: Iterable[PlannedFulfillment]) -> Counter[str]:
    """How many fulfillments are in each status."""
    return Counter(f.status.value for f in fulfillments)


@dataclass
class Plan:
    fulfillments: list[PlannedFulfillment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Per field the input's column and why it was chosen: {"field", "column", "reason"}.
    columns: list[dict[str, str]] = field(default_factory=list)
    rows_read: int = 0
    multi_box: str | None = None  # from-csv's `--multi-box` policy, said in its JSON

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)

    def to_send(self) -> list[PlannedFulfillment]:
        return [f for f in self.fulfillments if f.status is Status.PLANNED]

    def counts(self) -> Counter[str]:
        return status_counts(self.fulfillments)

    def summary(self) -> dict[str, Any]:
        severities = Counter(problem.severity.value for problem in self.problems)
        return {
            "rows": self.rows_read,
            "fulfillments": len(self.fulfillments),
            "byStatus": dict(sorted(self.counts().items())),
            "errors": severities.get("error", 0),
            "warnings": severities.get("warning", 0),
            "infos": severities.get("info", 0),
        }

    def json_fields(self) -> list[tuple[str, Any]]:
        """The JSON document's fields in order; the two long lists as generators, so a large plan
        can be written element by element (see `Output.data_fields`)."""
        return [
            ("columns", self.columns),
            ("fulfillments", FulfillmentsJson(self.fulfillments)),
            ("problems", (problem.to_json() for problem in self.problems)),
            ("summary", self.summary()),
            *([("multiBox", self.multi_box)] if self.multi_box else []),
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            key: list(value) if isinstance(value, Iterator) else value
            for key, value in self.json_fields()
        }
