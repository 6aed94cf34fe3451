"""``mlenv diff``: the access change between two git revisions of ``environments/``, as Markdown."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InvalidInput, Problem
from generator.model.levels import MEMBER
from generator.manifests.loader import ENVIRONMENTS_DIR
from generator.model.permission_model import Grant, PermissionModel
from generator.model.checked import load_and_check


@dataclass(frozen=True, order=True)
class AccessChange:
    """One grant or membership added, removed or changed in level."""

    production: bool
    environment: str
    object_type: str
    object: str
    principal_type: str
    principal: str
    change: str
    before: str
    after: str
    implicit: bool


def model_at(root: Path, revision: str) -> PermissionModel:
    """The permission model of ``environments/`` at git ``revision`` of the repository at ``root``."""
    files = _git(root, "ls-tree", "-r", "--name-only", revision, "--", ENVIRONMENTS_DIR).splitlines()
    with tempfile.TemporaryDirectory() as directory:
        checkout = Path(directory)
        (checkout / ENVIRONMENTS_DIR).mkdir()
        for name in files:
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git_bytes(root, "show", f"{revision}:{name}"))
        try:
            return load_and_check(checkout).model
        except InvalidInput as error:
            raise InvalidInput([Problem(f"{revision}:{problem.file}", problem.line, problem.message, problem.hint,
                                        problem.rule) for problem in error.problems]) from None


def access_changes(base: PermissionModel, head: PermissionModel) -> list[AccessChange]:
    """Every grant or membership that differs, production environments first."""
    before = {_key(grant): grant for grant in base.grants}
    after = {_key(grant): grant for grant in head.grants}
    changes = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.permission_level == new.permission_level:
            continue
        grant = new or old
        assert grant is not None
        if old is None:
            kind = "joins" if grant.permission_level == MEMBER else "added"
        elif new is None:
            kind = "leaves" if grant.permission_level == MEMBER else "removed"
        else:
            kind = "level changed"
        production = _is_production(head, grant.environment) or _is_production(base, grant.environment)
        changes.append(AccessChange(production, grant.environment, grant.object_type, grant.object,
                                    grant.principal_type, grant.principal, kind,
                                    old.permission_level if old else "", new.permission_level if new else "",
                                    grant.implicit))
    return sorted(changes, key=lambda change: (not change.production, change))


def render_markdown(changes: list[AccessChange], base: str, head: str) -> str:
    """The changes as Markdown for a pull request, production first."""
    lines = [f"## Access changes: `{base}` → `{head}`", ""]
    if not changes:
        return "\n".join(lines + ["No access changes.", ""])
    for title, selected in (("Production", [c for c in changes if c.production]),
                            ("Other environments", [c for c in changes if not c.production])):
        if not selected:
            continue
        lines += [f"### {title} ({len(selected)} change{'s' if len(selected) != 1 else ''})", "",
                  "| Change | Environment | Object | Principal | Before | After |", "|---|---|---|---|---|---|"]
        for change in selected:
            implicit = " (implicit)" if change.implicit else ""
            lines.append(f"| {change.change}{implicit} | {change.environment} | {change.object_type} "
                         f"`{change.object}` | {change.principal_type} `{change.principal}` | {change.before} | "
                         f"{change.after} |")
        lines.append("")
    return "\n".join(lines)


def _key(grant: Grant) -> tuple[str, str, str, str]:
    return (grant.object_type, grant.object, grant.principal_type, grant.principal)


def _is_production(model: PermissionModel, environment: str) -> bool:
    facts = model.environments.get(environment)
    return facts is not None and facts.production


def _git(root: Path, *arguments: str) -> str:
    return _git_bytes(root, *arguments).decode("utf-8")


def _git_bytes(root: Path, *arguments: str) -> bytes:
    result = subprocess.run(["git", "-C", str(root), *arguments], capture_output=True, check=False)
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InvalidInput([Problem("git", None, reason[-1] if reason else f"git {arguments[0]} failed",
                                    "name a commit, branch or tag of this repository")])
    return result.stdout
