"""What a command imports is what it uses (start-up is most of a short command's time, docs/performance.md):
the root loads only the command's own module (click's lazy subcommands), a listing never loads pikepdf,
xlsxwriter, jq or Textual, and a keyring configured out is not imported just to learn it is out."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssp_tui.cli.root import COMMANDS

PROBE = """
import sys
from click.testing import CliRunner
from ssp_tui.cli.root import cli
result = CliRunner().invoke(cli, sys.argv[1:])
watched = ("ssp_tui.cli.", "rich", "pikepdf", "xlsxwriter", "jq", "textual", "keyring", "ssp_tui.operations",
           "filelock", "secretstorage")
loaded = sorted(name for name in sys.modules if name.startswith(watched))
print("EXIT", result.exit_code)
print("\\n".join(loaded))
"""


def loaded_by(*args: str, **env: str) -> set[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SSP_")}
    environ.update({"SSP_SESSION_AGENT": "0", **env})
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=environ, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split()[2:])


def test_the_root_owns_its_command_list_and_command_modules_never_import_it() -> None:
    for target in set(COMMANDS.values()):
        module = target.split(":")[0]
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        assert "ssp_tui.cli.root" not in Path(spec.origin).read_text(encoding="utf-8"), module


@pytest.mark.parametrize(
    ("command", "module"),
    [
        (("policies", "list"), "ssp_tui.cli.policy_commands"),
        # Listings that share a module with a download command: the download engine stays unloaded.
        (("docs", "list", "NCP1513214"), "ssp_tui.cli.docs_commands"),
        (("coi", "list"), "ssp_tui.cli.coi_commands"),
    ],
)
def test_a_listing_loads_only_its_own_command_module(command: tuple[str, ...], module: str) -> None:
    loaded = loaded_by(
        "--portal",
        "http://127.0.0.1:9",
        *command,
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    command_modules = {name for name in loaded if name.endswith("_commands")}
    assert command_modules == {module}
    # (rich is not in the list: httpx imports it for its own command line whenever it is installed.)
    # (filelock: the session lock is the standard library's; its import cost every command ~17 ms.)
    for heavy in ("pikepdf", "xlsxwriter", "jq", "textual", "keyring", "filelock"):
        assert not any(name == heavy or name.startswith(heavy + ".") for name in loaded), heavy
    assert not any(name.startswith("ssp_tui.operations.downloads") for name in loaded)
