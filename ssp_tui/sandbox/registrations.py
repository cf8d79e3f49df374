"""Registrations: a request for a login, verified by the portal team, then an invitation by email.

Submission (``POST /registrations``) always answers the same 202, so a stranger learns nothing about which
policies or accounts exist; what happened goes to the email address given, which only its owner reads:
- an email already on file, or already waiting for review: "you already have an account / a request";
- a policy number the portal does not know, or an insured whose name is not on the policy: "we could not
  verify"; the registration is kept as rejected, with the reason, for the operator;
- otherwise it waits (``pending``) until the portal team verifies it: in the sandbox, ``ssp-tui sandbox
  approve ID`` (or ``--reject REASON``).

Approval makes the login (an insured for an Insured, a policyholder for an Authorized User, and for a
physician who owns the policy), with no usable password and no MFA yet, and emails the username and an
invitation code: the user sets a password with it (``POST /recovery/password/confirm``), then signs in and
enrolls the authenticator app like any first sign-in.
"""

from __future__ import annotations

import random
import re
import secrets
import sqlite3
from datetime import datetime, timedelta

import msgspec

from ssp_tui.api.constants import INVITATION_TTL_DAYS, REGISTRATION_REVIEW_BUSINESS_DAYS
from ssp_tui.api.models import RegistrationCreate, UserType
from ssp_tui.sandbox import account_codes
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.http_io import parse_utc, utc_text
from ssp_tui.sandbox.ids import new_id
from ssp_tui.sandbox.mailer import send_email
from ssp_tui.sandbox.passwords import unusable_hash

RECEIVED = (
    "Thank you. If the details match our records, the portal team verifies your request within "
    f"{REGISTRATION_REVIEW_BUSINESS_DAYS} business days and emails you the next step; either way the answer "
    "goes to the email address you gave."
)
MAX_PER_EMAIL_PER_DAY = 3
_TITLES = re.compile(r"^(dr|mr|mrs|ms|mx)\.?\s+", re.IGNORECASE)
_CREDENTIALS = re.compile(r",?\s+(md|do|pa-c|np|crna|cnm|fnp-bc|dds|dpm)\.?$", re.IGNORECASE)


class Registration(msgspec.Struct, kw_only=True):
    """One registration, as ``sandbox registrations`` lists it (sandbox only)."""

    id: str
    user_type: UserType
    name: str
    email: str
    phone: str
    policy_number: str
    works_for: str
    status: str
    """pending, approved or rejected."""
    reason: str
    submitted_at: datetime
    decided_at: datetime | None = None
    username: str | None = None
    """The login made on approval."""


class RegistrationError(Exception):
    """An operator's approve or reject that cannot be done; the message says why."""


def person_name(text: str) -> str:
    """ "Dr. Lucas Nguyen, MD" -> "lucas nguyen": how names are compared."""
    name = _CREDENTIALS.sub("", _TITLES.sub("", text.strip()))
    return " ".join(name.casefold().split())


def _matching_insured(conn: sqlite3.Connection, policy_id: str, name: str) -> sqlite3.Row | None:
    wanted = person_name(name)
    for insured in conn.execute(
        "SELECT i.* FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id WHERE pi.policy_id = ? "
        "ORDER BY i.id",
        [policy_id],
    ):
        if person_name(insured["name"]) == wanted:
            return insured
    return None


def _refusal(conn: sqlite3.Connection, body: RegistrationCreate) -> tuple[str, str] | None:
    """(reason for the operator, kind of email) when the registration cannot go on; None when it waits."""
    email = body.email.strip()
    if conn.execute("SELECT 1 FROM users WHERE email = ? COLLATE NOCASE", [email]).fetchone():
        return "duplicate: a login already uses this email", "exists"
    if conn.execute(
        "SELECT 1 FROM registrations WHERE email = ? COLLATE NOCASE AND status = 'pending'", [email]
    ).fetchone():
        return "duplicate: a registration with this email is already waiting", "waiting"
    policy = conn.execute(
        "SELECT * FROM policies WHERE policy_number = ? COLLATE NOCASE", [body.policy_number.strip()]
    ).fetchone()
    if policy is None:
        return "no policy with this number", "unverified"
    if body.user_type is UserType.INSURED:
        insured = _matching_insured(conn, policy["id"], body.name)
        if insured is None:
            return f"no insured named {body.name.strip()!r} on {policy['policy_number']}", "unverified"
        if conn.execute("SELECT 1 FROM users WHERE insured_id = ?", [insured["id"]]).fetchone():
            return f"duplicate: {insured['name']} already has a login", "exists"
    return None


