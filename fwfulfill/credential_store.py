"""Where credentials are kept, and which one wins: environment > OS keyring > insecure file.

The keyring is reached through `keyring` with a timeout on every call; any backend failure (none
installed, the `null` or `fail` backend, a locked or hung Secret Service) means "no usable keyring",
never a silent fallback. The insecure file is used only when the user chose it at login.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from fwfulfill.config import load_config
from fwfulfill.constants import ENV_ACCESS_TOKEN, ENV_PASSWORD, ENV_USERNAME, KEYRING_SERVICE
from fwfulfill.credentials import (
    Credentials,
    CredentialsIncomplete,
    CredentialSource,
    TokenUnusable,
    from_environment,
)
from fwfulfill.errors import FwfulfillError, InputError
from fwfulfill.paths import config_dir, ensure_private_dir, replace_file

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
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, object]) -> None:
        ensure_private_dir(self.path.parent)
        temporary = self.path.with_suffix(".tmp")
        # Created 0600 from the start (O_EXCL: never reusing a leftover file and its old mode), so
        # the secret is never readable by others, even briefly.
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        replace_file(temporary, self.path)


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
