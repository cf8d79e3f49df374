"""Profiles in a TOML file in the platform config folder.

    default_profile = "default"

    [profiles.default]
    portal_url = "https://portal.example"      # absent: the embedded sandbox
    username = "pat"
    download_dir = "/home/pat/Downloads/ssp-tui"
    filename_template = "{policy}/{term}/{date}-{type}-{title}.pdf"
    concurrency = 6
    theme = "textual-dark"
    os_trust_store = false                     # true: verify TLS with the OS trust store (truststore)

    [keymap]                                   # the TUI's keys, by binding id (docs/tui.md lists them)
    "app.logout" = "ctrl+x"
    "app.section_6" = "6,s"
    [profiles.default.usernames]               # "Remember me" on portals other than the profile's own
    "https://other.example" = "pat.lee"

No secret ever goes in this file (secrets.py keeps those). The file is read with tomllib and saved by editing
it in place with tomlkit (toml_file.py), atomically: the user's comments, layout and keys this version does
not know are kept. A file that cannot be parsed is reported with its path and line and is never overwritten.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from ssp_tui.api.constants import DEFAULT_CONCURRENCY, DEFAULT_FILENAME_TEMPLATE
from ssp_tui.api.urls import normalize_base_url
from ssp_tui.errors import ConfigError, next_step_in_place, os_reason

if TYPE_CHECKING:
    from tomlkit.toml_document import TOMLDocument

APP_NAME = "ssp-tui"
CONFIG_ENV = "SSP_CONFIG"
"""A path to use instead of the platform config file (tests, several setups side by side)."""
PORTAL_ENV = "SSP_PORTAL"
DEFAULT_PROFILE = "default"
MAX_CONCURRENCY = 32
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def default_download_dir() -> Path:
    return platformdirs.user_downloads_path() / APP_NAME


@dataclass(slots=True)
class Profile:
    portal_url: str | None = None
    """None: the embedded sandbox."""
    username: str | None = None
    download_dir: Path = field(default_factory=default_download_dir)
    filename_template: str = DEFAULT_FILENAME_TEMPLATE
    concurrency: int = DEFAULT_CONCURRENCY
    theme: str | None = None
    os_trust_store: bool = False
    """Verify the portal's TLS certificate with the operating system's trust store (truststore), where a
    TLS-inspecting gateway's CA is installed; False: SSL_CERT_FILE, else httpx2's default."""
    usernames: dict[str, str] = field(default_factory=dict)
    """The usernames "Remember me" kept for other portals than the profile's own (``--portal``,
    ``--sandbox``), by portal key (``portal/target.portal_key``); the profile's own is ``username``."""


@dataclass(slots=True)
class Config:
    path: Path
    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = field(default_factory=dict)
    secrets_file_consent: bool = False
    """The user agreed to keep secrets in a 0600 file when there is no OS keyring."""


def config_path() -> Path:
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def check_profile_name(name: str) -> str:
    if not _PROFILE_NAME.fullmatch(name):
        raise ConfigError(
            f"{name!r} is not a profile name (letters, digits, '-', '_' and '.', up to 64 characters)"
        )
    return name


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    raw = _read_raw(path)
    default = raw.get("default_profile", DEFAULT_PROFILE)
    if not isinstance(default, str):
        raise ConfigError(f"{path}: default_profile must be a string")
    consent = raw.get("secrets_file_consent", False)
    if not isinstance(consent, bool):
        raise ConfigError(f"{path}: secrets_file_consent must be true or false")
    tables = raw.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: profiles must be a table of [profiles.NAME] tables")
    profiles = {name: _profile_from(path, name, table) for name, table in tables.items()}
    return Config(path, check_profile_name(default), profiles, consent)


def load_profile(name: str | None = None, *, path: Path | None = None) -> tuple[str, Profile]:
    """The profile ``--profile NAME`` chose, else the file's default. A name not in the file yet gives a
    fresh profile, which becomes real the first time it is saved."""
    config = load_config(path)
    chosen = check_profile_name(name) if name else config.default_profile
    return chosen, config.profiles.get(chosen) or Profile()


def resolve_portal_url(
    cli_portal: str | None, profile: Profile, environ: Mapping[str, str] | None = None
) -> str | None:
    """``--portal URL``, else SSP_PORTAL, else the profile's portal; None means the embedded sandbox."""
    environ = os.environ if environ is None else environ
    url = cli_portal or environ.get(PORTAL_ENV) or profile.portal_url
    return normalize_base_url(url) if url else None


def save_profile(
    name: str, profile: Profile, *, path: Path | None = None, make_default: bool = False
) -> None:
    """Write one profile back, keeping everything else in the file (comments and unknown keys included)."""
    path = path or config_path()
    check_profile_name(name)
    _check_profile(path, name, profile)
    raw = _read_raw(path)  # raises on a file we cannot parse: it is never overwritten
    document = _read_document(path)
    from ssp_tui.settings.toml_file import update_table

    unset = [key for key in _OPTIONAL_KEYS if getattr(profile, key) is None]
    if not profile.usernames:
        unset.append("usernames")
    update_table(_table(path, document, "profiles", name), _profile_to_table(profile), remove=unset)
    others = set(raw.get("profiles", {})) - {name}
    if make_default or ("default_profile" not in raw and not others):
        update_table(document, {"default_profile": name})
    _write_document(path, document)


