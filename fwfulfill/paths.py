"""Per-user directories by the operating system's conventions, with environment overrides."""

from __future__ import annotations

import errno
import os
import sys
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
    """Create `path` (and the parents it lacks) readable by the user only, where the OS has such
    modes: 0700 exactly, whatever the umask (`mkdir(parents=True)` would give the parents 0777 under
    `umask 000`). Folders that already exist keep their mode."""
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process: its mode is that process's choice
        if sys.platform != "win32":
            os.chmod(folder, 0o700)
    if not path.is_dir():
        path.mkdir()  # raises what is in the way (a file, a dangling symlink)
    return path


def ensure_private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 if nothing is there (SQLite would make it 0644 & ~umask;
    its -wal and -shm files take the database file's mode)."""
    if sys.platform == "win32":
        return path
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return path  # there already, or not creatable: SQLite says what is wrong when it opens it
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)
    return path


def usable_state_dir(path: Path) -> Path:
    """`ensure_private_dir`, failing with the path that is in the way and the fix (a file where the
    directory belongs, a directory that cannot be written), never with a bare OSError."""
    from fwfulfill.errors import FwfulfillError

    try:
        ensure_private_dir(path)
    except OSError as error:
        blocker = _first_non_directory(path)
        if blocker is not None:
            problem, path = "is not a directory (a file is in its place)", blocker
        elif isinstance(error, PermissionError) or error.errno == errno.EROFS:
            problem = "cannot be written by you"
        else:
            problem = f"cannot be created ({error.strerror or error})"
        raise FwfulfillError(
            "state_dir_unusable", fields={"problem": problem}, target=str(path)
        ) from None
    if not os.access(path, os.W_OK):
        raise FwfulfillError(
            "state_dir_unusable", fields={"problem": "cannot be written by you"}, target=str(path)
        )
    return path


def _first_non_directory(path: Path) -> Path | None:
    """The nearest of `path` and its parents that exists but is not a directory."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


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
