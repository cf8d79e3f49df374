"""Policy Services: pick a policy and a term, select its documents, download them combined or separately,
preview a first page as text, and open the Frequently Downloaded Forms. Policyholders and agents also ask for
policy changes here (c), and agents follow their clients' renewal applications (a, and the renewal term's
application line)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.worker import Worker

from ssp_tui.api.client import PortalClient
from ssp_tui.api.errors import AuthenticationRequired
from ssp_tui.api.models import Document, DocumentType, PolicyDetail, PolicySummary, StatusFilter, Term
from ssp_tui.api.roles import Capability
from ssp_tui.operations.downloads.jobs import combined_title, document_job
from ssp_tui.operations.pdf_text import PdfTextError
from ssp_tui.operations.safe_names import TemplateError
from ssp_tui.tui.common.download_runner import DownloadRunner, fetch_preview_text
from ssp_tui.tui.common.links import open_link
from ssp_tui.tui.dialogs.download_dialogs import PreviewDialog
from ssp_tui.tui.section_registry import RecordRef
from ssp_tui.tui.section_screen import SectionScreen
from ssp_tui.tui.sections.policy_services.panes import DocumentsPane, PolicyPicker
from ssp_tui.widgets.virtual_table import VirtualTable


def renewal_application_line(documents: list[Document]) -> str:
    """The renewal term's application, as an agent needs to know it: completed (when), or still missing."""
    application = next((d for d in documents if d.type is DocumentType.RENEWAL_APPLICATION), None)
    if application is None:
        return "Renewal application: MISSING. Ask the client to complete it before the renewal term begins."
    done = f" on {application.completed_on:%m/%d/%Y}" if application.completed_on else ""
    return f"Renewal application: completed{done} (in the list below)."


