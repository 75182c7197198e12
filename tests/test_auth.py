"""`fwfulfill auth login|status|logout` as an ops person uses them, against loopback sandbox shops.

Most tests use the in-memory keyring of the `cli` fixture. The "no usable keyring" paths run the
real `fwfulfill` in a subprocess with keyring's own `fail` and `null` backends
(PYTHON_KEYRING_BACKEND).
"""

from __future__ import annotations

import copy
import os
import pty
import select
import stat
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, CliResult, RunningSandbox

DEMO_LABEL = "Sandbox Merch Co. (shop.sandbox-merch.example)"
OTHER_PASSWORD = "other-shop-password-Qx7"


# ---- helpers shared with test_keyring_real.py and test_secrets.py -------------------------------


def other_shop_seed(password: str = OTHER_PASSWORD) -> dict[str, Any]:
    """A second shop: the demo orders under another name, id and password."""
    from fwfulfill.sandbox.demo import demo_seed

    seed = copy.deepcopy(demo_seed())
    seed["shop"] = {
        "id": "sh_0ther000-0000-4000-8000-000000000002",
        "name": "Other Merch Ltd.",
        "domain": "other-merch.fourthwall.com",
        "publicDomain": "other-merch.example",
    }
    seed["credentials"]["username"] = "other-api-user"
    seed["credentials"]["password"] = password
    return seed


def config_dir() -> Path:
    return Path(os.environ["FWFULFILL_CONFIG_DIR"])


def login_args(shop: RunningSandbox, *extra: str) -> list[str]:
    return [
        "auth",
        "login",
        "--api-url",
        shop.url,
        "--username",
        shop.username,
        "--password-stdin",
        *extra,
    ]


