"""Send the certificate messages through the user's own SMTP server (opt-in; a dry run comes first).

Host, port, security and username live in the profile; the password in the keyring like every other secret
(the CLI and the TUI fetch it and pass it here). One connection sends every message; a message the server
refuses fails alone and is reported, the others go.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from enum import StrEnum

from ssp_tui.errors import SspError


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    """Plain connection upgraded with STARTTLS (port 587), the usual submission setup."""
    TLS = "tls"
    """TLS from the first byte (port 465)."""
    NONE = "none"
    """No encryption: only for a relay on this machine (e.g. a local test server)."""


class SmtpError(SspError):
    """Fit to show: its message says what is wrong."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str = ""
    timeout_s: float = 30.0

    def check(self) -> None:
        if not self.host:
            raise SmtpError('No SMTP server set: add [profiles.<name>.smtp] host = "..." to config.toml.')
        if not 1 <= self.port <= 65535:
            raise SmtpError(f"SMTP port {self.port} is not a port number.")
        if self.security is SmtpSecurity.NONE and self.host not in ("localhost", "127.0.0.1", "::1"):
            raise SmtpError('security = "none" is only allowed for a server on this machine (localhost).')


@dataclass(frozen=True, slots=True)
class Sent:
    index: int
    error: str | None = None


def send_messages(
    settings: SmtpSettings,
    password: str | None,
    messages: Sequence[EmailMessage],
    on_sent: Callable[[Sent], None] | None = None,
) -> list[Sent]:
    """Blocking (run it in a thread): send each message over one connection; the outcome of each."""
    settings.check()
    context = ssl.create_default_context()
    try:
        if settings.security is SmtpSecurity.TLS:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_s, context=context
            )
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        with server:
            if settings.security is SmtpSecurity.STARTTLS:
                server.starttls(context=context)
            if settings.username:
                server.login(settings.username, password or "")
            outcomes = []
            for index, message in enumerate(messages):
                outcome = _send_one(server, index, message)
                outcomes.append(outcome)
                if on_sent is not None:
                    on_sent(outcome)
            return outcomes
    except smtplib.SMTPAuthenticationError:
        raise SmtpError(
            f"{settings.host} refused the SMTP username or password: set them again "
            "(`ssp-tui coi smtp-password`)."
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SmtpError(
            f'{settings.host} does not offer STARTTLS: set security = "tls" and port 465.'
        ) from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise SmtpError(f"Cannot send through {settings.host}:{settings.port}: {exc}.") from None


def _send_one(server: smtplib.SMTP, index: int, message: EmailMessage) -> Sent:
    del message["X-Unsent"]  # a draft marker, not for a sent message
    try:
        refused = server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        return Sent(index, f"refused: {', '.join(exc.recipients)}")
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        return Sent(index, f"the server refused the message ({exc.smtp_code})")
    if refused:
        return Sent(index, f"refused: {', '.join(refused)}")
    return Sent(index)
