"""Fixtures for the sandbox tests: an httpx client over real loopback HTTP or in process (every HTTP
test runs both ways), and a validator of bodies against Fourthwall's OpenAPI spec."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fwfulfill.sandbox import IN_PROCESS_BASE_URL, InProcessTransport, SandboxApp, SandboxServer
from tests.conftest import ENV_REQUIRE_SPEC, ENV_SPEC, SPEC_MISSING

from .shop import BASIC

# ../shared beside the repo; FWFULFILL_OPENAPI_SPEC points elsewhere (a git worktree, a CI cache).
_BESIDE_THE_REPO = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
SPEC_PATH = Path(os.environ.get(ENV_SPEC) or _BESIDE_THE_REPO / "fourthwall-openapi.yaml")
SCHEMAS = {
    "OrderV1": "com.fourthwall.openapi.model.OrderV1",
    "OrderPage": "com.fourthwall.openapi.model.OpenApiPageResponseCom."
    "fourthwall.openapi.model.OrderV1",
    "ShopV1": "com.fourthwall.openapi.model.ShopV1",
    "FulfillmentResponse": "com.fourthwall.app.openapi.endpoint.FulfillmentResponse",
    "FulfillmentRequest": "com.fourthwall.app.openapi.endpoint.FulfillmentRequest",
}
Connect = Callable[..., httpx.Client]
Validate = Callable[[str, Any], None]


@pytest.fixture(params=["loopback", "in_process"])
def transport_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def connect(transport_mode: str) -> Iterator[Connect]:
    """`connect(app)` -> an httpx.Client on the app, over 127.0.0.1 or the in-process transport."""
    servers: list[SandboxServer] = []
    clients: list[httpx.Client] = []

    def connect(app: SandboxApp, *, auth: Any = BASIC, timeout: float = 5.0) -> httpx.Client:
        if transport_mode == "loopback":
            server = SandboxServer(app).start()
            servers.append(server)
            client = httpx.Client(base_url=server.url, auth=auth, timeout=timeout)
        else:
            transport = InProcessTransport(app)
            client = httpx.Client(
                base_url=IN_PROCESS_BASE_URL, transport=transport, auth=auth, timeout=timeout
            )
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        missing = f"{SPEC_MISSING} {SPEC_PATH} (../shared beside the repo, or {ENV_SPEC})"
        if os.environ.get(ENV_REQUIRE_SPEC) == "1":  # CI: these tests must run, never skip
            pytest.fail(f"{missing}; {ENV_REQUIRE_SPEC}=1 requires it", pytrace=False)
        pytest.skip(missing)
    import yaml

    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


@pytest.fixture(scope="session")
def validate(openapi_spec: dict[str, Any]) -> Validate:
    """`validate("OrderV1", body)`: fails the test if the body breaks the spec's schema."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    base = "urn:fourthwall-openapi"
    registry: Registry[Any] = Registry().with_resource(
        base, Resource.from_contents(openapi_spec, default_specification=DRAFT202012)
    )
    validators = {
        name: Draft202012Validator(
            {"$ref": f"{base}#/components/schemas/{full_name}"},
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for name, full_name in SCHEMAS.items()
    }

    def check(schema: str, instance: Any) -> None:
        problems = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validators[schema].iter_errors(instance)
        ]
        assert not problems, f"{schema} breaks the spec: {problems}"

    return check
