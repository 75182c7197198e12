"""Where credentials are kept, and which one wins: environment > OS keyring > insecure file.

The keyring is reached through `keyring` with a timeout on every call; any backend failure (none
installed, the `null` or `fail` backend, a locked or hung Secret Service) means "no usable keyring",
never a silent fallback. The insecure file is used only when the user chose it at login.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from fwfulfill.atomic_file import PRIVATE_FILE_MODE, write_atomically
from fwfulfill.auth.config import load_config
from fwfulfill.auth.credentials import (
    Credentials,
    CredentialsIncomplete,
    CredentialSource,
    TokenUnusable,
    from_environment,
)
from fwfulfill.constants import ENV_ACCESS_TOKEN, ENV_PASSWORD, ENV_USERNAME, KEYRING_SERVICE
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.paths import config_dir, ensure_private_dir

T = TypeVar("T")
INSECURE_FILE = "credentials-insecure.json"
ENV_KEYRING_TIMEOUT = "FWFULFILL_KEYRING_TIMEOUT"
_DEFAULT_KEYRING_TIMEOUT = 5.0
_UNUSABLE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null")


class KeyringUnavailable(Exception):
    """The OS keyring cannot be used; the message says why (never holds a secret)."""


def _encode(credentials: Credentials) -> str:
    if credentials.is_token:
        return json.dumps({"token": credentials.secret})
    return json.dumps({"username": credentials.username, "password": credentials.secret})


def _decode(raw: str, source: CredentialSource) -> Credentials | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("token"), str):
        return Credentials("", data["token"], is_token=True, source=source)
    if isinstance(data.get("username"), str) and isinstance(data.get("password"), str):
        return Credentials(data["username"], data["password"], source=source)
    return None


class KeyringStore:
    """One keyring entry per profile under the service `fwfulfill`."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout if timeout is not None else _keyring_timeout()

    def backend_name(self) -> str:
        backend = self._call(_get_backend)
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def get(self, profile: str) -> Credentials | None:
        import keyring

        raw = self._call(lambda: keyring.get_password(KEYRING_SERVICE, profile))
        return _decode(raw, CredentialSource.KEYRING) if raw else None

    def set(self, profile: str, credentials: Credentials) -> None:
        import keyring

        secret = _encode(credentials)
        self._call(lambda: keyring.set_password(KEYRING_SERVICE, profile, secret))

    def delete(self, profile: str) -> bool:
        def remove() -> bool:
            import keyring
            import keyring.errors

            try:
                keyring.delete_password(KEYRING_SERVICE, profile)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._call(remove)

    def _call(self, action: Callable[[], T]) -> T:
        """Run one keyring call in a worker thread: a hung backend costs `timeout`, not forever."""
        result: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                _get_backend()  # refuses the null/fail backends before they pretend to work
                result.append(action())
            except BaseException as exc:  # any backend error means "unusable"
                failure.append(exc)

        worker = threading.Thread(target=run, name="keyring-call", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise KeyringUnavailable(f"the keyring did not answer within {self.timeout:.0f}s")
        if failure:
            exc = failure[0]
            if isinstance(exc, KeyringUnavailable):
                raise exc
            raise KeyringUnavailable(f"{type(exc).__name__}: {_first_line(exc)}") from None
        return result[0]


def interactive_keyring_timeout() -> float:
    """For `auth login`: the OS may ask the user to allow access (macOS Keychain's dialog), which
    takes longer than a lookup should (FWFULFILL_KEYRING_TIMEOUT still overrides it)."""
    return _keyring_timeout() if os.environ.get(ENV_KEYRING_TIMEOUT) else 60.0


def _keyring_timeout() -> float:
    from fwfulfill.env_settings import env_seconds

    return env_seconds(os.environ, ENV_KEYRING_TIMEOUT, _DEFAULT_KEYRING_TIMEOUT)


def _get_backend() -> object:
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    if module.startswith(_UNUSABLE_BACKENDS):
        raise KeyringUnavailable(f"the keyring backend is {module} (it cannot store anything)")
    return backend


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no detail"


class InsecureFileStore:
    """A JSON file readable by the user only, for machines without a usable keyring."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or (config_dir() / INSECURE_FILE)

    def get(self, profile: str) -> Credentials | None:
        entry = self._read().get(profile)
        return _decode(json.dumps(entry), CredentialSource.FILE) if entry else None

    def set(self, profile: str, credentials: Credentials) -> None:
        data = self._read()
        data[profile] = json.loads(_encode(credentials))
        self._write(data)

    def profiles(self) -> list[str]:
        """The profiles that have an entry in the file."""
        return sorted(self._read())

    def delete(self, profile: str) -> bool:
        data = self._read()
        if profile not in data:
            return False
        del data[profile]
        if data:
            self._write(data)
        else:
            self.path.unlink(missing_ok=True)
        return True

    def _read(self) -> dict[str, object]:
        """The file's entries; refused (never read as empty) when others may read it or when it is
        not what `auth login --insecure-storage` writes."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:  # a directory, a device, no permission: never a bare traceback
            raise FwfulfillError(
                "insecure_credentials_unreadable",
                fields={"problem": exc.strerror or type(exc).__name__},
                target=str(self.path),
            ) from None
        self._refuse_open_mode()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise self._corrupt("not UTF-8 text") from None  # the error quotes bytes: no secrets
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._corrupt(f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise self._corrupt("not a JSON object of profiles")
        for profile, entry in data.items():
            if _decode(json.dumps(entry), CredentialSource.FILE) is None:
                raise self._corrupt(f"the entry of profile {profile!r} has no token or password")
        return data

    def _refuse_open_mode(self) -> None:
        """As ssh does with a private key: a secret file that others can reach is not used."""
        if sys.platform == "win32":
            return  # no POSIX modes: the file has its folder's permissions
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise FwfulfillError(
                "insecure_credentials_exposed",
                f"{self.path} has mode {mode:04o}: other users can read or change it, so it is "
                f"not used; run `chmod 600 {self.path}`",
            )

    def _corrupt(self, reason: str) -> FwfulfillError:
        return FwfulfillError(
            "insecure_credentials_corrupt",
            f"{self.path} is corrupt ({reason}), so it is not used",
        )

    def _write(self, data: dict[str, object]) -> None:
        ensure_private_dir(self.path.parent)
        # 0600 whatever the replaced file had: the secret is never readable by others, even briefly
        # (the temporary file is created 0600).
        write_atomically(self.path, json.dumps(data), mode=PRIVATE_FILE_MODE)


def environment_credentials(env: Mapping[str, str]) -> Credentials | None:
    try:
        return from_environment(env)
    except CredentialsIncomplete as exc:
        raise FwfulfillError(
            "CREDENTIALS_MISSING", f"{exc}. Set both, or unset both to use the stored login."
        ) from None
    except TokenUnusable as exc:
        raise InputError("invalid_environment", f"{exc}.") from None


def resolve_credentials(profile: str | None, env: Mapping[str, str]) -> Credentials:
    """The credentials a command uses, by the documented precedence."""
    found = environment_credentials(env)
    if found is not None:
        return found
    config = load_config()
    name = config.resolve_name(profile)
    stored = config.profile(name)
    keyring_problem = ""
    if stored is None or stored.storage != "file":
        try:
            found = KeyringStore().get(name)
        except KeyringUnavailable as exc:
            keyring_problem = f" (keyring: {exc})"
    if found is None:
        found = InsecureFileStore().get(name)
    if found is not None:
        return found
    flag = "" if profile is None else f" --profile {name}"
    raise FwfulfillError(
        "CREDENTIALS_MISSING",
        f"no credentials for profile {name!r}{keyring_problem}. Run `fwfulfill auth login{flag}`, "
        f"set {ENV_USERNAME} and {ENV_PASSWORD} (or {ENV_ACCESS_TOKEN}), or try --sandbox.",
    )
