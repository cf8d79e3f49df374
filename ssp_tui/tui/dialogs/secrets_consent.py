"""The question asked where a secret is about to be kept and there is no OS keyring: may it go to the private
file? The same consent as Settings' "Keep secrets in a private file" and ``secrets_file_consent`` in
config.toml; the caller saves the answer (``SessionController.set_secrets_file_consent``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

CONSENT_LABEL = "Keep secrets in a private file when there is no OS keyring"
"""The setting's label in Settings, which the messages about it name."""


class SecretsConsentDialog(ModalScreen[bool]):
    """Dismisses True when the user agrees (then the consent is saved as a setting), False otherwise."""

    AUTO_FOCUS = "#consent-no"
    BINDINGS = [
        Binding(
            "escape", "decline", "Not now", tooltip="Keep nothing; ask again next time", id="consent.decline"
        )
    ]

    def __init__(self, what: str, where: str) -> None:
        super().__init__()
        self._what = what
        self._where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="consent-dialog", classes="dialog"):
            yield Static("No keyring on this computer", classes="dialog-title")
            yield Static(
                f"There is no OS keyring here to keep {self._what} in. ssp-tui can keep it, and later "
                f"secrets, in a private file readable only by you:\n  {self._where}\n"
                f'Your answer is kept as the setting "{CONSENT_LABEL}" (F2 Settings), '
                "which you can change at any time.",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Use the private file", variant="primary", id="consent-yes")
                yield Button("Not now", id="consent-no")

    @on(Button.Pressed, "#consent-yes")
    def agree(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#consent-no")
    def action_decline(self) -> None:
        self.dismiss(False)
