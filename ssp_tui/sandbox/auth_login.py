"""The login flow: password, then MFA (or TOTP enrollment), then a session.

Rules, as the real portal applies them:
- an unknown user and a wrong password get the same 401 (and the same scrypt work, so timing tells nothing),
  and are throttled alike;
- failed attempts are throttled per username and per client address with growing delays (429 with
  Retry-After; ``sign_in_throttle``), counted atomically before the password is checked; failures never
  lock a login or end its sessions;
- a login on hold (``users.locked_at``) unlocks by itself after ``lock_hold_s``; only the right password
  learns of the hold (423, saying when it ends), so the hold tells a stranger nothing;
- a code is accepted only for the factor it was issued for: once a code was sent by text or voice, that
  code (not the authenticator app) completes the sign-in;
- a remember-device token skips only the MFA step, never the password;
- TOTP accepts one step of clock drift either way, and a step at or below the last accepted one is refused,
  so an accepted code is never accepted again;
- SMS and voice codes are single-use, expire, and only the latest one sent is valid.
"""

from __future__ import annotations

import hmac
import random
import secrets
import sqlite3
from datetime import datetime, timedelta

import pyotp

from ssp_tui.api.constants import TOTP_PERIOD_S
from ssp_tui.api.models import (
    LoginRequest,
    LoginResponse,
    LoginState,
    MfaFactor,
    MfaSendRequest,
    MfaSendResponse,
    MfaVerifyRequest,
    Session,
)
from ssp_tui.sandbox.auth_tokens import (
    SecurityPolicy,
    device_is_remembered,
    new_token,
    open_session,
    remember_device,
    token_hash,
    write_transaction,
)
from ssp_tui.sandbox.http_io import parse_utc, utc_text
from ssp_tui.sandbox.mailer import send_phone_code
from ssp_tui.sandbox.passwords import unusable_hash, verify_password
from ssp_tui.sandbox.problems import ProblemError, invalid, unauthenticated
from ssp_tui.sandbox.sign_in_throttle import (
    attempt_succeeded,
    count_failure,
    reserve_attempt,
    sign_in_keys,
    username_key,
)

TOTP_ISSUER = "ProAssurance SSP Sandbox"
_BAD_LOGIN = "The username or password is not correct."
_CHALLENGE_GONE = "This sign-in has expired or ended; start again with your password."
_MAX_SENDS_PER_CHALLENGE = 5
_FACTOR_WORDS = {
    MfaFactor.SMS: "text message",
    MfaFactor.VOICE: "voice call",
    MfaFactor.TOTP: "authenticator app",
}


_DECOY_HASH = unusable_hash(random.SystemRandom())
"""Verified against for unknown users, so they cost what a known user costs: one scrypt of the same cost.
Random rather than computed (a hash made on first use cost the first unknown username a second scrypt)."""


def hold_ends(user: sqlite3.Row, now: datetime, policy: SecurityPolicy) -> datetime | None:
    """When the login's hold ends, while it is on hold; None otherwise."""
    if user["locked_at"] is None:
        return None
    ends = parse_utc(user["locked_at"]) + timedelta(seconds=policy.lock_hold_s)
    return ends if ends > now else None


def locked_problem(ends: datetime, now: datetime) -> ProblemError:
    seconds = max(1, int((ends - now).total_seconds() + 0.999))
    return ProblemError(
        423,
        f"After repeated failed sign-ins this login is on hold; it unlocks by itself at "
        f"{ends:%Y-%m-%d %H:%M} UTC.",
        title="Login on hold",
        retry_after=seconds,
    )


