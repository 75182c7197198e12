"""The API client's retry and error rules (API-NOTES.md), answer by answer.

A scripted transport plays exact answer sequences (502 then 200, 429 with Retry-After, a dropped
POST), which the faulty sandbox can only produce at random; the client's own code runs unchanged.
The same rules are exercised over loopback HTTP by the sending and reliability tests.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from fwfulfill import __version__
from fwfulfill.api.client import ApiClient, RequestSent, RetryPolicy, Waiting
from fwfulfill.api.models import FulfillmentRequest
from fwfulfill.api.ratelimit import RateLimiter
from fwfulfill.auth.credentials import Credentials
from fwfulfill.errors import ApiError, OutcomeUnknown

ORDER = {
    "id": "00aa4abd-5778-4199-8161-0b49b2f212e5",
    "friendlyId": "D3XZFWPP",
    "status": "CONFIRMED",
    "offers": [{"variant": {"id": "v1", "sku": "TEE", "name": "Tee", "quantity": 2}}],
}
REQUEST = FulfillmentRequest.model_validate(
    {
        "orderId": ORDER["id"],
        "items": [{"variantId": "3f1c2d7e-0b5a-4c8e-9d1f-2a3b4c5d6e7f", "quantity": 1}],
        "shippingLabel": {"trackingNumber": "1Z999AA10123456202", "trackingCompany": "UPS"},
    }
)
Answer = httpx.Response | type[Exception]


class Script:
    """Answers requests from a list, in order, and remembers what it was asked."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, httpx.Response):
            return answer
        raise answer("scripted failure", request=request)  # type: ignore[call-arg]


def client_for(script: Script, *, sleeps: list[float] | None = None, **retry: Any) -> ApiClient:
    waits = sleeps if sleeps is not None else []
    return ApiClient(
        "https://api.example.test",
        Credentials("user", "pass-word"),
        transport=httpx.MockTransport(script),
        retry=RetryPolicy(**retry),
        sleep=waits.append,
    )


def json_answer(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_requests_carry_user_agent_basic_auth_and_the_api_prefix() -> None:
    script = Script(json_answer(200, ORDER))
    client_for(script).order_by_friendly_id("D3XZFWPP")
    (request,) = script.requests
    assert request.url == "https://api.example.test/open-api/v1.0/order/by-friendly-id/D3XZFWPP"
    assert request.headers["User-Agent"] == f"fwfulfill/{__version__}"
    assert request.headers["Authorization"] == "Basic dXNlcjpwYXNzLXdvcmQ="


def test_bearer_token_credentials() -> None:
    script = Script(json_answer(200, {"id": "s", "name": "Shop"}))
    client = ApiClient(
        "https://api.example.test",
        Credentials("", "tok-123", is_token=True),
        transport=httpx.MockTransport(script),
    )
    assert client.current_shop().name == "Shop"
    assert script.requests[0].headers["Authorization"] == "Bearer tok-123"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_reads_are_retried_on_server_errors(status: int) -> None:
    sleeps: list[float] = []
    script = Script(
        httpx.Response(status, text="<html>bad gateway</html>"), json_answer(200, ORDER)
    )
    order = client_for(script, sleeps=sleeps).order(ORDER["id"])
    assert order.friendly_id == "D3XZFWPP"
    assert len(script.requests) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ReadTimeout, httpx.ReadError])
def test_reads_are_retried_on_network_failures(failure: type[Exception]) -> None:
    script = Script(failure, json_answer(200, ORDER))
    assert client_for(script).order(ORDER["id"]).id == ORDER["id"]
    assert len(script.requests) == 2


def test_a_429_waits_for_retry_after_and_pauses_the_shared_limiter() -> None:
    # The client's own sleep is a no-op here: the 1 s gap comes from the limiter, which holds
    # every request of the run (other workers too) until the pause is over.
    sleeps: list[float] = []
    moments: list[float] = []
    script = Script(
        json_answer(429, {"code": "OPEN_API_TOO_MANY_REQUESTS"}, **{"Retry-After": "1"}),
        json_answer(200, ORDER),
    )

    def timed(request: httpx.Request) -> httpx.Response:
        moments.append(time.monotonic())
        return script(request)

    client = ApiClient(
        "https://api.example.test",
        Credentials("u", "p"),
        transport=httpx.MockTransport(timed),
        limiter=RateLimiter(100, 10.0),
        sleep=sleeps.append,
    )
    client.order(ORDER["id"])
    assert sleeps == [1.0]
    assert moments[1] - moments[0] >= 0.95


def test_a_429_without_retry_after_waits_a_whole_window() -> None:
    sleeps: list[float] = []
    script = Script(
        json_answer(429, {"code": "OPEN_API_TOO_MANY_REQUESTS"}), json_answer(200, ORDER)
    )
    client_for(script, sleeps=sleeps, rate_limit_wait=10.0).order(ORDER["id"])
    assert sleeps == [10.0]


