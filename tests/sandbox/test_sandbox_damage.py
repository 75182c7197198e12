"""Damaged sandbox files, as a user meets them: a corrupt or misplaced `state.json` behind
`--sandbox`, and seed files nested too deep, holding numbers too large, or OrderV1 fields of the
wrong shape. Each ends in one line naming the file (and the field), exit 2, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.sandbox import SandboxState, SeedError, load_seed, parse_seed
from tests.conftest import Cli, CliResult

from .shop import order, prior, seed

RESET = "`fwfulfill sandbox reset`"


def state_path() -> Path:
    return Path(os.environ["FWFULFILL_STATE_DIR"]) / "sandbox" / "state.json"


def assert_one_line_exit_2(result: CliResult, *expected: str) -> str:
    """Exit 2, and the error is one line holding every expected piece; no traceback, no bug."""
    assert result.exit_code == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    for piece in expected:
        assert piece in lines[0], result
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    return lines[0]


# ---- state.json ----------------------------------------------------------------------------------

DAMAGED_STATES: dict[str, bytes] = {
    "garbage": b"{half a file",
    "not-utf8": b"\xff\xfe{}",
    "wrong-shape": b'{"orders": 5}',
    "nan-quantity": json.dumps({"orders": [order("NAN00001", "CONFIRMED", ("TEE", 1))]})
    .replace('"quantity": 1', '"quantity": NaN')
    .encode(),
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("content", DAMAGED_STATES.values(), ids=DAMAGED_STATES.keys())
@pytest.mark.parametrize(
    "command", [("orders", "list"), ("sandbox", "show"), ("orders", "show", "D3XZFWPP")]
)
def test_state_json_corrupt_is_named(cli: Cli, content: bytes, command: tuple[str, ...]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    result = cli("--sandbox", "-o", "table", *command)
    assert_one_line_exit_2(result, str(path), RESET)
    assert path.read_bytes() == content  # nothing overwritten: the user may want to look at it
    assert cli("--sandbox", "sandbox", "reset").exit_code == 0
    assert cli("--sandbox", "-o", "table", *command).exit_code == 0


def test_state_json_is_directory(cli: Cli) -> None:
    path = state_path()
    (path / "keep.txt").parent.mkdir(parents=True)
    (path / "keep.txt").write_text("not the sandbox's")
    for command in (("orders", "list"), ("sandbox", "show"), ("sandbox", "reset")):
        line = assert_one_line_exit_2(cli("--sandbox", "-o", "table", *command), str(path))
        assert "is a directory" in line
    assert (path / "keep.txt").read_text() == "not the sandbox's"  # reset leaves files alone
    (path / "keep.txt").unlink()
    # An empty directory is what `mkdir state.json` leaves: reset takes its place.
    assert_one_line_exit_2(cli("--sandbox", "orders", "list"), str(path), RESET)
    assert cli("--sandbox", "sandbox", "reset").exit_code == 0
    assert path.is_file()
    assert cli("--sandbox", "orders", "list").exit_code == 0


# ---- seed files ----------------------------------------------------------------------------------


def write_seed(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seed.json"
    path.write_text(text, encoding="utf-8")
    return path


def seed_text(**fields: Any) -> str:
    """A one-order seed whose order carries `fields` (OrderV1 fields beside the required ones)."""
    return json.dumps(seed(order("SEED0001", "CONFIRMED", ("TEE", 2), **fields)))


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": value}
    return value


def refuse_seed(cli: Cli, path: Path, *expected: str) -> str:
    """Both commands that take --seed refuse it the same way, before doing anything (`serve` is
    run only once `reset` has refused: an accepted seed would serve until stopped)."""
    reset = assert_one_line_exit_2(cli("sandbox", "reset", "--seed", str(path)), str(path))
    serve = cli("sandbox", "serve", "--port", "0", "--seed", str(path))
    assert assert_one_line_exit_2(serve) == reset
    for piece in expected:
        assert piece in reset
    return reset


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # Deeper than json can parse: the line and column where it goes too deep.
        ('{"orders": ' + "[" * 50_000 + "]" * 50_000 + "}", "line 1 column "),
        # Parsed, but deep enough to exhaust the recursion of what reads it next.
        (seed_text(metadata=nested(900)), "orders[0].metadata.a.a.a"),
        (seed_text(trackingParams=nested(40)), "orders[0].trackingParams.a"),
    ],
    ids=["beyond-json", "metadata-900", "just-past-the-limit"],
)
def test_seed_deeply_nested_refused(cli: Cli, tmp_path: Path, text: str, where: str) -> None:
    refuse_seed(cli, write_seed(tmp_path, text), where, "nested more than 32 levels deep")


HUGE = {
    "quantity-10e30": (
        seed_text().replace('"quantity": 2', f'"quantity": {10**30}'),
        f"orders[0].offers[0].variant.quantity: {10**30} is too large a number",
    ),
    "quantity-past-int32": (
        seed_text().replace('"quantity": 2', f'"quantity": {2**31}'),
        "orders[0].offers[0].variant.quantity: must be at most 2147483647",
    ),
    "prior-quantity-10e30": (
        json.dumps(
            seed(
                order("SEED0001", "CONFIRMED", ("TEE", 2)),
                fulfillments=(prior("SEED0001", "1Z1", ("TEE", 10**30)),),
            )
        ),
        f"fulfillments[0].items[0].quantity: {10**30} is too large a number",
    ),
    "price-5000-digits": (
        seed_text()
        .replace('"quantity": 2', '"quantity": 2, "unitPrice": {"value": 9}')
        .replace('"value": 9', '"value": ' + "9" * 5000),
        "orders[0].offers[0].variant.unitPrice.value: 999999999999...(5000 digits) is too large",
    ),
    "price-infinity": (
        seed_text().replace('"quantity": 2', '"quantity": 2, "unitPrice": {"value": Infinity}'),
        "orders[0].offers[0].variant.unitPrice.value: must be a finite number",
    ),
}


@pytest.mark.parametrize(("text", "message"), HUGE.values(), ids=HUGE.keys())
def test_seed_huge_quantity_refused(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    refuse_seed(cli, write_seed(tmp_path, text), message)


INVALID_FIELDS = {
    "amounts-not-an-object": ({"amounts": "zzz"}, "orders[0].amounts: must be a JSON object"),
    "metadata-null": ({"metadata": None}, "orders[0].metadata: must be a JSON object"),
    "metadata-number": ({"metadata": {"a": 1}}, "orders[0].metadata.a: must be a string"),
    "opt-in-text": ({"emailMarketingOptIn": "yes"}, "orders[0].emailMarketingOptIn: must be"),
    "negative-total": (
        {"amounts": {"total": {"value": -5}}},
        "orders[0].amounts.total.value: must be greater than or equal to 0",
    ),
    "source-without-gift": (
        {"source": {"type": "GIVEAWAY_LINKS"}},
        "orders[0].source.GIVEAWAY_LINKS.giftId: is required",
    ),
    "address-without-city": (
        {"shipping": {"address": {"city": None}}},
        "orders[0].shipping.address.city: must be a string",
    ),
}


@pytest.mark.parametrize(("fields", "message"), INVALID_FIELDS.values(), ids=INVALID_FIELDS.keys())
def test_seed_extra_invalid_fields_refused(
    cli: Cli, tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    path = write_seed(tmp_path, seed_text(**fields))
    refuse_seed(cli, path, message)
    with pytest.raises(SeedError, match="^" + str(path).replace("\\", "\\\\")):
        load_seed(path)


def test_seed_extra_valid_fields_are_served(validate: Any) -> None:
    """The other side: OrderV1 fields of the right shape, and fields the spec does not list,
    still pass and are served as given."""
    fields = {
        "username": "Johnny123",
        "metadata": {"gift": "yes"},
        "source": {"type": "GIVEAWAY_LINKS", "giftId": "gft_1"},
        "notInTheSpec": {"kept": True},
    }
    state = SandboxState.from_seed(parse_seed(json.loads(seed_text(**fields))))
    served = state.snapshot()["orders"][0]
    validate("OrderV1", served)
    assert {name: served[name] for name in fields} == fields
