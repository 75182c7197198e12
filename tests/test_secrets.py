"""The password appears nowhere: stdout, stderr, -v/-vv output, logs, ledgers, reports, files.

Every command runs with a known, distinctive password against a loopback sandbox shop that accepts
exactly that password; then every captured output and every file written is searched for it (and
for the base64 of the Basic header it travels in). The only deliberate copies are the keyring entry
and the `--insecure-storage` file, which is checked for its 0600 mode instead.
"""

from __future__ import annotations

import base64
import copy
import logging
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import Cli, CliResult, RunningSandbox, write_csv

PASSWORD = "Zq7!pW-secret-4f9e-Kx2#unique"
WRONG_PASSWORD = "Wr0ng!pw-8c1d-also-secret"
USERNAME = "leak-test-api-user"
OUTPUTS = (
    ("-o", "table", "-v"),
    ("-o", "json", "-vv"),
    ("-o", "json"),
    ("-o", "table", "-vv"),
)
# One fresh order per output style for the real `create`, so each one sends.
CREATE_ORDERS = ("D3XZFWPP", "K7M2QX4N", "P9T4WB2R", "B5N8ZC1L")
CSV_ORDERS = ("R8W1FK5Y", "T6C3NH8G")


def forms_of(password: str) -> list[str]:
    """How a password could leak: as is, inside a Basic header, or URL-encoded."""
    basic = base64.b64encode(f"{USERNAME}:{password}".encode()).decode()
    return [password, basic, quote(password, safe="")]


def leaked_secrets(text: str) -> list[str]:
    return [
        form
        for password in (PASSWORD, WRONG_PASSWORD)
        for form in forms_of(password)
        if form in text
    ]


def leaking_files(*roots: Path, allowed: frozenset[Path] = frozenset()) -> list[str]:
    """Every file under `roots` (but `allowed`) that holds a form of a password."""
    found = []
    for root in roots:
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file() and path not in allowed:
                text = path.read_bytes().decode("utf-8", errors="replace")
                found += [f"{path}: {form!r}" for form in leaked_secrets(text)]
    return found


class Recorder:
    """Runs commands and remembers everything they printed, to search it afterwards."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.runs: list[tuple[tuple[str, ...], CliResult]] = []

    def __call__(self, *args: str, expect: int = 0, **kwargs: Any) -> CliResult:
        result = self.cli(*args, **kwargs)
        self.runs.append((args, result))
        assert result.exit_code == expect, f"fwfulfill {' '.join(args)}\n{result}"
        return result

    def leaks(self) -> list[str]:
        return [
            f"fwfulfill {' '.join(args)}: {form!r}"
            for args, result in self.runs
            for form in leaked_secrets(result.stdout + result.stderr)
        ]


def seed_with_password(password: str) -> dict[str, Any]:
    from fwfulfill.sandbox.demo import demo_seed

    seed = copy.deepcopy(demo_seed())
    seed["credentials"]["username"] = USERNAME
    seed["credentials"]["password"] = password
    return seed


@pytest.fixture
def shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox(seed=seed_with_password(PASSWORD))
    return sandbox


@pytest.fixture
def directories() -> tuple[Path, Path]:
    return Path(os.environ["FWFULFILL_CONFIG_DIR"]), Path(os.environ["FWFULFILL_STATE_DIR"])


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of the run, down to httpx's and httpcore's debug traces."""
    caplog.set_level(logging.DEBUG)
    return caplog


def login(
    run: Recorder, shop: RunningSandbox, *extra: str, password: str = PASSWORD, expect: int = 0
) -> CliResult:
    return run(
        "auth",
        "login",
        "--api-url",
        shop.url,
        "--username",
        USERNAME,
        "--password-stdin",
        *extra,
        input=password + "\n",
        expect=expect,
    )


