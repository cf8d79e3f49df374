"""Downloads for a browser session (``ssp-tui web``): the files go to the user's browser, not the server's
disk.

The engine still writes somewhere (it verifies and combines files), so each run gets a fresh folder inside the
session's private folder, which goes away with the session; the result then reaches the browser through
``App.deliver_binary``: one PDF as itself, several files as one ZIP (with the manifest), so the browser asks
once rather than once a file.
"""

from __future__ import annotations

import asyncio
import dataclasses
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ssp_tui.operations.downloads import BulkResult, Destination, DownloadPlan

if TYPE_CHECKING:
    from textual.app import App


class BrowserDelivery:
    """Where a browser session's downloads are made, and how they reach the browser."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._runs = 0

    def new_folder(self) -> Path:
        """A fresh private folder of this session, for one download or export on its way to the browser."""
        self._runs += 1
        folder = self.root / f"run-{self._runs}"
        folder.mkdir(parents=True, mode=0o700)
        return folder

    def retarget(self, plan: DownloadPlan) -> DownloadPlan:
        """The same plan, writing into a fresh folder of this session instead of a folder on the server."""
        folder = self.new_folder()
        combined = plan.destination.combined_file
        destination = Destination(folder) if combined is None else Destination(folder, folder / combined.name)
        return dataclasses.replace(plan, destination=destination)

    async def deliver(self, app: App[object], plan: DownloadPlan, result: BulkResult) -> str | None:
        """Send what ``result`` (of ``plan``, retargeted here) wrote to the browser; one line saying what was
        sent (None: nothing was)."""
        if result.combined_path is not None:
            path, name = result.combined_path, result.combined_path.name
        elif len(result.files) == 1:
            path, name = result.files[0].path, result.files[0].path.name
        elif result.files:
            path, name = await asyncio.to_thread(_zip_run, plan.destination.folder, result), ZIP_NAME
        else:
            return None
        mime_type = "application/zip" if name.endswith(".zip") else "application/pdf"
        app.deliver_binary(path, save_filename=name, mime_type=mime_type)
        what = f"{len(result.files)} documents in {name}" if len(result.files) > 1 else name
        return f"Sent {what} to your browser's downloads."

    @staticmethod
    def send_file(app: App[object], path: Path) -> str:
        """Send one file this session made (an export) to the browser; the line that says so."""
        app.deliver_binary(path, save_filename=path.name)
        return f"Sent {path.name} to your browser's downloads."


def browser_delivery(app: App[object]) -> BrowserDelivery | None:
    """The app's delivery to the browser when it runs in one (``ssp-tui web``), else None."""
    delivery = getattr(app, "browser_delivery", None)
    return delivery if app.is_web and isinstance(delivery, BrowserDelivery) else None


ZIP_NAME = "ssp-tui-documents.zip"


def _zip_run(folder: Path, result: BulkResult) -> Path:
    """The run's files and manifest in one ZIP beside the run folder, at the paths the template gave them."""
    archive = folder.with_suffix(".zip")
    members = [saved.path for saved in result.files]
    if result.manifest_path is not None:
        members.append(result.manifest_path)
    # PDFs are compressed already: stored, the ZIP costs no time to make.
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for member in members:
            bundle.write(member, member.relative_to(folder).as_posix())
    return archive
