"""The sender's in-doubt decisions (`send_fulfillment`), one row per situation.

A row: the box (whole remainder or partial, re-check asked, in doubt from an earlier run), the
shop's answers in order, then the outcome, how many POSTs went out and what the journal was told.
The client is a fake that only answers `create_fulfillment` from the row: the unit under test is
the decision, not HTTP. The same rules against a faulty sandbox are in tests/test_in_doubt.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from fwfulfill.api.client import Cancelled
from fwfulfill.api.models import FulfillmentRequest, FulfillmentResponse
from fwfulfill.error_codes import explain_with_hint
from fwfulfill.errors import ApiError, OutcomeUnknown
from fwfulfill.planning.plan import PlannedFulfillment
from fwfulfill.sending.send import send_fulfillment
from tests.unit.shop import UPS, sent

FIRST_LOST = "the read timed out"
SECOND_LOST = "the connection was reset"
EARLIER = "in doubt from an earlier run"

# What the shop does with one POST.
ANSWERS: dict[str, Any] = {
    "201": FulfillmentResponse(fulfillment_id="ful_new"),
    "lost": OutcomeUnknown("TIMEOUT", FIRST_LOST),
    "lost again": OutcomeUnknown("NETWORK_ERROR", SECOND_LOST),
    "exists": ApiError(
        "FULFILLMENT_ALREADY_EXISTS", "exists", status=400, fields={"fulfillmentId": "ful_old"}
    ),
    "too many": ApiError(
        "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH", "too many", status=400, fields={"fulfillable": 0}
    ),
    "404": ApiError("ORDER_NOT_FOUND", "no such order", status=404),
    "429": ApiError("RATE_LIMITED", "slow down", status=429),
    "unreachable": ApiError("NETWORK_ERROR", "no connection", status=None),
    "stopped": Cancelled(),  # the run was stopped before the request went out
}


@dataclass
class FakeShop:
    """Answers each `create_fulfillment` with the next answer of the row."""

    answers: list[str]
    posts: int = 0  # requests that went out (a cancelled one never does)

    def create_fulfillment(self, request: FulfillmentRequest) -> FulfillmentResponse:
        assert self.answers, "a POST the row did not expect (a re-send too many)"
        answer = ANSWERS[self.answers.pop(0)]
        if not isinstance(answer, Cancelled):
            self.posts += 1
        if isinstance(answer, BaseException):
            raise answer
        assert isinstance(answer, FulfillmentResponse)
        return answer


@dataclass
class RecordingJournal:
    steps: list[str] = field(default_factory=list)

    def sending(self, planned: PlannedFulfillment) -> None:
        self.steps.append("sending")

    def in_doubt(self, planned: PlannedFulfillment, code: str) -> None:
        self.steps.append(f"in_doubt:{code}")

    def finished(self, planned: PlannedFulfillment) -> None:
        self.steps.append(f"finished:{planned.status.value}")

    def not_sent(self, planned: PlannedFulfillment) -> None:
        self.steps.append("not_sent")


@dataclass(frozen=True)
class Row:
    name: str
    box: str  # "whole" | "partial" | "partial+asked" (the user's --recheck-uncertain)
    earlier: bool  # previously in doubt: an earlier run lost the answer
    answers: Sequence[str]
    status: str
    why: str  # the error code, or the catalogue reason of an uncertain outcome
    posts: int
    journal: Sequence[str]
    fulfillment_id: str | None = None


SENT_LOST = ["sending", "in_doubt:TIMEOUT"]

ROWS = [
    # ---- a first send
    Row(
        "created",
        "partial",
        False,
        ["201"],
        "created",
        "",
        1,
        ["sending", "finished:created"],
        "ful_new",
    ),
    Row(
        "already exists",
        "partial",
        False,
        ["exists"],
        "already_exists",
        "",
        1,
        ["sending", "finished:already_exists"],
        "ful_old",
    ),
    Row(
        "quantity too high at once is a refusal",
        "whole",
        False,
        ["too many"],
        "failed",
        "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        1,
        ["sending", "finished:failed"],
    ),
    Row(
        "other 4xx",
        "whole",
        False,
        ["404"],
        "failed",
        "ORDER_NOT_FOUND",
        1,
        ["sending", "finished:failed"],
    ),
    Row(
        "stopped before it went out",
        "whole",
        False,
        ["stopped"],
        "planned",
        "",
        0,
        ["sending", "not_sent"],
    ),
    # ---- the answer is lost: a partial box is never re-sent on its own
    Row(
        "lost, partial",
        "partial",
        False,
        ["lost"],
        "uncertain",
        "uncertain_partial_box",
        1,
        [*SENT_LOST, "finished:uncertain"],
    ),
    Row(
        "lost, partial, re-check asked",
        "partial+asked",
        False,
        ["lost", "201"],
        "created",
        "",
        2,
        [*SENT_LOST, "finished:created"],
        "ful_new",
    ),
    # ---- the answer is lost: a whole box is re-sent exactly once
    Row(
        "lost, whole, then 201",
        "whole",
        False,
        ["lost", "201"],
        "created",
        "",
        2,
        [*SENT_LOST, "finished:created"],
        "ful_new",
    ),
    Row(
        "lost, whole, then exists",
        "whole",
        False,
        ["lost", "exists"],
        "already_exists",
        "",
        2,
        [*SENT_LOST, "finished:already_exists"],
        "ful_old",
    ),
    Row(
        "lost, whole, then quantity gone",
        "whole",
        False,
        ["lost", "too many"],
        "uncertain",
        "uncertain_quantity_gone",
        2,
        [*SENT_LOST, "finished:uncertain"],
    ),
    Row(
        "lost, whole, lost again",
        "whole",
        False,
        ["lost", "lost again"],
        "uncertain",
        "uncertain_no_answer_twice",
        2,
        [*SENT_LOST, "finished:uncertain"],
    ),
    Row(
        "lost, whole, then other 4xx",
        "whole",
        False,
        ["lost", "404"],
        "failed",
        "ORDER_NOT_FOUND",
        2,
        [*SENT_LOST, "finished:failed"],
    ),
    # The re-check never reached the shop: the ledger keeps the whole box in doubt (no `finished`),
    # so the next run re-checks it; a partial box asked for is left uncertain.
    Row(
        "lost, whole, re-check rate limited",
        "whole",
        False,
        ["lost", "429"],
        "uncertain",
        "uncertain_recheck_not_sent",
        2,
        SENT_LOST,
    ),
    Row(
        "lost, whole, re-check unreachable",
        "whole",
        False,
        ["lost", "unreachable"],
        "uncertain",
        "uncertain_recheck_not_sent",
        2,
        SENT_LOST,
    ),
    Row(
        "lost, whole, stopped before the re-check",
        "whole",
        False,
        ["lost", "stopped"],
        "uncertain",
        "uncertain_recheck_not_sent",
        1,
        SENT_LOST,
    ),
    Row(
        "lost, partial asked, stopped before the re-check",
        "partial+asked",
        False,
        ["lost", "stopped"],
        "uncertain",
        "uncertain_recheck_not_sent",
        1,
        [*SENT_LOST, "finished:uncertain"],
    ),
    # ---- in doubt from an earlier run: one re-check, only when it cannot double the box
    Row(
        "earlier, partial",
        "partial",
        True,
        [],
        "uncertain",
        "uncertain_partial_box_earlier_run",
        0,
        ["finished:uncertain"],
    ),
    Row(
        "earlier, partial asked, 201",
        "partial+asked",
        True,
        ["201"],
        "created",
        "",
        1,
        ["sending", "finished:created"],
        "ful_new",
    ),
    Row(
        "earlier, whole, 201",
        "whole",
        True,
        ["201"],
        "created",
        "",
        1,
        ["sending", "finished:created"],
        "ful_new",
    ),
    Row(
        "earlier, whole, exists",
        "whole",
        True,
        ["exists"],
        "already_exists",
        "",
        1,
        ["sending", "finished:already_exists"],
        "ful_old",
    ),
    Row(
        "earlier, whole, quantity gone",
        "whole",
        True,
        ["too many"],
        "uncertain",
        "uncertain_quantity_gone",
        1,
        ["sending", "finished:uncertain"],
    ),
    Row(
        "earlier, whole, lost",
        "whole",
        True,
        ["lost again"],
        "uncertain",
        "uncertain_no_answer_twice",
        1,
        ["sending", "finished:uncertain"],
    ),
    Row(
        "earlier, whole, 429",
        "whole",
        True,
        ["429"],
        "uncertain",
        "uncertain_recheck_not_sent",
        1,
        ["sending"],
    ),
]


def expected_message(row: Row) -> str | None:
    if not row.why.startswith("uncertain_"):
        return ANSWERS[row.answers[-1]].message if row.status == "failed" else None
    first = EARLIER if row.earlier else FIRST_LOST
    fields = {"failure": first, "second_failure": SECOND_LOST, "fulfillable": 0}
    return explain_with_hint(row.why, fields)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_send_decision(row: Row) -> None:
    planned = sent("AAAA1111", UPS, [("TEE", 1)])
    planned.whole_remainder = row.box == "whole"
    planned.previously_in_doubt = row.earlier
    planned.recheck_asked = row.box == "partial+asked"
    shop, journal = FakeShop(list(row.answers)), RecordingJournal()

    send_fulfillment(shop, planned, journal, previously_in_doubt=row.earlier)  # type: ignore[arg-type]

    assert planned.status.value == row.status
    assert shop.posts == row.posts
    assert shop.answers == []  # every answer of the row was asked for, no more
    assert journal.steps == list(row.journal)
    assert planned.fulfillment_id == row.fulfillment_id
    code = "OUTCOME_UNCERTAIN" if row.why.startswith("uncertain_") else row.why or None
    assert planned.error_code == code
    assert planned.error_message == expected_message(row)
