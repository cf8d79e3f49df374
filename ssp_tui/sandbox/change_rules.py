"""What the portal accepts as a policy change request, what it says about it, and how the sandbox moves it
through its states on its clock.

- Refused at once (422/404): a change outside the policy's current or renewal term, limits the insurer does
  not write or the policy already has, removing the last insured or one not on the policy, adding someone
  already insured on it, a cancelled policy.
- Decided later by the underwriter, in the sandbox by rule: raising limits while a claim is open on the
  policy, or adding an insured from more than 30 days back, is rejected; everything else is completed.
- Timing: in review an hour after submission, decided two business days after it (the promise is three);
  a request seeded without a decision time waits on the underwriter and runs overdue.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import msgspec

from ssp_tui.api.constants import CHANGE_REQUEST_EXPECTED_BUSINESS_DAYS
from ssp_tui.api.models import (
    AddInsuredChange,
    ChangeKind,
    LimitsChange,
    MailingAddressChange,
    OtherChange,
    PolicyChange,
    RemoveInsuredChange,
)
from ssp_tui.sandbox.business_days import add_business_days
from ssp_tui.sandbox.http_io import money, utc_text
from ssp_tui.sandbox.problems import invalid, not_found
from ssp_tui.sandbox.seed_catalog import FACILITY_LIMITS, INDIVIDUAL_LIMITS

KINDS: dict[type, ChangeKind] = {
    MailingAddressChange: ChangeKind.MAILING_ADDRESS,
    AddInsuredChange: ChangeKind.ADD_INSURED,
    RemoveInsuredChange: ChangeKind.REMOVE_INSURED,
    LimitsChange: ChangeKind.CHANGE_LIMITS,
    OtherChange: ChangeKind.OTHER,
}
WRITTEN_LIMITS = sorted(
    {(lim.per_claim_cents, lim.aggregate_cents) for lim in INDIVIDUAL_LIMITS + FACILITY_LIMITS}
)
REVIEW_AFTER = timedelta(hours=1)
DECIDE_AFTER_BUSINESS_DAYS = 2
BACKDATING_LIMIT = timedelta(days=30)
_DECODER = msgspec.json.Decoder(PolicyChange)


def decode_change(text: str) -> PolicyChange:
    return _DECODER.decode(text)


def limits_words(per_claim_cents: int, aggregate_cents: int) -> str:
    return f"{money(per_claim_cents).removesuffix('.00')} / {money(aggregate_cents).removesuffix('.00')}"


def summary(change: PolicyChange, insured_name: str = "") -> str:
    """The change in a few words, for lists and Home."""
    match change:
        case MailingAddressChange():
            where = f"{change.address}, {change.city}, {change.state} {change.zip}"
            return f"Mailing address to {where} from {change.effective_on}"
        case AddInsuredChange():
            return f"Add {change.name}, {change.credentials} ({change.specialty}) from {change.effective_on}"
        case RemoveInsuredChange():
            return f"Remove {insured_name or 'an insured'} from {change.effective_on} ({change.reason})"
        case LimitsChange():
            words = limits_words(change.limit_per_claim_cents, change.limit_aggregate_cents)
            return f"Limits to {words} from {change.effective_on}"
        case OtherChange():
            text = change.description
            return text if len(text) <= 80 else text[:79] + "…"
    raise TypeError(type(change).__name__)


def _terms(conn: sqlite3.Connection, policy_id: str) -> dict[str, sqlite3.Row]:
    return {t["term"]: t for t in conn.execute("SELECT * FROM policy_terms WHERE policy_id = ?", [policy_id])}


def _check_effective(conn: sqlite3.Connection, policy: sqlite3.Row, effective_on: date) -> None:
    terms = _terms(conn, policy["id"])
    current = terms.get("current")
    if current is None:
        raise invalid("policy_id", "this policy has no current term to change")
    last = terms.get("renewal", current)
    start, end = date.fromisoformat(current["start"]), date.fromisoformat(last["end"])
    if not start <= effective_on < end:
        raise invalid(
            "change.effective_on",
            f"must fall within the policy's current term or its renewal "
            f"({start} to {end - timedelta(days=1)})",
        )


def _insureds(conn: sqlite3.Connection, policy_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT i.* FROM insureds i JOIN policy_insureds pi ON pi.insured_id = i.id WHERE pi.policy_id = ?",
        [policy_id],
    ).fetchall()


def check(conn: sqlite3.Connection, policy: sqlite3.Row, change: PolicyChange) -> str:
    """Refuse what the portal refuses at once; returns the request's summary."""
    if policy["status"] != "active":
        raise invalid("policy_id", "changes are made only to active policies")
    if not isinstance(change, OtherChange):
        _check_effective(conn, policy, change.effective_on)
    insureds = _insureds(conn, policy["id"])
    match change:
        case RemoveInsuredChange():
            leaving = next((i for i in insureds if i["id"] == change.insured_id), None)
            if leaving is None:
                raise not_found("insured")
            if len(insureds) == 1:
                raise invalid(
                    "change.insured_id",
                    "a policy keeps at least one insured; to end the policy, describe it as another change",
                )
            return summary(change, leaving["name"])
        case AddInsuredChange():
            if any(i["name"].casefold() == change.name.strip().casefold() for i in insureds):
                raise invalid("change.name", f"{change.name.strip()} is already insured on this policy")
        case LimitsChange():
            wanted = (change.limit_per_claim_cents, change.limit_aggregate_cents)
            if wanted not in WRITTEN_LIMITS:
                offered = "; ".join(limits_words(*pair) for pair in WRITTEN_LIMITS)
                raise invalid("change.limit_per_claim_cents", f"the insurer writes these limits: {offered}")
            current = _terms(conn, policy["id"])["current"]
            if wanted == (current["limit_per_claim_cents"], current["limit_aggregate_cents"]):
                raise invalid("change.limit_per_claim_cents", "these are already the policy's limits")
    return summary(change)


