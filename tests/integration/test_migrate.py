"""``mlenv migrate``: Workspace Model Registry versions into Unity Catalog, through MLflow's real stores.

Source: a real MLflow server (the Workspace Model Registry's REST API) with 3 environments x 3 models x
4 versions (stages, tags, descriptions). Target: the Unity Catalog stand-in (models as Terraform leaves
them, owned by each environment's group; MLflow's UC registry API, ownership enforced) with moto's S3
server for the files. mlenv runs as each environment's service principal (``databricks-uc://{env}``, one
Databricks profile per environment); MLflow's Unity Catalog store creates each version, uploads its files
from the source and finalizes it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from typing import Any

import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from env_mlflow_client.testing import start_server
from tests.support.migration_source import add_models, register
from tests.support.repository import unity_catalog_repository
from tests.support.stand_in import unthrottled
from tests.support.uc_registry_server import profiles, running

pytestmark = [
    pytest.mark.mlflow_server,
    pytest.mark.filterwarnings("ignore:.*transition_model_version_stage:FutureWarning"),
]
ENVIRONMENTS = ("acc", "preprod", "prod")
MODELS = ("churn", "fraud", "uplift")
#: Stages of versions 1-4: the newest Production version becomes champion, the newest Staging one challenger.
STAGES = {
    "prod": ("Archived", "Production", "Production", "Staging"),
    "preprod": ("None", "Staging", "Staging", "Archived"),
    # Production outside production (a legacy version): copied, but champion is refused there.
    "acc": ("None", "Staging", "Production", "Staging"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict[str, Any]:
    """Both registries populated, the repository and the environment variables mlenv runs with."""
    base = tmp_path_factory.mktemp("migrate")
    repository = unthrottled(unity_catalog_repository(base / "repository"))  # the pacing: tests/unit/test_pacing.py
    add_models(repository, ENVIRONMENTS, ("uplift",))
    server = start_server(base / "mlflow")
    source = MlflowClient(tracking_uri=server.uri, registry_uri=server.uri)
    for environment in ENVIRONMENTS:
        for model in MODELS:
            name = f"{model}_{environment}"
            source.create_registered_model(
                name, tags={"owner": f"team-{environment}"}, description="Fraud scoring" if model == "fraud" else ""
            )
            for number, stage in enumerate(STAGES[environment], start=1):
                register(source, base / "models", name, number, stage)
    with running(base / "uc", repository=repository) as ready:
        config = profiles(ready, base / "databrickscfg")
        variables = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "MLFLOW_"))},
            "DATABRICKS_CONFIG_FILE": str(config),
            "MLFLOW_S3_ENDPOINT_URL": ready["s3_endpoint"],
        }
        yield {
            "repository": repository,
            "source": source,
            "server": server,
            "ready": ready,
            "env": variables,
            "scratch": base,
        }
    server.stop()


def migrate_command(world: dict[str, Any], *arguments: str, target: str = "databricks-uc://{env}") -> list[str]:
    """``mlenv migrate ARGUMENTS`` from the world's source to ``target`` (default: each environment's principal)."""
    uri = world["server"].uri
    registries = ["--source-registry-uri", uri, "--tracking-uri", uri, "--target-registry-uri", target]
    return [
        sys.executable,
        "-m",
        "generator",
        "--repository",
        str(world["repository"]),
        "migrate",
        *registries,
        *arguments,
    ]


def migrate(
    world: dict[str, Any], *arguments: str, target: str = "databricks-uc://{env}"
) -> subprocess.CompletedProcess[str]:
    """``mlenv migrate`` in a new process (see :func:`migrate_command`)."""
    return subprocess.run(
        migrate_command(world, *arguments, target=target),
        capture_output=True,
        text=True,
        env=world["env"],
        check=False,
        timeout=900,
    )


def target_versions(world: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every version of every target model as its owner sees it: number, status and tags."""
    found = {}
    for environment in ENVIRONMENTS:
        for model in MODELS:
            name = f"ml_{environment}.models.{model}"
            query = urllib.parse.urlencode({"filter": f"name='{name}'"})
            request = urllib.request.Request(
                f"{world['ready']['host']}/api/2.0/mlflow/unity-catalog/model-versions/search?{query}",
                headers={"Authorization": f"Bearer {world['ready']['tokens'][environment]}"},
            )
            with urllib.request.urlopen(request) as answer:
                found[name] = json.loads(answer.read()).get("model_versions", [])
    return found


