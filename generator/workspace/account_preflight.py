"""Before anything talks to the account console (``identities: account``): is it there, does it take the
credentials? The same promise as :mod:`.preflight` for the workspace: a host that does not resolve, a refused
port, a 401 or a 403 ends in one line naming the host and exit 3 within :data:`DEADLINE_SECONDS`, instead of
the SDK retrying for the command's whole timeout (an audit's 20 s became 50, a plan's existence check 5 minutes).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from databricks.sdk import AccountClient
from databricks.sdk.config import Config
from databricks.sdk.errors import PermissionDenied, Unauthenticated
from databricks.sdk.errors.base import DatabricksError

from generator.errors import MissingCredentials, WorkspaceUnreachable
from generator.workspace.connection import first_sentence
from generator.workspace.preflight import CONNECT_SECONDS, check_connection, network_reason

#: Overall deadline of the account check, in seconds.
DEADLINE_SECONDS = 10.0
#: Where the account console's host comes from, for the messages.
SETTING = "account_host in environments/workspace.yaml"


def check_account(host: str) -> None:
    """One cheap authenticated call to the account console at ``host``; raises :class:`WorkspaceUnreachable`
    with one line naming the host when it cannot be reached or refuses the credentials, and
    :class:`MissingCredentials` when no account id is set."""
    logging.getLogger("databricks.sdk").setLevel(logging.CRITICAL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_check, host)
        try:
            future.result(timeout=DEADLINE_SECONDS)
        except FutureTimeout:
            raise WorkspaceUnreachable(
                f"cannot reach the account console: no answer from {host} within {DEADLINE_SECONDS:.0f} s; check "
                f"{SETTING}, the network and any proxy (HTTPS_PROXY, NO_PROXY)"
            ) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _check(host: str) -> None:
    action = "reach the account console"
    check_connection(action, host, SETTING)  # before the SDK's configuration, which already asks the host
    try:
        config = Config(host=host, retry_timeout_seconds=3, http_timeout_seconds=int(CONNECT_SECONDS))
        if not config.account_id:
            raise MissingCredentials(
                "identities: account needs the Databricks account id to read group memberships: set "
                "DATABRICKS_ACCOUNT_ID (or account_id in the profile) to the account console's id"
            )
        account = AccountClient(config=config)
        next(iter(account.groups.list(attributes="id", count=1)), None)
    except Unauthenticated:
        raise WorkspaceUnreachable(
            f"cannot {action}: {host} refused the credentials (401); the account API takes OAuth or Azure CLI "
            "credentials of an account admin, not a workspace token"
        ) from None
    except PermissionDenied:
        raise WorkspaceUnreachable(
            f"cannot {action}: {host} accepted the credentials but they are not an account admin's (403); "
            "identities: account reads account groups and assignments"
        ) from None
    except DatabricksError as error:
        raise WorkspaceUnreachable(f"cannot {action}: {host} answered {first_sentence(error)}") from None
    except (TimeoutError, OSError) as error:
        raise WorkspaceUnreachable(f"cannot {action}: {network_reason(host, error, SETTING)}") from None
