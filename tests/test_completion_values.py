"""TAB offers values, not file names (issue 11): statuses, profiles, -o, carriers, --map fields; and
the global options after the command, where they are accepted too.

Run through the console script as a shell's completion script calls it (bash and zsh), so what is
checked is what a TAB prints.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FWFULFILL = Path(sys.executable).parent / "fwfulfill"


def tab(shell: str, *words: str) -> list[str]:
    """The values offered for the last word of `fwfulfill WORDS` (empty string: nothing typed)."""
    line = " ".join(["fwfulfill", *words])
    env = {**os.environ, "_FWFULFILL_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words))}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
    result = subprocess.run(
        [str(FWFULFILL)], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    if shell == "bash":
        return [value for value in result.stdout.split("\n") if value]
    text = result.stdout
    assert text.startswith("_arguments '*: :(("), text  # zsh: "value":"help" per line
    inner = text.removeprefix("_arguments '*: :((").removesuffix("))'\n")
    return [line.split('":"', 1)[0].strip('"').replace(r"\\:", ":") for line in inner.splitlines()]


SHELLS = ["bash", "zsh"]


@pytest.mark.parametrize("shell", SHELLS)
def test_status_values(shell: str) -> None:
    assert tab(shell, "orders", "list", "--status", "") == [
        "confirmed",
        "partially_in_production",
        "in_production",
        "partially_shipped",
        "shipped",
        "partially_delivered",
        "delivered",
        "cancelled",
        "completed",
    ]
    assert tab(shell, "orders", "list", "-s", "in") == ["in_production"]


@pytest.mark.parametrize("shell", SHELLS)
def test_profile_values_come_from_the_config(shell: str) -> None:
    assert tab(shell, "--profile", "") == []  # no config yet: nothing, not file names
    config = Path(os.environ["FWFULFILL_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text(
        'default_profile = "main"\n\n[profiles.main]\napi_url = "http://127.0.0.1:1"\n\n'
        '[profiles.outlet]\n\n[profiles."main-eu"]\n',
        encoding="utf-8",
    )
    assert tab(shell, "--profile", "") == ["main", "main-eu", "outlet"]
    assert tab(shell, "orders", "list", "--profile", "ma") == ["main", "main-eu"]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_broken_config_offers_no_profiles_and_no_error(shell: str) -> None:
    config = Path(os.environ["FWFULFILL_CONFIG_DIR"])
    config.mkdir(parents=True)
    (config / "config.toml").write_text("[profiles\n", encoding="utf-8")
    assert tab(shell, "--profile", "") == []


@pytest.mark.parametrize("shell", SHELLS)
def test_output_values_before_and_after_the_command(shell: str) -> None:
    assert tab(shell, "-o", "") == ["table", "json", "csv"]
    assert tab(shell, "orders", "list", "-o", "") == ["table", "json", "csv"]
    assert tab(shell, "from-csv", "labels.csv", "--output", "j") == ["json"]
    assert tab(shell, "history", "-o", "c") == ["csv"]


@pytest.mark.parametrize("shell", SHELLS)
def test_multi_box_values(shell: str) -> None:
    assert tab(shell, "from-csv", "labels.csv", "--multi-box", "") == ["refuse", "first"]
    assert tab(shell, "from-csv", "labels.csv", "--multi-box", "f") == ["first"]


@pytest.mark.parametrize("shell", SHELLS)
def test_carrier_values(shell: str) -> None:
    carriers = tab(shell, "create", "D3XZFWPP", "--carrier", "")
    assert {"USPS", "UPS", "FedEx", "Canada Post", "Royal Mail"} <= set(carriers)
    assert tab(shell, "create", "D3XZFWPP", "--carrier", "Ca") == ["Canada Post"]
    assert "usps:" in tab(shell, "create", "D3XZFWPP", "--tracking", "")
    assert tab(shell, "create", "D3XZFWPP", "-t", "fed") == ["fedex:"]


@pytest.mark.parametrize("shell", SHELLS)
def test_map_field_values(shell: str) -> None:
    fields = tab(shell, "from-csv", "labels.csv", "--map", "")
    assert fields[:7] == [
        "order=",
        "tracking=",
        "carrier=",
        "service=",
        "sku=",
        "variant=",
        "quantity=",
    ]
    assert "status=" in fields  # the voided/refunded/return columns can be named too
    assert tab(shell, "from-csv", "labels.csv", "--map", "tr") == ["tracking="]


@pytest.mark.parametrize("shell", SHELLS)
def test_global_options_are_offered_after_the_command(shell: str) -> None:
    offered = tab(shell, "orders", "list", "--")
    assert {"--status", "--since", "--sandbox", "--profile", "--output", "--verbose"} <= set(
        offered
    )
    after_sandbox = tab(shell, "create", "--sandbox", "D3XZFWPP", "--")
    assert "--sandbox" not in after_sandbox  # given once already
    assert "--api-url" in after_sandbox
    assert tab(shell, "--").count("--profile") == 1  # the root's own, offered once
