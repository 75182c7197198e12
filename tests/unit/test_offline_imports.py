"""An offline dry run never sends, so it does not pay for importing the HTTP stack (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Runs the console script's entry point in a fresh interpreter and reports, at exit, whether
# httpx was ever imported.
_PROBE = """
import atexit, sys
atexit.register(lambda: print("HTTPX_IMPORTED=" + str("httpx" in sys.modules), file=sys.stderr))
sys.argv = ["fwfulfill", *sys.argv[1:]]
from fwfulfill.cli.entry import main
main()
"""


def test_offline_dry_run_does_not_import_httpx(tmp_path: Path) -> None:
    source = sorted(EXAMPLES.glob("*.csv"))[0]
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FWFULFILL_", "FOURTHWALL_"))
    }
    env.update(
        FWFULFILL_STATE_DIR=str(tmp_path / "state"),
        FWFULFILL_CONFIG_DIR=str(tmp_path / "config"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    command = ["from-csv", str(source), "--dry-run", "--offline", "-o", "json"]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *command],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), (dict, list))  # the run did plan the file
    assert "HTTPX_IMPORTED=False" in done.stderr


def test_the_client_still_imports_httpx_when_it_sends() -> None:
    probe = (
        "import sys\n"
        "from fwfulfill.api.client import ApiClient\n"
        "from fwfulfill.auth.credentials import Credentials\n"
        "assert 'httpx' not in sys.modules\n"
        "ApiClient('http://127.0.0.1:9', Credentials('u', 'p')).close()\n"
        "assert 'httpx' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
