"""Risk Management: the resources for the user's coverage types, by category; PDFs held in the portal are
downloaded through the shared engine (or previewed), public pages open in the browser."""

from __future__ import annotations

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import RiskCategory, RiskResource
from ssp_tui.tui.common.resource_library import LibraryItem, ResourceLibraryScreen

RISK_CATEGORY_LABELS: dict[str, str] = {
    RiskCategory.SAMPLE_FORMS: "Sample forms, checklists and letters",
    RiskCategory.GUIDELINES: "Guidelines for physicians and healthcare organizations",
    RiskCategory.SURVEYS: "Site and safety surveys",
    RiskCategory.TOOLKITS: "Risk toolkits",
    RiskCategory.OTHER: "Other resources",
}
"""In the portal's menu order (the table sorts the Category column in this order)."""


def risk_item(resource: RiskResource) -> LibraryItem:
    return LibraryItem(
        id=resource.id,
        title=resource.title,
        category=resource.category.value,
        category_label=RISK_CATEGORY_LABELS.get(resource.category, resource.category.value),
        published_on=resource.published_on,
        summary=resource.summary,
        document_id=resource.document_id,
        url=resource.url,
    )


class RiskManagementScreen(ResourceLibraryScreen):
    SECTION_ID = "risk"
    ID_PREFIX = "risk"
    CATEGORY_LABELS = RISK_CATEGORY_LABELS

    async def fetch(self, client: PortalClient, category: str | None, query: str | None) -> list[LibraryItem]:
        chosen = RiskCategory(category) if category else None
        resources = await client.risk.list(category=chosen, q=query).collect()
        return [risk_item(r) for r in resources]
