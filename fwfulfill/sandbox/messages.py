"""What goes into and comes out of the sandbox's request handler, independent of any transport."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Headers(Mapping[str, str]):
    """Request headers, looked up case-insensitively (HTTP header names are)."""

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items = {name.lower(): value for name, value in pairs}

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class SandboxRequest:
    method: str
    path: str  # percent-decoded, without the query
    query: tuple[tuple[str, str], ...] = ()  # in order; a name may repeat (`status`)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    def __post_init__(self) -> None:
        if not isinstance(self.headers, Headers):  # a plain dict: make its lookups case-insensitive
            object.__setattr__(self, "headers", Headers(self.headers))

    def query_values(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]


class Fault(Enum):
    """What the transport must do instead of (or after) delivering the response."""

    RESET = "reset"  # reset the connection; nothing was done
    STALL_AFTER_COMMIT = "stall"  # the change is committed; hang, then close without answering
    DROP_AFTER_COMMIT = "drop"  # the change is committed; close without answering


@dataclass(frozen=True)
class SandboxResponse:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    fault: Fault | None = None

    @classmethod
    def json(
        cls, status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()
    ) -> SandboxResponse:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, (("Content-Type", "application/json"), *headers), body)

    @classmethod
    def text(
        cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8"
    ) -> SandboxResponse:
        return cls(status, (("Content-Type", content_type),), text.encode())

    @classmethod
    def reset(cls) -> SandboxResponse:
        return cls(0, fault=Fault.RESET)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def payload(self) -> Any:
        """The body parsed as JSON (for tests and introspection)."""
        return json.loads(self.body)
