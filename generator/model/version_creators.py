"""Who made the versions of a production model: every version must come from the production environment's own
principals (the identity that runs its jobs), and every alias must point at such a version; anything else is drift,
except the versions ``environments/audit/accepted_versions.yaml`` accepts. Pure: the readers pass what the registry
says."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.model.drift import FOREIGN_VERSION, Finding
from generator.model.grants import REGISTERED_MODEL
from generator.model.permission_model import EnvironmentFacts, PermissionModel


def version_creator_findings(
    model: PermissionModel,
    facts: EnvironmentFacts,
    name: str,
    creators: Mapping[str, str],
    aliases: Mapping[str, Sequence[str]],
) -> list[Finding]:
    """A finding for each version of the production model ``name`` (``creators``: version -> who created it) that
    none of the environment's principals created and the accepted versions do not list, naming the aliases on it
    (``aliases``: version -> alias names)."""
    own = {principal.lower() for principal in facts.principals}
    findings = []
    for version, creator in sorted(creators.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 0):
        if creator.lower() in own or (name, version) in model.accepted_versions:
            continue
        held = aliases.get(version, ())
        findings.append(
            Finding(
                facts.name,
                REGISTERED_MODEL,
                name,
                FOREIGN_VERSION,
                expected=", ".join(sorted(facts.principals)) or "the environment's principals",
                actual=creator or "unknown",
                detail=f"version {version} was created by {creator or 'an unknown principal'}, not by the production "
                "environment's principal"
                + (f"; alias {', '.join(sorted(held))} points at it" if held else "")
                + "; if it is meant to stay, list it with a reason in environments/audit/accepted_versions.yaml",
            )
        )
    return findings
