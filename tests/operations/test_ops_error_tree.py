"""One error root (issue 18.4): every error meant for a person derives from ``SspError`` and says what
happened (``user_message``) and what to do (``next_step``); presenters ask ``isinstance``, never duck-type."""

from __future__ import annotations

import ast
import errno
import importlib
import re
from pathlib import Path

import pytest

import ssp_tui
from ssp_tui.api import errors as api_errors
from ssp_tui.api.constants import API_PREFIX, WEB_SUPPORT_EMAIL
from ssp_tui.cli.exit_codes import CommandFailed
from ssp_tui.errors import CannotWrite, ConfigError, SecretStoreError, SspError
from ssp_tui.operations.downloads import DestinationUnusable
from ssp_tui.operations.downloads.placement import CannotSave, prepare_folder
from ssp_tui.operations.downloads.state import message_for
from ssp_tui.tui.dialogs.error_modal import describe_error

PACKAGE = Path(ssp_tui.__file__).parent

NOT_FOR_PEOPLE = {
    "ssp_tui.api.body.BodyError": "becomes a ProtocolError or a retried download before anyone sees it",
    "ssp_tui.api.body.TruncatedBody": "a BodyError",
    "ssp_tui.cli.session_agent.AgentUnavailable": "the session store falls back to another place",
    "ssp_tui.operations.downloads.placement.SourceChanged": "the engine evicts the blob and fetches again",
    "ssp_tui.operations.downloads.state.PlacedWhileStopping": "the engine records the file, then stops",
    "ssp_tui.operations.downloads.state.FinishedWhileStopping": "the engine's own, as a run stops",
    "ssp_tui.settings.secret_service.DirectReadFailed": "the secret store falls back to keyring's own read",
}
"""Error classes that never reach a presenter, and why. The server side (``sandbox/``) answers over HTTP and
is not part of the client's tree."""


