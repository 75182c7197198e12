"""One sending run per shop at a time, across processes.

Fourthwall has no idempotency key and may not refuse a second fulfillment with the same tracking
number, so two runs of one file at once could both send every box. The lock is an OS file lock:
the operating system drops it when the process ends, even by kill -9, so it is never left stale.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fwfulfill.errors import FwfulfillError
from fwfulfill.paths import state_dir, usable_state_dir

_PID_OFFSET = 8


def _holder(descriptor: int) -> str:
    os.lseek(descriptor, _PID_OFFSET, os.SEEK_SET)
    return os.read(descriptor, 16).decode(errors="replace").strip() or "?"


def _open_lock_file(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        problem = (
            "is a directory, not a file"
            if path.is_dir()
            else f"cannot be opened ({error.strerror or error})"
        )
        raise FwfulfillError(
            "state_file_unusable", fields={"problem": problem}, target=str(path)
        ) from None


@contextmanager
def exclusive_run(shop_key: str) -> Iterator[None]:
    """Hold the shop's sending lock, or fail at once naming the process that holds it."""
    locks = usable_state_dir(state_dir() / "locks")
    path = locks / (hashlib.sha256(shop_key.encode()).hexdigest()[:16] + ".lock")
    descriptor = _open_lock_file(path)
    try:
        if not _try_lock(descriptor):
            raise FwfulfillError(
                "shop_busy",
                f"another fwfulfill run (process {_holder(descriptor)}) is sending to this shop "
                "right now.",
            )
        # The holder's pid, after the locked first byte (Windows forbids reading a locked range).
        os.lseek(descriptor, _PID_OFFSET, os.SEEK_SET)
        os.write(descriptor, str(os.getpid()).encode().ljust(16))
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _try_lock(descriptor: int) -> bool:
        os.lseek(descriptor, 0, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(descriptor: int) -> None:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
