"""Microseconds per label of the per-label tracking checks: this tree's code against a baseline
(default: `main`) in the same run.

Times `shipment("USPS", n, service_text=None)`, `check_tracking(n, "usps")` and
`identify(n, for_carrier="usps")` over the distinct tracking numbers of the shape (b) file (75,000
orders, each with its own USPS number), each side in processes of its own (the baseline's
`fwfulfill` extracted with `git archive`), alternating the two in shuffled order per round; reports
per side the fastest and the median round (each round: the best of 5 passes), and the ratio
baseline / this tree of the fastest rounds and the median ratio of the rounds (each round runs the
two sides back to back). The machine is small and shared: the fastest round is the least disturbed
one; the per-round ratio shows how steady the gain is under load.

    python benchmarks/bench_tracking.py [--baseline main] [--rounds 7] [--labels 20000]

Numbers: `benchmarks/out/shape_b_100000_75000.csv` when it exists (bench_csv_offline.py --shape b
writes it), else the same generator's numbers made here.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHAPE_B = ROOT / "benchmarks" / "out" / "shape_b_100000_75000.csv"
CALLS = ("shipment", "check_tracking", "identify")

# Run in the child, with the side's fwfulfill first on PYTHONPATH: prints µs per label per call.
_CHILD = """
import json, sys, time
import fwfulfill
from fwfulfill.tracking import check_tracking, identify
from fwfulfill.tracking.shipment import shipment
numbers = json.loads(open(sys.argv[1], encoding="utf-8").read())
calls = {
    "shipment": lambda n: shipment("USPS", n, service_text=None),
    "check_tracking": lambda n: check_tracking(n, "usps"),
    "identify": lambda n: identify(n, for_carrier="usps"),
}
for name, call in calls.items():  # warm the per-format and per-kind tables
    for number in numbers[:500]:
        call(number)
best = dict.fromkeys(calls, float("inf"))
for _ in range(5):  # the calls interleaved, so a busy moment of the machine hits all of them
    for name, call in calls.items():
        start = time.perf_counter()
        for number in numbers:
            call(number)
        best[name] = min(best[name], time.perf_counter() - start)
result = {name: seconds / len(numbers) * 1e6 for name, seconds in best.items()}
print(json.dumps({"fwfulfill": fwfulfill.__file__, **result}))
"""


def _numbers(count: int) -> list[str]:
    if SHAPE_B.exists():
        with SHAPE_B.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            next(rows)
            numbers = list(dict.fromkeys(row[1] for row in rows))
    else:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from synthetic_csv import many_orders_rows  # the generator of the shape (b) file

        numbers = list(dict.fromkeys(row[1] for row in many_orders_rows(100_000, 75_000)))
    return numbers[:count]


def _baseline_tree(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "fwfulfill"], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _run(tree: Path, numbers_file: Path, work: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(numbers_file)],
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        cwd=work,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _spread(values: list[float]) -> str:
    return f"{min(values):6.2f} fastest, {statistics.median(values):6.2f} median"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--labels", type=int, default=10_000)
    options = parser.parse_args()
    numbers = _numbers(options.labels)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        numbers_file = work / "numbers.json"
        numbers_file.write_text(json.dumps(numbers), encoding="utf-8")
        (work / "baseline").mkdir()
        sides = {"baseline": _baseline_tree(options.baseline, work / "baseline"), "this": ROOT}
        runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
        rng = random.Random(0)
        for _ in range(options.rounds):
            order = list(sides)
            rng.shuffle(order)
            for side in order:
                runs[side].append(_run(sides[side], numbers_file, work))
    for side, side_runs in runs.items():
        print(f"{side}: fwfulfill from {side_runs[0]['fwfulfill']}")
    print(f"{len(numbers)} distinct USPS numbers, {options.rounds} rounds, µs per label")
    print(f"{'call':16} {'baseline ' + options.baseline:30} {'this tree':30} ratio")
    for call in CALLS:
        base = [run[call] for run in runs["baseline"]]
        mine = [run[call] for run in runs["this"]]
        # The two runs of a round ran back to back, under about the same load of the machine.
        paired = statistics.median(b / m for b, m in zip(base, mine, strict=True))
        print(
            f"{call:16} {_spread(base):30} {_spread(mine):30} "
            f"{min(base) / min(mine):.2f}x fastest, {paired:.2f}x per round (median)"
        )


if __name__ == "__main__":
    main()
