"""The pipeline templates under ci-templates/: valid against their published schemas, and their shell
steps, run locally in order (tests/support/ci_steps.py), pass in a team's repository against the
Databricks REST stand-in, with the real provider.

The sample repository is a team's clone (tests/support/team_repository.py: this repository's
environments/, modules/, generator/, versions.tf, Makefile, pyproject files and lock, rendered and
committed) with a bare ``origin``. What a runner's set-up would install is stood in for: its
``.venv/bin/mlenv`` and ``.venv/bin/python`` are two-line scripts running this repository's, and
``.venv/.installed`` is newer than the pyproject files and the lock, so ``make setup`` skips pip and only runs
``mlenv toolchain`` (which finds the provider in the cache). ``MLENV_CACHE`` is the real cache, as the templates'
cache step restores it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.model.grants import GROUP, REGISTERED_MODEL
from generator.terraform.toolchain import cache_directory
from tests.support.ci_api import CI_TOKEN, FakeCiApi
from tests.support.ci_steps import (
    JobRun,
    azure_condition,
    azure_stage_runs,
    github_expression,
    run_azure_job,
    run_github_job,
)
from tests.support.repository import REPOSITORY
from tests.support.stand_in import TOKEN, FakeDatabricks, FakeWorkspace
from tests.support.team_repository import add_model, commit, git, stand_in_for_set_up, team_repository

TEMPLATES = REPOSITORY / "ci-templates"
GITHUB = TEMPLATES / "github"
AZURE = TEMPLATES / "azure-pipelines"
_DIFF_STEP = "Changes since the last deployment (mlenv diff)"


# ---------------------------------------------------------------- schemas


def _check_jsonschema(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *map(str, arguments)], capture_output=True, text=True, check=False
    )


_GITHUB_SCHEMAS = (
    ("--builtin-schema", "vendor.github-workflows"),
    ("--builtin-schema", "custom.github-workflows-require-timeout"),
)
_AZURE_SCHEMA = (
    "--builtin-schema",
    "vendor.azure-pipelines",
    "--data-transform",
    "azure-pipelines",
    "--regex-variant",
    "nonunicode",
)


def test_github_workflows_validate_against_the_published_schema(tmp_path):
    workflows = sorted(GITHUB.glob("*.yml"))
    assert [path.name for path in workflows] == ["mlenv-audit.yml", "mlenv-deploy.yml", "mlenv-pull-request.yml"]
    for schema in _GITHUB_SCHEMAS:
        result = _check_jsonschema(*schema, *workflows)
        assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text((GITHUB / "mlenv-audit.yml").read_text().replace("runs-on:", "runs_on:"))
    assert _check_jsonschema(*_GITHUB_SCHEMAS[0], broken).returncode == 1  # the schema does bite


def test_azure_pipelines_validate_against_the_published_schema(tmp_path):
    pipelines = sorted(AZURE.glob("*.yml"))
    assert [path.name for path in pipelines] == ["mlenv-audit.yml", "mlenv-deploy.yml", "mlenv-pull-request.yml"]
    result = _check_jsonschema(*_AZURE_SCHEMA, *pipelines)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text((AZURE / "mlenv-deploy.yml").read_text().replace("deployment: Apply", "deploy: Apply"))
    assert _check_jsonschema(*_AZURE_SCHEMA, broken).returncode == 1


def test_every_template_says_what_it_does_and_what_to_configure():
    for path in [*GITHUB.glob("*.yml"), *AZURE.glob("*.yml")]:
        header = path.read_text().split("\n\n")[0]
        assert header.startswith("# mlenv: "), path
        assert "# What it does" in header, path
        assert "# To use it: copy it" in header, path


# ---------------------------------------------------------------- the sample repository


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A team's clone (tests/support/team_repository.py) with a bare ``origin``, its set-up stood in for."""
    root = team_repository(tmp_path / "team")
    stand_in_for_set_up(root)
    git(tmp_path, "clone", "-q", "--bare", str(root), "origin.git")
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(root, "fetch", "-q", "origin")
    return root


