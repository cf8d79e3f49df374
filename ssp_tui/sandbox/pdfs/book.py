"""The large book's policy documents: small, real PDFs written directly, in microseconds each.

The large book (``seed_book``) holds 100,000 documents or more. The regular builders take 5-16 ms a document
through reportlab, so listing the whole book (the listing carries every document's SHA-256) would first render
for half an hour. These documents instead share one fixed layout per type: a page header, the document's own
facts (title, policy, policyholder, term, insured, issue date, id), the type's standard wording, and a footer,
as uncompressed text in the standard Helvetica fonts. Being built from the row alone, the same row always
gives the same bytes, so they are rendered on each request and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ssp_tui.sandbox.pdfs.base import BuiltPdf

PAGE_WIDTH, PAGE_HEIGHT = 612, 792
_LEFT = 54
_TOP = 738
_LEADING = 13
_BODY_LINES_PER_PAGE = 40

_WORDING: dict[str, tuple[str, ...]] = {
    "declarations": (
        "These Declarations, together with the policy form and any endorsements, complete the policy.",
        "Coverage applies only to claims first made against an insured and reported to us during the",
        "policy period, for professional services rendered on or after the retroactive date.",
        "The limits of liability shown apply per claim and in the aggregate for the policy period.",
        "Defense costs are paid in addition to the limits and do not reduce them.",
    ),
    "policy_form": (
        "Section I. Insuring agreement. We will pay on behalf of an insured all sums the insured becomes",
        "legally obligated to pay as damages because of a medical incident, provided the claim is first",
        "made during the policy period and reported to us no later than sixty days after it ends.",
        "Section II. Defense and settlement. We have the right and duty to defend any claim covered by this",
        "policy, with counsel of our choice, even if the allegations are groundless, false or fraudulent.",
        "Section III. Exclusions. This policy does not apply to any claim arising out of criminal acts,",
        "sexual misconduct, or the insured's activities as an officer of a health plan or hospital board.",
        "Section IV. Conditions. The insured shall give us written notice of a claim as soon as practicable",
        "and shall cooperate with us in the investigation, settlement and defense of the claim.",
    ),
    "endorsement": (
        "This endorsement changes the policy. Please read it carefully.",
        "All other terms, conditions and exclusions of the policy remain unchanged.",
        "The premium shown, if any, is the additional or return premium for the change.",
    ),
    "invoice": (
        "Please pay the amount due by the due date to keep your coverage in force.",
        "Payments can be made online through the Secure Services Portal, by check or by wire transfer.",
        "Questions about this invoice: call Billing Services at 1-800-282-6242, 8:00 am to 5:00 pm.",
    ),
    "renewal_notice": (
        "Your policy is due to renew. The renewal premium and terms are shown in the renewal declarations.",
        "To renew, pay the first installment by the date shown; no further action is needed.",
    ),
    "cancellation_notice": (
        "This notice confirms the cancellation of the policy on the date shown.",
        "Claims-made coverage ends on that date; ask your agent about extended reporting coverage.",
    ),
}


@dataclass(frozen=True, slots=True)
class BookDocumentFacts:
    document_id: str
    type: str
    title: str
    issued_on: str
    insurer: str
    policy_number: str
    policyholder: str
    term_start: str
    term_end: str
    pages: int
    insured: str = ""
    """The insured the document is about (schedule endorsements), or empty."""


def _text(value: str) -> bytes:
    """A PDF literal string in WinAnsi (the standard fonts' encoding); what it cannot hold becomes '?'."""
    raw = value.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@lru_cache(maxsize=64)
def _wording(kind: str, continued: bool) -> bytes:
    """The type's standard wording as text operators (the same for every document of the type): once on
    the first page, repeated to fill a continuation page."""
    wording = _WORDING.get(kind, ())
    if continued:
        wording = ("(continued)", *wording * max(1, _BODY_LINES_PER_PAGE // (2 * max(len(wording), 1))))
    return b"/F1 9.5 Tf\n" + b"\n".join(_text(line) + b" Tj T*" for line in wording)


def _page_stream(facts: BookDocumentFacts, number: int) -> bytes:
    parts = [b"BT", f"{_LEFT} {_TOP} Td {_LEADING} TL".encode()]
    if number == 1:
        lines = [
            f"Policy {facts.policy_number} - {facts.policyholder}",
            f"Policy period {facts.term_start} to {facts.term_end}",
        ]
        if facts.insured:
            lines.append(f"Insured: {facts.insured}")
        lines += [f"Issued {facts.issued_on}", ""]
        parts += [
            b"/F2 14 Tf",
            _text(facts.insurer) + b" Tj T*",
            b"/F2 12 Tf",
            _text(facts.title) + b" Tj T*",
        ]
        parts.append(b"/F1 10 Tf")
        parts += [_text(line) + b" Tj T*" for line in lines]
    parts += [_wording(facts.type, number > 1), b"ET"]
    footer = f"{facts.policy_number} - {facts.document_id}    Page {number} of {facts.pages}"
    parts.append(b"BT /F1 8 Tf " + f"{_LEFT} 40 Td ".encode() + _text(footer) + b" Tj ET")
    return b"\n".join(parts)


def build_book_document(facts: BookDocumentFacts) -> BuiltPdf:
    """A PDF of ``facts.pages`` pages; byte-identical for the same facts."""
    pages = max(1, facts.pages)
    # Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content per page.
    first_page = 6
    page_ids = [first_page + 2 * n for n in range(pages)]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{i} 0 R".encode() for i in page_ids)
        + b"] /Count "
        + str(pages).encode()
        + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title "
        + _text(facts.title)
        + b" /Author "
        + _text(facts.insurer)
        + b" /Subject "
        + _text(f"{facts.policy_number} {facts.type}")
        + b" /Producer (ssp-tui sandbox) >>",
    ]
    for index, page_id in enumerate(page_ids):
        stream = _page_stream(facts, index + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
            + f"/F2 4 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out += trailer.encode()
    return BuiltPdf(bytes(out), pages)
