"""Seed certificate holders, certificates, claims histories and certificate-holder requests."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox import seed_names as names
from ssp_tui.sandbox.seed_model import Customer, SeedContext, instant, iso_instant, slug

CLAIMS_YEARS = 10
_INSURED_WITH_CLAIMS_SHARE = 0.12
_HOLDER_REQUEST_EXPECTED = timedelta(hours=48)
_WEST_HOLDER_SHARE = 0.65
_HOLDER_KINDS = {"hospital": 45, "surgery_center": 30, "health_plan": 25}
# Who receives certificates at each kind of holder (derived, not drawn: the random stream stays as it was).
_CONTACTS = {
    "hospital": "Medical Staff Office",
    "surgery_center": "Credentialing Coordinator",
    "health_plan": "Provider Credentialing",
}
_SUFFIXES = {
    "hospital": names.HOSPITAL_SUFFIXES,
    "surgery_center": names.SURGERY_CENTER_SUFFIXES,
    "health_plan": names.HEALTH_PLAN_SUFFIXES,
}
# Which statuses the demo customers' requests show, and whether a request is past its 48 hours.
_DEMO_REQUESTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "patel": (("completed", False), ("in_review", False)),
    "lakes": (("submitted", False), ("rejected", False), ("completed", False)),
    "mercy": (("submitted", True), ("completed", False)),
}


class Holder(NamedTuple):
    id: str
    name: str
    address: str
    city: str
    state: str
    zip: str


def _street(ctx: SeedContext) -> str:
    rng = ctx.rng
    return f"{rng.randint(100, 9899)} {rng.choice(names.STREET_NAMES)} {rng.choice(names.STREET_SUFFIXES)}"


def _zip(ctx: SeedContext, prefix: str) -> str:
    return f"{prefix}{ctx.rng.randrange(100):02d}"


def holder_email(name: str) -> str:
    """The credentialing mailbox of a holder (the reserved .example domain: nothing is ever delivered)."""
    return f"credentialing@{slug(name).replace('-', '')[:24]}.example"


def region(customer: Customer) -> str:
    """Where a customer practises: NORCAL's western states or ProAssurance's others."""
    return "west" if customer.city in names.WEST_CITIES else "east"


def seed_holders(ctx: SeedContext) -> dict[str, list[Holder]]:
    """Hospitals, surgery centres and health plans that ask for certificates, by region; names are distinct.

    A customer's certificates and requests go to holders in its own region (a Sacramento practice credentials
    with California hospitals, not Ohio ones).
    """
    holders: dict[str, list[Holder]] = {"west": [], "east": []}
    taken: dict[str, None] = {}
    for _ in range(24 + 6 * ctx.scale):
        kind = ctx.weighted(list(_HOLDER_KINDS), list(_HOLDER_KINDS.values()))
        where = "west" if ctx.rng.random() < _WEST_HOLDER_SHARE else "east"
        cities = names.WEST_CITIES if where == "west" else names.EAST_CITIES
        city, state, zip_prefix, _ = ctx.rng.choice(cities)
        name = f"{ctx.rng.choice(names.PLACE_WORDS)} {ctx.rng.choice(_SUFFIXES[kind])}"
        if name in taken:
            name = f"{name} of {city}"
        if name in taken:
            continue
        taken[name] = None
        address = _street(ctx) + (f", Suite {ctx.rng.randint(1, 9)}00" if kind == "health_plan" else "")
        holder = Holder(ctx.new_id("ch"), name, address, city, state, _zip(ctx, zip_prefix))
        holders[where].append(holder)
        ctx.add(
            "certificate_holders",
            (holder.id, name, kind, address, city, state, holder.zip, _CONTACTS[kind], holder_email(name)),
        )
    return holders


def seed_certificates(ctx: SeedContext, holders: dict[str, list[Holder]]) -> None:
    """Each insured of an active policy has certificates for one to three holders, current and renewal."""
    for customer in ctx.customers:
        nearby = holders[region(customer)]
        for policy in customer.policies:
            if policy.cancelled_on:
                continue
            terms = [t.term for t in policy.terms if t.term in ("current", "renewal")]
            for insured in policy.insureds:
                for holder in ctx.rng.sample(nearby, ctx.rng.randint(1, 3)):
                    for term in terms:
                        ctx.add("certificates", (ctx.new_id("ce"), policy.id, insured.id, holder.id, term))


def seed_claims(ctx: SeedContext) -> None:
    """Most insureds have no claims in ten years; some have one to three, mostly closed without indemnity."""
    rng, today = ctx.rng, ctx.today
    for customer in ctx.customers:
        for policy in customer.policies:
            for insured in policy.insureds:
                if insured.claims is not None:
                    count = insured.claims
                elif insured.is_person and rng.random() < _INSURED_WITH_CLAIMS_SHARE:
                    count = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
                else:
                    continue
                for _ in range(count):
                    incident = ctx.days_ago(180, CLAIMS_YEARS * 365 - 400)
                    reported = min(incident + timedelta(days=rng.randint(30, 400)), today)
                    closed = reported + timedelta(days=rng.randint(120, 1500))
                    is_open = closed >= today
                    paid = 0 if is_open or rng.random() < 0.6 else rng.randrange(25_000, 950_000) * 100
                    expense = rng.randrange(4_000, 180_000) * 100
                    number = ctx.unique_number(f"CL-{reported.year}-", 5)
                    ctx.add(
                        "claims",
                        (
                            ctx.new_id("cl"),
                            insured.id,
                            policy.id,
                            number,
                            "open" if is_open else "closed",
                            incident.isoformat(),
                            reported.isoformat(),
                            None if is_open else closed.isoformat(),
                            paid,
                            expense,
                            rng.choice(cat.ALLEGATIONS),
                        ),
                    )


def _request_times(ctx: SeedContext, status: str, overdue: bool) -> tuple[str, str, str | None]:
    """submitted_at, expected_by (48 h later) and completed_at, relative to the start of ``today`` (UTC)."""
    rng = ctx.rng
    midnight = instant(ctx.today)
    if status in ("submitted", "in_review"):
        # A fresh request is from the evening before (under 48 h old all day long on the day of seeding);
        # an overdue one is three to ten days old.
        submitted = midnight - timedelta(hours=rng.randint(72, 240) if overdue else rng.randint(4, 18))
        return iso_instant(submitted), iso_instant(submitted + _HOLDER_REQUEST_EXPECTED), None
    submitted = midnight - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 23))
    closed = submitted + timedelta(hours=rng.randint(4, 47))
    return iso_instant(submitted), iso_instant(submitted + _HOLDER_REQUEST_EXPECTED), iso_instant(closed)


def _add_request(
    ctx: SeedContext, customer: Customer, holders: dict[str, list[Holder]], status: str, overdue: bool
) -> None:
    rng = ctx.rng
    policies = [p for p in customer.policies if not p.cancelled_on] or customer.policies
    policy = rng.choice(policies)
    insured = rng.choice(policy.insureds)
    holder = rng.choice(holders[region(customer)])
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    email = holder_email(holder.name)
    submitted, expected, closed = _request_times(ctx, status, overdue)
    ctx.add(
        "holder_requests",
        (
            ctx.new_id("hr"),
            customer.policyholder_user_id,
            customer.id,
            policy.id,
            insured.id,
            holder.name,
            holder.address,
            holder.city,
            holder.state,
            holder.zip,
            f"{first} {last}",
            email,
            status,
            submitted,
            expected,
            closed,
        ),
    )


def seed_holder_requests(ctx: SeedContext, holders: dict[str, list[Holder]]) -> None:
    """Requests in every status; the demo customers' are fixed, a fifth of the others have a few at random."""
    statuses = ("submitted", "in_review", "completed", "rejected")
    for customer in ctx.customers:
        if customer.demo_key:
            for status, overdue in _DEMO_REQUESTS.get(customer.demo_key, ()):
                _add_request(ctx, customer, holders, status, overdue)
            continue
        if ctx.rng.random() >= 0.2:
            continue
        for _ in range(ctx.rng.randint(1, 3)):
            status = ctx.weighted(statuses, (2, 2, 6, 1))
            _add_request(ctx, customer, holders, status, overdue=ctx.rng.random() < 0.3)