_EMAILS = {
    "received": (
        "We received your registration",
        "Hello {name},\n\nwe received your request for a login to the portal (policy {policy}). The portal "
        "team verifies it within {days} business days and then emails you your username and an invitation "
        "code to set your password.",
    ),
    "exists": (
        "You already have a login",
        "Hello {name},\n\nsomeone (we hope you) asked for a new login with this email address, but a login "
        'already exists for it. If you forgot your username, use "Forgot username" on the sign-in page; '
        'if you forgot your password, use "Forgot password". If this was not you, you can ignore this email.',
    ),
    "waiting": (
        "Your registration is already with us",
        "Hello {name},\n\nyour earlier request for a login is still being verified; you will hear from us "
        "within {days} business days. There is no need to register again.",
    ),
    "unverified": (
        "We could not verify your registration",
        "Hello {name},\n\nwe could not match the details you gave (policy {policy}) with our records, so no "
        "login was made. Check the policy number and your name as they appear on the policy, or ask your "
        "agent or our Customer Service to help.",
    ),
}


def _email(conn: sqlite3.Connection, kind: str, body: RegistrationCreate, now: datetime) -> None:
    subject, text = _EMAILS[kind]
    send_email(
        conn,
        username="",
        to=body.email.strip(),
        subject=subject,
        body=text.format(
            name=body.name.strip(), policy=body.policy_number.strip(), days=REGISTRATION_REVIEW_BUSINESS_DAYS
        ),
        now=now,
    )


def submit(conn: sqlite3.Connection, body: RegistrationCreate, now: datetime) -> None:
    """Record the registration and email its applicant; the caller answers ``RECEIVED`` whatever happened."""
    with write_transaction(conn):
        recent = conn.execute(
            "SELECT COUNT(*) FROM registrations WHERE email = ? COLLATE NOCASE AND submitted_at > ?",
            [body.email.strip(), utc_text(now - timedelta(days=1))],
        ).fetchone()[0]
        if recent >= MAX_PER_EMAIL_PER_DAY:
            return  # enough mail to one address for a day; the answer stays the same
        refusal = _refusal(conn, body)
        reason, email_kind = refusal if refusal else ("", "received")
        if email_kind != "waiting":  # a repeat of a waiting registration is not a second registration
            conn.execute(
                "INSERT INTO registrations (id, user_type, name, email, phone, policy_number, works_for, "
                "status, reason, submitted_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    new_id("rg"),
                    body.user_type.value,
                    body.name.strip(),
                    body.email.strip(),
                    body.phone.strip(),
                    body.policy_number.strip(),
                    body.works_for.strip(),
                    "rejected" if refusal else "pending",
                    reason,
                    utc_text(now),
                    utc_text(now) if refusal else None,
                ],
            )
        _email(conn, email_kind, body, now)


