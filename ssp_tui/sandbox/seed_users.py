"""Seed the logins: the demo users (real scrypt hashes, shown by ``sandbox accounts``) and background users.

Background users exist to be searched and triaged by support; their stored hash is well formed but matches no
known password, so seeding them costs no scrypt work. A small share of them is locked or never enrolled MFA,
as in a real portal.
"""

from __future__ import annotations

import base64
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import NamedTuple

from ssp_tui.sandbox import seed_names as names
from ssp_tui.sandbox.passwords import SALT_BYTES, hash_password, unusable_hash
from ssp_tui.sandbox.seed_demo import DEMO_USERS, DemoUserSpec
from ssp_tui.sandbox.seed_model import Customer, SeedContext, instant, iso_instant, slug
from ssp_tui.sandbox.seed_people import random_person

TOTP_SECRET_BYTES = 20
_LOCKED_SHARE = 0.03
_NOT_ENROLLED_SHARE = 0.05
_FAILED_LOGINS_WHEN_LOCKED = 5


def totp_secret(ctx: SeedContext) -> str:
    """A base32 authenticator secret (160 bits, as RFC 4226 recommends) from the seed's generator."""
    return base64.b32encode(ctx.rng.randbytes(TOTP_SECRET_BYTES)).decode("ascii")


def demo_password(ctx: SeedContext) -> str:
    """Readable but not guessable from the username, e.g. ``Cedar-Falcon-27``."""
    first, second = ctx.rng.sample(names.PASSWORD_WORDS, 2)
    return f"{first}-{second}-{ctx.rng.randint(10, 99)}"


def claim_username(ctx: SeedContext, wanted: str) -> str:
    """``wanted`` in lowercase letters, digits and dots, numbered (``jsmith2``) when already taken."""
    base = re.sub(r"[^a-z0-9.]", "", wanted.lower())
    candidate, n = base, 1
    while candidate in ctx.usernames:
        n += 1
        candidate = f"{base}{n}"
    ctx.usernames[candidate] = None
    return candidate


def _phone(ctx: SeedContext, area_code: str) -> str:
    return f"{area_code}-555-01{ctx.rng.randrange(100):02d}"


def _domain(organisation: str) -> str:
    words = slug(organisation).split("-")
    return "".join(words[:3]) + ".example"


def _last_login(ctx: SeedContext, days_ago: int | None) -> str | None:
    if days_ago is None:
        return None
    return iso_instant(
        instant(ctx.today - timedelta(days=days_ago), ctx.rng.randint(7, 19), ctx.rng.randint(0, 59))
    )


class _DemoUser(NamedTuple):
    """A demo user's row around the password hash, which is computed afterwards (in parallel)."""

    before_hash: tuple[object, ...]
    """id .. agency_id"""
    after_hash: tuple[object, ...]
    """totp_secret .. demo_password"""
    password: str
    salt: bytes


def _demo_user(ctx: SeedContext, spec: DemoUserSpec, by_key: dict[str, Customer]) -> _DemoUser:
    customer = by_key[spec.customer_key] if spec.customer_key else None
    agency = ctx.agencies[spec.agency_index] if spec.agency_index is not None else None
    insured = customer.insureds[spec.insured_index] if customer and spec.insured_index is not None else None
    organisation = customer.name if customer else agency.name if agency else "ProAssurance"
    area = customer.city[3] if customer else "205"
    user_id = ctx.new_id("us")
    password = demo_password(ctx)
    salt = ctx.rng.randbytes(SALT_BYTES)
    secret = totp_secret(ctx) if spec.mfa_enrolled else None
    locked_at = iso_instant(instant(ctx.today - timedelta(days=2), 16, 5)) if spec.locked else None
    if customer and spec.role == "policyholder":
        customer.policyholder_user_id = user_id
    before_hash = (
        user_id,
        spec.username,
        spec.display_name,
        f"{spec.username}@{_domain(organisation)}",
        _phone(ctx, area),
        spec.role,
        customer.id if customer else None,
        insured.id if insured else None,
        agency.id if agency else None,
    )
    failed_logins = _FAILED_LOGINS_WHEN_LOCKED if spec.locked else 0
    last_login = _last_login(ctx, spec.logged_in_days_ago)
    return _DemoUser(before_hash, (secret, failed_logins, locked_at, last_login, password), password, salt)


def seed_users(ctx: SeedContext) -> None:
    """Demo users first (in ``sandbox accounts`` order), then one policyholder login per other customer and
    one or two more agents per agency. Demo passwords are hashed once each, two at a time (scrypt releases
    the GIL), with salts drawn from the seed so the database stays reproducible."""
    seed_demo_logins(ctx, DEMO_USERS)
    seed_policyholder_logins(ctx)
    for agency in ctx.agencies:
        for _ in range(ctx.rng.randint(1, 2)):
            first, last = random_person(ctx)
            add_background_user(
                ctx,
                claim_username(ctx, f"{first[0]}{last}"),
                f"{first} {last}",
                _domain(agency.name),
                "415",
                "agent",
                agency_id=agency.id,
            )


def seed_demo_logins(ctx: SeedContext, specs: tuple[DemoUserSpec, ...], first_position: int = 1) -> None:
    """The demo logins of ``specs``, listed by ``sandbox accounts`` from ``first_position`` on."""
    by_key = {c.demo_key: c for c in ctx.customers if c.demo_key}
    for spec in specs:
        claim_username(ctx, spec.username)
    demo = [_demo_user(ctx, spec, by_key) for spec in specs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(lambda user: hash_password(user.password, salt=user.salt), demo))
    for position, (user, stored, spec) in enumerate(zip(demo, hashes, specs, strict=True), first_position):
        ctx.add("users", (*user.before_hash, stored, *user.after_hash))
        ctx.add("demo_accounts", (position, user.before_hash[0], spec.note))


def seed_policyholder_logins(ctx: SeedContext) -> None:
    """One policyholder login for every customer that has none yet."""
    for customer in ctx.customers:
        if customer.policyholder_user_id:
            continue
        if customer.kind == "physician":
            person = customer.insureds[0].name
            display = f"Dr. {person}"
        else:
            person = " ".join(random_person(ctx))
            display = person
        first, last = person.split(" ", 1)
        username = claim_username(ctx, f"{first[0]}{last}")
        customer.policyholder_user_id = add_background_user(
            ctx,
            username,
            display,
            _domain(customer.name),
            customer.city[3],
            "policyholder",
            customer_id=customer.id,
        )


def add_background_user(
    ctx: SeedContext,
    username: str,
    display: str,
    domain: str,
    area: str,
    role: str,
    *,
    customer_id: str | None = None,
    agency_id: str | None = None,
) -> str:
    rng = ctx.rng
    user_id = ctx.new_id("us")
    enrolled = rng.random() >= _NOT_ENROLLED_SHARE
    locked = enrolled and rng.random() < _LOCKED_SHARE
    locked_at = iso_instant(instant(ctx.days_ago(0, 20), rng.randint(0, 23))) if locked else None
    last_login = _last_login(ctx, rng.randint(0, 90)) if enrolled else None
    ctx.add(
        "users",
        (
            user_id,
            username,
            display,
            f"{username}@{domain}",
            _phone(ctx, area),
            role,
            customer_id,
            None,
            agency_id,
            unusable_hash(ctx.rng),
            totp_secret(ctx) if enrolled else None,
            _FAILED_LOGINS_WHEN_LOCKED if locked else 0,
            locked_at,
            last_login,
            None,
        ),
    )
    return user_id
