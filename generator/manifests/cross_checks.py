"""The manifest rules checked across entries and files, where the offending line is known.

Each refusal names its rule (see ``generator.model.policy.RULES`` for the sentences).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from generator.errors import Problem
from generator.manifests.backend_config import backend_problems
from generator.manifests.environments import Environment
from generator.manifests.manifest import EnvironmentManifest, full_model_name
from generator.manifests.settings import WorkspaceSettings
from generator.manifests.yaml_source import Location, YamlDocument

RESERVED_GROUPS = frozenset({"admins", "users", "account users"})


def duplicate_problems(manifest: EnvironmentManifest, document: YamlDocument) -> list[Problem]:
    """A problem for every model, reader group or service principal listed twice in one manifest."""
    problems: list[Problem] = []

    def check(values: list[str], location_of: Any, what: str) -> None:
        first_seen: dict[str, int] = {}
        for index, value in enumerate(values):
            line = document.line_of(location_of(index))
            if value in first_seen:
                problems.append(
                    Problem(
                        document.path,
                        line,
                        f"{what} {value!r} is listed twice (first on line {first_seen[value]})",
                        "remove one of them",
                    )
                )
            else:
                first_seen[value] = line

    check([model.name for model in manifest.models], lambda i: ("models", i), "model")
    check(manifest.experiment_readers, lambda i: ("experiment_readers", i), "reader group")
    for model_index, model in enumerate(manifest.models):
        check(model.readers, lambda i, m=model_index: ("models", m, "readers", i), "reader group")
    for field in ("application_id", "display_name"):
        values = [getattr(principal, field) for principal in manifest.service_principals]
        indexed = [(i, v) for i, v in enumerate(values) if v is not None]
        check(
            [v for _, v in indexed],
            lambda i, idx=indexed: ("service_principals", idx[i][0]),
            f"service principal {field}",
        )
    return problems


def settings_problems(settings: WorkspaceSettings, document: YamlDocument) -> list[Problem]:
    """The settings that are valid one by one but not together (registry, identities, workspace id)."""
    problems: list[Problem] = []

    def refuse(location: Location, message: str, hint: str, rule: str) -> None:
        problems.append(Problem(document.path, document.line_of(location), message, hint, rule=rule))

    problems += backend_problems(settings, document)
    if not settings.unity_catalog_mode:
        if settings.unity_catalog is not None:
            refuse(
                ("unity_catalog",),
                "unity_catalog settings apply only with registry: unity_catalog",
                "add 'registry: unity_catalog' or remove the unity_catalog block",
                "registry-settings",
            )
        if settings.identity_mode != "workspace":
            refuse(
                ("identities",),
                f"identities: {settings.identity_mode} is supported only with registry: unity_catalog",
                "remove 'identities:' (the workspace registry uses workspace groups) or switch the registry",
                "registry-settings",
            )
        return problems
    if settings.identity_mode == "workspace":
        refuse(
            ("identities",),
            "identities: workspace cannot be used with registry: unity_catalog; Unity Catalog grants and owners "
            "must be account-level principals",
            "write 'identities: account' (mlenv creates them in the account) or 'identities: external' (they are "
            "synced from your identity provider)",
            "account-identities",
        )
    owner_group = settings.uc.owner_group
    if owner_group is not None:
        group_pattern = re.compile(re.escape(settings.group_name_pattern).replace(r"\{env\}", ".+"))
        reason = _forbidden_reader_reason(owner_group, settings, set(), group_pattern)
        if reason:
            refuse(
                ("unity_catalog", "owner_group"),
                reason.replace("reader group", "owner group", 1) + "; it would own every environment's catalog",
                "name a platform team's group, or remove owner_group to leave ownership with the Terraform identity",
                "uc-container-owner",
            )
    if settings.identity_mode == "account" and settings.workspace_id is None:
        refuse(
            ("registry",) if settings.identities is None else ("identities",),
            "identities: account needs the numeric workspace_id, to assign the environment groups to this workspace",
            "add 'workspace_id: 1234567890123456' (the number in the workspace URL after ?o=, or in the account "
            "console)",
            "account-identities",
        )
    return problems


def unity_catalog_problems(settings: WorkspaceSettings, environments: Sequence[Environment]) -> list[Problem]:
    """Unity Catalog names: a catalog only in that mode, one catalog per environment, UC-valid model names."""
    problems: list[Problem] = []
    catalog_owner: dict[str, tuple[str, str, int]] = {}
    for environment in environments:
        document = environment.document
        manifest = environment.manifest
        if not settings.unity_catalog_mode:
            if manifest.catalog is not None:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(("catalog",)),
                        "catalog applies only with registry: unity_catalog in environments/workspace.yaml",
                        "remove it, or switch the workspace to Unity Catalog",
                        rule="registry-settings",
                    )
                )
            continue
        catalog = manifest.catalog or settings.uc.catalog_name(environment.name)
        line = document.line_of(("catalog",) if manifest.catalog else ())
        owner = catalog_owner.setdefault(catalog, (environment.name, document.path, line))
        if owner[0] != environment.name:
            problems.append(
                Problem(
                    document.path,
                    line,
                    f"catalog {catalog!r} is already the catalog of environment {owner[0]!r} ({owner[1]}:{owner[2]})",
                    "give each environment its own catalog: environments are separated by catalog",
                    rule="distinct-catalogs",
                )
            )
        for index, model in enumerate(manifest.models):
            if model.tags:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(("models", index, "tags")),
                        f"model {model.name!r} has tags, but Unity Catalog models take none through Terraform "
                        "(the provider's databricks_registered_model has no tags)",
                        "remove tags:, or set them on the model in Unity Catalog with ALTER MODEL ... SET TAGS",
                        rule="uc-model-tags",
                    )
                )
            if "-" in model.name:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(("models", index)),
                        f"model name {model.name!r} is not a valid Unity Catalog name ('-' needs quoting in SQL "
                        "and three-level names)",
                        f"use '_' instead: {model.name.replace('-', '_')}",
                        rule="uc-identifier",
                    )
                )
    return problems


def cross_environment_problems(
    settings: WorkspaceSettings, environments: Sequence[Environment], declared: Sequence[str] = ()
) -> list[Problem]:
    """The rules that span environments: one environment per principal, unambiguous model names, reader groups.

    ``declared`` names every environment that has a manifest, valid or not, so that a rule about another
    environment holds even while that environment's manifest has errors (all problems are found at once).
    """
    problems: list[Problem] = []
    names = sorted({environment.name for environment in environments} | set(declared))
    known_names = set(names)
    environment_groups = {settings.group_name(name) for name in names}
    group_pattern = re.compile(re.escape(settings.group_name_pattern).replace(r"\{env\}", ".+"))
    principal_owner: dict[str, tuple[str, str, int]] = {}
    for environment in environments:
        document = environment.document
        manifest = environment.manifest
        for index, principal in enumerate(manifest.service_principals):
            line = document.line_of(("service_principals", index))
            for identifier in filter(None, (principal.application_id, principal.display_name)):
                owner = principal_owner.get(identifier)
                if owner is not None and owner[0] != environment.name:
                    problems.append(
                        Problem(
                            document.path,
                            line,
                            f"service principal {identifier!r} already belongs to environment {owner[0]!r} "
                            f"({owner[1]}:{owner[2]})",
                            "give each environment its own service principals",
                            rule="one-environment-per-principal",
                        )
                    )
                principal_owner.setdefault(identifier, (environment.name, document.path, line))
        for index, model in enumerate(manifest.models):
            # Environment names hold no '_', so a name ends in '_{env}' exactly when its last part is one.
            other = model.name.rpartition("_")[2]
            if "_" in model.name and other in known_names:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(("models", index)),
                        f"model name {model.name!r} ends with '_{other}', the suffix of environment {other!r}; "
                        f"it would be registered as {full_model_name(model.name, environment.name)} and read as "
                        "another environment's model",
                        "choose a name that does not end in an environment suffix",
                        rule="unambiguous-model-name",
                    )
                )
        reader_lists: list[tuple[Location, str]] = [
            (("experiment_readers", i), group) for i, group in enumerate(manifest.experiment_readers)
        ]
        for model_index, model in enumerate(manifest.models):
            reader_lists += [(("models", model_index, "readers", i), group) for i, group in enumerate(model.readers)]
        for location, group in reader_lists:
            reason = _forbidden_reader_reason(group, settings, environment_groups, group_pattern)
            if reason:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(location),
                        reason,
                        "list a team group such as data-scientists; environment principals get "
                        "access through their own environment only",
                        rule="readers-not-environment-groups",
                    )
                )
    return problems


def _forbidden_reader_reason(
    group: str, settings: WorkspaceSettings, environment_groups: set[str], group_pattern: re.Pattern[str]
) -> str:
    if group == settings.all_principals_group:
        return f"reader group {group!r} is the all-principals group, which holds every environment"
    if group in environment_groups or group_pattern.fullmatch(group):
        return f"reader group {group!r} is an environment group"
    if group.lower() in RESERVED_GROUPS:
        return f"reader group {group!r} is a built-in Databricks group and cannot be a reader"
    return ""