def _username_for(conn: sqlite3.Connection, name: str) -> str:
    parts = person_name(name).split() or ["user"]
    base = re.sub(r"[^a-z0-9]", "", (parts[0][:1] + parts[-1]) if len(parts) > 1 else parts[0]) or "user"
    candidate, n = base, 1
    while conn.execute("SELECT 1 FROM users WHERE username = ?", [candidate]).fetchone():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _pending(conn: sqlite3.Connection, registration_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM registrations WHERE id = ?", [registration_id]).fetchone()
    if row is None:
        raise RegistrationError(
            f"No registration {registration_id}; `ssp-tui sandbox registrations` lists them."
        )
    if row["status"] != "pending":
        raise RegistrationError(f"Registration {registration_id} is already {row['status']}.")
    return row


def approve(conn: sqlite3.Connection, registration_id: str, now: datetime, *, code: str | None = None) -> str:
    """Verify the registration: make its login and email the invitation. Returns the new username."""
    with write_transaction(conn):
        row = _pending(conn, registration_id)
        policy = conn.execute(
            "SELECT * FROM policies WHERE policy_number = ? COLLATE NOCASE", [row["policy_number"]]
        ).fetchone()
        if policy is None:
            raise RegistrationError(
                f"Policy {row['policy_number']} no longer exists; reject the registration."
            )
        insured = _matching_insured(conn, policy["id"], row["name"])
        customer = conn.execute("SELECT * FROM customers WHERE id = ?", [policy["customer_id"]]).fetchone()
        owns_policy = customer["kind"] == "physician" and insured is not None
        if row["user_type"] == UserType.AUTHORIZED_USER or owns_policy:
            role, insured_id = "policyholder", None
        elif insured is not None:
            role, insured_id = "insured", insured["id"]
        else:
            raise RegistrationError(
                f"No insured named {row['name']!r} on {policy['policy_number']}; reject it."
            )
        username = _username_for(conn, row["name"])
        user_id = new_id("us")
        conn.execute(
            "INSERT INTO users (id, username, display_name, email, phone, role, customer_id, insured_id, "
            "password_hash, totp_secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            [
                user_id,
                username,
                row["name"],
                row["email"],
                row["phone"],
                role,
                customer["id"],
                insured_id,
                unusable_hash(random.Random(secrets.randbits(64))),
            ],
        )
        conn.execute(
            "UPDATE registrations SET status = 'approved', decided_at = ?, user_id = ? WHERE id = ?",
            [utc_text(now), user_id, registration_id],
        )
        issued = account_codes.issue(
            conn, user_id, "invitation", now, timedelta(days=INVITATION_TTL_DAYS), code=code
        )
        send_email(
            conn,
            username=username,
            to=row["email"],
            subject="Your portal login is ready",
            body=invitation_text(row["name"], username, issued.code),
            code=issued.code,
            now=now,
        )
    return username


def invitation_text(name: str, username: str, code: str) -> str:
    """The email of an approved registration: the username, and the code that sets the first password."""
    return (
        f"Hello {name},\n\nyour registration is verified. Your username is {username} and your invitation "
        f'code is {code} (valid {INVITATION_TTL_DAYS} days). Set your password with it ("Forgot password", '
        'then "I have a code", on the sign-in page, or `ssp-tui account reset-password`), then sign in and '
        "set up your authenticator app."
    )


def reject(conn: sqlite3.Connection, registration_id: str, reason: str, now: datetime) -> None:
    with write_transaction(conn):
        row = _pending(conn, registration_id)
        conn.execute(
            "UPDATE registrations SET status = 'rejected', reason = ?, decided_at = ? WHERE id = ?",
            [reason, utc_text(now), registration_id],
        )
        send_email(
            conn,
            username="",
            to=row["email"],
            subject="We could not verify your registration",
            body=f"Hello {row['name']},\n\nwe could not verify your request for a login ({reason}). Call our "
            "Customer Service, or ask your agent, and we will help.",
            now=now,
        )


def registrations(conn: sqlite3.Connection) -> list[Registration]:
    rows = conn.execute(
        "SELECT r.*, u.username FROM registrations r LEFT JOIN users u ON u.id = r.user_id "
        "ORDER BY r.submitted_at, r.id"
    ).fetchall()
    return [
        Registration(
            id=r["id"],
            user_type=UserType(r["user_type"]),
            name=r["name"],
            email=r["email"],
            phone=r["phone"],
            policy_number=r["policy_number"],
            works_for=r["works_for"],
            status=r["status"],
            reason=r["reason"],
            submitted_at=parse_utc(r["submitted_at"]),
            decided_at=parse_utc(r["decided_at"]) if r["decided_at"] else None,
            username=r["username"],
        )
        for r in rows
    ]
