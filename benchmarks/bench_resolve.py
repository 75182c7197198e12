"""Order reads per planned fulfillment: `fwfulfill from-csv FILE --dry-run -o json` against a
loopback sandbox shop of about 2,000 open orders (no latency, rate limit raised out of the way),
counting the requests the sandbox saw (GET /_sandbox/stats).

Files: the 1,000 newest open orders (goal: at most 0.1 order reads per fulfillment), the 20
newest (all on the first page of the order list), and 20 spread across the shop (the single-read
path: reading the pages would cost more than reading the 20 orders).

    python benchmarks/bench_resolve.py [--orders 1000] [--small 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import (
    FWFULFILL,
    OUT_DIR,
    PYTHON,
    Spread,
    print_table,
    run_child,
    shop_env,
    write_results,
)
from sandbox_shop import open_orders, serving, shop_seed, stats, tracking_csv
from stats_delta import counted

from fwfulfill.sandbox import SandboxSettings

GOAL_READS_PER_FULFILLMENT = 0.1
SHOP_ORDERS = 2500  # about 2,000 of them open
_READ_LINE = re.compile(r"Read (\d+) orders with (\d+) requests")


def dry_run(server_url: str, path: Path, tmp: Path) -> tuple[float, dict[str, Any], str]:
    """One dry run: wall time, the JSON summary, and what it said on stderr."""
    out_path, err_path = tmp / "stdout.json", tmp / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        run = run_child(
            [PYTHON, FWFULFILL, "from-csv", str(path), "--dry-run", "-o", "json"],
            env=shop_env(tmp, server_url),
            stdout=out,
            stderr=err,
        )
    said = err_path.read_text(encoding="utf-8")
    if run.returncode != 0:
        sys.exit(f"fwfulfill exited {run.returncode} on {path.name}:\n{said[-2000:]}")
    return run.wall, json.loads(out_path.read_text(encoding="utf-8"))["summary"], said


def measure_file(server: Any, path: Path, repeat: int) -> dict[str, Any]:
    walls: list[float] = []
    counts: list[dict[str, Any]] = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench_resolve_") as tmp:
            before = stats(server)
            wall, summary, said = dry_run(server.url, path, Path(tmp))
            counts.append(counted(before, stats(server)))
            walls.append(wall)
    if any(c != counts[0] for c in counts):
        print(f"note: request counts differ between runs of {path.name}: {counts}")
    planned = summary["byStatus"].get("planned", 0)
    found = _READ_LINE.search(said)
    return {
        "file": path.name,
        "planned": planned,
        "summary": summary,
        "counts": counts[0],
        "reads_per_fulfillment": counts[0]["order_reads"] / planned if planned else None,
        "requests_per_fulfillment": counts[0]["requests"] / planned if planned else None,
        "cli_says": found.group(0) if found else None,
        "wall": Spread.of(walls),
    }


def _endpoints(by_endpoint: dict[str, int]) -> str:
    """`/order 20, /shops/current 1`"""
    return ", ".join(
        f"{route.split(' ', 1)[1].removeprefix('/open-api/v1.0')} {count}"
        for route, count in sorted(by_endpoint.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders in the big file (1000)")
    parser.add_argument("--small", type=int, default=20, help="orders in the small files (20)")
    parser.add_argument("--repeat", type=int, default=3, help="dry runs per file (default 3)")
    args = parser.parse_args()

    seed = shop_seed(SHOP_ORDERS, needs_open=args.orders)
    open_count = len(open_orders(seed))
    settings = SandboxSettings(rate_limit=100_000, latency=(0.0, 0.0))
    work = OUT_DIR / "resolve"
    work.mkdir(parents=True, exist_ok=True)
    files = (  # label, path, spread over the shop
        (f"{args.orders} newest open orders", work / f"newest_{args.orders}.csv", False),
        (f"{args.small} newest open orders", work / f"newest_{args.small}.csv", False),
        (f"{args.small} spread over the shop", work / f"spread_{args.small}.csv", True),
    )
    results: dict[str, dict[str, Any]] = {}
    with serving(seed, settings) as server:
        for label, path, spread in files:
            size = args.orders if path.name.endswith(f"_{args.orders}.csv") else args.small
            tracking_csv(path, seed, size, spread=spread)
            results[label] = measure_file(server, path, args.repeat)

    print(f"sandbox: {len(seed['orders'])} orders, {open_count} open; {args.repeat} dry runs each")
    rows = [["file", "planned", "order reads", "requests by endpoint", "reads/fulfillment", "wall"]]
    for label, result in results.items():
        rows.append(
            [
                label,
                str(result["planned"]),
                str(result["counts"]["order_reads"]),
                _endpoints(result["counts"]["by_endpoint"]),
                f"{result['reads_per_fulfillment']:.3f}",
                result["wall"].seconds(),
            ]
        )
    print_table(rows)
    big = results[files[0][0]]["reads_per_fulfillment"]
    verdict = "meets" if big <= GOAL_READS_PER_FULFILLMENT else "MISSES"
    print(
        f"{args.orders} orders: {big:.3f} order reads per fulfillment {verdict} the goal of "
        f"<= {GOAL_READS_PER_FULFILLMENT}"
    )
    for result in results.values():
        result["wall_seconds"] = result.pop("wall").as_dict()
    path = write_results(
        "bench_resolve",
        {
            "shop": {"orders": len(seed["orders"]), "open": open_count},
            "sandbox": {"rate_limit": settings.rate_limit, "latency": list(settings.latency)},
            "goal_reads_per_fulfillment": GOAL_READS_PER_FULFILLMENT,
            "goal_met": big <= GOAL_READS_PER_FULFILLMENT,
            "files": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
