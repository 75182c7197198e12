"""Planning a large tracking CSV with no API: `fwfulfill from-csv FILE --dry-run --offline -o json`
on a generated shape A file (synthetic_csv.py), against a bare `csv.reader` pass over the same file
in its own Python process, alternating the two.

Reports wall time, rows per second and the child's peak memory (max RSS); then profiles one run with
cProfile and lists the top functions by cumulative and by own time. Goals for 100,000 rows: under
4 s, under 200 MB.

    python benchmarks/bench_csv_offline.py [--rows 100000] [--repeat 5] [--no-profile]
"""

from __future__ import annotations

import argparse
import json
import pstats
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import synthetic_csv
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

GOAL_SECONDS_PER_100K = 4.0
GOAL_PEAK_MB = 200.0
TOP = 10

BARE_READER = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as handle:\n"
    "    rows = sum(1 for _ in csv.reader(handle))\n"
)


def csv_file(rows: int) -> tuple[Path, dict[str, int]]:
    """The generated file, made once per size (it is deterministic)."""
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"shape_a_{rows}.csv"
    facts_path = path.with_suffix(".facts.json")
    if not (path.exists() and facts_path.exists()):
        synthetic_csv.self_check()
        facts_path.write_text(json.dumps(synthetic_csv.write(path, rows)), encoding="utf-8")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the file (100000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    args = parser.parse_args()

    path, facts = csv_file(args.rows)
    tmp = OUT_DIR / "cli-home"  # state and config of the offline runs (they write none)
    env = isolated_env(tmp)
    stdout_path = OUT_DIR / "bench_csv_offline.stdout.json"
    run_bare(path), run_cli(path, env, stdout_path)  # warm the page cache and the .pyc files

    rng = random.Random(0)
    cli: list[ChildRun] = []
    bare: list[ChildRun] = []
    for _ in range(args.repeat):
        order = ["cli", "bare"]
        rng.shuffle(order)
        for which in order:
            if which == "cli":
                cli.append(run_cli(path, env, stdout_path))
            else:
                bare.append(run_bare(path))
    summary = json.loads(stdout_path.read_text(encoding="utf-8"))["summary"]

    cli_wall = Spread.of([run.wall for run in cli])
    bare_wall = Spread.of([run.wall for run in bare])
    ratio = Spread.of([c.wall / b.wall for c, b in zip(cli, bare, strict=True)])
    cli_rss = Spread.of([run.max_rss_mb for run in cli])
    bare_rss = Spread.of([run.max_rss_mb for run in bare])
    rows_per_second = args.rows / cli_wall.median
    goal_seconds = GOAL_SECONDS_PER_100K * args.rows / 100_000

    print(
        f"{path.name}: {facts['rows']} rows, {facts['orders']} orders, "
        f"{facts['fulfillments']} fulfillments; {args.repeat} runs of each, alternating"
    )
    print_table(
        [
            ["run", "median wall (IQR)", "rows/s", "peak RSS (median, max)"],
            [
                "fwfulfill --offline",
                cli_wall.seconds(),
                f"{rows_per_second:,.0f}",
                f"{cli_rss.median:.0f} MB, {cli_rss.maximum:.0f} MB",
            ],
            [
                "bare csv.reader",
                bare_wall.seconds(),
                f"{args.rows / bare_wall.median:,.0f}",
                f"{bare_rss.median:.0f} MB, {bare_rss.maximum:.0f} MB",
            ],
        ]
    )
    print(f"ratio fwfulfill / csv.reader: {ratio.median:.1f}x (IQR {ratio.q1:.1f}-{ratio.q3:.1f})")
    print(
        f"planned: {summary['byStatus']}, errors {summary['errors']}, "
        f"warnings {summary['warnings']}"
    )
    time_ok = cli_wall.median <= goal_seconds
    memory_ok = cli_rss.maximum <= GOAL_PEAK_MB
    print(
        f"goal time <= {goal_seconds:.1f} s: {'met' if time_ok else 'MISSED'}; "
        f"goal peak <= {GOAL_PEAK_MB:.0f} MB: {'met' if memory_ok else 'MISSED'}"
    )

    hotspots = {} if args.no_profile else profile(path, env)
    if hotspots:
        print(
            f"\ncProfile, top {TOP} by cumulative time (one run, profiler overhead included; "
            "typer, click and import frames left out):"
        )
        print_table(
            [["cumulative s", "own s", "calls", "function"]]
            + [
                [
                    f"{h['cumulative_seconds']:.2f}",
                    f"{h['own_seconds']:.2f}",
                    str(h["calls"]),
                    h["function"],
                ]
                for h in hotspots["cumulative"][:TOP]
            ]
        )
        print(f"\ncProfile, top {TOP} by own time:")
        print_table(
            [["own s", "cumulative s", "calls", "function"]]
            + [
                [
                    f"{h['own_seconds']:.2f}",
                    f"{h['cumulative_seconds']:.2f}",
                    str(h["calls"]),
                    h["function"],
                ]
                for h in hotspots["own"][:TOP]
            ]
        )

    result_path = write_results(
        "bench_csv_offline",
        {
            "file": facts,
            "repeat": args.repeat,
            "goals": {"seconds": goal_seconds, "peak_mb": GOAL_PEAK_MB},
            "goals_met": {"time": time_ok, "memory": memory_ok},
            "fwfulfill": {
                "wall_seconds": cli_wall.as_dict(),
                "rows_per_second": rows_per_second,
                "peak_rss_mb": cli_rss.as_dict(),
            },
            "bare_csv_reader": {
                "wall_seconds": bare_wall.as_dict(),
                "peak_rss_mb": bare_rss.as_dict(),
            },
            "ratio_to_bare": ratio.as_dict(),
            "summary": summary,
            "hotspots": hotspots,
        },
    )
    print(f"wrote {result_path}")


if __name__ == "__main__":
    main()
