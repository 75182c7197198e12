"""Sending one planned fulfillment, with the "in doubt" rules of API-NOTES.md.

`POST /fulfillments` has no idempotency key. When its outcome is unknown, the attempt is recorded as
in doubt first, then re-sent exactly once: `FULFILLMENT_ALREADY_EXISTS` means it exists (with its
id); `..._QUANTITY_TO_HIGH` means the first attempt most likely went through (uncertain, never a
user error); anything unknown again is uncertain. Never a loop.
"""

from __future__ import annotations

from typing import Protocol

from fwfulfill.client import ApiClient
from fwfulfill.errors import ApiError, OutcomeUnknown
from fwfulfill.models import FulfillmentItem, FulfillmentRequest, ShippingLabel
from fwfulfill.plan import PlannedFulfillment, Status

ALREADY_EXISTS = "FULFILLMENT_ALREADY_EXISTS"
QUANTITY_TOO_HIGH = "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"
# Answers after which no other send of the run can succeed either.
FATAL_CODES = frozenset({"UNAUTHORIZED", "FORBIDDEN"})


class SendJournal(Protocol):
    """Where each step is written down before the next one happens (the ledger)."""

    def sending(self, planned: PlannedFulfillment) -> None: ...

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None: ...

    def finished(self, planned: PlannedFulfillment) -> None: ...


class NoJournal:
    def sending(self, planned: PlannedFulfillment) -> None:
        return None

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None:
        return None

    def finished(self, planned: PlannedFulfillment) -> None:
        return None


def request_for(planned: PlannedFulfillment) -> FulfillmentRequest:
    """The exact request body for a planned fulfillment."""
    if planned.order_id is None:
        raise ValueError("a fulfillment without a resolved order cannot be sent")
    return FulfillmentRequest(
        order_id=planned.order_id,  # type: ignore[arg-type]  # pydantic parses the UUID string
        items=tuple(
            FulfillmentItem(variant_id=item.variant_id, quantity=item.quantity)  # type: ignore[arg-type]
            for item in planned.items
        ),
        shipping_label=ShippingLabel(
            tracking_number=planned.tracking_number, tracking_company=planned.tracking_company
        ),
    )


def send_fulfillment(
    client: ApiClient,
    planned: PlannedFulfillment,
    journal: SendJournal,
    *,
    previously_in_doubt: bool = False,
) -> None:
    """Send `planned` and set its outcome; `previously_in_doubt` when an earlier run lost the
    answer."""
    request = request_for(planned)
    journal.sending(planned)
    if previously_in_doubt:
        _resend(client, request, planned, journal, "in doubt from an earlier run")
        return
    try:
        response = client.create_fulfillment(request)
    except OutcomeUnknown as unknown:
        journal.in_doubt(planned, unknown.code)
        _resend(client, request, planned, journal, unknown.message)
        return
    except ApiError as error:
        _refused(planned, error)
    else:
        _set(planned, Status.CREATED, fulfillment_id=response.fulfillment_id)
    journal.finished(planned)


def _resend(
    client: ApiClient,
    request: FulfillmentRequest,
    planned: PlannedFulfillment,
    journal: SendJournal,
    first_failure: str,
) -> None:
    try:
        response = client.create_fulfillment(request)
    except OutcomeUnknown as again:
        _set(
            planned,
            Status.UNCERTAIN,
            code="OUTCOME_UNCERTAIN",
            message=f"no answer twice ({first_failure}; then {again.message}); check the order "
            "in the dashboard before sending it again.",
        )
    except ApiError as error:
        if error.code == QUANTITY_TOO_HIGH:
            left = error.fields.get("fulfillable", "?")
            _set(
                planned,
                Status.UNCERTAIN,
                code="OUTCOME_UNCERTAIN",
                message=f"the first attempt's answer was lost ({first_failure}) and Fourthwall now "
                f"says only {left} left: it most likely went through. Check the order in the "
                "dashboard; it is not sent again.",
            )
        elif error.status is None or error.status == 429 or error.status >= 500:
            # The check itself never got an answer: the first attempt may still have landed.
            _set(
                planned,
                Status.UNCERTAIN,
                code="OUTCOME_UNCERTAIN",
                message=f"the answer was lost ({first_failure}) and the check failed too "
                f"({error.message}); run the same command again later to re-check it.",
            )
        else:
            _refused(planned, error)
    else:
        _set(planned, Status.CREATED, fulfillment_id=response.fulfillment_id)
    journal.finished(planned)


def _refused(planned: PlannedFulfillment, error: ApiError) -> None:
    if error.code == ALREADY_EXISTS:
        existing = error.fields.get("fulfillmentId")
        _set(
            planned,
            Status.ALREADY_EXISTS,
            fulfillment_id=str(existing) if existing is not None else None,
        )
    else:
        _set(planned, Status.FAILED, code=error.code, message=error.message)


def _set(
    planned: PlannedFulfillment,
    status: Status,
    *,
    fulfillment_id: str | None = None,
    code: str | None = None,
    message: str | None = None,
) -> None:
    planned.status = status
    planned.fulfillment_id = fulfillment_id
    planned.error_code = code
    planned.error_message = message
