"""Retiring an environment by removing its manifest: the archive record, the archive's Terraform, the permission
files, what render says, and the refusals that keep data from being lost or access from lingering."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from generator.errors import Refused
from generator.manifests.roots import Root
from generator.terraform.plan_changes import Change, DestroyConsent, refuse_destruction
from tests.support.repository import REPOSITORY, write

#: 2026-12-05 00:00 UTC.
DAY = "1796428800"


@pytest.fixture
def retired(repo, mlenv, monkeypatch):
    """The repository rendered with three environments, then preprod's manifest removed and rendered again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    assert mlenv("--repository", repo, "render").code == 0
    (repo / "environments/preprod.yaml").unlink()
    result = mlenv("--repository", repo, "render")
    assert result.code == 0, result.err
    return repo, result


def test_the_record_says_what_is_kept_since_when_and_who_lost_access(retired):
    repo, result = retired
    record = (repo / "environments/archived/preprod.yaml").read_text()
    assert 'archived_since: "2026-12-05"' in record
    assert '"7c4d2e9a-1b3f-4a6c-8d5e-2f9a0b1c3d02": "ml-preprod-runner"' in record
    assert '  - "churn_preprod"\n  - "fraud_preprod"' in record and "delete: false" in record
    assert "environment preprod is retired" in result.err and "no flag needed" in result.err
    assert "refuses" not in result.err, "nothing of a retirement waits for a consent, so nothing promises a refusal"


def test_the_archive_moves_the_data_forgets_the_principals_and_declares_no_access(retired):
    repo, _ = retired
    archive = (repo / "mlenv_preprod.tf").read_text()
    assert "from = module.preprod_models.databricks_mlflow_model.this\n  to   = module.preprod_archive" in archive
    assert "from = module.preprod_experiments.databricks_directory.this" in archive
    assert "from = module.preprod_service_principals.databricks_service_principal.this" in archive
    assert "access_control" not in archive and "apps_preprod" not in (repo / "mlenv_workspace.tf").read_text()


def test_the_permission_files_keep_a_record_of_the_archive(retired):
    repo, _ = retired
    document = json.loads((repo / "permissions/workspace.json").read_text())
    assert "preprod" not in document["environments"]
    archive = document["archives"]["preprod"]
    assert archive["archived_since"] == "2026-12-05" and archive["models"] == ["churn_preprod", "fraud_preprod"]
    assert archive["reachable_by"][0] == "the admins group" and archive["delete"] is False
    assert not any(grant["environment"] == "preprod" for grant in document["grants"])
    markdown = (repo / "permissions/archives.md").read_text()
    assert "| preprod | 2026-12-05 |" in markdown and "`ml-preprod-runner`" in markdown


def test_rendering_again_changes_nothing(retired, mlenv):
    repo, _ = retired
    before = {path: path.read_bytes() for path in repo.rglob("*") if path.is_file()}
    again = mlenv("--repository", repo, "render")
    assert again.code == 0 and "0 written, 0 removed" in again.out
    assert {path: path.read_bytes() for path in repo.rglob("*") if path.is_file()} == before


def test_deleting_the_data_is_an_edit_of_the_record_then_its_removal(retired, mlenv):
    repo, _ = retired
    record = repo / "environments/archived/preprod.yaml"
    record.write_text(record.read_text().replace("delete: false", "delete: true"))
    asked = mlenv("--repository", repo, "render")
    assert asked.code == 0 and "delete: true, so the plan deletes its data" in asked.err
    assert "module" not in re.sub(r"#.*", "", (repo / "mlenv_preprod.tf").read_text())
    assert "deletion requested" in (repo / "permissions/archives.md").read_text()
    record.unlink()
    done = mlenv("--repository", repo, "render")
    assert done.code == 0 and "removed mlenv_preprod.tf" in done.out and "removed permissions/archives.md" in done.out


def test_a_record_removed_before_the_data_was_deleted_is_refused_and_nothing_is_written(retired, mlenv):
    repo, _ = retired
    (repo / "environments/archived/preprod.yaml").unlink()
    before = (repo / "mlenv_preprod.tf").read_bytes()
    refused = mlenv("--repository", repo, "render")
    assert refused.code == 2
    assert "environments/archived/preprod.yaml: [archive-delete-first]" in refused.err
    assert (repo / "mlenv_preprod.tf").read_bytes() == before