def test_the_plan_lists_every_version_and_where_it_goes(world):
    result = migrate(world, "dry-run", "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    moves = plan["moves"]
    assert len(moves) == 36
    assert {move["action"] for move in moves} == {"copy"}
    first = next(move for move in moves if move["source"] == "models:/churn_prod/2")
    assert first["target"] == "ml_prod.models.churn"
    assert first["stage"] == "Production"
    assert first["signature"] is True
    assert first["tags"] == {"team": "prod", "version": "2"}
    assert first["description"] == "version 2 of churn_prod"
    assert first["files"] == 2
    aliases = {move["source"]: move["alias"] for move in moves if move["alias"]}
    assert aliases["models:/churn_prod/3"] == "champion"
    assert aliases["models:/churn_prod/4"] == "challenger"
    assert "models:/churn_prod/2" not in aliases
    assert aliases["models:/churn_acc/4"] == "challenger"
    assert "models:/churn_acc/3" not in aliases  # champion is for production only
    assert any(
        "production-alias-outside-production" in note and "ml_acc.models.churn" in note for note in plan["notes"]
    )
    table = migrate(world, "dry-run")
    assert table.returncode == 0
    assert "36 versions of 9 models: 36 to copy" in table.stdout
    assert target_versions(world)["ml_prod.models.churn"] == []  # a dry run changes nothing


def test_a_principal_that_does_not_own_the_models_is_refused(world):
    result = migrate(world, "--env", "prod", target="databricks-uc://acc")
    assert result.returncode == 3, result.stdout + result.stderr  # refused credentials: exit 3 in every command
    assert "uc-owner-creates-versions" in result.stderr
    assert "Traceback" not in result.stderr
    assert target_versions(world)["ml_prod.models.churn"] == []


def test_an_interrupted_migration_resumes_and_copies_each_version_once(world):
    # A copy an earlier run left half made: created (with its provenance tag), files never finalized.
    body = json.dumps(
        {
            "name": "ml_preprod.models.fraud",
            "source": "models:/fraud_preprod/1",
            "tags": [{"key": "mlenv.migrated_from", "value": "models:/fraud_preprod/1"}],
        }
    ).encode()
    request = urllib.request.Request(
        f"{world['ready']['host']}/api/2.0/mlflow/unity-catalog/model-versions/create",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {world['ready']['tokens']['preprod']}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read())["model_version"]["status"] == "PENDING_REGISTRATION"

    errors = (world["scratch"] / "interrupted.err").open("w+")  # a file, not a pipe nobody reads while it runs
    process = subprocess.Popen(
        migrate_command(world, "--jobs", "1"),
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        env={**world["env"], "MLENV_DEBUG": "1"},
        start_new_session=True,
    )
    copied = 0
    assert process.stdout is not None
    for line in process.stdout:
        copied += line.startswith("copied:")
        if copied == 10:
            os.killpg(process.pid, signal.SIGKILL)  # the runner dies: no cleanup, no goodbye
            break
    process.wait(timeout=60)
    errors.seek(0)
    assert process.returncode == -signal.SIGKILL, f"the migration ended before the kill: {errors.read()}"
    errors.close()
    half = target_versions(world)
    assert 10 <= sum(len(versions) for versions in half.values()) < 36

    resumed = migrate(world)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "verified 36 versions and 9 models: all match" in resumed.stdout
    # the plan reads each source version's MLmodel (the killed run saved no record), the verification downloads
    # every copy, and a source version's files only when the killed run copied it: the resumed run's copies
    # recorded the sha256 of the files they uploaded (before, every source was downloaded again: 72 versions)
    counts = re.search(r"verification: (\d+) downloads of a whole version, (\d+) MLmodel files read", resumed.stderr)
    copied_before = sum(len(versions) for versions in half.values())
    assert counts and 36 <= int(counts[1]) <= 36 + copied_before < 72, resumed.stderr
    assert int(counts[2]) >= 36, "the plan read every source version's MLmodel"
    after = target_versions(world)
    for name, versions in after.items():
        sources = [next(t["value"] for t in v["tags"] if t["key"] == "mlenv.migrated_from") for v in versions]
        assert len(sources) == len(set(sources)) == 4, (name, sources)  # each version exactly once
        by_number = {int(version["version"]): source for version, source in zip(versions, sources, strict=True)}
        in_target_order = [by_number[number] for number in sorted(by_number)]
        assert in_target_order == sorted(sources), f"{name}: created out of the source's order: {in_target_order}"
        assert {v["status"] for v in versions} == {"READY"}
    report = json.loads((world["repository"] / "permissions/migration/verification.json").read_text())
    assert report["clean"] is True
    assert len([check for check in report["checks"] if check["target_version"]]) == 36
    assert (world["repository"] / "permissions/migration/verification.md").read_text().count("| ok |") == 45


def test_what_a_bare_copy_drops_is_restored(world, monkeypatch):
    for name in [name for name in os.environ if name.startswith("DATABRICKS_")]:
        monkeypatch.delenv(name)  # only the profiles: the owner's credentials
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", world["env"]["DATABRICKS_CONFIG_FILE"])
    owner = MlflowClient(tracking_uri=world["server"].uri, registry_uri="databricks-uc://prod")
    model = owner.get_registered_model("ml_prod.models.churn")
    found = owner.search_model_versions("name='ml_prod.models.churn'")  # without tags in Unity Catalog
    every = [owner.get_model_version("ml_prod.models.churn", v.version) for v in found]
    copies = {version.tags["mlenv.migrated_from"]: version for version in every}
    assert model.tags["owner"] == "team-prod"
    assert model.aliases["champion"] == copies["models:/churn_prod/3"].version
    assert model.aliases["challenger"] == copies["models:/churn_prod/4"].version
    two = copies["models:/churn_prod/2"]
    assert two.description == "version 2 of churn_prod"
    assert two.tags["team"] == "prod"
    assert two.source == "models:/churn_prod/2"


def test_a_second_run_copies_nothing(world):
    again = migrate(world)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "copied:" not in again.stdout
    assert "0 to copy, 36 copied before" in again.stdout
    assert "verification: 0 downloads of a whole version, 0 MLmodel files read" in again.stderr, (
        "nothing changed since the first run's clean checks"
    )
    full = migrate(world, "verify", "--full")
    downloads = re.search(r"verification: (\d+) downloads of a whole version", full.stderr)
    assert full.returncode == 0 and downloads and int(downloads[1]) == 2 * 36, full.stderr


def test_the_archive_is_deleted_only_after_a_clean_verification_and_production_only_with_consent(world):
    refused = migrate(world, "delete-archive")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "[production-archive] churn_prod, fraud_prod, uplift_prod" in refused.stderr
    assert world["source"].get_registered_model("churn_acc").name == "churn_acc"  # nothing was deleted
    deleted = migrate(world, "delete-archive", "--env", "preprod")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert "deleted churn_preprod (4 versions, each verified in ml_preprod.models.churn)" in deleted.stdout
    with pytest.raises(MlflowException):
        world["source"].get_registered_model("churn_preprod")
    assert len(target_versions(world)["ml_preprod.models.churn"]) == 4  # the copies stay


def test_a_version_without_signature_cannot_move_and_says_how_to_fix_it(world):
    register(world["source"], world["scratch"] / "unsigned", "uplift_acc", 5, "Staging", signed=False)
    plan = migrate(world, "dry-run", "--env", "acc", "--format", "json")
    assert plan.returncode == 1
    blocked = [move for move in json.loads(plan.stdout)["moves"] if move["action"] == "cannot move"]
    assert [move["source"] for move in blocked] == ["models:/uplift_acc/5"]
    assert blocked[0]["rule"] == "uc-signature-required"
    assert "infer_signature" in blocked[0]["reason"]
    copy = migrate(world, "--env", "acc")
    assert copy.returncode == 1
    assert "not copied: it has no signature" in copy.stdout
    keep = migrate(world, "delete-archive", "--env", "acc")
    assert keep.returncode == 4 and "[archive-unverified]" in keep.stderr
    assert world["source"].get_registered_model("uplift_acc").name == "uplift_acc"
