"""Per-user directories by the operating system's conventions, with environment overrides."""

from __future__ import annotations

import os
import time
from pathlib import Path

from fwfulfill.constants import APP_NAME, ENV_CONFIG_DIR, ENV_STATE_DIR


def config_dir() -> Path:
    """Where the config file lives (`~/.config/fwfulfill`, `~/Library/Application
    Support/fwfulfill`, `%APPDATA%\\fwfulfill`), unless FWFULFILL_CONFIG_DIR says otherwise."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))


def state_dir() -> Path:
    """Where the ledger and the sandbox's state live, unless FWFULFILL_STATE_DIR says otherwise."""
    override = os.environ.get(ENV_STATE_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user only, where the OS has such modes."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def replace_file(source: Path, target: Path, attempts: int = 5) -> None:
    """`os.replace`, retried briefly: on Windows it fails while another process has the target
    open (an editor, a virus scanner)."""
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
