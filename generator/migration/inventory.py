"""What each managed model holds in both registries (:mod:`.plan` makes the plan from it).

A copied version carries the tag :data:`PROVENANCE_TAG` (``models:/churn_prod/7``), set in the same
request that creates it, so a version found in Unity Catalog is matched to its source by that tag
alone: a second run skips it, and one left half-made by an interrupted run is made again.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from generator.migration.model_files import absent_files, signature_problem
from generator.migration.pairs import ModelPair
from generator.migration.registries import NOT_FOUND, Registries, error_code, guarded
from generator.migration.verified import (
    SOURCE_FIELDS,
    TARGET_FIELDS,
    SourceFacts,
    VerificationRecords,
    Verified,
    fingerprint,
)

#: The tag on every copied version naming its source version.
PROVENANCE_TAG = "mlenv.migrated_from"
#: Unity Catalog's state of a version whose files are all uploaded.
READY = "READY"

COPY, DONE, REDO, BLOCKED = "copy", "done", "redo", "cannot move"


def source_uri(name: str, version: int | str) -> str:
    """``models:/churn_prod/7``."""
    return f"models:/{name}/{version}"


@dataclass(frozen=True)
class SourceVersion:
    """One version in the Workspace Model Registry."""

    number: int
    stage: str
    description: str
    tags: Mapping[str, str]
    run_id: str
    #: Why Unity Catalog would refuse the version's signature (``""`` when it has inputs and outputs, or when its
    #: ``MLmodel`` file is missing: :attr:`missing_files` says so).
    signature_problem: str
    has_input_example: bool
    files: int
    size: int
    #: The files the version lacks (``MLmodel`` itself, or files its ``MLmodel`` names), ``""`` when none.
    missing_files: str = ""
    #: What the registry says about it that changes when it may have (:func:`.verified.fingerprint`).
    fingerprint: str = ""

    @property
    def facts(self) -> SourceFacts:
        """What its files say, as a verification record keeps it."""
        return SourceFacts(self.files, self.size, self.signature_problem, self.has_input_example, self.missing_files)


@dataclass(frozen=True)
class TargetVersion:
    """One version of the Unity Catalog model."""

    number: int
    status: str
    provenance: str
    description: str
    tags: Mapping[str, str]
    #: What the registry says about it that changes when it may have (:func:`.verified.fingerprint`).
    fingerprint: str = ""


@dataclass(frozen=True)
class ModelInventory:
    """Both sides of one :class:`ModelPair`."""

    pair: ModelPair
    source_exists: bool
    source_description: str
    source_tags: Mapping[str, str]
    versions: tuple[SourceVersion, ...]
    target_exists: bool
    target_description: str
    target_tags: Mapping[str, str]
    target_versions: tuple[TargetVersion, ...]
    target_aliases: Mapping[str, int]

    def copies_of(self, number: int) -> list[TargetVersion]:
        """The target versions made from source version ``number``, oldest first."""
        wanted = source_uri(self.pair.source, number)
        return [version for version in self.target_versions if version.provenance == wanted]

    def expected_aliases(self) -> dict[str, int]:
        """Alias -> source version: the newest version of each stage that has an alias (stage -> alias mapping)
        and that can move."""
        expected: dict[str, int] = {}
        for version in sorted(self.versions, key=lambda v: v.number):
            alias = self.pair.alias_for(version.stage)
            if alias and not version.signature_problem and not version.missing_files:
                expected[alias] = version.number
        return expected

    def aliases_to_set(self) -> dict[int, str]:
        """Source version -> the alias its copy gets: :meth:`expected_aliases` that this environment may hold
        (``champion`` only in production)."""
        return {number: alias for alias, number in self.expected_aliases().items() if self.pair.may_hold(alias)}


def read_inventories(
    registries: Registries, pairs: list[ModelPair], jobs: int, records: VerificationRecords
) -> list[ModelInventory]:
    """Read both registries for every pair, ``jobs`` models at a time; the result keeps the pairs' order."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda pair: read_inventory(registries, pair, records), pairs))