@pytest.mark.slow
def test_no_command_shows_or_writes_the_password(
    cli: Cli,
    shop: RunningSandbox,
    memory_keyring: Any,
    *,
    logs: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    run = Recorder(cli)
    csv = write_csv(
        tmp_path / "tracking.csv",
        [["order", "tracking_number", "carrier"]]
        + [
            [order, f"94001118992238176547{index}0", "USPS"]
            for index, order in enumerate(CSV_ORDERS)
        ],
    )
    for index, output in enumerate(OUTPUTS):
        login(run, shop, *output)
        run("auth", "status", *output)
        run("auth", "status", "--offline", *output)
        run("orders", "list", *output)
        run("orders", "show", "D3XZFWPP", *output)
        tracking = f"usps:94001118992238176543{index}1"
        run("create", "H2V6RJ9D", "--all", "--tracking", tracking, "--dry-run", *output)
        run("create", CREATE_ORDERS[index], "--all", "--tracking", tracking, *output)
        run("from-csv", str(csv), "--dry-run", *output)
        report = tmp_path / f"report-{index}.csv"
        run("from-csv", str(csv), "--yes", "--report", str(report), *output)
        run("history", *output)
    # The same password from the environment instead of the keyring.
    run("orders", "list", "-vv", "-o", "json", env=shop.env())
    # Wrong passwords, at login and during a command.
    login(run, shop, password=WRONG_PASSWORD, expect=4)
    run(
        "orders",
        "list",
        "-vv",
        env={**shop.env(), "FOURTHWALL_API_PASSWORD": WRONG_PASSWORD},
        expect=4,
    )
    run("auth", "logout", "-v")

    # The commands really used the password: things were created, the header was sent (redacted).
    assert len(shop.fulfillments()) > len(seed_with_password(PASSWORD)["fulfillments"])
    assert any("authorization: basic [redacted]" in result.stderr.lower() for _, result in run.runs)
    assert run.leaks() == []
    assert leaked_secrets(logs.text) == []
    assert (tmp_path / "report-3.csv").exists()
    # The config and state directories, the CSV and the reports all live under tmp_path.
    assert leaking_files(tmp_path) == []
    assert memory_keyring.entries == {}  # logged out: the one deliberate copy is gone too


def test_the_keyring_holds_the_password_and_nothing_else_does(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any, directories: tuple[Path, Path]
) -> None:
    run = Recorder(cli)
    login(run, shop, "-vv")
    run("orders", "list", "-vv")

    assert any(PASSWORD in secret for secret in memory_keyring.entries.values())
    assert run.leaks() == []
    assert leaking_files(*directories) == []


def test_the_insecure_file_is_the_only_file_with_the_password_and_is_private(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any, directories: tuple[Path, Path]
) -> None:
    run = Recorder(cli)
    login(run, shop, "--insecure-storage", "-vv")
    run("auth", "status", "-vv")
    run("orders", "list", "-vv", "-o", "json")
    run("create", "D3XZFWPP", "--all", "--tracking", "usps:9400111899223817654305", "-vv")

    config, _ = directories
    insecure = config / "credentials-insecure.json"
    assert PASSWORD in insecure.read_text()
    assert stat.S_IMODE(insecure.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.stat().st_mode) == 0o700
    assert memory_keyring.entries == {}
    assert run.leaks() == []
    assert leaking_files(*directories, allowed=frozenset({insecure})) == []


def test_a_rejected_password_exits_4_and_names_the_fix(cli: Cli, shop: RunningSandbox) -> None:
    env = {**shop.env(), "FOURTHWALL_API_PASSWORD": WRONG_PASSWORD}

    result = cli("orders", "list", env=env)

    assert result.exit_code == 4, result
    assert "credentials rejected" in result.stderr.lower()
    assert "fwfulfill auth login" in result.stderr
    assert leaked_secrets(result.stdout + result.stderr) == []


@pytest.mark.parametrize("credentials_from", ["keyring", "environment"])
def test_a_bugs_traceback_with_fwfulfill_debug_never_shows_the_password(
    cli: Cli, shop: RunningSandbox, monkeypatch: pytest.MonkeyPatch, credentials_from: str
) -> None:
    # Only the secrets this test's run loads may be scrubbed, not ones earlier tests left behind.
    monkeypatch.setattr("fwfulfill.auth.credentials._HELD_SECRETS", set())
    run = Recorder(cli)
    env = shop.env() if credentials_from == "environment" else {}
    if credentials_from == "keyring":
        login(run, shop)

    def broken(self: object, request: object) -> object:
        # A bug deep in the send whose exception text quotes the secret in every form it travels.
        try:
            raise ValueError(f"backend said {' and '.join(forms_of(PASSWORD))}")
        except ValueError as inner:
            raise RuntimeError(
                f"wrapped {PASSWORD}, Authorization: Basic {forms_of(PASSWORD)[1]}, "
                f"https://{USERNAME}:{forms_of(PASSWORD)[2]}@example.com/"
            ) from inner

    monkeypatch.setattr("fwfulfill.api.client.ApiClient.create_fulfillment", broken)
    tracking = "usps:9400111899223817654305"
    for flags, debug in ((("-vv",), "0"), ((), "1"), (("-o", "json"), "1")):
        result = run(
            *flags,
            "create",
            "D3XZFWPP",
            "--all",
            "--tracking",
            tracking,
            env={**env, "FWFULFILL_DEBUG": debug},
            expect=1,
        )
        assert "Traceback (most recent call last)" in result.stderr, result
        assert "ValueError: backend said" in result.stderr  # the chained cause is shown too
        assert "[redacted]" in result.stderr
    assert run.leaks() == []
