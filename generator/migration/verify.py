"""Check every moved version against its source: one report line per version, clean only when all match.

Per version: exactly one finished copy (found by its provenance tag), the same files with the same
sha256, a signature with inputs and outputs, the source's tags and description, and the alias its
stage maps to. Per model: the source's tags and description. Files are downloaded only when no clean record of
the version (:mod:`.verified`) holds with both sides unchanged since.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from generator.migration.inventory import READY, ModelInventory, SourceVersion, source_uri
from generator.migration.model_files import signature_problem
from generator.migration.registries import Registries, guarded
from generator.migration.verified import VerificationRecords, Verified


@dataclass(frozen=True)
class VersionCheck:
    """The verdict on one source version (or, with ``version`` 0, on the model itself)."""

    environment: str
    #: The source version's number; 0 for the check of the model itself.
    version: int
    source: str
    target: str
    target_version: int | None
    files: int
    alias: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether everything matched."""
        return not self.problems


@dataclass(frozen=True)
class Verification:
    """Every check, in the manifests' model order and version order."""

    checks: tuple[VersionCheck, ...]

    @property
    def clean(self) -> bool:
        """Whether every version and model matched."""
        return all(check.ok for check in self.checks)


def verify(
    registries: Registries, inventories: list[ModelInventory], jobs: int, records: VerificationRecords
) -> Verification:
    """Check every version of every model, ``jobs`` versions at a time; files are downloaded only for versions that
    ``records`` has no clean check of with both sides unchanged since, and a source version whose files' sha256
    ``records`` holds (from its copy) is not downloaded again (the records are updated and saved)."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        per_model = []
        for inventory in inventories:
            aliases = inventory.aliases_to_set()
            per_model.append(
                (
                    _model_check(inventory),
                    [
                        pool.submit(
                            _verify_version, registries, inventory, version, aliases.get(version.number, ""), records
                        )
                        for version in inventory.versions
                    ],
                )
            )
        checks = [check for model, versions in per_model for check in (model, *(v.result() for v in versions))]
    records.save()
    return Verification(tuple(checks))


def _model_check(inventory: ModelInventory) -> VersionCheck:
    """The check of the model itself: it exists, and has the source's tags and description."""
    pair = inventory.pair
    problems = []
    if inventory.source_exists and not inventory.target_exists:
        problems.append(f"{pair.target} does not exist")
    for key, value in sorted(inventory.source_tags.items()):
        if inventory.target_tags.get(key) != value:
            problems.append(f"model tag {key}: {inventory.target_tags.get(key)!r}, source {value!r}")
    if inventory.source_description and inventory.target_description != inventory.source_description:
        problems.append(f"model description differs from the source's (set it in {pair.declared_at} and apply)")
    model_uri = f"models:/{pair.source}" if inventory.source_exists else f"{pair.source} (not in the source)"
    return VersionCheck(pair.environment, 0, model_uri, pair.target, None, 0, "", tuple(problems))


def _verify_version(
    registries: Registries, inventory: ModelInventory, version: SourceVersion, alias: str, records: VerificationRecords
) -> VersionCheck:
    pair = inventory.pair
    uri = source_uri(pair.source, version.number)
    copies = inventory.copies_of(version.number)
    ready = [copy for copy in copies if copy.status == READY]
    problems: list[str] = []
    if not copies:
        problems.append("not copied" + (f": {version.signature_problem}" if version.signature_problem else ""))
    elif not ready:
        problems.append(f"copy unfinished (version {copies[0].number} is {copies[0].status})")
    elif len(copies) > 1:
        problems.append(f"{len(copies)} copies: versions {', '.join(str(c.number) for c in copies)}")
    if len(ready) != 1:
        return VersionCheck(
            pair.environment, version.number, uri, pair.target, None, version.files, alias, tuple(problems)
        )
    copy = ready[0]
    target_uri = source_uri(pair.target, copy.number)
    target_registry = registries.uris.target_for(pair.environment)
    recorded = records.checksums(uri, version.fingerprint, copy.fingerprint)
    if recorded is not None:  # checked clean before, and neither side changed since: nothing to download
        source_sums, target_sums, mlmodel = recorded, recorded, None
    else:
        source_sums = records.source_checksums(uri, version.fingerprint) or guarded(
            f"download {uri}", lambda: registries.checksums(uri, registries.uris.source)[0]
        )
        target_sums, mlmodel = guarded(
            f"download {target_uri}", lambda: registries.checksums(target_uri, target_registry)
        )
    missing = sorted(set(source_sums) - set(target_sums))
    extra = sorted(set(target_sums) - set(source_sums))
    changed = sorted(path for path in set(source_sums) & set(target_sums) if source_sums[path] != target_sums[path])
    for what, paths in (("missing files", missing), ("extra files", extra), ("files differ", changed)):
        if paths:
            problems.append(f"{what}: {', '.join(paths[:5])}{' ...' if len(paths) > 5 else ''}")
    if recorded is None:
        problem = "no MLmodel file" if mlmodel is None else signature_problem(mlmodel)[0]
        if problem:
            problems.append(f"signature: {problem}")
        # A clean check of the files and the signature is recorded with both fingerprints; otherwise only what the
        # source's files are, so that the next run checks the copy again (and downloads only the copy).
        target = "" if problems else copy.fingerprint
        records.remember(uri, Verified(version.fingerprint, target, version.facts, source_sums))
    for key, value in sorted(version.tags.items()):
        if copy.tags.get(key) != value:
            problems.append(f"tag {key}: {copy.tags.get(key)!r}, source {value!r}")
    if copy.description != version.description:
        problems.append("description differs from the source's")
    if alias and inventory.target_aliases.get(alias) != copy.number:
        problems.append(f"alias {alias} is on version {inventory.target_aliases.get(alias)}, not {copy.number}")
    return VersionCheck(
        pair.environment, version.number, uri, pair.target, copy.number, len(target_sums), alias, tuple(problems)
    )
