"""Who may see what: the one place the sandbox scopes data to the caller.

Every route builds its queries with the filters below, so an object outside the caller's scope is simply not
found (404, the same body as a missing id) rather than forbidden: the portal never confirms another customer's
object exists.

Scopes:
- insured: the policies they are on, and only their own insured record on them;
- policyholder: everything of their customer account;
- agent: every customer of their agency (never Pay);
- support: everything, read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ssp_tui.api.models import Capability, Role
from ssp_tui.sandbox.problems import forbidden, not_found


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated user of a request."""

    user_id: str
    username: str
    role: Role
    session_id: str
    customer_id: str | None = None
    insured_id: str | None = None
    agency_id: str | None = None


Filter = tuple[str, list[object]]
"""A SQL boolean expression and its parameters."""

_NOTHING: Filter = ("0", [])
_EVERYTHING: Filter = ("1", [])


def customer_filter(caller: Caller, column: str) -> Filter:
    """Rows owned by a customer the caller may see (``column`` holds the customer id)."""
    match caller.role:
        case Role.SUPPORT:
            return _EVERYTHING
        case Role.AGENT:
            return f"{column} IN (SELECT id FROM customers WHERE agency_id = ?)", [caller.agency_id]
        case Role.POLICYHOLDER | Role.INSURED:
            return f"{column} = ?", [caller.customer_id]
    return _NOTHING


def policy_filter(caller: Caller, alias: str = "p") -> Filter:
    """Policies the caller may see; ``alias`` names the policies table in the query."""
    if caller.role is Role.INSURED:
        return (
            f"{alias}.id IN (SELECT policy_id FROM policy_insureds WHERE insured_id = ?)",
            [caller.insured_id],
        )
    return customer_filter(caller, f"{alias}.customer_id")


def billing_account_filter(caller: Caller, alias: str = "b") -> Filter:
    """Billing accounts holding at least one policy the caller may see."""
    if caller.role is Role.INSURED:
        sql, params = policy_filter(caller, "vp")
        return f"{alias}.id IN (SELECT vp.billing_account_id FROM policies vp WHERE {sql})", params
    return customer_filter(caller, f"{alias}.customer_id")


def insured_filter(caller: Caller, insured_column: str) -> Filter:
    """Insured people the caller may see on an already visible policy: an insured sees only themselves."""
    if caller.role is Role.INSURED:
        return f"{insured_column} = ?", [caller.insured_id]
    return _EVERYTHING


def seminar_activity_filter(caller: Caller, alias: str = "a") -> Filter:
    """Seminar history: the customer's, and for an insured only their own completions."""
    sql, params = customer_filter(caller, f"{alias}.customer_id")
    if caller.role is Role.INSURED:
        return (
            f"{sql} AND {alias}.participant = (SELECT name FROM insureds WHERE id = ?)",
            [*params, caller.insured_id],
        )
    return sql, params


def visible_policy(
    conn: sqlite3.Connection, caller: Caller, policy_id: str, *, what: str = "policy"
) -> sqlite3.Row:
    """The policy row, or 404 (naming ``what``) when it is missing or outside the caller's scope."""
    sql, params = policy_filter(caller)
    row = conn.execute(
        f"SELECT p.* FROM policies p WHERE p.id = ? AND {sql}", [policy_id, *params]
    ).fetchone()
    if row is None:
        raise not_found(what)
    return row


def visible_insured_on_policy(
    conn: sqlite3.Connection, caller: Caller, insured_id: str, policy_id: str
) -> sqlite3.Row:
    """The insured row when the insured is on a visible policy and the caller may see them; else 404 (one
    answer whichever of the two ids is wrong)."""
    visible_policy(conn, caller, policy_id, what="insured")
    sql, params = insured_filter(caller, "i.id")
    row = conn.execute(
        f"SELECT i.* FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id "
        f"WHERE i.id = ? AND pi.policy_id = ? AND {sql}",
        [insured_id, policy_id, *params],
    ).fetchone()
    if row is None:
        raise not_found("insured")
    return row


def require_role(caller: Caller, *roles: Role, detail: str) -> None:
    """403 for a role the endpoint is not for (the endpoint's existence is no secret)."""
    if caller.role not in roles:
        raise forbidden(detail)


def may_pay(caller: Caller, can_pay_online: bool) -> bool:
    """Only the policyholder pays, and only accounts InvoiceCloud serves (NORCAL)."""
    return caller.role is Role.POLICYHOLDER and can_pay_online


def capabilities(conn: sqlite3.Connection, caller: Caller) -> list[Capability]:
    """What the caller's menus offer; the routes enforce the same rules independently."""
    caps: list[Capability] = []
    if caller.role is Role.POLICYHOLDER:
        payable = conn.execute(
            "SELECT 1 FROM billing_accounts WHERE customer_id = ? AND can_pay_online = 1 LIMIT 1",
            [caller.customer_id],
        ).fetchone()
        if payable:
            caps.append(Capability.PAY)
    if caller.role is Role.AGENT:
        caps.append(Capability.AGENT_LIBRARY)
    if caller.role is Role.SUPPORT:
        caps.append(Capability.SUPPORT_TRIAGE)
    else:
        # Support is read-only: it may look at certificates but never request one, so no credentialing menu.
        caps.append(Capability.CREDENTIALING)
    return caps
