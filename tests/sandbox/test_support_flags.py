"""Support triage at the API: every seeded problem account carries its flag (checked against the database, not
against the sandbox's own flag code), only support may call /support, and the plain-text summary built from
what /support answers holds no secret of any user."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import msgspec
import pytest
from sandbox_harness import SandboxServer

from ssp_tui import clock
from ssp_tui.api.models import FlagKind, Page, SupportAccount, SupportAccountHit
from ssp_tui.formatting import money
from ssp_tui.operations.support_summary import account_summary

PROBLEM_USERS: dict[str, FlagKind] = {
    "billing.coastal": FlagKind.PAST_DUE,
    "dr.lopez": FlagKind.LOCKED_USER,
    "dr.kim": FlagKind.MFA_NOT_ENROLLED,
    "credentialing.mercy": FlagKind.OVERDUE_HOLDER_REQUEST,
    "dr.abbott": FlagKind.CANCELLED_POLICY,
}
"""The seed's triage logins (seed_demo.DEMO_USERS) and the problem each one's account must show."""
NOT_SUPPORT = ("dr.patel", "dr.nguyen", "agent.rivera", "office.lakes")


@pytest.fixture(scope="module")
def conn(sandbox: SandboxServer) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(sandbox.db_path)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def search(sandbox: SandboxServer, query: str) -> list[SupportAccountHit]:
    with sandbox.client(sandbox.token("support.morgan")) as client:
        answer = client.get("/support/accounts", params={"q": query, "limit": 200})
    answer.raise_for_status()
    return msgspec.json.decode(answer.content, type=Page[SupportAccountHit]).items


def account(sandbox: SandboxServer, account_id: str) -> SupportAccount:
    with sandbox.client(sandbox.token("support.morgan")) as client:
        answer = client.get(f"/support/accounts/{account_id}")
    answer.raise_for_status()
    return msgspec.json.decode(answer.content, type=SupportAccount)


def customer_of(conn: sqlite3.Connection, username: str) -> sqlite3.Row:
    return conn.execute(
        "SELECT u.id AS user_id, u.customer_id FROM users u WHERE u.username = ?", [username]
    ).fetchone()


def expected_message_parts(conn: sqlite3.Connection, username: str, kind: FlagKind) -> list[str]:
    """What the flag's words must name, read from the database."""
    user = customer_of(conn, username)
    match kind:
        case FlagKind.LOCKED_USER:
            locked_at = conn.execute("SELECT locked_at FROM users WHERE id = ?", [user["user_id"]]).fetchone()
            return [f"user {username} locked since {locked_at[0][:10]}"]
        case FlagKind.MFA_NOT_ENROLLED:
            return [f"MFA never enrolled for user {username}"]
        case FlagKind.CANCELLED_POLICY:
            row = conn.execute(
                "SELECT policy_number FROM policies WHERE customer_id = ? AND status = 'cancelled'",
                [user["customer_id"]],
            ).fetchone()
            return [f"policy {row[0]} cancelled"]
        case FlagKind.OVERDUE_HOLDER_REQUEST:
            row = conn.execute(
                "SELECT holder_name FROM holder_requests WHERE customer_id = ? "
                "AND status IN ('submitted', 'in_review') AND expected_by < ?",
                [user["customer_id"], clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")],
            ).fetchone()
            return [f"holder request for {row[0]}", "days old"]
        case FlagKind.PAST_DUE:
            return ["past due $", "since"]
    raise AssertionError(f"no expectation for {kind}")


@pytest.mark.parametrize(("username", "kind"), PROBLEM_USERS.items())
def test_every_seeded_problem_account_shows_its_flag(
    sandbox: SandboxServer, conn: sqlite3.Connection, username: str, kind: FlagKind
) -> None:
    hits = [hit for hit in search(sandbox, username) if username in hit.usernames]
    assert len(hits) == 1, f"searching {username} finds its account once"
    hit = hits[0]
    assert hit.id == customer_of(conn, username)["customer_id"]
    flags = [flag for flag in hit.flags if flag.kind is kind]
    assert flags, f"{username}: no {kind.value} flag in {hit.flags}"
    for part in expected_message_parts(conn, username, kind):
        assert any(part in flag.message for flag in flags), (part, flags)

    overview = account(sandbox, hit.id)
    assert [f.message for f in overview.flags] == [f.message for f in hit.flags]
    match kind:
        case FlagKind.PAST_DUE:
            late = [b for b in overview.billing if b.past_due_cents > 0]
            assert late and late[0].past_due_since is not None
            assert any(f"past due {money(late[0].past_due_cents)} since" in flag.message for flag in flags)
        case FlagKind.LOCKED_USER:
            assert [u.locked for u in overview.users if u.username == username] == [True]
        case FlagKind.MFA_NOT_ENROLLED:
            assert [u.mfa_enrolled for u in overview.users if u.username == username] == [False]
        case FlagKind.CANCELLED_POLICY:
            assert any(p.status.value == "cancelled" for p in overview.policies)
        case FlagKind.OVERDUE_HOLDER_REQUEST:
            now = clock.now()
            assert any(r.expected_by < now and r.completed_at is None for r in overview.holder_requests)


def test_the_healthy_demo_account_has_no_flag(sandbox: SandboxServer) -> None:
    hits = [hit for hit in search(sandbox, "dr.patel") if "dr.patel" in hit.usernames]
    assert len(hits) == 1 and hits[0].flags == []


def test_every_search_field_finds_the_account(sandbox: SandboxServer, conn: sqlite3.Connection) -> None:
    user = conn.execute(
        "SELECT u.customer_id, u.email, c.name FROM users u JOIN customers c ON c.id = u.customer_id "
        "WHERE u.username = 'dr.lopez'"
    ).fetchone()
    policy = conn.execute(
        "SELECT policy_number FROM policies WHERE customer_id = ?", [user["customer_id"]]
    ).fetchone()[0]
    insured = conn.execute(
        "SELECT name FROM insureds WHERE customer_id = ?", [user["customer_id"]]
    ).fetchone()[0]
    for query in (policy, user["name"], insured, "dr.lopez", user["email"]):
        assert user["customer_id"] in {hit.id for hit in search(sandbox, query)}, query


@pytest.mark.parametrize("username", NOT_SUPPORT)
def test_other_roles_are_refused(sandbox: SandboxServer, conn: sqlite3.Connection, username: str) -> None:
    some_account = conn.execute("SELECT id FROM customers LIMIT 1").fetchone()[0]
    with sandbox.client(sandbox.token(username)) as client:
        for path, params in (("/support/accounts", {"q": "a"}), (f"/support/accounts/{some_account}", {})):
            answer = client.get(path, params=params)
            assert answer.status_code == 403, (username, path, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")


def test_an_unknown_account_is_404_for_support(sandbox: SandboxServer) -> None:
    with sandbox.client(sandbox.token("support.morgan")) as client:
        assert client.get("/support/accounts/cu_nosuchaccount00").status_code == 404


def test_no_summary_holds_a_secret(sandbox: SandboxServer, conn: sqlite3.Connection) -> None:
    """Every account's summary against every user's password hash and TOTP secret in the database, the demo
    passwords, and the support user's own tokens."""
    session = sandbox.session("support.morgan")
    secrets = {session.access_token, session.refresh_token}
    secrets |= {a.password for a in sandbox.accounts}
    secrets |= {a.totp_secret for a in sandbox.accounts if a.totp_secret}
    for row in conn.execute("SELECT password_hash, totp_secret, demo_password FROM users"):
        secrets |= {value for value in row if value}
        # A hash's parts (salt, digest) must not leak either.
        secrets |= {part for part in row["password_hash"].split("$") if len(part) >= 12}
    if session.device_token:
        secrets.add(session.device_token)
    hits = search(sandbox, "")
    assert len(hits) >= len(PROBLEM_USERS)
    for hit in hits:
        summary = account_summary(account(sandbox, hit.id))
        leaked = [secret for secret in secrets if secret in summary]
        assert not leaked, f"{hit.name}: the summary holds a secret"
