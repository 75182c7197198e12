"""Tolerant reading of the API (issue 9): an answer that is valid JSON but unexpected in a field the
command does not need leaves the order usable; what is needed and missing is named precisely, never
exit 1.

The shop is the sandbox over loopback, holding the demo orders as documents changed field by field:
every optional field of the spec's OrderV1 removed or null in turn, fields the commands do not need
set to null, extra fields, and ids that are not UUIDs (the spec types them as plain strings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fwfulfill.sandbox import SandboxApp, SandboxServer
from fwfulfill.sandbox.demo import demo_seed
from fwfulfill.sandbox.seed import parse_seed
from fwfulfill.sandbox.state import SandboxState, ShopInfo
from tests.conftest import Cli, CliResult, RunningSandbox, write_csv

SPEC_PATH = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
SPEC_PATH = SPEC_PATH / "fourthwall-openapi.yaml"
_SCHEMAS = "#/components/schemas/"
ORDER_V1 = "com.fourthwall.openapi.model.OrderV1"

USPS = "9400111899223817654305"
USPS_2 = "9400111899223817654312"
Document = dict[str, Any]
Change = Callable[[Document], None]


# ---- a shop serving changed order documents ------------------------------------------------------


def demo_documents() -> tuple[SandboxState, list[Document]]:
    state = SandboxState.from_seed(parse_seed(demo_seed(), source="demo"))
    return state, state.snapshot()["orders"]


@pytest.fixture
def shop_with() -> Iterator[Callable[..., RunningSandbox]]:
    """`shop_with(change, friendly_ids, shop=None)`: the demo shop with `change` applied to the
    named orders' documents (and `shop` to the shop's), served as they are over loopback."""
    servers: list[SandboxServer] = []

    def start(
        change: Change,
        friendly_ids: tuple[str, ...],
        shop: Callable[[ShopInfo], ShopInfo] | None = None,
    ) -> RunningSandbox:
        demo, orders = demo_documents()
        info = shop(demo.shop) if shop else demo.shop
        state = SandboxState(info, demo.credentials, orders)
        # Changed once the sandbox has indexed them: it serves the documents as they are now.
        for order in orders:
            if order["friendlyId"] in friendly_ids:
                change(order)
        app = SandboxApp(state)
        server = SandboxServer(app).start()
        servers.append(server)
        return RunningSandbox(server.url, demo.credentials.username, demo.credentials.password, app)

    yield start
    for server in servers:
        server.stop()


def posts(shop: RunningSandbox) -> int:
    return int(shop.stats()["requests"].get("POST /open-api/v1.0/fulfillments", 0))


def never_a_bug(result: CliResult) -> None:
    assert result.exit_code != 1, result
    assert "internal error" not in result.stderr, result
    assert "Traceback" not in result.stderr, result


# ---- the variants, from the spec -----------------------------------------------------------------


def _spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        pytest.skip(f"Fourthwall's OpenAPI spec is not at {SPEC_PATH} (../shared beside the repo)")
    import yaml

    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def _schema(spec: dict[str, Any], reference: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["components"]["schemas"][reference.removeprefix(_SCHEMAS)]
    return schema


def optional_paths(
    spec: dict[str, Any], reference: str, document: Document, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every field of `document` that its schema does not require (`*`: each array element)."""
    schema = _schema(spec, reference)
    required = set(schema.get("required", []))
    for key, value in document.items():
        field = schema.get("properties", {}).get(key)
        if field is None:
            continue
        path = (*prefix, key)
        if key not in required:
            yield path
        if "$ref" in field and isinstance(value, dict):
            yield from optional_paths(spec, field["$ref"], value, path)
        items = field.get("items", {})
        if (
            field.get("type") == "array"
            and "$ref" in items
            and value
            and isinstance(value[0], dict)
        ):
            yield from optional_paths(spec, items["$ref"], value[0], (*path, "*"))


def change_at(path: tuple[str, ...], how: str) -> Change:
    """Remove the field at `path`, or set it to null (`*` walks every element of an array)."""

    def apply(node: Any, rest: tuple[str, ...]) -> None:
        head, tail = rest[0], rest[1:]
        if head == "*":
            for element in node:
                apply(element, tail)
        elif not tail:
            if how == "removed":
                node.pop(head, None)
            else:
                node[head] = None
        elif isinstance(node.get(head), (dict, list)):
            apply(node[head], tail)

    return lambda document: apply(document, path)


