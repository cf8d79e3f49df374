"""What the TUI imports before its first frame: each module kept out here was measured in start-up
(docs/performance.md), so one creeping back in fails here rather than only in the benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

KEPT_OUT_OF_THE_FIRST_FRAME = (
    "click",  # the CLI: ssp_tui/tui_args.py reads a bare command line
    "httpx2",  # the client loads in a worker after the first frame
    "msgspec",
    "ssp_tui.api.models",
    "ssp_tui.api.errors",  # with http: imported by the first call, after the first frame
    "ssp_tui.tui.dialogs.error_modal",
    "ssp_tui.tui.section_registry",  # with the roles: imported at the first sign-in
    "ssp_tui.api.roles",
    "ssp_tui.portal.embedded",
    "ssp_tui.tui.section_screen",
    "email.utils",
    "tomllib",  # only when a config file exists
    "pikepdf",
    # The login screen imports two small modules of ssp_tui.widgets; the package's own names load on first
    # use, so its tables, filter bar and download panel (about 12 ms) wait for the screens that show them.
    "ssp_tui.widgets.virtual_table",
    "ssp_tui.widgets.table_model",
    "ssp_tui.widgets.filter_bar",
    "ssp_tui.widgets.download_panel",
    "ssp_tui.widgets.choice_set",
)


def test_the_login_screen_is_built_without_the_heavy_modules(tmp_path: Path) -> None:
    # Everything up to the app's first screen runs; the first frame itself is not drawn (no terminal here),
    # so the screen is composed by hand the way Textual would.
    probe = (
        "import json, sys\n"
        "import ssp_tui.tui.app as app_module\n"
        "seen = {}\n"
        "def run(self, **options):\n"
        "    screen = self.get_default_screen()\n"
        "    seen['screen'] = type(screen).__name__\n"
        "app_module.SspApp.run = run\n"
        "sys.argv = ['ssp-tui']\n"
        "import ssp_tui.tui_args\n"
        "ssp_tui.tui_args.terminal_problem = lambda: None  # the captured output is not a terminal\n"
        "from ssp_tui.__main__ import main\n"
        "main()\n"
        "print(json.dumps({'screen': seen.get('screen'), 'modules': sorted(sys.modules)}))\n"
    )
    env = {"SSP_CONFIG": str(tmp_path / "config.toml"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=tmp_path
    ).stdout
    report = json.loads(out.splitlines()[-1])
    assert report["screen"] == "LoginScreen"
    loaded = set(report["modules"])
    assert "ssp_tui.tui.sign_in.login" in loaded
    assert sorted(m for m in KEPT_OUT_OF_THE_FIRST_FRAME if m in loaded) == []


def test_the_widget_package_names_still_load_on_first_use() -> None:
    # Run apart: another test of this process may have imported them already.
    probe = (
        "import sys\n"
        "import ssp_tui.widgets as widgets\n"
        "assert 'ssp_tui.widgets.virtual_table' not in sys.modules\n"
        "from ssp_tui.widgets import VirtualTable, format_bytes\n"
        "from ssp_tui.widgets.virtual_table import VirtualTable as Direct\n"
        "assert VirtualTable is Direct and callable(format_bytes)\n"
        "assert all(getattr(widgets, name) is not None for name in widgets.__all__)\n"
        "assert set(widgets.__all__) <= set(dir(widgets))\n"
        "try:\n"
        "    widgets.NoSuchWidget\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise AssertionError('an unknown name must raise AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
