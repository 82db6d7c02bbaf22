"""Opaque public identifiers for URLs: random, unguessable, never a name or a sequence."""

from __future__ import annotations

import secrets

# Crockford-style base32 without look-alike letters (no i, l, o, u).
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16  # 80 bits


def new_public_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(LENGTH))


def is_public_id(value: str) -> bool:
    return len(value) == LENGTH and all(ch in _ALPHABET for ch in value)
