"""Sending at the shop's rate limit: `fwfulfill from-csv FILE --yes -o json` creating fulfillments
of open orders against a loopback sandbox that keeps the documented limit (100 requests per 10 s)
and answers after 200 ms, against a plain sequential httpx loop (GET the order by friendly id, POST
its fulfillment, one at a time, no fwfulfill code) on a second fresh sandbox with the same settings.

The sequential loop would take ~400 s for 1,000 fulfillments, so it times `--baseline-sample`
of them and extrapolates. Then the limit is raised tenfold (1,000 per 10 s, `--rate 1000/10`): the
client must not be the bottleneck. Goals at the documented limit: wall time within 10 % of the
physical limit (requests / 10 per second), no 429, at most 1.1 requests per fulfillment.

    python benchmarks/bench_send.py [--fulfillments 1000] [--baseline-sample 200] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from measure import (
    FWFULFILL,
    OUT_DIR,
    PYTHON,
    SANDBOX_PASSWORD,
    SANDBOX_USERNAME,
    Spread,
    print_table,
    run_child,
    shop_env,
    write_results,
)
from sandbox_shop import serving, shop_seed, stats, tracking_csv
from stats_delta import counted

from fwfulfill.sandbox import SandboxServer, SandboxSettings

LIMIT, WINDOW = 100, 10.0  # the documented limit (API-NOTES.md)
GOAL_RATIO = 1.10
GOAL_REQUESTS_PER_FULFILLMENT = 1.1
API = "/open-api/v1.0"


class RequestTimeline:
    """Polls /_sandbox/stats (which counts nothing itself) to know when requests arrived."""

    def __init__(self, server: SandboxServer, every: float = 0.1) -> None:
        self._server, self._every = server, every
        self._stop = threading.Event()
        self.points: list[tuple[float, int]] = []  # (seconds since start, requests so far)
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> RequestTimeline:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        with httpx.Client(base_url=self._server.url, timeout=10) as client:
            while not self._stop.wait(self._every):
                total = sum(client.get("/_sandbox/stats").json()["requests"].values())
                self.points.append((time.perf_counter() - self._started, total))

    def first_and_last(self) -> tuple[float, float]:
        """When the first request had arrived and when the last one had (to the poll interval)."""
        final = self.points[-1][1] if self.points else 0
        first = next((t for t, n in self.points if n > 0), 0.0)
        last = next((t for t, n in self.points if n >= final), 0.0)
        return first, last

    def peak_rate(self, span: float = 1.0) -> float:
        """The most requests per second over any `span` seconds (to the poll interval)."""
        best = 0.0
        for index, (start, before) in enumerate(self.points):
            later = next(((t, n) for t, n in self.points[index:] if t - start >= span), None)
            if later is not None:
                best = max(best, (later[1] - before) / (later[0] - start))
        return best


def run_client(
    seed: dict[str, Any], settings: SandboxSettings, path: Path, rate: str | None
) -> dict[str, Any]:
    """One `from-csv --yes` against a fresh sandbox: wall time, requests, 429s, outcomes."""
    rate_args = ["--rate", rate] if rate else []
    with (
        serving(seed, settings) as server,
        tempfile.TemporaryDirectory(prefix="bench_send_") as tmp_name,
    ):
        tmp = Path(tmp_name)
        before = stats(server)
        with (
            (tmp / "out.json").open("w") as out,
            (tmp / "err.txt").open("w") as err,
            RequestTimeline(server) as timeline,
        ):
            run = run_child(
                [PYTHON, FWFULFILL, "from-csv", str(path), "--yes", "-o", "json", *rate_args],
                env=shop_env(tmp, server.url),
                stdout=out,
                stderr=err,
            )
        said = (tmp / "err.txt").read_text(encoding="utf-8")
        if run.returncode != 0:
            sys.exit(f"fwfulfill exited {run.returncode}:\n{said[-3000:]}")
        summary = json.loads((tmp / "out.json").read_text(encoding="utf-8"))["summary"]
        seen = counted(before, stats(server))
    first, last = timeline.first_and_last()
    return {
        "wall": run.wall,
        "summary": summary,
        "counts": seen,
        "first_request_after": first,
        "last_request_after": last,
        "peak_requests_per_second_1s": timeline.peak_rate(),
        "timeline": [(round(t, 2), n) for t, n in timeline.points],
        "stderr_head": said.splitlines()[:3],
    }


def _boxes(path: Path, count: int) -> list[tuple[str, str, str, dict[str, int]]]:
    """The first `count` fulfillments of the file: order, tracking, carrier, {sku: quantity}."""
    boxes: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["order"], row["tracking_number"], row["carrier"])
            if key not in boxes and len(boxes) == count:
                break
            items = boxes[key]
            items[row["sku"]] = items.get(row["sku"], 0) + int(row["quantity"])
    return [(*key, items) for key, items in boxes.items()]


def run_sequential(
    seed: dict[str, Any], settings: SandboxSettings, path: Path, sample: int
) -> dict[str, Any]:
    """GET the order, POST its fulfillment, one at a time, with httpx alone."""
    boxes = _boxes(path, sample)
    with serving(seed, settings) as server:
        before = stats(server)
        auth = (SANDBOX_USERNAME, SANDBOX_PASSWORD)
        started = time.perf_counter()
        with httpx.Client(base_url=server.url + API, auth=auth, timeout=30) as client:
            for friendly_id, tracking, carrier, items in boxes:
                order = client.get(f"/order/by-friendly-id/{friendly_id}").raise_for_status()
                variants = {
                    offer["variant"]["sku"]: offer["variant"]["id"]
                    for offer in order.json()["offers"]
                }
                body = {
                    "orderId": order.json()["id"],
                    "items": [
                        {"variantId": variants[sku], "quantity": quantity}
                        for sku, quantity in items.items()
                    ],
                    "shippingLabel": {"trackingNumber": tracking, "trackingCompany": carrier},
                }
                client.post("/fulfillments", json=body).raise_for_status()
        wall = time.perf_counter() - started
        seen = counted(before, stats(server))
    return {"sample": len(boxes), "wall": wall, "counts": seen}


def physical_seconds(requests: int, limit: int, window: float) -> float:
    """API-NOTES.md: a batch takes at least `requests / (limit / window)` seconds."""
    return requests / (limit / window)


def window_floor_seconds(requests: int, limit: int, window: float, latency: float) -> float:
    """The least a sliding window allows: `limit` at once, the next `limit` a window later..."""
    return (math.ceil(requests / limit) - 1) * window + latency


def describe(result: dict[str, Any], limit: int, window: float, latency: float) -> dict[str, Any]:
    requests = result["counts"]["requests"]
    created = result["counts"]["fulfillments_created"]
    floor = physical_seconds(requests, limit, window)
    sending = result["last_request_after"] - result["first_request_after"]
    return {
        **result,
        "requests": requests,
        "created": created,
        "requests_per_fulfillment": requests / created if created else None,
        "rate_limited": result["counts"]["rate_limited"],
        "physical_limit_seconds": floor,
        "window_floor_seconds": window_floor_seconds(requests, limit, window, latency),
        "ratio_to_physical": result["wall"] / floor,
        "requests_per_second": requests / result["wall"],
        "requests_per_second_while_sending": requests / sending if sending > 0 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fulfillments", type=int, default=1000, help="to create (1000)")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=200,
        help="fulfillments the sequential loop really sends; the rest is extrapolated (200)",
    )
    parser.add_argument("--latency", type=float, default=0.2, help="sandbox latency, s (0.2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs at the documented limit (1)")
    parser.add_argument("--fast-repeat", type=int, default=3, help="runs at the tenfold limit (3)")
    args = parser.parse_args()

    count = args.fulfillments
    seed = shop_seed(math.ceil(count / 0.8 * 1.1) + 100, needs_open=count)
    work = OUT_DIR / "send"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"send_{count}.csv"
    tracking_csv(path, seed, count)
    latency = (args.latency, args.latency)
    documented = SandboxSettings(rate_limit=LIMIT, rate_window=WINDOW, latency=latency)
    tenfold = SandboxSettings(rate_limit=LIMIT * 10, rate_window=WINDOW, latency=latency)

    print(f"{count} fulfillments, latency {args.latency * 1000:.0f} ms; running...", flush=True)
    limited = [
        describe(run_client(seed, documented, path, None), LIMIT, WINDOW, args.latency)
        for _ in range(args.repeat)
    ]
    sample = min(args.baseline_sample, count)
    baseline = run_sequential(seed, documented, path, sample)
    per_fulfillment = baseline["wall"] / baseline["sample"]
    baseline["extrapolated_wall"] = per_fulfillment * count
    fast = [
        describe(
            run_client(seed, tenfold, path, f"{LIMIT * 10}/{WINDOW:g}"),
            LIMIT * 10,
            WINDOW,
            args.latency,
        )
        for _ in range(args.fast_repeat)
    ]

    limited_wall = Spread.of([r["wall"] for r in limited])
    fast_wall = Spread.of([r["wall"] for r in fast])
    main_run, fast_run = limited[0], fast[0]  # request counts are the same on every run
    rows = [
        [
            "run",
            "created",
            "requests",
            "req/fulfil.",
            "429s",
            "wall",
            "physical limit",
            "wall/physical",
            "req/s",
        ],
        [
            f"fwfulfill, {LIMIT}/{WINDOW:g}s",
            str(main_run["created"]),
            str(main_run["requests"]),
            f"{main_run['requests_per_fulfillment']:.3f}",
            str(max(r["rate_limited"] for r in limited)),
            limited_wall.seconds(),
            f"{main_run['physical_limit_seconds']:.1f} s",
            f"{limited_wall.median / main_run['physical_limit_seconds']:.3f}",
            f"{main_run['requests'] / limited_wall.median:.1f}",
        ],
        [
            f"sequential httpx, {sample} sent",
            str(baseline["counts"]["fulfillments_created"]),
            str(baseline["counts"]["requests"]),
            f"{baseline['counts']['requests'] / sample:.3f}",
            str(baseline["counts"]["rate_limited"]),
            f"{baseline['wall']:.2f} s -> {baseline['extrapolated_wall']:.0f} s for {count}*",
            f"{physical_seconds(2 * count, LIMIT, WINDOW):.1f} s*",
            f"{baseline['extrapolated_wall'] / physical_seconds(2 * count, LIMIT, WINDOW):.3f}*",
            f"{baseline['counts']['requests'] / baseline['wall']:.1f}",
        ],
        [
            f"fwfulfill, {LIMIT * 10}/{WINDOW:g}s",
            str(fast_run["created"]),
            str(fast_run["requests"]),
            f"{fast_run['requests_per_fulfillment']:.3f}",
            str(max(r["rate_limited"] for r in fast)),
            fast_wall.seconds(),
            f"{fast_run['physical_limit_seconds']:.1f} s",
            f"{fast_wall.median / fast_run['physical_limit_seconds']:.3f}",
            f"{fast_run['requests'] / fast_wall.median:.1f}",
        ],
    ]
    print_table(rows)
    print(f"* extrapolated from {sample} sequential fulfillments (2 requests each) to {count}")
    speedup = baseline["extrapolated_wall"] / limited_wall.median
    print(f"fwfulfill at {LIMIT}/{WINDOW:g}s: {speedup:.2f}x faster than the sequential loop")
    for label, runs in (("documented", limited), ("tenfold", fast)):
        firsts = Spread.of([r["first_request_after"] for r in runs]).median
        sending = Spread.of([r["requests_per_second_while_sending"] or 0 for r in runs]).median
        peak = Spread.of([r["peak_requests_per_second_1s"] for r in runs]).median
        floor = runs[0]["window_floor_seconds"]
        print(
            f"{label} limit: first request {firsts:.2f} s after start; {sending:.1f} req/s from "
            f"first to last request, {peak:.0f} req/s at the busiest second; a sliding window "
            f"allows {runs[0]['requests']} requests in {floor:.1f} s at the least"
        )

    ratio = limited_wall.median / main_run["physical_limit_seconds"]
    goals = {
        "within_10_percent_of_physical_limit": ratio <= GOAL_RATIO,
        "no_429": all(r["rate_limited"] == 0 for r in limited),
        "requests_per_fulfillment": main_run["requests_per_fulfillment"]
        <= GOAL_REQUESTS_PER_FULFILLMENT,
        "all_created": all(r["created"] == count for r in limited + fast),
    }
    print(
        "goals: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in goals.items())
    )
    result_path = write_results(
        "bench_send",
        {
            "fulfillments": count,
            "latency_seconds": args.latency,
            "documented_limit": {
                "limit": LIMIT,
                "window": WINDOW,
                "wall_seconds": limited_wall.as_dict(),
                "runs": limited,
            },
            "sequential_baseline": {**baseline, "extrapolated": sample < count},
            "tenfold_limit": {
                "limit": LIMIT * 10,
                "window": WINDOW,
                "client_rate": f"{LIMIT * 10}/{WINDOW:g}",
                "wall_seconds": fast_wall.as_dict(),
                "runs": fast,
            },
            "speedup_vs_sequential": speedup,
            "goals_met": goals,
        },
    )
    print(f"wrote {result_path}")


if __name__ == "__main__":
    main()
