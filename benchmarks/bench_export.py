"""`fwfulfill orders export` on a shop of 2,000 orders, 1,000 of them open: it must read the order
list's pages only (at most 25 requests, counted by the sandbox's GET /_sandbox/stats) and write
byte-identical files on two runs.

    python benchmarks/bench_export.py [--orders 2000] [--open 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from measure import FWFULFILL, Spread, print_table, run_child, shop_env, write_results
from sandbox_shop import OPEN, serving, stats
from stats_delta import counted

from fwfulfill.sandbox import SandboxSettings, large_shop_seed

GOAL_REQUESTS = 25
FORMATS = ("generic", "pirateship", "shipstation", "easypost")


def export_seed(orders: int, open_orders: int) -> dict[str, Any]:
    """`large_shop_seed(orders)` with exactly `open_orders` open: extra open orders are cancelled,
    or cancelled ones reopened (neither has fulfillments)."""
    seed = large_shop_seed(orders, open_share=open_orders / orders, seed=0)
    found = [order for order in seed["orders"] if order["status"] in OPEN]
    cancelled = [order for order in seed["orders"] if order["status"] == "CANCELLED"]
    for order in found[open_orders:]:
        order["status"] = "CANCELLED"
    missing = open_orders - len(found)
    if missing > len(cancelled):
        raise ValueError(f"cannot reach {open_orders} open orders")
    for order in cancelled[: max(missing, 0)]:
        order["status"] = "CONFIRMED"
    return seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000, help="orders in the shop (2000)")
    parser.add_argument("--open", type=int, default=1000, help="of them open (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format (3, at least 2)")
    args = parser.parse_args()

    seed = export_seed(args.orders, args.open)
    # No limit: 12 runs back to back would share one 100/10 s window (one run needs 11 requests).
    settings = SandboxSettings(rate_limit=None)
    results: dict[str, dict[str, Any]] = {}
    with serving(seed, settings) as server, tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        env = shop_env(tmp, server.url)
        for name in FORMATS:
            walls: list[float] = []
            requests: list[int] = []
            outputs: list[bytes] = []
            for run in range(max(args.repeat, 2)):
                target = tmp / f"{name}-{run}.csv"
                before = stats(server)
                child = run_child(
                    [FWFULFILL, "orders", "export", "--format", name, "--output", str(target)],
                    env=env,
                )
                if child.returncode != 0:
                    raise SystemExit(f"orders export --format {name} exited {child.returncode}")
                walls.append(child.wall)
                requests.append(counted(before, stats(server))["requests"])
                outputs.append(target.read_bytes())
            results[name] = {
                "wall": Spread.of(walls),
                "requests": max(requests),
                "rows": outputs[0].count(b"\r\n") - 1,
                "bytes": len(outputs[0]),
                "identical": all(output == outputs[0] for output in outputs),
            }

    print(f"sandbox: {len(seed['orders'])} orders, {args.open} open; {args.repeat} runs each")
    rows = [["format", "wall", "requests", "rows", "bytes", "identical runs"]]
    for name, result in results.items():
        rows.append(
            [
                name,
                result["wall"].seconds(),
                str(result["requests"]),
                str(result["rows"]),
                str(result["bytes"]),
                "yes" if result["identical"] else "NO",
            ]
        )
    print_table(rows)
    met = all(r["requests"] <= GOAL_REQUESTS and r["identical"] for r in results.values())
    print(f"goal (<= {GOAL_REQUESTS} requests, identical output): {'met' if met else 'MISSED'}")
    for result in results.values():
        result["wall_seconds"] = result.pop("wall").as_dict()
    path = write_results(
        "bench_export",
        {
            "shop": {"orders": len(seed["orders"]), "open": args.open},
            "goal_requests": GOAL_REQUESTS,
            "goal_met": met,
            "formats": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