def _fresh_checkout(sample: Path, name: str) -> Path:
    """Another runner's checkout of the same commit, with the set-up stood in for."""
    clone = sample.parent / name
    git(sample.parent, "clone", "-q", str(sample), str(clone))
    git(clone, "checkout", "-q", git(sample, "rev-parse", "HEAD").strip())
    stand_in_for_set_up(clone)
    return clone


def _carry_artifact(source: Path, target: Path) -> None:
    """What upload-artifact/download-artifact (Publish/DownloadPipelineArtifact) do with .mlenv/."""
    shutil.copytree(source / ".mlenv", target / ".mlenv")


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    """A runner's environment: no Databricks settings of the developer's, the provider cache restored."""
    home = tmp_path / "home"
    home.mkdir()
    keep = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "TMPDIR", "GOPATH")}
    return {**keep, "HOME": str(home), "MLENV_CACHE": str(cache_directory())}


def _succeeded(job: JobRun) -> None:
    assert job.failed is None, job.report()


# ---------------------------------------------------------------- GitHub Actions


def _github_contexts(server: FakeDatabricks | None = None) -> dict[str, str]:
    return {
        "github.base_ref": "main",
        "github.repository": "org/team",
        "github.event.pull_request.head.repo.full_name": "org/team",
        "github.ref": "refs/heads/main",
        "github.token": CI_TOKEN,
        "inputs.allow_destroy": "",
        "secrets.DATABRICKS_HOST": server.host if server else "",
        "secrets.DATABRICKS_TOKEN": TOKEN if server else "",
        "secrets.DATABRICKS_CLIENT_ID": "",
        "secrets.DATABRICKS_CLIENT_SECRET": "",
    }


def _github_environ(environ: dict[str, str], api: FakeCiApi) -> dict[str, str]:
    return {
        **environ,
        "GITHUB_API_URL": api.url,
        "GITHUB_REPOSITORY": "org/team",
        "GITHUB_REF_NAME": "main",
        "GITHUB_WORKFLOW_REF": "org/team/.github/workflows/mlenv-deploy.yml@refs/heads/main",
    }


@pytest.mark.terraform
def test_github_pull_request_deploy_and_audit(sample: Path, environ: dict[str, str]) -> None:
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server, FakeCiApi() as api:
        contexts, env = _github_contexts(server), _github_environ(environ, api)

        # A pull request adding a production model: checks, the diff in the summary, a saved plan.
        git(sample, "checkout", "-q", "-b", "upsell")
        add_model(sample, "prod", "upsell")
        commit(sample, "upsell in prod")
        check = run_github_job(GITHUB / "mlenv-pull-request.yml", "check", sample, contexts, env)
        _succeeded(check)
        assert [step.name for step in check.steps if step.code is None] == [
            "actions/checkout@v4",
            "actions/setup-python@v5",
            "actions/setup-go@v5",
            "Cache the Databricks provider build",
            "Comment the access changes on the pull request",
        ]
        assert "## Access changes: `origin/main` → `working tree`" in check.summary
        assert "registered_model `upsell_prod`" in check.summary
        assert (sample / ".mlenv/diff.md").read_text() in check.summary
        roots = json.loads(check.outputs["roots"])
        assert [root["name"] for root in roots] == ["workspace"], "state: single has one root"
        matrix = {"matrix.root.name": "workspace"}
        pr_plan = run_github_job(GITHUB / "mlenv-pull-request.yml", "plan", sample, {**contexts, **matrix}, env)
        _succeeded(pr_plan)
        assert "saved plan .mlenv/tfplan: 33 changes, 0 deletes or replaces" in pr_plan.summary
        assert (sample / ".mlenv/tfplan").is_file()

        # Merged: plan on main (first deployment: production approval), apply on another runner.
        git(sample, "checkout", "-q", "main")
        git(sample, "merge", "-q", "--ff-only", "upsell")
        shutil.rmtree(sample / ".mlenv")
        changes = run_github_job(GITHUB / "mlenv-deploy.yml", "changes", sample, contexts, env)
        _succeeded(changes)
        assert changes.outputs["production"] == "true"
        assert (changes.outputs["shared"], changes.outputs["environments"]) == ("true", "[]")
        assert "No earlier deployment to compare with" in changes.summary
        plan = run_github_job(GITHUB / "mlenv-deploy.yml", "plan", sample, {**contexts, **matrix}, env)
        _succeeded(plan)
        assert "Plan: 33 to add, 0 to change, 0 to destroy." in plan.summary
        deployment = _fresh_checkout(sample, "apply-runner")
        _carry_artifact(sample, deployment)
        apply = run_github_job(GITHUB / "mlenv-deploy.yml", "apply-shared", deployment, contexts, env)
        _succeeded(apply)
        assert "Apply complete! Resources: 33 added" in apply.step("mlenv apply").output
        assert "upsell_prod" in workspace.models

        # Nightly: clean, then an extra grant on a production model is drift.
        audit = run_github_job(GITHUB / "mlenv-audit.yml", "audit", deployment, contexts, env)
        _succeeded(audit)
        assert "the live workspace matches the manifests" in audit.step("mlenv audit").output
        workspace.grant(REGISTERED_MODEL, "churn_prod", GROUP, "apps_acc", "CAN_READ")
        drift = run_github_job(GITHUB / "mlenv-audit.yml", "audit", deployment, contexts, env)
        assert drift.failed is not None and drift.failed.name == "mlenv audit" and drift.failed.code == 1
        assert "::error title=mlenv audit::drift" in drift.failed.output
        assert "extra-grant" in drift.summary and "apps_acc" in drift.summary and "churn_prod" in drift.summary
        assert drift.step("Keep the report").reason == "uses actions/upload-artifact@v4"


