"""ChoiceSet: a RadioSet in a dialog, where Enter means "this one, go", as it does elsewhere in a dialog.

Textual's RadioSet takes Enter, like space, to press the highlighted button, and nothing more: in a dialog
whose first field is such a list, Enter then seems to do nothing. Here space still only chooses; Enter chooses
the highlighted button and posts ``Confirmed``, which the dialog takes as its primary button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import RadioButton, RadioSet


class ChoiceSet(RadioSet):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "confirm",
            "Confirm",
            show=False,
            tooltip="Choose the highlighted option and go on",
            id="choice_set.confirm",
        ),
    ]

    @dataclass
    class Confirmed(Message):
        """Enter on ``button``: it is the choice (the set's own state may update a moment later)."""

        choice_set: ChoiceSet
        button: RadioButton

        @property
        def control(self) -> ChoiceSet:
            return self.choice_set

    def action_confirm(self) -> None:
        # Textual calls the highlighted (not necessarily pressed) button "selected", and indexes its children.
        highlighted = self._selected
        button = self._nodes[highlighted] if highlighted is not None else self.pressed_button
        if not isinstance(button, RadioButton):
            return
        button.value = True
        self.post_message(self.Confirmed(self, button))