def phone_hint(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    return "***-***-" + "".join(digits[-4:])


def login(
    conn: sqlite3.Connection, body: LoginRequest, client_ip: str, now: datetime, policy: SecurityPolicy
) -> LoginResponse:
    username = body.username.strip()
    keys = sign_in_keys(username, client_ip, policy)
    # Counted as a failure before the password is checked, so attempts fired together cannot outrun it.
    reserve_attempt(conn, keys, now, policy)
    user = conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone() if username else None
    # scrypt runs outside any transaction: it is the slow part and needs no lock.
    password_ok = verify_password(body.password, user["password_hash"] if user else _DECOY_HASH)
    if user is None or not password_ok:
        raise unauthenticated(_BAD_LOGIN)  # the failure is already counted

    with write_transaction(conn):
        attempt_succeeded(conn, keys)
    if (ends := hold_ends(user, now, policy)) is not None:
        raise locked_problem(ends, now)

    with write_transaction(conn):
        if device_is_remembered(conn, user["id"], body.device_token, now):
            session = open_session(conn, user, now, policy, device_token=None)
            return LoginResponse(state=LoginState.AUTHENTICATED, session=session)
        mfa_token = new_token()
        enroll_secret = pyotp.random_base32() if user["totp_secret"] is None else None
        conn.execute(
            "INSERT INTO mfa_challenges (token_hash, user_id, expires_at, enroll_secret) VALUES (?, ?, ?, ?)",
            [
                token_hash(mfa_token),
                user["id"],
                utc_text(now + timedelta(seconds=policy.challenge_ttl_s)),
                enroll_secret,
            ],
        )
    if enroll_secret is not None:
        uri = pyotp.TOTP(enroll_secret).provisioning_uri(name=user["username"], issuer_name=TOTP_ISSUER)
        return LoginResponse(
            state=LoginState.ENROLL_TOTP, mfa_token=mfa_token, factors=[MfaFactor.TOTP], otpauth_uri=uri
        )
    return LoginResponse(
        state=LoginState.MFA_REQUIRED,
        mfa_token=mfa_token,
        factors=[MfaFactor.TOTP, MfaFactor.SMS, MfaFactor.VOICE],
        phone_hint=phone_hint(user["phone"]),
    )


def _live_challenge(conn: sqlite3.Connection, mfa_token: str, now: datetime) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM mfa_challenges WHERE token_hash = ? AND used = 0 AND expires_at > ?",
        [token_hash(mfa_token), utc_text(now)],
    ).fetchone()
    if row is None:
        raise unauthenticated(_CHALLENGE_GONE)
    return row


def send_code(
    conn: sqlite3.Connection, body: MfaSendRequest, now: datetime, policy: SecurityPolicy
) -> MfaSendResponse:
    code = f"{secrets.randbelow(10**6):06d}"
    with write_transaction(conn):
        challenge = _live_challenge(conn, body.mfa_token, now)
        if body.factor is MfaFactor.TOTP:
            raise invalid("factor", "TOTP codes come from your authenticator app; send is for sms or voice")
        if challenge["enroll_secret"] is not None:
            raise invalid("factor", "this login must first set up an authenticator app (TOTP)")
        sent = conn.execute(
            "SELECT COUNT(*) FROM mfa_codes WHERE challenge_hash = ?", [challenge["token_hash"]]
        ).fetchone()[0]
        if sent >= _MAX_SENDS_PER_CHALLENGE:
            remaining = int((parse_utc(challenge["expires_at"]) - now).total_seconds()) + 1
            raise ProblemError(
                429,
                f"Too many codes sent for this sign-in; start again with your password, or use the code "
                f"already sent (this sign-in ends at {parse_utc(challenge['expires_at']):%H:%M:%S} UTC).",
                retry_after=max(1, remaining),
            )
        user = conn.execute("SELECT * FROM users WHERE id = ?", [challenge["user_id"]]).fetchone()
        # Only the latest code sent is valid.
        conn.execute("UPDATE mfa_codes SET used = 1 WHERE challenge_hash = ?", [challenge["token_hash"]])
        conn.execute(
            "INSERT INTO mfa_codes (challenge_hash, factor, code, expires_at) VALUES (?, ?, ?, ?)",
            [
                challenge["token_hash"],
                body.factor.value,
                token_hash(code),
                utc_text(now + timedelta(seconds=policy.code_ttl_s)),
            ],
        )
        send_phone_code(
            conn,
            username=user["username"],
            factor=body.factor.value,
            to=phone_hint(user["phone"]),
            code=code,
            purpose="Sign-in code",
            now=now,
        )
    return MfaSendResponse(sent_to=phone_hint(user["phone"]), expires_in=policy.code_ttl_s)