def spec_variants() -> list[Any]:
    spec = _spec() if SPEC_PATH.is_file() else None
    if spec is None:
        return []
    _, orders = demo_documents()
    order = next(o for o in orders if o["friendlyId"] == "D3XZFWPP")
    paths = sorted(set(optional_paths(spec, ORDER_V1, order)))
    # Optional fields the demo order does not have: the API may send them as null.
    schema = _schema(spec, ORDER_V1)
    absent = sorted(set(schema["properties"]) - set(order) - set(schema["required"]))
    return [
        pytest.param(change_at(path, how), id=f"{'.'.join(path)} {how}")
        for path in paths
        for how in ("removed", "null")
    ] + [pytest.param(change_at((key,), "null"), id=f"{key} null") for key in absent]


def _extra_fields(document: Document) -> None:
    document["somethingNew"] = {"nested": [1, 2, None]}
    document["shipping"]["carrierHint"] = None
    for offer in document["offers"]:
        offer["bundle"] = {"x": 1}
        offer["variant"]["fulfillmentHints"] = ["a", None]


def _not_needed_nulls(document: Document) -> None:
    for offer in document["offers"]:
        offer["name"] = None
        offer["id"] = None
        offer["variant"]["name"] = None
    document["email"] = None
    document["createdAt"] = None
    document["shipping"] = None


def _numbers_for_text(document: Document) -> None:
    document["shipping"]["address"]["zip"] = 78701
    for offer in document["offers"]:
        offer["variant"]["name"] = 42


def _null_skus(document: Document) -> None:
    for offer in document["offers"]:
        offer["variant"]["sku"] = None


OTHER_VARIANTS = [
    pytest.param(_extra_fields, id="extra fields everywhere"),
    pytest.param(_not_needed_nulls, id="null names, ids, email, date and shipping"),
    pytest.param(_numbers_for_text, id="numbers where text was expected"),
    pytest.param(_null_skus, id="null skus"),
]


# ---- every command still works with what it needs -----------------------------------------------


def test_spec_generated_variants_are_found() -> None:
    # Guards the generator: an empty list would make the test below prove nothing.
    assert len(spec_variants()) >= 15


@pytest.mark.parametrize("change", spec_variants() + OTHER_VARIANTS)
def test_an_unexpected_field_the_command_does_not_need_leaves_the_order_usable(
    cli: Cli, shop_with: Callable[..., RunningSandbox], tmp_path: Path, change: Change
) -> None:
    shop = shop_with(change, ("D3XZFWPP", "B5N8ZC1L"))
    csv_path = write_csv(
        tmp_path / "labels.csv",
        [["Order Number", "Carrier", "Tracking Number"], ["B5N8ZC1L", "USPS", USPS_2]],
    )
    env = shop.env()
    create = ("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", "-o", "json")

    runs = {
        "show": cli("orders", "show", "D3XZFWPP", "-o", "json", env=env),
        "list": cli("orders", "list", "-o", "json", env=env),
        "create dry run": cli(*create, "--dry-run", env=env),
        "from-csv dry run": cli("from-csv", str(csv_path), "--dry-run", "-o", "json", env=env),
        "create": cli(*create, env=env),
        "from-csv": cli("from-csv", str(csv_path), "--yes", "-o", "json", env=env),
    }

    for name, result in runs.items():
        assert result.exit_code == 0, (name, result)
    assert posts(shop) == 2
    sent = {f["trackingNumber"]: f["items"] for f in shop.fulfillments()}
    assert sorted(item["quantity"] for item in sent[USPS]) == [1, 1]
    assert sorted(item["quantity"] for item in sent[USPS_2]) == [1, 1, 2]


def test_an_unexpected_field_the_command_does_not_need_null_shop_domain(
    cli: Cli, shop_with: Callable[..., RunningSandbox]
) -> None:
    def no_domains(info: ShopInfo) -> ShopInfo:
        return ShopInfo(info.id, None, None, None)  # type: ignore[arg-type]

    shop = shop_with(lambda document: None, (), shop=no_domains)
    env = shop.env()

    status = cli("auth", "status", "-o", "json", env=env)
    create = cli("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", env=env)

    assert status.exit_code == 0, status
    assert status.json()["environment"]["works"] is True
    assert create.exit_code == 0, create
    assert posts(shop) == 1


# ---- what is needed and missing is named --------------------------------------------------------


