#!/usr/bin/env bash
# The whole test suite on a fresh machine: a virtual environment with fwfulfill and its dev tools, every
# test, then the real-keyring tests inside a private D-Bus session with a throwaway gnome-keyring.
# Without gnome-keyring and dbus installed those are skipped with a notice, unless
# FWFULFILL_REQUIRE_REAL_KEYRING=1 (CI sets it), which makes their absence a failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
# Test on the newest typer the range allows (typer is not pinned): what `pip install fwfulfill` gets.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade typer

# Everything but the real-keyring tests (pytest exits non-zero when it collects nothing), one worker
# per core (2 cores here, quiet: 165-169 s against 225 s in one process; -n 4: 138 s).
# `bash tests/run.sh -n 0` runs them in one process.
.venv/bin/python -m pytest -m "not keyring_real" -n auto "$@"

if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
    dbus-run-session -- bash tests/keyring_session.sh
elif [ "${FWFULFILL_REQUIRE_REAL_KEYRING:-}" = "1" ]; then
    echo "tests/run.sh: the real-keyring tests need gnome-keyring and dbus (apt-get install gnome-keyring dbus)" >&2
    exit 1
else
    echo "tests/run.sh: real-keyring tests skipped: install gnome-keyring and dbus to run them" >&2
fi
