"""Property-based tests over random Unity Catalog manifests: the DESIGN.md section 7 invariants, determinism."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.model.checked import load_and_check
from generator.model.effective_access import effective_access
from generator.model.policy import check_policy
from generator.render.generated import render_files
from tests.unit.test_properties import PROPERTY_SETTINGS, workspaces

SQUATTING = {"CREATE_MODEL", "CREATE_FUNCTION", "ALL_PRIVILEGES", "MANAGE"}
READER_PRIVILEGE = {"catalog": "USE_CATALOG", "schema": "USE_SCHEMA", "registered_model": "EXECUTE"}
GROUP_PRIVILEGE = {"catalog": "USE_CATALOG", "schema": "USE_SCHEMA", "registered_model": "OWNER"}


@st.composite
def unity_catalog_settings(draw) -> dict[str, object]:
    """``workspace.yaml`` of a Unity Catalog workspace, valid by construction."""
    settings: dict[str, object] = {
        "registry": "unity_catalog",
        "identities": draw(st.sampled_from(["account", "external"])),
        "workspace_id": draw(st.integers(1, 2**53)),
        "unity_catalog": {
            "catalog_name_pattern": draw(st.sampled_from(["ml_{env}", "{env}", "{env}_models", "team_{env}_ml"])),
            "schema": draw(st.sampled_from(["models", "ml", "registry_v2"])),
            "manage_catalogs": draw(st.booleans()),
        },
    }
    if draw(st.booleans()):
        settings["unity_catalog"]["owner_group"] = "ml-platform"  # type: ignore[index]
    if draw(st.booleans()):
        settings["terraform_identity"] = {"application_id": str(draw(st.uuids().filter(lambda u: u.int != 0)))}
    return settings


def _unity_catalog_names(manifests: dict[str, dict]) -> dict[str, dict]:
    """Unity Catalog names hold no '-': the same random manifests with '_' instead, less the models that the
    renaming makes end in an environment's suffix (``a-a0`` becomes ``a_a0``: refused, unambiguous-model-name)."""
    suffixes = tuple(f"_{name}" for name in manifests)
    for manifest in manifests.values():
        renamed = []
        for entry in manifest["models"]:
            if isinstance(entry, str):
                renamed.append(entry.replace("-", "_"))
            else:
                renamed.append({**entry, "name": entry["name"].replace("-", "_")})
        unique = {(entry if isinstance(entry, str) else entry["name"]): entry for entry in renamed}
        manifest["models"] = [entry for name, entry in unique.items() if not name.endswith(suffixes)]
    return manifests


def _write(root: Path, settings: dict[str, object], manifests: dict[str, dict]) -> None:
    (root / "environments").mkdir(parents=True)
    (root / "environments" / "workspace.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    for name, data in manifests.items():
        (root / "environments" / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@PROPERTY_SETTINGS
@given(workspaces(), unity_catalog_settings())
def test_unity_catalog_manifests_keep_the_design_invariants(manifests, settings):
    manifests = _unity_catalog_names(manifests)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        _write(root, settings, manifests)
        checked = load_and_check(root)
        first = render_files(checked)
        second = render_files(load_and_check(root))
    assert first == second
    model = checked.model
    assert check_policy(model) == []
    catalogs = [facts.catalog for facts in model.environments.values()]
    assert len(set(catalogs)) == len(catalogs)
    for name, facts in model.environments.items():
        assert model.registry.name == "unity_catalog" and facts.schema.startswith(f"{facts.catalog}.")
        for full_name in facts.models:
            owners = [
                grant for grant in model.on_object("registered_model", full_name) if grant.permission_level == "OWNER"
            ]
            assert [(owner.principal, owner.implicit) for owner in owners] == [(facts.group, False)]
        assert len(facts.models) == len(manifests[name]["models"])
    for grant in model.grants:
        facts = model.environments[grant.environment]
        if grant.object_type not in READER_PRIVILEGE or grant.implicit:
            continue
        if grant.permission_level == "OWNER" and grant.object_type != "registered_model":
            assert grant.principal == facts.container_owner == "ml-platform"
        elif grant.principal == facts.group:
            assert grant.permission_level == GROUP_PRIVILEGE[grant.object_type]
        else:  # a reader: never an environment group, only what reading needs
            assert not grant.principal.startswith("apps_")
            assert grant.permission_level == READER_PRIVILEGE[grant.object_type]
        if facts.production and grant.object_type in ("catalog", "schema"):
            assert grant.permission_level not in SQUATTING
    principal_environment = {
        principal: name for name, facts in model.environments.items() for principal in (*facts.principals, facts.group)
    }
    for reach in effective_access(model):
        home = principal_environment.get(reach.principal)
        assert home is None or reach.environment == home, reach