def test_a_manifest_may_not_take_an_archived_name(retired, mlenv):
    repo, _ = retired
    shutil.copy(REPOSITORY / "environments/preprod.yaml", repo / "environments/preprod.yaml")
    refused = mlenv("--repository", repo, "validate")
    assert refused.code == 2 and "environments/preprod.yaml: [archive-name-taken]" in refused.err


def test_an_invalid_record_is_named_with_its_line(retired, mlenv):
    repo, _ = retired
    record = repo / "environments/archived/preprod.yaml"
    record.write_text(record.read_text().replace("delete: false", "delete: soon"))
    refused = mlenv("--repository", repo, "render")
    assert refused.code == 2 and re.search(r"environments/archived/preprod\.yaml:\d+: delete", refused.err), refused.err


def test_unity_catalog_needs_an_archive_owner_before_a_retirement(tmp_path, mlenv, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    repo = tmp_path / "uc"
    shutil.copytree(REPOSITORY / "examples/unity-catalog/environments", repo / "environments")
    shutil.copytree(REPOSITORY / "modules", repo / "modules")
    shutil.copy(REPOSITORY / "versions.tf", repo / "versions.tf")
    settings = repo / "environments/workspace.yaml"
    settings.write_text(settings.read_text().replace("  archive_owner: platform-archive\n", ""))
    assert mlenv("--repository", repo, "render").code == 0
    (repo / "environments/acc.yaml").unlink()
    refused = mlenv("--repository", repo, "render")
    assert refused.code == 2 and "[archive-owner-required]" in refused.err
    assert not (repo / "environments/archived").exists()
    settings.write_text(
        settings.read_text().replace(
            "  manage_catalogs: true\n", "  manage_catalogs: true\n  archive_owner: platform-archive\n"
        )
    )
    result = mlenv("--repository", repo, "render")
    assert result.code == 0, result.err
    archive = (repo / "mlenv_acc.tf").read_text()
    assert (
        'owner                = "platform-archive"' in archive
        and 'models               = ["churn", "fraud"]' in archive
    )
    assert (
        "from = module.acc_uc.databricks_catalog.this\n  to   = module.acc_archive.databricks_catalog.this" in archive
    )
    assert "from = module.acc_models.databricks_registered_model.this" in archive


def test_a_root_no_manifest_or_render_accounts_for_is_refused(repo, mlenv):
    write(repo, "roots/ghost/mlenv_ghost.tf", "# a root left behind\n")
    refused = mlenv("--repository", repo, "validate")
    assert refused.code == 2 and "roots/ghost: [retirement-unrecorded]" in refused.err


def _change(address: str, kind: str, actions: tuple[str, ...] = ("delete",)) -> Change:
    return Change(address, actions, type=kind)


def test_deleting_access_needs_no_consent_and_deleting_data_does():
    root = Root("workspace", ".", None, ())
    access = [
        _change("module.preprod_group.databricks_group.this", "databricks_group"),
        _change('module.preprod_models.databricks_permissions.this["churn_preprod"]', "databricks_permissions"),
        _change("module.all_principals_group.databricks_group_member.this", "databricks_group_member"),
    ]
    refuse_destruction(root, access, DestroyConsent())
    data = [
        *access,
        _change('module.preprod_archive.databricks_mlflow_model.this["churn_preprod"]', "databricks_mlflow_model"),
    ]
    with pytest.raises(Refused, match=r"deletes or replaces 1 resources .*churn_preprod"):
        refuse_destruction(root, data, DestroyConsent())
    refuse_destruction(root, data, DestroyConsent(allow_destroy=True))


def test_a_production_archive_needs_a_second_consent():
    root = Root("workspace", ".", None, ())
    data = [_change('module.prod_archive.databricks_mlflow_model.this["churn_prod"]', "databricks_mlflow_model")]
    production = frozenset({"prod"})
    with pytest.raises(Refused, match=r"\[production-archive\].*--include-production"):
        refuse_destruction(root, data, DestroyConsent(allow_destroy=True, production_archives=production))
    refuse_destruction(root, data, DestroyConsent(True, True, production))
