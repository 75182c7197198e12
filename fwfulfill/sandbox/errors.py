"""The sandbox's error answers: every documented error body of the endpoints it serves, built in
one place so each field name matches the spec's examples (`id` for ORDER_ID_NOT_FOUND ...)."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An answer with an error status and a JSON body carrying `code`."""

    def __init__(self, status: int, code: str, /, **fields: Any) -> None:
        super().__init__(code)
        self.status = status
        self.body: dict[str, Any] = {"code": code, **fields}


def fulfillment_already_exists(fulfillment_id: str, order_id: str) -> ApiError:
    return ApiError(
        400, "FULFILLMENT_ALREADY_EXISTS", fulfillmentId=fulfillment_id, orderId=order_id
    )


def invalid_variant(order_id: str, variant_id: str) -> ApiError:
    # groupedId is a cart-item grouping the sandbox does not model: always null.
    return ApiError(
        400,
        "FULFILLMENT_ORDER_INVALID_VARIANT",
        orderId=order_id,
        variantId=variant_id,
        groupedId=None,
    )


def quantity_too_high(order_id: str, variant_id: str, fulfillable: int, quantity: int) -> ApiError:
    return ApiError(
        400,
        "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        orderId=order_id,
        variantId=variant_id,
        fulfillable=fulfillable,
        quantity=quantity,
    )


def order_cancelled(order_id: str) -> ApiError:
    """Undocumented: a likely answer for a cancelled order (settings.cancelled_refusal="code")."""
    return ApiError(400, "ORDER_CANCELLED", orderId=order_id)


def invalid_shop_order(shop_id: str | None, order_id: str) -> ApiError:
    return ApiError(404, "FULFILLMENT_INVALID_SHOP_ORDER", shopId=shop_id, orderId=order_id)


def fulfillment_order_not_found(order_id: str, code: str) -> ApiError:
    if code == "ORDER_ID_NOT_FOUND":
        return ApiError(404, code, id=order_id)
    return ApiError(404, "FULFILLMENT_ORDER_NOT_FOUND", orderId=order_id)


def variant_not_found(variant_id: str) -> ApiError:
    return ApiError(404, "OFFER_VARIANT_NOT_FOUND_ERROR", offerVariantId=variant_id)


def order_not_found(order_id: str, code: str) -> ApiError:
    if code == "ORDER_ID_NOT_FOUND":
        return ApiError(404, code, id=order_id)
    return ApiError(404, "CHECKOUT_NOT_FOUND_ERROR", checkoutId=order_id)


def friendly_id_not_found(friendly_id: str) -> ApiError:
    return ApiError(404, "ORDER_FRIENDLY_ID_NOT_FOUND", id=friendly_id)


def too_many_requests() -> ApiError:
    return ApiError(429, "OPEN_API_TOO_MANY_REQUESTS", title="Too Many Requests", status=429)


def bad_request(errors: list[dict[str, str]]) -> ApiError:
    """A request that breaks the schema; each entry has the spec's ValidationErrorDto shape."""
    return ApiError(400, "BAD_REQUEST", title="Bad Request", status=400, errors=errors)


def route_not_found(path: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", title="Not Found", status=404, path=path)


def method_not_allowed(method: str) -> ApiError:
    return ApiError(
        405, "METHOD_NOT_ALLOWED", title="Method Not Allowed", status=405, method=method
    )