def _error_classes() -> list[str]:
    """Every public class named ``...Error`` (or deriving from an exception) outside the sandbox."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if relative.parts[1] == "sandbox":
            continue
        module = ".".join(relative.parts).removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            bases = [ast.unparse(base) for base in node.bases]
            named = (node.name, *bases)
            if any(name.endswith(("Error", "Failed", "Exception")) for name in named):
                found.append(f"{module}.{node.name}")
    return found


@pytest.mark.parametrize("name", _error_classes())
def test_every_error_for_people_derives_from_the_one_root(name: str) -> None:
    module, _, attribute = name.rpartition(".")
    kind = getattr(importlib.import_module(module), attribute)
    if not isinstance(kind, type) or not issubclass(kind, BaseException) or name in NOT_FOR_PEOPLE:
        return
    if issubclass(kind, CommandFailed):
        return  # not an error but how the CLI shows one (click's exception, made from an SspError)
    assert issubclass(kind, SspError), f"{name} must derive from ssp_tui.errors.SspError"


def test_the_scan_finds_the_layers_errors() -> None:
    found = set(_error_classes())
    for name in (
        "ssp_tui.api.errors.PortalError",
        "ssp_tui.errors.ConfigError",
        "ssp_tui.errors.SecretStoreError",
        "ssp_tui.operations.downloads.state.NotAPdf",
        "ssp_tui.operations.safe_names.UnsafePath",
        "ssp_tui.operations.safe_names.TemplateError",
        "ssp_tui.operations.export.ExportError",
        "ssp_tui.operations.dates.DateParseError",
        "ssp_tui.settings.toml_file.TomlFileError",
        "ssp_tui.operations.downloads.placement.DestinationUnusable",
    ):
        assert name in found


_DUCK = re.compile(r"(getattr|hasattr)\([^)]*[\"'](user_message|next_step|full_message)[\"']")


def test_no_presenter_duck_types_an_error() -> None:
    """``isinstance(error, SspError)``, never ``getattr(error, "user_message", ...)``: a duck-typed check lets
    an error outside the tree reach the screen with words nobody wrote for it."""
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _DUCK.search(line)
    ]
    assert not offenders, offenders


def test_user_message_and_next_step() -> None:
    error = SspError("The folder is full.", next_step="Choose another folder.")
    assert error.user_message == "The folder is full."
    assert error.next_step == "Choose another folder."
    assert error.full_message == "The folder is full. Choose another folder."
    bare = SspError("Nothing to do about it.")
    assert bare.next_step == "" and bare.full_message == "Nothing to do about it."


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (errno.ENOSPC, "Free some disk space"),
        (errno.EACCES, "you can write to"),
        (errno.EROFS, "you can write to"),
        (errno.ENOTDIR, "Choose another folder"),
    ],
)
def test_a_file_that_cannot_be_written_says_what_to_do(code: int, advice: str) -> None:
    cause = OSError(code, "the system's words")
    error = CannotWrite(Path("/data/report.xlsx"), cause)
    assert isinstance(error, OSError) and error.errno == code  # code that handles disk failures still does
    assert error.user_message == "Could not save /data/report.xlsx: the system's words."
    assert advice in error.next_step
    saved = CannotSave(Path("/data/a.pdf"), cause)
    assert isinstance(saved, CannotWrite) and advice in message_for(saved)


def test_a_folder_under_a_file_says_to_choose_another(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(DestinationUnusable) as caught:
        prepare_folder(blocker / "downloads")
    said = caught.value.user_message
    assert said.startswith(f"Cannot create the download folder {blocker / 'downloads'}: "), said
    assert caught.value.next_step == "Choose another folder and try again."
    message = describe_error(caught.value)[1]
    assert "internal error" not in message and "Choose another folder" in message


def test_an_os_error_no_layer_named_is_not_an_internal_error() -> None:
    title, message, serious = describe_error(FileNotFoundError(errno.ENOENT, "No such file", "/gone/x"))
    assert "internal error" not in message and "/gone/x" in message and "try again" in message
    assert serious and title == "File problem"
    # A network failure that escaped the client is not a file problem: an internal error, by its type only.
    title, message, _ = describe_error(ConnectionResetError(errno.ECONNRESET, "reset by peer"))
    assert "internal error (ConnectionResetError)" in message and "file" not in message.lower()


def test_a_wrong_password_is_said_once_with_what_to_do() -> None:
    error = api_errors.AuthenticationRequired(
        401,
        "Authentication required",
        "The username or password is not correct.",
        endpoint=f"POST {API_PREFIX}/auth/login",
    )
    assert error.user_message == "The username or password is not correct."
    assert error.signing_in and "Check the username and password" in error.next_step
    assert WEB_SUPPORT_EMAIL in error.next_step


def test_an_ended_session_says_sign_in_again_once() -> None:
    error = api_errors.AuthenticationRequired(
        401, "Session ended", "The session has ended; sign in again.", endpoint=f"GET {API_PREFIX}/me"
    )
    assert not error.signing_in
    assert error.full_message.lower().count("sign in again") == 1


def test_a_login_on_hold_says_when_and_whom_to_ask() -> None:
    detail = "After repeated failed sign-ins this login is on hold; it unlocks by itself at 2030-01-01 10:30."
    error = api_errors.Locked(423, "Login on hold", detail, retry_after=600)
    assert error.user_message == detail  # no "Login on hold:" before it, no "Try again in" after the moment
    assert error.next_step.startswith("Try again once it has unlocked.")
    assert WEB_SUPPORT_EMAIL in error.next_step
    unknown = api_errors.Locked(423, "Locked", "This login is on hold.")
    assert unknown.next_step.startswith("Wait a while before trying again.")


def test_the_whole_tree_is_under_the_root() -> None:
    for kind in (api_errors.PortalError, api_errors.StatusError, api_errors.ConnectionFailed):
        assert issubclass(kind, SspError)
    # Not the portal's doing: beside the portal's errors, not under them.
    for kind in (ConfigError, SecretStoreError):
        assert issubclass(kind, SspError) and not issubclass(kind, api_errors.PortalError)
    assert ConfigError("bad value").next_step  # a configuration error always says what to do
