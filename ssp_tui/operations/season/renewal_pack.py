"""The renewal pack: for every holder, the renewal-term certificates of every insured it credentials, as one
combined PDF per holder or as separate files per insured in a folder per holder, through the one download
engine (its cache and sha256: a rerun fetches only certificates that changed).

The pack folder is the pack's own: a file whose certificates changed since the last run replaces the old one
(atomically, never through a link), and an unchanged file is left as it is. Every file is reported with its
status (new, updated, unchanged) so that the ledger and the drafts know what to send again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path, PurePosixPath

from ssp_tui.api.constants import DEFAULT_CONCURRENCY
from ssp_tui.api.models import Certificate
from ssp_tui.api.resources.credentialing import CredentialingResource
from ssp_tui.operations.downloads.cache import file_sha256
from ssp_tui.operations.downloads.engine import DownloadEngine
from ssp_tui.operations.downloads.manifest import write_manifest
from ssp_tui.operations.downloads.plan import Destination, DownloadJob, DownloadPlan
from ssp_tui.operations.downloads.results import BulkResult, SavedFile
from ssp_tui.operations.safe_names import safe_filename


class PackLayout(StrEnum):
    PER_HOLDER = "per-holder"
    """One combined PDF per holder: ``<folder>/<Holder>.pdf``, a bookmark per insured."""
    PER_INSURED = "per-insured"
    """Separate files: ``<folder>/<Holder>/<Insured> - <Policy>.pdf``, with ``manifest.json``."""


class FileStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class HolderGroup:
    """One certificate holder and the certificates it is to receive."""

    holder_id: str
    holder_name: str
    contact_name: str
    contact_email: str
    certificates: tuple[Certificate, ...]


@dataclass(frozen=True, slots=True)
class PackedFile:
    path: Path
    sha256: str
    certificates: tuple[Certificate, ...]
    status: FileStatus


@dataclass(slots=True)
class PackedHolder:
    group: HolderGroup
    files: list[PackedFile] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    certificate_sha256: dict[str, str] = field(default_factory=dict)
    """Each certificate's own bytes (by certificate id), as downloaded or served from the cache."""


@dataclass(slots=True)
class RenewalPack:
    folder: Path
    layout: PackLayout
    holders: list[PackedHolder]
    fetched: int = 0
    cancelled: bool = False

    @property
    def complete(self) -> bool:
        return not self.cancelled and all(not h.failures for h in self.holders)

    @property
    def certificates(self) -> int:
        return sum(len(h.group.certificates) for h in self.holders)


def group_by_holder(certificates: Iterable[Certificate]) -> list[HolderGroup]:
    """Certificates grouped by holder (holders by name; within one, by insured and policy)."""
    grouped: dict[str, list[Certificate]] = {}
    for certificate in certificates:
        grouped.setdefault(certificate.holder_id, []).append(certificate)
    groups = []
    for holder_id, certs in grouped.items():
        certs.sort(key=lambda c: (c.insured_name.casefold(), c.policy_number, c.id))
        first = certs[0]
        groups.append(
            HolderGroup(
                holder_id,
                first.holder_name,
                first.holder_contact_name,
                first.holder_contact_email,
                tuple(certs),
            )
        )
    groups.sort(key=lambda g: (g.holder_name.casefold(), g.holder_id))
    return groups


def holder_file_name(group: HolderGroup) -> str:
    return safe_filename(group.holder_name) + ".pdf"


def pack_job(certificate: Certificate, relative: PurePosixPath | str) -> DownloadJob:
    return DownloadJob(
        key=f"certificate:{certificate.id}",
        api_path=CredentialingResource.certificate_pdf_path(certificate.id),
        relative_path=relative,
        title=f"{certificate.insured_name} - {certificate.policy_number}",
        expected_sha256=certificate.sha256,
    )


def _insured_path(group: HolderGroup, certificate: Certificate) -> PurePosixPath:
    name = safe_filename(f"{certificate.insured_name} - {certificate.policy_number}")
    return PurePosixPath(safe_filename(group.holder_name)) / f"{name}.pdf"


