"""The large book: one agency, and one agent login, serving a large broker's whole book of business.

``sandbox reset --large-book`` (or ``serve --large-book``) adds it to the regular demo data, so that the
screens and commands can be measured at a real agency's size (docs/performance.md): by default at least 2,000
policies, 10,000 insureds, 40,000 certificates, 100,000 documents and 200,000 seminar completions. It is drawn
from its own ``random.Random`` after the rest of the seed, so the regular data is the same with or without it,
and the same seed always gives the same book.

The book's customers, policies, billing, claims and holder requests come from the regular seed functions. Its
documents, certificates and seminar activity are sized to the targets exactly (a target is met, never missed
or passed by more than a row): the three to five documents every term opens with are topped up with schedule
endorsements and installment invoices spread at random over the terms. Its documents use the ``book``
generator (``pdfs/book.py``): real PDFs built in microseconds from the row alone, never stored.
"""

from __future__ import annotations

import json
import random
from dataclasses import astuple, dataclass
from datetime import date, timedelta

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox.seed_billing import seed_billing
from ssp_tui.sandbox.seed_content import Completable, add_activity, seminar_attendees
from ssp_tui.sandbox.seed_credentialing import Holder, region, seed_claims, seed_holder_requests
from ssp_tui.sandbox.seed_demo import DemoUserSpec
from ssp_tui.sandbox.seed_model import Agency, Customer, Insured, Policy, SeedContext, TermDates, slug
from ssp_tui.sandbox.seed_people import seed_random_customer
from ssp_tui.sandbox.seed_policies import seed_customer_policies
from ssp_tui.sandbox.seed_users import seed_demo_logins, seed_policyholder_logins

BOOK_GENERATOR = "book"
BOOK_AGENCY = ("Summit Medical Liability Brokers", "Denver", "CO")
BOOK_AGENT = DemoUserSpec(
    username="bigbook",
    role="agent",
    display_name="Morgan Ellis",
    note="agent with the large book: thousands of policies (only with --large-book)",
    agency_index=0,
)
_KIND_WEIGHTS = {"physician": 15, "group": 75, "facility": 10}
"""A large broker's book is mostly medical groups: about five insureds a policy."""
_PAGES = {"declarations": 2, "policy_form": 2}
"""Pages of a book document by type (others have one)."""


@dataclass(frozen=True, slots=True)
class BookSize:
    """How much the book holds at least."""

    policies: int = 2_000
    insureds: int = 10_000
    certificates: int = 40_000
    documents: int = 100_000
    activity: int = 200_000

    def to_text(self) -> str:
        return ",".join(str(n) for n in astuple(self))

    @classmethod
    def from_text(cls, text: str) -> BookSize:
        return cls(*(int(part) for part in text.split(",")))


LARGE_BOOK = BookSize()


@dataclass(slots=True)
class _Term:
    """A policy term that gets documents."""

    customer: Customer
    policy: Policy
    term: TermDates


def seed_book(
    main: SeedContext, size: BookSize, holders: dict[str, list[Holder]], completable: Completable, seed: int
) -> None:
    """Add the book's agency, agent, customers and everything they hold to ``main.rows``."""
    ctx = SeedContext(
        random.Random(f"large-book:{seed}"),
        main.today,
        main.scale,
        rows=main.rows,
        used_numbers=main.used_numbers,
        usernames=main.usernames,
    )
    agency = Agency(ctx.new_id("ag"), *BOOK_AGENCY)
    ctx.agencies.append(agency)
    ctx.add("agencies", (agency.id, agency.name, agency.city, agency.state))
    policies = insureds = 0
    while policies < size.policies or insureds < size.insureds:
        customer = seed_random_customer(ctx, agency=agency, kind_weights=_KIND_WEIGHTS)
        seed_customer_policies(ctx, customer, None)
        policies += len(customer.policies)
        insureds += len(customer.insureds)
    seed_demo_logins(ctx, (BOOK_AGENT,), first_position=len(main.rows["demo_accounts"]) + 1)
    seed_policyholder_logins(ctx)
    seed_billing(ctx)
    _seed_documents(ctx, size.documents)
    _seed_certificates(ctx, holders, size.certificates)
    seed_claims(ctx)
    seed_holder_requests(ctx, holders)
    attendees = seminar_attendees(ctx)
    add_activity(ctx, [ctx.rng.choice(attendees) for _ in range(size.activity)], completable)


