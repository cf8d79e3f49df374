"""The small things a careful user sees (issue 19, point 6), as units: counts agree with their nouns."""

from __future__ import annotations

from pathlib import Path

from ssp_tui.formatting import plural
from ssp_tui.operations.downloads import BulkResult, DownloadJob, DownloadMode
from ssp_tui.operations.downloads.results import SavedFile
from ssp_tui.tui.common.download_runner import describe_result


def test_a_count_agrees_with_its_noun() -> None:
    assert plural(1, "file") == "1 file"
    assert plural(0, "file") == "0 files"
    assert plural(2, "policy", "policies") == "2 policies"
    assert plural(1, "policy", "policies") == "1 policy"
    assert plural(12_345, "certificate") == "12,345 certificates"


def test_one_saved_file_is_one_file(tmp_path: Path) -> None:
    job = DownloadJob("d1", "/documents/d1/content", "one.pdf", "Declarations")
    saved = SavedFile(job, tmp_path / "one.pdf", "0" * 64, 10, from_cache=False)
    result = BulkResult(DownloadMode.SEPARATE, files=[saved], manifest_path=tmp_path / "manifest.json")
    assert describe_result(result).startswith("Saved 1 file to "), describe_result(result)
    cancelled = BulkResult(DownloadMode.SEPARATE, missing=[job], cancelled=True)
    assert "saved 0 of 1 file to" in describe_result(cancelled), describe_result(cancelled)
