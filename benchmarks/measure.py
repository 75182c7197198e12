"""What every benchmark here shares: timing a child process (wall time and its own peak memory),
medians with their spread, the environment that points the CLI at a shop, and the JSON results.

The machine is small and noisy, so each benchmark times its subject against a baseline in the same
run, alternating the two, and reports medians, quartiles and the ratio.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PYTHON = sys.executable
# The console script beside the interpreter: what a user runs, started the way a user starts it.
FWFULFILL = str(Path(sys.executable).parent / "fwfulfill")

# Users have bytecode caches; this machine's PYTHONDONTWRITEBYTECODE=1 would make every child
# compile fwfulfill from source. Children write theirs here instead (git-ignored, ours).
PYCACHE = OUT_DIR / "pycache"

SANDBOX_USERNAME = "sandbox-api-user"
SANDBOX_PASSWORD = "sandbox-password"  # the sandbox's published demo password


@dataclass(frozen=True)
class ChildRun:
    wall: float  # seconds from spawn to exit
    max_rss_mb: float  # the child's own peak resident memory
    returncode: int


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | int = subprocess.DEVNULL,
    stderr: TextIO | int = subprocess.DEVNULL,
) -> ChildRun:
    """Run one process; `os.wait4` gives the rusage of this child alone (RUSAGE_CHILDREN would
    report the largest child so far)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=dict(env) if env is not None else None, stdout=stdout, stderr=stderr
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(wall, usage.ru_maxrss / 1024, process.returncode)


def child_env(*, bytecode_cache: bool = True, **extra: str) -> dict[str, str]:
    """The caller's environment for a child, with a bytecode cache (see PYCACHE) unless told not."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    if bytecode_cache:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def isolated_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without fwfulfill's own variables, with throwaway state and config
    directories (so no ledger of an earlier run skips anything) and no keyring."""
    env = {
        name: value
        for name, value in child_env().items()
        if not name.startswith(("FWFULFILL_", "FOURTHWALL_"))
    }
    env.update(
        FWFULFILL_STATE_DIR=str(tmp / "state"),
        FWFULFILL_CONFIG_DIR=str(tmp / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def shop_env(tmp: Path, api_url: str) -> dict[str, str]:
    """`isolated_env` pointed at a sandbox shop with its credentials."""
    return isolated_env(
        tmp,
        FWFULFILL_API_URL=api_url,
        FOURTHWALL_API_USERNAME=SANDBOX_USERNAME,
        FOURTHWALL_API_PASSWORD=SANDBOX_PASSWORD,
    )


@dataclass(frozen=True)
class Spread:
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if len(values) == 1:
            only = values[0]
            return cls(only, only, only, only, only, 1)
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        return cls(statistics.median(values), q1, q3, min(values), max(values), len(values))

    def as_dict(self) -> dict[str, float]:
        return {
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": self.minimum,
            "max": self.maximum,
            "n": self.n,
        }

    def ms(self) -> str:
        """`123.4 ms (IQR 120.1-125.0)`"""
        return f"{self.median * 1000:.1f} ms (IQR {self.q1 * 1000:.1f}-{self.q3 * 1000:.1f})"

    def seconds(self) -> str:
        return f"{self.median:.2f} s (IQR {self.q1:.2f}-{self.q3:.2f})"


def machine_note() -> dict[str, Any]:
    def git(*args: str) -> str:
        found = subprocess.run(
            ["git", "-C", str(BENCH_DIR.parent), *args], capture_output=True, text=True, check=False
        )
        return found.stdout

    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_head": git("rev-parse", "--short", "HEAD").strip(),
        # The numbers are of the working tree, which may hold changes not yet committed.
        "uncommitted_product_changes": git("status", "--porcelain", "--", "fwfulfill").splitlines(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def write_results(name: str, results: Mapping[str, Any]) -> Path:
    """benchmarks/out/<name>.json, with the date and the machine."""
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    document = {"benchmark": name, "machine": machine_note(), **results}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """A plain aligned table, first row the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            print("  ".join("-" * width for width in widths))