def _deploy_directly(root: Path, environ: dict[str, str], server: FakeDatabricks) -> None:
    """Plan and apply every root of a per-environment repository (the shared root first) as an operator would."""
    env = {**environ, "DATABRICKS_HOST": server.host, "DATABRICKS_TOKEN": TOKEN}
    for _ in range(2):
        for step in ("plan", "apply"):
            done = subprocess.run(
                [sys.executable, "-m", "generator", "--repository", str(root), step],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr


@pytest.mark.terraform
def test_github_plans_and_applies_only_the_changed_environment_root(sample: Path, environ: dict[str, str]) -> None:
    settings = sample / "environments/workspace.yaml"
    settings.write_text(settings.read_text() + "state: per_environment\n")
    subprocess.run([sys.executable, "-m", "generator", "--repository", str(sample), "render"], check=True)
    deployed = commit(sample, "one state per environment")
    git(sample, "push", "-q", "origin", "main")
    git(sample, "fetch", "-q", "origin")
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server, FakeCiApi() as api:
        _deploy_directly(sample, environ, server)
        shutil.rmtree(sample / ".mlenv")
        contexts, env = _github_contexts(server), _github_environ(environ, api)
        git(sample, "checkout", "-q", "-b", "upsell")
        add_model(sample, "acc", "upsell")
        commit(sample, "upsell in acc")
        check = run_github_job(GITHUB / "mlenv-pull-request.yml", "check", sample, contexts, env)
        _succeeded(check)
        [root] = json.loads(check.outputs["roots"])
        assert (root["name"], root["directory"], root["production"]) == ("acc", "roots/acc", False)
        matrix = {**contexts, "matrix.root.name": "acc"}
        pr_plan = run_github_job(GITHUB / "mlenv-pull-request.yml", "plan", sample, matrix, env)
        _succeeded(pr_plan)
        assert "acc: saved plan .mlenv/roots/acc/tfplan: 2 changes, 0 deletes or replaces" in pr_plan.summary

        git(sample, "checkout", "-q", "main")
        git(sample, "merge", "-q", "--ff-only", "upsell")
        shutil.rmtree(sample / ".mlenv")
        api.service.github_successes["mlenv-deploy.yml"] = [deployed]
        changes = run_github_job(GITHUB / "mlenv-deploy.yml", "changes", sample, contexts, env)
        _succeeded(changes)
        assert (changes.outputs["production"], changes.outputs["shared"]) == ("false", "false")
        assert [root["name"] for root in json.loads(changes.outputs["environments"])] == ["acc"]
        plan = run_github_job(GITHUB / "mlenv-deploy.yml", "plan", sample, matrix, env)
        _succeeded(plan)
        assert sorted(path.parent.name for path in (sample / ".mlenv").rglob("tfplan")) == ["acc"]
        deployment = _fresh_checkout(sample, "apply-runner")
        _carry_artifact(sample, deployment)
        for state in sample.glob("**/terraform.tfstate"):  # what a remote backend would hold
            shutil.copy2(state, deployment / state.relative_to(sample))
        apply = run_github_job(
            GITHUB / "mlenv-deploy.yml", "apply", deployment, {**matrix, "matrix.root.production": ""}, env
        )
        _succeeded(apply)
        assert "acc: Apply complete! Resources: 2 added" in apply.step("mlenv apply").output
        assert "upsell_acc" in workspace.models


def test_github_apply_asks_for_production_approval_when_production_changed_since_the_last_deployment(
    sample: Path, environ: dict[str, str]
) -> None:
    deployed = git(sample, "rev-parse", "HEAD").strip()
    add_model(sample, "prod", "upsell")
    production_change = commit(sample, "upsell in prod (its approval was refused)")
    add_model(sample, "acc", "upsell")
    commit(sample, "upsell in acc")
    workflow = GITHUB / "mlenv-deploy.yml"
    with FakeCiApi() as api:
        contexts, env = _github_contexts(), _github_environ(environ, api)

        def production(*successes: str) -> str:
            api.service.github_successes["mlenv-deploy.yml"] = list(successes)
            job = run_github_job(workflow, "changes", sample, contexts, env, only={_DIFF_STEP})
            _succeeded(job)
            return job.outputs["production"]

        assert production() == "true"  # first deployment
        assert production(deployed) == "true"  # the refused production change is still pending
        assert production(deployed, production_change) == "false"  # only acc changed since
        assert production("0" * 40) == "true"  # a deployed commit this history lacks
        request = api.service.requests[-1]
        assert request.path == "/repos/org/team/actions/workflows/mlenv-deploy.yml/runs"
        assert request.query == {"branch": "main", "status": "success", "per_page": "1"}
        assert request.authorization == f"Bearer {CI_TOKEN}"

    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    shared = str(jobs["apply-shared"]["environment"]).removeprefix("${{").removesuffix("}}")
    for flag, expected in (("false", "mlenv"), ("true", "mlenv-production"), ("", "mlenv-production")):
        assert github_expression(shared, {"needs.changes.outputs.production": flag}) == expected
    per_root = str(jobs["apply"]["environment"]).removeprefix("${{").removesuffix("}}")
    for production, expected in (("true", "mlenv-production"), ("", "mlenv")):
        assert github_expression(per_root, {"matrix.root.production": production}) == expected


# ---------------------------------------------------------------- Azure Pipelines


def _azure_variables(root: Path, api: FakeCiApi, server: FakeDatabricks | None = None) -> dict[str, str]:
    """The variable group (only DATABRICKS_HOST and DATABRICKS_TOKEN defined) and the predefined variables."""
    return {
        "DATABRICKS_HOST": server.host if server else "",
        "DATABRICKS_TOKEN": TOKEN if server else "",
        "MLENV_CACHE": str(cache_directory()),  # what the Cache@2 step restores
        "System.DefaultWorkingDirectory": str(root),
        "Pipeline.Workspace": str(root.parent),
        "Agent.OS": "Linux",
        "System.AccessToken": CI_TOKEN,
        "System.CollectionUri": f"{api.url}/org/",
        "System.TeamProjectId": "project-1",
        "System.DefinitionId": "42",
        "Build.SourceBranch": "refs/heads/main",
        "Build.Repository.ID": "repository-1",
        "Build.Repository.Provider": "TfsGit",
        "System.PullRequest.TargetBranch": "refs/heads/main",
        "System.PullRequest.PullRequestId": "7",
        "System.PullRequest.IsFork": "False",
    }


_AZURE_SECRETS = {"DATABRICKS_TOKEN", "System.AccessToken"}


def _azure_audit_finds_drift(
    deployment: Path, api: FakeCiApi, server: FakeDatabricks, workspace: FakeWorkspace, environ: dict[str, str]
) -> None:
    """The nightly audit: clean, then an extra grant on a production model is drift."""
    audit_pipeline = AZURE / "mlenv-audit.yml"
    audit_variables = _azure_variables(deployment, api, server)
    audit = run_azure_job(audit_pipeline, "Audit", deployment, audit_variables, environ, _AZURE_SECRETS)
    _succeeded(audit)
    workspace.grant(REGISTERED_MODEL, "fraud_prod", GROUP, "data-scientists", "CAN_READ")
    drift = run_azure_job(audit_pipeline, "Audit", deployment, audit_variables, environ, _AZURE_SECRETS)
    assert drift.failed is not None and drift.failed.name == "mlenv audit" and drift.failed.code == 1
    assert "##vso[task.logissue type=error]mlenv audit: drift" in drift.failed.output
    assert "extra-grant" in drift.summary and "data-scientists" in drift.summary and "fraud_prod" in drift.summary
    assert drift.step("Keep the report").reason.startswith("task: PublishPipelineArtifact@1")


@pytest.mark.terraform
def test_azure_pull_request_deploy_and_audit(sample: Path, environ: dict[str, str]) -> None:
    workspace = FakeWorkspace()
    with FakeDatabricks(workspace) as server, FakeCiApi() as api:
        git(sample, "checkout", "-q", "-b", "upsell")
        add_model(sample, "prod", "upsell")
        commit(sample, "upsell in prod")
        variables = _azure_variables(sample, api, server)
        pipeline = AZURE / "mlenv-pull-request.yml"
        check = run_azure_job(pipeline, "Check", sample, variables, environ, _AZURE_SECRETS)
        _succeeded(check)
        assert [step.name for step in check.steps if step.code is None] == [
            "self",
            "UsePythonVersion@0",
            "GoTool@0",
            "Cache the Databricks provider build",
            "Cache pip downloads",
        ]
        assert "## Access changes: `origin/main` → `working tree`" in check.summary
        assert json.loads(check.outputs["roots.matrix"]) == {"workspace": {"root": "workspace"}}
        assert check.outputs["roots.count"] == "1"
        [thread] = api.service.threads
        assert thread["status"] == 4 and thread["comments"][0]["content"].startswith("<!-- mlenv-diff -->\n## Access")
        again = run_azure_job(
            pipeline,
            "Check",
            sample,
            variables,
            environ,
            _AZURE_SECRETS,
            only={"Comment the access changes on the pull request"},
        )
        _succeeded(again)
        assert len(api.service.threads) == 1 and "updated the comment in thread 1" in again.steps[0].output
        matrix = {**variables, "root": "workspace"}
        pr_plan = run_azure_job(pipeline, "PlanRoot", sample, matrix, environ, _AZURE_SECRETS)
        _succeeded(pr_plan)
        assert "saved plan .mlenv/tfplan: 33 changes, 0 deletes or replaces" in pr_plan.summary
        assert (sample / ".mlenv/tfplan").is_file()

        git(sample, "checkout", "-q", "main")
        git(sample, "merge", "-q", "--ff-only", "upsell")
        shutil.rmtree(sample / ".mlenv")
        deploy = AZURE / "mlenv-deploy.yml"
        changes = run_azure_job(
            deploy, "Changes", sample, variables, environ, _AZURE_SECRETS, {"allowDestroy": "False"}, "Plan"
        )
        _succeeded(changes)
        assert changes.outputs["changes.production"] == "true"
        assert (changes.outputs["roots.productionRoots"], changes.outputs["roots.applyRoots"]) == ("workspace", "")
        dependencies = {f"Plan.Changes.{key}": value for key, value in changes.outputs.items()}
        assert not azure_stage_runs(deploy, "Apply", dependencies)
        assert azure_stage_runs(deploy, "ApplyProduction", dependencies)
        plan = run_azure_job(
            deploy, "PlanRoot", sample, matrix, environ, _AZURE_SECRETS, {"allowDestroy": "False"}, "Plan"
        )
        _succeeded(plan)
        assert "Plan: 33 to add, 0 to change, 0 to destroy." in plan.summary
        deployment = _fresh_checkout(sample, "apply-agent")
        _carry_artifact(sample, deployment)
        apply = run_azure_job(
            deploy,
            "Apply",
            deployment,
            {**_azure_variables(deployment, api, server), "roots": changes.outputs["roots.productionRoots"]},
            environ,
            _AZURE_SECRETS,
            {"allowDestroy": "False"},
            "ApplyProduction",
        )
        _succeeded(apply)
        assert "Apply complete! Resources: 33 added" in apply.step("mlenv apply").output

        _azure_audit_finds_drift(deployment, api, server, workspace, environ)


def test_azure_apply_asks_for_production_approval_when_production_changed_since_the_last_deployment(
    sample: Path, environ: dict[str, str]
) -> None:
    deployed = git(sample, "rev-parse", "HEAD").strip()
    add_model(sample, "prod", "upsell")
    production_change = commit(sample, "upsell in prod (its approval was rejected)")
    add_model(sample, "acc", "upsell")
    commit(sample, "upsell in acc")
    deploy = AZURE / "mlenv-deploy.yml"
    with FakeCiApi() as api:
        variables = _azure_variables(sample, api)

        def production(*successes: str) -> str:
            api.service.azure_successes["42"] = list(successes)
            job = run_azure_job(
                deploy, "Changes", sample, variables, environ, _AZURE_SECRETS, stage="Plan", only={_DIFF_STEP}
            )
            _succeeded(job)
            return job.outputs["changes.production"]

        assert production() == "true"
        assert production(deployed) == "true"
        assert production(deployed, production_change) == "false"
        assert production("0" * 40) == "true"
        request = api.service.requests[-1]
        assert request.path == "/org/project-1/_apis/build/builds"
        assert {
            key: request.query[key] for key in ("definitions", "branchName", "resultFilter", "statusFilter", "$top")
        } == {
            "definitions": "42",
            "branchName": "refs/heads/main",
            "resultFilter": "succeeded",
            "statusFilter": "completed",
            "$top": "1",
        }
    for apply_roots, production_roots, expected in (("acc", "", {"Apply"}), ("", "prod", {"ApplyProduction"})):
        outputs = {"Plan.Changes.roots.applyRoots": apply_roots, "Plan.Changes.roots.productionRoots": production_roots}
        runs = {name for name in ("Apply", "ApplyProduction") if azure_stage_runs(deploy, name, outputs)}
        assert runs == expected


def test_a_pull_request_from_a_fork_is_not_planned_on_azure(sample: Path, environ: dict[str, str]) -> None:
    with FakeCiApi() as api:
        variables = {
            **_azure_variables(sample, api),
            "System.PullRequest.IsFork": "True",
            "Build.Repository.Provider": "GitHub",
        }
        steps = {"Access changes (mlenv diff)", "Comment the access changes on the pull request"}
        job = run_azure_job(
            AZURE / "mlenv-pull-request.yml", "Check", sample, variables, environ, _AZURE_SECRETS, only=steps
        )
    _succeeded(job)
    assert [step.code for step in job.steps] == [0, None]
    assert not api.service.requests
    document = yaml.safe_load((AZURE / "mlenv-pull-request.yml").read_text())
    condition = next(job for job in document["jobs"] if job["job"] == "PlanRoot")["condition"]
    outputs = {"Check.roots.count": "1"}
    assert not azure_condition(condition, variables, outputs), "a fork's pull request is not planned"
    assert azure_condition(condition, {**variables, "System.PullRequest.IsFork": "False"}, outputs)
