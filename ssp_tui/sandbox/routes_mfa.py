"""The MFA Support page: the caller's factors, the phone for text and voice codes, the authenticator app and
the devices that skip MFA. Every change is proven before it takes effect and announced by email.

- A new phone number gets a code first (by text or voice, to the new number); only the right code, within
  five minutes, replaces the old number.
- A new authenticator secret is pending until a code from it is confirmed; until then the old secret keeps
  signing in, so a half-finished re-enrollment never locks anyone out.
- A revoked device's next sign-in asks for a code again.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta

import pyotp

from ssp_tui.api.models import (
    MfaFactor,
    MfaStatus,
    Page,
    PhoneChangeStarted,
    RememberedDevice,
    TotpReenrollment,
)
from ssp_tui.sandbox import account_codes
from ssp_tui.sandbox.auth_login import TOTP_ISSUER, matching_totp_step, phone_hint
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.http_io import Call, paged_query, parse_utc, utc_text
from ssp_tui.sandbox.mailer import send_email, send_phone_code
from ssp_tui.sandbox.problems import ProblemError, invalid, not_found
from ssp_tui.sandbox.routes_auth import policy_of

ENROLLMENT_TTL = timedelta(minutes=15)
_BAD_CODE = "the code is not correct or has expired"


def _user(call: Call) -> sqlite3.Row:
    return call.conn.execute("SELECT * FROM users WHERE id = ?", [call.user.user_id]).fetchone()


def status_of(call: Call) -> MfaStatus:
    user = _user(call)
    devices = call.conn.execute(
        "SELECT COUNT(*) FROM device_tokens WHERE user_id = ? AND expires_at > ?",
        [user["id"], utc_text(call.now)],
    ).fetchone()[0]
    pending = account_codes.latest_live(call.conn, user["id"], ("totp",), call.now) is not None
    enrolled = user["totp_secret"] is not None
    return MfaStatus(
        factors=[MfaFactor.TOTP, MfaFactor.SMS, MfaFactor.VOICE] if enrolled else [],
        totp_enrolled=enrolled,
        phone_hint=phone_hint(user["phone"]),
        remembered_devices=devices,
        totp_reenrollment_pending=pending,
    )


def mfa_status(call: Call) -> MfaStatus:
    return status_of(call)


def _us_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise invalid("phone", "expected a ten-digit US number, e.g. 916-555-0142")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _too_many(call: Call, purpose: str) -> None:
    if (
        account_codes.sent_within_hour(call.conn, call.user.user_id, purpose, call.now)
        >= account_codes.MAX_PER_HOUR
    ):
        raise ProblemError(
            429,
            "Too many codes asked for in the last hour; use the last one sent, or try again later.",
            retry_after=3600,
        )


def _notice(call: Call, subject: str, text: str) -> None:
    user = _user(call)
    send_email(
        call.conn,
        username=user["username"],
        to=user["email"],
        subject=subject,
        body=f"Hello {user['display_name']},\n\n{text} If this was not you, call Customer Service at once.",
        now=call.now,
    )


def start_phone_change(call: Call) -> PhoneChangeStarted:
    phone = _us_phone(call.body.phone)
    ttl = timedelta(seconds=policy_of(call).code_ttl_s)
    with write_transaction(call.conn):
        _too_many(call, "phone")
        issued = account_codes.issue(
            call.conn, call.user.user_id, "phone", call.now, ttl, payload=phone, with_token=True
        )
        send_phone_code(
            call.conn,
            username=call.user.username,
            factor=call.body.factor.value,
            to=phone_hint(phone),
            code=issued.code,
            purpose="Confirm your new phone number",
            now=call.now,
        )
    assert issued.token is not None
    return PhoneChangeStarted(
        change_token=issued.token, sent_to=phone_hint(phone), expires_in=int(ttl.total_seconds())
    )


def _pending_change(call: Call, token: str, purpose: str) -> sqlite3.Row:
    row = account_codes.live_by_token(call.conn, token, purpose, call.user.user_id, call.now)
    if row is None:
        raise ProblemError(404, "No such change waiting: it expired or was replaced; start it again.")
    return row


def confirm_phone_change(call: Call) -> MfaStatus:
    with write_transaction(call.conn):
        row = _pending_change(call, call.body.change_token, "phone")
        accepted = account_codes.check(call.conn, row, call.body.code)
        if accepted:
            call.conn.execute("UPDATE users SET phone = ? WHERE id = ?", [row["payload"], call.user.user_id])
            _notice(
                call,
                "Your sign-in phone number changed",
                f"text and voice sign-in codes now go to {phone_hint(row['payload'])}.",
            )
    if not accepted:
        raise invalid("code", _BAD_CODE)
    return status_of(call)


def start_totp_reenrollment(call: Call) -> TotpReenrollment:
    user = _user(call)
    if user["totp_secret"] is None:
        raise ProblemError(409, "This login has no authenticator yet; it is set up at the next sign-in.")
    secret = pyotp.random_base32()
    with write_transaction(call.conn):
        _too_many(call, "totp")
        issued = account_codes.issue(
            call.conn, user["id"], "totp", call.now, ENROLLMENT_TTL, payload=secret, with_token=True
        )
    assert issued.token is not None
    uri = pyotp.TOTP(secret).provisioning_uri(name=user["username"], issuer_name=TOTP_ISSUER)
    return TotpReenrollment(
        enrollment_token=issued.token, otpauth_uri=uri, expires_in=int(ENROLLMENT_TTL.total_seconds())
    )


def confirm_totp_reenrollment(call: Call) -> MfaStatus:
    code = "".join(call.body.code.split())
    with write_transaction(call.conn):
        row = _pending_change(call, call.body.enrollment_token, "totp")
        step = matching_totp_step(row["payload"], code, call.now)
        if step is None:
            account_codes.count_failure(call.conn, row)
        else:
            user = _user(call)
            call.conn.execute(
                "UPDATE users SET totp_secret = ?, totp_last_step = ? WHERE id = ?",
                [row["payload"], max(step, user["totp_last_step"]), user["id"]],
            )
            account_codes.use_up(call.conn, row)
            _notice(
                call,
                "Your authenticator app changed",
                "a new authenticator app was set up for your login; the old one no longer gives valid codes.",
            )
    if step is None:
        raise invalid("code", f"{_BAD_CODE}: enter the code the new authenticator entry shows")
    return status_of(call)


def remembered_devices(call: Call) -> Page[RememberedDevice]:
    return paged_query(
        call,
        "SELECT * FROM device_tokens WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC, id",
        [call.user.user_id, utc_text(call.now)],
        lambda r: RememberedDevice(
            id=r["id"],
            label=r["label"] or "unnamed device",
            remembered_at=parse_utc(r["created_at"]),
            expires_at=parse_utc(r["expires_at"]),
            last_used_at=parse_utc(r["last_used_at"]) if r["last_used_at"] else None,
        ),
    )


def revoke_device(call: Call) -> None:
    with write_transaction(call.conn):
        gone = call.conn.execute(
            "DELETE FROM device_tokens WHERE id = ? AND user_id = ?", [call.id, call.user.user_id]
        ).rowcount
    if not gone:
        raise not_found("device")


HANDLERS = {
    "mfa_status": mfa_status,
    "start_phone_change": start_phone_change,
    "confirm_phone_change": confirm_phone_change,
    "start_totp_reenrollment": start_totp_reenrollment,
    "confirm_totp_reenrollment": confirm_totp_reenrollment,
    "remembered_devices": remembered_devices,
    "revoke_device": revoke_device,
}
