"""API base URLs: what fwfulfill accepts, and what counts as this machine."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

from fwfulfill.errors import InputError

# Categories no URL may hold as written: controls, invisible formatting, separators, broken text.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
# A host (a name, or an IPv6 address in brackets) and an optional port of digits.
_HOST_AND_PORT = re.compile(r"(\[[^\[\]]*\]|[^:\[\]]+)(:[0-9]{1,5})?")


def validate_api_url(url: str, argument: str) -> str:
    """An https URL, or plain http to this machine only (a sandbox); anything else is refused.

    `argument` names where the URL came from (`--api-url`, `FWFULFILL_API_URL`, a profile).
    """
    text = url.strip()
    parts = _split(text, argument)
    if parts.username is not None or parts.password is not None:
        raise InputError(
            "invalid_api_url",
            "the API URL must not carry a username or password; use `fwfulfill auth login`.",
            target=argument,
        )
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _invalid(text, argument, "is not an http(s) URL")
    _check_port(parts, text, argument)
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise _invalid(text, argument, "has a query or fragment (? or #), which a base URL has not")
    if parts.netloc.startswith("[") and not _is_ip_address(parts.hostname):
        raise _invalid(text, argument, "has brackets around something that is not an IPv6 address")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InputError(
            "invalid_api_url",
            f"plain http is only allowed to this machine (localhost, 127.0.0.1 or [::1]), not "
            f"{parts.hostname}; use https.",
            target=argument,
        )
    return text.rstrip("/")


def _split(text: str, argument: str) -> SplitResult:
    if any(unicodedata.category(char) in _UNPRINTABLE for char in text):
        raise _invalid(text, argument, "holds a space or control character")
    try:
        return urlsplit(text)
    except ValueError:  # an unclosed IPv6 bracket, ...
        raise _invalid(text, argument, "is not an http(s) URL") from None


def _check_port(parts: SplitResult, text: str, argument: str) -> None:
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        port = 0
    if port == 0 or _HOST_AND_PORT.fullmatch(parts.netloc) is None:
        raise _invalid(text, argument, "has an invalid port (a number from 1 to 65535)")


def _invalid(text: str, argument: str, why: str) -> InputError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return InputError(
        "invalid_api_url",
        f"{shown!r} {why}.",
        target=argument,
    )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Exactly `localhost`, or a literal address of 127.0.0.0/8 or ::1.

    Names are not resolved: `evil.localhost` or `127.0.0.1.nip.io` may point anywhere.
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        return address == ipaddress.IPv6Address("::1")
    return address in ipaddress.IPv4Network("127.0.0.0/8")
