"""What `docs download` and `coi download` leave on disk (issue 17): independent copies (no hard links to the
cache or to each other), never written through a planted symlink, a combined PDF that says what it is, a
clear error naming an unusable folder (not the cache), and on a full disk the saved files, the manifest and
exit 4."""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgspec
import pikepdf
from cli_helpers import Cli, LoginAs
from small_disks import read_only_folder, small_disk

from ssp_tui.api.models import Certificate, Document, PolicySummary, Role
from ssp_tui.cli.exit_codes import ExitCode


def first_policy_documents(cli: Cli, profile: str) -> tuple[str, list[Document]]:
    listed = cli.run("policies", "list", "--json", profile=profile)
    assert listed.exit_code == 0, listed.stderr
    policy = msgspec.json.decode(listed.stdout, type=list[PolicySummary])[0].policy_number
    docs = cli.run("docs", "list", policy, "--json", profile=profile)
    assert docs.exit_code == 0, docs.stderr
    return policy, msgspec.json.decode(docs.stdout, type=list[Document])


def own_cache(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_combine_never_writes_through_a_planted_symlink(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, _ = first_policy_documents(cli, profile)
    folder, outside = tmp_path / "D", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (outside / "kept.pdf").write_bytes(b"keep me")
    (folder / "c.pdf").symlink_to(outside / "kept.pdf")
    (folder / "d.pdf").symlink_to(outside / "dangling.pdf")
    env = own_cache(tmp_path)

    for name in ("c.pdf", "d.pdf"):
        # Something is at that name: refused before any request, unless told to replace or to skip it.
        refused = cli.run(
            "docs", "download", policy, "--combine", str(folder / name), profile=profile, env=env
        )
        assert refused.exit_code == ExitCode.USAGE and "--overwrite" in refused.stderr
        skipped = cli.run(
            "docs", "download", policy, "--combine", str(folder / name), "--skip", profile=profile, env=env
        )
        assert skipped.exit_code == 0 and skipped.stdout == "" and (folder / name).is_symlink()
        # --overwrite replaces the link itself (a rename), never the file it points at.
        result = cli.run(
            "docs",
            "download",
            policy,
            "--combine",
            str(folder / name),
            "--overwrite",
            profile=profile,
            env=env,
        )
        assert result.exit_code == 0, result.stderr
        written = Path(result.stdout.strip())
        assert written == folder.resolve() / name and not written.is_symlink()
        assert written.read_bytes().startswith(b"%PDF-")
    assert (outside / "kept.pdf").read_bytes() == b"keep me"
    assert sorted(p.name for p in outside.iterdir()) == ["kept.pdf"], "the dangling link made nothing"


def test_a_folder_that_cannot_be_created_is_named_with_the_reason(cli: Cli, login_as: LoginAs) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, _ = first_policy_documents(cli, profile)
    result = cli.run("docs", "download", policy, "--dir", "/proc/nope/dl", profile=profile)
    assert result.exit_code == ExitCode.ERROR
    assert "Cannot create the download folder /proc/nope/dl: " in result.stderr
    assert "Choose another folder" in result.stderr  # what to do, not only what went wrong (issue 19.5)
    said = result.stderr.lower()
    assert "internal error" not in said and "unexpected" not in said and "web support" not in said


def test_a_full_disk_lists_what_was_saved_and_exits_partial(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, docs = first_policy_documents(cli, profile)
    assert len(docs) >= 3
    # Room for the first two documents (tmpfs counts whole 4 KiB pages), not for the third.
    kib = sum(math.ceil(doc.bytes / 4096) * 4 for doc in docs[:2]) + 2
    with small_disk(tmp_path / "small", kib=kib) as disk:
        result = cli.run(
            "docs",
            "download",
            policy,
            "--dir",
            str(disk),
            "--concurrency",
            "1",
            profile=profile,
            env=own_cache(tmp_path),
        )
        saved = [Path(line) for line in result.stdout.splitlines()]
        assert result.exit_code == ExitCode.PARTIAL, result.stderr
        assert saved and all(path.is_file() and disk in path.parents for path in saved)
        failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
        assert len(saved) + len(failed) == len(docs), "every document is either listed saved or failed"
        assert all("No space left on device" in line and str(disk) in line for line in failed), failed
        assert all("Free some disk space" in line for line in failed), failed
        manifest = disk / "manifest.json"
        if manifest.exists():  # written if it fits; else the run says so
            listed = json.loads(manifest.read_text())
            assert sorted(disk / entry["file"] for entry in listed["files"]) == sorted(saved)
            assert len(listed["failed"]) == len(failed) and listed["complete"] is False
        else:
            assert "manifest" in result.stderr


def test_placed_files_are_independent_copies_and_the_cache_never_changes(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, docs = first_policy_documents(cli, profile)
    env = own_cache(tmp_path)
    first = cli.run("docs", "download", policy, "--dir", str(tmp_path / "a"), profile=profile, env=env)
    second = cli.run("docs", "download", policy, "--dir", str(tmp_path / "b"), profile=profile, env=env)
    assert first.exit_code == second.exit_code == 0, first.stderr + second.stderr
    copies_a = [Path(line) for line in first.stdout.splitlines()]
    copies_b = [Path(line) for line in second.stdout.splitlines()]
    blobs = [p for p in (tmp_path / "cache").rglob("*.pdf")]
    assert len(copies_a) == len(copies_b) == len(docs) and blobs
    assert {p.stat().st_nlink for p in [*copies_a, *copies_b, *blobs]} == {1}, "no hard links"
    kept = {p: p.read_bytes() for p in [*copies_b, *blobs]}

    copies_a[0].write_bytes(b"%PDF-1.4 edited by the user")

    assert {p: p.read_bytes() for p in kept} == kept, "editing one copy changed no other copy, nor the cache"
    again = cli.run("docs", "download", policy, "--dir", str(tmp_path / "a"), profile=profile, env=env)
    assert again.exit_code == 0, again.stderr
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    vouched = {tmp_path / "a" / entry["file"] for entry in manifest["files"]}
    assert copies_a[0] not in vouched, "the manifest never vouches for the edited file"
    assert len(vouched) == len(docs)


def test_a_read_only_folder_is_named_not_the_cache(cli: Cli, login_as: LoginAs, tmp_path: Path) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, _ = first_policy_documents(cli, profile)
    with read_only_folder(tmp_path / "read-only") as folder:
        for target, doing in ((folder, "save into"), (folder / "docs", "create")):
            result = cli.run(
                "docs", "download", policy, "--dir", str(target), profile=profile, env=own_cache(tmp_path)
            )
            assert result.exit_code == ExitCode.ERROR
            assert f"Cannot {doing} the download folder {target}: " in result.stderr, result.stderr
            assert "Choose another folder you can write to" in result.stderr, result.stderr
            assert "cache" not in result.stderr.lower() and result.stdout == ""


def test_combined_pdfs_say_what_they_are_and_whom_they_are_for(
    cli: Cli, login_as: LoginAs, tmp_path: Path
) -> None:
    profile = login_as(Role.POLICYHOLDER)
    policy, _ = first_policy_documents(cli, profile)
    env = own_cache(tmp_path)
    documents = cli.run(
        "docs", "download", policy, "--combine", str(tmp_path / "docs.pdf"), profile=profile, env=env
    )
    assert documents.exit_code == 0, documents.stderr
    with pikepdf.open(tmp_path / "docs.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]).startswith("Policy documents") and policy in str(
            pdf.docinfo["/Title"]
        )
        assert policy in str(pdf.docinfo["/Subject"])
    listed = cli.run("coi", "list", "--json", profile=profile)
    certificate = msgspec.json.decode(listed.stdout, type=list[Certificate])[0]
    coi = cli.run(
        "coi", "download", certificate.id, "--single", str(tmp_path / "coi.pdf"), profile=profile, env=env
    )
    assert coi.exit_code == 0, coi.stderr
    with pikepdf.open(tmp_path / "coi.pdf") as pdf:
        title = str(pdf.docinfo["/Title"])
        assert title.startswith("Certificates of insurance") and certificate.insured_name in title
        assert certificate.insured_name in str(pdf.docinfo["/Subject"])
