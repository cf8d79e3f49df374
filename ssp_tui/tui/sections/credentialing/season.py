"""Credentialing season on the Credentialing screen: holder requests from a file (f), what lapses soon across
the whole book (e, the Expiring tab), and the ledger of what was sent (s, the Sent tab).

The same operations as ``coi request-holders``, ``coi expiring`` and ``coi history``, run through the session
(an expired session signs in again, then the work goes on).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import TabbedContent

from ssp_tui import clock
from ssp_tui.api.errors import PortalError
from ssp_tui.api.models import CertificateTerm
from ssp_tui.formatting import plural
from ssp_tui.operations.certificate_search import CertificateQuery, find_certificates
from ssp_tui.operations.season.holder_batch import ResolvedRow, RowOutcome, resolve_rows, submit_rows
from ssp_tui.operations.season.holder_rows import HolderFile
from ssp_tui.operations.season.ledger import Ledger, LedgerError
from ssp_tui.tui.sections.credentialing.holder_file import HolderFileDialog
from ssp_tui.tui.sections.credentialing.season_panes import ExpiringPane, SentPane

if TYPE_CHECKING:
    from ssp_tui.tui.section_screen import SectionScreen

    _Base = SectionScreen
else:
    _Base = object

EXPIRING_TAB = "coi-expiring-tab"
SENT_TAB = "coi-sent-tab"


class CredentialingSeason(_Base):
    """Mixed into CredentialingScreen (before SectionScreen), which composes the two panes."""

    def action_holder_file(self) -> None:
        if self.app.is_web:
            # The path would name a file on the server, which is not the browser user's to read.
            self.notify(
                "In the browser, holder lists cannot be read from a file: the file would be on the server. "
                "Use `ssp-tui coi request-holders FILE` on your own machine.",
                title="Holder requests",
                severity="warning",
                timeout=12,
            )
            return
        self.open_holder_file()

    @work(exclusive=True, exit_on_error=False, group="coi-holder-file")
    async def open_holder_file(self) -> None:
        controller = self.controller

        async def check(holder_file: HolderFile) -> list[ResolvedRow]:
            return await controller.call(lambda c: resolve_rows(c, holder_file.rows))

        async def send(rows: list[ResolvedRow]) -> list[RowOutcome]:
            return await controller.call(lambda c: submit_rows(c, rows))

        sent = await self.app.push_screen_wait(HolderFileDialog(check, send, controller.profile.download_dir))
        if sent:
            self.notify(f"Sent {plural(sent, 'holder request')}.", title="Holder requests")
            self.load_requests()  # type: ignore[attr-defined]

    def action_expiring(self) -> None:
        self.query_one(TabbedContent).active = EXPIRING_TAB
        pane = self.query_one(ExpiringPane)
        pane.table.focus()
        self.load_expiring()

    @work(exclusive=True, exit_on_error=False, group="coi-expiring")
    async def load_expiring(self) -> None:
        pane = self.query_one(ExpiringPane)
        query = CertificateQuery(None, term=CertificateTerm.CURRENT)
        try:
            certificates = await self.controller.call(lambda c: find_certificates(c, query))
        except PortalError as exc:
            pane.failed(f"{exc.full_message} Press e to try again.")
            return
        pane.show(certificates, clock.today())

    def action_sent(self) -> None:
        self.query_one(TabbedContent).active = SENT_TAB
        self.query_one(SentPane).table.focus()
        self.load_sent()

    @work(exclusive=True, exit_on_error=False, group="coi-sent")
    async def load_sent(self) -> None:
        pane = self.query_one(SentPane)
        key = await self.controller.portal_key()

        def read() -> tuple[list, list]:
            with Ledger.open(key) as ledger:
                return ledger.history(), ledger.changed_since_delivered()

        try:
            entries, changed = await asyncio.to_thread(read)
        except LedgerError as exc:
            pane.failed(exc.full_message)
            return
        pane.show(entries, changed)
