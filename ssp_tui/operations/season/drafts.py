"""Ready-to-send certificate e-mails: one message per holder, addressed to its contact, the certificates
attached and a short cover text from a template the user can change. Saved as ``.eml`` drafts (RFC 5322,
which Outlook, Apple Mail and Thunderbird open), or handed to ``smtp_send`` to go out directly.

The template is plain text with ``$placeholders`` (``string.Template``): its first line ``Subject: ...``
is the subject; the rest is the body. A placeholder the template misspells is an error before anything is
written, not a blank in a message to a hospital.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from string import Template

from ssp_tui.errors import SspError
from ssp_tui.operations.downloads.private_files import make_private_folders, write_private
from ssp_tui.operations.safe_names import safe_filename
from ssp_tui.operations.season.renewal_pack import PackedHolder

DEFAULT_TEMPLATE = """Subject: Certificates of insurance for $holder_name
Dear $contact_name,

Please find attached $certificates for your credentialing file at $holder_name:

$insureds

Let us know if you need anything else.

Kind regards,
$sender
"""
PLACEHOLDERS = (
    "holder_name",
    "contact_name",
    "count",
    "certificates",
    "insureds",
    "policies",
    "sender",
    "date",
)
_HEADER_UNSAFE = re.compile(r"[\r\n\x00]")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""Most mail servers refuse a message over 25 MB once encoded; base64 adds a third."""


class DraftError(SspError):
    """Fit to show: its message says what is wrong."""


@dataclass(frozen=True, slots=True)
class CoverTemplate:
    subject: Template
    body: Template

    @classmethod
    def parse(cls, text: str, source: str = "the template") -> CoverTemplate:
        first, _, rest = text.lstrip("\ufeff").partition("\n")
        if not first.lower().startswith("subject:"):
            raise DraftError(f"{source} must start with a 'Subject: ...' line.")
        template = cls(Template(first[len("subject:") :].strip()), Template(rest.lstrip("\n")))
        for part in (template.subject, template.body):
            if not part.is_valid():
                raise DraftError(f"{source} has a stray '$': write '$$' for a dollar sign.")
            unknown = sorted(set(part.get_identifiers()) - set(PLACEHOLDERS))
            if unknown:
                known = ", ".join(f"${p}" for p in PLACEHOLDERS)
                raise DraftError(f"{source} uses {', '.join('$' + u for u in unknown)}; known: {known}.")
        return template

    @classmethod
    def load(cls, path: Path | None) -> CoverTemplate:
        if path is None:
            return cls.parse(DEFAULT_TEMPLATE)
        try:
            return cls.parse(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise DraftError(f"Cannot read the template {path}: {exc}.") from None


@dataclass(frozen=True, slots=True)
class Sender:
    name: str
    email: str


def _address(name: str, email: str) -> Address:
    if _HEADER_UNSAFE.search(name) or _HEADER_UNSAFE.search(email) or "@" not in email:
        raise DraftError(f"{email!r} is not an address a message can be sent to.")
    username, _, domain = email.partition("@")
    return Address(display_name=name, username=username, domain=domain)


def _certificates_phrase(count: int) -> str:
    return "the certificate of insurance" if count == 1 else f"the {count} certificates of insurance"


def build_message(
    packed: PackedHolder, template: CoverTemplate, sender: Sender, *, when: datetime
) -> EmailMessage:
    """The message for one holder, with every packed file of theirs attached, dated ``when``."""
    group = packed.group
    if not group.contact_email:
        raise DraftError(
            f"{group.holder_name} has no contact e-mail on file: ask for it with a holder request."
        )
    insureds = sorted({f"{c.insured_name} ({c.policy_number})" for c in group.certificates})
    values = {
        "holder_name": group.holder_name,
        "contact_name": group.contact_name or group.holder_name,
        "count": str(len(group.certificates)),
        "certificates": _certificates_phrase(len(group.certificates)),
        "insureds": "\n".join(f"  - {line}" for line in insureds),
        "policies": ", ".join(sorted({c.policy_number for c in group.certificates})),
        "sender": sender.name,
        "date": f"{when:%B %-d, %Y}",
    }
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender.name, sender.email)
    message["To"] = _address(group.contact_name, group.contact_email)
    message["Subject"] = _HEADER_UNSAFE.sub(" ", template.subject.substitute(values))
    message["Date"] = format_datetime(when)
    # Not email.utils.make_msgid: it reads the wall clock and the host name; a random id says nothing.
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{sender.email.partition('@')[2] or 'ssp-tui.invalid'}>"
    message["X-Unsent"] = "1"  # Outlook opens the .eml as a draft to send, not as a received message
    message.set_content(template.body.substitute(values))
    total = 0
    for packed_file in packed.files:
        data = packed_file.path.read_bytes()
        total += len(data)
        if total > MAX_ATTACHMENT_BYTES:
            raise DraftError(f"The certificates for {group.holder_name} exceed 20 MB: send them per insured.")
        message.add_attachment(data, maintype="application", subtype="pdf", filename=packed_file.path.name)
    return message


def write_draft(message: EmailMessage, folder: Path, holder_name: str) -> Path:
    """``folder/<holder>.eml``, replaced atomically, readable by the user only."""
    make_private_folders(folder)
    path = folder / (safe_filename(holder_name) + ".eml")
    write_private(path, message.as_bytes())
    return path
