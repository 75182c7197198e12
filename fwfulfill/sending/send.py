"""Sending one planned fulfillment, with the "in doubt" rules of API-NOTES.md.

`POST /fulfillments` has no idempotency key, and what makes Fourthwall answer
`FULFILLMENT_ALREADY_EXISTS` is unknown. When an answer is lost, the attempt is recorded as in doubt
first. It is re-sent (exactly once) only when a duplicate is impossible whatever that check does:
when the box takes everything still left of each of its variants (`whole_remainder`), so a committed
first attempt makes the re-send fail with `..._QUANTITY_TO_HIGH`. Any other box is uncertain at once
and is sent again only when the user asks (`--recheck-uncertain`). Never a loop.
"""

from __future__ import annotations

from typing import Protocol

from fwfulfill.api.client import ApiClient, Cancelled
from fwfulfill.api.models import FulfillmentItem, FulfillmentRequest, ShippingLabel
from fwfulfill.error_codes import explain_with_hint
from fwfulfill.errors import ApiError, OutcomeUnknown
from fwfulfill.planning.plan import PlannedFulfillment, Status

ALREADY_EXISTS = "FULFILLMENT_ALREADY_EXISTS"
QUANTITY_TOO_HIGH = "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"
UNCERTAIN = "OUTCOME_UNCERTAIN"
# Answers after which no other send of the run can succeed either.
FATAL_CODES = frozenset({"UNAUTHORIZED", "FORBIDDEN"})


class SendJournal(Protocol):
    """Where each step is written down before the next one happens (the ledger)."""

    def sending(self, planned: PlannedFulfillment) -> None: ...

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None:
        """The answer was lost; `code` says how (recorded as given, `planned` left unchanged)."""
        ...

    def finished(self, planned: PlannedFulfillment) -> None: ...

    def not_sent(self, planned: PlannedFulfillment) -> None:
        """Recorded as sending, then the run stopped before the request went out."""
        ...


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


def may_resend(planned: PlannedFulfillment) -> bool:
    """A re-send of this box after a lost answer cannot double it, or the user asked for one."""
    return planned.whole_remainder or planned.recheck_asked


def send_fulfillment(
    client: ApiClient,
    planned: PlannedFulfillment,
    journal: SendJournal,
    *,
    previously_in_doubt: bool = False,
) -> None:
    """Send `planned` and set its outcome; `previously_in_doubt` when an earlier run lost the
    answer (then this send is that one re-check, if a re-send is safe)."""
    request = request_for(planned)
    if previously_in_doubt:
        if not may_resend(planned):
            _uncertain(planned, "uncertain_partial_box_earlier_run")
            journal.finished(planned)
            return
        journal.sending(planned)
        _recheck(client, request, planned, journal, "in doubt from an earlier run")
        return
    journal.sending(planned)
    try:
        response = client.create_fulfillment(request)
    except Cancelled:
        journal.not_sent(planned)  # stays planned: nothing went out
        return
    except OutcomeUnknown as unknown:
        journal.in_doubt(planned, unknown.code)
        if may_resend(planned):
            _recheck(client, request, planned, journal, unknown.message)
            return
        _uncertain(planned, "uncertain_partial_box", failure=unknown.message)
    except ApiError as error:
        _refused(planned, error)
    else:
        _set(planned, Status.CREATED, fulfillment_id=response.fulfillment_id)
    journal.finished(planned)


def _recheck(
    client: ApiClient,
    request: FulfillmentRequest,
    planned: PlannedFulfillment,
    journal: SendJournal,
    first_failure: str,
) -> None:
    """The one re-send of a fulfillment whose first answer was lost."""
    try:
        response = client.create_fulfillment(request)
    except (Cancelled, OutcomeUnknown, ApiError) as error:
        if _never_arrived(error):
            _uncertain(planned, "uncertain_recheck_not_sent", failure=first_failure)
            if planned.whole_remainder:
                return  # the ledger keeps it in doubt: the next run re-checks it
            # Only the user's --recheck-uncertain sends a partial box: it stays uncertain.
        else:
            _settle(planned, error, first_failure)
    else:
        _set(planned, Status.CREATED, fulfillment_id=response.fulfillment_id)
    journal.finished(planned)


def _never_arrived(error: Exception) -> bool:
    if isinstance(error, Cancelled):
        return True
    if isinstance(error, OutcomeUnknown):
        return False
    assert isinstance(error, ApiError)
    return error.status is None or error.status == 429


def _settle(planned: PlannedFulfillment, error: Exception, first_failure: str) -> None:
    """What the re-check's answer says about the lost first attempt."""
    if isinstance(error, OutcomeUnknown):
        _uncertain(
            planned,
            "uncertain_no_answer_twice",
            failure=first_failure,
            second_failure=error.message,
        )
    elif isinstance(error, ApiError) and error.code == QUANTITY_TOO_HIGH:
        left = error.fields.get("fulfillable", "?")
        _uncertain(planned, "uncertain_quantity_gone", failure=first_failure, fulfillable=left)
    else:
        assert isinstance(error, ApiError)
        _refused(planned, error)


def _uncertain(planned: PlannedFulfillment, reason: str, **fields: object) -> None:
    _set(planned, Status.UNCERTAIN, code=UNCERTAIN, message=explain_with_hint(reason, fields))


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
