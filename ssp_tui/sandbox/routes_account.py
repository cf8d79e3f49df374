"""Handlers for creating an account and recovering it: public, and answering the same whatever the portal
knows (who is registered, which usernames and addresses exist): the outcome goes by email.

Recovery, as NIST SP 800-63B and OWASP's forgot-password cheat sheet ask:
- a username reminder goes to the address only if a login has it; a reset code (6 digits, 30 minutes, single
  use, only the latest valid, dead after 5 wrong tries, at most 5 an hour) to the address on file;
- the new password is held to the password rules (``password_rules``) before the code is even looked at, so
  a rule is never a hint about the account;
- a good reset ends every session and remembered device of the login, lifts a hold, clears the sign-in
  throttle of the username, and emails a notice; invitation codes (from an approved registration) work the
  same way for a login's first password.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from ssp_tui.api.constants import RESET_CODE_TTL_S
from ssp_tui.api.models import Accepted, PasswordReset
from ssp_tui.sandbox import account_codes, registrations
from ssp_tui.sandbox.auth_tokens import write_transaction
from ssp_tui.sandbox.http_io import Call
from ssp_tui.sandbox.mailer import mask_email, send_email
from ssp_tui.sandbox.passwords import hash_password
from ssp_tui.sandbox.problems import ProblemError, invalid
from ssp_tui.sandbox.routes_auth import policy_of
from ssp_tui.sandbox.sign_in_throttle import attempt_succeeded, username_key

USERNAME_SENT = (
    "If a login uses that email address, its username is on its way there. Nothing arrived? Check the "
    "address you registered with, or call Customer Service."
)
RESET_SENT = (
    "If that username has an email address on file, a reset code is on its way there; it is valid for "
    f"{RESET_CODE_TTL_S // 60} minutes."
)
_BAD_CODE = "ask for a new one with \"Forgot password\""


def register(call: Call) -> Accepted:
    registrations.submit(call.conn, call.body, call.now)
    return Accepted(message=registrations.RECEIVED)


def recover_username(call: Call) -> Accepted:
    email = call.body.email.strip()
    with write_transaction(call.conn):
        users = call.conn.execute(
            "SELECT username, display_name FROM users WHERE email = ? COLLATE NOCASE ORDER BY username",
            [email],
        ).fetchall()
        recent = call.conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE address = ? COLLATE NOCASE AND subject = 'Your username' "
            "AND sent_at > ?",
            [email, (call.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")],
        ).fetchone()[0]
        if users and recent < account_codes.MAX_PER_HOUR:
            names = "\n".join(f"  {u['username']} ({u['display_name']})" for u in users)
            send_email(
                call.conn,
                username=users[0]["username"],
                to=email,
                subject="Your username",
                body=f"Hello,\n\nthe portal logins that use this email address:\n{names}\n\nIf you did "
                "not ask for this, you can ignore this email.",
                now=call.now,
            )
    return Accepted(message=USERNAME_SENT)


def request_password_reset(call: Call) -> Accepted:
    username = call.body.username.strip()
    with write_transaction(call.conn):
        user = call.conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
        if user is not None and account_codes.sent_within_hour(call.conn, user["id"], "reset", call.now) < (
            account_codes.MAX_PER_HOUR
        ):
            issued = account_codes.issue(
                call.conn, user["id"], "reset", call.now, timedelta(seconds=RESET_CODE_TTL_S)
            )
            send_email(
                call.conn,
                username=user["username"],
                to=user["email"],
                subject="Your password reset code",
                body=f"Hello {user['display_name']},\n\nyour code to set a new password for "
                f"{user['username']} is {issued.code}. It is valid for {RESET_CODE_TTL_S // 60} minutes and "
                "only once. If you did not ask for it, ignore this email: your password stays as it is.",
                code=issued.code,
                now=call.now,
            )
    return Accepted(message=RESET_SENT)


def reset_password(call: Call) -> None:
    body: PasswordReset = call.body
    username = body.username.strip()
    user = call.conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    # The code first: without the right one nothing else is judged, so an unknown username, a wrong code and
    # an expired one get the same answer, and the password rules tell a stranger nothing.
    with write_transaction(call.conn):
        code = _live_code(call, user)
        if code is not None and not account_codes.matches(code, body.code):
            account_codes.count_failure(call.conn, code)
            code = None
    if user is None or code is None:
        raise _code_refused()
    from ssp_tui.sandbox.password_rules import normalized, password_problem  # loads zxcvbn's lists

    context = (username, user["email"].split("@")[0], *user["display_name"].split())
    if (problem := password_problem(body.new_password, context=context)) is not None:
        raise invalid("new_password", problem)  # the code stays good for a better password
    stored = hash_password(normalized(body.new_password))  # scrypt outside the transaction: it needs no lock
    with write_transaction(call.conn):
        still = _live_code(call, user)
        if still is None or still["id"] != code["id"]:
            raise _code_refused()  # used or replaced meanwhile
        account_codes.use_up(call.conn, still)
        _set_password(call, user, stored)


def _live_code(call: Call, user: sqlite3.Row | None) -> sqlite3.Row | None:
    if user is None:
        return None
    return account_codes.latest_live(call.conn, user["id"], ("reset", "invitation"), call.now)


def _code_refused() -> ProblemError:
    return ProblemError(
        401, f"The code is not correct or has expired; {_BAD_CODE}.", title="Code not accepted"
    )


def _set_password(call: Call, user: sqlite3.Row, stored: str) -> None:
    """The new password, and everything that trusted the old one ends (inside the caller's transaction)."""
    conn = call.conn
    conn.execute(
        "UPDATE users SET password_hash = ?, locked_at = NULL, failed_logins = 0 WHERE id = ?",
        [stored, user["id"]],
    )
    conn.execute(
        "UPDATE account_codes SET used = 1 WHERE user_id = ? AND purpose IN ('reset', 'invitation')",
        [user["id"]],
    )
    conn.execute("UPDATE sessions SET revoked = 1 WHERE user_id = ?", [user["id"]])
    conn.execute("DELETE FROM device_tokens WHERE user_id = ?", [user["id"]])
    attempt_succeeded(conn, [username_key(user["username"], policy_of(call))])
    send_email(
        conn,
        username=user["username"],
        to=user["email"],
        subject="Your password was changed",
        body=f"Hello {user['display_name']},\n\nthe password of {user['username']} was just set. Every "
        "session and remembered device of this login was signed out. If this was not you, call Customer "
        f"Service at once. (Sent to {mask_email(user['email'])}.)",
        now=call.now,
    )


HANDLERS = {
    "register": register,
    "recover_username": recover_username,
    "request_password_reset": request_password_reset,
    "reset_password": reset_password,
}