def read_inventory(registries: Registries, pair: ModelPair, records: VerificationRecords) -> ModelInventory:
    """Both sides of ``pair``: the source model and its versions (what their files say comes from ``records``
    while a version is unchanged), the target model and its versions."""
    source = registries.source
    model = _get_or_none(
        f"read {pair.source} in the Workspace Model Registry", lambda: source.get_registered_model(pair.source)
    )
    versions: tuple[SourceVersion, ...] = ()
    if model is not None:
        found = guarded(
            f"list the versions of {pair.source}",
            lambda: source.search_model_versions(f"name='{pair.source}'"),
        )
        versions = tuple(sorted((_source_version(registries, pair, v, records) for v in found), key=lambda v: v.number))
    target = registries.target(pair.environment)
    uc_model = _get_or_none(f"read {pair.target} in Unity Catalog", lambda: target.get_registered_model(pair.target))
    target_versions: tuple[TargetVersion, ...] = ()
    if uc_model is not None:
        found = guarded(
            f"list the versions of {pair.target}", lambda: target.search_model_versions(f"name='{pair.target}'")
        )
        # Unity Catalog's search answers without tags: each version is read for them.
        numbers = sorted(int(version.version) for version in found)
        target_versions = tuple(
            _target_version(
                guarded(
                    f"read {pair.target} version {number}",
                    partial(target.get_model_version, pair.target, str(number)),
                )
            )
            for number in numbers
        )
    return ModelInventory(
        pair=pair,
        source_exists=model is not None,
        source_description=(model.description or "") if model is not None else "",
        source_tags=dict(model.tags or {}) if model is not None else {},
        versions=versions,
        target_exists=uc_model is not None,
        target_description=(uc_model.description or "") if uc_model is not None else "",
        target_tags=dict(uc_model.tags or {}) if uc_model is not None else {},
        target_versions=target_versions,
        target_aliases={alias: int(number) for alias, number in (getattr(uc_model, "aliases", None) or {}).items()},
    )


def _get_or_none(what: str, call: Any) -> Any:
    """``call()``, or ``None`` when the registry says the model does not exist."""

    def attempt() -> Any:
        try:
            return call()
        except Exception as error:
            if error_code(error) == NOT_FOUND:
                return None
            raise

    return guarded(what, attempt)


def _source_version(
    registries: Registries, pair: ModelPair, version: Any, records: VerificationRecords
) -> SourceVersion:
    uri = source_uri(pair.source, version.version)
    marks = fingerprint(version, *SOURCE_FIELDS)
    facts = records.source_facts(uri, marks)
    if facts is None:
        facts = _source_facts(registries, uri)
        records.remember(uri, Verified(marks, "", facts, {}))  # what its files say; no copy checked yet
    return SourceVersion(
        number=int(version.version),
        stage=str(version.current_stage or "None"),
        description=version.description or "",
        tags=dict(version.tags or {}),
        run_id=version.run_id or "",
        signature_problem=facts.signature_problem,
        has_input_example=facts.has_input_example,
        files=facts.files,
        size=facts.size,
        missing_files=facts.missing_files,
        fingerprint=marks,
    )


def _source_facts(registries: Registries, uri: str) -> SourceFacts:
    """What the files of source version ``uri`` say: listed, and its ``MLmodel`` read."""
    registry = registries.uris.source
    files = guarded(f"list the files of {uri}", lambda: registries.files(uri, registry))
    problem, example, missing = "", False, "no MLmodel file"
    if "MLmodel" in files:
        text = guarded(f"read {uri}/MLmodel", lambda: registries.read_file(uri, registry, "MLmodel"))
        problem, example = signature_problem(text)
        absent = absent_files(text, files)
        missing = f"files its MLmodel names are missing ({', '.join(absent)})" if absent else ""
    return SourceFacts(len(files), sum(files.values()), problem, example, missing)


def _target_version(version: Any) -> TargetVersion:
    tags = dict(version.tags or {})
    return TargetVersion(
        number=int(version.version),
        status=str(getattr(version, "status", "") or ""),
        provenance=tags.get(PROVENANCE_TAG, ""),
        description=version.description or "",
        tags=tags,
        fingerprint=fingerprint(version, *TARGET_FIELDS),
    )
