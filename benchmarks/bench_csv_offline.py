"""Planning a large tracking CSV with no API: `fwfulfill from-csv FILE --dry-run --offline -o json`
on generated shape A files (synthetic_csv.py) of two kinds, (a) few orders with several rows each
and (b) 75 % of the rows a new order, against a bare `csv.reader` pass over the same file in its
own Python process, alternating the two.

Reports wall time (median), the child's peak memory (max RSS), memory per fulfillment above the
bare reader's, and the ratio to the reader in the same run; then profiles one run per shape with
cProfile and lists the top functions by cumulative and by own time. Goals for 100,000 rows on
either shape: under 2 s, under 150 MB, at most 30x the bare reader.

    python benchmarks/bench_csv_offline.py [--shape a b] [--rows 100000] [--repeat 3]
    python benchmarks/bench_csv_offline.py --scaling --no-profile   # 10k, 50k, 100k rows
"""

from __future__ import annotations

import argparse
import json
import pstats
import random
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
    isolated_env,
    print_table,
    run_child,
    write_results,
)

GOAL_SECONDS_PER_100K = 2.0
GOAL_PEAK_MB = 150.0
GOAL_RATIO = 30.0
TOP = 10

BARE_READER = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as handle:\n"
    "    rows = sum(1 for _ in csv.reader(handle))\n"
)


# Shape (b) files hold this share of distinct orders: 75,000 in 100,000 rows.
SHAPE_B_ORDERS_PER_ROW = 0.75


def csv_file(rows: int, shape: str = "a") -> tuple[Path, dict[str, int]]:
    """The generated file, made once per shape and size (it is deterministic)."""
    OUT_DIR.mkdir(exist_ok=True)
    orders = None if shape == "a" else round(rows * SHAPE_B_ORDERS_PER_ROW)
    path = OUT_DIR / (f"shape_a_{rows}.csv" if orders is None else f"shape_b_{rows}_{orders}.csv")
    facts_path = path.with_suffix(".facts.json")
    if not (path.exists() and facts_path.exists()):
        # In a process of its own: Linux counts a child's peak memory from the RSS of the process
        # that started it, so this one stays small (it would hold the generator's sets).
        generate = (
            "import json, sys, synthetic_csv\n"
            "synthetic_csv.self_check()\n"
            "orders = int(sys.argv[3]) or None\n"
            "facts = synthetic_csv.write(__import__('pathlib').Path(sys.argv[1]), int(sys.argv[2]),"
            " orders=orders)\n"
            "open(sys.argv[4], 'w', encoding='utf-8').write(json.dumps(facts))\n"
        )
        argv = [PYTHON, "-c", generate, str(path), str(rows), str(orders or 0), str(facts_path)]
        subprocess.run(argv, check=True, cwd=Path(__file__).parent)
    return path, json.loads(facts_path.read_text(encoding="utf-8"))


def cli_argv(path: Path) -> list[str]:
    return [FWFULFILL, "from-csv", str(path), "--dry-run", "--offline", "-o", "json"]


def run_cli(path: Path, env: dict[str, str], stdout_path: Path) -> ChildRun:
    with stdout_path.open("w", encoding="utf-8") as out, tempfile.TemporaryFile("w+") as err:
        run = run_child([PYTHON, *cli_argv(path)], env=env, stdout=out, stderr=err)
        if run.returncode != 0:
            err.seek(0)
            sys.exit(f"fwfulfill exited {run.returncode}:\n{err.read()[-2000:]}")
    return run


def run_bare(path: Path) -> ChildRun:
    run = run_child([PYTHON, "-c", BARE_READER, str(path)])
    if run.returncode != 0:
        sys.exit(f"the bare csv.reader pass exited {run.returncode}")
    return run


# Frames that only pass the call down (the CLI framework, the import machinery, the script).
_FRAMEWORK = ("/typer/", "/click/", "<frozen", "cProfile", "runpy")


def _is_work(file: str, name: str) -> bool:
    if file == "~":  # a builtin: keep the real work (regex matching), not exec() of modules
        return "exec" not in name
    return not any(part in file for part in _FRAMEWORK) and not file.endswith("/fwfulfill")


