"""Where certificate e-mails come from and go through: a profile's ``[profiles.<name>.mail]`` table.

    [profiles.default.mail]
    from_name = "Rivera Insurance Services"
    from_email = "coi@rivera-insurance.example"
    smtp_host = "smtp.office365.com"
    smtp_port = 587
    smtp_security = "starttls"     # or "tls" (port 465), or "none" for a relay on localhost only
    smtp_username = "coi@rivera-insurance.example"

The SMTP password is never in this file: ``ssp-tui coi smtp-password`` keeps it in the keyring (or the
consented secrets file), like the portal password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssp_tui.errors import ConfigError
from ssp_tui.settings.config import _read_raw, check_profile_name, config_path, load_config

SECURITY_CHOICES = ("starttls", "tls", "none")
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True, slots=True)
class MailSettings:
    from_name: str = ""
    from_email: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""

    @property
    def password_key(self) -> str:
        """The secret's name in the profile's keyring service."""
        return f"smtp:{self.smtp_host}:{self.smtp_username}"

    def require_sender(self, profile: str) -> None:
        if not self.from_email or "@" not in self.from_email:
            raise ConfigError(
                f"Set from_email (and from_name) under [profiles.{profile}.mail] in {config_path()}: "
                "the address your certificate e-mails come from."
            )


def load_mail_settings(profile: str | None = None, *, path: Path | None = None) -> MailSettings:
    config = load_config(path)
    name = check_profile_name(profile or config.default_profile)
    where_file = path or config_path()
    profiles = _read_raw(where_file).get("profiles", {})
    table: Any = profiles.get(name, {}).get("mail", {}) if isinstance(profiles.get(name), dict) else {}
    where = f"{where_file}: [profiles.{name}.mail]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    text = {}
    for key in ("from_name", "from_email", "smtp_host", "smtp_security", "smtp_username"):
        value = table.get(key, "")
        if not isinstance(value, str) or any(ch in value for ch in "\r\n\x00"):
            raise ConfigError(f"{where} {key} must be a one-line string")
        text[key] = value.strip()
    security = (text.pop("smtp_security") or "starttls").lower()
    if security not in SECURITY_CHOICES:
        raise ConfigError(f"{where} smtp_security must be one of {', '.join(SECURITY_CHOICES)}")
    port = table.get("smtp_port", _DEFAULT_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError(f"{where} smtp_port must be a port number (e.g. 587)")
    return MailSettings(smtp_port=port, smtp_security=security, **text)
