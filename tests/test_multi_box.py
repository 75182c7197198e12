"""`from-csv --multi-box refuse|first`: an order with several new tracking numbers and no item
columns (a 3PL ship-confirm), against a sandbox shop over loopback HTTP.

`refuse` (the default) holds the order back, as before; `first` sends everything left of the order
with the first tracking number in file order and warns about the others, which are never sent
(Fourthwall takes one tracking number per fulfillment). Nothing is lost or sent twice: a re-run
sends nothing, and the first box is a whole-remainder box for the in-doubt rules.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.conftest import Cli, CliResult, RunningSandbox, write_csv
from tests.sandbox.shop import order, seed

UPS, UPS_2, UPS_3 = "1Z999AA10123456202", "1Z999AA10123456211", "1Z999AA10123456220"
USPS = "9400111899223817654305"
HEADER = ["order_id", "Tracking Number", "Shipping Carrier"]
SHOP = seed(
    order("A7F2XT4Q", "CONFIRMED", ("MUG", 2), ("CAP", 1)),
    order("Y3J9PM6V", "CONFIRMED", ("TEE", 1)),
)
POSTS = "POST /open-api/v1.0/fulfillments"


def three_boxes_file(tmp_path: Path) -> Path:
    """A 3PL ship-confirm: three boxes of A7F2XT4Q on lines 2-4, one box of Y3J9PM6V on line 5."""
    rows = [
        HEADER,
        ["A7F2XT4Q", UPS, "UPS"],
        ["A7F2XT4Q", UPS_2, "UPS"],
        ["A7F2XT4Q", UPS_3, "UPS"],
        ["Y3J9PM6V", USPS, "USPS"],
    ]
    return write_csv(tmp_path / "ship-confirm.csv", rows)


def run(cli: Cli, shop: RunningSandbox, file: Path, *args: str) -> CliResult:
    return cli("from-csv", str(file), *args, "-o", "json", env=shop.env())


def boxes(document: dict[str, Any]) -> list[tuple[str, str, dict[str, int], str]]:
    return [
        (
            f["friendlyId"],
            f["trackingNumber"],
            {item["sku"]: item["quantity"] for item in f["items"]},
            f["status"],
        )
        for f in document["fulfillments"]
    ]


def problem_codes(document: dict[str, Any]) -> list[tuple[list[int], str, str]]:
    return sorted((p["lines"], p["severity"], p["code"]) for p in document["problems"])


def in_shop(shop: RunningSandbox) -> list[tuple[str, dict[str, int]]]:
    return sorted(
        (f["trackingNumber"], {item["variantId"][:8]: item["quantity"] for item in f["items"]})
        for f in shop.fulfillments()
    )


def test_multi_box_refuse_is_the_default_and_holds_the_order_back(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    result = run(cli, shop, three_boxes_file(tmp_path), "--yes")
    assert result.exit_code == 6, result  # the other order was sent; this one was blocked
    document = result.json()
    assert document["multiBox"] == "refuse"
    assert ([2, 3, 4], "error", "ambiguous_packages") in problem_codes(document)
    assert [t for _, t, _, status in boxes(document) if status == "blocked"] == [UPS, UPS_2, UPS_3]
    assert [f["trackingNumber"] for f in shop.fulfillments()] == [USPS]


def test_multi_box_first_sends_everything_left_with_the_first_tracking_number(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    result = run(cli, shop, three_boxes_file(tmp_path), "--yes", "--multi-box", "first")
    assert result.exit_code == 0, result
    document = result.json()
    assert document["multiBox"] == "first"
    assert sorted(boxes(document)) == [
        ("A7F2XT4Q", UPS, {"MUG": 2, "CAP": 1}, "created"),
        ("Y3J9PM6V", USPS, {"TEE": 1}, "created"),
    ]
    (warning,) = [p for p in document["problems"] if p["code"] == "multi_box_first"]
    assert warning["severity"] == "warning"
    assert warning["lines"] == [3, 4]
    assert warning["order"] == "A7F2XT4Q"
    assert UPS in warning["message"]
    assert f"not sent: {UPS_2}, {UPS_3}" in warning["message"]
    # One fulfillment per order in the shop: the other numbers were never sent.
    assert sorted(f["trackingNumber"] for f in shop.fulfillments()) == [UPS, USPS]
    assert shop.stats()["requests"][POSTS] == 2


def test_multi_box_first_re_run_after_a_successful_run_sends_nothing(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    file = three_boxes_file(tmp_path)
    assert run(cli, shop, file, "--yes", "--multi-box", "first").exit_code == 0
    sent = in_shop(shop)

    again = run(cli, shop, file, "--yes", "--multi-box", "first")
    assert again.exit_code == 0, again
    document = again.json()
    assert sorted(boxes(document)) == [
        ("A7F2XT4Q", UPS, {"MUG": 2, "CAP": 1}, "skipped"),
        ("Y3J9PM6V", USPS, {"TEE": 1}, "skipped"),
    ]
    assert ([3, 4], "warning", "multi_box_first") in problem_codes(document)
    assert in_shop(shop) == sent
    assert shop.stats()["requests"][POSTS] == 2  # the first run's two, nothing more


def test_multi_box_first_report_says_which_box_was_sent_instead(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    report = tmp_path / "report.csv"
    file = three_boxes_file(tmp_path)
    result = run(cli, shop, file, "--yes", "--multi-box", "first", "--report", str(report))
    assert result.exit_code == 0, result
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["fwfulfill line"]: row for row in csv.DictReader(handle)}
    assert rows["2"]["fwfulfill outcome"] == "created"
    assert rows["5"]["fwfulfill outcome"] == "created"
    for line, number in (("3", UPS_2), ("4", UPS_3)):
        assert rows[line]["Tracking Number"] == number
        assert rows[line]["fwfulfill outcome"] == "skipped"
        assert rows[line]["fwfulfill error code"] == "multi_box_first"
        assert f"goes with {UPS}" in rows[line]["fwfulfill message"]


def test_multi_box_dry_run_says_which_policy_applied(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    file = three_boxes_file(tmp_path)
    for policy, exit_code in (("refuse", 2), ("first", 0)):
        document = run(cli, shop, file, "--dry-run", "--multi-box", policy)
        assert document.exit_code == exit_code, document
        assert document.json()["multiBox"] == policy
        table = cli(
            "from-csv", str(file), "--dry-run", "--multi-box", policy, "-o", "table", env=shop.env()
        )
        assert table.exit_code == exit_code, table
        said = f"--multi-box {policy}: 1 order with several tracking numbers and no items"
        assert said in table.stderr
    planned = run(cli, shop, file, "--dry-run", "--multi-box", "first").json()
    assert [t for _, t, _, s in boxes(planned) if s == "planned"] == [UPS, USPS]
    assert shop.fulfillments() == []  # dry runs send nothing


def test_multi_box_first_takes_the_first_number_of_a_cell_with_several(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    shop = start_sandbox(SHOP)
    rows = [HEADER, ["A7F2XT4Q", f"{UPS_2}, {UPS}", "UPS"]]
    file = write_csv(tmp_path / "cell.csv", rows)
    result = run(cli, shop, file, "--yes", "--multi-box", "first")
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [("A7F2XT4Q", UPS_2, {"MUG": 2, "CAP": 1}, "created")]
    assert [f["trackingNumber"] for f in shop.fulfillments()] == [UPS_2]


def test_offline_flags_several_boxes_without_items_as_a_warning_under_refuse(
    cli: Cli, tmp_path: Path
) -> None:
    file = three_boxes_file(tmp_path)
    result = cli("from-csv", str(file), "--offline", "-o", "json")
    assert result.exit_code == 0, result  # the ledger at send time decides: not an error yet
    document = result.json()
    assert problem_codes(document) == [([2, 3, 4], "warning", "ambiguous_packages_offline")]
    assert document["multiBox"] == "refuse"
    table = cli("from-csv", str(file), "--offline", "-o", "table")
    assert "--multi-box refuse: 1 order" in table.stderr
    first = cli("from-csv", str(file), "--offline", "--multi-box", "first", "-o", "json").json()
    assert [(t, s) for _, t, _, s in boxes(first)] == [(UPS, "planned"), (USPS, "planned")]
    assert problem_codes(first) == [([3, 4], "warning", "multi_box_first")]


def test_multi_box_first_box_is_whole_remainder_so_a_lost_answer_is_never_doubled(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    # The first POST commits, then its answer is dropped: the first box takes everything left, so
    # the in-doubt rules re-send it once, and the shop answers that it already exists.
    shop = start_sandbox(
        SHOP, commit_fault_first=1, commit_fault_kind="drop", already_exists_on="tracking"
    )
    rows = [HEADER, ["A7F2XT4Q", UPS, "UPS"], ["A7F2XT4Q", UPS_2, "UPS"]]
    file = write_csv(tmp_path / "two.csv", rows)
    env = {**shop.env(), "FWFULFILL_READ_TIMEOUT": "0.3"}
    result = cli("from-csv", str(file), "--yes", "--multi-box", "first", "-o", "json", env=env)
    assert result.exit_code == 0, result
    assert boxes(result.json()) == [("A7F2XT4Q", UPS, {"MUG": 2, "CAP": 1}, "already_exists")]
    assert [f["trackingNumber"] for f in shop.fulfillments()] == [UPS]
    assert shop.stats()["requests"][POSTS] == 2  # the dropped one and its one re-send
    again = cli("from-csv", str(file), "--yes", "--multi-box", "first", "-o", "json", env=env)
    assert again.exit_code == 0, again
    assert [f["trackingNumber"] for f in shop.fulfillments()] == [UPS]
    assert shop.stats()["requests"][POSTS] == 2


def test_multi_box_bad_value_is_refused_with_exit_2(cli: Cli, tmp_path: Path) -> None:
    file = three_boxes_file(tmp_path)
    result = cli("from-csv", str(file), "--offline", "--multi-box", "all")
    assert result.exit_code == 2
    assert "--multi-box" in result.stderr
    assert "Traceback" not in result.stderr


def test_multi_box_first_report_gives_the_not_sent_reason_ahead_of_an_ordinary_warning(
    cli: Cli, start_sandbox: Any, tmp_path: Path
) -> None:
    """A second box with a carrier fwfulfill does not know: the report says it was not sent
    (multi_box_first, naming the box sent instead), not that its carrier is 'sent as written'."""
    shop = start_sandbox(SHOP)
    report = tmp_path / "report.csv"
    rows = [HEADER, ["A7F2XT4Q", UPS, "UPS"], ["A7F2XT4Q", "ACME0000123", "Acme Freight"]]
    file = write_csv(tmp_path / "ship-confirm.csv", rows)
    result = run(cli, shop, file, "--yes", "--multi-box", "first", "--report", str(report))
    assert result.exit_code == 0, result
    assert "unknown_carrier" in {p["code"] for p in result.json()["problems"]}
    with report.open(encoding="utf-8-sig", newline="") as handle:
        second = {row["fwfulfill line"]: row for row in csv.DictReader(handle)}["3"]
    assert second["fwfulfill outcome"] == "skipped"
    assert second["fwfulfill error code"] == "multi_box_first"
    assert f"goes with {UPS}" in second["fwfulfill message"]