class PolicyServicesScreen(SectionScreen):
    SECTION_ID = "policy_services"
    DIALOG_ACTIONS = frozenset({"download", "preview"})
    BINDINGS = [
        Binding(
            "d",
            "download",
            "Download",
            tooltip="Download the selected documents",
            id="policy_services.download",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "p",
            "preview",
            "Preview",
            tooltip="Show the text of the highlighted document's first page",
            id="policy_services.preview",
            priority=True,  # a dialog key: see SectionScreen.DIALOG_ACTIONS
        ),
        Binding(
            "f",
            "frequent_forms",
            "Forms",
            tooltip="Open the Frequently Downloaded Forms page",
            id="policy_services.frequent_forms",
        ),
        Binding("slash", "search", "Search", tooltip="Search the policies", id="policy_services.search"),
        Binding(
            "r",
            "reload",
            "Reload",
            tooltip="Fetch the policies again from the portal",
            id="policy_services.reload",
        ),
        Binding(
            "c",
            "change_requests",
            "Changes",
            tooltip="Policy change requests: ask, and follow them",
            id="policy_services.change_requests",
        ),
        # Shift+A: a plain "a" selects every document in the table.
        Binding(
            "A",
            "renewal_applications",
            "Applications",
            tooltip="Your clients' renewal applications",
            id="policy_services.renewal_applications",
        ),
    ]

    DEFAULT_CSS = """
    #policy-services-main { height: 1fr; }
    #policy-services { height: 1fr; }
    """

    @dataclass
    class PoliciesLoaded(Message):
        status: StatusFilter
        policies: list[PolicySummary]

    @dataclass
    class PolicyLoaded(Message):
        policy: PolicyDetail
        term: Term
        """The term whose documents were asked for beside the policy."""
        documents: list[Document] | None
        """That term's documents; None when that ask failed (the screen asks again, where it is reported)."""

    @dataclass
    class DocumentsLoaded(Message):
        policy_id: str
        term: Term
        documents: list[Document]

    def __init__(self) -> None:
        super().__init__()
        self.policy: PolicyDetail | None = None
        self.term: Term = Term.CURRENT
        self.opening: str | None = None
        """The policy Home asked for: until it is shown, the picker's own first row does not count."""
        self.asked_for: str | None = None
        """The policy last asked of the portal: an answer for another one (a load cancelled after it answered)
        is dropped, so it can neither show nor change the term Home asked for."""

    def compose_body(self) -> ComposeResult:
        with Vertical(id="policy-services"):
            with Horizontal(id="policy-services-main", classes="split"):
                yield PolicyPicker(id="policy-picker", classes="split-list")
                yield DocumentsPane(id="documents-pane", classes="split-detail")
            yield DownloadRunner(id="document-downloads")

    picker = getters.query_one(PolicyPicker)
    documents = getters.query_one(DocumentsPane)
    runner = getters.query_one(DownloadRunner)

    def on_mount(self) -> None:
        self.picker.table.focus()

    def first_shown(self) -> None:
        self.load_policies(StatusFilter.ACTIVE)

    def open_record(self, record: RecordRef) -> None:
        """Home's renewal item: exactly that policy, on the term it is about."""
        self.opening = record.ref_id
        self.term = Term(record.term) if record.term else Term.CURRENT
        self.load_policy(record.ref_id)
        if self.picker.table.shown_rows():
            self._point_picker_at(record.ref_id)
        # else the first load is under way: its handler points the picker at the policy

    def _point_picker_at(self, policy_id: str) -> None:
        # Not moved (not in the list under this status filter, or already under the cursor): the direct load
        # shows it, and the picker's own messages count again.
        if not self.picker.table.move_cursor_to_key(policy_id):
            self.opening = None

    def open_intent(self, intent: str) -> None:
        if intent == "change_requests":  # Home's change-request items
            self.action_change_requests()
        elif intent == "documents":
            # Home's "Policy Documents": straight to the documents when a policy is shown, else to the list.
            table = self.documents.table if self.policy is not None else self.picker.table
            table.focus()

    # -- loading --

    @work(exclusive=True, exit_on_error=False, group="policies")
    async def load_policies(self, status: StatusFilter) -> None:
        policies = await self.controller.call(lambda c: c.policies.list(status=status).collect())
        self.post_message(self.PoliciesLoaded(status, policies))

    def load_policy(self, policy_id: str) -> None:
        self.asked_for = policy_id
        self._fetch_policy(policy_id, self.term)

    @work(exclusive=True, exit_on_error=False, group="policy")
    async def _fetch_policy(self, policy_id: str, term: Term) -> None:
        # The documents of the term the screen keeps are asked for beside the policy, not after it: one round
        # trip where there were two (docs/performance.md, "Policy Services and the collector"). The policy's
        # terms decide; when they do not offer it, the handler asks for the current term's.
        async def policy_and_documents(client: PortalClient) -> tuple[PolicyDetail, list[Document] | None]:
            # Both are sent in this step, before the policies' frame the loop has ready (the paginator asks
            # for its first page in the caller's step): the frame then overlaps with the portal's work.
            documents, policy = await asyncio.gather(
                client.documents.list(policy_id, term=term).collect(),
                client.policies.get(policy_id),
                return_exceptions=True,
            )
            for outcome in (policy, documents):
                if isinstance(outcome, AuthenticationRequired) or (
                    isinstance(outcome, BaseException) and not isinstance(outcome, Exception)
                ):
                    raise outcome  # the session's re-login, or a cancel, as for any one request
            if isinstance(policy, BaseException):
                raise policy
            return policy, None if isinstance(documents, BaseException) else documents

        policy, documents = await self.controller.call(policy_and_documents)
        self.post_message(self.PolicyLoaded(policy, term, documents))

    @work(exclusive=True, exit_on_error=False, group="documents")
    async def load_documents(self, policy_id: str, term: Term) -> None:
        documents = await self.controller.call(lambda c: c.documents.list(policy_id, term=term).collect())
        self.post_message(self.DocumentsLoaded(policy_id, term, documents))

    def on_policy_services_screen_policies_loaded(self, message: PoliciesLoaded) -> None:
        if message.status is self.picker.status:
            self.picker.show_policies(message.policies)
            if self.opening is not None:
                self._point_picker_at(self.opening)
            else:
                # The row under the cursor is known now: ask for it at once, not after the picker's
                # CursorMoved and PolicyChosen have gone round (a frame or two later); policy_chosen then
                # finds it asked for.
                row = self.picker.table.cursor_row
                if isinstance(row, PolicySummary) and row.id != self.asked_for:
                    self.load_policy(row.id)

    def on_policy_services_screen_policy_loaded(self, message: PolicyLoaded) -> None:
        policy = message.policy
        if policy.id != self.asked_for or (self.opening is not None and policy.id != self.opening):
            return  # a policy asked for before the last one (Home's, or the picker's)
        self.policy = policy
        status = "cancelled" if policy.cancelled_on else policy.status.value
        heading = f"{policy.policy_number} · {policy.policyholder} · {policy.coverage_type} · {status}"
        self.term = self.documents.show_policy(heading, policy.terms, keep=self.term)
        if message.documents is not None and message.term is self.term:
            self._show_documents(self.term, message.documents)
        else:
            self.documents.show_loading()
            self.load_documents(policy.id, self.term)

    def on_policy_services_screen_documents_loaded(self, message: DocumentsLoaded) -> None:
        if self.policy is not None and (message.policy_id, message.term) == (self.policy.id, self.term):
            self._show_documents(message.term, message.documents)

    def _show_documents(self, term: Term, documents: list[Document]) -> None:
        assert self.policy is not None
        self.documents.show_documents(documents)
        shows_applications = self._may(Capability.RENEWAL_APPLICATIONS) and self.policy.agency is not None
        self.documents.show_application(
            renewal_application_line(documents) if term is Term.RENEWAL and shows_applications else None
        )

    @on(PolicyPicker.StatusChanged)
    def status_changed(self, message: PolicyPicker.StatusChanged) -> None:
        if not self.shown:
            return  # the list's first value, set as it mounts: first_shown loads with it
        self.load_policies(message.status)

    @on(PolicyPicker.PolicyChosen)
    def policy_chosen(self, message: PolicyPicker.PolicyChosen) -> None:
        if self.opening is not None:
            if message.policy is None or message.policy.id != self.opening:
                return  # the picker's first row, shown before the policy Home asked for
            self.opening = None
        if message.policy is None:
            self.workers.cancel_group(self, "policy")
            self.workers.cancel_group(self, "documents")
            self.policy = None
            self.asked_for = None
            self.documents.show_nothing()
        elif message.policy.id != self.asked_for:  # not when it is loaded or on its way already
            self.load_policy(message.policy.id)

    @on(DocumentsPane.TermChosen)
    def term_chosen(self, message: DocumentsPane.TermChosen) -> None:
        self.term = message.term
        if self.policy is not None:
            self.documents.show_loading()
            self.load_documents(self.policy.id, message.term)

    def worker_failed(self, worker: Worker[object], error: BaseException) -> bool:
        if worker.group in ("policy", "documents"):
            self.documents.query_one("#documents-heading").update(  # type: ignore[attr-defined]
                "The documents could not be loaded. Press r to try again."
            )
        return False

    # -- actions --

    def action_reload(self) -> None:
        self.load_policies(self.picker.status)
        if self.policy is not None:
            self.load_documents(self.policy.id, self.term)

    def action_search(self) -> None:
        self.picker.query_one("#policy-search Input").focus()

    def _may(self, capability: Capability) -> bool:
        user = self.controller.user
        return user is not None and capability in user.capabilities

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.typed_in_field(action):
            return None
        if action == "download":
            return not self.runner.is_running
        if action == "change_requests":
            return self._may(Capability.POLICY_CHANGES)
        if action == "renewal_applications":
            return self._may(Capability.RENEWAL_APPLICATIONS)
        return True

    def action_change_requests(self) -> None:
        if not self._may(Capability.POLICY_CHANGES):
            return
        from ssp_tui.tui.sections.policy_services.change_requests import ChangeRequestsScreen

        policies = [row for row in self.picker.table.shown_rows() if isinstance(row, PolicySummary)]
        self.app.push_screen(ChangeRequestsScreen(policies, self.policy.id if self.policy else None))

    def action_renewal_applications(self) -> None:
        if not self._may(Capability.RENEWAL_APPLICATIONS):
            return
        from ssp_tui.tui.sections.policy_services.renewal_applications import RenewalApplicationsScreen

        def open_renewal(policy_id: str | None) -> None:
            if policy_id is not None:
                self.open_record(RecordRef(policy_id, Term.RENEWAL.value))

        self.app.push_screen(RenewalApplicationsScreen(), open_renewal)

    def action_download(self) -> None:
        documents = self.documents.selected_documents()
        if not documents:
            self.notify("Select documents first: space selects one, a selects all.", severity="warning")
            return
        self.opens_a_dialog(self.download(documents))

    @work(exclusive=True, exit_on_error=False, group="download")
    async def download(self, documents: list[Document]) -> None:
        profile = self.controller.profile
        policy_number = self.policy.policy_number if self.policy else "documents"
        term_name = self.term.value
        try:
            jobs = [
                document_job(
                    d, template=profile.filename_template, policy_number=policy_number, term=self.term
                )
                for d in documents
            ]
        except TemplateError as error:
            self.notify(f"{error} Change the filename template in Settings (F2).", severity="error")
            return
        await self.runner.ask_and_run(
            self.controller,
            jobs,
            default_name=f"{policy_number}-{term_name}-documents.pdf",
            title=combined_title("Policy documents", [f"{policy_number} {term_name} term"]),
            labels=[policy_number],
        )

    def action_preview(self) -> None:
        document = self.documents.cursor_document()
        if document is None:
            self.notify("Highlight a document to preview.", severity="warning")
            return
        self.opens_a_dialog(self.preview(document))

    @work(exclusive=True, exit_on_error=False, group="preview")
    async def preview(self, document: Document) -> None:
        job = document_job(document, template="{id}.pdf")
        self.notify(f"Fetching {document.title}…", timeout=3)
        try:
            text = await fetch_preview_text(self.controller, job)
        except PdfTextError as error:
            self.notify(error.full_message, title="No preview", severity="warning")
            return
        await self.app.push_screen(PreviewDialog(document.title, text))

    def action_frequent_forms(self) -> None:
        self.open_frequent_forms()

    @work(exclusive=True, exit_on_error=False, group="forms")
    async def open_frequent_forms(self) -> None:
        forms = await self.controller.call(lambda c: c.documents.frequent_forms())
        await open_link(self.app, forms.url, forms.title)

    @on(VirtualTable.RowActivated, "#document-table")
    def document_activated(self, event: VirtualTable.RowActivated) -> None:
        event.stop()
        self.action_preview()