def profile(path: Path, env: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """One run under cProfile (slower than a plain run); the top functions by cumulative and by
    own time, framework frames left out."""
    stats_path = OUT_DIR / "bench_csv_offline.pstats"
    argv = [PYTHON, "-m", "cProfile", "-o", str(stats_path), *cli_argv(path)]
    profiled = run_child(argv, env=env)
    if profiled.returncode != 0:
        sys.exit("the profiled run failed")
    entries = pstats.Stats(str(stats_path)).stats  # type: ignore[attr-defined]
    work = [(key, value) for key, value in entries.items() if _is_work(key[0], key[2])]
    top: dict[str, list[dict[str, Any]]] = {}
    for key, column in (("cumulative", 3), ("own", 2)):
        ranked = sorted(work, key=lambda item: item[1][column], reverse=True)
        top[key] = [
            {
                "function": f"{_short(file)}:{line}({name})",
                "calls": calls,
                "own_seconds": round(own, 3),
                "cumulative_seconds": round(cumulative, 3),
            }
            for (file, line, name), (_, calls, own, cumulative, _) in ranked[: TOP * 3]
        ]
    return top


def _short(file: str) -> str:
    """`fwfulfill/tracking/identify.py`, `json/encoder.py`"""
    parts = Path(file).parts
    stdlib = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for anchor in ("fwfulfill", "site-packages", stdlib):
        if anchor in parts[:-1]:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[index if anchor == "fwfulfill" else index + 1 :])
    return file


def _summary(stdout_path: Path) -> dict[str, Any]:
    """The JSON document's last field, read from its tail: loading the whole plan here would grow
    this process, and with it the peak memory Linux reports for the next child."""
    with stdout_path.open("rb") as handle:
        handle.seek(max(0, stdout_path.stat().st_size - 4096))
        tail = handle.read().decode("utf-8")
    # Fields may follow it (`multiBox`): decode the one object that starts there.
    found, _ = json.JSONDecoder().raw_decode(tail, tail.rindex('"summary":') + 10)
    return dict(found)


def measure(shape: str, rows: int, repeat: int, env: dict[str, str]) -> dict[str, Any]:
    """`repeat` runs of fwfulfill and of the bare reader on one file, alternating (shuffled)."""
    path, facts = csv_file(rows, shape)
    stdout_path = OUT_DIR / "bench_csv_offline.stdout.json"
    run_bare(path), run_cli(path, env, stdout_path)  # warm the page cache and the .pyc files
    rng = random.Random(0)
    cli: list[ChildRun] = []
    bare: list[ChildRun] = []
    for _ in range(repeat):
        order = ["cli", "bare"]
        rng.shuffle(order)
        for which in order:
            if which == "cli":
                cli.append(run_cli(path, env, stdout_path))
            else:
                bare.append(run_bare(path))
    summary = _summary(stdout_path)
    cli_wall = Spread.of([run.wall for run in cli])
    cli_rss = Spread.of([run.max_rss_mb for run in cli])
    bare_rss = Spread.of([run.max_rss_mb for run in bare])
    goal_seconds = GOAL_SECONDS_PER_100K * rows / 100_000
    return {
        "shape": shape,
        "path": path,
        "file": facts,
        "repeat": repeat,
        "goals": {"seconds": goal_seconds, "peak_mb": GOAL_PEAK_MB, "ratio": GOAL_RATIO},
        "goals_met": {
            "time": cli_wall.median <= goal_seconds,
            "memory": cli_rss.maximum <= GOAL_PEAK_MB,
        },
        "fwfulfill": {
            "wall_seconds": cli_wall.as_dict(),
            "rows_per_second": rows / cli_wall.median,
            "peak_rss_mb": cli_rss.as_dict(),
            # Above the bare reader's peak (the interpreter and the file's buffers), per box.
            "kb_per_fulfillment": (cli_rss.median - bare_rss.median)
            * 1024
            / max(facts["fulfillments"], 1),
        },
        "bare_csv_reader": {
            "wall_seconds": Spread.of([run.wall for run in bare]).as_dict(),
            "peak_rss_mb": bare_rss.as_dict(),
        },
        "ratio_to_bare": Spread.of(
            [c.wall / b.wall for c, b in zip(cli, bare, strict=True)]
        ).as_dict(),
        "summary": summary,
    }