async def build_renewal_pack(
    engine: DownloadEngine,
    groups: Sequence[HolderGroup],
    folder: Path,
    layout: PackLayout,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    cancel: asyncio.Event | None = None,
) -> RenewalPack:
    """Fetch (or take from the cache) and place every holder's certificates; see the module docstring.

    ``AuthenticationRequired`` escapes after keeping what was saved: running the same pack again after a
    new sign-in serves those from the cache."""
    root = Path(folder).expanduser().resolve()
    if layout is PackLayout.PER_INSURED:
        return await _per_insured(engine, groups, root, concurrency, cancel)
    pack = RenewalPack(root, layout, [PackedHolder(group) for group in groups])
    # Holders run side by side, each one certificate at a time: ``concurrency`` downloads in flight overall,
    # and a large holder does not hold the small ones back.
    gate = asyncio.Semaphore(concurrency)

    async def one(packed: PackedHolder) -> None:
        async with gate:
            wanted = root / holder_file_name(packed.group)
            existed = await asyncio.to_thread(_is_plain_file, wanted)
            plan = DownloadPlan(
                jobs=[pack_job(c, c.id) for c in packed.group.certificates],
                destination=Destination(root, wanted),
                concurrency=1,
                title=f"Renewal certificates - {packed.group.holder_name}",
                labels=(packed.group.holder_name,),
            )
            result = await engine.run(plan, cancel=cancel)
        pack.fetched += result.fetched
        pack.cancelled |= result.cancelled
        packed.failures.extend(result.failure_lines())
        packed.certificate_sha256.update(_digests(result))
        if result.combined_path is not None:
            path, status = await asyncio.to_thread(_settle, wanted, result.combined_path, existed)
            digest = await asyncio.to_thread(file_sha256, path)
            packed.files.append(PackedFile(path, digest, packed.group.certificates, status))

    await asyncio.gather(*(one(packed) for packed in pack.holders))
    return pack


async def _per_insured(
    engine: DownloadEngine,
    groups: Sequence[HolderGroup],
    root: Path,
    concurrency: int,
    cancel: asyncio.Event | None,
) -> RenewalPack:
    pack = RenewalPack(root, PackLayout.PER_INSURED, [PackedHolder(group) for group in groups])
    owners: dict[str, tuple[PackedHolder, Certificate, Path, bool]] = {}
    jobs = []
    for packed in pack.holders:
        for certificate in packed.group.certificates:
            relative = _insured_path(packed.group, certificate)
            job = pack_job(certificate, relative)
            jobs.append(job)
            wanted = root / relative
            owners[_owner_key(job)] = (packed, certificate, wanted, _is_plain_file(wanted))
    plan = DownloadPlan(jobs=jobs, destination=Destination.separate(root), concurrency=concurrency)
    result = await engine.run(plan, cancel=cancel)
    pack.fetched, pack.cancelled = result.fetched, result.cancelled
    digests = _digests(result)
    for packed in pack.holders:
        packed.certificate_sha256.update(
            {c.id: digests[c.id] for c in packed.group.certificates if c.id in digests}
        )
    settled = await asyncio.to_thread(_settle_separate, result, owners)
    for packed, packed_file in settled:
        packed.files.append(packed_file)
    for failed in result.failed:
        owner = owners[_owner_key(failed.job)][0]
        owner.failures.append(f"{failed.job.title}: {failed.message}")
    return pack


def _digests(result: BulkResult) -> dict[str, str]:
    return {saved.job.key.removeprefix("certificate:"): saved.sha256 for saved in result.files}


def _owner_key(job: DownloadJob) -> str:
    return f"{job.key}|{job.relative_path}"


def _is_plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _settle_separate(
    result: BulkResult, owners: dict[str, tuple[PackedHolder, Certificate, Path, bool]]
) -> list[tuple[PackedHolder, PackedFile]]:
    """Put each new file at its own name (replacing an outdated one) and write the manifest to match."""
    settled: list[tuple[PackedHolder, PackedFile]] = []
    files: list[SavedFile] = []
    for saved in result.files:
        packed, certificate, wanted, existed = owners[_owner_key(saved.job)]
        path, status = _settle(wanted, saved.path, existed)
        files.append(replace(saved, path=path))
        settled.append((packed, PackedFile(path, saved.sha256, (certificate,), status)))
    result.files = files
    if result.manifest_path is not None:
        with contextlib.suppress(OSError):  # the engine's manifest stands if this one cannot be written
            write_manifest(result, result.manifest_path.parent)
    return settled


def _settle(wanted: Path, written: Path, existed: bool) -> tuple[Path, FileStatus]:
    """The engine never writes over a file: it reuses one with the same bytes, else takes ``name (2)``. In
    the pack's own folder the new file takes the old one's place instead. ``existed``: a file was at
    ``wanted`` before the run."""
    if written == wanted:
        return wanted, FileStatus.UNCHANGED if existed else FileStatus.NEW
    if wanted.is_symlink() or not wanted.is_file():
        return written, FileStatus.NEW  # something that is not a pack file holds the name: leave it alone
    if file_sha256(wanted) == file_sha256(written):
        written.unlink()
        return wanted, FileStatus.UNCHANGED
    os.replace(written, wanted)
    return wanted, FileStatus.UPDATED
