"""What a ledger with given rows tells the planner about an order (`LedgerView`).

Each case writes its rows to a real SQLite ledger in tmp_path (as the sender does, in order) and
states what the view then says: which boxes are done, in doubt or uncertain, and the quantities
that exist or may exist. The damaged-file cases are in tests/test_ledger_damage.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from fwfulfill.sending.ledger import Ledger, LedgerView
from tests.unit.shop import UPS, UPS_2, order_id, sent, variant_id

ORDER = "AAAA1111"
SHOP = "sh_1"
Row = tuple[str, str, Sequence[tuple[str, int]]]  # tracking number, state, items


@dataclass(frozen=True)
class Says:
    """What the view says about ORDER, per variant by SKU and per box by tracking number."""

    done: Sequence[str] = ()
    uncertain: Sequence[str] = ()  # held back: not sent again unless the user asks
    in_doubt: dict[str, dict[str, int]] | None = None  # box -> the items it was sent with
    created: dict[str, int] | None = None  # certainly exist
    fulfilled: dict[str, int] | None = None  # exist or may exist
    recheck_asked: Sequence[str] = ()


CASES: list[tuple[str, list[Row], bool, Says]] = [
    ("nothing recorded", [], False, Says()),
    (
        "created",
        [(UPS, "created", [("TEE", 2)])],
        False,
        Says(done=[UPS], created={"TEE": 2}, fulfilled={"TEE": 2}),
    ),
    (
        "already existing counts as created",
        [(UPS, "already_exists", [("TEE", 1), ("MUG", 1)])],
        False,
        Says(done=[UPS], created={"TEE": 1, "MUG": 1}, fulfilled={"TEE": 1, "MUG": 1}),
    ),
    (
        "left sending by a crash is in doubt",
        [(UPS, "sending", [("TEE", 1)])],
        False,
        Says(in_doubt={UPS: {"TEE": 1}}, fulfilled={"TEE": 1}),
    ),
    (
        "answer lost is in doubt",
        [(UPS, "sending", [("TEE", 1)]), (UPS, "in_doubt", [("TEE", 1)])],
        False,
        Says(in_doubt={UPS: {"TEE": 1}}, fulfilled={"TEE": 1}),
    ),
    (
        "uncertain is held back and may exist",
        [(UPS, "uncertain", [("TEE", 1)])],
        False,
        Says(uncertain=[UPS], fulfilled={"TEE": 1}),
    ),
    (
        "uncertain with --recheck-uncertain is re-checked like one in doubt",
        [(UPS, "uncertain", [("TEE", 1)])],
        True,
        Says(in_doubt={UPS: {"TEE": 1}}, fulfilled={"TEE": 1}, recheck_asked=[UPS]),
    ),
    ("failed takes nothing", [(UPS, "failed", [("TEE", 1)])], False, Says()),
    ("stopped before sending takes nothing", [(UPS, "not_sent", [("TEE", 1)])], False, Says()),
    (
        "the last state of a box wins",
        [(UPS, "sending", [("TEE", 1)]), (UPS, "created", [("TEE", 1)])],
        False,
        Says(done=[UPS], created={"TEE": 1}, fulfilled={"TEE": 1}),
    ),
    (
        "boxes add up per variant",
        [
            (UPS, "created", [("TEE", 1)]),
            (UPS_2, "in_doubt", [("TEE", 1), ("MUG", 1)]),
        ],
        False,
        Says(
            done=[UPS],
            in_doubt={UPS_2: {"TEE": 1, "MUG": 1}},
            created={"TEE": 1},
            fulfilled={"TEE": 2, "MUG": 1},
        ),
    ),
]


def ledger_with(path: Path, rows: Sequence[Row]) -> Ledger:
    ledger = Ledger(path, busy_timeout=1)
    run = ledger.start_run(SHOP, "test")
    for tracking, state, items in rows:
        ledger.record(SHOP, run, sent(ORDER, tracking, items), state)
    return ledger


def by_sku(quantities: dict[str, int] | None) -> dict[str, int]:
    names = {variant_id(sku): sku for sku in ("TEE", "MUG")}
    return {names[variant]: quantity for variant, quantity in (quantities or {}).items()}


@pytest.mark.parametrize(
    ("rows", "recheck", "says"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_ledger_view(tmp_path: Path, rows: list[Row], recheck: bool, says: Says) -> None:
    with ledger_with(tmp_path / "ledger.sqlite3", rows) as ledger:
        view = ledger.view(SHOP, [order_id(ORDER)], recheck_uncertain=recheck)
    oid = order_id(ORDER)
    boxes = (UPS, UPS_2)
    assert [t for t in boxes if view.is_done(oid, t)] == list(says.done)
    assert [t for t in boxes if view.is_uncertain(oid, t)] == list(says.uncertain)
    assert [t for t in boxes if view.recheck_asked(oid, t)] == list(says.recheck_asked)
    doubts = {t: by_sku(view.sent_items(oid, t)) for t in boxes if view.sent_items(oid, t)}
    assert doubts == (says.in_doubt or {})
    assert by_sku(view.created_quantities(oid)) == (says.created or {})
    assert by_sku(view.fulfilled_quantities(oid)) == (says.fulfilled or {})


def test_a_box_being_rechecked_does_not_count_as_fulfilled(tmp_path: Path) -> None:
    rows: list[Row] = [(UPS, "created", [("TEE", 1)]), (UPS_2, "in_doubt", [("TEE", 1)])]
    with ledger_with(tmp_path / "ledger.sqlite3", rows) as ledger:
        view = ledger.view(SHOP, [order_id(ORDER)])
    assert by_sku(view.fulfilled_quantities(order_id(ORDER), except_tracking=[UPS_2])) == {"TEE": 1}


def test_recorded_box_keeps_its_items_skus_and_fulfillment_id(tmp_path: Path) -> None:
    planned = sent(ORDER, UPS, [("TEE", 2)])
    planned.fulfillment_id = "ful_123"
    with Ledger(tmp_path / "ledger.sqlite3", busy_timeout=1) as ledger:
        ledger.record(SHOP, ledger.start_run(SHOP, "test"), planned, "created")
        view = ledger.view(SHOP, [order_id(ORDER)])
    assert view.recorded_id(order_id(ORDER), UPS) == "ful_123"
    assert [
        (i.variant_id, i.sku, i.quantity) for i in view.recorded_items(order_id(ORDER), UPS)
    ] == [(variant_id("TEE"), "TEE", 2)]
    assert view.recorded_items(order_id(ORDER), UPS_2) == []


def test_view_by_references_finds_an_order_by_friendly_id_or_uuid(tmp_path: Path) -> None:
    with ledger_with(tmp_path / "ledger.sqlite3", [(UPS, "created", [("TEE", 1)])]) as ledger:
        by_friendly = ledger.view_by_references(SHOP, [ORDER])
        by_uuid = ledger.view_by_references(SHOP, [order_id(ORDER)])
        other_shop = ledger.view_by_references("sh_2", [ORDER])
    assert by_friendly.order_id_for(ORDER) == order_id(ORDER)
    assert by_uuid.order_id_for(order_id(ORDER)) == order_id(ORDER)
    assert by_friendly.is_done(order_id(ORDER), UPS)
    assert other_shop.order_id_for(ORDER) is None  # each shop has its own memory


def test_another_shops_rows_are_not_seen(tmp_path: Path) -> None:
    with ledger_with(tmp_path / "ledger.sqlite3", [(UPS, "created", [("TEE", 1)])]) as ledger:
        view = ledger.view("sh_2", [order_id(ORDER)])
    assert isinstance(view, LedgerView)
    assert not view.is_done(order_id(ORDER), UPS)
    assert view.fulfilled_quantities(order_id(ORDER)) == {}
