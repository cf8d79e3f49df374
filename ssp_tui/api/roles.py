"""Who signs in and what they may do: the words the sandbox, the client and the UI share.

Apart from the other models (``ssp_tui.api.models`` re-exports them) because the TUI's section registry needs
them before its first frame, and importing the models package with msgspec costs about 20 ms of start-up.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INSURED = "insured"
    POLICYHOLDER = "policyholder"
    AGENT = "agent"
    SUPPORT = "support"


class Capability(StrEnum):
    PAY = "pay"
    AGENT_LIBRARY = "agent_library"
    SUPPORT_TRIAGE = "support_triage"
    CREDENTIALING = "credentialing"
