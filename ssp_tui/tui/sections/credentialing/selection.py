"""What the Credentialing screen has ticked, and the download jobs it makes: no Textual here, so the grouping,
selection and job rules are tested on their own.

Each certificate (one insured x one certificate holder, for a term) is ticked or not and has an access level
as the portal names it: "COI Access" (the certificate) or "COI and Claims History Access" (the certificate and
the insured's claims-history letter for that policy, once per insured and policy however many holders).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from ssp_tui.api.constants import DEFAULT_FILENAME_TEMPLATE
from ssp_tui.api.models.credentialing import Certificate
from ssp_tui.api.pagination import Paginator
from ssp_tui.operations.downloads.jobs import CoiJobs, coi_jobs

T = TypeVar("T")


class Grouping(StrEnum):
    INSURED = "insured"
    """One group per insured on a policy; its items are the insured's certificate holders."""
    COI = "coi"
    """One group per certificate holder; its items are the insureds holding a certificate for it."""


GROUPING_LABELS: dict[Grouping, str] = {Grouping.INSURED: "Group by Insured", Grouping.COI: "Group by COI"}


class Access(StrEnum):
    COI = "coi"
    COI_AND_CLAIMS = "coi_and_claims"


ACCESS_LABELS: dict[Access, str] = {
    Access.COI: "COI Access",
    Access.COI_AND_CLAIMS: "COI and Claims History Access",
}


@dataclass(frozen=True, slots=True)
class CertificateGroup:
    key: str
    title: str
    certificates: tuple[Certificate, ...]
    ids: tuple[str, ...] = field(init=False)
    """The certificates' ids, made once: every label, tick and the download order read them, and a whole
    book has 10,000 groups."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(certificate.id for certificate in self.certificates))


CERTIFICATE_REPEATS: tuple[str, ...] = (
    "insured_id",
    "insured_name",
    "policy_id",
    "policy_number",
    "policyholder",
    "holder_id",
    "holder_name",
    "holder_city",
    "holder_state",
    "holder_address",
    "holder_zip",
    "holder_contact_name",
    "holder_contact_email",
    "term_start",
    "term_end",
)
"""Fields that repeat across certificates: the insured's on each of their holders' rows, the holder's on each
of its insureds' rows (a whole book: 32,585 certificates, 9,573 insureds, 30 holders)."""
INSURED_REPEATS: tuple[str, ...] = ("credentials", "specialty", "policy_id", "policy_number", "policyholder")


def share_repeats(items: Iterable[object], fields: Sequence[str], seen: dict[object, object]) -> None:
    """Make every equal value of ``fields`` one object, the first seen (``seen`` carries them from one page to
    the next). The decoder makes a new string per field per row: for a whole book's certificates that is 40
    MB, of which this gives back 27 MB for a few milliseconds a page."""
    share = seen.setdefault
    for item in items:
        for name in fields:
            value = getattr(item, name)
            setattr(item, name, share(value, value))


async def collect_sharing(paginator: Paginator[T], fields: Sequence[str]) -> list[T]:
    """``paginator.collect()``, with ``share_repeats`` applied page by page as they arrive, so the repeats of
    one page at most are held at once (the process's peak, not only what it keeps)."""
    seen: dict[object, object] = {}
    items: list[T] = []
    async for page in paginator.pages():
        share_repeats(page.items, fields, seen)
        items.extend(page.items)
    return items


def group_certificates(certificates: Iterable[Certificate], grouping: Grouping) -> list[CertificateGroup]:
    """Groups in name order, their items in name order (ties broken by ids, so the order is stable)."""
    buckets: dict[str, list[Certificate]] = {}
    for certificate in certificates:
        buckets.setdefault(_group_key(certificate, grouping), []).append(certificate)
    groups = []
    for key, members in buckets.items():
        first = members[0]
        if grouping is Grouping.INSURED:
            title = f"{first.insured_name} · {first.policy_number}"
            members.sort(key=lambda c: (c.holder_name.casefold(), c.id))
        else:
            title = f"{first.holder_name} · {first.holder_city}, {first.holder_state}"
            members.sort(key=lambda c: (c.insured_name.casefold(), c.policy_number, c.id))
        groups.append(CertificateGroup(key, title, tuple(members)))
    groups.sort(key=lambda g: (g.title.casefold(), g.key))
    return groups


def _group_key(certificate: Certificate, grouping: Grouping) -> str:
    if grouping is Grouping.INSURED:
        return f"{certificate.insured_id}:{certificate.policy_id}"
    return certificate.holder_id


class CertificateSelection:
    """The certificates on show, which are ticked, and each one's access level (COI Access by default)."""

    def __init__(self) -> None:
        self.certificates: dict[str, Certificate] = {}
        self.selected: set[str] = set()
        self.access: dict[str, Access] = {}

    def replace(self, certificates: Iterable[Certificate]) -> None:
        """Show a new search's certificates; ticks and access levels of those still shown are kept."""
        self.certificates = {certificate.id: certificate for certificate in certificates}
        self.selected &= self.certificates.keys()
        self.access = {key: value for key, value in self.access.items() if key in self.certificates}

    def is_selected(self, certificate_id: str) -> bool:
        return certificate_id in self.selected

    def access_of(self, certificate_id: str) -> Access:
        return self.access.get(certificate_id, Access.COI)

    def toggle(self, ids: Sequence[str]) -> None:
        """Tick them all, or, when all are ticked already, untick them (a group's checkbox)."""
        if all(i in self.selected for i in ids):
            self.selected.difference_update(ids)
        else:
            self.selected.update(i for i in ids if i in self.certificates)

    def select_all(self) -> None:
        self.selected = set(self.certificates)

    def select_none(self) -> None:
        self.selected.clear()

    def cycle_access(self, ids: Sequence[str]) -> Access:
        """COI and Claims History Access for them all, or back to COI Access when they all have it."""
        everyone_has_claims = all(self.access_of(i) is Access.COI_AND_CLAIMS for i in ids)
        chosen = Access.COI if everyone_has_claims else Access.COI_AND_CLAIMS
        for certificate_id in ids:
            self.access[certificate_id] = chosen
        return chosen

    def access_levels(self) -> dict[str, Access]:
        """A copy of the access levels set (the rest have COI Access), to plan a download off the loop."""
        return dict(self.access)

    def chosen(self, order: Iterable[str]) -> list[Certificate]:
        """The ticked certificates in ``order`` (the order the user sees them)."""
        return [self.certificates[i] for i in order if i in self.selected and i in self.certificates]


def plan_downloads(
    certificates: Sequence[Certificate],
    access: Mapping[str, Access],
    *,
    issued_on: date,
    template: str = DEFAULT_FILENAME_TEMPLATE,
) -> CoiJobs:
    """The jobs for the ticked ``certificates``: a claims-history letter where ``access`` (the selection's
    ``access_levels()``; COI Access where it has none) asks for one. Touches nothing else of the screen, so it
    runs in a thread."""
    return coi_jobs(
        certificates,
        wants_claims_history=lambda c: access.get(c.id, Access.COI) is Access.COI_AND_CLAIMS,
        issued_on=issued_on,
        template=template,
    )