def test_a_post_refused_with_429_is_sent_again_because_nothing_was_done() -> None:
    script = Script(
        json_answer(429, {"code": "OPEN_API_TOO_MANY_REQUESTS"}),
        json_answer(201, {"fulfillmentId": "ful_1"}),
    )
    assert client_for(script).create_fulfillment(REQUEST).fulfillment_id == "ful_1"
    assert len(script.requests) == 2


def test_a_post_that_could_not_connect_is_sent_again() -> None:
    script = Script(httpx.ConnectError, json_answer(201, {"fulfillmentId": "ful_1"}))
    assert client_for(script).create_fulfillment(REQUEST).fulfillment_id == "ful_1"
    assert len(script.requests) == 2


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.ReadError,
        httpx.Response(502, text="bad gateway"),
        httpx.Response(500, text="oops"),
    ],
)
def test_a_post_whose_outcome_is_unknown_is_never_retried_by_the_client(answer: Answer) -> None:
    script = Script(answer, json_answer(201, {"fulfillmentId": "never"}))
    with pytest.raises(OutcomeUnknown):
        client_for(script).create_fulfillment(REQUEST)
    assert len(script.requests) == 1


def test_documented_error_codes_keep_their_fields() -> None:
    body = {
        "code": "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH",
        "orderId": "o",
        "variantId": "v",
        "fulfillable": 1,
        "quantity": 3,
    }
    with pytest.raises(ApiError) as caught:
        client_for(Script(json_answer(400, body))).create_fulfillment(REQUEST)
    error = caught.value
    assert error.code == "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"
    assert error.fields["fulfillable"] == 1
    assert "1 left, 3 asked" in error.message
    assert error.exit_code == 3


def test_unknown_codes_and_non_json_bodies_still_say_what_happened() -> None:
    with pytest.raises(ApiError) as unknown:
        client_for(Script(json_answer(409, {"code": "SOMETHING_NEW", "x": 1}))).order("o")
    assert unknown.value.code == "SOMETHING_NEW"
    assert "HTTP 409" in unknown.value.message
    assert unknown.value.exit_code == 3

    long_text = "<html>" + "x" * 1000 + "</html>"
    with pytest.raises(ApiError) as text:
        client_for(Script(httpx.Response(400, text=long_text))).create_fulfillment(REQUEST)
    assert text.value.code == "BAD_REQUEST"
    assert "HTTP 400: <html>xxx" in text.value.message
    assert len(text.value.message) < 400  # truncated


@pytest.mark.parametrize(
    ("status", "code", "exit_code"), [(401, "UNAUTHORIZED", 4), (403, "FORBIDDEN", 4)]
)
@pytest.mark.parametrize("body", ["", "Unauthorized", '{"code": "WHATEVER"}'])
def test_auth_answers_mean_the_same_whatever_their_body(
    status: int, code: str, exit_code: int, body: str
) -> None:
    with pytest.raises(ApiError) as caught:
        client_for(Script(httpx.Response(status, text=body))).current_shop()
    assert caught.value.code == code
    assert caught.value.exit_code == exit_code


def test_retries_stop_after_the_total_wait_budget() -> None:
    sleeps: list[float] = []
    answers = [json_answer(429, {"code": "OPEN_API_TOO_MANY_REQUESTS"}) for _ in range(20)]
    with pytest.raises(ApiError) as caught:
        client_for(
            Script(*answers), sleeps=sleeps, rate_limit_wait=10.0, max_total_wait=35.0
        ).order("o")
    assert caught.value.code == "OPEN_API_TOO_MANY_REQUESTS"
    assert sum(sleeps) <= 35.0
    assert len(sleeps) == 3


def test_an_answer_that_is_not_the_documented_shape_is_reported_not_crashed_on() -> None:
    with pytest.raises(ApiError) as caught:
        client_for(Script(json_answer(200, {"unexpected": True}))).order("o")
    assert caught.value.code == "UNEXPECTED_RESPONSE"
    assert "Order" in caught.value.message


def test_events_redact_the_authorization_header() -> None:
    events: list[Any] = []
    client = ApiClient(
        "https://api.example.test",
        Credentials("user", "pass-word"),
        transport=httpx.MockTransport(Script(httpx.Response(502), json_answer(200, ORDER))),
        on_event=events.append,
        sleep=lambda _: None,
    )
    client.order("o")
    sent = [event for event in events if isinstance(event, RequestSent)]
    headers = dict(sent[0].headers)
    assert headers["authorization"] == "Basic [redacted]"
    assert "pass-word" not in repr(events)
    assert any(isinstance(event, Waiting) for event in events)


def test_order_ids_are_quoted_into_the_path() -> None:
    script = Script(json_answer(200, ORDER))
    client_for(script).order_by_friendly_id("A/B?C")
    assert script.requests[0].url.raw_path.endswith(b"/by-friendly-id/A%2FB%3FC")


def test_any_2xx_to_a_post_means_created_even_without_the_documented_id() -> None:
    # Reading it as a failure would send the fulfillment again on the next run.
    script = Script(json_answer(201, {"id": "not-the-documented-field"}))
    assert client_for(script).create_fulfillment(REQUEST).fulfillment_id is None
