"""Secrets go only where they belong: each profile's password to its own shop's URL, plain http only
to this machine, and profile names checked the same way by every command (issue 9, "Secrets to the
wrong host")."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from fwfulfill.sandbox import SandboxApp, SandboxServer
from fwfulfill.sandbox.demo import demo_seed
from fwfulfill.sandbox.messages import SandboxRequest, SandboxResponse
from fwfulfill.sandbox.seed import parse_seed
from fwfulfill.sandbox.state import SandboxState
from tests.conftest import Cli, RunningSandbox
from tests.test_auth import login_args, other_shop_seed


class RecordingApp(SandboxApp):
    """The sandbox, noting the Authorization header of every request that reaches it."""

    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.authorizations: list[str] = []

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        self.authorizations.append(request.headers.get("authorization") or "")
        return super().handle(request)

    def passwords_received(self) -> set[str]:
        """The passwords of every Basic header that arrived, decoded."""
        found = set()
        for header in self.authorizations:
            scheme, _, value = header.partition(" ")
            if scheme.lower() == "basic":
                found.add(base64.b64decode(value).decode().partition(":")[2])
        return found


@pytest.fixture
def recorder() -> Iterator[tuple[RecordingApp, str]]:
    """A third shop that anyone may point FWFULFILL_API_URL at: what credentials reach it?"""
    recording = RecordingApp(SandboxState.from_seed(parse_seed(demo_seed(), source="recorder")))
    server = SandboxServer(recording).start()
    yield recording, server.url
    server.stop()


@pytest.fixture
def two_profiles(cli: Cli, start_sandbox: Any) -> tuple[RunningSandbox, RunningSandbox]:
    """Profile `main` (the default) logged in to one shop, profile `other` to another."""
    main, other = start_sandbox(), start_sandbox(seed=other_shop_seed())
    assert cli(*login_args(main, "--profile", "main"), input=main.password + "\n").exit_code == 0
    second = cli(*login_args(other, "--profile", "other"), input=other.password + "\n")
    assert second.exit_code == 0, second
    return main, other


def shop_checks(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get("GET /open-api/v1.0/shops/current", 0))


# ---- --api-url / FWFULFILL_API_URL apply to the selected profile only ----------------------------


@pytest.mark.parametrize("how", ["environment", "option"])
def test_api_url_override_reaches_only_the_selected_profiles_credentials(
    cli: Cli,
    two_profiles: tuple[RunningSandbox, RunningSandbox],
    recorder: tuple[RecordingApp, str],
    how: str,
) -> None:
    main, other = two_profiles
    recording, url = recorder
    before = shop_checks(other)
    if how == "environment":
        result = cli("auth", "status", "-o", "json", env={"FWFULFILL_API_URL": url})
    else:
        result = cli("--api-url", url, "auth", "status", "-o", "json")

    # The recorder is a copy of the demo shop, so main's credentials work there too.
    assert result.exit_code == 0, result
    assert recording.passwords_received() == {main.password}
    rows = {row["name"]: row for row in result.json()["profiles"]}
    assert (rows["main"]["apiUrl"], rows["main"]["check"]) == (url, "ok")
    # The other profile is checked where its own login said, with its own password.
    assert (rows["other"]["apiUrl"], rows["other"]["check"]) == (other.url, "ok")
    assert shop_checks(other) == before + 1


def test_api_url_override_follows_the_profile_selected_with_profile(
    cli: Cli,
    two_profiles: tuple[RunningSandbox, RunningSandbox],
    recorder: tuple[RecordingApp, str],
) -> None:
    main, other = two_profiles
    recording, url = recorder

    result = cli(
        "--profile", "other", "auth", "status", "-o", "json", env={"FWFULFILL_API_URL": url}
    )

    # The recorder does not know the other shop's user: rejected, and said so.
    assert result.exit_code == 4, result
    assert recording.passwords_received() == {other.password}
    rows = {row["name"]: row for row in result.json()["profiles"]}
    assert (rows["other"]["apiUrl"], rows["other"]["check"]) == (url, "rejected")
    assert (rows["main"]["apiUrl"], rows["main"]["check"]) == (main.url, "ok")


def test_api_url_override_with_environment_credentials_reaches_no_profile(
    cli: Cli,
    two_profiles: tuple[RunningSandbox, RunningSandbox],
    recorder: tuple[RecordingApp, str],
) -> None:
    main, other = two_profiles
    recording, url = recorder
    environment = {
        "FOURTHWALL_API_USERNAME": "sandbox-api-user",
        "FOURTHWALL_API_PASSWORD": "the-environment-password",
        "FWFULFILL_API_URL": url,
    }

    result = cli("auth", "status", "-o", "json", env=environment)

    # Every command would use the environment's credentials: only they go to the override.
    assert recording.passwords_received() == {"the-environment-password"}, result
    rows = {row["name"]: row for row in result.json()["profiles"]}
    assert (rows["main"]["apiUrl"], rows["other"]["apiUrl"]) == (main.url, other.url)


# ---- plain http only to literal loopback addresses -----------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.localhost:8765",
        "http://localhost.evil.example:8765",
        "http://127.0.0.1.nip.io:8765",
        "http://localhost.:8765",
        "http://2130706433:8765",
        "http://0x7f.0.0.1:8765",
        "http://127.1:8765",
        "http://[::ffff:127.0.0.1]:8765",
    ],
)
def test_plain_http_goes_only_to_literal_loopback_addresses(cli: Cli, url: str) -> None:
    env = {"FOURTHWALL_API_USERNAME": "u", "FOURTHWALL_API_PASSWORD": "p-secret"}

    result = cli("--api-url", url, "orders", "list", env=env)

    assert result.exit_code == 2, result
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: --api-url: plain http is only allowed to this machine"), line
    assert "p-secret" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765",
        "http://127.8.9.10:8765",
        "http://localhost:8765",
        "http://LOCALHOST:8765",
        "http://[::1]:8765",
        "https://api.fourthwall.com",
    ],
)
def test_plain_http_goes_only_to_literal_loopback_addresses_accepts_these(url: str) -> None:
    from fwfulfill.api.urls import validate_api_url

    assert validate_api_url(url, "--api-url") == url


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:abc", "port"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127.0.0.1:0", "port"),
        ("https://api.example.com:", "port"),
        ("http://[::1", "not an http(s) URL"),
        ("http://[::1]x:9", "port"),
        ("https://api.exa mple.com", "space or control character"),
        ("https://api.example.com\x00", "space or control character"),
        ("https://api.example.com/?page=2", "query"),
        ("https://api.example.com/#top", "query"),
        ("https://[zz]:9", "'https://[zz]:9'"),
        ("https://xn--zz.example", "cannot be used"),
    ],
)
def test_api_url_that_does_not_parse_exits_2_with_one_line(cli: Cli, url: str, why: str) -> None:
    env = {"FOURTHWALL_API_USERNAME": "u", "FOURTHWALL_API_PASSWORD": "p-secret"}

    result = cli("--api-url", url, "orders", "list", env=env)

    assert result.exit_code == 2, result
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: "), line
    assert "--api-url" in line or url in line, line
    assert why in line, line
    assert "internal error" not in line


def test_api_url_that_does_not_parse_exits_2_with_one_line_from_the_environment(cli: Cli) -> None:
    env = {
        "FOURTHWALL_API_USERNAME": "u",
        "FOURTHWALL_API_PASSWORD": "p",
        "FWFULFILL_API_URL": "http://[::1",
    }

    result = cli("orders", "list", env=env)

    assert result.exit_code == 2, result
    assert result.stderr.startswith("error: FWFULFILL_API_URL: "), result


# ---- one validation of profile names -------------------------------------------------------------


@pytest.mark.parametrize("name", ["../x", "a/b", " main", "x" * 65, "-flag", "..", "a\x01b"])
def test_auth_status_refuses_a_profile_name_login_refuses(cli: Cli, name: str) -> None:
    status = cli("auth", "status", f"--profile={name}")
    environment = cli("auth", "status", env={"FWFULFILL_PROFILE": name})

    for result, target in ((status, "--profile"), (environment, "FWFULFILL_PROFILE")):
        assert result.exit_code == 2, result
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {target}: "), line
        assert "is not a usable profile name" in line, line


def test_auth_status_refuses_a_profile_name_login_refuses_even_when_empty(cli: Cli) -> None:
    # An empty --profile is a script's unset variable, not "the default profile".
    result = cli("auth", "status", "--profile=")
    assert result.exit_code == 2, result
    assert "is not a usable profile name" in result.stderr


def test_auth_status_refuses_a_profile_name_login_refuses_in_every_command(cli: Cli) -> None:
    for command in (
        ("orders", "list"),
        ("create", "D3XZFWPP", "--all", "--tracking", "usps:9400111899223817654305"),
        ("auth", "logout"),
        ("auth", "login", "--username", "u", "--password-stdin"),
    ):
        result = cli("--profile", "../x", *command, input="pw\n")
        assert result.exit_code == 2, (command, result)
        assert "is not a usable profile name" in result.stderr, (command, result)
