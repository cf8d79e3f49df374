"""Opaque, random-looking object ids.

Seeded rows draw their ids from the seed's ``random.Random`` so the same seed gives the same ids; rows made at
run time (sessions, holder requests) draw from ``secrets``. An id never encodes anything a client could guess
from, e.g. a sequence number, so another customer's objects cannot be enumerated.
"""

from __future__ import annotations

import random
import re
import secrets

ID_RANDOM_BITS = 80
"""80 random bits: 16 base32 characters (Crockford's alphabet, lowercase) after the prefix."""

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# Every 10-bit value as two characters: encoding 80 bits is then eight lookups (the seed makes ~10^5 ids).
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)
_SHIFTS = tuple(range(ID_RANDOM_BITS - 10, -1, -10))
_PREFIX = re.compile(r"^[a-z]{1,8}$")
_checked_prefixes: dict[str, None] = {}


def new_id(prefix: str, rng: random.Random | None = None) -> str:
    """An id like ``po_3k9x2m7qv4a1bz8c``: ``prefix`` (a few lowercase letters) and 80 random bits."""
    if prefix not in _checked_prefixes:
        if not _PREFIX.match(prefix):
            raise ValueError(f"id prefix must be 1-8 lowercase letters, got {prefix!r}")
        _checked_prefixes[prefix] = None
    bits = rng.getrandbits(ID_RANDOM_BITS) if rng is not None else secrets.randbits(ID_RANDOM_BITS)
    return prefix + "_" + "".join([_PAIRS[(bits >> shift) & 1023] for shift in _SHIFTS])
