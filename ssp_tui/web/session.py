"""One browser session of ``ssp-tui web``: ``python -m ssp_tui.web.session --portal URL [--sandbox]``.

textual-serve starts this once per browser tab that connects, with Textual's web driver, so each tab is its
own app and its own sign-in. Nothing of the session outlives it on the server: secrets (a remembered
device, password or authenticator secret) are kept in memory only, the download cache and the files on their
way to the browser live in a private temporary folder, and settings are not written to the server's config
file. The server (``ssp_tui/web/server.py``) has already chosen the portal and started a sandbox if needed.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

import keyring.backend
import keyring.errors

from ssp_tui.portal.target import DemoLogin, FixedPortal, PortalTarget


class SessionKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the session ends: the server's keyring is not the browser
    user's, and the next tab may be someone else's."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class SharedSandbox:
    """The sandbox the web server started, shared by every browser session: shown as a sandbox, with its demo
    logins (read from its database, as ``ssp-tui sandbox accounts`` does)."""

    is_sandbox = True

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._accounts: Sequence[DemoLogin] | None = None

    def describe(self) -> str:
        return f"sandbox at {self.base_url}"

    async def start(self) -> str:
        return self.base_url

    async def demo_accounts(self) -> Sequence[DemoLogin]:
        if self._accounts is None:
            from ssp_tui.portal.embedded import EmbeddedSandbox

            self._accounts = await EmbeddedSandbox().demo_accounts()
        return self._accounts

    async def stop(self) -> None:
        return None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ssp_tui.web.session", description=__doc__)
    parser.add_argument("--portal", required=True, metavar="URL", help="the portal's base URL")
    parser.add_argument("--sandbox", action="store_true", help="the portal is the server's sandbox")
    parser.add_argument("--profile", metavar="NAME", help="the profile to read settings from")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    from ssp_tui.errors import ConfigError
    from ssp_tui.settings.config import load_profile
    from ssp_tui.settings.secrets import SecretStore
    from ssp_tui.tui.app import SspApp

    args = parse_args(argv)
    try:
        profile_name, profile = load_profile(args.profile)
    except ConfigError as error:
        raise SystemExit(f"ssp-tui web: {error.full_message}") from None
    target: PortalTarget = SharedSandbox(args.portal) if args.sandbox else FixedPortal(args.portal)
    with tempfile.TemporaryDirectory(prefix="ssp-tui-web-") as folder:
        app = SspApp(
            target,
            profile_name=profile_name,
            profile=profile,
            secret_store=SecretStore(profile_name, backend=SessionKeyring(), allow_file_fallback=False),
            session_folder=Path(folder),
        )
        app.run()


if __name__ == "__main__":
    main()
