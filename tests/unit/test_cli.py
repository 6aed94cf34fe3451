"""The mlenv command line: render, --check, atomic writes, new-env, help and exit codes."""

from __future__ import annotations

import pytest

import generator.atomic_files
from tests.support.repository import run_module, write


def _generated(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ("mlenv_" in p.name or p.parts[-2] in ("permissions", "schema"))
    }


def test_render_check_lists_missing_files_then_passes_after_render(repo, mlenv):
    result = mlenv("--repository", repo, "render", "--check")
    assert result.code == 1
    assert "stale generated files (run: mlenv render):" in result.err
    assert "  mlenv_prod.tf" in result.err and "  permissions/workspace.json" in result.err
    assert not (repo / "mlenv_prod.tf").exists()
    assert mlenv("--repository", repo, "render").code == 0
    result = mlenv("--repository", repo, "render", "--check")
    assert result.code == 0 and "up to date" in result.out


def test_manifest_change_makes_exactly_the_affected_files_stale(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    manifest = repo / "environments/preprod.yaml"
    manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
    result = mlenv("--repository", repo, "render", "--check")
    assert result.code == 1
    stale = sorted(line.strip() for line in result.err.splitlines()[1:])
    assert stale == [
        "mlenv_preprod.tf",
        "permissions/preprod.md",
        "permissions/workspace.csv",
        "permissions/workspace.json",
        "tests/terraform/mlenv_permissions.tftest.hcl",
    ]


def test_removing_an_environment_archives_it_and_removes_its_permission_file(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    (repo / "environments/preprod.yaml").unlink()
    check = mlenv("--repository", repo, "render", "--check").err
    assert "  mlenv_preprod.tf" in check and "  environments/archived/preprod.yaml" in check
    result = mlenv("--repository", repo, "render")
    assert "wrote environments/archived/preprod.yaml" in result.out and "removed permissions/preprod.md" in result.out
    assert 'module "preprod_archive"' in (repo / "mlenv_preprod.tf").read_text()
    assert (repo / "mlenv_prod.tf").exists()


def test_hand_written_files_are_never_removed(repo, mlenv):
    write(repo, "mlenv_custom.tf", "# my own file\n")
    assert mlenv("--repository", repo, "render").code == 0
    assert (repo / "mlenv_custom.tf").read_text() == "# my own file\n"


def test_invalid_input_leaves_previous_output_intact(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    before = _generated(repo)
    write(repo, "environments/acc.yaml", "production: false\nmodels: [Bad]\n")
    result = mlenv("--repository", repo, "render")
    assert result.code == 2
    assert "environments/acc.yaml:2: models[0].name 'Bad' is not valid" in result.err
    assert _generated(repo) == before


def test_a_failure_while_writing_leaves_previous_output_intact(repo, mlenv, monkeypatch):
    assert mlenv("--repository", repo, "render").code == 0
    before = _generated(repo)
    manifest = repo / "environments/acc.yaml"
    manifest.write_text(manifest.read_text().replace("  - churn\n", "  - churn\n  - upsell\n"))
    calls = {"count": 0}
    real_mkstemp = generator.atomic_files.tempfile.mkstemp

    def failing_mkstemp(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 3:
            raise OSError(28, "No space left on device")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(generator.atomic_files.tempfile, "mkstemp", failing_mkstemp)
    result = mlenv("--repository", repo, "render")
    assert result.code == 70 and "No space left on device" in result.err
    assert _generated(repo) == before
    assert not list(repo.rglob(".*.tmp"))


def test_new_env_scaffolds_a_valid_commented_manifest(repo, mlenv):
    result = mlenv("--repository", repo, "new-env", "teamx")
    assert result.code == 0 and "wrote environments/teamx.yaml" in result.out
    text = (repo / "environments/teamx.yaml").read_text()
    assert "production: false" in text and "/experiments/teamx" in text and "apps_teamx" in text
    assert mlenv("--repository", repo, "validate").code == 0
    assert mlenv("--repository", repo, "render").code == 0
    assert (repo / "mlenv_teamx.tf").exists()


def test_new_env_production_flag_and_refusals(repo, mlenv):
    assert mlenv("--repository", repo, "new-env", "live", "--production").code == 0
    assert "production: true" in (repo / "environments/live.yaml").read_text()
    existing = mlenv("--repository", repo, "new-env", "live")
    assert existing.code == 2 and "environments/live.yaml: manifest already exists" in existing.err
    bad = mlenv("--repository", repo, "new-env", "Team_X")
    assert bad.code == 2 and "'Team_X' is not a valid environment name" in bad.err
    assert not (repo / "environments/Team_X.yaml").exists()


def test_missing_environments_directory(tmp_path, mlenv):
    result = mlenv("--repository", tmp_path, "validate")
    assert result.code == 2
    assert "environments: directory not found (run mlenv in the repository or pass --repository" in result.err


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["validate"],
        ["render"],
        ["permissions"],
        ["new-env"],
        ["toolchain"],
        ["tftest"],
        ["plan"],
        ["apply"],
        ["audit"],
        ["diff"],
        ["access"],
        ["adopt"],
    ],
)
def test_help_on_every_command(command):
    result = run_module(*command, "--help")
    assert result.code == 0 and "usage: mlenv" in result.out


def test_exit_codes_in_a_real_process(repo):
    write(repo, "environments/acc.yaml", "production: maybe\n")
    result = run_module("--repository", repo, "validate")
    assert result.code == 2
    assert result.err.startswith("environments/acc.yaml:1: production must be true or false, got 'maybe'")
    assert "Traceback" not in result.err
    assert run_module("--repository", repo, "frobnicate").code == 2


def test_validate_summarises(mlenv, repo):
    result = mlenv("--repository", repo, "validate")
    assert result.code == 0
    assert result.out == "3 environments valid (acc, preprod, prod); production: prod; 32 grants\n"


def test_render_names_what_to_commit_and_what_terraform_will_delete(repo, mlenv):
    assert mlenv("--repository", repo, "render").code == 0
    assert mlenv("--repository", repo, "new-env", "teamx").code == 0
    result = mlenv("--repository", repo, "render")
    assert result.code == 0
    commit = result.out.splitlines()[-1]
    assert commit.startswith("commit them with the manifests: git add -A environments ")
    assert "mlenv_teamx.tf" in commit and "mlenv_workspace.tf" in commit and "permissions/teamx.md" in commit
    preprod = repo / "environments/preprod.yaml"
    preprod.write_text(preprod.read_text().replace("fraud", "fraud2"))
    for command in ("validate", "render"):
        result = mlenv("--repository", repo, command)
        assert result.code == 0
        assert (
            "note: registered_model fraud_preprod (preprod) is no longer declared: it will be deleted with every "
            "version in it" in result.err
        )
    assert "no longer declared" not in mlenv("--repository", repo, "render").err
