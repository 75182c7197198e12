"""API base URLs: what fwfulfill accepts, and what counts as this machine."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from fwfulfill.errors import InputError


def validate_api_url(url: str, argument: str) -> str:
    """An https URL, or plain http to this machine only (a sandbox); anything else is refused."""
    parts = urlsplit(url.strip())
    if parts.username is not None or parts.password is not None:
        raise InputError(
            "invalid_api_url",
            "the API URL must not carry a username or password; use `fwfulfill auth login`.",
            target=argument,
        )
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(
            "invalid_api_url",
            f"{url!r} is not an http(s) URL; use something like https://api.fourthwall.com.",
            target=argument,
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            "invalid_api_url",
            f"plain http is only allowed to this machine (localhost), not {parts.hostname}; "
            "use https.",
            target=argument,
        )
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
