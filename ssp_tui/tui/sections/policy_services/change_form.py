"""Ask for a change on a policy: the kind of change, its fields, when it takes effect, and a note.

The form checks what it can (filled fields, a date, an amount) and the portal the rest (the term, the limits
it writes, the last insured), whose words are shown in the form. One Idempotency-Key per request: kept when a
try fails on the way (a repeat files it once), renewed when the portal refused the content.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, ContentSwitcher, Input, Label, Select, Static

from ssp_tui.api.models import ChangeKind, ChangeRequest, ChangeRequestCreate, InsuredRef, PolicySummary
from ssp_tui.operations.change_requests import KIND_TITLES, dollars_to_cents
from ssp_tui.operations.dates import DateParseError, parse_date
from ssp_tui.tui.common.form_check import FormCheck
from ssp_tui.tui.shell import shell

FIELDS: dict[ChangeKind, tuple[tuple[str, str, str], ...]] = {
    ChangeKind.MAILING_ADDRESS: (
        ("address", "Street address", "2600 Capitol Ave, Suite 310"),
        ("city", "City", "Sacramento"),
        ("state", "State (two letters)", "CA"),
        ("zip", "ZIP code", "95816"),
    ),
    ChangeKind.ADD_INSURED: (
        ("name", "Full name", "Hannah Cole"),
        ("credentials", "Credentials", "MD, DO, NP…"),
        ("specialty", "Specialty", "Family Medicine"),
    ),
    ChangeKind.REMOVE_INSURED: (("reason", "Reason", "retired, left the group…"),),
    ChangeKind.CHANGE_LIMITS: (
        ("per_claim", "Each claim ($)", "2,000,000 or 2M"),
        ("aggregate", "Aggregate ($)", "4,000,000 or 4M"),
    ),
    ChangeKind.OTHER: (("description", "The change, in your words", "Add our new office location…"),),
}
"""The text fields of each kind: (key, label, placeholder)."""


class ChangeRequestForm(ModalScreen[ChangeRequest | None]):
    DEFAULT_CSS = """
    #change-dialog { width: 90; height: 90%; }
    #change-fields { height: 1fr; }
    #change-dialog Input, #change-dialog Select { margin-bottom: 1; }
    #change-status { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without asking", id="change_request_form.cancel")
    ]

    def __init__(self, policies: Sequence[PolicySummary], current_policy_id: str | None = None) -> None:
        super().__init__()
        self._policies = list(policies)
        ids = {p.id for p in self._policies}
        self._policy_id = current_policy_id if current_policy_id in ids else self._policies[0].id
        self._key = uuid.uuid4().hex
        self._insureds: dict[str, list[InsuredRef]] = {}
        self._check = FormCheck(self._problem, lambda text, error: self._set_status(text, error=error))

    def compose(self) -> ComposeResult:
        with Vertical(id="change-dialog", classes="dialog"):
            yield Static("Request a policy change", classes="dialog-title")
            with VerticalScroll(id="change-fields"):
                yield Label("Policy")
                yield Select(
                    [(f"{p.policy_number} · {p.policyholder}", p.id) for p in self._policies],
                    value=self._policy_id,
                    allow_blank=False,
                    id="change-policy",
                )
                yield Label("What to change")
                yield Select(
                    [(title, kind) for kind, title in KIND_TITLES.items()],
                    value=ChangeKind.MAILING_ADDRESS,
                    allow_blank=False,
                    id="change-kind",
                )
                with ContentSwitcher(
                    initial=f"fields-{ChangeKind.MAILING_ADDRESS.value}", id="change-switcher"
                ):
                    for kind, fields in FIELDS.items():
                        with Vertical(id=f"fields-{kind.value}"):
                            if kind is ChangeKind.REMOVE_INSURED:
                                yield Label("Insured")
                                yield Select([], prompt="Loading the insureds…", id="change-insured")
                            for key, label, placeholder in fields:
                                yield Label(label)
                                yield Input(placeholder=placeholder, id=f"change-{key}")
                yield Label("Effective date", id="change-effective-label")
                yield Input(placeholder="MM/DD/YYYY or YYYY-MM-DD", id="change-effective")
                yield Label("Note for the underwriter (optional)")
                yield Input(id="change-note")
            with Horizontal(classes="buttons"):
                yield Button("Submit request", variant="primary", id="change-submit")
                yield Button("Cancel", id="change-cancel")
            yield Static("", id="change-status", markup=False)

    @property
    def kind(self) -> ChangeKind:
        value = self.query_one("#change-kind", Select).value
        return value if isinstance(value, ChangeKind) else ChangeKind.MAILING_ADDRESS

    @on(Select.Changed, "#change-kind")
    def kind_changed(self) -> None:
        self.query_one(ContentSwitcher).current = f"fields-{self.kind.value}"
        dated = self.kind is not ChangeKind.OTHER
        self.query_one("#change-effective").display = dated
        self.query_one("#change-effective-label").display = dated
        if self.kind is ChangeKind.REMOVE_INSURED:
            self.load_insureds(self._policy_id)

    @on(Select.Changed, "#change-policy")
    def policy_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._policy_id = event.value
            if self.kind is ChangeKind.REMOVE_INSURED:
                self.load_insureds(event.value)

    @work(exclusive=True, exit_on_error=False, group="change-insureds")
    async def load_insureds(self, policy_id: str) -> None:
        if policy_id not in self._insureds:
            policy = await shell(self).controller.call(lambda c: c.policies.get(policy_id))
            self._insureds[policy_id] = policy.insureds
        select = self.query_one("#change-insured", Select)
        chosen = select.value
        insureds = self._insureds[policy_id]
        select.set_options([(i.name, i.id) for i in insureds])
        if chosen in {i.id for i in insureds}:
            select.value = chosen  # the same policy's list again: keep the choice
        select.prompt = "Choose the insured"

    def _text(self, key: str) -> str:
        return self.query_one(f"#change-{key}", Input).value.strip()

    def _change(self) -> dict[str, Any]:
        """The change as the contract shapes it; ValueError naming what is missing or wrong."""
        kind = self.kind
        values = {key: self._text(key) for key, _label, _placeholder in FIELDS[kind]}
        if missing := [label for key, label, _ in FIELDS[kind] if not values[key]]:
            raise ValueError(f"Fill in: {', '.join(missing).lower()}.")
        change: dict[str, Any] = {"kind": kind.value}
        if kind is not ChangeKind.OTHER:
            try:
                change["effective_on"] = parse_date(self._text("effective"))
            except DateParseError as error:
                raise ValueError(f"Effective date: {error}") from None
        match kind:
            case ChangeKind.MAILING_ADDRESS:
                change |= {**values, "state": values["state"].upper()}
            case ChangeKind.REMOVE_INSURED:
                insured = self.query_one("#change-insured", Select).value
                if not isinstance(insured, str):
                    raise ValueError("Choose the insured who leaves the policy.")
                change |= {"insured_id": insured, "reason": values["reason"]}
            case ChangeKind.CHANGE_LIMITS:
                change |= {
                    "limit_per_claim_cents": dollars_to_cents(values["per_claim"]),
                    "limit_aggregate_cents": dollars_to_cents(values["aggregate"]),
                }
            case _:
                change |= values
        return change

    @on(Button.Pressed, "#change-submit")
    @on(Input.Submitted)
    def submit(self) -> None:
        if not self._check.passes() or isinstance(body := self._body(), str):
            return
        self.query_one("#change-submit", Button).disabled = True
        self._set_status("Submitting…")
        self.file(body)

    @on(Input.Changed)
    @on(Select.Changed)
    def form_changed(self) -> None:
        self._check.recheck()

    def _problem(self) -> str | None:
        body = self._body()
        return body if isinstance(body, str) else None

    def _body(self) -> ChangeRequestCreate | str:
        """The request to file, or what is wrong with the form, in the form's words."""
        try:
            return msgspec.convert(
                {"policy_id": self._policy_id, "change": self._change(), "note": self._text("note")},
                type=ChangeRequestCreate,
            )
        except ValueError as error:
            return str(error)
        except msgspec.ValidationError as error:
            return f"Check the fields: {error}"

    @work(exclusive=True, exit_on_error=False, group="change-file")
    async def file(self, body: ChangeRequestCreate) -> None:
        from ssp_tui.api.errors import StatusError
        from ssp_tui.tui.security.phone import problem_text

        key = self._key
        try:
            created = await shell(self).controller.call(
                lambda c: c.changes.create(body, idempotency_key=key)
            )
        except Exception as error:  # shown in the form: correct it and submit again
            if isinstance(error, StatusError) and 400 <= error.status < 500:
                self._key = uuid.uuid4().hex  # the portal refused this content: the next one is a new request
            self.query_one("#change-submit", Button).disabled = False
            self._set_status(problem_text(error), error=True)
            return
        self.dismiss(created)

    @on(Button.Pressed, "#change-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#change-status", Static)
        status.update(text)
        status.set_class(error, "error")
