"""`fwfulfill create` as a merchant types it, against the demo shop served over loopback HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, RunningSandbox

USPS = "9400111899223817654305"  # a valid USPS IMpb number
USPS_2 = "9400111899223817654312"
UPS = "1Z999AA10123456202"


@pytest.fixture
def shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox()
    return sandbox


def created(shop: RunningSandbox) -> list[dict[str, Any]]:
    """Fulfillments the test created (the demo shop starts with some of its own)."""
    return [
        f
        for f in shop.fulfillments()
        if not f["trackingNumber"].startswith(
            ("1Z999AA100", "94001118992238000", "JD0146", "7023", "RM0")
        )
    ]


def posts(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0))


def test_create_by_friendly_id_and_skus_sends_one_fulfillment(
    cli: Cli, shop: RunningSandbox
) -> None:
    result = cli(
        "create",
        "D3XZFWPP",
        "--item",
        "TEE-BLK-M:1",
        "--item",
        "MUG-11OZ",
        "--tracking",
        f"usps:{USPS}",
        "-o",
        "json",
        env=shop.env(),
    )
    assert result.exit_code == 0, result
    document = result.json()
    (fulfillment,) = document["fulfillments"]
    assert fulfillment["status"] == "created"
    assert fulfillment["friendlyId"] == "D3XZFWPP"
    assert fulfillment["trackingCompany"] == "USPS"
    assert {item["sku"]: item["quantity"] for item in fulfillment["items"]} == {
        "TEE-BLK-M": 1,
        "MUG-11OZ": 1,
    }
    (stored,) = created(shop)
    assert stored["id"] == fulfillment["fulfillmentId"]
    assert stored["trackingNumber"] == USPS
    assert stored["trackingCompany"] == "USPS"
    assert "Sandbox Merch Co." in result.stderr  # names the shop it writes to


def test_hash_and_lower_case_friendly_id_and_spaced_tracking_number_are_normalised(
    cli: Cli, shop: RunningSandbox
) -> None:
    spaced = " ".join([USPS[:4], USPS[4:8], USPS[8:]])
    result = cli(
        "create", "  #d3xzfwpp ", "--all", "--tracking", f"USPS:{spaced.lower()}", env=shop.env()
    )
    assert result.exit_code == 0, result
    (stored,) = created(shop)
    assert stored["trackingNumber"] == USPS


def test_order_uuid_variant_uuid_and_separate_carrier_options(
    cli: Cli, shop: RunningSandbox
) -> None:
    order = cli.json("orders", "show", "K7M2QX4N", env=shop.env())
    variant = order["items"][0]["variantId"]
    result = cli(
        "create",
        order["id"],
        "--item",
        f"{variant}:1",
        "--carrier",
        "fedex",
        "--tracking-number",
        "986578788800",
        env=shop.env(),
    )
    assert result.exit_code == 0, result
    (stored,) = created(shop)
    assert stored["trackingCompany"] == "FedEx"
    assert stored["items"] == [{"variantId": variant, "quantity": 1}]


def test_all_takes_every_item_at_its_ordered_quantity_summing_repeated_lines(
    cli: Cli, shop: RunningSandbox
) -> None:
    # H2V6RJ9D has TEE-BLK-L on two lines (1 + 2).
    result = cli("create", "H2V6RJ9D", "--all", "--tracking", f"usps:{USPS}", env=shop.env())
    assert result.exit_code == 0, result
    (stored,) = created(shop)
    assert [item["quantity"] for item in stored["items"]] == [3]


def test_dry_run_prints_the_exact_request_and_sends_nothing(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(
        "create",
        "D3XZFWPP",
        "--item",
        "MUG-11OZ:1",
        "--tracking",
        f"usps:{USPS}",
        "--dry-run",
        "-o",
        "json",
        env=shop.env(),
    )
    assert result.exit_code == 0, result
    request = result.json()["request"]
    assert request["method"] == "POST"
    assert request["path"] == "/open-api/v1.0/fulfillments"
    assert request["body"]["shippingLabel"] == {"trackingNumber": USPS, "trackingCompany": "USPS"}
    assert request["body"]["items"][0]["quantity"] == 1
    assert posts(shop) == 0
    assert created(shop) == []


def test_table_output_shows_the_fulfillment_id(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(
        "create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", "-o", "table", env=shop.env()
    )
    assert result.exit_code == 0, result
    (stored,) = created(shop)
    assert stored["id"] in result.stdout
    assert "TEE-BLK-M" in result.stdout
    assert "created" in result.stdout


def test_running_the_same_create_twice_sends_once(cli: Cli, shop: RunningSandbox) -> None:
    args = ("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}")
    assert cli(*args, env=shop.env()).exit_code == 0
    again = cli(*args, "-o", "json", env=shop.env())
    assert again.exit_code == 0, again
    assert again.json()["fulfillments"][0]["status"] == "skipped"
    assert posts(shop) == 1
    assert len(created(shop)) == 1


@pytest.mark.parametrize(
    ("args", "code", "names"),
    [
        (["1234-not-a-uuid-5678-abcdef012345", "--all"], "invalid_order_reference", "ORDER"),
        (["00aa4abd-5778-4199-8161-0b49b2f212e", "--all"], "invalid_order_reference", "ORDER"),
        (["D3XZFWPP", "--item", "NO-SUCH-SKU"], "variant_not_on_order", "NO-SUCH-SKU"),
        (["D3XZFWPP", "--item", "TEE-BLK-M:0"], "invalid_quantity", "TEE-BLK-M:0"),
        (["D3XZFWPP", "--item", "TEE-BLK-M:abc"], "invalid_quantity", "TEE-BLK-M:abc"),
        (["D3XZFWPP", "--item", "TEE-BLK-M:-1"], "invalid_quantity", "TEE-BLK-M:-1"),
        (["D3XZFWPP", "--item", "TEE-BLK-M:1.5"], "invalid_quantity", "TEE-BLK-M:1.5"),
        (["D3XZFWPP", "--item", "TEE-BLK-M:2"], "quantity_exceeds_order", "TEE-BLK-M"),
        (["V6T3RD9B", "--all"], "order_cancelled", "cancelled"),
        (["NOPE1234", "--all"], "order_not_found", "NOPE1234"),
        (["D3XZFWPP"], "invalid_variant", "--item"),
        (["D3XZFWPP", "--all", "--item", "MUG-11OZ"], "invalid_option", "--all"),
    ],
)
def test_wrong_input_gives_one_line_exit_2_and_sends_nothing(
    cli: Cli, shop: RunningSandbox, args: list[str], code: str, names: str
) -> None:
    tracking = [] if "--tracking" in args else ["--tracking", f"usps:{USPS}"]
    result = cli("create", *args, *tracking, env=shop.env())
    assert result.exit_code == 2, result
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result
    assert names in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert posts(shop) == 0
    as_json = cli("create", *args, *tracking, "-o", "json", env=shop.env())
    assert as_json.json()["error"]["code"] == code


@pytest.mark.parametrize(
    ("tracking", "code"),
    [
        (USPS, "missing_carrier"),  # a non-distinctive number without a carrier
        ("usps:", "missing_tracking"),
        ("usps:9.40011E+21", "excel_scientific_notation"),
        (f"usps:{UPS}", "tracking_format_mismatch"),  # a 1Z number is UPS's
        ("usps:9400-11*18", "invalid_tracking"),
    ],
)
def test_bad_tracking_is_refused_before_any_request(
    cli: Cli, shop: RunningSandbox, tracking: str, code: str
) -> None:
    before = sum(shop.stats()["requests"].values())
    result = cli(
        "create", "D3XZFWPP", "--all", "--tracking", tracking, "-o", "json", env=shop.env()
    )
    assert result.exit_code == 2, result
    assert result.json()["error"]["code"] == code
    assert sum(shop.stats()["requests"].values()) == before  # not even the order was read


def test_unknown_carrier_passes_through_with_a_warning(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(
        "create", "D3XZFWPP", "--all", "--tracking", "Bob's Couriers:BC123456", env=shop.env()
    )
    assert result.exit_code == 0, result
    assert "warning" in result.stderr
    assert "Bob's Couriers" in result.stderr
    (stored,) = created(shop)
    assert stored["trackingCompany"] == "Bob's Couriers"


def test_a_distinctive_number_without_carrier_infers_it_with_a_warning(
    cli: Cli, shop: RunningSandbox
) -> None:
    result = cli("create", "D3XZFWPP", "--all", "--tracking", UPS, env=shop.env())
    assert result.exit_code == 0, result
    assert "UPS" in result.stderr
    assert "warning" in result.stderr
    assert created(shop)[0]["trackingCompany"] == "UPS"


def test_api_refusal_is_exit_3_with_the_code_explained(cli: Cli, start_sandbox: Any) -> None:
    # Another tool already shipped the mug: fwfulfill cannot know, Fourthwall refuses.
    from fwfulfill.sandbox.demo import demo_seed

    seed = demo_seed()
    order = next(o for o in seed["orders"] if o["friendlyId"] == "D3XZFWPP")
    mug = next(o["variant"]["id"] for o in order["offers"] if o["variant"]["sku"] == "MUG-11OZ")
    seed["fulfillments"].append(
        {
            "orderId": order["id"],
            "trackingNumber": "OTHER-TOOL-1",
            "trackingCompany": "USPS",
            "items": [{"variantId": mug, "quantity": 1}],
        }
    )
    shop = start_sandbox(seed)
    result = cli(
        "create",
        "D3XZFWPP",
        "--item",
        "MUG-11OZ",
        "--tracking",
        f"usps:{USPS}",
        "-o",
        "table",
        env=shop.env(),
    )
    assert result.exit_code == 3, result
    assert "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH" in result.stdout + result.stderr
    assert "0 left" in result.stderr  # the explanation uses the body's fields


def test_already_existing_fulfillment_reports_its_id(cli: Cli, start_sandbox: Any) -> None:
    shop = start_sandbox()
    first = cli(
        "create",
        "D3XZFWPP",
        "--item",
        "MUG-11OZ",
        "--tracking",
        f"usps:{USPS}",
        "-o",
        "json",
        env=shop.env(),
    )
    existing = first.json()["fulfillments"][0]["fulfillmentId"]
    # A second machine (empty ledger) sends the same box again.
    other = {"FWFULFILL_STATE_DIR": str(cli.env["FWFULFILL_STATE_DIR"]) + "-other"}
    again = cli(
        "create",
        "D3XZFWPP",
        "--item",
        "MUG-11OZ",
        "--tracking",
        f"usps:{USPS}",
        "-o",
        "json",
        env={**shop.env(), **other},
    )
    assert again.exit_code == 0, again
    fulfillment = again.json()["fulfillments"][0]
    assert fulfillment["status"] == "already_exists"
    assert fulfillment["fulfillmentId"] == existing
    assert len(created(shop)) == 1


def test_wrong_credentials_exit_4_and_say_how_to_fix(cli: Cli, shop: RunningSandbox) -> None:
    env = {**shop.env(), "FOURTHWALL_API_PASSWORD": "wrong"}
    result = cli("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", env=env)
    assert result.exit_code == 4, result
    assert "Credentials rejected" in result.stderr
    assert "fwfulfill auth login" in result.stderr


def test_no_credentials_exit_4(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(
        "create",
        "D3XZFWPP",
        "--all",
        "--tracking",
        f"usps:{USPS}",
        env={"FWFULFILL_API_URL": shop.url},
    )
    assert result.exit_code == 4, result
    assert "auth login" in result.stderr


def test_unreachable_api_exit_5(cli: Cli, shop: RunningSandbox, unused_port: int) -> None:
    env = {
        **shop.env(),
        "FWFULFILL_API_URL": f"http://127.0.0.1:{unused_port}",
        "FWFULFILL_MAX_RETRY_WAIT": "1",
    }
    result = cli("orders", "show", "D3XZFWPP", env=env)
    assert result.exit_code == 5, result
    assert "Network error (NETWORK_ERROR)" in result.stderr


def test_plain_http_to_another_host_is_refused(cli: Cli) -> None:
    result = cli("--api-url", "http://api.example.com", "orders", "list")
    assert result.exit_code == 2, result
    assert "https" in result.stderr


def test_a_post_whose_answer_is_lost_is_rechecked_once(cli: Cli, start_sandbox: Any) -> None:
    # Every POST commits and then the connection drops: the re-send finds it exists.
    shop = start_sandbox(commit_drop_rate=1.0)
    result = cli(
        "create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", "-o", "json", env=shop.env()
    )
    assert result.exit_code == 0, result
    fulfillment = result.json()["fulfillments"][0]
    assert fulfillment["status"] == "already_exists"
    assert len(created(shop)) == 1
    assert posts(shop) == 2  # the POST and exactly one re-check, never a loop


def test_sandbox_flag_needs_no_credentials_and_remembers_between_commands(cli: Cli) -> None:
    first = cli("--sandbox", "create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS_2}")
    assert first.exit_code == 0, first
    shown = cli("--sandbox", "sandbox", "show", "-o", "json").json()
    assert any(f["trackingNumber"] == USPS_2 for f in shown["fulfillments"])
    order = cli("--sandbox", "orders", "show", "D3XZFWPP", "-o", "json").json()
    assert order["status"] == "SHIPPED"


# ---- a carrier from the number, in the words of arguments (issue 11) ---------------------------


def test_create_infers_ups_from_a_bare_1z_number_as_from_csv_does(cli: Cli, tmp_path: Path) -> None:
    number = "1Z999AA10123456293"
    created = cli("--sandbox", "create", "K7M2QX4N", "--all", "--tracking", number, "--dry-run")
    assert created.exit_code == 0, created
    assert created.json()["request"]["body"]["shippingLabel"]["trackingCompany"] == "UPS"
    csv = tmp_path / "labels.csv"
    csv.write_text(f"order,tracking_number\nK7M2QX4N,{number}\n", encoding="utf-8")
    planned = cli("--sandbox", "from-csv", str(csv), "--dry-run", "-o", "json").json()
    (inferred,) = planned["problems"]
    assert inferred["code"] == "carrier_inferred"
    assert inferred["severity"] == "warning"
    # The same warning, from the same check: only the words around it differ.
    sentence = f"No carrier was given; {number} belongs to UPS (UPS format)."
    assert inferred["message"].endswith(sentence)
    assert f"warning: --tracking: {sentence}" in created.stderr
    assert "column" not in created.stderr
    assert "--tracking CARRIER:NUMBER" in created.stderr


@pytest.mark.parametrize(
    "how",
    [["--tracking", "9400111899223817654305"], ["--tracking-number", "9400111899223817654305"]],
)
def test_a_missing_carrier_speaks_of_arguments_not_columns(cli: Cli, how: list[str]) -> None:
    result = cli("--sandbox", "create", "K7M2QX4N", "--all", *how, "-o", "json")
    assert result.exit_code == 2, result
    error = result.json()["error"]
    assert error["code"] == "missing_carrier"
    assert "column" not in error["hint"]
    assert "--tracking CARRIER:NUMBER" in error["hint"]
    assert "column" not in result.stderr


def test_from_csv_still_says_column_for_a_missing_carrier(cli: Cli, tmp_path: Path) -> None:
    csv = tmp_path / "labels.csv"
    csv.write_text("order,tracking_number\nK7M2QX4N,9400111899223817654305\n", encoding="utf-8")
    result = cli("--sandbox", "from-csv", str(csv), "--dry-run", "-o", "table")
    assert result.exit_code == 2, result
    assert "carrier column" in " ".join(result.stdout.split())