def matching_totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (one either side of now allowed) whose code is ``code``, or None."""
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_PERIOD_S
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_PERIOD_S), code):
            return step
    return None


def _factor_sent(conn: sqlite3.Connection, challenge: sqlite3.Row) -> MfaFactor | None:
    """The factor of the latest code sent for this sign-in, if one was sent."""
    row = conn.execute(
        "SELECT factor FROM mfa_codes WHERE challenge_hash = ? ORDER BY id DESC LIMIT 1",
        [challenge["token_hash"]],
    ).fetchone()
    return MfaFactor(row["factor"]) if row is not None else None


def _code_accepted(
    conn: sqlite3.Connection, challenge: sqlite3.Row, user: sqlite3.Row, body: MfaVerifyRequest, now: datetime
) -> bool:
    """Check the code and consume it (TOTP step or single-use SMS/voice code) when it is right."""
    code = body.code.strip()
    sent = _factor_sent(conn, challenge)
    if sent is not None and body.factor is not sent:
        # This sign-in chose text or voice: only the code sent that way completes it.
        raise invalid("factor", f"a code was sent by {_FACTOR_WORDS[sent]} for this sign-in; enter that code")
    if body.factor is MfaFactor.TOTP:
        secret = challenge["enroll_secret"] or user["totp_secret"]
        step = matching_totp_step(secret, code, now)
        if step is None or step <= user["totp_last_step"]:
            return False
        conn.execute("UPDATE users SET totp_last_step = ? WHERE id = ?", [step, user["id"]])
        if challenge["enroll_secret"] is not None:
            conn.execute(
                "UPDATE users SET totp_secret = ? WHERE id = ?", [challenge["enroll_secret"], user["id"]]
            )
        return True
    if challenge["enroll_secret"] is not None:
        raise invalid("factor", "this login must first set up an authenticator app (TOTP)")
    row = conn.execute(
        "SELECT id FROM mfa_codes WHERE challenge_hash = ? AND factor = ? AND code = ? AND used = 0 "
        "AND expires_at > ?",
        [challenge["token_hash"], body.factor.value, token_hash(code), utc_text(now)],
    ).fetchone()
    if row is None:
        return False
    conn.execute("UPDATE mfa_codes SET used = 1 WHERE id = ?", [row["id"]])
    return True


def verify_code(
    conn: sqlite3.Connection,
    body: MfaVerifyRequest,
    now: datetime,
    policy: SecurityPolicy,
    device_label: str = "",
) -> Session:
    with write_transaction(conn):
        challenge = _live_challenge(conn, body.mfa_token, now)
        user = conn.execute("SELECT * FROM users WHERE id = ?", [challenge["user_id"]]).fetchone()
        if (ends := hold_ends(user, now, policy)) is not None:
            raise locked_problem(ends, now)
        if _code_accepted(conn, challenge, user, body, now):
            conn.execute("UPDATE mfa_challenges SET used = 1 WHERE token_hash = ?", [challenge["token_hash"]])
            device = (
                remember_device(conn, user["id"], now, policy, device_label) if body.remember_device else None
            )
            return open_session(conn, user, now, policy, device_token=device)
        failures = challenge["failures"] + 1
        conn.execute(
            "UPDATE mfa_challenges SET failures = ?, used = ? WHERE token_hash = ?",
            [failures, int(failures >= policy.challenge_max_failures), challenge["token_hash"]],
        )
        # A wrong code counts toward the username's throttle, so password-then-guess cycles slow down too.
        count_failure(conn, username_key(user["username"], policy), now, policy)
    if failures >= policy.challenge_max_failures:
        raise unauthenticated("Too many wrong codes; start again with your password.")
    raise ProblemError(
        401,
        "The code is not correct or has expired.",
        title="Code not accepted",
        headers={"WWW-Authenticate": 'Bearer realm="ssp"'},
    )
