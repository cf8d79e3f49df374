"""What a separate file at its final name is (durable, independent of the cache), and what a run costs per
file (one worker call per fetched file, no lock or blob kept per unique job) - issue 23."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import threading
from pathlib import Path

import pytest
from sandbox_harness import SandboxServer

from ssp_tui.api.client import PortalClient
from ssp_tui.api.models import Role, Term
from ssp_tui.operations.downloads import DownloadJob, DownloadMode, manifest, placement, state
from ssp_tui.operations.downloads.cache import ContentCache, normalise_sha256
from ssp_tui.operations.downloads.jobs import document_job
from ssp_tui.operations.downloads.results import BulkResult

from .fakes import FakePortal, run_engine, sha256_of


class ThenPortal(FakePortal):
    """A fake that, like ``PortalClient``, runs ``then`` in the worker thread that finishes the file."""

    async def download(
        self, api_path, dest, *, expected_sha256=None, on_progress=None, durable=True, then=None
    ):
        done = await super().download(
            api_path, dest, expected_sha256=expected_sha256, on_progress=on_progress
        )
        if then is not None:
            await asyncio.to_thread(then, done)
        return done


def jobs_for(portal: FakePortal, count: int, *, folder: str = "POL1") -> list[DownloadJob]:
    jobs = []
    for number in range(count):
        api_path = f"/documents/d{number}/content"
        data = portal.add(api_path, 1, label=f"doc {number}")
        jobs.append(
            DownloadJob(
                f"d{number}", api_path, f"{folder}/doc {number}.pdf", f"Doc {number}", sha256_of(data)
            )
        )
    return jobs


class Durability:
    """Records, through ``placement``'s ``os``, which files were fsynced and what was linked to a name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.synced: set[tuple[int, int]] = set()
        self.named_unsynced: list[str] = []
        real_fsync, real_link = os.fsync, os.link

        def fsync(fd: int) -> None:
            real_fsync(fd)
            info = os.fstat(fd)
            self.synced.add((info.st_dev, info.st_ino))

        def link(source: str | Path, target: str | Path, **kwargs: object) -> None:
            info = os.stat(source)
            if (info.st_dev, info.st_ino) not in self.synced:
                self.named_unsynced.append(str(target))
            real_link(source, target, **kwargs)  # type: ignore[arg-type]

        real_sync_files = placement.sync_files

        def sync_files(fds: list[int]) -> None:
            # One syncfs for a batch (Linux 5.8+): every file of the batch is durable once it returns.
            real_sync_files(fds)
            for fd in fds:
                info = os.fstat(fd)
                self.synced.add((info.st_dev, info.st_ino))

        monkeypatch.setattr(placement.os, "fsync", fsync)
        monkeypatch.setattr(placement.os, "link", link)
        monkeypatch.setattr(placement, "sync_files", sync_files)

    def check(self, result: BulkResult, cache: Path) -> None:
        """Every file at its final name was fsynced before it got the name, and shares nothing with the
        cache: one link to it, and not the inode of any blob."""
        blobs = {(info.st_dev, info.st_ino) for info in (p.stat() for p in cache.rglob("*.pdf"))}
        assert result.files and not self.named_unsynced
        for saved in result.files:
            info = saved.path.lstat()
            assert (info.st_dev, info.st_ino) in self.synced
            assert info.st_nlink == 1 and (info.st_dev, info.st_ino) not in blobs
            assert info.st_mode & 0o777 == 0o600


@pytest.mark.parametrize("client", [FakePortal, ThenPortal], ids=["engine-thread", "client-thread"])
async def test_a_file_at_its_final_name_was_fsynced_and_is_no_link_to_the_cache(
    client: type[FakePortal], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = client()
    durability = Durability(monkeypatch)
    jobs = jobs_for(portal, 5)
    cold = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "cold", concurrency=2)
    assert cold.complete and cold.fetched == 5
    durability.check(cold, tmp_path / "cache")
    warm = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "warm", concurrency=2)
    assert warm.complete and warm.fetched == 0 and all(saved.from_cache for saved in warm.files)
    durability.check(warm, tmp_path / "cache")
    # Editing a placed copy changes neither the cache nor the other copy.
    cold.files[0].path.write_bytes(b"edited")
    assert warm.files[0].path.read_bytes() == portal.documents[jobs[0].api_path]


