"""A large dry run against a shop: `fwfulfill from-csv FILE --dry-run -o json` with a 20,000-row
file against a loopback sandbox holding about 20,000 open orders (no latency, rate limit out of the
way). Reports wall time, the CLI's peak memory (max RSS) and the order reads per planned
fulfillment, counted by the sandbox (GET /_sandbox/stats). Goals (issue 13): peak under 200 MB,
at most 0.02 order reads per fulfillment.

The sandbox runs in a process of its own: Linux counts a child's peak memory from the RSS of the
process that started it, so the shop's orders must not live in this one.

    python benchmarks/bench_online_large.py [--rows 20000] [--shop-orders 25500] [--repeat 3]
    python benchmarks/bench_online_large.py --whole-orders   # 20,000 orders, one label row each
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import (
    FWFULFILL,
    OUT_DIR,
    PYTHON,
    ChildRun,
    Spread,
    print_table,
    run_child,
    shop_env,
    write_results,
)
from stats_delta import counted

GOAL_PEAK_MB = 200.0
GOAL_READS_PER_FULFILLMENT = 0.02

# Run in the server process: the seed, the file, then the sandbox until stdin closes.
_SERVER = """
import csv, json, sys
from itertools import islice
from sandbox_shop import open_orders, serving, shop_seed, stats
from fwfulfill.sandbox import SandboxSettings
from fwfulfill.sandbox.tracking_csv import HEADER, tracking_rows

shop_orders, rows, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
whole = sys.argv[4] == "whole"
seed = shop_seed(shop_orders, needs_open=20_000)
with open(path, "w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(HEADER)
    if whole:  # one label row per order, no items: the box holds the whole order
        written = [
            (order["friendlyId"], f"GLS{index:09d}", "GLS", "", "")
            for index, order in enumerate(open_orders(seed)[:rows])
        ]
    else:
        written = list(islice(tracking_rows(seed, orders=len(open_orders(seed))), rows))
    writer.writerows(written)
facts = {
    "shop_orders": len(seed["orders"]),
    "open_orders": len(open_orders(seed)),
    "rows": len(written),
    "file_orders": len({row[0] for row in written}),
}
settings = SandboxSettings(rate_limit=1_000_000, latency=(0.0, 0.0))
with serving(seed, settings) as server:
    del seed, written
    print(json.dumps({"url": server.url, **facts}), flush=True)
    for line in sys.stdin:  # one line per question: the stats so far
        print(json.dumps(stats(server)), flush=True)
"""


class Shop:
    """The sandbox in its own process; `stats()` asks it for its counters."""

    def __init__(self, shop_orders: int, rows: int, path: Path, *, whole: bool) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-c", _SERVER, str(shop_orders), str(rows), str(path), "whole" * whole],
            cwd=Path(__file__).parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.facts: dict[str, Any] = json.loads(self.process.stdout.readline())
        self.url: str = self.facts.pop("url")

    def stats(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        assert self.process.stdin is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        found: dict[str, Any] = json.loads(self.process.stdout.readline())
        return found

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def dry_run(shop: Shop, path: Path) -> tuple[ChildRun, dict[str, Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench_online_") as tmp_text:
        tmp = Path(tmp_text)
        out_path, err_path = tmp / "stdout.json", tmp / "stderr.txt"
        before = shop.stats()
        with out_path.open("w") as out, err_path.open("w") as err:
            run = run_child(
                [PYTHON, FWFULFILL, "from-csv", str(path), "--dry-run", "-o", "json"],
                env=shop_env(tmp, shop.url),
                stdout=out,
                stderr=err,
            )
        counts = counted(before, shop.stats())
        if run.returncode not in (0, 2):
            sys.exit(f"fwfulfill exited {run.returncode}:\n{err_path.read_text()[-2000:]}")
        with out_path.open("rb") as handle:  # the summary is the document's tail
            handle.seek(max(0, out_path.stat().st_size - 4096))
            tail = handle.read().decode("utf-8")
        summary, _ = json.JSONDecoder().raw_decode(tail, tail.rindex('"summary":') + 10)
    return run, summary, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the file (20000)")
    parser.add_argument(
        "--shop-orders", type=int, default=25_500, help="orders in the shop, 80 %% open (25500)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="dry runs (default 3)")
    parser.add_argument(
        "--whole-orders",
        action="store_true",
        help="one label row per order, no items (20,000 rows = 20,000 fulfillments)",
    )
    args = parser.parse_args()

    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"online_{args.rows}{'_whole' if args.whole_orders else ''}.csv"
    shop = Shop(args.shop_orders, args.rows, path, whole=args.whole_orders)
    try:
        runs = [dry_run(shop, path) for _ in range(args.repeat)]
    finally:
        shop.close()
    summary, counts = runs[-1][1], runs[-1][2]
    planned = summary["fulfillments"]
    wall = Spread.of([run.wall for run, _, _ in runs])
    peak = Spread.of([run.max_rss_mb for run, _, _ in runs])
    reads = counts["order_reads"] / planned if planned else float("nan")
    print(
        f"sandbox: {shop.facts['shop_orders']} orders, {shop.facts['open_orders']} open; file: "
        f"{shop.facts['rows']} rows, {shop.facts['file_orders']} orders; {args.repeat} dry runs"
    )
    print_table(
        [
            ["fulfillments", "median wall (IQR)", "peak RSS", "order reads", "reads/fulfillment"],
            [
                f"{planned:,} ({summary['byStatus']})",
                wall.seconds(),
                f"{peak.median:.0f} MB (max {peak.maximum:.0f})",
                f"{counts['order_reads']} of {counts['requests']} requests",
                f"{reads:.4f}",
            ],
        ]
    )
    memory_ok, reads_ok = peak.maximum < GOAL_PEAK_MB, reads <= GOAL_READS_PER_FULFILLMENT
    print(
        f"goal peak < {GOAL_PEAK_MB:.0f} MB: {'met' if memory_ok else 'MISSED'}; goal <= "
        f"{GOAL_READS_PER_FULFILLMENT} reads per fulfillment: {'met' if reads_ok else 'MISSED'}"
    )
    result = write_results(
        "bench_online_large_whole" if args.whole_orders else "bench_online_large",
        {
            "shop": shop.facts,
            "repeat": args.repeat,
            "summary": summary,
            "requests": counts,
            "wall_seconds": wall.as_dict(),
            "peak_rss_mb": peak.as_dict(),
            "reads_per_fulfillment": reads,
            "goals": {"peak_mb": GOAL_PEAK_MB, "reads": GOAL_READS_PER_FULFILLMENT},
            "goals_met": {"memory": memory_ok, "reads": reads_ok},
        },
    )
    print(f"wrote {result}")


if __name__ == "__main__":
    main()
