"""API credentials: what they are, how they become an Authorization header, and where they came
from.

The secret lives only in this object; its repr and str never show it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from fwfulfill.constants import ENV_ACCESS_TOKEN, ENV_PASSWORD, ENV_USERNAME


class CredentialSource(str, Enum):
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    FILE = "file"
    SANDBOX = "sandbox"


@dataclass(frozen=True)
class Credentials:
    """Basic (username + password) or Bearer (token) credentials of one shop."""

    username: str = ""
    secret: str = field(default="", repr=False)  # the password, or the bearer token
    is_token: bool = False
    source: CredentialSource = CredentialSource.ENVIRONMENT

    def __post_init__(self) -> None:
        if self.secret:
            _HELD_SECRETS.update((self.secret, self.authorization().split(" ", 1)[1]))

    def authorization(self) -> str:
        if self.is_token:
            return f"Bearer {self.secret}"
        raw = f"{self.username}:{self.secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    @property
    def masked_username(self) -> str:
        """The start of the username only: enough to tell profiles apart, not to reuse it."""
        if self.is_token:
            return "(access token)"
        keep = min(4, max(1, len(self.username) // 3))
        return self.username[:keep] + "*" * max(3, len(self.username) - keep)

    def __str__(self) -> str:
        return f"Credentials({self.masked_username}, from {self.source.value})"


# Every secret (and its Authorization header value) this process has held, so that the text of an
# unexpected failure can be scrubbed of them before it is shown (cli/failure.py).
_HELD_SECRETS: set[str] = set()


def held_secrets() -> frozenset[str]:
    return frozenset(_HELD_SECRETS)


class CredentialsIncomplete(ValueError):
    """One of the two Basic-auth variables is set without the other."""


class TokenUnusable(ValueError):
    """The access token holds characters a header cannot carry (the message never shows it)."""


def from_environment(env: Mapping[str, str]) -> Credentials | None:
    """Credentials from FOURTHWALL_API_USERNAME/PASSWORD or FOURTHWALL_ACCESS_TOKEN, if set."""
    username = env.get(ENV_USERNAME, "").strip()
    password = env.get(ENV_PASSWORD, "")
    if username or password:
        if not (username and password):
            missing = ENV_PASSWORD if username else ENV_USERNAME
            raise CredentialsIncomplete(f"{missing} is not set (both it and its pair are needed)")
        return Credentials(username, password, source=CredentialSource.ENVIRONMENT)
    token = env.get(ENV_ACCESS_TOKEN, "").strip()
    if token and not all("!" <= char <= "~" for char in token):
        raise TokenUnusable(
            f"{ENV_ACCESS_TOKEN} holds characters no access token has (spaces, accents or control "
            "characters); copy the token again"
        )
    if token:
        return Credentials("", token, is_token=True, source=CredentialSource.ENVIRONMENT)
    return None
