"""The portal's password rules, after NIST SP 800-63B (5.1.1.2): long enough, any characters, no composition
rules, and not a password an attacker tries first.

- 8 to 64 characters after Unicode NFKC normalisation (spaces and every printable character allowed);
- refused when it is among the commonest passwords, a keyboard or character sequence, a repetition, or built
  from the login's own words (username, name, email, the portal's name): zxcvbn (a well-kept estimator with
  its own lists of the commonest passwords, words and names) judges it, and anything it rates under 2 of 4
  (guessable in under a million tries) is refused with its own explanation.

Imported only where a password is set (zxcvbn's lists take a moment to load).
"""

from __future__ import annotations

import unicodedata

from ssp_tui.api.constants import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

MIN_SCORE = 2
PORTAL_WORDS = ("proassurance", "norcal", "portal", "ssp", "secure services")


def normalized(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def password_problem(password: str, *, context: tuple[str, ...] = ()) -> str | None:
    """None when the password may be used, else what is wrong with it in one sentence."""
    text = normalized(password)
    if len(text) < PASSWORD_MIN_LENGTH:
        return f"use at least {PASSWORD_MIN_LENGTH} characters (a few words make a good password)"
    if len(text) > PASSWORD_MAX_LENGTH:
        return f"use at most {PASSWORD_MAX_LENGTH} characters"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return "control characters (line breaks, tabs) cannot be part of a password"
    words = [word for word in (*context, *PORTAL_WORDS) if word]
    folded = text.casefold()
    for word in context:
        if len(word) >= 4 and word.casefold() in folded:
            return "do not build the password from your username, name or email address"
    from zxcvbn import zxcvbn  # the lists load on first use

    verdict = zxcvbn(text, user_inputs=words)
    if verdict["score"] < MIN_SCORE:
        warning = verdict["feedback"].get("warning") or "This password is too easy to guess."
        return f"{warning.rstrip('.')}: choose a longer one, for example a few unrelated words"
    return None
