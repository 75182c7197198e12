"""The planner alone: drafts + the shop's orders + what the ledger says -> the plan.

Each case states its orders, its boxes and its ledger rows beside the plan it expects, one line per
box: `status ITEMS [whole] [in-doubt] [recheck] [error-code]`. No HTTP, no CLI: a failure here is
the planner's. The same rules end to end (CSV -> sandbox) are in tests/test_csv_rules.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest

from fwfulfill.api.models import Order
from fwfulfill.error_codes import Severity
from fwfulfill.planning.multi_box import MultiBox
from fwfulfill.planning.plan import Plan, Problem
from fwfulfill.planning.planner import (
    Draft,
    InputProblem,
    build_plan,
    offline_plan,
    problem,
    split_recorded,
)
from fwfulfill.sending.ledger import LedgerEntry, LedgerView
from tests.unit.shop import UPS, UPS_2, UPS_3, box, order, order_id, recorded, variant_id

TEES = order("AAAA1111", ("TEE", 3))
TEE_AND_MUG = order("BBBB2222", ("TEE", 2), ("MUG", 1))
TWIN_SKUS = order("CCCC3333", ("TEE", 1, "tee-black"), ("TEE", 1, "tee-white"))
CANCELLED = order("DDDD4444", ("TEE", 1), status="CANCELLED")
SHIPPED = order("EEEE5555", ("TEE", 1), status="SHIPPED")
PARTLY_SHIPPED = order("FFFF6666", ("TEE", 2), status="PARTIALLY_SHIPPED")
SHOP = (TEES, TEE_AND_MUG, TWIN_SKUS, CANCELLED, SHIPPED, PARTLY_SHIPPED)


@dataclass(frozen=True)
class Case:
    name: str
    boxes: Sequence[Draft]
    expect: dict[str, str]  # tracking number -> `status ITEMS [flags] [error]`
    problems: Sequence[str] = ()  # `code@lines`, in any order
    ledger: Sequence[LedgerEntry] = ()
    recheck_uncertain: bool = False
    orders: Sequence[Order] = field(default=SHOP)
    multi_box: MultiBox = MultiBox.REFUSE


def plan_of(case: Case) -> Plan:
    """The plan as `from-csv` builds it: each reference key looked up among the shop's orders."""
    found = {}
    for draft in case.boxes:
        match = [o for o in case.orders if draft.order.key in (o.id, o.friendly_id)]
        if match:
            found[draft.order.key] = match[0]
    view = LedgerView(case.ledger, recheck_uncertain=case.recheck_uncertain)
    return build_plan(case.boxes, found, history=view, multi_box=case.multi_box)


def described(plan: Plan) -> dict[str, str]:
    shown = {}
    for planned in plan.fulfillments:
        items = ",".join(f"{item.sku or item.variant_id}:{item.quantity}" for item in planned.items)
        words = [planned.status.value, items or "-"]
        words += ["whole"] if planned.whole_remainder else []
        words += ["in-doubt"] if planned.previously_in_doubt else []
        words += ["recheck"] if planned.recheck_asked else []
        words += [planned.error_code] if planned.error_code else []
        shown[planned.tracking_number] = " ".join(words)
    return shown


def codes(plan: Plan) -> list[str]:
    return sorted(f"{p.code}@{','.join(map(str, p.lines))}" for p in plan.problems)


