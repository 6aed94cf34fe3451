"""Apply a permission model of the generator to an MLflow basic-auth server.

Groups become roles, service principals become users assigned to their group's role, and each
grant becomes a role permission. MLflow grants match exact names, never a pattern such as
``*_prod``, so registered models are pre-created by the admin (as Terraform pre-creates them in
Databricks: the creator of a model gets MANAGE on it), and a directory grant becomes a grant on
the experiments pre-created under the directory.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from mlflow import MlflowClient
from mlflow.server.auth.client import AuthServiceClient

from generator.model.grants import DIRECTORY, GROUP, REGISTERED_MODEL, SERVICE_PRINCIPAL
from generator.model.permission_model import PermissionModel

#: Databricks level -> MLflow permission. MLflow has no stage-specific levels: managing Staging or
#: Production versions both need EDIT (create versions, transition stages).
LEVELS = {
    "CAN_READ": "READ",
    "CAN_RUN": "READ",
    "CAN_EDIT": "EDIT",
    "CAN_MANAGE_STAGING_VERSIONS": "EDIT",
    "CAN_MANAGE_PRODUCTION_VERSIONS": "EDIT",
    "CAN_MANAGE": "MANAGE",
}
WORKSPACE = "default"
JOB_EXPERIMENT = "jobs"


@dataclass
class AppliedAuth:
    """What was created: user passwords by principal and experiment ids by directory."""

    passwords: dict[str, str] = field(default_factory=dict)
    experiments: dict[str, str] = field(default_factory=dict)
    role_permissions: list[tuple[str, str, str, str]] = field(default_factory=list)


def apply_permission_model(model: PermissionModel, tracking_uri: str) -> AppliedAuth:
    """Create roles, users, pre-created models and experiments, and every explicit grant.

    Runs with the admin credentials found in ``MLFLOW_TRACKING_USERNAME``/``_PASSWORD``.
    """
    auth = AuthServiceClient(tracking_uri)
    admin = MlflowClient(tracking_uri)
    applied = AppliedAuth()
    roles: dict[str, int] = {}

    def role(name: str) -> int:
        if name not in roles:
            roles[name] = auth.create_role(WORKSPACE, name, description=f"Databricks group {name}").id
        return roles[name]

    for grant in model.explicit():
        if grant.object_type == GROUP and grant.principal_type == SERVICE_PRINCIPAL:
            password = secrets.token_urlsafe(18)
            auth.create_user(grant.principal, password)
            auth.assign_role(grant.principal, role(grant.object))
            applied.passwords[grant.principal] = password
    for facts in model.environments.values():
        for name in facts.models:
            admin.create_registered_model(name)
        experiment = f"{facts.experiment_directory}/{JOB_EXPERIMENT}"
        applied.experiments[facts.experiment_directory] = admin.create_experiment(experiment)
    for grant in model.explicit():
        if grant.principal_type != GROUP or grant.object_type not in (REGISTERED_MODEL, DIRECTORY):
            continue
        if grant.object_type == REGISTERED_MODEL:
            resource = ("registered_model", grant.object)
        else:
            resource = ("experiment", applied.experiments[grant.object])
        auth.add_role_permission(role(grant.principal), *resource, LEVELS[grant.permission_level])
        applied.role_permissions.append((grant.principal, *resource, LEVELS[grant.permission_level]))
    return applied
