"""Injected faults, over loopback and in process alike: 5xx with a non-JSON body, connection resets
before anything is done, POSTs that commit and then stall or drop, 429 bursts, latency, and seeded
replay of the whole sequence."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from fwfulfill.sandbox import FakeClock, SandboxSettings
from fwfulfill.sandbox.faults import FaultInjector

from .conftest import Connect
from .shop import API, fulfillment_body, make_app, order, seed

SEED = seed(order("FLT00001", "CONFIRMED", ("TEE", 1000)))
FULFILLMENTS = f"{API}/fulfillments"


def body(number: int = 1) -> dict[str, object]:
    return fulfillment_body("FLT00001", ("TEE", 1), tracking=f"T{number}")


def test_server_errors_have_a_non_json_body_and_do_nothing(connect: Connect) -> None:
    app = make_app(SEED, error_rate=1.0)
    client = connect(app)
    responses = [client.post(FULFILLMENTS, json=body(n)) for n in range(12)]
    assert {response.status_code for response in responses} == {500, 502, 503}
    for response in responses:
        assert response.headers["Content-Type"].startswith("text/html")
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)
    assert app.state.fulfillments == []
    assert client.get("/_sandbox/stats").json()["faults"]["5xx"] == 12


def test_a_reset_is_a_read_error_and_nothing_is_done(connect: Connect) -> None:
    app = make_app(SEED, reset_rate=1.0)
    client = connect(app)
    with pytest.raises(httpx.ReadError, match="reset"):
        client.post(FULFILLMENTS, json=body())
    with pytest.raises(httpx.ReadError):
        client.get(f"{API}/shops/current")
    assert app.state.fulfillments == []
    stats = client.get("/_sandbox/stats").json()
    assert (stats["faults"]["reset"], stats["statuses"]) == (2, {})


def test_a_drop_after_commit_loses_the_answer_not_the_fulfillment(connect: Connect) -> None:
    app = make_app(SEED, commit_drop_rate=1.0)
    client = connect(app)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.post(FULFILLMENTS, json=body())
    assert [f.tracking_number for f in app.state.fulfillments] == ["T1"]
    again = client.post(FULFILLMENTS, json=body())  # a re-send finds it there
    assert again.json() == {
        "code": "FULFILLMENT_ALREADY_EXISTS",
        "fulfillmentId": app.state.fulfillments[0].id,
        "orderId": app.state.fulfillments[0].order_id,
    }
    assert client.get("/_sandbox/stats").json()["faults"]["drop"] == 1


def test_a_stall_after_commit_times_out_but_the_fulfillment_exists(connect: Connect) -> None:
    app = make_app(SEED, commit_stall_rate=1.0, stall_seconds=5.0)
    client = connect(app, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post(FULFILLMENTS, json=body())
    assert time.monotonic() - started < 3.0  # the client's timeout, not the 5 s stall
    assert len(app.state.fulfillments) == 1
    assert client.get("/_sandbox/stats").json()["faults"]["stall"] == 1


def test_commit_faults_spare_reads_and_refused_posts(connect: Connect) -> None:
    app = make_app(SEED, commit_drop_rate=1.0)
    client = connect(app)
    assert client.get(f"{API}/order/by-friendly-id/FLT00001").status_code == 200
    refused = client.post(FULFILLMENTS, json=fulfillment_body("FLT00001", ("TEE", 5000)))
    assert refused.json()["code"] == "FULFILLMENT_VARIANT_QUANTITY_TO_HIGH"
    assert client.get("/_sandbox/stats").json()["faults"]["drop"] == 0


def test_bursts_answer_429_in_runs_whatever_the_quota(connect: Connect) -> None:
    app = make_app(SEED, rate_limit=None, burst_rate=0.05, burst_length=4, random_seed=11)
    client = connect(app)
    statuses = [client.get(f"{API}/shops/current").status_code for _ in range(300)]
    runs = "".join("x" if status == 429 else "." for status in statuses).split(".")
    lengths = [len(run) for run in runs[:-1] if run]  # the last run may be cut short
    assert lengths, "the seed should start at least one burst"
    assert min(lengths) >= 4
    assert set(statuses) == {200, 429}
    stats = client.get("/_sandbox/stats").json()
    assert stats["faults"]["burst"] == stats["rateLimited"] == statuses.count(429)


def outcomes(client: httpx.Client, count: int) -> list[str]:
    """What each of `count` POSTs came to: a status or the exception's name."""
    seen = []
    for number in range(count):
        try:
            seen.append(str(client.post(FULFILLMENTS, json=body(number)).status_code))
        except httpx.HTTPError as exc:
            seen.append(type(exc).__name__)
    return seen


