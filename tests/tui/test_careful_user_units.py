"""The small things a careful user sees (issue 19, point 6), as units: counts agree with their nouns."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import ScrollableContainer
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Label, RadioSet, Static

from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import BulkResult, Destination, DownloadJob, DownloadMode
from ssp_tui.operations.downloads.results import SavedFile
from ssp_tui.operations.export import ExportFormat
from ssp_tui.tui.common.download_runner import describe_result
from ssp_tui.tui.dialogs.download_dialogs import DownloadDialog
from ssp_tui.tui.sections.credentialing.holder import HolderRequestDialog, InsuredChoice
from ssp_tui.tui.sections.seminars.activity import ActivityFilterForm, activity_summary_of
from ssp_tui.tui.sections.seminars.export import ExportChoice, ExportDialog
from ssp_tui.tui.sections.support.overview import SummaryDialog
from ssp_tui.tui.sign_in.recovery import RecoveryScreen
from ssp_tui.tui.sign_in.register import RegisterScreen


def test_a_count_agrees_with_its_noun() -> None:
    assert plural(1, "file") == "1 file"
    assert plural(0, "file") == "0 files"
    assert plural(2, "policy", "policies") == "2 policies"
    assert plural(1, "policy", "policies") == "1 policy"
    assert plural(12_345, "certificate") == "12,345 certificates"


def test_one_saved_file_is_one_file(tmp_path: Path) -> None:
    job = DownloadJob("d1", "/documents/d1/content", "one.pdf", "Declarations")
    saved = SavedFile(job, tmp_path / "one.pdf", "0" * 64, 10, from_cache=False)
    result = BulkResult(DownloadMode.SEPARATE, files=[saved], manifest_path=tmp_path / "manifest.json")
    assert describe_result(result).startswith("Saved 1 file to "), describe_result(result)
    cancelled = BulkResult(DownloadMode.SEPARATE, missing=[job], cancelled=True)
    assert "saved 0 of 1 file to" in describe_result(cancelled), describe_result(cancelled)


class DialogApp(App[None]):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.chosen: list[Destination | None] = []

    def on_mount(self) -> None:
        dialog = DownloadDialog(2, folder=self.folder, default_name="both.pdf", template="{title}.pdf")
        self.push_screen(dialog, self.chosen.append)


async def test_enter_on_the_download_type_list_confirms_the_dialog(tmp_path: Path) -> None:
    app = DialogApp(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.focused, RadioSet), "the dialog opens on the choice of one PDF or several"
        await pilot.press("down", "enter")  # to "Separate PDFs", and go
        await pilot.pause()
        assert app.chosen == [Destination.separate(tmp_path)]


async def test_enter_on_the_highlighted_default_downloads_one_pdf(tmp_path: Path) -> None:
    app = DialogApp(tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [Destination.combined_in(tmp_path, "both.pdf")]


def error_under(screen: Screen[object], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_holder_form_message_goes_once_its_field_is_fixed() -> None:
    choices = [InsuredChoice("ins-1", "pol-1", "Lucas Nguyen")]
    app: App[None] = App()
    async with app.run_test(size=(100, 60)) as pilot:
        app.push_screen(HolderRequestDialog(choices, choices[0]))
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, HolderRequestDialog)
        await pilot.press("ctrl+s")  # everything empty
        await pilot.pause()
        assert error_under(dialog, "#holder-holder_name-error") == "Enter the certificate holder's name."
        assert error_under(dialog, "#holder-zip-error") == "Enter the ZIP code."
        await pilot.press(*"X Clinic")  # the focus went to the first wrong field
        await pilot.pause()
        assert error_under(dialog, "#holder-holder_name-error") == "", "fixed: its message is gone"
        assert error_under(dialog, "#holder-zip-error") == "Enter the ZIP code.", "not fixed yet: it stays"
        dialog.query_one("#holder-zip", Input).focus()
        await pilot.press(*"480")
        await pilot.pause()
        assert error_under(dialog, "#holder-zip-error") == "A ZIP code is 5 digits, or 9 (12345-6789)."
        await pilot.press(*"83")
        await pilot.pause()
        assert error_under(dialog, "#holder-zip-error") == ""
        dialog.query_one("#holder-contact_email", Input).focus()
        await pilot.press(*"not-an-email")
        await pilot.pause()
        assert error_under(dialog, "#holder-contact_email-error") == "", "nothing is said before a send"


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press(*text)


async def test_the_registration_message_follows_what_is_still_missing() -> None:
    app: App[None] = App()
    async with app.run_test(size=(100, 50)) as pilot:
        app.push_screen(RegisterScreen())
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, "#register-name", "Ruth Ames")
        await pilot.press("enter")  # sends
        await pilot.pause()
        assert error_under(screen, "#register-status") == "Fill in: email, phone, policy number."
        await type_into(pilot, "#register-email", "ruth@lakes.example")
        await type_into(pilot, "#register-phone", "616-555-0100")
        await pilot.pause()
        assert error_under(screen, "#register-status") == "Fill in: policy number."
        await type_into(pilot, "#register-policy", "MP1")
        await pilot.pause()
        assert error_under(screen, "#register-status") == "", "nothing missing: the message is gone"


async def test_the_password_reset_message_goes_once_the_passwords_are_right() -> None:
    app: App[None] = App()
    async with app.run_test(size=(100, 50)) as pilot:
        app.push_screen(RecoveryScreen("dr.patel"))
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, "#reset-code", "123456")
        await type_into(pilot, "#reset-password", "short")
        await type_into(pilot, "#reset-again", "short")
        await pilot.press("enter")
        await pilot.pause()
        assert "at least 8 characters" in error_under(screen, "#reset-status")
        await type_into(pilot, "#reset-password", " enough words")
        await pilot.pause()
        assert error_under(screen, "#reset-status") == "The two passwords differ."
        await type_into(pilot, "#reset-again", " enough words")
        await pilot.pause()
        assert error_under(screen, "#reset-status") == ""


class FilterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ActivityFilterForm(id="activity-filters")


async def test_seminar_filters_keep_their_labels_and_one_date_form() -> None:
    app = FilterApp()
    async with app.run_test(size=(120, 10)) as pilot:
        form = app.query_one(ActivityFilterForm)
        form.query_one("#activity-participant", Input).focus()
        await pilot.press(*"Lucas")
        await pilot.pause()
        labels = [str(label.render()) for label in form.query(Label)]
        assert labels == ["Participant", "Policy #", "Policyholder", "Seminar title", "From", "To"]
        hints = {form.query_one(f"#activity-{end}", Input).placeholder for end in ("from", "to")}
        assert hints == {"MM/DD/YYYY"}, "one date form, not two run together"


async def test_a_date_filter_message_goes_once_the_date_is_right() -> None:
    app = FilterApp()
    async with app.run_test(size=(120, 10)) as pilot:
        form = app.query_one(ActivityFilterForm)
        form.query_one("#activity-from", Input).focus()
        await pilot.press(*"13/45/2026", "enter")
        assert "month must be 1 to 12" in error_under(app.screen, "#activity-filter-error")
        await pilot.press(*(["backspace"] * 10), *"01/31/2026")
        await pilot.pause()
        assert error_under(app.screen, "#activity-filter-error") == ""


async def test_the_support_summary_wraps_long_lines_instead_of_cutting_them() -> None:
    users = (f"user{i}@clinic.example (policyholder, MFA enrolled)" for i in range(4))
    long_line = "  Users: " + "; ".join(users)
    app: App[None] = App()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SummaryDialog("Mercy Ridge", f"Summary\n{long_line}\nEND"))
        await pilot.pause()
        scroll = app.screen.query_one("#summary-scroll", ScrollableContainer)
        assert scroll.max_scroll_x == 0, "every line fits the dialog's width: nothing is cut at its edge"
        await pilot.press("w")  # whole lines, lined-up columns: the text scrolls sideways instead
        await pilot.pause()
        assert scroll.max_scroll_x > 0


def test_one_completion_of_one_credit() -> None:
    assert activity_summary_of(1, Decimal("1.0")) == "1 completion · 1 credit"
    assert activity_summary_of(2, Decimal("1.50")) == "2 completions · 1.5 credits"


async def test_enter_on_the_export_format_list_exports_in_that_format(tmp_path: Path) -> None:
    chosen: list[ExportChoice | None] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        app.push_screen(ExportDialog(3, tmp_path / "activity.xlsx"), chosen.append)
        await pilot.pause()
        assert isinstance(app.focused, RadioSet), "the dialog opens on the format"
        await pilot.press("down", "enter")  # to CSV, and go
        await pilot.pause()
        assert chosen == [ExportChoice(tmp_path / "activity.csv", ExportFormat.CSV)]
