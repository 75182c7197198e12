"""Shared fixtures: an isolated user (config, state, keyring, environment) and the CLI as a user
runs it."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fwfulfill.cli.app import app

# Variables that would let a developer's real shop or settings leak into a test.
_ISOLATED = (
    "FOURTHWALL_API_USERNAME",
    "FOURTHWALL_API_PASSWORD",
    "FOURTHWALL_ACCESS_TOKEN",
    "FWFULFILL_PROFILE",
    "FWFULFILL_API_URL",
    "NO_COLOR",
)


# The spec tests (tests/sandbox) check the sandbox against Fourthwall's OpenAPI spec, a file outside
# the repo. Without it they skip, and say so in the summary line; CI sets FWFULFILL_REQUIRE_SPEC=1,
# which makes a missing spec a failure instead.
ENV_SPEC = "FWFULFILL_OPENAPI_SPEC"
ENV_REQUIRE_SPEC = "FWFULFILL_REQUIRE_SPEC"
SPEC_MISSING = "Fourthwall's OpenAPI spec is not at"
SPEC_SKIPPED = "skipped without the OpenAPI spec"


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> Any:
    """A spec test skipped for want of the spec is counted apart: `12 skipped without the OpenAPI
    spec` in the summary line, never lost among the ordinary skips."""
    if report.skipped and SPEC_MISSING in str(report.longrepr):
        return SPEC_SKIPPED, "S", "SKIPPED (no OpenAPI spec)"
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = terminalreporter.stats.get(SPEC_SKIPPED, [])
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_sep("=", "OpenAPI spec tests not run", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} tests did not check the sandbox against the spec: {reason}. "
            f"CI sets {ENV_REQUIRE_SPEC}=1, which fails them instead."
        )


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:  # shown when an assertion fails
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Cli:
    """`cli("create", "D3XZFWPP", ...)` runs fwfulfill as a user would, in-process."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(
        self, *args: str, input: str | None = None, env: dict[str, str] | None = None
    ) -> CliResult:
        runner = CliRunner()
        result = runner.invoke(
            app, list(args), input=input, env={**self.env, **(env or {})}, prog_name="fwfulfill"
        )
        return CliResult(result.exit_code, result.stdout, result.stderr)

    def json(self, *args: str, **kwargs: Any) -> Any:
        result = self(*args, "--output", "json", **kwargs)
        return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def isolated_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config and state directories and no shop credentials."""
    home = tmp_path / "user"
    monkeypatch.setenv("FWFULFILL_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("FWFULFILL_STATE_DIR", str(home / "state"))
    for name in _ISOLATED:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def memory_keyring() -> Iterator[Any]:
    """An in-memory keyring backend, for tests that are not about the keyring itself."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError

            if (service, username) not in self.entries:
                raise PasswordDeleteError(username)
            del self.entries[(service, username)]

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def cli(memory_keyring: Any) -> Cli:
    return Cli(
        {
            "FWFULFILL_CONFIG_DIR": os.environ["FWFULFILL_CONFIG_DIR"],
            "FWFULFILL_STATE_DIR": os.environ["FWFULFILL_STATE_DIR"],
        }
    )


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    delimiter: str = ",",
) -> Path:
    """A CSV as a shipping tool writes it (no quoting magic beyond what csv does)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@dataclass
class RunningSandbox:
    """A sandbox shop served over real loopback HTTP, and how to point the CLI at it."""

    url: str
    username: str
    password: str
    app: Any

    def env(self) -> dict[str, str]:
        return {
            "FOURTHWALL_API_USERNAME": self.username,
            "FOURTHWALL_API_PASSWORD": self.password,
            "FWFULFILL_API_URL": self.url,
        }

    def stats(self) -> Any:
        import httpx

        return httpx.get(self.url + "/_sandbox/stats", timeout=5).json()

    def state(self) -> Any:
        import httpx

        return httpx.get(self.url + "/_sandbox/state", timeout=5).json()

    def fulfillments(self) -> list[dict[str, Any]]:
        return list(self.state()["fulfillments"])

    def wait_for_created(
        self, count: int, *, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        """Wait until the shop has created `count` fulfillments since it started (a run is sending).

        Tests wait on this instead of sleeping: a loaded machine (`pytest -n auto`, CI) can take
        seconds just to start the process."""
        wait_until(
            lambda: self.stats()["fulfillmentsCreated"] >= count,
            what=f"the shop to have created {count} fulfillments",
            process=process,
        )


# Long enough for the slowest shared machine; a test that passes never waits this long.
WAIT_DEADLINE = 120.0


def wait_until(
    condition: Callable[[], bool],
    *,
    what: str,
    timeout: float = WAIT_DEADLINE,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds, or at once if
    `process` (the run being waited on) has already exited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the run exited ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f}s waiting for {what}")
        time.sleep(_POLL_SECONDS)


_POLL_SECONDS = 0.02


@pytest.fixture
def start_sandbox() -> Iterator[Any]:
    """`start_sandbox(seed=None, **settings)`: a running sandbox (the demo shop unless a seed is
    given)."""
    from fwfulfill.sandbox import SandboxApp, SandboxServer
    from fwfulfill.sandbox.demo import demo_seed
    from fwfulfill.sandbox.seed import parse_seed
    from fwfulfill.sandbox.settings import SandboxSettings
    from fwfulfill.sandbox.state import SandboxState

    servers: list[Any] = []

    def start(seed: dict[str, Any] | None = None, **settings: Any) -> RunningSandbox:
        state = SandboxState.from_seed(parse_seed(seed or demo_seed(), source="test seed"))
        app_ = SandboxApp(state, SandboxSettings(**settings))
        server = SandboxServer(app_).start()
        servers.append(server)
        return RunningSandbox(
            server.url, state.credentials.username, state.credentials.password, app_
        )

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def columns_chosen(document: dict[str, Any]) -> dict[str, str]:
    """A plan's JSON `columns` (a list of {field, column, reason}) as {field: column}."""
    return {chosen["field"]: chosen["column"] for chosen in document["columns"]}
