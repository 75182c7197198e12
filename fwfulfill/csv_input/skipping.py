"""Rows that are not orders and not errors: labels that are not live (CSV-NOTES.md, "rows to
skip") and a report's summary row (`Total shipments: 42`, padded with empty cells)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# Words of a status that say the label is not live: voided, refunded, cancelled, a failed or
# errored purchase (often followed by a good one for the same order), test mode.
_NOT_LIVE = {
    "void": "voided",
    "voided": "voided",
    "refund": "refunded",
    "refunded": "refunded",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "cancel": "cancelled",
    "error": "failed",
    "errored": "failed",
    "failed": "failed",
    "test": "a test label",
}
# Words of a tracking status: the label was bought and is moving, whatever failed on the way
# ("Failed Attempt", "Delivery failed", "Failed to deliver" are deliveries, not failed purchases;
# a parcel `Returned` to its sender was shipped). Any word with `deliver` in it counts too.
_IN_DELIVERY = frozenset(
    {"attempt", "attempted", "transit", "exception", "pickup", "sender", "returned"}
)
# Words that put a refund or a cancellation on part of the order, not on the label.
_PARTIAL = frozenset({"partial", "partially", "part", "item", "items"})
_WORD = re.compile(r"[a-z]+")
_SUMMARY = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b|^\s*(summe|gesamt)\b", re.IGNORECASE)


@lru_cache(maxsize=256)
def status_not_live(status: str) -> str:
    """What a status cell says against the label ("voided", "failed"...), or ""."""
    words = _WORD.findall(status.lower())
    if any(word in _IN_DELIVERY or "deliver" in word for word in words):
        return ""  # `Failed to deliver`, `Undeliverable`: a label that was bought and shipped
    partial = any(word in _PARTIAL for word in words)
    for word in words:
        found = _NOT_LIVE.get(word)
        if found and not (partial and found in {"refunded", "cancelled"}):
            return found  # a partial refund or an item cancelled is of the order: the label lives
    return ""


# A transaction export's rows that are money, not labels: a deposit, a payment, a fee.
_NOT_A_LABEL = frozenset(
    {"deposit", "payment", "credit", "adjustment", "fee", "funds", "topup", "reload", "transfer"}
)

# Words of a type that name a label whatever else it says.
_A_LABEL = frozenset({"label", "labels", "shipment", "replacement", "postage", "reship"})


def type_not_label(kind: str) -> str:
    """ "not a label" when a transaction's type names money rather than a label, else ""."""
    words = _WORD.findall(kind.lower())
    if any(word in _A_LABEL for word in words):
        return ""  # `Store Credit Replacement`, `Label (credit card)`: a label, however paid
    return "not a label" if any(word in _NOT_A_LABEL for word in words) else ""


# A summary block's row: a worded label (`Shipments`, `Units shipped:`), then only short figures.
_LABEL = re.compile(r"^[A-Za-z][A-Za-z ()/:.-]*$")
_FIGURE = re.compile(r"^[$€£]?\s*-?[0-9][0-9.,]{0,8}\s*%?$")


def is_summary_row(cells: Sequence[str], order: str = "") -> bool:
    """`Total ...` first, one label cell (with a space: not an order) padded with empties, or a
    worded label (lower case in it: not an order reference) followed only by short figures.
    `order`: the row's order cell; a value there other than the label itself makes it an order
    (`Total Wine & More` in a company column beside its order reference)."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    if not filled or (order.strip() and order.strip() != filled[0]):
        return False
    if _SUMMARY.match(filled[0]):
        return True
    if len(filled) == 1:
        return " " in filled[0]
    label, figures = filled[0], filled[1:]
    return (
        bool(_LABEL.match(label))
        and any(c.islower() for c in label)
        and all(_FIGURE.match(figure) for figure in figures)
    )