def run_fwfulfill(
    *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> CliResult:
    """The installed `fwfulfill` in a fresh process, with this test's isolated directories."""
    result = subprocess.run(
        [sys.executable, "-m", "fwfulfill", *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
        check=False,
    )
    return CliResult(result.returncode, result.stdout, result.stderr)


def run_on_terminal(
    args: Sequence[str], answers: Sequence[tuple[bytes, bytes]], env: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """Run `fwfulfill ARGS` on a pseudo-terminal, typing each answer after its prompt appears.

    Returns the exit code and everything the terminal showed (the echo of what was typed included).
    """
    pid, terminal = pty.fork()
    if pid == 0:  # the child: becomes fwfulfill, with the pty as its controlling terminal
        os.execve(
            sys.executable,
            [sys.executable, "-m", "fwfulfill", *args],
            {**os.environ, "NO_COLOR": "1", **(env or {})},
        )
    shown = b""
    try:
        for prompt, answer in answers:
            shown += _read_until(terminal, prompt, shown)
            os.write(terminal, answer + b"\n")
        shown += _read_until(terminal, None, b"")
    finally:
        os.close(terminal)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown


def _read_until(terminal: int, wanted: bytes | None, before: bytes, timeout: float = 30) -> bytes:
    """Read the terminal until `wanted` shows up (or until the program ends, for None)."""
    shown = b""
    deadline = time.monotonic() + timeout
    while wanted is None or wanted not in before + shown:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {wanted!r} on the terminal; it showed {shown!r}")
        ready, _, _ = select.select([terminal], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # EIO: the program ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    return shown


# ---- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox()
    return sandbox


@pytest.fixture
def other_shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox(seed=other_shop_seed())
    return sandbox


def requests_to(shop: RunningSandbox, path: str) -> int:
    return int(shop.stats()["requests"].get(f"GET /open-api/v1.0{path}", 0))


# ---- login ---------------------------------------------------------------------------------------


def test_login_checks_the_credentials_then_keeps_them_in_the_keyring(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any
) -> None:
    result = cli(*login_args(shop), input=shop.password + "\n")

    assert result.exit_code == 0, result
    assert f"Logged in to {DEMO_LABEL} as sand" in result.stderr
    assert "profile default (the default profile); stored in the keyring." in result.stderr
    assert requests_to(shop, "/shops/current") == 1
    assert list(memory_keyring.entries) == [("fwfulfill", "default")]
    config = (config_dir() / "config.toml").read_text()
    assert 'shop_name = "Sandbox Merch Co."' in config
    assert f'api_url = "{shop.url}"' in config
    assert 'storage = "keyring"' in config
    assert shop.password not in config


def test_login_with_json_output_describes_the_profile(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(*login_args(shop, "-o", "json"), input=shop.password + "\n")

    assert result.exit_code == 0, result
    assert result.json() == {
        "profile": "default",
        "default": True,
        "shop": {
            "id": "sh_5d1c3a52-7f0e-4c1b-9a55-0c2f4e1b7a10",
            "name": "Sandbox Merch Co.",
            "domain": "shop.sandbox-merch.example",
        },
        "username": "sand************",
        "storage": "keyring",
    }


def test_wrong_password_exits_4_and_stores_nothing(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any
) -> None:
    result = cli(*login_args(shop), input="not-the-password\n")

    assert result.exit_code == 4, result
    assert "Credentials rejected" in result.stderr
    assert "nothing was stored" in result.stderr
    assert "Settings -> For developers" in result.stderr
    assert memory_keyring.entries == {}
    assert not (config_dir() / "config.toml").exists()


def test_without_a_terminal_the_password_must_come_from_password_stdin(
    cli: Cli, shop: RunningSandbox
) -> None:
    result = cli("auth", "login", "--api-url", shop.url, "--username", shop.username, input="")

    assert result.exit_code == 2, result
    assert "stdin is not a terminal" in result.stderr
    assert "--password-stdin" in result.stderr
    assert requests_to(shop, "/shops/current") == 0


def test_password_stdin_needs_a_username(cli: Cli, shop: RunningSandbox) -> None:
    result = cli("auth", "login", "--api-url", shop.url, "--password-stdin", input="pw\n")

    assert result.exit_code == 2, result
    assert "--password-stdin needs --username" in result.stderr


def test_empty_password_stdin_is_refused(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(*login_args(shop), input="\n")

    assert result.exit_code == 2, result
    assert "no password on stdin" in result.stderr


def test_there_is_no_option_that_takes_the_password(cli: Cli) -> None:
    result = cli("auth", "login", "--help")

    assert result.exit_code == 0
    assert "--password " not in result.stdout
    assert "--password=" not in result.stdout
    assert "--password-stdin" in result.stdout


def test_login_help_says_where_the_api_user_is_created(cli: Cli) -> None:
    result = cli("auth", "login", "--help")

    assert "SUPER ADMIN" in result.stdout
    assert 'Settings -> For developers -> "Create API User"' in " ".join(result.stdout.split())


def test_login_warns_that_environment_variables_win(cli: Cli, shop: RunningSandbox) -> None:
    result = cli(*login_args(shop), input=shop.password + "\n", env=shop.env())

    assert result.exit_code == 0, result
    assert (
        "FOURTHWALL_API_USERNAME and FOURTHWALL_API_PASSWORD are set: while they are, every "
        "command uses them instead of this login." in " ".join(result.stderr.split())
    )


def test_login_to_the_builtin_sandbox_is_refused(cli: Cli) -> None:
    result = cli("--sandbox", "auth", "login", "--username", "x", "--password-stdin", input="y\n")

    assert result.exit_code == 2, result
    assert "the built-in sandbox needs no login" in result.stderr


def test_login_asks_for_the_password_without_echo_on_a_terminal(shop: RunningSandbox) -> None:
    # The subprocess has no usable keyring here, so this login uses the insecure file.
    code, shown = run_on_terminal(
        ["auth", "login", "--api-url", shop.url, "--insecure-storage", "-o", "table"],
        [(b"API username:", shop.username.encode()), (b"API password:", shop.password.encode())],
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )

    assert code == 0, shown
    assert shop.username.encode() in shown  # the username is echoed as typed
    assert shop.password.encode() not in shown
    assert b"Logged in to Sandbox Merch Co." in shown


# ---- profiles and status -------------------------------------------------------------------------


def test_status_lists_every_profile_with_a_live_check(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox
) -> None:
    assert cli(*login_args(shop, "--profile", "main"), input=shop.password + "\n").exit_code == 0
    other = cli(*login_args(other_shop, "--profile", "other"), input=other_shop.password + "\n")
    assert other.exit_code == 0, other

    result = cli("auth", "status", "-o", "json")

    assert result.exit_code == 0, result
    document = result.json()
    assert [(p["name"], p["default"], p["works"]) for p in document["profiles"]] == [
        ("main", True, True),
        ("other", False, True),
    ]
    main, second = document["profiles"]
    assert main["shop"]["name"] == "Sandbox Merch Co."
    assert second["shop"] == {
        "id": "sh_0ther000-0000-4000-8000-000000000002",
        "name": "Other Merch Ltd.",
        "domain": "other-merch.example",
    }
    assert (main["username"], second["username"]) == ("sand************", "othe**********")
    assert {p["source"] for p in document["profiles"]} == {"keyring"}
    assert (main["apiUrl"], second["apiUrl"]) == (shop.url, other_shop.url)
    assert document["environment"] == {"set": False, "variables": []}
    assert shop.password not in result.stdout
    assert other_shop.password not in result.stdout


def test_status_as_a_table(cli: Cli, shop: RunningSandbox) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    result = cli("auth", "status", "-o", "table")

    assert result.exit_code == 0, result
    row = next(line for line in result.stdout.splitlines() if "default" in line)
    for cell in ("yes", DEMO_LABEL, "sand************", "keyring", shop.url, "ok"):
        assert cell in row, result


def test_commands_use_the_selected_profile(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox
) -> None:
    cli(*login_args(shop, "--profile", "main"), input=shop.password + "\n")
    cli(*login_args(other_shop, "--profile", "other"), input=other_shop.password + "\n")

    assert cli("orders", "list", "-o", "json").exit_code == 0  # the default: main
    assert cli("orders", "list", "--profile", "other", "-o", "json").exit_code == 0
    assert cli("orders", "list", "-o", "json", env={"FWFULFILL_PROFILE": "other"}).exit_code == 0

    assert (requests_to(shop, "/order"), requests_to(other_shop, "/order")) == (1, 2)


def test_default_makes_a_later_profile_the_default(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox
) -> None:
    cli(*login_args(shop, "--profile", "main"), input=shop.password + "\n")
    result = cli(
        *login_args(other_shop, "--profile", "other", "--default"), input=other_shop.password + "\n"
    )
    assert "profile other (the default profile)" in result.stderr, result

    cli("orders", "list", "-o", "json")

    assert requests_to(other_shop, "/order") == 1
    defaults = {p["name"]: p["default"] for p in cli.json("auth", "status")["profiles"]}
    assert defaults == {"main": False, "other": True}


def test_status_offline_does_not_call_the_api(cli: Cli, shop: RunningSandbox) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    result = cli("auth", "status", "--offline", "-o", "json")

    assert result.exit_code == 0, result
    (profile,) = result.json()["profiles"]
    assert (profile["check"], profile["works"], profile["problem"]) == ("skipped", None, None)
    assert requests_to(shop, "/shops/current") == 1  # the login's check only


def test_status_when_not_logged_in_exits_4_with_the_fix(cli: Cli) -> None:
    result = cli("auth", "status", "-o", "json")

    assert result.exit_code == 4, result
    (profile,) = result.json()["profiles"]
    assert (profile["name"], profile["works"], profile["problem"]) == (
        "default",
        None,
        "not logged in",
    )
    assert "`fwfulfill auth login --profile default`" in result.stderr


def test_status_when_the_credentials_are_rejected_exits_4(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox
) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    # The other shop does not know these credentials.
    result = cli("--api-url", other_shop.url, "auth", "status", "-o", "json")

    assert result.exit_code == 4, result
    (profile,) = result.json()["profiles"]
    assert (profile["check"], profile["works"]) == ("rejected", False)
    assert "credentials rejected" in result.stderr
    assert "`fwfulfill auth login --profile default`" in result.stderr


def test_status_when_the_api_is_unreachable_exits_5(
    cli: Cli, shop: RunningSandbox, unused_port: int
) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    result = cli(
        "--api-url",
        f"http://127.0.0.1:{unused_port}",
        "auth",
        "status",
        "-o",
        "json",
        env={"FWFULFILL_MAX_RETRY_WAIT": "0"},
    )

    assert result.exit_code == 5, result
    (profile,) = result.json()["profiles"]
    assert (profile["check"], profile["works"]) == ("unreachable", None)


def test_status_shows_environment_credentials_win(cli: Cli, shop: RunningSandbox) -> None:
    result = cli("auth", "status", "-o", "json", env=shop.env())

    assert result.exit_code == 0, result
    document = result.json()
    assert document["profiles"] == []
    environment = document["environment"]
    assert environment["set"] is True
    assert environment["variables"] == ["FOURTHWALL_API_USERNAME", "FOURTHWALL_API_PASSWORD"]
    assert (environment["username"], environment["works"]) == ("sand************", True)
    assert environment["shop"]["name"] == "Sandbox Merch Co."
    assert shop.password not in result.stdout


def test_status_reports_a_half_set_environment(cli: Cli) -> None:
    result = cli("auth", "status", "-o", "json", env={"FOURTHWALL_API_USERNAME": "someone"})

    assert result.exit_code == 4, result
    assert "FOURTHWALL_API_PASSWORD is not set" in result.json()["environment"]["problem"]


def test_a_rejected_login_during_any_command_names_the_fix(cli: Cli, shop: RunningSandbox) -> None:
    env = {**shop.env(), "FOURTHWALL_API_PASSWORD": "wrong-password"}

    result = cli("orders", "list", "-o", "json", env=env)

    assert result.exit_code == 4, result
    assert "Credentials rejected" in result.stderr
    assert "fwfulfill auth login" in result.stderr


# ---- logout --------------------------------------------------------------------------------------


def test_logout_removes_the_keyring_entry_and_the_profile(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any
) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    result = cli("auth", "logout")

    assert result.exit_code == 0, result
    assert (
        "Logged out of profile default: removed its keyring entry and its settings."
        in result.stderr
    )
    assert memory_keyring.entries == {}
    assert cli("auth", "status").exit_code == 4


def test_logout_when_nothing_is_stored_is_harmless(cli: Cli) -> None:
    result = cli("auth", "logout")

    assert result.exit_code == 0, result
    assert "Profile default: nothing was stored; nothing to do." in result.stderr
    assert not (config_dir() / "config.toml").exists()


def test_logout_follows_fwfulfill_profile(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox, memory_keyring: Any
) -> None:
    cli(*login_args(shop, "--profile", "main"), input=shop.password + "\n")
    cli(*login_args(other_shop, "--profile", "other"), input=other_shop.password + "\n")

    result = cli("auth", "logout", env={"FWFULFILL_PROFILE": "other"})

    assert result.exit_code == 0, result
    assert "Logged out of profile other" in result.stderr
    assert list(memory_keyring.entries) == [("fwfulfill", "main")]


def test_logout_all_removes_every_profile(
    cli: Cli, shop: RunningSandbox, other_shop: RunningSandbox, memory_keyring: Any
) -> None:
    cli(*login_args(shop, "--profile", "main"), input=shop.password + "\n")
    cli(*login_args(other_shop, "--profile", "other"), input=other_shop.password + "\n")

    result = cli("auth", "logout", "--all", "-o", "json")

    assert result.exit_code == 0, result
    removed = {entry["profile"]: entry for entry in result.json()["removed"]}
    assert set(removed) == {"main", "other"}
    assert all(entry["keyring"] and entry["config"] for entry in removed.values())
    assert memory_keyring.entries == {}
    assert cli.json("auth", "status")["profiles"] == [
        {
            "name": "default",
            "default": True,
            "selected": True,
            "shop": None,
            "username": None,
            "source": None,
            "apiUrl": "https://api.fourthwall.com",
            "check": "not logged in",
            "works": None,
            "problem": "not logged in",
        }
    ]


def test_logout_takes_a_profile_or_all_not_both(cli: Cli) -> None:
    result = cli("auth", "logout", "--all", "--profile", "main")

    assert result.exit_code == 2, result
    assert "either --profile or --all" in result.stderr


def test_logout_reminds_that_environment_variables_stay(cli: Cli, shop: RunningSandbox) -> None:
    result = cli("auth", "logout", env=shop.env())

    assert result.exit_code == 0, result
    assert "still set in this environment" in result.stderr


# ---- insecure file -------------------------------------------------------------------------------


def test_insecure_storage_writes_a_private_file_and_warns(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any
) -> None:
    result = cli(*login_args(shop, "--insecure-storage"), input=shop.password + "\n")

    assert result.exit_code == 0, result
    stored = config_dir() / "credentials-insecure.json"
    assert f"warning: the password is stored unencrypted in {stored}" in " ".join(
        result.stderr.split()
    )
    assert "stored in the insecure file" in result.stderr
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert memory_keyring.entries == {}

    status = cli("auth", "status", "-o", "json")
    assert status.exit_code == 0, status
    assert status.json()["profiles"][0]["source"] == "file"
    assert "keeps its password unencrypted in the insecure file" in status.stderr
    assert cli("orders", "list", "-o", "json").exit_code == 0


def test_a_keyring_login_removes_the_insecure_copy(
    cli: Cli, shop: RunningSandbox, memory_keyring: Any
) -> None:
    cli(*login_args(shop, "--insecure-storage"), input=shop.password + "\n")

    result = cli(*login_args(shop), input=shop.password + "\n")

    assert result.exit_code == 0, result
    assert "Removed the older copy of profile 'default'" in result.stderr
    assert not (config_dir() / "credentials-insecure.json").exists()
    assert list(memory_keyring.entries) == [("fwfulfill", "default")]


def test_logout_removes_the_insecure_file(cli: Cli, shop: RunningSandbox) -> None:
    cli(*login_args(shop, "--insecure-storage"), input=shop.password + "\n")

    result = cli("auth", "logout")

    assert result.exit_code == 0, result
    assert "removed its entry in the insecure file and its settings" in result.stderr
    assert not (config_dir() / "credentials-insecure.json").exists()


# ---- no usable keyring: keyring's own `fail` and `null` backends ---------------------------------

UNUSABLE_BACKENDS = ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]


@pytest.mark.parametrize("backend", UNUSABLE_BACKENDS)
def test_login_without_a_usable_keyring_stops_and_names_the_ways_on(
    backend: str, shop: RunningSandbox
) -> None:
    result = run_fwfulfill(
        *login_args(shop),
        input=shop.password + "\n",
        env={"PYTHON_KEYRING_BACKEND": backend},
    )

    assert result.exit_code == 4, result
    message = " ".join(result.stderr.split())
    assert "No usable keyring" in message
    assert backend.rsplit(".", 1)[0] in message
    assert "FOURTHWALL_API_USERNAME and FOURTHWALL_API_PASSWORD" in message
    assert "fwfulfill auth login --insecure-storage" in message
    assert not (config_dir() / "config.toml").exists()
    assert not (config_dir() / "credentials-insecure.json").exists()
    assert requests_to(shop, "/shops/current") == 0  # refused before the password was used


@pytest.mark.parametrize("backend", UNUSABLE_BACKENDS)
def test_insecure_storage_works_without_a_keyring(backend: str, shop: RunningSandbox) -> None:
    env = {"PYTHON_KEYRING_BACKEND": backend}

    password = shop.password + "\n"
    login = run_fwfulfill(*login_args(shop, "--insecure-storage"), input=password, env=env)
    orders = run_fwfulfill("orders", "list", "-o", "json", env=env)
    status = run_fwfulfill("auth", "status", "-o", "json", env=env)

    assert login.exit_code == 0, login
    assert orders.exit_code == 0, orders
    assert status.exit_code == 0, status
    assert status.json()["profiles"][0]["source"] == "file"
    stored = config_dir() / "credentials-insecure.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_status_without_a_usable_keyring_says_so(cli: Cli, shop: RunningSandbox) -> None:
    cli(*login_args(shop), input=shop.password + "\n")  # stored in the in-memory keyring

    result = run_fwfulfill(
        "auth", "status", "-o", "json", env={"PYTHON_KEYRING_BACKEND": UNUSABLE_BACKENDS[0]}
    )

    assert result.exit_code == 4, result
    assert "No usable keyring" in result.stderr
    assert "keyring.backends.fail" in result.json()["profiles"][0]["problem"]


def test_logout_without_a_usable_keyring_keeps_the_profile(cli: Cli, shop: RunningSandbox) -> None:
    cli(*login_args(shop), input=shop.password + "\n")

    result = run_fwfulfill("auth", "logout", env={"PYTHON_KEYRING_BACKEND": UNUSABLE_BACKENDS[0]})

    assert result.exit_code == 4, result
    assert "may still be there" in result.stderr
    assert "default" in (config_dir() / "config.toml").read_text()
