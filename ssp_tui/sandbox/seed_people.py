"""Seed agencies, customers and their insureds (physicians, groups and facilities)."""

from __future__ import annotations

import random

from ssp_tui.sandbox import seed_catalog as cat
from ssp_tui.sandbox import seed_names as names
from ssp_tui.sandbox.seed_demo import DEMO_AGENCIES, CustomerSpec, PersonSpec
from ssp_tui.sandbox.seed_model import Agency, Customer, Insured, SeedContext

_SPECIALTIES_BY_NAME = {s.name: s for s in (*cat.PHYSICIAN_SPECIALTIES, *cat.ALLIED_SPECIALTIES)}
_KIND_WEIGHTS = {"physician": 50, "group": 35, "facility": 15}
_INSURER_WEIGHTS = {cat.NORCAL: 45, cat.NORCAL_SPECIALTY: 20, cat.PROASSURANCE: 35}
_DIRECT_WRITTEN_SHARE = 0.15
_NO_CLAIMS_HISTORY_SHARE = 0.06
"""Insureds whose claims-history letter is not available online (it must be requested from underwriting)."""


def seed_agencies(ctx: SeedContext) -> None:
    """The two demo agencies, then two more plus one per two units of scale, all with distinct names."""
    taken: dict[str, None] = {}
    wanted: list[tuple[str, str, str]] = list(DEMO_AGENCIES)
    for name, _, _ in wanted:
        taken[name] = None
    for _ in range(2 + ctx.scale // 2):
        city, state, _, _ = ctx.rng.choice((*names.WEST_CITIES, *names.EAST_CITIES))
        name = ctx.rng.choice(names.AGENCY_NAMES)
        if name in taken:
            name = f"{name} of {city}"
        if name in taken:
            continue
        taken[name] = None
        wanted.append((name, city, state))
    for name, city, state in wanted:
        agency = Agency(ctx.new_id("ag"), name, city, state)
        ctx.agencies.append(agency)
        ctx.add("agencies", (agency.id, agency.name, agency.city, agency.state))


def new_npi(ctx: SeedContext) -> str:
    """A ten-digit NPI with a valid check digit (Luhn over the 80840 prefix, as CMS defines it)."""
    while True:
        base = f"1{ctx.rng.randrange(10**8):08d}"
        if base not in ctx.used_numbers:
            ctx.used_numbers[base] = None
            break
    total = 0
    for position, char in enumerate(reversed("80840" + base)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return f"{base}{(10 - total % 10) % 10}"


def _add_insured(
    ctx: SeedContext,
    customer: Customer,
    name: str,
    credentials: str,
    specialty: cat.Specialty,
    person: PersonSpec | None = None,
) -> Insured:
    if person is not None:
        history = person.claims_history
    else:
        history = not (credentials != "Facility" and ctx.rng.random() < _NO_CLAIMS_HISTORY_SHARE)
    claims = person.claims if person is not None else None
    insured = Insured(ctx.new_id("in"), name, credentials, specialty, history, claims)
    customer.insureds.append(insured)
    ctx.add(
        "insureds",
        (insured.id, customer.id, name, credentials, specialty.name, new_npi(ctx), int(history)),
    )
    return insured


def random_person(ctx: SeedContext) -> tuple[str, str]:
    return ctx.rng.choice(names.FIRST_NAMES), ctx.rng.choice(names.LAST_NAMES)


def _random_specialty(ctx: SeedContext, allied_share: float) -> cat.Specialty:
    pool = cat.ALLIED_SPECIALTIES if ctx.rng.random() < allied_share else cat.PHYSICIAN_SPECIALTIES
    return ctx.weighted(pool, [s.weight for s in pool])


def _add_random_insured(ctx: SeedContext, customer: Customer, specialty: cat.Specialty) -> Insured:
    first, last = random_person(ctx)
    return _add_insured(ctx, customer, f"{first} {last}", ctx.rng.choice(specialty.credentials), specialty)


def _new_customer(
    ctx: SeedContext,
    name: str,
    kind: str,
    agency: Agency | None,
    insurer: str,
    city: tuple[str, str, str, str],
) -> Customer:
    customer = Customer(ctx.new_id("cu"), name, kind, agency, city, insurer)
    ctx.customers.append(customer)
    street, zip_code = mailing_address(customer)
    agency_id = agency.id if agency else None
    ctx.add("customers", (customer.id, name, kind, agency_id, street, city[0], city[1], zip_code))
    return customer


def mailing_address(customer: Customer) -> tuple[str, str]:
    """A street and ZIP code in the customer's city, drawn from the customer's id rather than ``ctx.rng``:
    the address came later than the rest of the seed, and drawing it there would change every row after."""
    rng = random.Random(f"address:{customer.id}")
    street = f"{rng.randint(100, 9899)} {rng.choice(names.STREET_NAMES)} {rng.choice(names.STREET_SUFFIXES)}"
    if customer.kind != "physician" and rng.random() < 0.5:
        street += f", Suite {rng.randint(1, 9)}{rng.randrange(100):02d}"
    return street, f"{customer.city[2]}{rng.randrange(100):02d}"


def _facility_entity(name: str) -> cat.Specialty:
    return cat.ASC_ENTITY if "Surgery" in name else cat.HOSPITAL_ENTITY


def seed_spec_customer(ctx: SeedContext, spec: CustomerSpec) -> Customer:
    agency = ctx.agencies[spec.agency_index] if spec.agency_index is not None else None
    customer = _new_customer(ctx, spec.name, spec.kind, agency, spec.insurer, spec.city)
    customer.demo_key = spec.key
    if spec.kind == "facility":
        _add_insured(ctx, customer, spec.name, "Facility", _facility_entity(spec.name))
    for person in spec.people:
        specialty = _SPECIALTIES_BY_NAME[person.specialty]
        _add_insured(ctx, customer, f"{person.first} {person.last}", person.credentials, specialty, person)
    for _ in range(spec.extra_insureds):
        _add_random_insured(ctx, customer, _random_specialty(ctx, allied_share=0.25))
    return customer


def seed_random_customer(
    ctx: SeedContext, *, agency: Agency | None = None, kind_weights: dict[str, int] = _KIND_WEIGHTS
) -> Customer:
    """A customer drawn at random; ``agency`` places it with that agency (else a random one, or direct)."""
    rng = ctx.rng
    kind = ctx.weighted(list(kind_weights), list(kind_weights.values()))
    insurer = ctx.weighted(list(_INSURER_WEIGHTS), list(_INSURER_WEIGHTS.values()))
    city = rng.choice(names.EAST_CITIES if insurer == cat.PROASSURANCE else names.WEST_CITIES)
    if agency is None:
        agency = None if rng.random() < _DIRECT_WRITTEN_SHARE else rng.choice(ctx.agencies)
    place = rng.choice(names.PLACE_WORDS)
    if kind == "physician":
        specialty = _random_specialty(ctx, allied_share=0.0)
        first, last = random_person(ctx)
        credentials = rng.choice(specialty.credentials)
        customer = _new_customer(ctx, f"{first} {last}, {credentials}", kind, agency, insurer, city)
        _add_insured(ctx, customer, f"{first} {last}", credentials, specialty)
    elif kind == "group":
        size = rng.choices(range(3, 13), weights=(6, 6, 5, 4, 3, 3, 2, 2, 1, 1))[0]
        single = _random_specialty(ctx, allied_share=0.0) if rng.random() < 0.6 else None
        label = f" {single.name.replace(' and ', ' & ')}" if single else ""
        name = f"{place}{label} {rng.choice(names.GROUP_SUFFIXES)}"
        customer = _new_customer(ctx, name, kind, agency, insurer, city)
        for _ in range(size):
            allied = rng.random() < 0.25
            specialty = _random_specialty(ctx, 1.0 if allied else 0.0) if allied or not single else single
            _add_random_insured(ctx, customer, specialty)
    else:
        hospital = rng.random() < 0.45
        suffixes = names.HOSPITAL_SUFFIXES if hospital else names.SURGERY_CENTER_SUFFIXES
        name = f"{place} {rng.choice(suffixes)}"
        customer = _new_customer(ctx, name, kind, agency, insurer, city)
        _add_insured(ctx, customer, name, "Facility", cat.HOSPITAL_ENTITY if hospital else cat.ASC_ENTITY)
        for _ in range(rng.randint(0, 4)):
            _add_random_insured(ctx, customer, _random_specialty(ctx, allied_share=0.3))
    return customer
