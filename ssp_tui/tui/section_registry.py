"""The registry of portal sections: the one place a new section is added.

Each section is a Textual mode of ``SspApp``. The app shows a section only when the signed-in user may use
it, and only sections listed here exist, so a section whose screen is not built is simply not in the list
(there are no placeholder screens). To add one, write its screen (a ``SectionScreen`` subclass, see
``chrome.py``) and add one ``Section`` line to ``SECTIONS``; the nav bar, the number key, the command palette,
Help and Home's quick jumps pick it up from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from ssp_tui.api.roles import Capability, Role

if TYPE_CHECKING:
    from textual.screen import Screen

    from ssp_tui.api.models.auth import User

ALL_ROLES: frozenset[Role] = frozenset(Role)


@dataclass(frozen=True)
class RecordRef:
    """One record a section is asked to open (from Home's attention items): an account or policy id, and the
    policy term when it matters (``"renewal"`` for renewal documents)."""

    ref_id: str
    term: str | None = None


@dataclass(frozen=True)
class Section:
    """One top-level portal menu."""

    id: str
    """The mode name, e.g. ``"payments"``; also the id used by ``SspApp.open_section``."""
    title: str
    """As the portal's menu says it, e.g. ``"Policy Services"``."""
    key: str
    """The number key that opens it (``"1"`` to ``"9"``), unique across sections."""
    screen: str
    """``"module:ClassName"`` of the screen; imported only after sign-in (when the screen is built ahead, or
    at the section's key), so that start-up never pays for a section's imports (PDF, Excel...)."""
    roles: frozenset[Role] = ALL_ROLES
    """The roles that may use it."""
    capability: Capability | None = None
    """A capability the user must also hold (from ``GET /me``), e.g. ``Capability.SUPPORT_TRIAGE``."""
    description: str = ""
    """One line for the command palette and Help."""
    short_title: str = ""
    """The menu's name in the section bar when the full names do not fit (80 columns); empty: ``title``."""
    intents: tuple[str, ...] = field(default=())
    """Named entry points the screen understands (e.g. ``"create_coi"``), for quick jumps from Home: the app
    calls ``screen.open_intent(name)`` after switching to the section."""

    def allowed_for(self, user: User) -> bool:
        if user.role not in self.roles:
            return False
        return self.capability is None or self.capability in user.capabilities

    def screen_class(self) -> type[Screen[None]]:
        """The screen's class, imported now (the first call pays for the section's imports)."""
        module_name, _, class_name = self.screen.partition(":")
        screen_class: type[Screen[None]] = getattr(import_module(module_name), class_name)
        return screen_class

    def screen_factory(self) -> Callable[[], Screen[None]]:
        """A zero-argument factory for ``App.add_mode`` that imports the screen class on first use."""

        def make() -> Screen[None]:
            return self.screen_class()()

        return make


SECTIONS: tuple[Section, ...] = (
    Section(
        id="home",
        title="Home",
        key="1",
        screen="ssp_tui.tui.sections.home.screen:HomeScreen",
        description="News, risk-management highlights and what needs your attention",
    ),
    Section(
        id="payments",
        title="Payments",
        key="2",
        screen="ssp_tui.tui.sections.payments.screen:PaymentsScreen",
        capability=Capability.BILLING,
        description="Billing accounts and policies: amounts due, installments, payments, Pay",
    ),
    Section(
        id="policy_services",
        title="Policy Services",
        short_title="Policies",
        key="3",
        screen="ssp_tui.tui.sections.policy_services.screen:PolicyServicesScreen",
        capability=Capability.POLICY_DOCUMENTS,
        description="Policy documents by term: select, download, preview; frequently used forms; policy "
        "change requests; renewal applications (agents)",
        intents=("documents", "change_requests"),
    ),
    Section(
        id="credentialing",
        title="Credentialing",
        key="4",
        screen="ssp_tui.tui.sections.credentialing.screen:CredentialingScreen",
        roles=frozenset({Role.INSURED, Role.POLICYHOLDER, Role.AGENT}),
        capability=Capability.CREDENTIALING,
        description="Certificates of insurance and claims histories; COI holder requests and their status",
        intents=("create_coi", "holder_requests"),
    ),
    Section(
        id="risk",
        title="Risk Management",
        short_title="Risk",
        key="5",
        screen="ssp_tui.tui.sections.risk_management.screen:RiskManagementScreen",
        description="Risk resources for your coverage by category: forms, guidelines, surveys, toolkits",
    ),
    Section(
        id="seminars",
        title="Seminars",
        key="6",
        screen="ssp_tui.tui.sections.seminars.screen:SeminarsScreen",
        description="Seminar catalog and activity history: filter, count credits, export to Excel or CSV",
        intents=("activity",),
    ),
    Section(
        id="agent",
        title="Agent",
        key="7",
        screen="ssp_tui.tui.sections.agent_library.screen:AgentLibraryScreen",
        roles=frozenset({Role.AGENT}),
        capability=Capability.AGENT_LIBRARY,
        description="The agent resource library: newsletters, applications, manuals, bulletins",
    ),
    Section(
        id="support",
        title="Support",
        key="8",
        screen="ssp_tui.tui.sections.support.screen:SupportScreen",
        roles=frozenset({Role.SUPPORT}),
        capability=Capability.SUPPORT_TRIAGE,
        description="Find any account and see what is wrong: past due, locked, MFA, overdue requests",
    ),
)
"""Every built section, in menu order. Number keys by portal order: 1 Home, 2 Payments, 3 Policy Services,
4 Credentialing, 5 Risk Management, 6 Seminars, 7 Agent, 8 Support."""

HOME_SECTION_ID = "home"


def sections_for(user: User, registry: Iterable[Section] = SECTIONS) -> list[Section]:
    """The sections this user may open, in menu order."""
    return [section for section in registry if section.allowed_for(user)]


def section_by_id(section_id: str, registry: Iterable[Section] = SECTIONS) -> Section | None:
    return next((section for section in registry if section.id == section_id), None)


def _check_registry(registry: Iterable[Section]) -> None:
    """Fail at import, not at a key press, when two sections share an id or a key."""
    sections = list(registry)
    ids = [section.id for section in sections]
    keys = [section.key for section in sections]
    if len(set(ids)) != len(ids) or len(set(keys)) != len(keys):
        raise ValueError("SECTIONS: every section needs its own id and number key")
    if any(not (len(key) == 1 and key.isdigit() and key != "0") for key in keys):
        raise ValueError("SECTIONS: number keys are single digits 1 to 9")


_check_registry(SECTIONS)