def decide(
    conn: sqlite3.Connection, policy: sqlite3.Row, change: PolicyChange, submitted: datetime
) -> tuple[str, str]:
    """(outcome, decision) the underwriter will give: completed or rejected, and why in plain words."""
    match change:
        case LimitsChange():
            current = _terms(conn, policy["id"])["current"]
            raising = change.limit_per_claim_cents > current["limit_per_claim_cents"]
            open_claim = conn.execute(
                "SELECT 1 FROM claims WHERE policy_id = ? AND status = 'open' LIMIT 1", [policy["id"]]
            ).fetchone()
            if raising and open_claim:
                return "rejected", (
                    "Underwriting does not raise limits mid-term while a claim is open on the policy; ask "
                    "again with the renewal."
                )
            return (
                "completed",
                "The limits are changed as asked; the premium adjustment is billed on the account.",
            )
        case AddInsuredChange() if change.effective_on < submitted.date() - BACKDATING_LIMIT:
            return "rejected", (
                "Coverage for a new insured cannot start more than 30 days before the request; ask again "
                "with a later effective date."
            )
        case AddInsuredChange():
            return "completed", f"{change.name} is added; the endorsement is with the policy documents."
        case RemoveInsuredChange():
            return "completed", "The insured is removed; prior acts stay covered as the policy states."
        case MailingAddressChange():
            return "completed", "The mailing address is updated; new documents carry it."
    return "completed", "Done as asked; the underwriter will contact you if anything more is needed."


def timeline(submitted: datetime) -> tuple[datetime, datetime, datetime]:
    """(review at, decide at, expected by) for a request submitted at ``submitted``."""
    return (
        submitted + REVIEW_AFTER,
        add_business_days(submitted, DECIDE_AFTER_BUSINESS_DAYS),
        add_business_days(submitted, CHANGE_REQUEST_EXPECTED_BUSINESS_DAYS),
    )


def advance(conn: sqlite3.Connection, now: datetime) -> None:
    """Move every request whose time has come (the caller holds a write transaction)."""
    moment = utc_text(now)
    conn.execute(
        "UPDATE change_requests SET status = 'in_review' WHERE status = 'submitted' AND review_at <= ?",
        [moment],
    )
    conn.execute(
        "UPDATE change_requests SET status = outcome, decided_at = decide_at "
        "WHERE status IN ('submitted', 'in_review') AND decide_at IS NOT NULL AND decide_at <= ?",
        [moment],
    )
