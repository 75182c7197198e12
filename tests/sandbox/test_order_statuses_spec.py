"""The order statuses fwfulfill knows (`fwfulfill.api.statuses`, their one home) are the spec's."""

from __future__ import annotations

from typing import Any

from fwfulfill.api.statuses import ORDER_STATUSES

from .conftest import SCHEMAS


def test_order_statuses_are_the_specs_in_its_order(openapi_spec: dict[str, Any]) -> None:
    order = openapi_spec["components"]["schemas"][SCHEMAS["OrderV1"]]
    assert tuple(order["properties"]["status"]["enum"]) == ORDER_STATUSES


def test_the_order_list_filter_takes_the_same_statuses(openapi_spec: dict[str, Any]) -> None:
    listing = openapi_spec["paths"]["/open-api/v1.0/order"]["get"]
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert tuple(status["schema"]["items"]["enum"]) == ORDER_STATUSES