def _document(ctx: SeedContext, where: _Term, kind: str, title: str, issued: date, insured: str = "") -> None:
    policy, term = where.policy, where.term
    facts = {
        "insurer": where.customer.insurer,
        "policy_number": policy.number,
        "policyholder": where.customer.name,
        "term_start": term.start.isoformat(),
        "term_end": term.end.isoformat(),
        "insured": insured,
    }
    ctx.add(
        "documents",
        (
            ctx.new_id("do"),
            policy.id,
            term.term,
            title,
            kind,
            issued.isoformat(),
            f"{policy.number}_{term.start.year}_{slug(title)}.pdf",
            BOOK_GENERATOR,
            json.dumps(facts, separators=(",", ":")),
            _PAGES.get(kind, 1),
        ),
    )


def _issued(ctx: SeedContext, term: TermDates) -> date:
    """A day within the term that is not after today (documents of a future term: three weeks before it)."""
    last = min(term.end - timedelta(days=1), ctx.today)
    if last < term.start:
        return min(term.start - timedelta(days=21), ctx.today)
    return term.start + timedelta(days=ctx.rng.randint(0, (last - term.start).days))


def _opening_documents(ctx: SeedContext, where: _Term) -> int:
    """What every term has: declarations, the policy form, an invoice, and its notices. Returns how many."""
    policy, term = where.policy, where.term
    opened = min(term.start - timedelta(days=ctx.rng.randint(21, 45)), ctx.today)
    form_number, form_title = cat.POLICY_FORMS[policy.coverage_type]
    span = f"{term.start:%m/%d/%Y} to {term.end:%m/%d/%Y}"
    _document(ctx, where, "declarations", f"Declarations, {span}", opened)
    _document(ctx, where, "policy_form", f"Policy form {form_number}: {form_title}", opened)
    _document(ctx, where, "invoice", f"Invoice INV-{term.start.year}-{ctx.rng.randrange(10**6):06d}", opened)
    count = 3
    if term.term == "renewal":
        _document(
            ctx, where, "renewal_notice", f"Renewal notice, term beginning {term.start:%m/%d/%Y}", opened
        )
        count += 1
    if term.term == "current" and policy.cancelled_on:
        title = f"Notice of cancellation effective {policy.cancelled_on:%m/%d/%Y}"
        _document(ctx, where, "cancellation_notice", title, min(policy.cancelled_on, ctx.today))
        count += 1
    return count


def _seed_documents(ctx: SeedContext, target: int) -> None:
    terms = [
        _Term(customer, policy, term)
        for customer in ctx.customers
        for policy in customer.policies
        for term in policy.terms
    ]
    made = sum(_opening_documents(ctx, where) for where in terms)
    installments: dict[int, int] = {}
    while made < target:
        index = ctx.rng.randrange(len(terms))
        where = terms[index]
        if ctx.rng.random() < 0.5 and where.policy.insureds:
            insured = ctx.rng.choice(where.policy.insureds)
            form, title, _ = ctx.rng.choice(cat.ENDORSEMENTS)
            _document(
                ctx,
                where,
                "endorsement",
                f"Endorsement {form}: {title}, {insured.name}",
                _issued(ctx, where.term),
                insured.name,
            )
        else:
            installments[index] = number = installments.get(index, 1) + 1
            title = (
                f"Installment invoice {number}, INV-{where.term.start.year}-{ctx.rng.randrange(10**6):06d}"
            )
            _document(ctx, where, "invoice", title, _issued(ctx, where.term))
        made += 1


def _seed_certificates(ctx: SeedContext, holders: dict[str, list[Holder]], target: int) -> None:
    """Every insured of an active policy has a certificate for one holder in each current and renewal term;
    more holders are then added to insureds drawn at random until there are ``target`` certificates."""
    pairs: list[tuple[Customer, Policy, Insured, list[str]]] = []
    for customer in ctx.customers:
        for policy in customer.policies:
            if policy.cancelled_on:
                continue
            terms = [t.term for t in policy.terms if t.term in ("current", "renewal")]
            pairs += [(customer, policy, insured, terms) for insured in policy.insureds]
    wanted = [1] * len(pairs)
    made = sum(len(terms) for *_, terms in pairs)
    while made < target and pairs:
        index = ctx.rng.randrange(len(pairs))
        customer, _, _, terms = pairs[index]
        if wanted[index] < len(holders[region(customer)]):
            wanted[index] += 1
            made += len(terms)
    for (customer, policy, insured, terms), count in zip(pairs, wanted, strict=True):
        for holder in ctx.rng.sample(holders[region(customer)], count):
            for term in terms:
                ctx.add("certificates", (ctx.new_id("ce"), policy.id, insured.id, holder.id, term))
