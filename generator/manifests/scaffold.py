"""``mlenv new-env``: a commented manifest for a team onboarding a new environment."""

from __future__ import annotations

from generator.manifests.manifest import WorkspaceSettings

_TEMPLATE = """\
# yaml-language-server: $schema=../schema/environment.schema.json
# Environment "{name}": registered models become <model>_{name}, experiments live under
# {directory}, and the service principals below join the group {group}.
# Reference: the "Manifest reference" section of README.md. Check with: mlenv validate

# true only for a production environment: its models get CAN_MANAGE_PRODUCTION_VERSIONS and
# nothing outside this environment may reach them.
production: {production}

description: Describe the team that owns this environment.

# Identities that run this environment's jobs. Use application_id (the client id) for an
# Azure-managed service principal; display_name alone for a Databricks-managed one.
service_principals: []
#  - application_id: 9f0c6a1e-3b2d-4c5e-8f7a-1b2c3d4e5f60   # an Azure-managed service principal
#    display_name: {name}-runner
#  - display_name: {name}-batch                              # a Databricks-managed one

# Registered models this environment owns. A bare name is enough; the long form adds a
# description, tags and reader groups (CAN_READ{reader_note}).
models: []
#  - churn
#  - name: fraud
#    description: Fraud scoring
#    readers: [data-scientists]
#    tags:
#      team: risk

# Extra groups given CAN_READ on {directory}.
experiment_readers: []
"""


def scaffold_manifest(name: str, production: bool, settings: WorkspaceSettings) -> str:
    """A commented manifest for environment ``name``."""
    return _TEMPLATE.format(
        name=name,
        production="true" if production else "false",
        directory=settings.experiment_directory(name),
        group=settings.group_name(name),
        reader_note="; on production models an explicit, reported opt-in" if production else "",
    )
