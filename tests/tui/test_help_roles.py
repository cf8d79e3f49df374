"""Help's "Who sees what?" is the role table the sandbox enforces, in its plain words."""

from __future__ import annotations

from ssp_tui.api.roles import ROLE_SCOPES
from ssp_tui.tui.common.portal_info import FAQ_TOPICS


def test_help_says_who_sees_what_from_the_role_table() -> None:
    [topic] = [t for t in FAQ_TOPICS if t.question == "Who sees what?"]
    assert topic.answer == " ".join(ROLE_SCOPES.values())
    assert "That is all." in topic.answer  # an insured: a COI and their own seminar activity, nothing more
