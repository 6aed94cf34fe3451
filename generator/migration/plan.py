"""The migration's plan: what happens to every version (copy, done, redo, or cannot move and why), which version
gets each alias and why, and the notes a reviewer reads before the copy."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.migration.inventory import (
    BLOCKED,
    COPY,
    DONE,
    READY,
    REDO,
    ModelInventory,
    SourceVersion,
    source_uri,
)


@dataclass(frozen=True)
class VersionMove:
    """The plan for one source version."""

    environment: str
    source: str
    target: str
    stage: str
    alias: str
    action: str
    reason: str
    rule: str
    target_version: int | None
    version: SourceVersion


@dataclass
class MigrationPlan:
    """Every version's move, plus model-level notes (descriptions, refused aliases, missing targets)."""

    inventories: list[ModelInventory]
    moves: list[VersionMove] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> list[VersionMove]:
        """The versions that cannot move."""
        return [move for move in self.moves if move.action == BLOCKED]


def plan_migration(inventories: list[ModelInventory]) -> MigrationPlan:
    """What happens to every version, and the model-level notes."""
    plan = MigrationPlan(inventories)
    for inventory in inventories:
        pair = inventory.pair
        if not inventory.source_exists:
            plan.notes.append(f"{pair.source}: not in the Workspace Model Registry; nothing to move")
        if inventory.source_exists and inventory.source_description != pair.manifest_description:
            plan.notes.append(
                f"{pair.target}: the model description comes from the manifest ({pair.declared_at}), and Terraform "
                f"sets it; the source's is {inventory.source_description!r}: put it in the manifest as "
                "description: to keep it"
            )
        expected = inventory.expected_aliases()
        for alias, number in sorted(expected.items()):
            if not pair.may_hold(alias):
                plan.notes.append(
                    f"{pair.target}: [production-alias-outside-production] version {number} is in stage "
                    f"{_stage_of(inventory, number)} in the Workspace Model Registry, but alias {alias!r} is for "
                    f"production environments only; it is copied without the alias"
                )
        aliases = inventory.aliases_to_set()
        plan.notes += _alias_notes(inventory, aliases)
        held = _held_elsewhere(inventory)
        for version in inventory.versions:
            alias = aliases.get(version.number, "")
            plan.moves.append(_move(inventory, version, "" if alias in held else alias))
    return plan


def _held_elsewhere(inventory: ModelInventory) -> dict[str, int]:
    """The aliases the target model gives to versions this migration did not make (a copy keeps its source's
    provenance tag): the copy leaves them where they are."""
    migrated = {version.number for version in inventory.target_versions if version.provenance}
    return {alias: number for alias, number in inventory.target_aliases.items() if number not in migrated}


def _alias_notes(inventory: ModelInventory, aliases: dict[int, str]) -> list[str]:
    """Every alias decision that is not simply "the newest version of its stage": an older version because the
    newer cannot move, none because no version of the stage can, or none because the target's alias is held by a
    version this migration did not make."""
    pair = inventory.pair
    notes = []
    held = _held_elsewhere(inventory)
    chosen = {alias: number for number, alias in aliases.items()}
    for stage in ("Production", "Staging"):
        alias = pair.alias_for(stage)
        in_stage = [version.number for version in inventory.versions if version.stage == stage]
        if not alias or not in_stage or not pair.may_hold(alias):
            continue
        newest, number = max(in_stage), chosen.get(alias)
        if number is None:
            notes.append(
                f"{pair.target}: [alias-unassigned] no version gets {alias}: no {stage} version of {pair.source} can "
                "move (see why in the table)"
            )
            continue
        source = f"{source_uri(pair.source, number)} → {pair.target}"
        if number != newest:
            notes.append(
                f"{pair.target}: [alias-on-older-version] {alias} goes to {source}, not to "
                f"{source_uri(pair.source, newest)}, the newest {stage} version, which cannot move"
            )
        if alias in held:
            notes.append(
                f"{pair.target}: [alias-held] {alias} is on {pair.target}/{held[alias]}, which this migration did "
                f"not make: it stays there, and {source} is copied without it (move it with "
                "set_registered_model_alias when that is intended)"
            )
    return notes


def _move(inventory: ModelInventory, version: SourceVersion, alias: str) -> VersionMove:
    pair = inventory.pair
    uri = source_uri(pair.source, version.number)
    copies = inventory.copies_of(version.number)
    ready = [copy for copy in copies if copy.status == READY]
    action, reason, rule, target_version = COPY, "", "", None
    if ready:
        action, target_version = DONE, ready[0].number
        reason = f"copied before as version {target_version}"
    elif copies:
        action, reason = REDO, f"an interrupted copy (version {copies[0].number}, {copies[0].status}) is made again"
    elif not inventory.target_exists:
        action, rule = BLOCKED, "target-model-missing"
        reason = f"{pair.target} does not exist: run mlenv apply first (Terraform creates it, owned by the group)"
    elif version.missing_files:
        action, rule = BLOCKED, "source-files-missing"
        reason = (
            f"{version.missing_files}: restore the artifacts of its run ({version.run_id or 'unknown'}) where the "
            "version's source points, or log the model again and register it as a new version"
        )
    elif version.signature_problem:
        action, rule = BLOCKED, "uc-signature-required"
        reason = version.signature_problem + (
            "; the version logged an input example: derive one with mlflow.models.infer_signature(example, "
            "model.predict(example)) and log a new version with signature="
            if version.has_input_example
            else "; log a new version with signature=mlflow.models.infer_signature(inputs, predictions)"
        )
    return VersionMove(
        pair.environment, uri, pair.target, version.stage, alias, action, reason, rule, target_version, version
    )


def _stage_of(inventory: ModelInventory, number: int) -> str:
    return next(version.stage for version in inventory.versions if version.number == number)
