"""The account console, for audits with ``identities: account``: groups, members and workspace assignments.

Its host is ``account_host`` of ``environments/workspace.yaml`` (or the one the workspace's cloud
implies); the account id comes the standard way (``DATABRICKS_ACCOUNT_ID`` or the profile's
``account_id``), and credentials as for the workspace (an account admin: OAuth, Azure CLI; the
account API does not take workspace personal access tokens).
"""

from __future__ import annotations

from databricks.sdk import AccountClient
from databricks.sdk.config import Config

from generator.manifests.settings import WorkspaceSettings
from generator.workspace.account_preflight import check_account


def account_client(settings: WorkspaceSettings, timeout: int) -> AccountClient:
    """A client for the account console of ``settings``, checked first (:mod:`.account_preflight`: one line and
    exit 3 within seconds when it cannot be reached, refuses the credentials or no account id is set)."""
    check_account(settings.account_console)
    return AccountClient(config=Config(host=settings.account_console, retry_timeout_seconds=timeout))
