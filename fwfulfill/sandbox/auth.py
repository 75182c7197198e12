"""Who is asking: Basic auth with the shop's Open API user (full access) or a bearer token with
scopes (API-NOTES "Base, versions, auth")."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from fwfulfill.sandbox.state import Credentials


@dataclass(frozen=True)
class Principal:
    scopes: frozenset[str] | None  # None: the Open API user, who may do everything

    def may(self, scope: str | None) -> bool:
        return scope is None or self.scopes is None or scope in self.scopes


def authenticate(authorization: str | None, credentials: Credentials) -> Principal | None:
    """The principal behind an Authorization header, or None when it is missing or wrong."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() == "basic":
        return _basic(value.strip(), credentials)
    if scheme.lower() == "bearer":
        return _bearer(value.strip(), credentials)
    return None


def _basic(value: str, credentials: Credentials) -> Principal | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, sep, password = decoded.partition(":")
    # Compare both parts, always, in constant time: the sandbox should not teach timing leaks.
    user_ok = hmac.compare_digest(username.encode(), credentials.username.encode())
    password_ok = hmac.compare_digest(password.encode(), credentials.password.encode())
    return Principal(scopes=None) if sep and user_ok and password_ok else None


def _bearer(token: str, credentials: Credentials) -> Principal | None:
    for known, scopes in credentials.tokens.items():
        if token and hmac.compare_digest(token.encode(), known.encode()):
            return Principal(scopes=scopes)
    return None
