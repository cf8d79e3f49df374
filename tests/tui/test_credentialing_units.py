"""Credentialing's rules without the terminal: grouping, ticks and access levels, the download plan, the
holder-request form checks, and how requests are aged and marked overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

from ssp_tui.api.models import Certificate, CertificateTerm, HolderRequest, HolderRequestStatus, Page
from ssp_tui.api.pagination import Paginator
from ssp_tui.operations.safe_names import TemplateError
from ssp_tui.tui.sections.credentialing.holder import (
    InsuredChoice,
    holder_request_body,
    validate_holder_fields,
)
from ssp_tui.tui.sections.credentialing.requests import RequestRow, format_age
from ssp_tui.tui.sections.credentialing.selection import (
    CERTIFICATE_REPEATS,
    Access,
    CertificateSelection,
    Grouping,
    collect_sharing,
    group_certificates,
    plan_downloads,
)

TODAY = date(2026, 11, 28)


def cert(cert_id: str, insured: str, holder: str, *, policy: str = "P1", claims: bool = True) -> Certificate:
    return Certificate(
        id=cert_id,
        insured_id=f"ins-{insured}",
        insured_name=insured,
        policy_id=policy,
        policy_number=f"NUM-{policy}",
        policyholder="Great Lakes Orthopedic Associates",
        term=CertificateTerm.CURRENT,
        holder_id=f"h-{holder}",
        holder_name=holder,
        holder_city="Ann Arbor",
        holder_state="MI",
        claims_history_available=claims,
    )


CERTS = [
    cert("c1", "Nguyen", "Lakeside"),
    cert("c2", "Nguyen", "Magnolia"),
    cert("c3", "Okafor", "Lakeside"),
    cert("c4", "Hoffman", "Magnolia", claims=False),
]


def test_grouping_by_insured_and_by_coi() -> None:
    by_insured = group_certificates(CERTS, Grouping.INSURED)
    assert [g.title for g in by_insured] == ["Hoffman · NUM-P1", "Nguyen · NUM-P1", "Okafor · NUM-P1"]
    assert by_insured[1].ids == ("c1", "c2")
    by_coi = group_certificates(CERTS, Grouping.COI)
    assert [g.title for g in by_coi] == ["Lakeside · Ann Arbor, MI", "Magnolia · Ann Arbor, MI"]
    assert by_coi[0].ids == ("c1", "c3") and by_coi[1].ids == ("c4", "c2")


async def test_values_repeated_across_pages_are_kept_once_and_unchanged() -> None:
    # As the decoder makes them: a new string per field per row, on each page.
    pages = [
        msgspec.json.decode(
            msgspec.json.encode(Page(items=CERTS[:2], next_cursor="2")), type=Page[Certificate]
        )
    ]
    pages.append(msgspec.json.decode(msgspec.json.encode(Page(items=CERTS[2:])), type=Page[Certificate]))

    async def fetch(cursor: str | None) -> Page[Certificate]:
        return pages[0 if cursor is None else 1]

    assert pages[0].items[0].holder_name is not pages[1].items[0].holder_name
    found = await collect_sharing(
        Paginator(fetch, endpoint="/credentialing/certificates"), CERTIFICATE_REPEATS
    )
    assert found == CERTS, "the same values"
    lakeside = [c for c in found if c.holder_name == "Lakeside"]
    assert lakeside[0].holder_name is lakeside[1].holder_name, "one string across pages"
    assert found[0].policyholder is found[3].policyholder and found[0].insured_name is found[1].insured_name
    assert found[0].id is not found[1].id


def test_an_insured_on_two_policies_is_two_groups() -> None:
    groups = group_certificates(
        [cert("a", "Nguyen", "X"), cert("b", "Nguyen", "X", policy="P2")], Grouping.INSURED
    )
    assert [g.ids for g in groups] == [("a",), ("b",)]


def test_toggle_a_group_then_all_and_none() -> None:
    selection = CertificateSelection()
    selection.replace(CERTS)
    selection.toggle(("c1", "c2"))
    assert selection.selected == {"c1", "c2"}
    selection.toggle(("c2", "c3"))  # partly ticked: ticks the rest
    assert selection.selected == {"c1", "c2", "c3"}
    selection.toggle(("c2", "c3"))  # all ticked: unticks them
    assert selection.selected == {"c1"}
    selection.select_all()
    assert selection.chosen(["c4", "c3", "c2", "c1"]) == [CERTS[3], CERTS[2], CERTS[1], CERTS[0]]
    selection.select_none()
    assert selection.chosen(["c1"]) == []


def test_a_new_search_keeps_ticks_and_access_of_certificates_still_shown() -> None:
    selection = CertificateSelection()
    selection.replace(CERTS)
    selection.select_all()
    selection.cycle_access(("c1", "c3"))
    selection.replace(CERTS[:2])
    assert selection.selected == {"c1", "c2"}
    assert selection.access_of("c1") is Access.COI_AND_CLAIMS and "c3" not in selection.access


def test_access_cycles_for_a_group() -> None:
    selection = CertificateSelection()
    selection.replace(CERTS)
    assert selection.cycle_access(("c1",)) is Access.COI_AND_CLAIMS
    assert selection.cycle_access(("c1", "c2")) is Access.COI_AND_CLAIMS  # not all had it yet
    assert selection.cycle_access(("c1", "c2")) is Access.COI
    assert selection.access_of("c2") is Access.COI


def test_plan_adds_one_claims_history_per_insured_and_names_those_not_available() -> None:
    selection = CertificateSelection()
    selection.replace(CERTS)
    selection.select_all()
    selection.cycle_access(("c1", "c2", "c4"))
    plan = plan_downloads(
        selection.chosen(["c1", "c2", "c3", "c4"]), selection.access_levels(), issued_on=TODAY
    )
    assert [job.key for job in plan.jobs] == [
        "certificate:c1",
        "claims-history:ins-Nguyen:P1",
        "certificate:c2",
        "certificate:c3",
        "certificate:c4",
    ]
    assert (plan.certificates, plan.claims_histories) == (4, 1)
    assert plan.without_claims_history == [CERTS[3]]
    assert (
        str(plan.jobs[0].relative_path) == "NUM-P1/current/2026-11-28-certificate-COI Nguyen - Lakeside.pdf"
    )


def test_plan_refuses_a_template_field_certificates_lack() -> None:
    selection = CertificateSelection()
    selection.replace(CERTS)
    with pytest.raises(TemplateError):
        plan_downloads(CERTS[:1], selection.access_levels(), issued_on=TODAY, template="{nonsense}.pdf")


GOOD = {
    "holder_name": "St. Mary's Hospital",
    "address": "100 Main St",
    "city": "Ann Arbor",
    "state": "mi",
    "zip": "48104-1234",
    "contact_name": "",
    "contact_email": "",
}


def test_a_good_form_passes_and_becomes_the_request() -> None:
    assert validate_holder_fields(GOOD) == {}
    body = holder_request_body(GOOD, InsuredChoice("ins-1", "pol-1", "Nguyen"))
    assert (body.state, body.zip, body.policy_id, body.insured_id) == ("MI", "48104-1234", "pol-1", "ins-1")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"holder_name": "   "}, "holder_name", "Enter"),
        ({"address": ""}, "address", "Enter"),
        ({"state": "XX"}, "state", "not a USPS state"),
        ({"state": "California"}, "state", "not a USPS state"),
        ({"zip": "4810"}, "zip", "5 digits"),
        ({"zip": "48104-12"}, "zip", "5 digits"),
        ({"zip": "4810a"}, "zip", "5 digits"),
        ({"contact_email": "someone at example"}, "contact_email", "email"),
        ({"city": "x" * 201}, "city", "At most 200"),
    ],
)
def test_bad_fields_are_named(changes: dict[str, str], field: str, words: str) -> None:
    errors = validate_holder_fields({**GOOD, **changes})
    assert list(errors) == [field] and words in errors[field]


def test_nine_digit_zip_without_dash_passes() -> None:
    assert validate_holder_fields({**GOOD, "zip": "481041234", "state": "PR"}) == {}


def request(status: HolderRequestStatus, hours_ago: float) -> HolderRequest:
    submitted = datetime(2026, 11, 28, 12, tzinfo=UTC) - timedelta(hours=hours_ago)
    return HolderRequest(
        id="hr_1",
        status=status,
        submitted_at=submitted,
        expected_by=submitted + timedelta(hours=48),
        holder_name="Lakeside",
        policy_id="P1",
        policy_number="NUM-P1",
        insured_id="ins-1",
        insured_name="Nguyen",
    )


@pytest.mark.parametrize(
    ("status", "hours_ago", "overdue"),
    [
        (HolderRequestStatus.SUBMITTED, 47, False),
        (HolderRequestStatus.SUBMITTED, 49, True),
        (HolderRequestStatus.IN_REVIEW, 72, True),
        (HolderRequestStatus.COMPLETED, 72, False),
        (HolderRequestStatus.REJECTED, 72, False),
    ],
)
def test_overdue_is_past_48_hours_and_not_finished(
    status: HolderRequestStatus, hours_ago: float, overdue: bool
) -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    row = RequestRow.of(request(status, hours_ago), now)
    assert row.overdue is overdue and row.age == timedelta(hours=hours_ago)


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(minutes=5), "5 min"),
        (timedelta(hours=5), "5 h"),
        (timedelta(hours=51), "2 d 3 h"),
        (timedelta(days=3), "3 d"),
    ],
)
def test_age_text(age: timedelta, text: str) -> None:
    assert format_age(age) == text
