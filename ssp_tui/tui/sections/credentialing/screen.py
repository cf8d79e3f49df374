"""Credentialing: search insureds, tick certificates of insurance (grouped by insured or by COI holder, with
COI Access or COI and Claims History Access each), download them as one PDF or separate PDFs through the
shared engine, and ask for a new certificate holder (Add a COI Holder) and follow those requests."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static, TabbedContent, TabPane
from textual.worker import Worker

from ssp_tui import clock
from ssp_tui.api.models import (
    Certificate,
    CertificateTerm,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
)
from ssp_tui.operations.downloads.jobs import combined_title
from ssp_tui.operations.safe_names import TemplateError
from ssp_tui.tui.common.download_runner import DownloadRunner
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.credentialing.holder import (
    HolderRequestDialog,
    HolderRequestSent,
    InsuredChoice,
    insured_choices,
    preselected,
)
from ssp_tui.tui.sections.credentialing.requests import HolderRequestsPane
from ssp_tui.tui.sections.credentialing.search import CertificateSearch, CoiSearchBar, search_summary
from ssp_tui.tui.sections.credentialing.season import EXPIRING_TAB, SENT_TAB, CredentialingSeason
from ssp_tui.tui.sections.credentialing.season_panes import ExpiringPane, SentPane
from ssp_tui.tui.sections.credentialing.selection import (
    CERTIFICATE_REPEATS,
    INSURED_REPEATS,
    CertificateSelection,
    Grouping,
    collect_sharing,
    group_certificates,
    plan_downloads,
)
from ssp_tui.tui.sections.credentialing.tree import CertificateTree

CERTIFICATES_TAB = "coi-certificates-tab"
REQUESTS_TAB = "coi-requests-tab"


class CredentialingScreen(CredentialingSeason, SectionScreen):
    DIALOG_ACTIONS = frozenset({"download", "add_holder"})
    SECTION_ID = "credentialing"
    BINDINGS = [
        Binding(
            "d",
            "download",
            "Download",
            tooltip="Download the ticked certificates (one PDF or separate)",
            id="credentialing.download",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "h",
            "add_holder",
            "Add a COI Holder",
            tooltip="Ask ProAssurance to add a certificate holder",
            id="credentialing.add_holder",
            # Taken as the key arrives, so the form is on top before the keys typed after `h` are handled
            # (the app holds them until it is composed); not while typing in the search box (check_action).
            priority=True,
        ),
        Binding(
            "l",
            "holder_requests",
            "Requests",
            tooltip="Show your holder requests, or the certificates",
            id="credentialing.holder_requests",
        ),
        Binding(
            "g",
            "toggle_grouping",
            "Group",
            tooltip="Group by insured or by COI holder",
            id="credentialing.toggle_grouping",
        ),
        Binding(
            "t", "toggle_term", "Term", tooltip="Current term or renewal term", id="credentialing.toggle_term"
        ),
        Binding(
            "f",
            "holder_file",
            "From a file",
            tooltip="Holder requests for a list (.csv or .xlsx)",
            id="credentialing.holder_file",
        ),
        Binding(
            "e",
            "expiring",
            "Expiring",
            tooltip="Certificates lapsing soon across your whole book",
            id="credentialing.expiring",
        ),
        Binding(
            "s",
            "sent",
            "Sent",
            tooltip="What was downloaded, drafted and sent, and what changed since",
            id="credentialing.sent",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            tooltip="Search insureds by policy number or policyholder",
            id="credentialing.search",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            tooltip="Search again and reload your holder requests",
            id="credentialing.reload",
        ),
    ]

    DEFAULT_CSS = """
    #credentialing { height: 1fr; }
    #coi-tabs { height: 1fr; }
    #coi-tabs TabPane { height: 1fr; padding: 0; }
    #coi-summary, #coi-hint { height: auto; }
    """

    @dataclass
    class CertificatesFound(Message):
        search: CertificateSearch
        insureds: list[CredentialedInsured]
        certificates: list[Certificate]
        without_renewal: int
        """Policies found that offer no renewal term (so no renewal certificates)."""

    @dataclass
    class RequestsLoaded(Message):
        requests: list[HolderRequest]

    def __init__(self) -> None:
        super().__init__()
        self.selection = CertificateSelection()
        self.insureds: list[CredentialedInsured] = []
        self.last_search: CertificateSearch | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="credentialing"):
            yield CoiSearchBar(id="coi-search")
            with TabbedContent(id="coi-tabs", initial=CERTIFICATES_TAB):
                with TabPane("Certificates", id=CERTIFICATES_TAB):
                    yield Static("Searching…", id="coi-summary", classes="card-title")
                    yield CertificateTree(self.selection, id="coi-tree")
                    yield Static(
                        "space tick · c COI / COI and Claims History · a all · n none · d download · "
                        "h add a COI holder · g group · t term",
                        id="coi-hint",
                        classes="hint",
                    )
                with TabPane("Holder requests", id=REQUESTS_TAB):
                    yield HolderRequestsPane(id="coi-requests")
                with TabPane("Expiring", id=EXPIRING_TAB):
                    yield ExpiringPane(id="coi-expiring")
                with TabPane("Sent", id=SENT_TAB):
                    yield SentPane(id="coi-sent")
            yield DownloadRunner(id="coi-downloads")

    search_bar = getters.query_one(CoiSearchBar)
    tree = getters.query_one(CertificateTree)
    runner = getters.query_one(DownloadRunner)

    def on_mount(self) -> None:
        self.tree.focus()

    def first_shown(self) -> None:
        self.search(self.search_bar.search)
        self.load_requests()

    def open_intent(self, intent: str) -> None:
        if not self.query(CertificateTree):
            return  # a screen not composed yet opens on the certificates anyway (on_mount focuses them)
        tabs = self.query_one(TabbedContent)
        if intent == "create_coi":
            # Home's "Create a COI": straight to the certificates, ready to tick and download.
            if tabs.active == REQUESTS_TAB:
                tabs.active = CERTIFICATES_TAB
            self.tree.focus()
        elif intent == "holder_requests" and tabs.active != REQUESTS_TAB:
            # Home's "N certificate holder requests in progress": those requests.
            self.action_holder_requests()

    # -- loading --

    @work(exclusive=True, exit_on_error=False, group="coi-search")
    async def search(self, search: CertificateSearch) -> None:
        self.query_one("#coi-summary", Static).update("Searching…")
        q = search.text or None
        # The insureds (for holder requests and the summary) and their certificates, each a few pages even
        # for a whole book (one certificate search, not a request per policy), both at once; the values
        # repeated from row to row kept once (two thirds of a whole book's certificates).
        insureds, certificates = await asyncio.gather(
            self.controller.call(
                lambda c: collect_sharing(
                    c.credentialing.insureds(q=q, by=search.by, status=search.status), INSURED_REPEATS
                )
            ),
            self.controller.call(
                lambda c: collect_sharing(
                    c.credentialing.search_certificates(
                        q=q, by=search.by, status=search.status, term=search.term
                    ),
                    CERTIFICATE_REPEATS,
                )
            ),
        )
        policy_ids = {i.policy_id for i in insureds}
        without_renewal = 0
        if search.term is CertificateTerm.RENEWAL:
            without_renewal = len(policy_ids - {i.policy_id for i in insureds if i.has_renewal})
        self.post_message(self.CertificatesFound(search, insureds, certificates, without_renewal))

    @work(exclusive=True, exit_on_error=False, group="coi-requests")
    async def load_requests(self) -> None:
        requests = await self.controller.call(lambda c: c.credentialing.holder_requests().collect())
        self.post_message(self.RequestsLoaded(requests))

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        if worker.group == "coi-search":
            self.query_one("#coi-summary", Static).update("The search failed. Press r to try again.")
        return False

    def on_credentialing_screen_certificates_found(self, message: CertificatesFound) -> None:
        self.insureds = message.insureds
        self.last_search = message.search
        self.selection.replace(message.certificates)
        self._show_tree()
        self.query_one("#coi-summary", Static).update(
            search_summary(
                message.insureds, len(message.certificates), message.search.term, message.without_renewal
            )
        )

    def on_credentialing_screen_requests_loaded(self, message: RequestsLoaded) -> None:
        self.query_one(HolderRequestsPane).show_requests(message.requests)

    def _show_tree(self) -> None:
        grouping = self.search_bar.grouping
        self.tree.show_groups(group_certificates(self.selection.certificates.values(), grouping), grouping)
        # No certificates: the summary says why, in place of an empty tree (and a hint about ticking nothing).
        found = bool(self.selection.certificates)
        self.tree.display = found
        self.query_one("#coi-hint", Static).display = found

    @on(CoiSearchBar.SearchRequested)
    def search_requested(self, message: CoiSearchBar.SearchRequested) -> None:
        if not self.shown:
            return  # the lists' first values, set as it mounts: first_shown loads with it
        self.search(message.search)
        if self.focused is self.query_one("#coi-query", Input):
            self.tree.focus()  # Enter in the box: on to the results, ready to tick

    @on(CoiSearchBar.GroupingChanged)
    def grouping_changed(self) -> None:
        self._show_tree()

    @on(CertificateTree.SelectionChanged)
    def selection_changed(self) -> None:
        self.refresh_bindings()

    # -- actions --

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "download":
            return not self.runner.is_running
        if self.typed_in_field(action):
            return None
        return True

    def action_search(self) -> None:
        self.query_one(TabbedContent).active = CERTIFICATES_TAB
        self.query_one("#coi-query", Input).focus()

    def action_reload(self) -> None:
        self.search(self.search_bar.search)
        self.load_requests()

    def action_toggle_grouping(self) -> None:
        other = Grouping.COI if self.search_bar.grouping is Grouping.INSURED else Grouping.INSURED
        self.search_bar.set_grouping(other)

    def action_toggle_term(self) -> None:
        current = self.search_bar.search.term
        other = CertificateTerm.RENEWAL if current is CertificateTerm.CURRENT else CertificateTerm.CURRENT
        self.search_bar.set_term(other)

    def action_holder_requests(self) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == REQUESTS_TAB:
            tabs.active = CERTIFICATES_TAB
            self.tree.focus()
        else:
            tabs.active = REQUESTS_TAB
            self.query_one(HolderRequestsPane).table.focus()
            self.load_requests()

    def action_download(self) -> None:
        chosen = self.selection.chosen(self.tree.shown_order())
        if not chosen:
            self.notify(
                "Tick certificates first: space ticks one or a group, a ticks all.", severity="warning"
            )
            return
        self.opens_a_dialog(self.download(chosen))

    @work(exclusive=True, exit_on_error=False, group="coi-download")
    async def download(self, certificates: list[Certificate]) -> None:
        profile = self.controller.profile
        # In a thread: 2,000 certificates' jobs and safe file names were a few tenths of a second on the event
        # loop, in front of the dialog and beside every frame (issue 23). The access levels are copied first,
        # so a key pressed meanwhile cannot change the plan halfway.
        access = self.selection.access_levels()
        try:
            plan = await asyncio.to_thread(
                plan_downloads,
                certificates,
                access,
                issued_on=clock.today(),
                template=profile.filename_template,
            )
        except TemplateError as error:
            self.notify(f"{error} Change the filename template in Settings (F2).", severity="error")
            return
        if plan.without_claims_history:
            names = ", ".join(f"{c.insured_name} ({c.policy_number})" for c in plan.without_claims_history)
            self.notify(
                f"No claims history is available online for {names}: the certificates are downloaded "
                "without it. Ask for it with Add a COI Holder (h).",
                title="Claims history not available",
                severity="warning",
                timeout=12,
            )
        term = certificates[0].term.value
        insureds = [f"{c.insured_name} ({c.policy_number})" for c in certificates]
        await self.runner.ask_and_run(
            self.controller,
            plan.jobs,
            default_name=f"certificates-{term}-{clock.today():%Y-%m-%d}.pdf",
            title=combined_title("Certificates of insurance", insureds),
            labels=list(dict.fromkeys(insureds)),
        )

    def action_add_holder(self) -> None:
        choices = self.holder_choices()
        if not choices:
            self.notify(
                "Holder requests are for insureds on active policies: search for one first.",
                severity="warning",
            )
            return
        # Pushed here, not in a worker: the keys typed right after `h` belong to the form (the app holds them
        # until it is composed); from a worker they reached this screen first, where `a` ticks everything.
        chosen = preselected(choices, self.tree.cursor_certificate())
        self.app.push_screen(HolderRequestDialog(choices, chosen), callback=self._holder_chosen)

    def _holder_chosen(self, body: HolderRequestCreate | None) -> None:
        if body is not None:
            self.send_holder_request(body)

    def holder_choices(self) -> list[InsuredChoice]:
        return insured_choices(self.insureds)

    @work(exclusive=True, exit_on_error=False, group="coi-holder")
    async def send_holder_request(self, body: HolderRequestCreate) -> None:
        request = await self.submit_holder_request(body)
        self.load_requests()
        await self.app.push_screen(HolderRequestSent(request))

    async def submit_holder_request(self, body: HolderRequestCreate) -> HolderRequest:
        # One key for this request, made before the first attempt: the client's retries and a retry after a
        # re-login all send it, so the portal creates the request once however often it is sent.
        key = uuid.uuid4().hex
        return await self.controller.call(
            lambda c: c.credentialing.create_holder_request(body, idempotency_key=key)
        )
