"""PDF builders for the sandbox portal: one module per family, each drawing plain data from ``facts``.

documents.py gathers the data from SQLite and caches the bytes; nothing here touches the database.
"""

from ssp_tui.sandbox.pdfs.base import BuiltPdf, PageCountError
from ssp_tui.sandbox.pdfs.billing_docs import build_invoice, project_installments
from ssp_tui.sandbox.pdfs.certificate import build_certificate
from ssp_tui.sandbox.pdfs.claims_history import build_claims_history
from ssp_tui.sandbox.pdfs.policy_docs import (
    build_cancellation_notice,
    build_declarations,
    build_endorsement,
    build_renewal_notice,
)
from ssp_tui.sandbox.pdfs.policy_form import build_policy_form
from ssp_tui.sandbox.pdfs.renewal_application import build_renewal_application
from ssp_tui.sandbox.pdfs.resource import build_resource

__all__ = [
    "BuiltPdf",
    "PageCountError",
    "build_cancellation_notice",
    "build_certificate",
    "build_claims_history",
    "build_declarations",
    "build_endorsement",
    "build_invoice",
    "build_policy_form",
    "build_renewal_application",
    "build_renewal_notice",
    "build_resource",
    "project_installments",
]
