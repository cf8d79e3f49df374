"""Seed what users have asked of the portal lately: registrations (one waiting for the portal team, one
approved with its invitation in the outbox), policy change requests in every state, remembered devices, and
the completed renewal applications of agents' clients (some still missing).

Seeded last, so its random draws come after every other table's and change none of their rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec

from ssp_tui.api.constants import INVITATION_TTL_DAYS
from ssp_tui.api.models import (
    AddInsuredChange,
    LimitsChange,
    MailingAddressChange,
    OtherChange,
    PolicyChange,
)
from ssp_tui.sandbox.auth_tokens import token_hash
from ssp_tui.sandbox.change_rules import KINDS, summary, timeline
from ssp_tui.sandbox.mailer import SIGNATURE
from ssp_tui.sandbox.passwords import unusable_hash
from ssp_tui.sandbox.registrations import invitation_text
from ssp_tui.sandbox.seed_documents import add_document
from ssp_tui.sandbox.seed_model import Customer, Policy, SeedContext, instant, iso_instant
from ssp_tui.sandbox.seed_users import claim_username

RENEWAL_APPLICATION_MISSING_SHARE = 0.25
CHANGE_REQUEST_SHARE = 0.08
"""Background customers with a completed change request in their history."""
DEMO_INVITATION_CODE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class DemoChange:
    customer_key: str
    username: str
    change: PolicyChange
    submitted_days_ago: float
    outcome: str
    decision: str
    stuck: bool = False
    """Waiting on the underwriter: no decision time, so it runs overdue."""


def _demo_changes(ctx: SeedContext) -> list[DemoChange]:
    today = ctx.today
    return [
        DemoChange(
            "patel",
            "dr.patel",
            MailingAddressChange(
                address="2600 Capitol Ave, Suite 310",
                city="Sacramento",
                state="CA",
                zip="95816",
                effective_on=today - timedelta(days=38),
            ),
            40,
            "completed",
            "The mailing address is updated; new documents carry it.",
        ),
        DemoChange(
            "patel",
            "dr.patel",
            AddInsuredChange(
                name="Hannah Cole",
                credentials="NP",
                specialty="Nurse Practitioner",
                effective_on=today + timedelta(days=17),
            ),
            1.1,
            "completed",
            "Hannah Cole is added; the endorsement is with the policy documents.",
        ),
        DemoChange(
            "lakes",
            "office.lakes",
            LimitsChange(
                limit_per_claim_cents=2_000_000_00,
                limit_aggregate_cents=4_000_000_00,
                effective_on=today - timedelta(days=12),
            ),
            15,
            "rejected",
            "Underwriting does not raise limits mid-term while a claim is open on the policy; "
            "ask again with the renewal.",
        ),
        DemoChange(
            "lakes",
            "office.lakes",
            OtherChange(
                description="Please list our new satellite clinic at 3150 Leonard St NE, Grand Rapids, "
                "MI 49525 as an additional practice location."
            ),
            0.02,
            "completed",
            "Done as asked; the underwriter will contact you if anything more is needed.",
        ),
        DemoChange(
            "mercy",
            "credentialing.mercy",
            OtherChange(
                description="Add our second operating suite (Pavilion B, opened in October) to the "
                "facility schedule."
            ),
            9,
            "completed",
            "",
            stuck=True,
        ),
    ]


def _users_by_name(ctx: SeedContext) -> dict[str, str]:
    return {str(row[1]): str(row[0]) for row in ctx.rows["users"]}


def _add_change(
    ctx: SeedContext, customer: Customer, policy: Policy, user_id: str, demo: DemoChange, now: datetime
) -> None:
    submitted = now - timedelta(days=demo.submitted_days_ago)
    submitted = submitted.replace(second=0, microsecond=0)
    review_at, decide_at, expected_by = timeline(submitted)
    decided = not demo.stuck and decide_at <= now
    status = demo.outcome if decided else "in_review" if review_at <= now else "submitted"
    ctx.add(
        "change_requests",
        (
            ctx.new_id("pc"),
            user_id,
            customer.id,
            policy.id,
            KINDS[type(demo.change)].value,
            msgspec.json.encode(demo.change).decode(),
            summary(demo.change),
            "",
            status,
            iso_instant(submitted),
            iso_instant(expected_by),
            iso_instant(review_at),
            None if demo.stuck else iso_instant(decide_at),
            demo.outcome,
            demo.decision,
            iso_instant(decide_at) if decided else None,
        ),
    )


def seed_change_requests(ctx: SeedContext) -> None:
    now = instant(ctx.today, 12)
    users = _users_by_name(ctx)
    by_key = {c.demo_key: c for c in ctx.customers if c.demo_key}
    for demo in _demo_changes(ctx):
        customer = by_key[demo.customer_key]
        _add_change(ctx, customer, customer.policies[0], users[demo.username], demo, now)
    for customer in ctx.customers:
        if customer.demo_key or ctx.rng.random() >= CHANGE_REQUEST_SHARE:
            continue
        policy = customer.policies[0]
        if policy.cancelled_on is not None:
            continue
        effective_on = ctx.days_ago(20, 150)
        moved = DemoChange(
            "",
            "",
            MailingAddressChange(
                address=f"{ctx.rng.randint(100, 9899)} Professional Pkwy",
                city=customer.city[0],
                state=customer.city[1],
                zip=f"{customer.city[2]}{ctx.rng.randrange(100):02d}",
                effective_on=effective_on,
            ),
            (ctx.today - effective_on).days + 2,
            "completed",
            "The mailing address is updated; new documents carry it.",
        )
        _add_change(ctx, customer, policy, customer.policyholder_user_id, moved, now)


def seed_registrations(ctx: SeedContext) -> None:
    """One registration waiting for the portal team, and one approved whose invitation waits in the outbox."""
    by_key = {c.demo_key: c for c in ctx.customers if c.demo_key}
    lakes, kim = by_key["lakes"], by_key["kim"]
    waiting_at = instant(ctx.today - timedelta(days=1), 15, 40)
    ctx.add(
        "registrations",
        (
            ctx.new_id("rg"),
            "authorized_user",
            "Anna Lindqvist",
            "anna.lindqvist@greatlakesortho.example",
            "616-555-0187",
            lakes.policies[0].number,
            lakes.name,
            "pending",
            "",
            iso_instant(waiting_at),
            None,
            None,
        ),
    )
    submitted = instant(ctx.today - timedelta(days=3), 9, 12)
    approved = instant(ctx.today, 9, 30)
    user_id = ctx.new_id("us")
    ctx.add(
        "users",
        (
            user_id,
            # Claimed, so that a later seed (the large book's policyholder logins) cannot draw it again.
            claim_username(ctx, "opark"),
            "Owen Park",
            "owen.park@minakimdo.example",
            "614-555-0163",
            "policyholder",
            kim.id,
            None,
            None,
            unusable_hash(ctx.rng),
            None,
            0,
            None,
            None,
            None,
        ),
    )
    ctx.add(
        "registrations",
        (
            ctx.new_id("rg"),
            "authorized_user",
            "Owen Park",
            "owen.park@minakimdo.example",
            "614-555-0163",
            kim.policies[0].number,
            kim.name,
            "approved",
            "",
            iso_instant(submitted),
            iso_instant(approved),
            user_id,
        ),
    )
    code = f"{ctx.rng.randrange(10**DEMO_INVITATION_CODE_DIGITS):0{DEMO_INVITATION_CODE_DIGITS}d}"
    ctx.add(
        "account_codes",
        (
            user_id,
            "invitation",
            None,
            token_hash(code),
            None,
            iso_instant(approved),
            iso_instant(approved + timedelta(days=INVITATION_TTL_DAYS)),
            0,
            0,
        ),
    )
    body = invitation_text("Owen Park", "opark", code) + SIGNATURE
    ctx.add(
        "outbox",
        (
            "opark",
            "email",
            code,
            iso_instant(approved),
            "owen.park@minakimdo.example",
            "Your portal login is ready",
            body,
        ),
    )


_DEVICES = {
    "dr.patel": (
        ("Chrome 131 on Windows from 73.162.18.40", 20, 2),
        ("Safari on iPhone from 172.58.96.11", 9, 9),
    ),
    "office.lakes": (("Edge 131 on Windows from 68.43.120.7", 4, 1),),
}
"""Remembered devices of demo users: label, remembered days ago, last used days ago."""


def seed_devices(ctx: SeedContext) -> None:
    users = _users_by_name(ctx)
    for username, devices in _DEVICES.items():
        for label, remembered, used in devices:
            at = instant(ctx.today - timedelta(days=remembered), 8 + remembered % 9)
            ctx.add(
                "device_tokens",
                (
                    ctx.rng.randbytes(32).hex(),
                    users[username],
                    iso_instant(at + timedelta(days=30)),
                    ctx.new_id("dev"),
                    label,
                    iso_instant(at),
                    iso_instant(instant(ctx.today - timedelta(days=used), 7, 45)),
                ),
            )


_QUESTIONS = (
    "Has any claim or incident been reported against an insured in the past 12 months?",
    "Has any insured's license, DEA registration or hospital privileges been restricted or placed on "
    "probation in the past 12 months?",
    "Have the specialties, procedures performed or practice locations changed in the past 12 months?",
    "Average patient encounters per insured per week:",
)


def seed_renewal_applications(ctx: SeedContext) -> None:
    """Each agency-written renewal term gets its completed application, except a share still missing (and,
    for the demo, the Patel group's second policy, so agent.rivera's Home has one to chase)."""
    rng = ctx.rng
    for customer in ctx.customers:
        if customer.agency is None:
            continue
        for index, policy in enumerate(customer.policies):
            renewal = policy.term("renewal")
            if renewal is None:
                continue
            demo_missing = customer.demo_key == "patel" and index > 0
            if demo_missing or (not customer.demo_key and rng.random() < RENEWAL_APPLICATION_MISSING_SHARE):
                continue
            completed = ctx.days_ago(3, 40)
            signer = policy.insureds[0]
            answers = [
                (_QUESTIONS[0], rng.choice(("No.", "No.", "Yes; reported to the claims department."))),
                (_QUESTIONS[1], "No."),
                (_QUESTIONS[2], rng.choice(("No.", "No.", "Added a second office location."))),
                (_QUESTIONS[3], str(rng.randint(45, 120))),
            ]
            add_document(
                ctx,
                policy,
                renewal,
                f"Renewal application, term beginning {renewal.start:%m/%d/%Y}",
                "renewal_application",
                completed,
                {
                    "completed_on": completed.isoformat(),
                    "signed_by": f"{signer.name}, {signer.credentials}" if signer.is_person else signer.name,
                    "answers": answers,
                },
                pages=2,
            )


def seed_requests(ctx: SeedContext) -> None:
    seed_registrations(ctx)
    seed_change_requests(ctx)
    seed_devices(ctx)
    seed_renewal_applications(ctx)
