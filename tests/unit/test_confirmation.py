"""What the confirmation counts and shows, from a plan (no shop, no terminal)."""

from __future__ import annotations

from fwfulfill.cli.confirmation import customers, items_summary
from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem


def box(order: str, email: str | None, *items: PlannedItem) -> PlannedFulfillment:
    return PlannedFulfillment(
        order,
        "9400111899223817654503",
        "USPS",
        list(items),
        friendly_id=order,
        customer_email=email,
    )


def test_customers_are_distinct_emails_and_an_order_without_one_counts_once() -> None:
    boxes = [
        box("AAAA1111", "mia@example.com"),
        box("AAAA1111", "mia@example.com"),  # two boxes of one order: one email
        box("BBBB2222", " MIA@example.com "),  # the same person's second order
        box("CCCC3333", None),
        box("CCCC3333", None),
        box("DDDD4444", ""),
    ]
    assert customers(boxes) == 3


def test_items_on_one_line_by_sku_else_variant() -> None:
    planned = box(
        "AAAA1111",
        None,
        PlannedItem("v-1", 2, sku="TEE-BLK-M"),
        PlannedItem("v-2", 1, sku="MUG"),
        PlannedItem("3f1c0000-0000-0000-0000-000000000000", 1),
    )
    assert items_summary(planned) == "TEE-BLK-M x2, MUG x1, 3f1c0000-0000-0000-0000-000000000000 x1"
