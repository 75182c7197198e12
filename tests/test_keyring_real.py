"""`fwfulfill auth` through a real Secret Service (gnome-keyring), as on a Linux desktop.

Run them with `dbus-run-session -- bash tests/keyring_session.sh`: it starts a throwaway, unlocked
gnome-keyring and sets FWFULFILL_REQUIRE_REAL_KEYRING=1, which turns "no Secret Service" from a skip
into a failure. Each test uses profiles with random names and removes its entries afterwards, so a
developer's own fwfulfill logins are never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, RunningSandbox
from tests.test_auth import (
    login_args,
    other_shop_seed,
    requests_to,
    run_fwfulfill,
    run_on_terminal,
)

pytestmark = pytest.mark.keyring_real

REQUIRE = "FWFULFILL_REQUIRE_REAL_KEYRING"
SESSION_COMMAND = "`dbus-run-session -- bash tests/keyring_session.sh`"
_PROBE = """
import secretstorage
connection = secretstorage.dbus_init()
if not secretstorage.check_service_availability(connection):
    print("no Secret Service on the session bus (is gnome-keyring-daemon running?)")
elif secretstorage.get_default_collection(connection).is_locked():
    print("the default Secret Service collection is locked")
else:
    print("ok")
"""


def secret_service_problem() -> str | None:
    """Why no usable Secret Service is reachable, or None when one answers, unlocked."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    try:
        # In a subprocess with a timeout: a Secret Service that waits for a prompt must not hang us.
        probe = subprocess.run(
            [sys.executable, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "the Secret Service did not answer within 20 s"
    answer = probe.stdout.strip() or (probe.stderr.strip().splitlines() or ["no answer"])[-1]
    return None if answer == "ok" else answer


class SecretService:
    """The test's view of the real keyring: the items `fwfulfill` wrote, read with secretstorage."""

    def __init__(self) -> None:
        import secretstorage

        self._connection = secretstorage.dbus_init()
        self._collection = secretstorage.get_default_collection(self._connection)
        self.profiles: list[str] = []

    def profile(self, label: str) -> str:
        """A profile name no real login uses; its entries are removed after the test."""
        name = f"kr-{label}-{uuid.uuid4().hex[:8]}"
        self.profiles.append(name)
        return name

    def secrets(self, profile: str) -> list[dict[str, Any]]:
        items = self._collection.search_items({"service": "fwfulfill", "username": profile})
        return [json.loads(item.get_secret()) for item in items]

    def close(self) -> None:
        for profile in self.profiles:
            for item in self._collection.search_items(
                {"service": "fwfulfill", "username": profile}
            ):
                item.delete()
        self._connection.close()


@pytest.fixture
def secret_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretService]:
    problem = secret_service_problem()
    if problem is not None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but no real keyring: {problem}")
        pytest.skip(f"no real keyring: {problem}; run them with {SESSION_COMMAND}")
    # keyring chooses its backend fresh in every `fwfulfill` process: no override, no user config.
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    service = SecretService()
    yield service
    service.close()


@pytest.fixture
def shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox()
    return sandbox


@pytest.fixture
def other_shop(start_sandbox: Any) -> RunningSandbox:
    sandbox: RunningSandbox = start_sandbox(seed=other_shop_seed())
    return sandbox


def login(shop: RunningSandbox, profile: str, *extra: str) -> CliResult:
    args = login_args(shop, "--profile", profile, *extra)
    return run_fwfulfill(*args, input=shop.password + "\n")


def test_the_backend_is_the_secret_service(secret_service: SecretService) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import keyring; print(type(keyring.get_keyring()).__module__)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert probe.stdout.strip() == "keyring.backends.SecretService"


def test_login_status_and_logout_through_the_secret_service(
    secret_service: SecretService, shop: RunningSandbox
) -> None:
    profile = secret_service.profile("main")

    result = login(shop, profile)

    assert result.exit_code == 0, result
    assert f"profile {profile} (the default profile); stored in the keyring." in result.stderr
    assert secret_service.secrets(profile) == [
        {"username": shop.username, "password": shop.password}
    ]
    status = run_fwfulfill("auth", "status", "-o", "json")
    assert status.exit_code == 0, status
    (row,) = status.json()["profiles"]
    assert (row["name"], row["source"], row["works"]) == (profile, "keyring", True)
    assert run_fwfulfill("orders", "list", "-o", "json").exit_code == 0

    logout = run_fwfulfill("auth", "logout", "--profile", profile)

    assert logout.exit_code == 0, logout
    assert "removed its keyring entry and its settings" in logout.stderr
    assert secret_service.secrets(profile) == []
    after = run_fwfulfill("auth", "status", "--profile", profile)
    assert after.exit_code == 4, after
    assert f"fwfulfill auth login --profile {profile}" in after.stderr


def test_profile_switching_through_the_secret_service(
    secret_service: SecretService, shop: RunningSandbox, other_shop: RunningSandbox
) -> None:
    first, second = secret_service.profile("first"), secret_service.profile("second")
    assert login(shop, first).exit_code == 0
    assert login(other_shop, second).exit_code == 0

    assert run_fwfulfill("orders", "list", "-o", "json").exit_code == 0  # the default: first
    assert run_fwfulfill("orders", "list", "--profile", second, "-o", "json").exit_code == 0
    switched = run_fwfulfill("orders", "list", "-o", "json", env={"FWFULFILL_PROFILE": second})
    assert switched.exit_code == 0, switched
    assert (requests_to(shop, "/order"), requests_to(other_shop, "/order")) == (1, 2)

    assert login(other_shop, second, "--default").exit_code == 0
    assert run_fwfulfill("orders", "list", "-o", "json").exit_code == 0
    assert requests_to(other_shop, "/order") == 3
    status = run_fwfulfill("auth", "status", "-o", "json")
    assert status.exit_code == 0, status
    rows = {row["name"]: row for row in status.json()["profiles"]}
    assert {name: row["default"] for name, row in rows.items()} == {first: False, second: True}
    assert rows[second]["shop"]["name"] == "Other Merch Ltd."
    assert all(row["source"] == "keyring" and row["works"] for row in rows.values())

    logout = run_fwfulfill("auth", "logout", "--all")

    assert logout.exit_code == 0, logout
    assert secret_service.secrets(first) == []
    assert secret_service.secrets(second) == []


def test_a_rejected_login_leaves_the_secret_service_untouched(
    secret_service: SecretService, shop: RunningSandbox
) -> None:
    profile = secret_service.profile("wrong")

    result = run_fwfulfill(*login_args(shop, "--profile", profile), input="wrong-password\n")

    assert result.exit_code == 4, result
    assert "nothing was stored" in result.stderr
    assert secret_service.secrets(profile) == []


def test_a_terminal_login_goes_to_the_secret_service(
    secret_service: SecretService, shop: RunningSandbox
) -> None:
    profile = secret_service.profile("tty")

    code, shown = run_on_terminal(
        ["auth", "login", "--api-url", shop.url, "--profile", profile, "-o", "table"],
        [(b"API username:", shop.username.encode()), (b"API password:", shop.password.encode())],
    )

    assert code == 0, shown
    assert shop.password.encode() not in shown
    assert b"stored in the keyring" in shown
    assert secret_service.secrets(profile) == [
        {"username": shop.username, "password": shop.password}
    ]
