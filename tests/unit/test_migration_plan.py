"""The migration's pure parts: source -> target pairs, signatures, the plan (actions, aliases, notes) and its
reports. No registry, no network: inventories are built by hand as the registries would describe them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from generator.migration.inventory import (
    BLOCKED,
    COPY,
    DONE,
    PROVENANCE_TAG,
    REDO,
    ModelInventory,
    SourceVersion,
    TargetVersion,
)
from generator.migration.model_files import absent_files, signature_problem
from generator.migration.pairs import ModelPair, model_pairs
from generator.migration.plan import plan_migration
from generator.migration.report import plan_json, plan_markdown, plan_text
from generator.model.checked import load_and_check
from tests.support.repository import unity_catalog_repository

SIGNED = b'flavors: {}\nsignature:\n  inputs: \'[{"type": "double"}]\'\n  outputs: \'[{"type": "double"}]\'\n'


def test_every_managed_model_pairs_with_its_unity_catalog_name(tmp_path):
    checked = load_and_check(unity_catalog_repository(tmp_path / "repo"))
    pairs = model_pairs(checked)
    assert [(pair.source, pair.target) for pair in pairs if pair.environment == "prod"] == [
        ("churn_prod", "ml_prod.models.churn"),
        ("fraud_prod", "ml_prod.models.fraud"),
    ]
    fraud = next(pair for pair in pairs if pair.source == "fraud_prod")
    assert fraud.production and fraud.manifest_description == "Fraud scoring"
    assert fraud.declared_at.startswith("environments/prod.yaml:")
    assert {pair.environment for pair in model_pairs(checked, ("acc",))} == {"acc"}


def test_migrate_refuses_manifests_still_on_the_workspace_registry_with_exit_2(repo, mlenv):
    result = mlenv("--repository", repo, "migrate", "dry-run", "--source-registry-uri", "http://127.0.0.1:9")
    assert result.code == 2
    assert "environments/workspace.yaml" in result.err and "registry: unity_catalog" in result.err
    assert "Traceback" not in result.err
    assert not (repo / "permissions/migration").exists()


def test_an_unknown_environment_is_invalid_input(tmp_path, mlenv):
    root = unity_catalog_repository(tmp_path / "repo")
    result = mlenv("--repository", root, "migrate", "--env", "qa", "--source-registry-uri", "http://127.0.0.1:9")
    assert result.code == 2
    assert "--env: no environment named 'qa'" in result.err


@pytest.mark.parametrize(
    "mlmodel, problem, example",
    [
        (SIGNED, "", False),
        (b"flavors: {}\n", "it has no signature (Unity Catalog requires inputs and outputs)", False),
        (
            b"signature:\n  inputs: '[1]'\nsaved_input_example_info: {artifact_path: x}\n",
            "its signature has inputs only",
            True,
        ),
        (b"[not a mapping]\n", "its MLmodel file is not a mapping", False),
        (b"a: [unclosed\n", "its MLmodel file is not valid YAML", False),
    ],
)
def test_signature_problems_are_named(mlmodel, problem, example):
    found, has_example = signature_problem(mlmodel)
    assert found.startswith(problem) and bool(found) == bool(problem)
    assert has_example is example


def _version(number: int, stage: str, signed: bool = True) -> SourceVersion:
    return SourceVersion(
        number=number,
        stage=stage,
        description=f"v{number}",
        tags={"k": str(number)},
        run_id=f"run{number}",
        signature_problem="" if signed else "it has no signature",
        has_input_example=not signed,
        files=2,
        size=2048 * number,
    )


def _inventory(
    production: bool, stages: list[str], copies: tuple[TargetVersion, ...] = (), **changes
) -> ModelInventory:
    environment = "prod" if production else "acc"
    pair = ModelPair(environment, production, f"churn_{environment}", f"ml_{environment}.models.churn", "", "x.yaml:3")
    inventory = ModelInventory(
        pair=pair,
        source_exists=True,
        source_description="",
        source_tags={},
        versions=tuple(_version(number, stage) for number, stage in enumerate(stages, start=1)),
        target_exists=True,
        target_description="",
        target_tags={},
        target_versions=copies,
        target_aliases={},
    )
    return replace(inventory, **changes)


def test_the_newest_version_of_each_stage_gets_its_alias():
    plan = plan_migration([_inventory(True, ["Production", "Production", "Staging", "Archived", "Staging"])])
    assert [(move.source, move.alias) for move in plan.moves] == [
        ("models:/churn_prod/1", ""),
        ("models:/churn_prod/2", "champion"),
        ("models:/churn_prod/3", ""),
        ("models:/churn_prod/4", ""),
        ("models:/churn_prod/5", "challenger"),
    ]
    assert {move.action for move in plan.moves} == {COPY}
    assert plan.notes == []


def test_champion_is_refused_outside_production_and_the_note_names_the_rule():
    plan = plan_migration([_inventory(False, ["Staging", "Production"])])
    assert [move.alias for move in plan.moves] == ["challenger", ""]
    assert len(plan.notes) == 1
    assert "[production-alias-outside-production]" in plan.notes[0] and "version 2" in plan.notes[0]


def test_a_rerun_skips_finished_copies_and_remakes_interrupted_ones():
    copies = (
        TargetVersion(1, "READY", "models:/churn_prod/1", "v1", {PROVENANCE_TAG: "models:/churn_prod/1"}),
        TargetVersion(2, "PENDING_REGISTRATION", "models:/churn_prod/2", "", {}),
        TargetVersion(3, "READY", "", "made by a job", {}),
    )
    plan = plan_migration([_inventory(True, ["Production", "Staging", "None"], copies)])
    assert [(move.action, move.target_version) for move in plan.moves] == [(DONE, 1), (REDO, None), (COPY, None)]


def test_files_an_mlmodel_names_are_checked_to_be_there():
    mlmodel = (
        b"flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n    python_model: python_model.pkl\n"
        b"    env: {conda: conda.yaml, virtualenv: python_env.yaml}\n    code: code\n"
        b"  sklearn: {pickled_model: model.pkl}\nsaved_input_example_info: {artifact_path: input_example.json}\n"
    )
    complete = dict.fromkeys(
        [
            "MLmodel",
            "python_model.pkl",
            "conda.yaml",
            "python_env.yaml",
            "code/helpers.py",
            "model.pkl",
            "input_example.json",
        ],
        1,
    )
    assert absent_files(mlmodel, complete) == []
    lost = {name: size for name, size in complete.items() if name not in ("model.pkl", "code/helpers.py")}
    assert absent_files(mlmodel, lost) == ["code", "model.pkl"]


def test_missing_files_are_their_own_rule_with_their_own_fix():
    lost = _inventory(True, ["Production"])
    lost = replace(lost, versions=(replace(lost.versions[0], missing_files="no MLmodel file", signature_problem=""),))
    (move,) = plan_migration([lost]).moves
    assert (move.action, move.rule) == (BLOCKED, "source-files-missing")
    assert "no MLmodel file" in move.reason and "restore the artifacts of its run (run1)" in move.reason
    assert "signature" not in move.reason


def test_an_alias_never_goes_to_a_version_whose_files_are_gone():
    inventory = _inventory(True, ["Production", "Production"])
    newest = replace(inventory.versions[1], missing_files="no MLmodel file")
    inventory = replace(inventory, versions=(inventory.versions[0], newest))
    assert inventory.expected_aliases() == {"champion": 1}, "the older version that can move holds champion"


def test_the_dry_run_says_where_each_alias_goes_when_not_to_the_newest_version():
    inventory = _inventory(True, ["Production", "Production", "Staging"])
    unsigned = replace(inventory.versions[1], signature_problem="it has no signature")
    lost = replace(inventory.versions[2], missing_files="no MLmodel file")
    plan = plan_migration([replace(inventory, versions=(inventory.versions[0], unsigned, lost))])
    assert [(move.source, move.alias) for move in plan.moves] == [
        ("models:/churn_prod/1", "champion"),
        ("models:/churn_prod/2", ""),
        ("models:/churn_prod/3", ""),
    ]
    assert plan.notes == [
        "ml_prod.models.churn: [alias-on-older-version] champion goes to models:/churn_prod/1 → "
        "ml_prod.models.churn, not to models:/churn_prod/2, the newest Production version, which cannot move",
        "ml_prod.models.churn: [alias-unassigned] no version gets challenger: no Staging version of churn_prod "
        "can move (see why in the table)",
    ]


def test_the_dry_run_shows_an_alias_held_by_a_version_this_migration_did_not_make_as_not_moving():
    foreign = TargetVersion(number=9, status="READY", provenance="", description="", tags={})
    plan = plan_migration([_inventory(True, ["Production"], (foreign,), target_aliases={"champion": 9})])
    assert [(move.source, move.alias) for move in plan.moves] == [("models:/churn_prod/1", "")]
    (note,) = plan.notes
    assert note.startswith("ml_prod.models.churn: [alias-held] champion is on ml_prod.models.churn/9")
    assert "models:/churn_prod/1 → ml_prod.models.churn is copied without it" in note


def test_what_cannot_move_says_why_and_how_to_fix_it():
    unsigned = _inventory(True, ["Production"])
    unsigned = replace(unsigned, versions=(replace(unsigned.versions[0], signature_problem="it has no signature"),))
    missing = replace(_inventory(False, ["Staging"]), target_exists=False)
    plan = plan_migration([unsigned, missing])
    assert [(move.action, move.rule) for move in plan.moves] == [
        (BLOCKED, "uc-signature-required"),
        (BLOCKED, "target-model-missing"),
    ]
    assert "infer_signature" in plan.moves[0].reason
    assert "mlenv apply" in plan.moves[1].reason
    assert plan.moves[0].alias == ""  # an unsigned version is never given an alias


def test_a_model_description_that_only_the_source_has_points_at_the_manifest():
    plan = plan_migration([_inventory(True, ["Production"], source_description="Churn scoring")])
    assert len(plan.notes) == 1 and "x.yaml:3" in plan.notes[0] and "'Churn scoring'" in plan.notes[0]


def test_the_reports_carry_the_same_plan_and_are_deterministic():
    plan = plan_migration([_inventory(True, ["Production", "Staging"]), _inventory(False, ["Staging", "Production"])])
    document = json.loads(plan_json(plan))
    assert [move["source"] for move in document["moves"]] == [
        "models:/churn_prod/1",
        "models:/churn_prod/2",
        "models:/churn_acc/1",
        "models:/churn_acc/2",
    ]
    assert document["moves"][1]["tags"] == {"k": "2"} and document["moves"][1]["run_id"] == "run2"
    assert document["moves"][0]["size_bytes"] == 2048 and document["moves"][0]["alias"] == "champion"
    text = plan_text(plan)
    assert "4 versions of 2 models: 4 to copy, 0 copied before, 0 to redo, 0 cannot move" in text
    assert "2.0 KiB" in text
    assert plan_markdown(plan).count("| models:/churn_") == 4
    assert plan_json(plan) == plan_json(plan_migration(plan.inventories))


def _raise(error: Exception):
    def call():
        raise error

    return call


def test_registry_failures_become_refused_credentials_or_unavailability_and_bugs_stay_bugs():
    import botocore.exceptions
    import requests
    from mlflow.exceptions import MlflowException
    from mlflow.protos.databricks_pb2 import PERMISSION_DENIED, TEMPORARILY_UNAVAILABLE

    from generator.errors import CredentialsRefused, ExitCode, Unavailable
    from generator.migration.registries import guarded

    assert CredentialsRefused.exit_code == ExitCode.UNAVAILABLE, "refused credentials: exit 3, as in plan and audit"
    with pytest.raises(CredentialsRefused, match=r"\[uc-owner-creates-versions\] copy x"):
        guarded("copy x", _raise(MlflowException("no", error_code=PERMISSION_DENIED)))
    with pytest.raises(Unavailable, match="rerun mlenv migrate"):
        guarded("copy x", _raise(MlflowException("busy", error_code=TEMPORARILY_UNAVAILABLE)))
    with pytest.raises(Unavailable):
        guarded("copy x", _raise(requests.exceptions.ConnectionError("dropped")))
    with pytest.raises(Unavailable):
        guarded("upload x", _raise(botocore.exceptions.EndpointConnectionError(endpoint_url="http://s3")))
    with pytest.raises(ValueError):
        guarded("copy x", _raise(ValueError("a bug")))
    assert guarded("read x", lambda: 7) == 7
