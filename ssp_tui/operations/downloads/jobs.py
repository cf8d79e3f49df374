"""Download jobs from the portal's listings, named by the user's filename template.

The TUI screens and the CLI build their jobs here, so a document, a certificate or a claims history gets
the same name and the same cache identity whichever front end asked for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ssp_tui.api.constants import DEFAULT_FILENAME_TEMPLATE
from ssp_tui.api.models.credentialing import Certificate
from ssp_tui.api.models.policies import Document
from ssp_tui.api.resources.credentialing import CredentialingResource
from ssp_tui.api.resources.documents import DocumentsResource
from ssp_tui.operations.downloads.plan import DownloadJob
from ssp_tui.operations.safe_names import render_template

CERTIFICATE_TYPE = "certificate"
CLAIMS_HISTORY_TYPE = "claims_history"
CERTIFICATE_KEY = "certificate:"
CLAIMS_HISTORY_KEY = "claims-history:"
"""A job's key starts with what it is (a document's key is its id): ``job_again`` reads it back."""


def document_job(
    document: Document,
    *,
    template: str = DEFAULT_FILENAME_TEMPLATE,
    policy_number: str | None = None,
    term: str | None = None,
    policy_in_title: bool = False,
) -> DownloadJob:
    """A policy document; ``policy_number``/``term`` fill in what the listing left out. ``policy_in_title``
    starts its title (progress, failures, the bookmark in a combined PDF) with the policy number, for runs
    that span several policies."""
    policy = document.policy_number or policy_number or "policy"
    fields = {
        "policy": policy,
        "term": document.term or term or "documents",
        "date": document.issued_on,
        "type": document.type,
        "title": document.title,
        "id": document.id,
    }
    return DownloadJob(
        key=document.id,
        api_path=DocumentsResource.content_path(document.id),
        relative_path=render_template(template, fields),
        title=f"{policy} {document.title}" if policy_in_title else document.title,
        expected_sha256=document.sha256,
        pages=document.pages,
    )


def resource_job(
    document_id: str, title: str, published_on: date, *, template: str = DEFAULT_FILENAME_TEMPLATE
) -> DownloadJob:
    """A risk-management or agent-library PDF held in the portal (no policy, no term)."""
    fields = {
        "policy": "resources",
        "term": "library",
        "date": published_on,
        "type": "resource",
        "title": title,
        "id": document_id,
    }
    return DownloadJob(
        key=document_id,
        api_path=DocumentsResource.content_path(document_id),
        relative_path=render_template(template, fields),
        title=title,
    )


def _certificate_fields(
    certificate: Certificate, kind: str, title: str, issued_on: date
) -> dict[str, object]:
    return {
        "policy": certificate.policy_number,
        "term": certificate.term,
        "date": issued_on,
        "type": kind,
        "title": title,
        "insured": certificate.insured_name,
        "holder": certificate.holder_name,
        "id": certificate.id,
    }


def certificate_job(
    certificate: Certificate, *, issued_on: date, template: str = DEFAULT_FILENAME_TEMPLATE
) -> DownloadJob:
    """A certificate of insurance; ``issued_on`` (usually today) fills the ``{date}`` field."""
    title = f"COI {certificate.insured_name} - {certificate.holder_name}"
    return DownloadJob(
        key=f"{CERTIFICATE_KEY}{certificate.id}",
        api_path=CredentialingResource.certificate_pdf_path(certificate.id),
        relative_path=render_template(
            template, _certificate_fields(certificate, CERTIFICATE_TYPE, title, issued_on)
        ),
        title=title,
        expected_sha256=certificate.sha256,
    )


def claims_history_job(
    certificate: Certificate, *, issued_on: date, template: str = DEFAULT_FILENAME_TEMPLATE
) -> DownloadJob:
    """The claims-history letter for the certificate's insured and policy (one per insured and policy)."""
    title = f"Claims history {certificate.insured_name}"
    fields = _certificate_fields(certificate, CLAIMS_HISTORY_TYPE, title, issued_on)
    return DownloadJob(
        key=f"{CLAIMS_HISTORY_KEY}{certificate.insured_id}:{certificate.policy_id}",
        api_path=CredentialingResource.claims_history_path(certificate.insured_id, certificate.policy_id),
        relative_path=render_template(template, fields),
        title=title,
        expected_sha256=certificate.claims_history_sha256,  # listed once made: reruns use the cache
    )


@dataclass(slots=True)
class CoiJobs:
    """The jobs for a set of certificates, and what could not be added to them."""

    jobs: list[DownloadJob] = field(default_factory=list)
    without_claims_history: list[Certificate] = field(default_factory=list)
    """One per insured and policy asked for with claims history where none is available online."""
    certificates: int = 0
    claims_histories: int = 0


def coi_jobs(
    certificates: Sequence[Certificate],
    *,
    wants_claims_history: Callable[[Certificate], bool],
    issued_on: date,
    template: str = DEFAULT_FILENAME_TEMPLATE,
) -> CoiJobs:
    """A certificate job per certificate, in the order given; a claims-history letter follows the first
    certificate of its insured and policy that ``wants_claims_history``. The Credentialing screen and
    ``coi download`` both build theirs here. Raises ``TemplateError`` for a template that uses a field
    certificates do not have."""
    planned = CoiJobs()
    letters_done: set[tuple[str, str]] = set()
    for certificate in certificates:
        planned.jobs.append(certificate_job(certificate, issued_on=issued_on, template=template))
        planned.certificates += 1
        pair = (certificate.insured_id, certificate.policy_id)
        if not wants_claims_history(certificate) or pair in letters_done:
            continue
        letters_done.add(pair)
        if not certificate.claims_history_available:
            planned.without_claims_history.append(certificate)
            continue
        planned.jobs.append(claims_history_job(certificate, issued_on=issued_on, template=template))
        planned.claims_histories += 1
    return planned


TITLE_SUBJECTS = 3
"""How many policies or insureds a combined PDF's title names before "and N more"."""


def combined_title(what: str, subjects: Sequence[str]) -> str:
    """The combined PDF's Title: ``what`` and whom it is for, e.g. "Certificates - Ann Lee, Bo Chen"."""
    unique = list(dict.fromkeys(subject for subject in subjects if subject))
    if not unique:
        return what
    shown = ", ".join(unique[:TITLE_SUBJECTS])
    more = len(unique) - TITLE_SUBJECTS
    return f"{what} - {shown}" + (f" and {more} more" if more > 0 else "")


def job_again(key: str, title: str, relative_path: str) -> DownloadJob | None:
    """The job a manifest's failed entry names by its key, to run it again in a later session (the downloads
    view); None for a key no job here makes. The API path is made from the key as the first run made it, never
    read from the file (which is the user's and could have been edited); the name is checked again by the
    engine's placement, as every name is."""
    if not key or not relative_path:
        return None
    if key.startswith(CERTIFICATE_KEY):
        certificate_id = key.removeprefix(CERTIFICATE_KEY)
        api_path = CredentialingResource.certificate_pdf_path(certificate_id) if certificate_id else None
    elif key.startswith(CLAIMS_HISTORY_KEY):
        insured_id, _, policy_id = key.removeprefix(CLAIMS_HISTORY_KEY).partition(":")
        both = insured_id and policy_id
        api_path = CredentialingResource.claims_history_path(insured_id, policy_id) if both else None
    else:
        api_path = DocumentsResource.content_path(key)
    if api_path is None:
        return None
    return DownloadJob(key=key, api_path=api_path, relative_path=relative_path, title=title or relative_path)
