"""The account console, for audits with ``identities: account``: groups, members and workspace assignments.

Its host is ``account_host`` of ``environments/workspace.yaml`` (or the one the workspace's cloud
implies); the account id comes the standard way (``DATABRICKS_ACCOUNT_ID`` or the profile's
``account_id``), and credentials as for the workspace (an account admin: OAuth, Azure CLI; the
account API does not take workspace personal access tokens).
"""

from __future__ import annotations

from databricks.sdk import AccountClient
from databricks.sdk.config import Config

from generator.errors import MissingCredentials
from generator.manifests.settings import WorkspaceSettings


def account_client(settings: WorkspaceSettings, timeout: int) -> AccountClient:
    """A client for the account console of ``settings``; :class:`MissingCredentials` without an account id."""
    config = Config(host=settings.account_console, retry_timeout_seconds=timeout)
    if not config.account_id:
        raise MissingCredentials(
            "identities: account needs the Databricks account id to read group memberships: set "
            "DATABRICKS_ACCOUNT_ID (or account_id in the profile) to the account console's id"
        )
    return AccountClient(config=config)
