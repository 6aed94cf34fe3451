"""The connection to the live workspace: a databricks-sdk client, its failures as one error, a request count."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.errors.base import DatabricksError
from requests.exceptions import RequestException

from generator.errors import WorkspaceUnreachable
from generator.request_budget import process_share
from generator.workspace.budget import limit_requests


@contextmanager
def workspace_client(
    action: str, timeout: int, request_budget: int | None = None, processes: int = 1
) -> Iterator[WorkspaceClient]:
    """A client for the workspace the standard Databricks auth points at (environment, profile).

    Any failure to reach or authenticate, while connecting or inside the block, is raised as
    :class:`WorkspaceUnreachable` saying that mlenv cannot ``action``. The SDK stops retrying an
    unreachable or throttling workspace after ``timeout`` seconds. With ``request_budget`` (the workspace's
    requests per second), the client's calls keep to the share of it of one of ``processes`` concurrent senders
    (:func:`generator.request_budget.process_share`, :mod:`generator.workspace.budget`).
    """
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)  # failures become one line below
    try:
        client = WorkspaceClient(config=Config(retry_timeout_seconds=timeout))
        yield client if request_budget is None else limit_requests(client, process_share(request_budget, processes))
    except (ValueError, DatabricksError, RequestException, TimeoutError) as error:
        raise WorkspaceUnreachable(f"cannot {action}: {first_sentence(error)}") from None


def first_sentence(error: BaseException) -> str:
    """The first sentence of an error's message on one line (the SDK appends long configuration dumps)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text.split(". ")[0].rstrip(".")


class RequestCounter:
    """Counts the HTTP requests a client sends from now on (for the audit report and its benchmark)."""

    def __init__(self, client: WorkspaceClient):
        self._count = 0
        self._lock = threading.Lock()
        api = client.api_client
        send = api.do

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self._count += 1
            return send(*args, **kwargs)

        api.do = counted  # type: ignore[method-assign]

    @property
    def count(self) -> int:
        """Requests sent so far."""
        return self._count