async def test_the_real_client_places_each_fetched_file_in_one_worker_call(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's PDF check and the admission into the cache share one thread hop (three hops a file were a
    large part of a bulk download's own cost), the placed copies a batch's; the placed files are durable."""
    durability = Durability(monkeypatch)
    calls: list[str] = []
    real_to_thread = asyncio.to_thread

    async def counting(function, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(getattr(function, "__name__", repr(function)))
        return await real_to_thread(function, *args, **kwargs)

    client = PortalClient(sandbox.base_url)
    client.auth.set_session(sandbox.session(sandbox.account(Role.POLICYHOLDER).username))
    async with client:
        policy = (await client.policies.list().collect())[0]
        documents = await client.documents.list(policy.id, term=Term.CURRENT).collect()
        jobs = [document_job(doc, policy_number=policy.policy_number, term="current") for doc in documents]
        monkeypatch.setattr(asyncio, "to_thread", counting)
        result = await run_engine(client, tmp_path / "cache", jobs, tmp_path / "out", concurrency=3)
    assert result.complete and result.fetched == len(jobs) >= 2
    per_file = [name for name in calls if name == "_check_and_rename"]
    assert len(per_file) == len(jobs)
    # The copies are placed in batches, after each file's slot is free again (``FetchedPlacer``).
    batches = [name for name in calls if "place_fetched" in name]
    assert 1 <= len(batches) <= len(jobs)
    # Besides those: the folder check, the manifest's record, the cache batches, the index and the manifest.
    assert len(calls) - len(per_file) - len(batches) <= 5
    durability.check(result, tmp_path / "cache")
    assert not any((tmp_path / "cache" / "incoming").iterdir())  # every staging folder removed


async def test_a_folder_removed_during_a_run_is_made_again(portal: FakePortal, tmp_path: Path) -> None:
    jobs = jobs_for(portal, 2)
    cache = ContentCache(tmp_path / "cache")
    for job in jobs:
        source = tmp_path / f"{job.key}.pdf"
        source.write_bytes(portal.documents[job.api_path])
        cache.admit(source, sha256_of(source.read_bytes()))
    folders: set[Path] = set()
    first, second = (cache.lookup(sha256=job.expected_sha256) for job in jobs)
    assert first is not None and second is not None
    wanted = tmp_path / "out" / "POL1"
    placement.place_file(first.path, wanted / "a.pdf", sha256=first.sha256, size=first.bytes, folders=folders)
    assert folders == {wanted}
    (wanted / "a.pdf").unlink()
    wanted.rmdir()  # the user removed it: the folder set is out of date
    placed = placement.place_file(
        second.path, wanted / "b.pdf", sha256=second.sha256, size=second.bytes, folders=folders
    )
    assert placed.read_bytes() == second.path.read_bytes() and wanted.stat().st_mode & 0o777 == 0o700


async def test_a_separate_run_keeps_no_blob_and_no_lock_per_unique_job(
    portal: FakePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory per file: the result's files are all a separate run keeps of each job."""
    jobs = jobs_for(portal, 4)
    twin = DownloadJob("twin", jobs[0].api_path, "POL2/twin.pdf", "Twin", jobs[0].expected_sha256)
    seen: list[state.RunState] = []
    real_init = state.RunState.__init__

    def init(self: state.RunState, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        seen.append(self)

    monkeypatch.setattr(state.RunState, "__init__", init)
    result = await run_engine(portal, tmp_path / "cache", [*jobs, twin], tmp_path / "out", concurrency=3)
    assert result.complete and result.fetched == 4  # the twin waited for its bytes, then used the cache
    (run,) = seen
    assert not run.blobs and set(run.digest_locks) == {jobs[0].expected_sha256}
    assert run.admitted <= {jobs[0].expected_sha256}
    assert all(saved.sha256 is saved.job.expected_sha256 for saved in result.files)

    combined = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "out", DownloadMode.COMBINED)
    assert combined.complete and len(seen[-1].blobs) == len(jobs)  # combining needs every blob


def test_shared_digest_locks_only_for_digests_named_twice() -> None:
    one, two = "a" * 64, "b" * 64
    jobs = [
        DownloadJob("1", "/1", "1.pdf", "1", one),
        DownloadJob("2", "/2", "2.pdf", "2", two.upper()),
        DownloadJob("3", "/3", "3.pdf", "3", two),
        DownloadJob("4", "/4", "4.pdf", "4", None),
        DownloadJob("5", "/5", "5.pdf", "5", "not a digest"),
    ]
    assert set(state.shared_digest_locks(jobs)) == {two}


def test_a_normal_digest_is_kept_as_the_same_string() -> None:
    digest = "c" * 64
    assert normalise_sha256(digest) is digest
    assert normalise_sha256(f" {digest.upper()} ") == digest


def test_the_manifest_text_is_what_json_would_write(portal: FakePortal, tmp_path: Path) -> None:
    """msgspec writes the manifest (less memory for a large run); the text must not change for anyone."""
    jobs = jobs_for(portal, 2, folder="Über")
    jobs[1] = DownloadJob("d1", jobs[1].api_path, "Über/doc 1.pdf", 'Quote " and \\ and \u2028', None)
    result = asyncio.run(run_engine(portal, tmp_path / "cache", jobs, tmp_path / "out"))
    assert_json_text(result.manifest_path, files=2)
    # A rerun merges the earlier entries and lists what failed; a run where all fails has no files.
    portal.fail[jobs[1].api_path] = "The portal is down."
    more = jobs_for(portal, 3, folder="Über")[2:]
    again = asyncio.run(run_engine(portal, tmp_path / "cache2", [*more, jobs[1]], tmp_path / "out"))
    assert again.failed and assert_json_text(again.manifest_path, files=3, failed=1)
    nothing = asyncio.run(run_engine(portal, tmp_path / "cache3", [jobs[1]], tmp_path / "empty"))
    assert_json_text(nothing.manifest_path, files=0, failed=1)


def assert_json_text(path: Path | None, *, files: int, failed: int = 0) -> bool:
    assert path is not None and path.name == manifest.MANIFEST_NAME
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert len(document["files"]) == files and len(document["failed"]) == failed
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return True


def test_a_batch_places_like_one_at_a_time(portal: FakePortal, tmp_path: Path) -> None:
    """``place_files`` writes every copy before the fsyncs; what ends up where is what ``place_file`` one at a
    time gives: the same bytes twice under one name is one file, other bytes get ``(2)``, a changed source
    fails alone and leaves nothing behind."""
    sources = []
    for label in ("one", "two", "bad"):
        path = tmp_path / f"{label}.pdf"
        path.write_bytes(portal.add(f"/{label}", 1, label=label))
        sources.append((path, sha256_of(path.read_bytes()), path.stat().st_size))
    (one, one_sha, one_size), (two, two_sha, two_size), (bad, bad_sha, bad_size) = sources
    bad.write_bytes(b"%PDF-changed on disk" + b"x" * (bad_size - 20))
    out = tmp_path / "out"
    outcomes = placement.place_files(
        [
            (one, out / "a.pdf", one_sha, one_size),
            (one, out / "a.pdf", one_sha, one_size),
            (two, out / "a.pdf", two_sha, two_size),
            (bad, out / "b.pdf", bad_sha, bad_size),
            (two, out / "sub" / "c.pdf", two_sha, two_size),
        ],
        folders=set(),
    )
    assert outcomes[:3] == [out / "a.pdf", out / "a.pdf", out / "a (2).pdf"]
    assert isinstance(outcomes[3], placement.SourceChanged)
    assert outcomes[4] == out / "sub" / "c.pdf"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "a (2).pdf",
        "a.pdf",
        "sub",
        "sub/c.pdf",
    ]
    assert (out / "a (2).pdf").read_bytes() == two.read_bytes()