def print_cases(cases: list[dict[str, Any]]) -> None:
    header = ["shape", "rows", "orders", "boxes", "median wall (IQR)", "peak RSS", "KB/box"]
    table = [[*header, "csv.reader", "ratio (IQR)"]]
    for case in cases:
        facts, cli, bare = case["file"], case["fwfulfill"], case["bare_csv_reader"]
        wall, ratio = cli["wall_seconds"], case["ratio_to_bare"]
        table.append(
            [
                case["shape"],
                f"{facts['rows']:,}",
                f"{facts['orders']:,}",
                f"{facts['fulfillments']:,}",
                f"{wall['median']:.2f} s ({wall['q1']:.2f}-{wall['q3']:.2f})",
                f"{cli['peak_rss_mb']['median']:.0f} MB (max {cli['peak_rss_mb']['max']:.0f})",
                f"{cli['kb_per_fulfillment']:.2f}",
                f"{bare['wall_seconds']['median']:.3f} s, {bare['peak_rss_mb']['median']:.0f} MB",
                f"{ratio['median']:.1f}x ({ratio['q1']:.1f}-{ratio['q3']:.1f})",
            ]
        )
    print_table(table)


def print_hotspots(hotspots: dict[str, list[dict[str, Any]]]) -> None:
    titles = {
        "cumulative": "cumulative time (one run, profiler overhead included; typer, click and "
        "import frames left out)",
        "own": "own time",
    }
    for ranking, title in titles.items():
        # The ranking's own figure first, then the other one.
        first, second = ("cumulative", "own") if ranking == "cumulative" else ("own", "cumulative")
        print(f"\ncProfile, top {TOP} by {title}:")
        print_table(
            [[f"{first} s", f"{second} s", "calls", "function"]]
            + [
                [
                    f"{h[f'{first}_seconds']:.2f}",
                    f"{h[f'{second}_seconds']:.2f}",
                    str(h["calls"]),
                    h["function"],
                ]
                for h in hotspots[ranking][:TOP]
            ]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, nargs="+", default=[100_000], help="rows in the file (100000)"
    )
    parser.add_argument(
        "--shape",
        choices=("a", "b"),
        nargs="+",
        default=["a", "b"],
        help="a: the synthetic file (few orders, 1-3 rows a box); b: 75 %% of rows a new order",
    )
    parser.add_argument(
        "--scaling", action="store_true", help="rows 10000 50000 100000 (memory per fulfillment)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    args = parser.parse_args()
    sizes = [10_000, 50_000, 100_000] if args.scaling else args.rows

    env = isolated_env(OUT_DIR / "cli-home")  # state and config of the offline runs (none written)
    cases = [
        measure(shape, rows, args.repeat, env) for shape in args.shape for rows in sorted(sizes)
    ]
    print(f"{args.repeat} runs of each, alternating with a bare csv.reader pass over the same file")
    print_cases(cases)
    for case in cases:
        if case["file"]["rows"] != 100_000:
            continue  # the goals are for 100,000 rows (start-up alone is 0.4 s)
        met = case["goals_met"]
        ratio_met = case["ratio_to_bare"]["median"] <= GOAL_RATIO
        print(
            f"shape {case['shape']}, {case['file']['rows']:,} rows: planned "
            f"{case['summary']['byStatus']}, errors {case['summary']['errors']}; goal <= "
            f"{case['goals']['seconds']:.1f} s {'met' if met['time'] else 'MISSED'}, <= "
            f"{GOAL_PEAK_MB:.0f} MB {'met' if met['memory'] else 'MISSED'}, ratio <= "
            f"{GOAL_RATIO:.0f}x {'met' if ratio_met else 'MISSED'}"
        )

    hotspots: dict[str, Any] = {}
    if not args.no_profile:
        for case in cases:
            if case["file"]["rows"] == max(sizes):
                print(f"\nshape {case['shape']}, {case['file']['rows']:,} rows")
                hotspots[case["shape"]] = profile(case["path"], env)
                print_hotspots(hotspots[case["shape"]])

    for case in cases:
        case["path"] = case["path"].name
    result_path = write_results(
        "bench_csv_offline_scaling" if args.scaling else "bench_csv_offline",
        {"cases": cases, "hotspots": hotspots},
    )
    print(f"wrote {result_path}")


if __name__ == "__main__":
    main()
