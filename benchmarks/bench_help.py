"""CLI start-up: `fwfulfill --help`, `--version` and one TAB of bash completion, each against the
same thing done by the smallest Typer app (minimal_typer_app.py) with the same interpreter.

Every round runs all cases once, in a shuffled order, after a few warm-up rounds; the ratio is
taken per round (fwfulfill / minimal) and its median reported. Goals: `--help` at most 1.25x the
minimal app; one TAB of completion at most 120 ms (median).

    python benchmarks/bench_help.py [--repeat 30] [--warmup 3]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from measure import (
    BENCH_DIR,
    FWFULFILL,
    PYTHON,
    Spread,
    child_env,
    print_table,
    run_child,
    write_results,
)

GOAL_HELP_RATIO = 1.25
GOAL_TAB_SECONDS = 0.120
MINIMAL = str(BENCH_DIR / "minimal_typer_app.py")


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    env: dict[str, str]
    expect: str  # text the output must hold, so an error path is never what gets timed


def cases(bytecode_cache: bool) -> list[Case]:
    plain = child_env(bytecode_cache=bytecode_cache)

    def _completion_env(variable: str, words: str) -> dict[str, str]:
        return {**plain, variable: "complete_bash", "COMP_WORDS": words, "COMP_CWORD": "1"}

    return [
        Case("python -c pass", (PYTHON, "-c", "pass"), plain, ""),
        Case("minimal --help", (PYTHON, MINIMAL, "--help"), plain, "Usage"),
        Case("fwfulfill --help", (PYTHON, FWFULFILL, "--help"), plain, "Usage"),
        Case("minimal --version", (PYTHON, MINIMAL, "--version"), plain, "minimal-app"),
        Case("fwfulfill --version", (PYTHON, FWFULFILL, "--version"), plain, "fwfulfill"),
        Case(
            "minimal completion",
            (PYTHON, MINIMAL),
            _completion_env("_MINIMAL_APP_COMPLETE", "minimal-app --"),
            "--name",
        ),
        Case(
            "fwfulfill completion",
            (PYTHON, FWFULFILL),
            _completion_env("_FWFULFILL_COMPLETE", "fwfulfill cr"),
            "create",
        ),
    ]


# (fwfulfill case, its baseline) for the ratios.
PAIRS = (
    ("fwfulfill --help", "minimal --help"),
    ("fwfulfill --version", "minimal --version"),
    ("fwfulfill completion", "minimal completion"),
)


def check(case: Case) -> None:
    result = subprocess.run(case.argv, env=case.env, capture_output=True, text=True, check=False)
    if result.returncode != 0 or case.expect not in result.stdout:
        sys.exit(f"{case.name}: unexpected result (exit {result.returncode}):\n{result.stderr}")


def measure(all_cases: Sequence[Case], repeat: int, warmup: int) -> dict[str, list[float]]:
    rng = random.Random(0)
    times: dict[str, list[float]] = {case.name: [] for case in all_cases}
    for round_number in range(warmup + repeat):
        order = list(all_cases)
        rng.shuffle(order)
        for case in order:
            run = run_child(case.argv, env=case.env)
            if round_number >= warmup:
                times[case.name].append(run.wall)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module at every start (PYTHONDONTWRITEBYTECODE=1), as in a read-only "
        "or cache-less install",
    )
    args = parser.parse_args()

    all_cases = cases(bytecode_cache=not args.no_bytecode_cache)
    for case in all_cases:
        check(case)
    times = measure(all_cases, args.repeat, args.warmup)
    spreads = {name: Spread.of(values) for name, values in times.items()}
    ratios = {
        ours: Spread.of([a / b for a, b in zip(times[ours], times[base], strict=True)])
        for ours, base in PAIRS
    }

    rows = [["case", "median wall", "ratio to minimal (median per round, IQR)"]]
    for name, spread in spreads.items():
        ratio = ratios.get(name)
        shown = f"{ratio.median:.2f}x ({ratio.q1:.2f}-{ratio.q3:.2f})" if ratio else ""
        rows.append([name, spread.ms(), shown])
    cache = "without" if args.no_bytecode_cache else "with"
    print(
        f"{args.repeat} rounds after {args.warmup} warm-up rounds, cases shuffled per round, "
        f"{cache} a bytecode cache"
    )
    print_table(rows)
    help_ratio = ratios["fwfulfill --help"].median
    verdict = "meets" if help_ratio <= GOAL_HELP_RATIO else "MISSES"
    print(f"--help ratio {help_ratio:.2f}x {verdict} the goal of <= {GOAL_HELP_RATIO}x")
    tab = spreads["fwfulfill completion"].median
    tab_verdict = "meets" if tab <= GOAL_TAB_SECONDS else "MISSES"
    goal_ms = GOAL_TAB_SECONDS * 1000
    print(f"one TAB {tab * 1000:.1f} ms {tab_verdict} the goal of <= {goal_ms:.0f} ms")

    path = write_results(
        "bench_help" + ("_no_bytecode_cache" if args.no_bytecode_cache else ""),
        {
            "repeat": args.repeat,
            "warmup": args.warmup,
            "bytecode_cache": not args.no_bytecode_cache,
            "goal_help_ratio": GOAL_HELP_RATIO,
            "help_ratio_meets_goal": help_ratio <= GOAL_HELP_RATIO,
            "goal_tab_seconds": GOAL_TAB_SECONDS,
            "tab_meets_goal": tab <= GOAL_TAB_SECONDS,
            "wall_seconds": {name: spread.as_dict() for name, spread in spreads.items()},
            "ratios": {name: spread.as_dict() for name, spread in ratios.items()},
            "raw_seconds": times,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
