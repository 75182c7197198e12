"""Deterministic ids: the same seed always yields the same checkout, offer and fulfillment ids."""

from __future__ import annotations

import base64
from uuid import UUID, uuid5

NAMESPACE = UUID("6f1c2b0e-3c55-4d0a-9a57-2f5b8a3d9e41")


def stable_uuid(key: str) -> str:
    return str(uuid5(NAMESPACE, key))


def short_id(prefix: str, key: str) -> str:
    """`ch_BV44UYrXQA2T_Xcf1288tw`-style ids, as Fourthwall prints them: a prefix and 16 bytes in
    unpadded base64url."""
    raw = uuid5(NAMESPACE, f"{prefix}:{key}").bytes
    return f"{prefix}_{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"
