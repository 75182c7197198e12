"""Rules the test suite keeps to, so that it stays green in parallel (`pytest -n auto`), on a slow
machine, and honest about what it did not check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ENV_REQUIRE_SPEC, ENV_SPEC

ROOT = Path(__file__).resolve().parents[1]
# A sleep of a fixed number of seconds is a guess at how long something takes, wrong on a loaded
# machine. A poll loop's short pause between two looks at a condition is no guess.
FIXED_SLEEP = re.compile(r"\bsleep\(\s*(\d*\.?\d+)\s*\)")
LONGEST_POLL_PAUSE = 0.05


def test_no_test_waits_with_a_fixed_sleep() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for seconds in FIXED_SLEEP.findall(line)
        if float(seconds) > LONGEST_POLL_PAUSE
    ]
    assert offenders == [], "wait on a condition instead (tests.conftest.wait_until)"


def _spec_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """One spec test, run by a nested pytest with the spec file absent."""
    environment = {k: v for k, v in os.environ.items() if k != ENV_REQUIRE_SPEC}
    environment.update({ENV_SPEC: str(tmp_path / "absent.yaml"), **env})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "tests/sandbox/test_sandbox_endpoints.py::"
            "test_the_validator_rejects_a_body_that_breaks_the_schema",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_a_missing_openapi_spec_is_named_in_the_summary_line_and_fails_when_required(
    tmp_path: Path,
) -> None:
    local = _spec_test(tmp_path)
    assert local.returncode == 0, local.stdout + local.stderr
    summary = local.stdout.strip().splitlines()[-1]
    assert "1 skipped without the OpenAPI spec" in summary, local.stdout
    assert f"spec is not at {tmp_path / 'absent.yaml'}" in local.stdout

    ci = _spec_test(tmp_path, **{ENV_REQUIRE_SPEC: "1"})
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "1 error" in ci.stdout.strip().splitlines()[-1], ci.stdout
    assert f"{ENV_REQUIRE_SPEC}=1 requires it" in ci.stdout
