"""Password hashing with scrypt (hashlib), stored as ``scrypt$N$r$p$salt_b64$hash_b64``.

Used by the seed (demo users) and by the HTTP login. Verification never raises: a malformed or foreign stored
value simply does not verify, and cost parameters are bounded so a tampered row cannot make a login exhaust
memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32

# Upper bounds accepted when verifying a stored hash (memory is 128 * r * N bytes).
_MAX_N = 2**20
_MAX_R = 16
_MAX_P = 16
_SCHEME = "scrypt"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem must exceed 128 * r * n; OpenSSL's default (32 MiB) is too tight for the larger accepted costs.
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * r * n + 2**20
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of ``password``; a fresh random salt unless one is given (the seed passes its own)."""
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def unusable_hash(rng: random.Random) -> str:
    """A well-formed stored hash that no known password produces (random salt and digest), costing no scrypt.

    The seed gives it to the many background users who exist only to be found and triaged, not to log in.
    """
    return (
        f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
        f"{_b64(rng.randbytes(SALT_BYTES))}${_b64(rng.randbytes(HASH_BYTES))}"
    )


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for a wrong password or an unreadable stored value."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    cost_ok = 1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P
    if not cost_ok or not salt or not 16 <= len(expected) <= 64:
        return False
    actual = _scrypt(password, salt, n, r, p, len(expected))
    return hmac.compare_digest(actual, expected)
