#!/usr/bin/env bash
# Run the real-keyring tests against a throwaway gnome-keyring in the current D-Bus session.
#
#   dbus-run-session -- bash tests/keyring_session.sh [pytest args]
#
# The keyring lives in a temporary directory and is unlocked with a throwaway password, so nothing of
# the user's own keyring is read or written. FWFULFILL_REQUIRE_REAL_KEYRING=1 makes the tests fail,
# not skip, when the Secret Service cannot be reached: CI cannot pass them silently.
# Needs the Debian packages gnome-keyring and dbus.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
    echo "keyring_session.sh: no D-Bus session; run it as: dbus-run-session -- bash $0" >&2
    exit 2
fi
if ! command -v gnome-keyring-daemon >/dev/null; then
    echo "keyring_session.sh: gnome-keyring-daemon not found (apt-get install gnome-keyring dbus)" >&2
    exit 2
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# gnome-keyring keeps its keyrings under XDG_DATA_HOME and its control socket under XDG_RUNTIME_DIR.
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" XDG_CACHE_HOME="$scratch/cache"
mkdir -p -m 700 "$XDG_DATA_HOME/keyrings" "$XDG_RUNTIME_DIR" "$XDG_CACHE_HOME"

# --unlock reads the password from stdin and creates the "login" keyring with it; the daemon prints
# the variables (GNOME_KEYRING_CONTROL, ...) its clients need. It exits with the D-Bus session.
eval "$(printf '%s' throwaway | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL="${GNOME_KEYRING_CONTROL:-}"
echo "keyring_session.sh: gnome-keyring-daemon started (data in $XDG_DATA_HOME)"

export FWFULFILL_REQUIRE_REAL_KEYRING=1
cd "$root"
"$python" -m pytest tests/test_keyring_real.py -m keyring_real -v -rs "$@"
