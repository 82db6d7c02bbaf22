"""A backend service's public keys, as a practice admin pastes them: a JSON Web Key Set, or
one public key in PEM. Read by jwcrypto (django-oauth-toolkit's own JOSE library); kept as a
JWKS of public members only, each key with its `kid` and the algorithm SMART Backend
Services asks servers to support (RS384 for RSA, ES384 for EC P-384)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from jwcrypto import jwk
from jwcrypto.common import JWException

MAX_KEYS = 10
MIN_RSA_BITS = 2048
# The members that make a JWK private (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
ALGORITHMS = {"RSA": "RS384", "EC": "ES384"}


def _error(message: str) -> ValidationError:
    return ValidationError({"jwks": message})


def _public_jwk(key: jwk.JWK, *, kid: str = "", alg: str = "") -> dict[str, Any]:
    if key.has_private:
        raise _error("That is a private key: paste the public key only, and keep the private one.")
    kty = key.get("kty")
    if kty not in ALGORITHMS:
        raise _error(f"A key of type {str(kty)[:10]!r} cannot sign RS384 or ES384: use RSA or EC.")
    if kty == "EC" and key.get("crv") != "P-384":
        raise _error("An EC key must be on the curve P-384 (ES384).")
    try:
        public_key = key.get_op_key("verify")  # cryptography's key: checks the numbers
    except (JWException, ValueError, TypeError) as error:
        raise _error(f"That key is not a usable public key ({str(error)[:80]}).") from None
    if kty == "RSA" and public_key.key_size < MIN_RSA_BITS:
        raise _error(f"An RSA key must have at least {MIN_RSA_BITS} bits.")
    if alg and alg != ALGORITHMS[kty]:
        raise _error(f"Key algorithm {alg[:10]!r}: Milepost accepts RS384 and ES384 only.")
    public = dict(key.export_public(as_dict=True))
    public["kid"] = kid[:200] or key.thumbprint()
    public["alg"] = ALGORITHMS[kty]
    return public


def _from_jwks(value: Any) -> dict[str, Any]:
    keys = value.get("keys") if isinstance(value, dict) else None
    if not isinstance(keys, list) or not keys:
        raise _error('A JSON Web Key Set is an object with a list of "keys".')
    if len(keys) > MAX_KEYS:
        raise _error(f"Give at most {MAX_KEYS} keys.")
    found = []
    for number, member in enumerate(keys, start=1):
        if not isinstance(member, dict):
            raise _error(f"Key {number} is not a JSON object.")
        if PRIVATE_MEMBERS & set(member):
            raise _error(
                f"Key {number} is a private key: paste the public key only, and keep the "
                "private one."
            )
        try:
            key = jwk.JWK(**member)
        except (JWException, ValueError, TypeError) as error:
            raise _error(f"Key {number} is not a valid JSON Web Key ({str(error)[:80]}).") from None
        found.append(
            _public_jwk(key, kid=str(member.get("kid") or ""), alg=str(member.get("alg") or ""))
        )
    kids = [k["kid"] for k in found]
    if len(set(kids)) != len(kids):
        raise _error("Two keys have the same kid.")
    return {"keys": found}


def public_key_set(value: dict[str, Any] | str) -> dict[str, Any]:
    """The JWKS to keep for `value`, or a ValidationError on the field `jwks`."""
    if isinstance(value, dict):
        return _from_jwks(value)
    text = value.strip()
    if not text:
        raise _error("Paste the service's JSON Web Key Set or its public key (PEM).")
    if text.startswith("-----BEGIN"):
        if "PRIVATE KEY" in text.split("\n", 1)[0]:
            raise _error(
                "That is a private key: paste the public key only, and keep the private one."
            )
        try:
            key = jwk.JWK.from_pem(text.encode("ascii"))
        except (JWException, ValueError, TypeError, UnicodeEncodeError):
            raise _error("That PEM is not a public key Milepost can read.") from None
        return {"keys": [_public_jwk(key)]}
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise _error(
            "Paste a JSON Web Key Set (JSON) or a public key in PEM (-----BEGIN PUBLIC KEY-----)."
        ) from None
    return _from_jwks(parsed)