FAULTY = {
    "error_rate": 0.15,
    "reset_rate": 0.1,
    "commit_drop_rate": 0.15,
    "commit_stall_rate": 0.1,
    "stall_seconds": 5.0,
    "burst_rate": 0.05,
    "burst_length": 2,
    "rate_limit": None,
}


def test_the_same_seed_replays_the_same_faults(connect: Connect) -> None:
    first = outcomes(connect(make_app(SEED, random_seed=7, **FAULTY), timeout=0.1), 40)
    second = outcomes(connect(make_app(SEED, random_seed=7, **FAULTY), timeout=0.1), 40)
    other = outcomes(connect(make_app(SEED, random_seed=8, **FAULTY), timeout=0.1), 40)
    assert first == second
    assert first != other
    kinds = {"201", "500", "502", "503", "429", "ReadError", "RemoteProtocolError", "ReadTimeout"}
    assert set(first) <= kinds
    assert len(set(first)) >= 5  # a mix, not one fault over and over


def test_other_settings_do_not_shift_the_random_sequence() -> None:
    """Each plan draws the same numbers, so turning bursts on keeps the resets where they were."""
    plain = FaultInjector(SandboxSettings(reset_rate=0.3, random_seed=5))
    bursty = FaultInjector(SandboxSettings(reset_rate=0.3, burst_rate=0.5, random_seed=5))
    plain_resets = [plain.plan().reset for _ in range(50)]
    assert plain_resets == [bursty.plan().reset for _ in range(50)]
    assert 5 < sum(plain_resets) < 30


def test_fixed_latency_is_slept_on_the_apps_clock(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock, latency=(0.25, 0.25)))
    for _ in range(4):
        client.get(f"{API}/shops/current")
    assert clock.now() == pytest.approx(1.0)


def test_latency_ranges_stay_within_bounds(connect: Connect) -> None:
    clock = FakeClock()
    client = connect(make_app(SEED, clock, latency=(0.1, 0.3)))
    waits = []
    for _ in range(30):
        before = clock.now()
        client.get(f"{API}/shops/current")
        waits.append(clock.now() - before)
    assert all(0.1 <= wait <= 0.3 for wait in waits)
    assert max(waits) - min(waits) > 0.05  # drawn, not fixed


def test_latency_is_real_on_the_system_clock(connect: Connect) -> None:
    from fwfulfill.sandbox import SandboxApp, SandboxState, SystemClock, parse_seed

    state = SandboxState.from_seed(parse_seed(SEED))
    app = SandboxApp(state, SandboxSettings(latency=(0.05, 0.05)), SystemClock())
    client = connect(app)
    started = time.monotonic()
    client.get(f"{API}/shops/current")
    assert time.monotonic() - started >= 0.05


@pytest.mark.parametrize(
    ("kind", "seen"),
    [("drop", "RemoteProtocolError"), ("stall", "ReadTimeout"), ("5xx", "502")],
)
def test_the_first_commits_fail_deterministically_after_committing(
    connect: Connect, kind: str, seen: str
) -> None:
    # For the in-doubt tests: exactly the first POST that commits loses its answer, by `kind`.
    app = make_app(SEED, commit_fault_first=1, commit_fault_kind=kind, stall_seconds=5.0)
    client = connect(app, timeout=0.3)
    refused = client.post(FULFILLMENTS, json=fulfillment_body("FLT00001", ("TEE", 5000)))
    assert refused.status_code == 400  # a refused POST commits nothing and uses up no fault
    assert outcomes(client, 3) == [seen, "201", "201"]
    assert [f.tracking_number for f in app.state.fulfillments] == ["T0", "T1", "T2"]
    faults = client.get("/_sandbox/stats").json()["faults"]
    assert faults["5xx-after-commit" if kind == "5xx" else kind] == 1


def test_the_first_commit_fault_is_a_sandbox_option() -> None:
    settings = SandboxSettings.from_cli(options="commit_fault_first=2,commit_fault_kind=5xx")
    assert (settings.commit_fault_first, settings.commit_fault_kind) == (2, "5xx")
    with pytest.raises(ValueError, match="commit_fault_kind"):
        SandboxSettings.from_cli(options="commit_fault_kind=explode")
