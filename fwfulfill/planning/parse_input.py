"""Parsing what users write for orders, items and quantities (CSV-NOTES.md rules 1 and 2).

Pure functions, no I/O: each raises `InputError` with a code from the catalogue and a message
that says what to fix. Order references are never read as numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from uuid import UUID

from fwfulfill.errors import InputError
from fwfulfill.tracking.excel import looks_like_scientific_notation

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
# Something that tries to be a UUID (hex groups and dashes) but is not one.
_UUID_ATTEMPT = re.compile(r"^[0-9A-Z]+(-[0-9A-Z]+){3,}$", re.IGNORECASE)
_FRIENDLY_ID = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,63}$")
_MAX_FRIENDLY_ID = 64  # characters, as _FRIENDLY_ID allows
_MAX_QUANTITY = 1_000_000


def is_uuid(text: str) -> bool:
    return bool(_UUID.match(text.strip()))


def is_friendly_id(upper: str) -> bool:
    """Whether upper-cased text is shaped as a friendly id may be (what `parse_order_reference`
    accepts as one)."""
    return bool(_FRIENDLY_ID.match(upper))


@dataclass(frozen=True, slots=True)
class OrderReference:
    """An order as the user named it: by UUID (`id`) or by friendly id."""

    text: str  # as written
    order_id: str | None = None
    friendly_id: str | None = None

    @property
    def key(self) -> str:
        return self.order_id or self.friendly_id or ""

    def __str__(self) -> str:
        return self.friendly_id or self.order_id or self.text


def parse_order_reference(text: str, target: str | None = None) -> OrderReference:
    """Trim, drop a leading `#`, upper-case; a UUID is an order id, anything else a friendly id."""
    cleaned = text.strip()
    if cleaned.startswith("#"):
        cleaned = cleaned[1:].strip()
    if not cleaned:
        raise InputError("missing_order", "the order reference is empty.", target=target)
    if cleaned.isascii() and cleaned.isalnum() and len(cleaned) <= _MAX_FRIENDLY_ID:
        # Letters and digits only: a friendly id (no UUID or Excel notation is without `-.,+`).
        upper = cleaned.upper()
        return OrderReference(text, friendly_id=cleaned if upper == cleaned else upper)
    if looks_like_scientific_notation(cleaned):
        raise InputError(
            "excel_scientific_notation",
            f"order reference {cleaned!r} was turned into scientific notation by Excel; the "
            "real order number is lost. Re-export with the order column formatted as Text.",
            target=target,
        )
    if _UUID.match(cleaned):
        return OrderReference(text, order_id=str(UUID(cleaned)))
    upper = cleaned.upper()
    if _UUID_ATTEMPT.match(upper) and len(upper) >= 20:
        raise InputError(
            "invalid_order_reference",
            f"{cleaned!r} looks like an order UUID but is not one (expected 8-4-4-4-12 hex "
            "digits).",
            target=target,
        )
    if not is_friendly_id(upper):
        raise InputError(
            "invalid_order_reference",
            f"{cleaned!r} is neither an order UUID nor a friendly id.",
            target=target,
        )
    return OrderReference(text, friendly_id=upper)


def parse_quantity(text: str, target: str | None = None) -> int:
    """A whole number >= 1; `1.0` is fine, `0`, `-1`, `1.5`, blank and words are not."""
    cleaned = text.strip()
    if (
        cleaned.isascii()
        and cleaned.isdigit()
        and len(cleaned) <= 7  # no more digits than _MAX_QUANTITY has
        and 1 <= int(cleaned) <= _MAX_QUANTITY
    ):
        return int(cleaned)  # the common case, without the Decimal below
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not cleaned or not value.is_finite() or value != value.to_integral_value() or value < 1:
        shown = repr(cleaned) if cleaned else "blank"
        raise InputError(
            "invalid_quantity",
            f"quantity {shown} is not a whole number of 1 or more.",
            target=target,
        )
    if value > _MAX_QUANTITY:
        raise InputError(
            "invalid_quantity", f"quantity {cleaned} is implausibly large.", target=target
        )
    return int(value)


@dataclass(frozen=True, slots=True)
class ItemReference:
    """An item as the user named it: a variant UUID or a SKU, and a quantity."""

    text: str
    quantity: int
    variant_id: str | None = None
    sku: str | None = None

    def __str__(self) -> str:
        return self.sku or self.variant_id or self.text


def parse_item(text: str, target: str | None = None, *, default_quantity: int = 1) -> ItemReference:
    """`VARIANT[:QTY]`, VARIANT a variant UUID or a SKU."""
    reference, separator, quantity_text = text.strip().rpartition(":")
    if not separator:
        reference, quantity_text = text.strip(), ""
    reference = reference.strip()
    if not reference:
        raise InputError(
            "invalid_variant",
            f"{text!r} names no item.",
            target=target,
        )
    quantity = parse_quantity(quantity_text, target) if separator else default_quantity
    return item_reference(reference, quantity, text=text)


def item_reference(reference: str, quantity: int, *, text: str | None = None) -> ItemReference:
    reference = reference.strip()
    if _UUID.match(reference):
        return ItemReference(text or reference, quantity, variant_id=str(UUID(reference)))
    return ItemReference(text or reference, quantity, sku=reference)
