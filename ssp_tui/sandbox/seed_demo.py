"""The hand-written part of the seed: the demo customers and the demo logins, each showing one thing.

``sandbox accounts`` lists DEMO_USERS in this order. The first is a policyholder of a NORCAL account that pays
online, with a renewal on offer and an installment due; then a second customer's policyholder, two insureds on
that customer's group policy, two agents at different agencies, support, and the accounts support must triage.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssp_tui.sandbox.seed_catalog import NORCAL, NORCAL_SPECIALTY, PROASSURANCE


@dataclass(frozen=True, slots=True)
class PersonSpec:
    first: str
    last: str
    specialty: str
    credentials: str
    claims: int = 0
    """Claims in the ten-year history (demo people have exactly these, none drawn at random)."""
    claims_history: bool = True
    """False: the claims-history letter is not available online for this insured."""


@dataclass(frozen=True, slots=True)
class CustomerSpec:
    """A customer the seed must contain. Fields left as None are drawn at random like any other customer's."""

    key: str
    kind: str
    name: str
    people: tuple[PersonSpec, ...]
    insurer: str
    plan: str
    agency_index: int | None
    """Index into the seeded agencies (0 and 1 are the demo agents'); None: written direct."""
    city: tuple[str, str, str, str]
    extra_insureds: int = 0
    current_start_days_ago: int | None = None
    """Fixes where today falls in the current term (300 days in: the term ends within 90 days, a renewal)."""
    separate_allied_policy: bool = False
    past_due: bool = False
    cancel_allied_policy: bool = False


@dataclass(frozen=True, slots=True)
class DemoUserSpec:
    username: str
    role: str
    display_name: str
    note: str
    customer_key: str | None = None
    insured_index: int | None = None
    """For role insured: which of the customer's insureds this login is."""
    agency_index: int | None = None
    locked: bool = False
    mfa_enrolled: bool = True
    logged_in_days_ago: int | None = 3


DEMO_AGENCIES: tuple[tuple[str, str, str], ...] = (
    ("Rivera Insurance Services", "Sacramento", "CA"),
    ("Pacific Crest Medical Insurance Brokers", "San Francisco", "CA"),
)

DEMO_CUSTOMERS: tuple[CustomerSpec, ...] = (
    CustomerSpec(
        key="patel", kind="group", name="Patel Family Medicine, Inc.",
        people=(PersonSpec("Priya", "Patel", "Family Medicine", "MD", claims=1),
                PersonSpec("Ethan", "Brooks", "Physician Assistant", "PA-C")),
        insurer=NORCAL, plan="monthly", agency_index=0, city=("Sacramento", "CA", "958", "916"),
        current_start_days_ago=300, separate_allied_policy=True,
    ),
    CustomerSpec(
        key="lakes", kind="group", name="Great Lakes Orthopedic Associates",
        people=(PersonSpec("Lucas", "Nguyen", "Orthopedic Surgery", "MD", claims=2),
                PersonSpec("Grace", "Okafor", "Orthopedic Surgery", "MD"),
                PersonSpec("Samuel", "Hoffman", "Anesthesiology", "DO", claims_history=False)),
        extra_insureds=3, insurer=PROASSURANCE, plan="quarterly", agency_index=1,
        city=("Grand Rapids", "MI", "495", "616"), current_start_days_ago=120,
    ),
    CustomerSpec(
        key="coastal", kind="group", name="Coastal Anesthesia Partners",
        people=(PersonSpec("Maria", "Torres", "Anesthesiology", "MD"),
                PersonSpec("Kenji", "Sato", "Nurse Anesthesia", "CRNA")),
        extra_insureds=2, insurer=NORCAL_SPECIALTY, plan="monthly", agency_index=0,
        city=("San Diego", "CA", "921", "619"), current_start_days_ago=140, past_due=True,
    ),
    CustomerSpec(
        key="lopez", kind="physician", name="Javier Lopez, MD",
        people=(PersonSpec("Javier", "Lopez", "General Surgery", "MD"),),
        insurer=NORCAL, plan="annual", agency_index=1, city=("Fresno", "CA", "937", "559"),
        current_start_days_ago=200,
    ),
    CustomerSpec(
        key="kim", kind="physician", name="Mina Kim, DO",
        people=(PersonSpec("Mina", "Kim", "Pediatrics", "DO"),),
        insurer=PROASSURANCE, plan="semi_annual", agency_index=None, city=("Columbus", "OH", "432", "614"),
        current_start_days_ago=45,
    ),
    CustomerSpec(
        key="mercy", kind="facility", name="Mercy Ridge Surgery Center",
        people=(PersonSpec("Omar", "Haddad", "General Surgery", "MD"),),
        insurer=NORCAL, plan="quarterly", agency_index=1, city=("Walnut Creek", "CA", "945", "925"),
        current_start_days_ago=230,
    ),
    CustomerSpec(
        key="harbor", kind="group", name="Harbor Pediatrics Medical Group",
        people=(PersonSpec("Eleanor", "Abbott", "Pediatrics", "MD"),
                PersonSpec("Nadia", "Rossi", "Nurse Practitioner", "NP")),
        extra_insureds=1, insurer=PROASSURANCE, plan="semi_annual", agency_index=0,
        city=("Tampa", "FL", "336", "813"), current_start_days_ago=170,
        separate_allied_policy=True, cancel_allied_policy=True,
    ),
)

DEMO_USERS: tuple[DemoUserSpec, ...] = (
    DemoUserSpec("dr.patel", "policyholder", "Dr. Priya Patel",
                 "policyholder, NORCAL, pays online; installment due, renewal offered", customer_key="patel"),
    DemoUserSpec("office.lakes", "policyholder", "Rachel Keller",
                 "policyholder (practice administrator), ProAssurance group, no online pay",
                 customer_key="lakes"),
    DemoUserSpec("dr.nguyen", "insured", "Dr. Lucas Nguyen", "insured on the Great Lakes group policy",
                 customer_key="lakes", insured_index=0),
    DemoUserSpec("dr.okafor", "insured", "Dr. Grace Okafor", "insured on the Great Lakes group policy",
                 customer_key="lakes", insured_index=1),
    DemoUserSpec("agent.rivera", "agent", "Sofia Rivera", "agent, Rivera Insurance Services (serves Patel)",
                 agency_index=0),
    DemoUserSpec("agent.chen", "agent", "David Chen",
                 "agent, Pacific Crest Medical Insurance Brokers (serves Great Lakes)", agency_index=1),
    DemoUserSpec("support.morgan", "support", "Jordan Morgan", "support: read-only triage of every account"),
    DemoUserSpec("billing.coastal", "policyholder", "Maria Torres", "triage: past-due installment",
                 customer_key="coastal"),
    DemoUserSpec("dr.lopez", "policyholder", "Dr. Javier Lopez",
                 "triage: locked after failed sign-ins (a 30-minute hold that ends by itself)",
                 customer_key="lopez", locked=True, logged_in_days_ago=41),
    DemoUserSpec("dr.kim", "policyholder", "Dr. Mina Kim",
                 "triage: MFA not enrolled (login goes to TOTP enrollment)", customer_key="kim",
                 mfa_enrolled=False, logged_in_days_ago=None),
    DemoUserSpec("credentialing.mercy", "policyholder", "Leah Foster",
                 "triage: overdue certificate-holder request", customer_key="mercy"),
    DemoUserSpec("dr.abbott", "policyholder", "Dr. Eleanor Abbott", "triage: cancelled policy",
                 customer_key="harbor"),
)
