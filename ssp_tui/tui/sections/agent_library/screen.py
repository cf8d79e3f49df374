"""The Agent library (agents only): the resource library in its seven categories, by category and newest
first within each; PDFs are downloaded through the shared engine (or previewed), links open in the browser."""

from __future__ import annotations

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import AgentCategory, AgentResource
from ssp_tui.tui.common.resource_library import LibraryItem, ResourceLibraryScreen

AGENT_CATEGORY_LABELS: dict[str, str] = {
    AgentCategory.NEWSLETTER: "ProVisions newsletter archive",
    AgentCategory.MARKETING: "Marketing materials",
    AgentCategory.NEW_BUSINESS_APPLICATIONS: "New business applications",
    AgentCategory.RENEWAL_APPLICATIONS: "Renewal applications",
    AgentCategory.UNDERWRITING_MANUALS: "Underwriting manuals",
    AgentCategory.AGENT_OF_RECORD: "Agent of record guidelines",
    AgentCategory.BULLETINS: "Agent bulletins",
}
"""The seven categories, in the portal's menu order."""


def agent_item(resource: AgentResource) -> LibraryItem:
    return LibraryItem(
        id=resource.id,
        title=resource.title,
        category=resource.category.value,
        category_label=AGENT_CATEGORY_LABELS.get(resource.category, resource.category.value),
        published_on=resource.published_on,
        summary=resource.summary,
        document_id=resource.document_id,
        url=resource.url,
    )


class AgentLibraryScreen(ResourceLibraryScreen):
    SECTION_ID = "agent"
    ID_PREFIX = "agent"
    CATEGORY_LABELS = AGENT_CATEGORY_LABELS

    async def fetch(self, client: PortalClient, category: str | None, query: str | None) -> list[LibraryItem]:
        chosen = AgentCategory(category) if category else None
        resources = await client.agent.resources(category=chosen, q=query).collect()
        return [agent_item(r) for r in resources]
