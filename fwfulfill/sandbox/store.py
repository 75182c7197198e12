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
from fwfulfill.sandbox.seed import SeedError, load_seed, parse_seed, read_json
from fwfulfill.sandbox.settings import SandboxSettings
from fwfulfill.sandbox.state import Credentials, SandboxState

DAMAGED = "the sandbox's saved state is damaged"
RESET = "`fwfulfill sandbox reset` starts over"
MOVE_AWAY = "move it away first (reset leaves it alone)"


class SandboxStateError(SeedError):
    """The saved state file is damaged or not a file. The message names the file, what is wrong and
    the way out; `problem` leaves out the usual way out (reset), which the CLI's hint gives."""

    def __init__(self, problem: str, fix: str = RESET) -> None:
        message = f"{problem}; {fix}"
        self.problem = problem if fix == RESET else message
        super().__init__(message)


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
    _clear_empty_directory(state_path)
    save_state(state_path, state)
    return state


def read_snapshot(state_path: Path) -> dict[str, Any]:
    """The orders and fulfillments `fwfulfill sandbox show` prints."""
    return load_state(state_path).snapshot()


def load_state(state_path: Path) -> SandboxState:
    """The saved state, created from the demo shop if there is none yet; SandboxStateError, naming
    the file, if it is damaged or not a file."""
    _check_is_a_file(state_path)
    try:
        text = state_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return reset_sandbox(state_path)
    except OSError as exc:
        raise SandboxStateError(f"{state_path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SandboxStateError(f"{state_path}: not UTF-8 text: {DAMAGED}") from None
    try:
        return SandboxState.from_dict(
            read_json(text, source=str(state_path)), source=str(state_path)
        )
    except SeedError as exc:
        raise SandboxStateError(f"{exc}: {DAMAGED}") from None


def _check_is_a_file(state_path: Path) -> None:
    if state_path.is_dir():
        raise SandboxStateError(f"{state_path}: is a directory, not the sandbox's state file")
    if state_path.exists() and not state_path.is_file():
        raise SandboxStateError(f"{state_path}: is not a regular file", fix=MOVE_AWAY)


def _clear_empty_directory(state_path: Path) -> None:
    """`reset` over a state path that is an empty directory takes its place; a directory with
    anything in it, or any other special file, is left alone and refused."""
    if state_path.is_dir():
        try:
            state_path.rmdir()
        except OSError:
            raise SandboxStateError(
                f"{state_path}: is a directory with files in it, not the sandbox's state file",
                fix=MOVE_AWAY,
            ) from None
    _check_is_a_file(state_path)


def save_state(state_path: Path, state: SandboxState) -> None:
    ensure_private_dir(state_path.parent)
    write_atomically(state_path, json.dumps(state.to_dict(), indent=1, ensure_ascii=False))