def test_a_null_sku_is_named_when_the_command_needs_it(
    cli: Cli, shop_with: Callable[..., RunningSandbox]
) -> None:
    shop = shop_with(_null_skus, ("D3XZFWPP",))

    result = cli(
        "create", "D3XZFWPP", "--item", "TEE-BLK-M", "--tracking", f"usps:{USPS}", env=shop.env()
    )

    assert result.exit_code == 2, result
    (line,) = result.stderr.strip().splitlines()
    assert "SKU 'TEE-BLK-M' is not on order D3XZFWPP" in line, line
    assert "2 of its items have no SKU" in line, line
    assert "variant id" in line, line
    assert posts(shop) == 0


@pytest.mark.parametrize(
    ("field", "missing"),
    [("friendlyId", "friendlyId"), ("status", "status"), ("offers", "offers")],
)
def test_a_needed_field_that_is_null_is_named(
    cli: Cli, shop_with: Callable[..., RunningSandbox], field: str, missing: str
) -> None:
    def null_it(document: Document) -> None:
        document[field] = None

    # By UUID: the sandbox finds the order without its friendly id.
    _, orders = demo_documents()
    order_id = next(o["id"] for o in orders if o["friendlyId"] == "D3XZFWPP")
    shop = shop_with(null_it, ("D3XZFWPP",))

    result = cli("create", order_id, "--all", "--tracking", f"usps:{USPS}", env=shop.env())

    never_a_bug(result)
    assert result.exit_code == 3, result
    assert missing in result.stderr, result
    assert posts(shop) == 0


# ---- ids that are not UUIDs ---------------------------------------------------------------------


def _order_id_not_uuid(document: Document) -> None:
    document["id"] = "ord_8Hk2"


def _mug_variant_id_not_uuid(document: Document) -> None:
    for offer in document["offers"]:
        if offer["variant"]["sku"] == "MUG-11OZ":
            offer["variant"]["id"] = "var_mug_11oz"


def test_an_order_id_that_is_not_a_uuid_is_named_before_anything_is_sent(
    cli: Cli, shop_with: Callable[..., RunningSandbox], tmp_path: Path
) -> None:
    shop = shop_with(_order_id_not_uuid, ("D3XZFWPP",))
    env = shop.env()
    csv_path = write_csv(
        tmp_path / "labels.csv",
        [
            ["Order Number", "Carrier", "Tracking Number"],
            ["K7M2QX4N", "USPS", USPS_2],
            ["D3XZFWPP", "USPS", USPS],
        ],
    )
    create = ("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}")

    runs = {
        "create dry run": cli(*create, "--dry-run", env=env),
        "create": cli(*create, env=env),
        "from-csv dry run": cli("from-csv", str(csv_path), "--dry-run", "-o", "json", env=env),
        "from-csv": cli("from-csv", str(csv_path), "--yes", "-o", "json", env=env),
    }

    for name in ("create dry run", "create"):
        result = runs[name]
        assert result.exit_code == 2, (name, result)
        (line,) = result.stderr.strip().splitlines()
        assert "'ord_8Hk2', which is not a UUID" in line, (name, line)
    assert runs["from-csv dry run"].exit_code == 2, runs["from-csv dry run"]
    sent = runs["from-csv"]
    assert sent.exit_code == 6, sent
    problem = next(p for p in sent.json()["problems"] if p["code"] == "id_not_uuid")
    assert problem["lines"] == [3]
    outcomes = {f["friendlyId"]: f["status"] for f in sent.json()["fulfillments"]}
    assert outcomes == {"K7M2QX4N": "created", "D3XZFWPP": "blocked"}
    assert posts(shop) == 1  # K7M2QX4N only


def test_a_variant_id_that_is_not_a_uuid_blocks_only_the_boxes_that_hold_it(
    cli: Cli, shop_with: Callable[..., RunningSandbox]
) -> None:
    shop = shop_with(_mug_variant_id_not_uuid, ("D3XZFWPP",))
    env = shop.env()

    everything = cli("create", "D3XZFWPP", "--all", "--tracking", f"usps:{USPS}", env=env)
    the_tee = cli(
        "create", "D3XZFWPP", "--item", "TEE-BLK-M", "--tracking", f"usps:{USPS_2}", env=env
    )

    assert everything.exit_code == 2, everything
    (line,) = everything.stderr.strip().splitlines()
    assert "MUG-11OZ" in line, line
    assert "'var_mug_11oz', which is not a UUID" in line, line
    assert the_tee.exit_code == 0, the_tee
    assert posts(shop) == 1