def test_a_batch_is_made_durable_together_before_any_file_of_it_is_named(
    portal: FakePortal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``place_files`` hands every copy of a batch to one ``sync_files`` (one syncfs per file system on Linux
    5.8+) before naming any; when that fails, no file of the batch gets its name and no temporary stays."""
    jobs = jobs_for(portal, 3)
    sources = []
    for job in jobs:
        path = tmp_path / f"{job.key}.pdf"
        path.write_bytes(portal.documents[job.api_path])
        final = tmp_path / "out" / f"{job.key}.pdf"
        sources.append((path, final, job.expected_sha256 or "", path.stat().st_size))
    batches: list[int] = []
    real_sync_files = placement.sync_files

    def counting(fds: list[int]) -> None:
        batches.append(len(fds))
        assert not any(final.exists() for _, final, _, _ in sources)  # nothing named before it returns
        real_sync_files(fds)

    monkeypatch.setattr(placement, "sync_files", counting)
    outcomes = placement.place_files(sources, folders=set())
    assert batches == [3] and outcomes == [final for _, final, _, _ in sources]

    def failing(fds: list[int]) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(placement, "sync_files", failing)
    again = [(source, tmp_path / "again" / final.name, sha, size) for source, final, sha, size in sources]
    failed = placement.place_files(again, folders=set())
    assert all(isinstance(outcome, OSError) for outcome in failed)
    assert list((tmp_path / "again").iterdir()) == []


def test_sync_files_takes_one_syncfs_per_file_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssp_tui.operations.downloads import private_files

    synced: list[int] = []
    monkeypatch.setattr(private_files, "_syncfs", lambda: synced.append)
    fds = [os.open(tmp_path / f"{n}", os.O_WRONLY | os.O_CREAT, 0o600) for n in range(3)]
    try:
        private_files.sync_files(fds)
        assert synced == [fds[0]]  # one file system here
        monkeypatch.setattr(private_files, "_syncfs", lambda: None)  # no syncfs: each file fsynced
        fsynced: list[int] = []
        monkeypatch.setattr(private_files.os, "fsync", fsynced.append)
        private_files.sync_files(fds)
        assert fsynced == fds
    finally:
        for fd in fds:
            os.close(fd)


async def test_a_download_slot_is_free_while_its_file_is_placed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At concurrency 1 the second file is fetched while the first one's copy is being placed: the slot is the
    portal's, and holding it through the copy's fsync left it idle (issue 23). Both are recorded."""
    from ssp_tui.operations.downloads import placer as placer_module

    portal = ThenPortal()
    jobs = jobs_for(portal, 2)
    second_fetched = threading.Event()
    seen_during_placement: list[bool] = []
    real_place_files = placer_module.place_files
    real_download = portal.download

    async def download(api_path, dest, **kwargs):  # type: ignore[no-untyped-def]
        if api_path == jobs[1].api_path:
            second_fetched.set()
        return await real_download(api_path, dest, **kwargs)

    def place_files(files, **kwargs):  # type: ignore[no-untyped-def]
        if files and not seen_during_placement:  # the first copy waits (at most 10 s) for the next download
            seen_during_placement.append(second_fetched.wait(10))
        return real_place_files(files, **kwargs)

    monkeypatch.setattr(portal, "download", download)
    monkeypatch.setattr(placer_module, "place_files", place_files)
    result = await run_engine(portal, tmp_path / "cache", jobs, tmp_path / "out", concurrency=1)
    assert seen_during_placement == [True]
    assert result.complete and sorted(saved.job.key for saved in result.files) == ["d0", "d1"]


def test_the_folder_names_of_many_jobs_are_one_string_each(portal: FakePortal) -> None:
    """Memory per job: a bulk download's jobs name a few folders thousands of times."""
    from ssp_tui.operations.safe_names import render_template

    one, two = (
        render_template("{policy}/{term}/{title}.pdf", {"policy": "NC-1", "term": "current", "title": title})
        for title in ("A", "B")
    )
    assert one.parts[:2] == two.parts[:2] == ("NC-1", "current")
    assert all(a is b for a, b in zip(one.parts[:2], two.parts[:2], strict=True))


async def test_a_file_fetched_but_not_placeable_counts_as_fetched_and_stays_cached(tmp_path: Path) -> None:
    portal = ThenPortal()
    (job,) = jobs_for(portal, 1)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "POL1").write_text("a file where the folder should be")
    result = await run_engine(portal, tmp_path / "cache", [job], tmp_path / "out")
    assert [failed.job.key for failed in result.failed] == ["d0"] and result.fetched == 1
    assert ContentCache(tmp_path / "cache").lookup(sha256=job.expected_sha256) is not None


def test_a_blob_folder_removed_since_the_last_admission_is_made_again(tmp_path: Path) -> None:
    """The cache remembers the blob folders it made (one look a folder, not one a file); one removed since
    (the cache cleared by the user) is made again rather than failing the download."""
    cache = ContentCache(tmp_path / "cache")
    first, second = (tmp_path / "one.pdf", tmp_path / "two.pdf")
    first.write_bytes(b"%PDF-1.4 one")
    second.write_bytes(b"%PDF-1.4 two")
    digest = sha256_of(first.read_bytes())
    blob = cache.admit(first, digest)
    blob.path.unlink()
    blob.path.parent.rmdir()
    other = "".join((digest[:2], sha256_of(second.read_bytes())[2:]))  # the same folder, another name
    again = cache.admit(second, other)
    assert again.path.parent == blob.path.parent and again.path.read_bytes() == b"%PDF-1.4 two"
