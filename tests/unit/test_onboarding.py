"""What a team onboarding an environment trips over: the scaffold, tabs, and errors that come all at once."""

from __future__ import annotations

from tests.support.repository import unity_catalog_repository, write


def _uncomment(text: str, *starts: str) -> str:
    """Remove the '# ' in front of each commented line that starts (after the '# ') with one of ``starts``,
    and of the lines indented under it, as a person would in an editor."""
    lines, inside = [], False
    for line in text.splitlines():
        stripped = line.lstrip()
        body = stripped[2:] if stripped.startswith("# ") else None
        if body is not None and (body.startswith(starts) or (inside and body.startswith("  "))):
            inside = True
            lines.append(line.replace("# ", "", 1))
        else:
            inside = False
            lines.append(line)
    return "\n".join(lines) + "\n"


def test_scaffold_validates_and_its_examples_can_be_uncommented(repo, mlenv):
    assert mlenv("--repository", repo, "new-env", "teamx").code == 0
    manifest = repo / "environments/teamx.yaml"
    assert mlenv("--repository", repo, "validate").code == 0
    manifest.write_text(_uncomment(manifest.read_text(), "- churn", "- name: fraud"))
    assert mlenv("--repository", repo, "validate").code == 0
    text = manifest.read_text()
    manifest.write_text(_uncomment(text, "- application_id:"))
    result = mlenv("--repository", repo, "validate")
    assert result.code == 2
    line = 1 + manifest.read_text().splitlines().index("  - application_id: 00000000-0000-0000-0000-000000000000")
    assert result.err.startswith(f"environments/teamx.yaml:{line}: service_principals[0]: ")
    assert "all-zero placeholder; use the principal's real client id" in result.err
    manifest.write_text(
        manifest.read_text().replace("00000000-0000-0000-0000-000000000000", "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    )
    assert mlenv("--repository", repo, "validate").code == 0, mlenv("--repository", repo, "validate").err


def test_a_tab_is_named(repo, mlenv):
    write(repo, "environments/acc.yaml", "production: false\nmodels:\n\t- churn\n")
    result = mlenv("--repository", repo, "validate")
    assert result.err.startswith(
        "environments/acc.yaml:3: a tab character in the indentation (YAML indents with spaces only)"
    )


def test_syntax_and_cross_file_errors_come_at_once(repo, mlenv):
    write(repo, "environments/acc.yaml", "production: false\nmodels:\n  - churn\n - fraud\n")
    prod = repo / "environments/prod.yaml"
    prod.write_text(prod.read_text().replace("  - churn\n", "  - name: churn\n    readers: [apps_acc]\n", 1))
    result = mlenv("--repository", repo, "validate")
    assert result.code == 2
    assert "environments/acc.yaml:4: YAML syntax error" in result.err
    assert "[readers-not-environment-groups] reader group 'apps_acc' is an environment group" in result.err


def test_new_env_says_a_reserved_name_is_reserved(repo, mlenv):
    result = mlenv("--repository", repo, "new-env", "workspace")
    assert result.code == 2
    assert "'workspace' is reserved: environments/workspace.yaml holds the settings all" in result.err


def test_the_scaffold_speaks_unity_catalog_in_a_unity_catalog_workspace(tmp_path, mlenv):
    root = unity_catalog_repository(tmp_path / "uc")
    assert mlenv("--repository", root, "new-env", "teamx", "--production").code == 0
    manifest = root / "environments/teamx.yaml"
    text = manifest.read_text()
    assert "ml_teamx.models.<model> (owner apps_teamx)" in text
    assert "no one may create models in its catalog and schema" in text
    assert "(EXECUTE; on production models an explicit, reported opt-in)" in text
    assert "tags" not in text and "<model>_teamx" not in text
    manifest.write_text(_uncomment(text, "- churn", "- name: fraud"))
    result = mlenv("--repository", root, "validate")
    assert result.code == 0, result.err
