"""The Security screen: what can complete a sign-in, and the devices that skip MFA (revocable).

Every portal call runs through the session (``SessionController.call``), so an expired session asks for a
new sign-in and carries on. Changing the phone and the authenticator are dialogs of their own
(``phone.py``, ``reenroll.py``); each dismisses with the new ``MfaStatus``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.worker import Worker, WorkerState

from ssp_tui.api.models import MfaFactor, MfaStatus, RememberedDevice
from ssp_tui.tui.shell import shell
from ssp_tui.widgets.table_columns import Column, ColumnKind
from ssp_tui.widgets.virtual_table import VirtualTable

FACTOR_WORDS = {
    MfaFactor.TOTP: "authenticator app",
    MfaFactor.SMS: "text message",
    MfaFactor.VOICE: "voice call",
}


def _when(moment: datetime | None) -> str:
    return f"{moment:%m/%d/%Y %H:%M} UTC" if moment else ""


DEVICE_COLUMNS: tuple[Column, ...] = (
    Column("label", "Device", max_width=48),
    Column("remembered_at", "Remembered", formatter=_when, min_width=20, kind=ColumnKind.DATE),
    Column("last_used_at", "Last used", formatter=_when, min_width=20, kind=ColumnKind.DATE),
    Column("expires_at", "Expires", formatter=_when, min_width=20, kind=ColumnKind.DATE),
)


def status_text(status: MfaStatus) -> str:
    factors = ", ".join(FACTOR_WORDS[f] for f in status.factors) or "none yet (set up at the next sign-in)"
    lines = [
        f"Sign-in codes from: {factors}",
        f"Text and voice codes go to: {status.phone_hint}",
        f"Authenticator app: {'set up' if status.totp_enrolled else 'not set up'}",
    ]
    if status.totp_reenrollment_pending:
        lines.append("A new authenticator was started and not confirmed: the old one still works.")
    return "\n".join(lines)


class SecurityScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #security-dialog { width: 110; height: auto; max-height: 100%; }
    #security-status { height: auto; margin-bottom: 1; }
    #security-devices { height: 10; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Back", id="security.close"),
        Binding(
            "x",
            "revoke",
            "Revoke device",
            tooltip="Forget the highlighted device: it asks for a code again",
            id="security.revoke",
        ),
        Binding("r", "reload", "Reload", tooltip="Fetch the factors and devices again", id="security.reload"),
    ]

    @dataclass
    class Loaded(Message):
        status: MfaStatus
        devices: list[RememberedDevice]

    def compose(self) -> ComposeResult:
        with Vertical(id="security-dialog", classes="dialog"):
            yield Static("Security: multi-factor authentication", classes="dialog-title")
            yield Static("Loading…", id="security-status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Change phone number", id="security-phone")
                yield Button("Set up the authenticator again", id="security-reenroll")
            yield Static("Remembered devices (they skip the code, never the password)", classes="card-title")
            yield VirtualTable(
                DEVICE_COLUMNS, multi_select=False, empty_text="No remembered devices", id="security-devices"
            )
            with Horizontal(classes="buttons"):
                yield Button("Revoke device", id="security-revoke")
                yield Button("Close", id="security-close")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, exit_on_error=False, group="security")
    async def load(self) -> None:
        controller = shell(self).controller
        status = await controller.call(lambda c: c.mfa.status())
        devices = await controller.call(lambda c: c.mfa.devices().collect())
        self.post_message(self.Loaded(status, devices))

    def on_security_screen_loaded(self, message: Loaded) -> None:
        self.show_status(message.status)
        self.query_one(VirtualTable).set_rows(message.devices, key=lambda device: device.id)

    def show_status(self, status: MfaStatus) -> None:
        self.query_one("#security-status", Static).update(status_text(status))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            shell(self).show_error(event.worker.error)

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#security-phone")
    def change_phone(self) -> None:
        from ssp_tui.tui.security.phone import PhoneChangeDialog

        self.app.push_screen(PhoneChangeDialog(), self._changed)

    @on(Button.Pressed, "#security-reenroll")
    def reenroll(self) -> None:
        from ssp_tui.tui.security.reenroll import ReenrollDialog

        self.app.push_screen(ReenrollDialog(), self._changed)

    def _changed(self, status: MfaStatus | None) -> None:
        if status is not None:
            self.show_status(status)

    @on(Button.Pressed, "#security-revoke")
    def action_revoke(self) -> None:
        device = self.query_one(VirtualTable).cursor_row
        if not isinstance(device, RememberedDevice):
            self.notify("Highlight a device first.", severity="warning")
            return
        self.revoke(device)

    @work(exclusive=True, exit_on_error=False, group="security-revoke")
    async def revoke(self, device: RememberedDevice) -> None:
        await shell(self).controller.call(lambda c: c.mfa.revoke_device(device.id))
        self.notify(f"Forgotten: {device.label}. Its next sign-in asks for a code.")
        self.load()

    @on(Button.Pressed, "#security-close")
    def action_close(self) -> None:
        self.dismiss(None)
