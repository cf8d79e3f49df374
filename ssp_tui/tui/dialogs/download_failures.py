"""The question asked when some files of a download failed: retry, combine without them, or stop."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ssp_tui.formatting import plural


class FailureChoice(StrEnum):
    RETRY = "retry"
    """Run the batch again (the files already done come from the cache)."""
    WITHOUT_THEM = "without"
    """Write the combined PDF without the failed documents; its first bookmark names them."""
    STOP = "stop"
    """Keep what was written; the result says what is missing."""


class DownloadFailuresDialog(ModalScreen[FailureChoice]):
    """Names every failed file with its reason; the user chooses what happens next."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "choose('retry')",
            "Retry",
            tooltip="Download the failed files again",
            id="download_failures_dialog.choose",
        ),
        Binding(
            "w",
            "choose('without')",
            "Without them",
            tooltip="Combine the PDF without the failed files",
            id="download_failures_dialog.choose_w",
        ),
        Binding(
            "escape",
            "choose('stop')",
            "Stop",
            tooltip="Keep what was written and stop",
            id="download_failures_dialog.choose_escape",
        ),
    ]

    def __init__(self, failure_lines: Sequence[str], *, can_combine_without: bool) -> None:
        super().__init__()
        self.failure_lines = list(failure_lines)
        self.can_combine_without = can_combine_without

    def compose(self) -> ComposeResult:
        count = len(self.failure_lines)
        with Vertical(classes="dialog", id="download-failures-dialog"):
            yield Static(f"{plural(count, 'file')} failed", classes="dialog-title")
            with VerticalScroll(id="download-failures-list"):
                for line in self.failure_lines:
                    yield Static(f"✗ {escape(line)}", classes="download-failure")
            with Horizontal(classes="buttons"):
                yield Button("Retry", id="failures-retry", variant="primary")
                if self.can_combine_without:
                    yield Button("Combine without them", id="failures-without")
                yield Button("Stop", id="failures-stop")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and parameters[0] == FailureChoice.WITHOUT_THEM:
            return self.can_combine_without
        return True

    def action_choose(self, choice: str) -> None:
        self.dismiss(FailureChoice(choice))

    @on(Button.Pressed, "#failures-retry")
    def retry_pressed(self) -> None:
        self.dismiss(FailureChoice.RETRY)

    @on(Button.Pressed, "#failures-without")
    def without_pressed(self) -> None:
        self.dismiss(FailureChoice.WITHOUT_THEM)

    @on(Button.Pressed, "#failures-stop")
    def stop_pressed(self) -> None:
        self.dismiss(FailureChoice.STOP)
