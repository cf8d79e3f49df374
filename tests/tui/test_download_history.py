"""The downloads view's rows (no app): this session's batches, what their retry downloads, and the earlier
runs a manifest lists."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

from ssp_tui.operations.downloads import (
    BulkResult,
    Destination,
    DownloadJob,
    DownloadMode,
    DownloadPlan,
    FailedJob,
    SavedFile,
)
from ssp_tui.tui.common.download_history import DownloadHistory, RowState, earlier_rows


def job(number: int) -> DownloadJob:
    return DownloadJob(
        key=f"d{number}",
        api_path=f"/documents/d{number}/content",
        relative_path=PurePath(f"POL1/doc-{number}.pdf"),
        title=f"Document {number}",
    )


def test_a_separate_batch_retries_only_its_failed_and_missing_jobs(tmp_path: Path) -> None:
    jobs = [job(1), job(2), job(3)]
    plan = DownloadPlan(jobs, Destination.separate(tmp_path), unresolved=(("x", "no such document"),))
    saved = SavedFile(jobs[0], tmp_path / "POL1/doc-1.pdf", "0" * 64, 10, from_cache=False)
    result = BulkResult(
        DownloadMode.SEPARATE,
        files=[saved],
        failed=[FailedJob(jobs[1], "The portal lost it.")],
        missing=[jobs[1], jobs[2]],
        cancelled=True,
    )
    history = DownloadHistory()
    batch = history.record(plan, result)
    retry = batch.retry_plan()
    assert retry is not None and list(retry.jobs) == [jobs[1], jobs[2]] and retry.unresolved == ()
    assert retry.destination == plan.destination
    rows = history.rows()
    assert [(row.state, row.title) for row in rows] == [
        (RowState.SAVED, "Document 1"),
        (RowState.FAILED, "Document 2"),
        (RowState.MISSING, "Document 3"),
    ]
    assert rows[0].path == saved.path and rows[1].folder == tmp_path.resolve()
    assert rows[1].message == "The portal lost it."


def test_a_combined_batch_retries_the_whole_pdf_and_a_complete_one_nothing(tmp_path: Path) -> None:
    jobs = [job(1), job(2)]
    plan = DownloadPlan(jobs, Destination.combined(tmp_path / "all.pdf")).allowing_missing()
    result = BulkResult(DownloadMode.COMBINED, failed=[FailedJob(jobs[1], "Gone.")], missing=[jobs[1]])
    history = DownloadHistory()
    retry = history.record(plan, result).retry_plan()
    assert retry is not None and list(retry.jobs) == jobs and not retry.allow_missing
    done = history.record(plan, BulkResult(DownloadMode.COMBINED, combined_path=tmp_path / "all.pdf"))
    assert done.retry_plan() is None and done.number == 2
    assert [(row.batch, row.state) for row in history.rows()] == [
        (1, RowState.FAILED)
    ]  # batch 2 had no files


def test_earlier_runs_come_from_the_manifest_cleaned_and_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "generated_at": "2026-11-27T09:30:00+00:00",
                "files": [
                    {"file": "POL1/doc-1.pdf", "title": "Declarations\x1b[2J"},
                    {"file": "../outside.pdf", "title": "Not ours"},
                    "not an entry",
                ],
                "failed": [{"title": "Endorsement", "message": "Gone."}],
            }
        )
    )
    rows = earlier_rows(tmp_path)
    assert [(row.state, row.title, row.batch) for row in rows] == [
        (RowState.EARLIER, "Declarations", 0),
        (RowState.EARLIER_FAILED, "Endorsement", 0),
    ]
    assert rows[0].path == tmp_path / "POL1/doc-1.pdf" and rows[0].when == "2026-11-27 09:30:00"
    assert earlier_rows(tmp_path / "nowhere") == []
    # What this session's batch wrote and failed is its own row, not an earlier one.
    ours = DownloadHistory()
    saved = SavedFile(job(1), tmp_path.resolve() / "POL1/doc-1.pdf", "0" * 64, 10, from_cache=False)
    manifest = tmp_path.resolve() / "manifest.json"
    ours.record(
        DownloadPlan([job(1)], Destination.separate(tmp_path)),
        BulkResult(DownloadMode.SEPARATE, files=[saved], manifest_path=manifest),
    )
    assert earlier_rows(tmp_path, ours) == []
    (tmp_path / "manifest.json").write_text("not json")
    assert earlier_rows(tmp_path) == []


def test_an_earlier_runs_failures_can_run_again_from_their_keys_only(tmp_path: Path) -> None:
    """Each failed or missing entry becomes the job the first run made, its API path made from its key
    (never read from the file, which the user may have edited); an entry that cannot say what it was is
    only listed."""
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "generated_at": "2026-11-27T09:30:00+00:00",
                "files": [],
                "failed": [
                    {"key": "DOC-7", "title": "Endorsement", "intended_file": "POL1/e.pdf", "message": "X"},
                    {"key": "certificate:C-1", "title": "COI", "intended_file": "c.pdf", "api_path": "/a"},
                    {"key": "claims-history:I-1:P-1", "title": "Claims", "intended_file": "h.pdf"},
                    {"key": "../../admin", "title": "Odd", "intended_file": "odd.pdf"},
                    {"title": "From an old manifest", "message": "Gone."},
                    {"key": "claims-history:I-2", "title": "Half a key", "intended_file": "x.pdf"},
                ],
                "missing": [{"key": "DOC-8", "title": "Declarations", "intended_file": "POL1/d.pdf"}],
            }
        )
    )
    rows = earlier_rows(tmp_path)
    assert all(row.state is RowState.EARLIER_FAILED and row.folder == tmp_path.resolve() for row in rows)
    again = {row.title: row.job for row in rows}
    assert again["Endorsement"] is not None and again["Endorsement"].api_path == "/documents/DOC-7/content"
    assert str(again["Endorsement"].relative_path) == "POL1/e.pdf"
    assert again["COI"] is not None and again["COI"].api_path == "/credentialing/certificates/C-1/pdf"
    claims = again["Claims"]
    assert claims is not None
    assert claims.api_path == "/credentialing/insureds/I-1/claims-history?policy_id=P-1"
    odd = again["Odd"]
    assert odd is not None and odd.api_path == "/documents/..%2F..%2Fadmin/content"  # one opaque segment
    assert again["From an old manifest"] is None and again["Half a key"] is None
    assert again["Declarations"] is not None and again["Declarations"].key == "DOC-8"
    assert [row.message for row in rows if row.title == "Declarations"] == [
        "Not downloaded: the run was stopped first."
    ]
