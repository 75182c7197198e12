"""An in-doubt fulfillment is re-sent only when a duplicate is impossible (issue 9, "Severe: an
in-doubt re-send can create a second fulfillment").

The rule (API-NOTES.md, "Safety facts"): a POST whose answer is lost is re-sent automatically only
when its box takes everything still left of each of its variants; then a committed first attempt
makes the re-send fail with QUANTITY_TO_HIGH, whatever Fourthwall's duplicate check does. Any other
box is `uncertain` at once and is sent again only by `--recheck-uncertain`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.error_codes import lookup
from tests.conftest import Cli, RunningSandbox, write_csv
from tests.sandbox.shop import order, prior, seed

POSTS = "POST /open-api/v1.0/fulfillments"


def test_issue_9_scenario_a_partial_box_whose_answer_was_dropped_is_never_doubled(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # The issue's exact run: drop=0.5,seed=8 drops the first POST's answer after it committed, in
    # a shop that never answers ALREADY_EXISTS. The box takes 1 of the 3 tees: partial.
    shop = start_sandbox(
        seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 3))),
        commit_drop_rate=0.5,
        random_seed=8,
        already_exists_on="never",
    )
    file = write_csv(
        tmp_path / "one.csv",
        [
            ["order", "sku", "quantity", "carrier", "tracking_number"],
            ["D3XZFWPP", "TEE-BLK-M", "1", "UPS", "1Z999AA10123456202"],
        ],
    )
    result = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())
    tracked = [f for f in shop.fulfillments() if f["trackingNumber"] == "1Z999AA10123456202"]
    assert len(tracked) == 1, result
    assert result.exit_code == 6, result
    (box,) = result.json()["fulfillments"]
    assert box["status"] == "uncertain"
    told = box["error"]["message"]
    assert "second fulfillment" in told
    assert "dashboard" in told
    assert "--recheck-uncertain" in told
    assert shop.stats()["requests"][POSTS] == 1


def test_uncertain_catalogue_entry_says_what_happened_and_what_to_do() -> None:
    entry = lookup("OUTCOME_UNCERTAIN")
    assert "answer was lost" in entry.explanation
    assert "not sent again" in entry.explanation
    assert "email the customer twice" in entry.explanation
    assert "dashboard" in entry.hint
    assert "--recheck-uncertain" in entry.hint


# ---- The matrix: {whole-remainder, partial} x {ALREADY_EXISTS on same tracking, never} x fault --

TRACKING = "1Z999AA10123456202"
HEADER = ["order", "sku", "quantity", "carrier", "tracking_number"]
THREE_TEES = seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 3)))


def one_box(tmp_path: Path, quantity: int) -> Path:
    rows = [HEADER, ["D3XZFWPP", "TEE-BLK-M", str(quantity), "UPS", TRACKING]]
    return write_csv(tmp_path / "one.csv", rows)


def first_commit_fails(start_sandbox: Any, fault: str, already_exists_on: str) -> RunningSandbox:
    """A shop whose first POST /fulfillments commits, then loses its answer by `fault`."""
    shop: RunningSandbox = start_sandbox(
        THREE_TEES,
        commit_fault_first=1,
        commit_fault_kind=fault,
        stall_seconds=1.0,
        already_exists_on=already_exists_on,
    )
    return shop


def in_shop(shop: RunningSandbox, tracking: str = TRACKING) -> int:
    return len([f for f in shop.fulfillments() if f["trackingNumber"] == tracking])


def posts(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get(POSTS, 0))


# (box, already_exists_on) -> outcome of the first run, exit code, POSTs sent
EXPECTED = {
    # The one re-send finds it: same tracking on the order -> ALREADY_EXISTS.
    ("whole", "tracking"): ("already_exists", 0, 2),
    # The one re-send asks for 3 where 0 are left -> QUANTITY_TO_HIGH -> uncertain, not doubled.
    ("whole", "never"): ("uncertain", 6, 2),
    # A re-send of 1 of 3 could succeed a second time: uncertain at once, no second POST.
    ("partial", "tracking"): ("uncertain", 6, 1),
    ("partial", "never"): ("uncertain", 6, 1),
}


MATRIX = [
    (box, already_exists_on, fault)
    for box in ("whole", "partial")
    for already_exists_on in ("tracking", "never")
    for fault in ("drop", "stall", "5xx")
]


@pytest.mark.parametrize("case", MATRIX, ids=["-".join(case) for case in MATRIX])
def test_in_doubt_matrix_never_two_fulfillments_for_one_box(
    cli: Cli, start_sandbox: Any, tmp_path: Path, case: tuple[str, str, str]
) -> None:
    box, already_exists_on, fault = case
    shop = first_commit_fails(start_sandbox, fault, already_exists_on)
    file = one_box(tmp_path, 3 if box == "whole" else 1)
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": "0.3"}
    status, exit_code, sent = EXPECTED[(box, already_exists_on)]

    first = cli("from-csv", str(file), "--yes", "-o", "json", env=env)
    assert first.exit_code == exit_code, first
    (planned,) = first.json()["fulfillments"]
    assert planned["status"] == status
    if status == "uncertain":
        assert planned["error"]["code"] == "OUTCOME_UNCERTAIN"
        assert "--recheck-uncertain" in planned["error"]["message"]
    assert posts(shop) == sent
    assert in_shop(shop) == 1

    # A plain re-run of the same file sends nothing: done is skipped, uncertain is held back.
    again = cli("from-csv", str(file), "--yes", "-o", "json", env=env)
    assert again.exit_code == exit_code, again
    (held,) = again.json()["fulfillments"]
    assert held["status"] == ("skipped" if status == "already_exists" else "uncertain")
    assert posts(shop) == sent
    assert in_shop(shop) == 1


# ---- Whole remainder: what counts as "still left" ----


def test_boxes_sharing_a_variant_in_one_run_are_partial_and_never_doubled(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # Two boxes of one order sent at once; whichever commits first loses its answer. Neither takes
    # all that is left on its own (the other may or may not have landed yet): neither is re-sent.
    shop: RunningSandbox = start_sandbox(
        seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 4))),
        commit_fault_first=1,
        already_exists_on="never",
    )
    file = write_csv(
        tmp_path / "two.csv",
        [
            HEADER,
            ["D3XZFWPP", "TEE-BLK-M", "1", "UPS", "1Z999AA10123456202"],
            ["D3XZFWPP", "TEE-BLK-M", "2", "UPS", "1Z999AA10123456213"],
        ],
    )
    result = cli("from-csv", str(file), "--yes", "--concurrency", "2", "-o", "json", env=shop.env())
    assert result.exit_code == 6, result
    statuses = sorted(f["status"] for f in result.json()["fulfillments"])
    assert statuses == ["created", "uncertain"]
    assert posts(shop) == 2
    assert in_shop(shop, "1Z999AA10123456202") == in_shop(shop, "1Z999AA10123456213") == 1


def test_boxes_of_one_order_with_different_variants_are_each_whole_and_rechecked(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop: RunningSandbox = start_sandbox(
        seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 2), ("MUG-11OZ", 1))),
        commit_fault_first=1,
    )
    file = write_csv(
        tmp_path / "two.csv",
        [
            HEADER,
            ["D3XZFWPP", "TEE-BLK-M", "2", "UPS", "1Z999AA10123456202"],
            ["D3XZFWPP", "MUG-11OZ", "1", "UPS", "1Z999AA10123456213"],
        ],
    )
    result = cli("from-csv", str(file), "--yes", "--concurrency", "2", "-o", "json", env=shop.env())
    assert result.exit_code == 0, result
    statuses = sorted(f["status"] for f in result.json()["fulfillments"])
    assert statuses == ["already_exists", "created"]  # the lost one was re-sent and found
    assert posts(shop) == 3
    assert in_shop(shop, "1Z999AA10123456202") == in_shop(shop, "1Z999AA10123456213") == 1


def test_an_uncertain_box_that_never_landed_does_not_make_the_next_box_whole(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # Two tees ordered. Box A (1 tee) is uncertain from an earlier run, and did not land after all.
    # Box B (the other tee) looks like "all that is left" if A is counted as sent; it is not: with
    # A missing, a re-send of B would be accepted a second time. Only created boxes count.
    two_tees = seed(order("D3XZFWPP", "CONFIRMED", ("TEE-BLK-M", 2)))
    earlier = start_sandbox(two_tees, commit_fault_first=1, already_exists_on="never")
    box_a = write_csv(
        tmp_path / "a.csv", [HEADER, ["D3XZFWPP", "TEE-BLK-M", "1", "UPS", "1Z999AA10123456202"]]
    )
    first = cli("from-csv", str(box_a), "--yes", "-o", "json", env=earlier.env())
    assert first.json()["fulfillments"][0]["status"] == "uncertain"

    shop: RunningSandbox = start_sandbox(two_tees, commit_fault_first=1, already_exists_on="never")
    box_b = write_csv(
        tmp_path / "b.csv", [HEADER, ["D3XZFWPP", "TEE-BLK-M", "1", "UPS", "1Z999AA10123456213"]]
    )
    result = cli("from-csv", str(box_b), "--yes", "-o", "json", env=shop.env())
    assert result.exit_code == 6, result
    assert result.json()["fulfillments"][0]["status"] == "uncertain"
    assert posts(shop) == 1
    assert in_shop(shop, "1Z999AA10123456213") == 1


# ---- A `sending` row left by a crash ----


def crashed_while_sending(quantity: int) -> None:
    """The ledger as a run killed right after its POST leaves it: the box is `sending`."""
    from fwfulfill.planning.plan import PlannedFulfillment, PlannedItem
    from fwfulfill.sending.ledger import Ledger
    from tests.sandbox.shop import SHOP_ID, order_id, variant_id

    box = PlannedFulfillment(
        order_ref="D3XZFWPP",
        tracking_number=TRACKING,
        tracking_company="UPS",
        items=[PlannedItem(variant_id("TEE-BLK-M"), quantity, "TEE-BLK-M")],
        order_id=order_id("D3XZFWPP"),
        friendly_id="D3XZFWPP",
    )
    with Ledger() as ledger:
        ledger.record(SHOP_ID, ledger.start_run(SHOP_ID, "crashed run"), box, "sending")


def test_a_partial_box_left_sending_by_a_crash_is_uncertain_not_resent(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # The crashed run's POST went through; the shop never answers ALREADY_EXISTS.
    landed = dict(THREE_TEES, fulfillments=[prior("D3XZFWPP", TRACKING, ("TEE-BLK-M", 1))])
    shop: RunningSandbox = start_sandbox(landed, already_exists_on="never")
    crashed_while_sending(1)
    result = cli("from-csv", str(one_box(tmp_path, 1)), "--yes", "-o", "json", env=shop.env())
    assert result.exit_code == 6, result
    (box,) = result.json()["fulfillments"]
    assert box["status"] == "uncertain"
    assert "earlier run" in box["error"]["message"]
    assert posts(shop) == 0
    assert in_shop(shop) == 1
    (entry,) = cli.json("history", "D3XZFWPP")["fulfillments"]
    assert entry["state"] == "uncertain"  # and the next plain run holds it back too


def test_a_whole_remainder_box_left_sending_by_a_crash_is_rechecked_once(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    landed = dict(THREE_TEES, fulfillments=[prior("D3XZFWPP", TRACKING, ("TEE-BLK-M", 3))])
    shop: RunningSandbox = start_sandbox(landed, already_exists_on="never")
    crashed_while_sending(3)
    result = cli("from-csv", str(one_box(tmp_path, 3)), "--yes", "-o", "json", env=shop.env())
    (box,) = result.json()["fulfillments"]
    assert box["status"] == "uncertain"
    assert "0 left" in box["error"]["message"]  # the re-check was refused: nothing doubled
    assert posts(shop) == 1
    assert in_shop(shop) == 1


# ---- --recheck-uncertain: the user's explicit, warned choice ----


def test_recheck_uncertain_help_says_the_risk(cli: Cli) -> None:
    for command in ("from-csv", "create"):
        shown = " ".join(word for word in cli(command, "--help").stdout.split() if word != "│")
        assert "second fulfillment" in shown, command
        assert "email the customer twice" in shown, command
        assert "dashboard" in shown, command


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from fwfulfill.cli import confirmation
    from fwfulfill.cli import streams as output

    monkeypatch.setattr(confirmation, "is_terminal", lambda stream: True)
    monkeypatch.setattr(output, "is_terminal", lambda stream: True)


@pytest.mark.usefixtures("at_a_terminal")
def test_recheck_uncertain_confirmation_says_the_risk_and_sends_a_partial_box_once(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = first_commit_fails(start_sandbox, "drop", "never")
    file = one_box(tmp_path, 1)
    first = cli("from-csv", str(file), "--yes", "-o", "json", env=shop.env())
    assert first.json()["fulfillments"][0]["status"] == "uncertain"

    # The user looked: the box is not on the order (this shop never got it). Asked, it goes once.
    missing: RunningSandbox = start_sandbox(THREE_TEES, already_exists_on="never")
    declined = cli("from-csv", str(file), "--recheck-uncertain", input="n\n", env=missing.env())
    told = " ".join(declined.stderr.split())
    assert "1 of them sent again although they may already exist?" in told
    assert "second fulfillment and email the customer twice" in told
    assert posts(missing) == 0

    checked = cli(
        "from-csv", str(file), "--recheck-uncertain", "-o", "json", input="y\n", env=missing.env()
    )
    assert checked.exit_code == 0, checked
    # The test runner echoes the typed answer into stdout (a terminal echoes it on the terminal).
    document = json.loads(checked.stdout.removeprefix(" y\n"))
    assert document["fulfillments"][0]["status"] == "created"
    assert posts(missing) == 1
    assert in_shop(missing) == 1


def test_create_uses_the_same_rule_for_a_partial_box(cli: Cli, start_sandbox: Any) -> None:
    shop = first_commit_fails(start_sandbox, "drop", "never")
    result = cli(
        "create", "D3XZFWPP", "--item", "TEE-BLK-M:1", "--tracking", f"ups:{TRACKING}",
        "-o", "json", env=shop.env(),
    )  # fmt: skip
    assert result.exit_code == 6, result
    assert result.json()["fulfillments"][0]["status"] == "uncertain"
    assert posts(shop) == 1
    assert in_shop(shop) == 1


def test_generated_tracking_csvs_have_no_duplicate_rows_so_each_box_holds_its_whole_order() -> None:
    # The reliability tests kill runs mid-send and expect every box re-checked: only a box holding
    # the whole order is. A variant on two order lines once gave two equal rows, read as one.
    from fwfulfill.sandbox.demo import large_shop_seed
    from fwfulfill.sandbox.tracking_csv import tracking_rows

    shop = large_shop_seed(300, seed=5)
    rows = list(tracking_rows(shop, orders=120))
    assert len(rows) == len(set(rows))
    by_name = {o["friendlyId"]: o for o in shop["orders"]}
    for name in {row[0] for row in rows}:
        ordered: dict[str, int] = {}
        for offer in by_name[name]["offers"]:
            sku = offer["variant"]["sku"]
            ordered[sku] = ordered.get(sku, 0) + offer["variant"]["quantity"]
        assert {row[3]: int(row[4]) for row in rows if row[0] == name} == ordered
