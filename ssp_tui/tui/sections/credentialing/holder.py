"""Add a COI Holder: the request form (checked here before anything is sent) and its confirmation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from ssp_tui.api.constants import HOLDER_REQUEST_EXPECTED_HOURS
from ssp_tui.api.models.common import PolicyStatus
from ssp_tui.api.models.credentialing import (
    USPS_STATE_CODES,
    Certificate,
    CredentialedInsured,
    HolderRequest,
    HolderRequestCreate,
)
from ssp_tui.tui.common.form_check import FormCheck

MAX_TEXT = 200
"""The portal's limit on each text field."""
_ZIP = re.compile(r"[0-9]{5}(-?[0-9]{4})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

REQUIRED_FIELDS: dict[str, str] = {
    "holder_name": "the certificate holder's name",
    "address": "the street address",
    "city": "the city",
    "state": "the state",
    "zip": "the ZIP code",
}
FIELD_LABELS: dict[str, str] = {
    "holder_name": "Certificate holder name",
    "address": "Street address",
    "city": "City",
    "state": "State (two letters, e.g. CA)",
    "zip": "ZIP (5 or 9 digits)",
    "contact_name": "Contact name (optional)",
    "contact_email": "Contact email (optional)",
}


@dataclass(frozen=True, slots=True)
class InsuredChoice:
    """An insured on a policy the request can be for."""

    insured_id: str
    policy_id: str
    label: str


def insured_choices(insureds: Iterable[CredentialedInsured]) -> list[InsuredChoice]:
    """The insureds a holder request can be for: those on active policies."""
    return [
        InsuredChoice(i.id, i.policy_id, f"{i.name}, {i.credentials} · {i.policy_number} · {i.policyholder}")
        for i in insureds
        if i.status is PolicyStatus.ACTIVE
    ]


def preselected(choices: Sequence[InsuredChoice], current: Certificate | None) -> InsuredChoice | None:
    """The choice of the highlighted certificate's insured and policy; the only one when nothing is."""
    if current is None:
        return choices[0] if len(choices) == 1 else None
    key = (current.insured_id, current.policy_id)
    return next((c for c in choices if (c.insured_id, c.policy_id) == key), None)


def validate_holder_fields(values: Mapping[str, str]) -> dict[str, str]:
    """A message per field that is wrong (empty when the form may be sent). Values are the raw inputs."""
    errors: dict[str, str] = {}
    for name, what in REQUIRED_FIELDS.items():
        if not values.get(name, "").strip():
            errors[name] = f"Enter {what}."
    for name in FIELD_LABELS:
        if len(values.get(name, "").strip()) > MAX_TEXT and name not in errors:
            errors[name] = f"At most {MAX_TEXT} characters."
    state = values.get("state", "").strip().upper()
    if state and state not in USPS_STATE_CODES:
        errors["state"] = f"{state} is not a USPS state code (e.g. CA, NY, PR)."
    zip_code = values.get("zip", "").strip()
    if zip_code and not _ZIP.fullmatch(zip_code):
        errors["zip"] = "A ZIP code is 5 digits, or 9 (12345-6789)."
    email = values.get("contact_email", "").strip()
    if email and not _EMAIL.fullmatch(email):
        errors["contact_email"] = "That does not look like an email address."
    return errors


def holder_request_body(values: Mapping[str, str], choice: InsuredChoice) -> HolderRequestCreate:
    """The request to send, from fields that passed ``validate_holder_fields``."""
    return HolderRequestCreate(
        policy_id=choice.policy_id,
        insured_id=choice.insured_id,
        holder_name=values["holder_name"].strip(),
        address=values["address"].strip(),
        city=values["city"].strip(),
        state=values["state"].strip().upper(),
        zip=values["zip"].strip(),
        contact_name=values.get("contact_name", "").strip(),
        contact_email=values.get("contact_email", "").strip(),
    )


class HolderRequestDialog(ModalScreen[HolderRequestCreate | None]):
    """The form; it only closes with a request that passes the checks, or on Cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without sending", id="holder.cancel"),
        Binding("ctrl+s", "submit", "Send", tooltip="Send the request", id="holder.send"),
        # Enter in a field moves on as the key arrives (a priority binding): handled after the field (as its
        # Submitted message), the keys typed quickly after it all went into the same field (issue 19).
        Binding("enter", "next_field", show=False, priority=True, id="holder.next_field"),
    ]

    DEFAULT_CSS: ClassVar[str] = """
    #holder-dialog { width: 80; height: 90%; }
    #holder-fields { height: 1fr; }
    #holder-fields .error { color: $error; height: auto; }
    #holder-fields Input { margin-bottom: 0; }
    """

    def __init__(self, choices: Sequence[InsuredChoice], preselected: InsuredChoice | None) -> None:
        super().__init__()
        self.choices = list(choices)
        self.preselected = preselected if preselected in self.choices else None
        # One check per field, each message under its field, gone once that field is right.
        self.checks = {name: self._field_check(name) for name in FIELD_LABELS}
        self.insured_check = FormCheck(
            lambda: None if self.choice else "Choose the insured and policy the certificate is for.",
            lambda text, _error: self.query_one("#holder-insured-error", Static).update(text),
        )

    def _field_check(self, name: str) -> FormCheck:
        return FormCheck(
            lambda: validate_holder_fields(self.field_values()).get(name),
            lambda text, _error: self.query_one(f"#holder-{name}-error", Static).update(escape(text)),
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="holder-dialog"):
            yield Static("Add a COI Holder", classes="dialog-title")
            with VerticalScroll(id="holder-fields"):
                yield Static("Insured and policy", classes="hint")
                yield Select(
                    [(choice.label, index) for index, choice in enumerate(self.choices)],
                    value=self.choices.index(self.preselected) if self.preselected else Select.NULL,
                    prompt="Choose the insured",
                    id="holder-insured",
                )
                yield Static("", id="holder-insured-error", classes="error")
                for name, label in FIELD_LABELS.items():
                    yield Static(label, classes="hint")
                    yield Input(id=f"holder-{name}", max_length=MAX_TEXT)
                    yield Static("", id=f"holder-{name}-error", classes="error")
            yield Static(
                f"ProAssurance completes a holder request within {HOLDER_REQUEST_EXPECTED_HOURS} hours.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Send request", id="holder-send", variant="primary")
                yield Button("Cancel", id="holder-cancel")

    def on_mount(self) -> None:
        self.query_one("#holder-holder_name", Input).focus()

    def field_values(self) -> dict[str, str]:
        return {name: self.query_one(f"#holder-{name}", Input).value for name in FIELD_LABELS}

    @property
    def choice(self) -> InsuredChoice | None:
        value = self.query_one("#holder-insured", Select).value
        return self.choices[value] if isinstance(value, int) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input)  # elsewhere Enter is the focused control's
        return True

    def action_next_field(self) -> None:
        """Enter moves on to the next field, and sends from the last one."""
        if self.focused is self.query_one(f"#holder-{list(FIELD_LABELS)[-1]}", Input):
            self.action_submit()
        else:
            self.focus_next()

    @on(Input.Changed)
    def field_changed(self, event: Input.Changed) -> None:
        check = self.checks.get((event.input.id or "").removeprefix("holder-"))
        if check is not None:
            check.recheck()

    @on(Select.Changed, "#holder-insured")
    def insured_changed(self) -> None:
        self.insured_check.recheck()

    @on(Button.Pressed, "#holder-send")
    def action_submit(self) -> None:
        wrong = [name for name, check in self.checks.items() if not check.passes()]
        choice = self.choice
        if not self.insured_check.passes() or choice is None or wrong:
            self.set_focus(self.query_one(f"#holder-{wrong[0]}" if wrong else "#holder-insured"))
            return
        self.dismiss(holder_request_body(self.field_values(), choice))

    @on(Button.Pressed, "#holder-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def expected_by_text(request: HolderRequest) -> str:
    local = request.expected_by.astimezone()
    return f"{local:%a %m/%d/%Y at %I:%M %p}"


class HolderRequestSent(ModalScreen[None]):
    """The confirmation: what was asked for, its number, and when ProAssurance expects to complete it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,enter", "close", "Close", tooltip="Close the confirmation", id="holder_request_sent.close"
        ),
    ]

    def __init__(self, request: HolderRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(classes="dialog", id="holder-sent"):
            yield Static("COI holder request sent", classes="dialog-title")
            yield Static(
                escape(
                    f"Request {request.id}: {request.holder_name} for {request.insured_name} "
                    f"on policy {request.policy_number}, submitted {_local(request.submitted_at)}."
                ),
                id="holder-sent-summary",
            )
            yield Static(
                f"ProAssurance expects to complete it within {HOLDER_REQUEST_EXPECTED_HOURS} hours, "
                f"by {expected_by_text(request)}. Its status is under Holder requests (l).",
                id="holder-sent-expected",
            )
            with Horizontal(classes="buttons"):
                yield Button("Close", id="holder-sent-close", variant="primary")

    @on(Button.Pressed, "#holder-sent-close")
    def action_close(self) -> None:
        self.dismiss(None)


def _local(moment: datetime) -> str:
    return f"{moment.astimezone():%m/%d/%Y %I:%M %p}"
