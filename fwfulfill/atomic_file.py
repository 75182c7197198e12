"""Writing a file whole or not at all: the one way fwfulfill replaces a file (config, credentials,
sandbox state, reports).

A temporary file with a random name is created beside the target with O_EXCL (a planted file or
symlink is never opened), written, flushed, fsynced, given the target's mode and moved over it; the
directory is then fsynced so the rename survives a power cut. Only regular files are replaced: a
device, a FIFO or a directory at the target is refused, never renamed over. A symlink is followed:
the file it points to is replaced and the link stays a link.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from fwfulfill.errors import FwfulfillError
from fwfulfill.paths import replace_file

PRIVATE_FILE_MODE = 0o600


def resolve_target(path: Path) -> Path:
    """The file a write to `path` lands in: `path` with its symlinks followed, refused unless it is
    a regular file or nothing yet."""
    target = Path(os.path.realpath(path))
    try:
        found = target.stat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise _not_writable(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(found.st_mode):
        raise _not_writable(path, "it is a directory")
    if not stat.S_ISREG(found.st_mode):
        raise _not_writable(path, "it is not a regular file (a device, a pipe or a socket)")
    return target


def check_writable(path: Path) -> None:
    """Fail now, not after the work is done, if `path` could not be replaced: the target's kind,
    then a real temporary file in its directory (os.access is wrong for root and on Windows)."""
    target = resolve_target(path)
    if not target.parent.is_dir():
        raise _not_writable(path, f"the folder {target.parent} does not exist")
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise _not_writable(
            path, f"cannot create a file in {target.parent}: {exc.strerror}"
        ) from None
    os.close(descriptor)
    with contextlib.suppress(OSError):
        os.unlink(name)


def write_atomically(path: Path, data: bytes | str, *, mode: int | None = None) -> Path:
    """Replace `path` with `data` (str is written as UTF-8); see `open_atomically`."""
    with open_atomically(path, mode=mode) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@contextmanager
def open_text_atomically(
    path: Path,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    mode: int | None = None,
    replace: bool = True,
) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` when the block ends without an exception."""
    with open_atomically(path, mode=mode, replace=replace) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline=newline)
        yield text
        text.flush()
        text.detach()  # `raw` stays open for its fsync


@contextmanager
def open_atomically(
    path: Path, *, mode: int | None = None, replace: bool = True
) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces `path` when the block ends without an exception;
    on an exception the target is untouched and the temporary file removed.

    `mode`: the new file's mode. None keeps the mode of the file it replaces, and gives a new file
    0600 (reports hold names and addresses). `replace` False: the file is placed only where
    nothing is, checked as it is placed (`FileExistsError` otherwise, the other file untouched),
    not earlier: a file made at `path` while the content was being produced is never lost."""
    target = resolve_target(path)
    previous = _existing(target)
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            _set_mode(handle.fileno(), mode, previous)
            os.fsync(handle.fileno())
        if replace:
            replace_file(temporary, target)
        else:
            _place_new(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(target.parent)


def _place_new(temporary: Path, target: Path) -> None:
    """Give `temporary` the name `target` only if nothing has it: FileExistsError otherwise. A
    hard link takes the name atomically; where the file system has none (FAT, some network
    shares), an empty file made with O_EXCL takes it and the content is moved over that."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        try:
            replace_file(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                target.unlink()  # the empty file that took the name is ours: not left behind
            raise
        return
    os.unlink(temporary)


def _existing(target: Path) -> os.stat_result | None:
    try:
        return target.stat()
    except FileNotFoundError:
        return None


def _set_mode(descriptor: int, mode: int | None, previous: os.stat_result | None) -> None:
    if sys.platform == "win32":
        return  # Windows files take their folder's permissions
    wanted = mode if mode is not None else PRIVATE_FILE_MODE
    if mode is None and previous is not None:
        wanted = stat.S_IMODE(previous.st_mode)
        # The replaced file's owner too, where allowed (root rewriting a user's report).
        with contextlib.suppress(OSError):
            os.fchown(descriptor, previous.st_uid, previous.st_gid)
    os.fchmod(descriptor, wanted)  # exact: the umask does not apply


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable; Windows cannot open a directory, and some file systems
    refuse to fsync one: both keep the written file, only without that guarantee."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _not_writable(path: Path, reason: str) -> FwfulfillError:
    return FwfulfillError("file_not_writable", f"cannot write {path}: {reason}.")
