"""Authenticated encryption of whole files (backups): AES-256-GCM from `cryptography`.

A sealed file is a fixed header (magic and format version, also bound as associated data,
so it cannot be swapped), a random 96-bit nonce, then the ciphertext with its 128-bit tag.
Any change to any byte, or the wrong key, fails to open with `SealError`; nothing is ever
returned from a file that does not authenticate.

Keys are 32 random bytes written as URL-safe base64 (44 characters), in a file readable by
its owner only or in an environment variable; `new_key()` makes one.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HEADER = b"MILEPOST-SEALED\x00v1\x00"
NONCE_BYTES = 12
KEY_BYTES = 32


class SealError(Exception):
    """The file cannot be opened: not a sealed file, damaged, or sealed with another key."""


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def parse_key(text: str) -> bytes:
    """The key's bytes from its base64 text; a clear error when it is not a key."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SealError("The backup key is not valid base64 (expected 44 characters).") from None
    if len(key) != KEY_BYTES:
        raise SealError(f"The backup key must be {KEY_BYTES} bytes; this one is {len(key)}.")
    return key


def seal(plaintext: bytes, key: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return HEADER + nonce + AESGCM(key).encrypt(nonce, plaintext, HEADER)


def unseal(sealed: bytes, key: bytes) -> bytes:
    if not sealed.startswith(HEADER):
        raise SealError("This is not a Milepost backup (its header is missing).")
    body = sealed[len(HEADER) :]
    if len(body) < NONCE_BYTES + 16:
        raise SealError("The backup is truncated.")
    nonce, ciphertext = body[:NONCE_BYTES], body[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, HEADER)
    except InvalidTag:
        raise SealError(
            "The backup does not authenticate: it was sealed with another key, or it has "
            "been damaged or changed."
        ) from None
