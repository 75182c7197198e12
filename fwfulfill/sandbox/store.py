"""The in-process sandbox behind `--sandbox`: its state lives in a JSON file (itself a valid seed
file) so each command sees what the last one did. Writes are atomic (`write_atomically`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fwfulfill.atomic_file import write_atomically
from fwfulfill.paths import ensure_private_dir
from fwfulfill.sandbox.app import SandboxApp
from fwfulfill.sandbox.demo import demo_seed
from fwfulfill.sandbox.seed import SeedError, load_seed, parse_seed
from fwfulfill.sandbox.settings import SandboxSettings
from fwfulfill.sandbox.state import Credentials, SandboxState


def open_sandbox(
    state_path: Path, settings: SandboxSettings | None = None
) -> tuple[SandboxApp, Credentials]:
    """The app over the saved state (the demo shop on first use), saving after every change."""
    state = load_state(state_path)
    app = SandboxApp(state, settings, on_change=lambda changed: save_state(state_path, changed))
    return app, state.credentials


def reset_sandbox(state_path: Path, seed_path: Path | None = None) -> SandboxState:
    """Start over from a seed file, or from the demo shop. A bad seed leaves the old state alone."""
    seed = load_seed(seed_path) if seed_path else parse_seed(demo_seed(), source="demo seed")
    state = SandboxState.from_seed(seed)
    save_state(state_path, state)
    return state


def read_snapshot(state_path: Path) -> dict[str, Any]:
    """The orders and fulfillments `fwfulfill sandbox show` prints."""
    return load_state(state_path).snapshot()


def load_state(state_path: Path) -> SandboxState:
    """The saved state, created from the demo shop if there is none yet; SeedError if damaged."""
    try:
        text = state_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return reset_sandbox(state_path)
    except OSError as exc:
        raise SeedError(f"{state_path}: cannot read it: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedError(
            f"{state_path}: not valid JSON ({exc}); `fwfulfill sandbox reset` starts over"
        ) from None
    return SandboxState.from_dict(data, source=str(state_path))


def save_state(state_path: Path, state: SandboxState) -> None:
    ensure_private_dir(state_path.parent)
    write_atomically(state_path, json.dumps(state.to_dict(), indent=1, ensure_ascii=False))
