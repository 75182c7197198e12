"""The built-in sandbox as `--sandbox` uses it: in process, its state in the user's state directory.

This is the only place the product reaches into `fwfulfill.sandbox`, and only to run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fwfulfill.auth.credentials import Credentials, CredentialSource
from fwfulfill.paths import state_dir

if TYPE_CHECKING:
    from fwfulfill.api.client import Transport


def sandbox_state_path() -> Path:
    return state_dir() / "sandbox" / "state.json"


def sandbox_connection() -> tuple[Transport, Credentials, str]:
    """An in-process transport over the saved sandbox shop, the credentials it accepts, and the
    base URL to give a client on it."""
    from fwfulfill.errors import InputError
    from fwfulfill.sandbox.store import SandboxStateError, open_sandbox
    from fwfulfill.sandbox.transport import IN_PROCESS_BASE_URL, InProcessTransport

    try:
        app, accepted = open_sandbox(sandbox_state_path())
    except SandboxStateError as exc:  # the catalogue's hint says how to start over
        raise InputError("invalid_seed", exc.problem) from None
    credentials = Credentials(accepted.username, accepted.password, source=CredentialSource.SANDBOX)
    return InProcessTransport(app), credentials, IN_PROCESS_BASE_URL
