"""Copy the planned versions into Unity Catalog and restore what a bare copy drops.

Each model's versions are copied in order (so that, into an empty model, version numbers stay the
source's), ``jobs`` models at a time; within a model, the next version's files download while the current
one's upload (one version ahead, so at most two on disk per model). A version is created from its downloaded
files with its source (``models:/churn_prod/7``), description, tags and the provenance tag in one request;
MLflow's Unity Catalog store then uploads the files and finalizes it. Then the model's tags, and the aliases: the newest
``Production`` version gets ``champion``, the newest ``Staging`` one ``challenger``. An alias already
held by a version that did not come from this migration is left where it is and reported.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from threading import Lock
from typing import Any

from generator.migration.inventory import (
    BLOCKED,
    COPY,
    DONE,
    PROVENANCE_TAG,
    REDO,
    ModelInventory,
    source_uri,
)
from generator.migration.plan import MigrationPlan, VersionMove
from generator.migration.registries import Registries, guarded, sha256_of
from generator.migration.verified import VerificationRecords, Verified


@dataclass
class CopyLog:
    """What the copy did, one line per change, safe to fill from several threads."""

    copied: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def add(self, kind: str, line: str) -> None:
        """Record ``line`` under ``kind`` (``copied``, ``restored`` or ``conflicts``) and print it."""
        with self._lock:
            getattr(self, kind).append(line)
            print(f"{'conflict' if kind == 'conflicts' else kind}: {line}", flush=True)


def copy_versions(registries: Registries, plan: MigrationPlan, jobs: int, records: VerificationRecords) -> CopyLog:
    """Carry out ``plan``: copy, remake interrupted copies, restore tags, descriptions and aliases. The sha256 of
    each copied version's files, read from the download the copy made, goes into ``records`` for the verification
    (which then downloads only the copy)."""
    log = CopyLog()
    moves: dict[str, list[VersionMove]] = {}
    for move in plan.moves:
        moves.setdefault(move.target, []).append(move)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        done = [
            pool.submit(_copy_model, registries, inventory, moves.get(inventory.pair.target, []), log, records)
            for inventory in plan.inventories
            if inventory.target_exists
        ]
        for future in done:
            future.result()
    return log


def _copy_model(
    registries: Registries,
    inventory: ModelInventory,
    moves: list[VersionMove],
    log: CopyLog,
    records: VerificationRecords,
) -> None:
    pair = inventory.pair
    client = registries.target(pair.environment)
    with closing(_downloaded_one_ahead(registries, [move for move in moves if move.action in (COPY, REDO)])) as files:
        numbers = _copy_in_order(client, inventory, moves, files, log, records)
    for key, value in sorted(inventory.source_tags.items()):
        if inventory.target_tags.get(key) != value:
            guarded(
                f"tag {pair.target}",
                partial(client.set_registered_model_tag, pair.target, key, value),
            )
            log.add("restored", f"{pair.target}: model tag {key}")
    _set_aliases(client, inventory, numbers, log)


def _copy_in_order(
    client: Any,
    inventory: ModelInventory,
    moves: list[VersionMove],
    files: Iterator[tuple[VersionMove, Path]],
    log: CopyLog,
    records: VerificationRecords,
) -> dict[int, int]:
    """Copy ``moves`` in the order of creation from their downloaded ``files`` and finish the versions an earlier
    run copied; the target version of each source version."""
    target = inventory.pair.target
    numbers: dict[int, int] = {}
    for move in moves:
        version = move.version
        if move.action == BLOCKED:
            continue
        if move.action == DONE and move.target_version is not None:
            numbers[version.number] = move.target_version
            _restore_version(client, inventory, move, log)
            continue
        if move.action == REDO:
            for stale in inventory.copies_of(version.number):
                guarded(
                    f"delete the interrupted copy {target}/{stale.number}",
                    partial(client.delete_model_version, target, str(stale.number)),
                )
        downloaded, directory = next(files)
        assert downloaded is move, "the downloads follow the copies' order"
        numbers[version.number] = _create(client, move, directory)
        records.remember(move.source, Verified(version.fingerprint, "", version.facts, sha256_of(directory)))
        log.add("copied", f"{move.source} -> {target} version {numbers[version.number]}")
    return numbers


def _downloaded_one_ahead(
    registries: Registries, moves: list[VersionMove]
) -> Generator[tuple[VersionMove, Path], None, None]:
    """Each of ``moves`` in order with its source files downloaded: the next one's download runs while the caller
    copies the current one, whose files are removed when the caller asks for the next."""
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="mlenv-download") as downloader,
        tempfile.TemporaryDirectory(prefix="mlenv-migrate-") as scratch,
    ):

        def download(index: int) -> Future[Path]:
            move = moves[index]
            return downloader.submit(
                guarded,
                f"download {move.source}",
                partial(registries.download, move.source, Path(scratch) / str(index)),
            )

        ahead = download(0) if moves else None
        for index, move in enumerate(moves):
            assert ahead is not None
            directory = ahead.result()
            ahead = download(index + 1) if index + 1 < len(moves) else None
            yield move, directory
            shutil.rmtree(directory)


def _create(client: Any, move: VersionMove, directory: Path) -> int:
    """Create the copy of ``move``'s version from its files in ``directory``, with its source, description, tags
    and the provenance tag; its number. MLflow's ``local_model_path`` (what its own ``log_model`` registers with,
    in every MLflow since 3.4) spares the store a second download."""
    version = move.version
    created = guarded(
        f"copy {move.source} to {move.target}",
        lambda: client._create_model_version(
            name=move.target,
            source=move.source,
            run_id=version.run_id or None,
            tags={**version.tags, PROVENANCE_TAG: move.source},
            description=version.description or None,
            local_model_path=str(directory),
        ),
    )
    return int(created.version)


def _restore_version(client: Any, inventory: ModelInventory, move: VersionMove, log: CopyLog) -> None:
    """Finish a version an earlier run copied: its tags and description as the source has them."""
    target = next(v for v in inventory.target_versions if v.number == move.target_version)
    name, number = inventory.pair.target, str(target.number)
    for key, value in sorted(move.version.tags.items()):
        if target.tags.get(key) != value:
            guarded(
                f"tag {name}/{number}",
                partial(client.set_model_version_tag, name, number, key, value),
            )
            log.add("restored", f"{name} version {number}: tag {key}")
    if target.description != move.version.description:
        guarded(
            f"describe {name}/{number}",
            lambda: client.update_model_version(name, number, description=move.version.description),
        )
        log.add("restored", f"{name} version {number}: description")


def _set_aliases(client: Any, inventory: ModelInventory, numbers: dict[int, int], log: CopyLog) -> None:
    pair = inventory.pair
    migrated = {version.number for version in inventory.target_versions if version.provenance} | set(numbers.values())
    for source_number, alias in sorted(inventory.aliases_to_set().items(), key=lambda item: item[1]):
        wanted = numbers.get(source_number)
        if wanted is None:
            continue
        held = inventory.target_aliases.get(alias)
        if held == wanted:
            continue
        if held is not None and held not in migrated:
            source = source_uri(pair.source, source_number)
            log.add(
                "conflicts",
                f"{pair.target}: alias {alias} is on version {held}, which this migration did not make; left "
                f"there ({source} → {pair.target}/{wanted} would hold it: move it with set_registered_model_alias)",
            )
            continue
        guarded(
            f"set alias {alias} of {pair.target}",
            partial(client.set_registered_model_alias, pair.target, alias, str(wanted)),
        )
        log.add(
            "restored", f"{pair.target}: alias {alias} -> version {wanted} ({source_uri(pair.source, source_number)})"
        )
