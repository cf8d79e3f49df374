"""What `docs download` leaves on disk when the disk or the path is hostile (issue 17): never written through
a planted symlink, a clear error naming an unusable folder, and on a full disk the saved files and exit 4."""

from __future__ import annotations

import math
from pathlib import Path

import msgspec
from cli_helpers import Cli, LoginAs
from small_disks import small_disk

from ssp_tui.api.models import Document, PolicySummary, Role
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
    assert "internal error" not in result.stderr.lower() and "unexpected" not in result.stderr.lower()


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
        assert "No space left on device" in result.stderr
        assert "failed:" in result.stderr and str(disk) in result.stderr