def set_secrets_file_consent(consent: bool, *, path: Path | None = None) -> None:
    path = path or config_path()
    _read_raw(path)
    document = _read_document(path)
    from ssp_tui.settings.toml_file import update_table

    update_table(document, {"secrets_file_consent": consent})
    _write_document(path, document)


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The ``[keymap]`` table: binding id -> keys (comma-separated, Textual's key names), and a message for
    each entry that is not a string, naming the id and the file. The TUI checks the ids and keys further
    (``ssp_tui/tui/keymap.py``)."""
    path = path or config_path()
    table = _read_raw(path).get("keymap", {})
    if not isinstance(table, dict):
        return {}, [f'{path}: keymap must be a table: [keymap] with lines such as "app.help" = "f1"']
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if isinstance(keys, str) and keys.strip():
            keymap[binding_id] = keys
        else:
            problems.append(f'{path}: [keymap] {binding_id}: give the keys as a string, e.g. "ctrl+x"')
    return keymap, problems


# tomllib and tomlkit are imported where they are used: the TUI reads its profile before its first frame,
# usually with no config file at all, and they cost about 8 ms (tomllib) and 30 ms (tomlkit) of start-up.
_OPTIONAL_KEYS = ("portal_url", "username", "theme")


def _read_document(path: Path) -> TOMLDocument:
    """The file as tomlkit's editable document (empty when there is no file); call after ``_read_raw``,
    which reports a file that is not TOML in tomllib's words."""
    from ssp_tui.settings.toml_file import TomlFileError, parse_document

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return parse_document(text)
    except TomlFileError as exc:
        raise ConfigError(f"{path}: cannot edit it: {exc}") from None


def _table(path: Path, document: TOMLDocument, *keys: str) -> MutableMapping[str, Any]:
    from ssp_tui.settings.toml_file import TomlFileError, table_at

    try:
        return table_at(document, *keys)
    except TomlFileError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _write_document(path: Path, document: TOMLDocument) -> None:
    from ssp_tui.settings.toml_file import atomic_write_text, dump_document

    try:
        atomic_write_text(path, dump_document(document))
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot save it ({os_reason(exc)})",
            next_step=next_step_in_place(exc, path.parent),
        ) from None


def _read_raw(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror})") from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)".
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _profile_from(path: Path, name: str, table: Any) -> Profile:
    where = f"{path}: [profiles.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    check_profile_name(name)
    profile = Profile()
    for key in ("portal_url", "username", "theme"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{where} {key} must be a string")
        setattr(profile, key, value or None)
    template = table.get("filename_template", DEFAULT_FILENAME_TEMPLATE)
    if not isinstance(template, str):
        raise ConfigError(f"{where} filename_template must be a string")
    profile.filename_template = template
    folder = table.get("download_dir")
    if folder is not None:
        if not isinstance(folder, str) or not folder.strip():
            raise ConfigError(f"{where} download_dir must be a folder path")
        profile.download_dir = Path(folder).expanduser()
    concurrency = table.get("concurrency", DEFAULT_CONCURRENCY)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise ConfigError(f"{where} concurrency must be a whole number from 1 to {MAX_CONCURRENCY}")
    profile.concurrency = concurrency
    os_trust_store = table.get("os_trust_store", False)
    if not isinstance(os_trust_store, bool):
        raise ConfigError(f"{where} os_trust_store must be true or false")
    profile.os_trust_store = os_trust_store
    usernames = table.get("usernames", {})
    if not isinstance(usernames, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in usernames.items()
    ):
        raise ConfigError(f"{where} usernames must be a table of portal = \"username\"")
    profile.usernames = {key: value for key, value in usernames.items() if value}
    _check_profile(path, name, profile)
    return profile


def _check_profile(path: Path, name: str, profile: Profile) -> None:
    where = f"{path}: [profiles.{name}]"
    if not 1 <= profile.concurrency <= MAX_CONCURRENCY:
        raise ConfigError(
            f"{where} concurrency must be from 1 to {MAX_CONCURRENCY}, not {profile.concurrency}"
        )
    if profile.portal_url:
        try:
            normalize_base_url(profile.portal_url)
        except ConfigError as exc:
            raise ConfigError(f"{where} portal_url: {exc}") from None
    if not profile.filename_template.strip():
        raise ConfigError(f"{where} filename_template must not be empty")


def _profile_to_table(profile: Profile) -> dict[str, Any]:
    table: dict[str, Any] = {
        "download_dir": str(profile.download_dir),
        "filename_template": profile.filename_template,
        "concurrency": profile.concurrency,
        "os_trust_store": profile.os_trust_store,
    }
    for key in _OPTIONAL_KEYS:
        value = getattr(profile, key)
        if value is not None:
            table[key] = value
    if profile.usernames:
        table["usernames"] = dict(sorted(profile.usernames.items()))
    return table
