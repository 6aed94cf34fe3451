"""``mlenv new-env``: a commented manifest for a team onboarding a new environment."""

from __future__ import annotations

from generator.manifests.settings import WorkspaceSettings
from generator.render.registries import rendering_for

_TEMPLATE = """\
# yaml-language-server: $schema=../schema/environment.schema.json
# Environment "{name}": registered models become {model_name}, experiments live under
# {directory}, and the service principals below join the group {group}.
# Reference: the "Manifest reference" section of README.md. Check with: mlenv validate

# true only for a production environment: {production_meaning} and
# nothing outside this environment may reach them.
production: {production}

description: Describe the team that owns this environment.

# Identities that run this environment's jobs: uncomment the lines you need (remove the '# ' only)
# and fill them in. application_id is the client id of an Azure-managed service principal (the
# all-zero placeholder is refused until you replace it); display_name alone names a
# Databricks-managed one.
service_principals:
  # - application_id: 00000000-0000-0000-0000-000000000000
  #   display_name: {name}-runner
  # - display_name: {name}-batch

# Registered models this environment owns, each registered as {model_name}. A bare name is
# enough; the long form adds a description{tags_note} reader groups ({reader_level}{reader_note}).
models:
  # - churn
  # - name: fraud
  #   description: Fraud scoring
  #   readers: [data-scientists]
{tags_example}
# Extra groups given CAN_READ on {directory}.
experiment_readers:
  # - data-scientists
"""


def scaffold_manifest(name: str, production: bool, settings: WorkspaceSettings) -> str:
    """A commented manifest for environment ``name``, worded for the workspace's registry."""
    return _TEMPLATE.format(
        name=name,
        production="true" if production else "false",
        directory=settings.experiment_directory(name),
        group=settings.group_name(name),
        reader_note="; on production models an explicit, reported opt-in" if production else "",
        **rendering_for(settings.registry).manifest_terms(settings, name),
    )