CASES = [
    # ---- quantities over what is left (rule 3)
    Case("part of an order", [box("AAAA1111", UPS, "TEE:2")], {UPS: "planned TEE:2"}),
    Case("all of an order", [box("AAAA1111", UPS, "TEE:3")], {UPS: "planned TEE:3 whole"}),
    Case(
        "more than ordered",
        [box("AAAA1111", UPS, "TEE:4")],
        {UPS: "blocked TEE:4 quantity_exceeds_order"},
        ["quantity_exceeds_order@2"],
    ),
    Case(
        # and the box of all three is not whole: another box shares its variant
        "two boxes summed over what was ordered",
        [box("AAAA1111", UPS, "TEE:3", line=2), box("AAAA1111", UPS_2, "TEE:1", line=3)],
        {
            UPS: "blocked TEE:3 quantity_exceeds_order",
            UPS_2: "blocked TEE:1 quantity_exceeds_order",
        },
        ["quantity_exceeds_order@2,3"],
    ),
    Case(
        "what fwfulfill created is no longer left",
        [box("AAAA1111", UPS_2, "TEE:2")],
        {UPS_2: "blocked TEE:2 quantity_exceeds_order"},
        ["quantity_exceeds_order@2"],
        ledger=[recorded("AAAA1111", UPS, "created", [("TEE", 2)])],
    ),
    Case(
        "the rest after a created box is whole",
        [box("AAAA1111", UPS_2, "TEE:1")],
        {UPS_2: "planned TEE:1 whole"},
        ledger=[recorded("AAAA1111", UPS, "created", [("TEE", 2)])],
    ),
    Case(
        "a failed send takes nothing",
        [box("AAAA1111", UPS_2, "TEE:3")],
        {UPS_2: "planned TEE:3 whole"},
        ledger=[recorded("AAAA1111", UPS, "failed", [("TEE", 2)])],
    ),
    # ---- SKU resolution (rule 2)
    Case("SKU in any case", [box("AAAA1111", UPS, "tee:1")], {UPS: "planned TEE:1"}),
    Case(
        "variant id instead of SKU",
        [box("AAAA1111", UPS, f"{variant_id('TEE')}:3")],
        {UPS: "planned TEE:3 whole"},
    ),
    Case(
        "a SKU not on the order",
        [box("AAAA1111", UPS, "MUG:1")],
        {UPS: "blocked - variant_not_on_order"},
        ["variant_not_on_order@2"],
    ),
    Case(
        "a SKU two variants share",
        [box("CCCC3333", UPS, "TEE:1")],
        {UPS: "blocked - sku_ambiguous"},
        ["sku_ambiguous@2"],
    ),
    Case(
        "a shared SKU named by variant id",
        [box("CCCC3333", UPS, f"{variant_id('tee-white')}:1")],
        {UPS: "planned TEE:1 whole"},
    ),
    # ---- whole-order boxes (rule 4) and ambiguous boxes
    Case("a box without items", [box("BBBB2222", UPS)], {UPS: "planned TEE:2,MUG:1 whole"}),
    Case(
        "a box without items after a created one",
        [box("BBBB2222", UPS_2)],
        {UPS_2: "planned TEE:1,MUG:1 whole"},
        ledger=[recorded("BBBB2222", UPS, "created", [("TEE", 1)])],
    ),
    Case(
        "a box without items beside one with items",
        [box("BBBB2222", UPS, "TEE:1", line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "planned TEE:1", UPS_2: "planned TEE:1,MUG:1"},
    ),
    Case(
        "a box without items when nothing is left",
        [box("AAAA1111", UPS_2)],
        {UPS_2: "blocked - nothing_left"},
        ["nothing_left@2"],
        ledger=[recorded("AAAA1111", UPS, "created", [("TEE", 3)])],
    ),
    Case(
        "two boxes without items",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "blocked - ambiguous_packages", UPS_2: "blocked - ambiguous_packages"},
        ["ambiguous_packages@2,3"],
    ),
    # ---- --multi-box first: one label per order, the first box takes everything left
    Case(
        "multi-box first: the first box takes the whole remainder, the others are warned about",
        [
            box("BBBB2222", UPS, line=2),
            box("BBBB2222", UPS_2, line=3),
            box("BBBB2222", UPS_3, line=4),
        ],
        {UPS: "planned TEE:2,MUG:1 whole"},
        ["multi_box_first@3,4"],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: the first box in file order, whatever its number",
        [box("BBBB2222", UPS_2, line=2), box("BBBB2222", UPS, line=3)],
        {UPS_2: "planned TEE:2,MUG:1 whole"},
        ["multi_box_first@3"],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: boxes with items first, the first box without items takes the rest",
        [
            box("BBBB2222", UPS, "TEE:1", line=2),
            box("BBBB2222", UPS_2, line=3),
            box("BBBB2222", UPS_3, line=4),
        ],
        {UPS: "planned TEE:1", UPS_2: "planned TEE:1,MUG:1"},
        ["multi_box_first@4"],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: a re-run after the first box was created sends nothing more",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "skipped TEE:2,MUG:1"},
        ["already_fulfilled@2", "multi_box_first@3"],
        ledger=[recorded("BBBB2222", UPS, "created", [("TEE", 2), ("MUG", 1)])],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: a first box in doubt is re-checked whole, the others still not sent",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "planned TEE:2,MUG:1 whole in-doubt"},
        ["multi_box_first@3"],
        ledger=[recorded("BBBB2222", UPS, "sending", [("TEE", 2), ("MUG", 1)])],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: a first box left uncertain is held, the others still not sent",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "uncertain TEE:2,MUG:1 OUTCOME_UNCERTAIN"},
        ["multi_box_first@3"],
        ledger=[recorded("BBBB2222", UPS, "uncertain", [("TEE", 2), ("MUG", 1)])],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box first: a box sent with items earlier leaves the rest to the next new box",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=2)],
        {UPS: "skipped TEE:2", UPS_2: "planned MUG:1 whole"},
        ["already_fulfilled@2"],
        ledger=[recorded("BBBB2222", UPS, "created", [("TEE", 2)])],
        multi_box=MultiBox.FIRST,
    ),
    Case(
        "multi-box refuse (the default) still refuses two new boxes without items",
        [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)],
        {UPS: "blocked - ambiguous_packages", UPS_2: "blocked - ambiguous_packages"},
        ["ambiguous_packages@2,3"],
        multi_box=MultiBox.REFUSE,
    ),
    # ---- order states
    Case(
        "a cancelled order",
        [box("DDDD4444", UPS, "TEE:1")],
        {UPS: "blocked TEE:1 whole order_cancelled"},
        ["order_cancelled@2"],
    ),
    Case(
        "a shipped order is warned about, not refused",
        [box("EEEE5555", UPS, "TEE:1")],
        {UPS: "planned TEE:1 whole"},
        ["order_already_shipped@2"],
    ),
    Case(
        "a box without items on a partly shipped order",
        [box("FFFF6666", UPS)],
        {UPS: "planned TEE:2 whole"},
        ["whole_order_partly_shipped@2"],
    ),
    Case(
        "an order the shop does not have",
        [box("ZZZZ9999", UPS, "TEE:1")],
        {UPS: "blocked - order_not_found"},
        ["order_not_found@2"],
    ),
    # ---- per-order atomicity (rule 7): one error holds back every box of the order
    Case(
        "an error on one box holds back the other",
        [box("AAAA1111", UPS, "TEE:1", line=2), box("AAAA1111", UPS_2, "MUG:1", line=3)],
        {UPS: "blocked TEE:1 order_has_errors", UPS_2: "blocked - variant_not_on_order"},
        ["order_has_errors@2", "variant_not_on_order@3"],
    ),
    Case(
        "the same order by friendly id and by UUID is one order",
        [
            box("#aaaa1111", UPS, "TEE:1", line=2),
            box(order_id("AAAA1111"), UPS_2, "NOPE:1", line=3),
        ],
        {UPS: "blocked TEE:1 order_has_errors", UPS_2: "blocked - variant_not_on_order"},
        ["order_has_errors@2", "variant_not_on_order@3"],
    ),
    Case(
        "one box named by friendly id and by UUID is one box",
        [box("AAAA1111", UPS, "TEE:1", line=2), box(order_id("AAAA1111"), UPS, "TEE:1", line=3)],
        {UPS: "planned TEE:2"},
    ),
    Case(
        "an error of another order holds back nothing here",
        [box("AAAA1111", UPS, "TEE:1", line=2), box("BBBB2222", UPS_2, "CAP:1", line=3)],
        {UPS: "planned TEE:1", UPS_2: "blocked - variant_not_on_order"},
        ["variant_not_on_order@3"],
    ),
    # ---- what the ledger already knows
    Case(
        "an already sent tracking number is skipped",
        [box("AAAA1111", UPS, "TEE:1", line=2), box("AAAA1111", UPS_2, "TEE:1", line=3)],
        {UPS: "skipped TEE:1", UPS_2: "planned TEE:1"},
        ["already_fulfilled@2"],
        ledger=[recorded("AAAA1111", UPS, "created", [("TEE", 1)])],
    ),
    Case(
        "an already existing one is skipped too",
        [box("AAAA1111", UPS)],
        {UPS: "skipped TEE:3"},
        ["already_fulfilled@2"],
        ledger=[recorded("AAAA1111", UPS, "already_exists", [("TEE", 3)])],
    ),
    Case(
        "an uncertain one is held, not planned",
        [box("AAAA1111", UPS, "TEE:1")],
        {UPS: "uncertain TEE:1 OUTCOME_UNCERTAIN"},
        ledger=[recorded("AAAA1111", UPS, "uncertain", [("TEE", 1)])],
    ),
    Case(
        "an uncertain one the user asked to recheck",
        [box("AAAA1111", UPS, "TEE:1")],
        {UPS: "planned TEE:1 in-doubt recheck"},
        ledger=[recorded("AAAA1111", UPS, "uncertain", [("TEE", 1)])],
        recheck_uncertain=True,
    ),
    Case(
        "an in-doubt box is re-planned with the items it was sent with",
        [box("BBBB2222", UPS)],
        {UPS: "planned TEE:1 in-doubt"},
        ledger=[recorded("BBBB2222", UPS, "in_doubt", [("TEE", 1)])],
    ),
    Case(
        "an in-doubt box that took all that is left is whole",
        [box("AAAA1111", UPS)],
        {UPS: "planned TEE:3 whole in-doubt"},
        ledger=[recorded("AAAA1111", UPS, "sending", [("TEE", 3)])],
    ),
    # ---- whole_remainder: all that is left of each variant, and no other box shares one
    Case(
        "two boxes sharing a variant are both partial",
        [box("AAAA1111", UPS, "TEE:1", line=2), box("AAAA1111", UPS_2, "TEE:2", line=3)],
        {UPS: "planned TEE:1", UPS_2: "planned TEE:2"},
    ),
    Case(
        "two boxes of different variants are each whole",
        [box("BBBB2222", UPS, "TEE:2", line=2), box("BBBB2222", UPS_2, "MUG:1", line=3)],
        {UPS: "planned TEE:2 whole", UPS_2: "planned MUG:1 whole"},
    ),
    Case(
        "all of one variant but part of another is partial",
        [box("BBBB2222", UPS, "TEE:1", "MUG:1")],
        {UPS: "planned TEE:1,MUG:1"},
    ),
    Case(
        "an uncertain box never makes the next one whole",
        [box("AAAA1111", UPS_2, "TEE:2")],
        {UPS_2: "planned TEE:2"},
        ledger=[recorded("AAAA1111", UPS, "uncertain", [("TEE", 1)])],
    ),
    Case(
        "an in-doubt box never makes the next one whole",
        [box("AAAA1111", UPS_2, "TEE:2")],
        {UPS_2: "planned TEE:2"},
        ledger=[recorded("AAAA1111", UPS, "in_doubt", [("TEE", 1)])],
    ),
    Case(
        "a box of an order with a shared tracking number is warned about",
        [box("AAAA1111", UPS_3, "TEE:3", line=2), box("BBBB2222", UPS_3, line=3)],
        {UPS_3: "planned TEE:2,MUG:1 whole"},  # the last one of the tracking number shown
        ["shared_tracking@2,3"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_planner(case: Case) -> None:
    plan = plan_of(case)
    assert described(plan) == case.expect
    assert codes(plan) == sorted(case.problems)


def test_shared_tracking_number_plans_both_orders() -> None:
    # `described` keys by tracking number; this case has two fulfillments on one number.
    plan = plan_of(CASES[-1])
    assert sorted(f.order_label for f in plan.fulfillments) == ["AAAA1111", "BBBB2222"]


def test_problem_severity_comes_from_the_code() -> None:
    cases = {
        "quantity_exceeds_order": Severity.ERROR,
        "shared_tracking": Severity.WARNING,
        "order_already_shipped": Severity.WARNING,
        "duplicate_row": Severity.WARNING,
        "already_fulfilled": Severity.INFO,
        "skipped_row": Severity.INFO,
    }
    assert {code: problem(code, "m").severity for code in cases} == cases


# ---- split_recorded: orders whose every box is done are not even looked up ----------------------

SPLIT = [
    ("every box done", [UPS], [UPS], [], [UPS]),
    ("one box done of two", [UPS, UPS_2], [UPS], [UPS, UPS_2], []),
    ("nothing recorded", [UPS], [], [UPS], []),
]


@pytest.mark.parametrize(
    ("boxes", "done", "to_plan", "skipped"), [c[1:] for c in SPLIT], ids=[c[0] for c in SPLIT]
)
def test_split_recorded(
    boxes: list[str], done: list[str], to_plan: list[str], skipped: list[str]
) -> None:
    drafts = [box("aaaa1111", number) for number in boxes]
    view = LedgerView([recorded("AAAA1111", number, "created", [("TEE", 1)]) for number in done])
    remaining, recorded_boxes = split_recorded(drafts, view)
    assert [d.tracking_number for d in remaining] == to_plan
    assert [(f.tracking_number, f.status.value) for f in recorded_boxes] == [
        (number, "skipped") for number in skipped
    ]
    assert all(f.order_id == order_id("AAAA1111") for f in recorded_boxes)


# ---- offline_plan: the file alone, no order read -------------------------------------------------

OFFLINE = [
    (
        "boxes as written",
        [box("AAAA1111", UPS, "TEE:2"), box("BBBB2222", UPS_2)],
        [],
        {UPS: "planned TEE:2", UPS_2: "planned -"},
    ),
    (
        "a bad row holds back its order",
        [box("AAAA1111", UPS, "TEE:2", line=2), box("BBBB2222", UPS_2, line=4)],
        [("AAAA1111", "invalid_quantity", 3)],
        {UPS: "blocked TEE:2 invalid_quantity", UPS_2: "planned -"},
    ),
    (
        "a warning holds back nothing",
        [box("AAAA1111", UPS, "TEE:2")],
        [("AAAA1111", "tracking_check_digit", 2)],
        {UPS: "planned TEE:2"},
    ),
]


@pytest.mark.parametrize(
    ("boxes", "found", "expect"), [c[1:] for c in OFFLINE], ids=[c[0] for c in OFFLINE]
)
def test_offline_plan(
    boxes: list[Draft], found: list[tuple[str, str, int]], expect: dict[str, str]
) -> None:
    problems = [
        InputProblem(problem(code, "m", [line]), box(ref, UPS).order) for ref, code, line in found
    ]
    plan = offline_plan(boxes, problems)
    assert described(plan) == expect
    assert [p.code for p in plan.problems] == [code for _, code, _ in found]
    assert all(isinstance(p, Problem) for p in plan.problems)


@pytest.mark.parametrize(
    ("multi_box", "expect", "problem_codes"),
    [
        (
            MultiBox.REFUSE,
            {UPS: "planned -", UPS_2: "planned -"},
            ["ambiguous_packages_offline@2,3"],
        ),
        (MultiBox.FIRST, {UPS: "planned -"}, ["multi_box_first@3"]),
    ],
    ids=["refuse warns instead of staying silent", "first plans only the first box"],
)
def test_offline_plan_flags_several_boxes_without_items(
    multi_box: MultiBox, expect: dict[str, str], problem_codes: list[str]
) -> None:
    boxes = [box("BBBB2222", UPS, line=2), box("BBBB2222", UPS_2, line=3)]
    plan = offline_plan(boxes, [], multi_box)
    assert described(plan) == expect
    assert codes(plan) == problem_codes
    assert all(p.severity is Severity.WARNING for p in plan.problems)
