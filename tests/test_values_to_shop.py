"""Values that reach the shop or a spreadsheet: carriers and tracking numbers are plain text of a
sane length, checked once for `create` and `from-csv` alike, and `create` takes one label (issue 9,
"Values that reach the shop or a spreadsheet")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fwfulfill.api.models import ShippingLabel
from tests.conftest import Cli, RunningSandbox, write_csv

USPS = "9400111899223817654305"  # valid USPS IMpb numbers
USPS_2 = "9400111899223817654312"
UPS = "1Z999AA10123456202"

# Carrier cells that would run in a spreadsheet, hide or reorder text on a screen, or flood a field.
BAD_CARRIERS = {
    "formula =": "=cmd|'/C calc'!A0",
    "formula +": "+SUM(1+1)",
    "formula -": "-2+3",
    "formula @": "@SUM(A1)",
    "control character": "a\x01b",
    "escape": "UPS\x1b[31m",
    "right-to-left override": "\u202eSPU",
    "left-to-right isolate": "UPS \u2066x\u2069",
    "right-to-left mark": "UPS\u200f",
    "line separator": "UPS\u2028Ground",
    "5,000 characters of right-to-left text": "\u05d3" * 5000,
    "101 characters": "C" * 101,
}
GOOD_CARRIERS = [
    "Canada Post",
    "DHL eCommerce",
    "Correos-Express",
    "日本郵便",
    "דואר ישראל",
    "C" * 100,
]


@pytest.fixture
def shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox()
    return sandbox


def requests_made(shop: RunningSandbox) -> int:
    return sum(int(count) for count in shop.stats()["requests"].values())


def posts(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0))


# ---- carriers: refused in create, in from-csv, and by the request model -------------------------


@pytest.mark.parametrize("carrier", list(BAD_CARRIERS.values()), ids=list(BAD_CARRIERS))
def test_carrier_that_is_not_plain_text_is_refused_in_create(
    cli: Cli, shop: RunningSandbox, carrier: str
) -> None:
    both = cli("create", "D3XZFWPP", "--all", "--tracking", f"{carrier}:{USPS}", env=shop.env())
    apart = cli(
        "create",
        "D3XZFWPP",
        "--all",
        "--carrier",
        carrier,
        "--tracking-number",
        USPS,
        env=shop.env(),
    )

    for result, target in ((both, "--tracking"), (apart, "--carrier")):
        assert result.exit_code == 2, result
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {target}"), line
        assert "carrier" in line, line
        assert len(line) < 400, line  # 5,000 characters are not echoed back
    assert requests_made(shop) == 0


@pytest.mark.parametrize("carrier", list(BAD_CARRIERS.values()), ids=list(BAD_CARRIERS))
def test_carrier_that_is_not_plain_text_is_refused_in_from_csv(
    cli: Cli, shop: RunningSandbox, tmp_path: Path, carrier: str
) -> None:
    path = write_csv(
        tmp_path / "labels.csv",
        [
            ["Order Number", "Carrier", "Tracking Number"],
            ["K7M2QX4N", "USPS", USPS],
            ["D3XZFWPP", carrier, USPS_2],
        ],
    )

    dry = cli("from-csv", str(path), "--dry-run", "-o", "json", env=shop.env())
    sent = cli("from-csv", str(path), "--yes", "-o", "json", env=shop.env())

    assert dry.exit_code == 2, dry
    problem = next(p for p in dry.json()["problems"] if p["code"] == "invalid_carrier")
    assert problem["lines"] == [3], problem
    assert sent.exit_code == 6, sent  # the good order is sent, the bad one held back
    outcomes = {f["friendlyId"]: f["status"] for f in sent.json()["fulfillments"]}
    assert outcomes.get("K7M2QX4N") == "created", outcomes
    assert "D3XZFWPP" not in outcomes or outcomes["D3XZFWPP"] == "blocked", outcomes
    assert posts(shop) == 1
    assert carrier not in {f["trackingCompany"] for f in shop.fulfillments()}


@pytest.mark.parametrize("carrier", list(BAD_CARRIERS.values()), ids=list(BAD_CARRIERS))
def test_carrier_that_is_not_plain_text_is_refused_by_the_request_model(carrier: str) -> None:
    with pytest.raises(ValidationError):
        ShippingLabel(tracking_number=USPS, tracking_company=carrier)


@pytest.mark.parametrize("carrier", GOOD_CARRIERS)
def test_carrier_that_is_not_plain_text_is_refused_but_real_names_pass(
    cli: Cli, shop: RunningSandbox, carrier: str
) -> None:
    result = cli(
        "create",
        "D3XZFWPP",
        "--all",
        "--tracking",
        f"{carrier}:{USPS}",
        "-o",
        "json",
        env=shop.env(),
    )

    assert result.exit_code == 0, result
    (fulfillment,) = result.json()["fulfillments"]
    assert fulfillment["status"] == "created"
    sent = [f for f in shop.fulfillments() if f["trackingNumber"] == USPS]
    assert [f["trackingCompany"] for f in sent] == [fulfillment["trackingCompany"]]


# ---- tracking numbers: the same length cap ------------------------------------------------------


def test_tracking_number_longer_than_any_carrier_uses_is_refused(
    cli: Cli, shop: RunningSandbox, tmp_path: Path
) -> None:
    long_number = "1Z" + "9" * 5000

    result = cli("create", "D3XZFWPP", "--all", "--tracking", f"ups:{long_number}", env=shop.env())
    assert requests_made(shop) == 0
    path = write_csv(
        tmp_path / "labels.csv",
        [["Order Number", "Carrier", "Tracking Number"], ["D3XZFWPP", "UPS", long_number]],
    )
    dry = cli("from-csv", str(path), "--dry-run", "-o", "json", env=shop.env())

    assert result.exit_code == 2, result
    (line,) = result.stderr.strip().splitlines()
    assert "5002 characters" in line, line
    assert len(line) < 400, line
    assert dry.exit_code == 2, dry
    assert [p["lines"] for p in dry.json()["problems"] if p["code"] == "invalid_tracking"] == [[2]]
    assert posts(shop) == 0
    with pytest.raises(ValidationError):
        ShippingLabel(tracking_number=long_number, tracking_company="UPS")


# ---- create takes one label --------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ("--tracking", f"usps:{USPS}", "--tracking", f"ups:{UPS}"),
        ("--tracking", f"usps:{USPS}", "-t", f"usps:{USPS_2}"),
        ("--carrier", "usps", "--carrier", "ups", "--tracking-number", USPS),
        ("--carrier", "usps", "--tracking-number", USPS, "--tracking-number", USPS_2),
    ],
    ids=["tracking", "tracking-short", "carrier", "tracking-number"],
)
def test_create_refuses_a_second_tracking_option(
    cli: Cli, shop: RunningSandbox, options: tuple[str, ...]
) -> None:
    result = cli("create", "D3XZFWPP", "--all", *options, env=shop.env())

    assert result.exit_code == 2, result
    (line,) = result.stderr.strip().splitlines()
    assert "given 2 times" in line, line
    assert "one tracking number" in line, line
    assert requests_made(shop) == 0


def test_create_refuses_a_second_tracking_option_unless_it_repeats_the_first(
    cli: Cli, shop: RunningSandbox
) -> None:
    result = cli(
        "create",
        "D3XZFWPP",
        "--all",
        "--tracking",
        f"usps:{USPS}",
        "--tracking",
        f"usps:{USPS}",
        env=shop.env(),
    )
    assert result.exit_code == 0, result
    assert posts(shop) == 1
