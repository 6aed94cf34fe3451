"""Moving model versions from the Workspace Model Registry to Unity Catalog (``mlenv migrate``).

The flow: :mod:`.pairs` (which source model goes to which target, from the manifests) ->
:mod:`.registries` (MLflow clients of both registries) -> :mod:`.inventory` (what each version is and
where it goes: the plan) -> :mod:`.copy` (create the versions, restore tags, descriptions and aliases)
-> :mod:`.verify` (files, checksums, signature, tags, description, aliases) -> :mod:`.report` (table,
Markdown and JSON). Only the CLI imports MLflow's clients through :mod:`.registries`, so the rest of
mlenv never needs MLflow.
"""
