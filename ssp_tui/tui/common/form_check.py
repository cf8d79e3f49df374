"""FormCheck: a form's own check (before anything is sent), whose message goes as soon as the form is right.

A form says what is wrong when the user tries to send it. Left at that, the message stays after the user has
fixed the field, and reads as if the fix did not take. So once a check has failed, every change to the form
runs it again: the message follows what is still wrong and goes when nothing is (as form libraries do after a
first submit). Before that first try nothing is said while the user types.
"""

from __future__ import annotations

from collections.abc import Callable

Problem = Callable[[], "str | None"]
"""What is wrong with the form as it stands, in the user's words, or None."""
Show = Callable[[str, bool], None]
"""Show ``text`` on the form, as an error when the flag is set (an empty text clears it)."""


class FormCheck:
    def __init__(self, problem: Problem, show: Show) -> None:
        self._problem = problem
        self._show = show
        self.failing = False
        """A message of this check is on show (so changes run it again)."""

    def passes(self) -> bool:
        """Run the check as the user sends the form: True when it may be sent (an old message is cleared),
        else its message is shown."""
        return self._run()

    def recheck(self) -> None:
        """The form changed: while a message of this check is on show, bring it up to date or clear it."""
        if self.failing:
            self._run()

    def _run(self) -> bool:
        problem = self._problem()
        self.failing = problem is not None
        self._show(problem or "", self.failing)
        return not self.failing
